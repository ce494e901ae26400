/* blas.c: which OpenBLAS kernels run, which the CPU could run (CPUID), and the restart that picks the best.
 * Debian 12's OpenBLAS 0.3.21 does not know some newer CPUs and falls back to its generic Prescott kernels,
 * about 5x slower; OpenBLAS reads OPENBLAS_CORETYPE only when it loads, so the fix is a restart. */
#define _POSIX_C_SOURCE 200809L
#include "nnlab/config.h" /* NNLAB_BLAS_NONE, before the choice below */
#ifndef NNLAB_BLAS_NONE
#include <cblas.h>
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "internal.h"
#include "nnlab/blas.h"
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define NN_X86 1
#endif

/* OpenBLAS 0.3.21's x86-64 core names (driver/others/dynamic.c) by the widest vector unit their kernels use. */
static const struct {
    const char *name;
    int rank;
} cores[] = {
    {"Katmai", 1},     {"Coppermine", 1},  {"Northwood", 1},    {"Prescott", 1},   {"Banias", 1},
    {"Atom", 1},       {"Core2", 1},       {"Penryn", 1},       {"Dunnington", 1}, {"Nehalem", 1},
    {"Athlon", 1},     {"Opteron", 1},     {"Opteron_SSE3", 1}, {"Barcelona", 1},  {"Nano", 1},
    {"Bobcat", 1},     {"Sandybridge", 2}, {"Bulldozer", 2},    {"Piledriver", 2}, {"Steamroller", 2},
    {"Haswell", 3},    {"Excavator", 3},   {"Zen", 3},          {"SkylakeX", 4},   {"Cooperlake", 4},
    {"SapphireRapids", 4},
};

int nn_blas_core_rank(const char *core)
{
    if (!core) return 0;
    for (size_t i = 0; i < sizeof cores / sizeof cores[0]; i++)
        if (!strcasecmp(core, cores[i].name)) return cores[i].rank;
    return 0;
}

const char *nn_blas_best_core(unsigned f)
{
    const unsigned avx512 = NN_CPU_AVX512F | NN_CPU_AVX512BW | NN_CPU_AVX512DQ | NN_CPU_AVX512VL;
    if ((f & avx512) == avx512) return "SkylakeX";
    if (f & NN_CPU_AVX2) return "Haswell";
    if (f & NN_CPU_AVX) return "Sandybridge";
    return "Prescott";
}

#ifdef NN_X86
const char *nn_blas_better_core(const char *current, unsigned features)
{
    const char *best = nn_blas_best_core(features);
    return nn_blas_core_rank(current) == 1 && nn_blas_core_rank(best) >= 2 ? best : NULL;
}

static unsigned long long xgetbv0(void)
{
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}
#endif

/* Extensions the CPU has and the operating system saves the registers of (XCR0), as OpenBLAS checks. */
static unsigned cpu_features(char *model, size_t size)
{
    unsigned f = 0;
    if (size) model[0] = '\0';
#ifdef NN_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (c & 1u) f |= NN_CPU_SSE3;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6, zmm = ymm && (xcr0 & 0xe0) == 0xe0;
    if (avx && ymm) f |= NN_CPU_AVX;
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if (ymm && fma && ((b >> 5) & 1)) f |= NN_CPU_AVX2;
        if (zmm && ((b >> 16) & 1)) f |= NN_CPU_AVX512F;
        if (zmm && ((b >> 17) & 1)) f |= NN_CPU_AVX512DQ;
        if (zmm && ((b >> 30) & 1)) f |= NN_CPU_AVX512BW;
        if (zmm && ((b >> 31) & 1)) f |= NN_CPU_AVX512VL;
    }
    if (size > 48 && (unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
        unsigned w[12];
        for (unsigned l = 0; l < 3; l++) __get_cpuid(0x80000002u + l, &w[4 * l], &w[4 * l + 1], &w[4 * l + 2], &w[4 * l + 3]);
        memcpy(model, w, 48);
        model[48] = '\0';
        /* Vendors pad the name with spaces on either side. */
        size_t n = strlen(model), s = 0;
        while (n && model[n - 1] == ' ') model[--n] = '\0';
        while (model[s] == ' ') s++;
        memmove(model, model + s, n - s + 1);
    }
#else
    (void)model;
#endif
    return f;
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

nn_status nn_blas_info(nn_blas_facts *out)
{
    if (!out) return nn_fail(NN_EINVAL, "nn_blas_info: NULL output");
    memset(out, 0, sizeof *out);
#ifdef NNLAB_BLAS_NONE
    copy(out->blas, sizeof out->blas, "none (nnlab's own blocked loops, NNLAB_BLAS=none)");
#else
    copy(out->blas, sizeof out->blas, openblas_get_config());
    copy(out->core, sizeof out->core, openblas_get_corename());
#endif
    out->features = cpu_features(out->cpu, sizeof out->cpu);
#ifdef NN_X86
    const char *best = nn_blas_best_core(out->features);
    if (nn_blas_core_rank(best) > 1) copy(out->best_core, sizeof out->best_core, best);
#endif
    const char *env = getenv("OPENBLAS_CORETYPE");
    out->coretype_set = env != NULL;
    copy(out->coretype_env, sizeof out->coretype_env, env);
    out->threads = nn_get_threads();
    return NN_OK;
}

nn_status nn_blas_check(void)
{
    nn_blas_facts f;
    nn_blas_info(&f);
    if (!f.core[0]) return NN_OK; /* no BLAS, no kernels to choose */
    if (f.coretype_set && !nn_blas_core_rank(f.coretype_env))
        return nn_fail(NN_EINVAL, "OPENBLAS_CORETYPE='%s' is not a core OpenBLAS knows, so it runs %s instead: "
                       "unset it%s%s", f.coretype_env, f.core, f.best_core[0] ? " or set OPENBLAS_CORETYPE=" : "",
                       f.best_core);
    const char *better = nn_blas_better_core(f.core, f.features);
    if (better)
        return nn_fail(NN_EINVAL, "OpenBLAS runs its generic %s kernels on a CPU that can run %s ones (about "
                       "%dx faster): set OPENBLAS_CORETYPE=%s before the program starts", f.core, better,
                       nn_blas_core_rank(better) >= 4 ? 5 : 3, better);
    return NN_OK;
}

int nn_blas_should_reexec(const char **core)
{
    const char *test = getenv("NNLAB_BLAS_TEST_UNSET");
    int user_set = getenv("OPENBLAS_CORETYPE") && !(test && !strcmp(test, "1"));
    if (user_set || getenv("NNLAB_BLAS_REEXEC")) return 0;
    nn_blas_facts f;
    nn_blas_info(&f);
    if (!f.core[0]) return 0;
    const char *better = nn_blas_better_core(f.core, f.features);
    if (better && core) *core = better;
    return better != NULL;
}

nn_status nn_blas_reexec_best(char **argv, FILE *log)
{
    const char *core;
    if (!argv || !argv[0] || !nn_blas_should_reexec(&core)) return NN_OK;
    if (log)
        fprintf(log, "nnlab: OpenBLAS chose generic kernels on a CPU that runs %s ones: restarting with "
                "OPENBLAS_CORETYPE=%s\n", core, core);
    if (setenv("OPENBLAS_CORETYPE", core, 1) || setenv("NNLAB_BLAS_REEXEC", core, 1))
        return nn_fail(NN_EIO, "cannot set OPENBLAS_CORETYPE: %s", strerror(errno));
    /* /proc/self/exe finds the program whatever argv[0] says (a relative name, a PATH lookup). */
    execv("/proc/self/exe", argv);
    execvp(argv[0], argv);
    int e = errno;
    unsetenv("OPENBLAS_CORETYPE");
    return nn_fail(NN_EIO, "cannot restart %s with OPENBLAS_CORETYPE=%s: %s", argv[0], core, strerror(e));
}
