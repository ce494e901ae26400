/* nnlab/blas.h: which BLAS kernels this process runs, what the CPU could run, and how to get the best. */
#ifndef NNLAB_BLAS_H
#define NNLAB_BLAS_H

#include "export.h"
#include <stddef.h>
#include <stdio.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CPU vector extensions that decide which OpenBLAS kernels can run (bits of nn_blas_facts.features). */
enum {
    NN_CPU_SSE3 = 1u << 0,
    NN_CPU_AVX = 1u << 1,
    NN_CPU_AVX2 = 1u << 2,  /* with FMA3 */
    NN_CPU_AVX512F = 1u << 3,
    NN_CPU_AVX512BW = 1u << 4,
    NN_CPU_AVX512DQ = 1u << 5,
    NN_CPU_AVX512VL = 1u << 6,
};

/* What nn_blas_info reports. Strings are NUL-terminated copies, "" when unknown. */
typedef struct nn_blas_facts {
    char blas[160];      /* the BLAS and its build ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...", or "none ..."
                            in a build with NNLAB_BLAS=none) */
    char core[32];       /* kernels OpenBLAS runs now ("Haswell", "SkylakeX", "Prescott", ...); "" without a BLAS */
    char best_core[32];  /* the best core this CPU can run, "" if none is known to be better than generic */
    char cpu[64];        /* CPU model name from CPUID ("" off x86) */
    unsigned features;   /* NN_CPU_* bits the CPU and the operating system both support */
    char coretype_env[32]; /* OPENBLAS_CORETYPE as set in the environment, "" if unset */
    int coretype_set;    /* 1 if OPENBLAS_CORETYPE is set (even to ""), 0 if not */
    int threads;         /* the threads models train on by default (nn_get_threads); OpenBLAS itself runs one */
} nn_blas_facts;

/* Fill *out with the facts above. Never fails on a valid pointer; NN_EINVAL for NULL. Thread-safe. */
NN_API nn_status nn_blas_info(nn_blas_facts *out);

/* NN_OK unless OpenBLAS runs its generic kernels on a CPU that can run vector ones (nn_blas_better_core):
 * then NN_EINVAL with a message naming the environment variable to set before the program starts ("...: set
 * OPENBLAS_CORETYPE=SkylakeX"). Also NN_EINVAL when OPENBLAS_CORETYPE is set to "" or to a name OpenBLAS does
 * not know, which it silently replaces by its own guess. */
NN_API nn_status nn_blas_check(void);

/* The decision table behind nn_blas_check, pure functions of their arguments (for tests and tools):
 * nn_blas_best_core: the best OpenBLAS 0.3.21 core for these NN_CPU_* bits ("SkylakeX", "Haswell",
 * "Sandybridge" or "Prescott"); nn_blas_core_rank: 4 for AVX-512 cores, 3 AVX2, 2 AVX, 1 SSE-only (generic),
 * 0 for a name OpenBLAS does not know (case-insensitive, as OpenBLAS reads it); nn_blas_better_core: the core
 * to switch to when `current` is generic (rank 1) and the CPU runs a vector core (rank 2 or more), else NULL.
 * A vector core is never second-guessed: OpenBLAS picked it knowing the CPU. */
NN_API const char *nn_blas_best_core(unsigned features);
NN_API int nn_blas_core_rank(const char *core);
NN_API const char *nn_blas_better_core(const char *current, unsigned features);

/* Whether a program should restart itself with OPENBLAS_CORETYPE=*core: 1 when nn_blas_better_core names a
 * core for the running one and OPENBLAS_CORETYPE was not set by the user, 0 otherwise (also when
 * NNLAB_BLAS_REEXEC is set: the restart happened already, which guards against loops). For tests,
 * NNLAB_BLAS_TEST_UNSET=1 treats a set OPENBLAS_CORETYPE as unset, so that a generic core can be forced. */
NN_API int nn_blas_should_reexec(const char **core);

/* Restart the running program (argv as main received it) once with the best kernels, as nnlab and nnlab-bench
 * do first thing in main: returns only when no restart is needed or execv failed (then NN_EIO and a message).
 * log (may be NULL) receives one line saying what is done. Must run before the program starts any thread. */
NN_API nn_status nn_blas_reexec_best(char **argv, FILE *log);

#ifdef __cplusplus
}
#endif
#endif
