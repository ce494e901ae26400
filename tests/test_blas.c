/* test_blas.c: the kernel decision table, nn_blas_info/nn_blas_check, and nnlab's restart with better kernels. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include "testutil.h"

static const unsigned SSE = NN_CPU_SSE3, AVX = NN_CPU_SSE3 | NN_CPU_AVX, AVX2 = AVX | NN_CPU_AVX2,
                      AVX512 = AVX2 | NN_CPU_AVX512F | NN_CPU_AVX512BW | NN_CPU_AVX512DQ | NN_CPU_AVX512VL;

START_TEST(best_core_table)
{
    ck_assert_str_eq(nn_blas_best_core(0), "Prescott");
    ck_assert_str_eq(nn_blas_best_core(SSE), "Prescott");
    ck_assert_str_eq(nn_blas_best_core(AVX), "Sandybridge");
    ck_assert_str_eq(nn_blas_best_core(AVX2), "Haswell");
    ck_assert_str_eq(nn_blas_best_core(AVX512), "SkylakeX");
    /* AVX-512F alone (Knights Landing) lacks the BW/DQ/VL the SkylakeX kernels use. */
    ck_assert_str_eq(nn_blas_best_core(AVX2 | NN_CPU_AVX512F), "Haswell");
}
END_TEST

START_TEST(core_ranks)
{
    ck_assert_int_eq(nn_blas_core_rank("Prescott"), 1);
    ck_assert_int_eq(nn_blas_core_rank("prescott"), 1); /* OpenBLAS reads the variable case-insensitively */
    ck_assert_int_eq(nn_blas_core_rank("Nehalem"), 1);
    ck_assert_int_eq(nn_blas_core_rank("Sandybridge"), 2);
    ck_assert_int_eq(nn_blas_core_rank("Zen"), 3);
    ck_assert_int_eq(nn_blas_core_rank("HASWELL"), 3);
    ck_assert_int_eq(nn_blas_core_rank("Cooperlake"), 4);
    ck_assert_int_eq(nn_blas_core_rank("SkylakeX"), 4);
    ck_assert_int_eq(nn_blas_core_rank(""), 0);
    ck_assert_int_eq(nn_blas_core_rank("bogus"), 0);
    ck_assert_int_eq(nn_blas_core_rank(NULL), 0);
}
END_TEST

START_TEST(better_core_decisions)
{
    /* Generic kernels on a vector CPU: switch to the CPU's best. */
    ck_assert_str_eq(nn_blas_better_core("Prescott", AVX512), "SkylakeX");
    ck_assert_str_eq(nn_blas_better_core("Nehalem", AVX2), "Haswell");
    ck_assert_str_eq(nn_blas_better_core("Core2", AVX), "Sandybridge");
    /* Generic kernels on a CPU that runs nothing better, or a vector core OpenBLAS chose: leave them. */
    ck_assert_ptr_null(nn_blas_better_core("Prescott", SSE));
    ck_assert_ptr_null(nn_blas_better_core("Zen", AVX512));
    ck_assert_ptr_null(nn_blas_better_core("Haswell", AVX512));
    ck_assert_ptr_null(nn_blas_better_core("SkylakeX", AVX512));
    ck_assert_ptr_null(nn_blas_better_core("bogus", AVX512));
}
END_TEST

START_TEST(info_and_check)
{
    nn_blas_facts f;
    ck_assert_int_eq(nn_blas_info(NULL), NN_EINVAL);
    ck_assert_int_eq(nn_blas_info(&f), NN_OK);
#ifdef NNLAB_BLAS_NONE
    ck_assert_msg(!strncmp(f.blas, "none", 4) && !f.core[0], "blas = '%s', core '%s'", f.blas, f.core);
    ck_assert_int_eq(nn_blas_check(), NN_OK);
    return;
#endif
    ck_assert_msg(!strncmp(f.blas, "OpenBLAS", 8), "blas = '%s'", f.blas);
    ck_assert_msg(nn_blas_core_rank(f.core) > 0, "core = '%s'", f.core);
    ck_assert_int_ge(f.threads, 1);
    /* What OpenBLAS does with OPENBLAS_CORETYPE is fixed when it loads; the check reads the variable now. */
    setenv("OPENBLAS_CORETYPE", "bogus", 1);
    ck_assert_int_eq(nn_blas_check(), NN_EINVAL);
    ck_assert_msg(strstr(nn_errmsg(), "OPENBLAS_CORETYPE='bogus' is not a core OpenBLAS knows"), "%s", nn_errmsg());
    setenv("OPENBLAS_CORETYPE", f.core, 1);
    if (!nn_blas_better_core(f.core, f.features)) ck_assert_int_eq(nn_blas_check(), NN_OK);
}
END_TEST

/* Runs "ENV nnlab ARGS 2>&1" and returns its output in buf. */
static int run(char *buf, size_t size, const char *env, const char *args)
{
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(bin && *bin, "NNLAB_BIN is not set");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "env -u NNLAB_BLAS_REEXEC %s '%s' %s 2>&1", env, bin, args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(buf, 1, size - 1, p);
    buf[n] = '\0';
    return pclose(p);
}

START_TEST(cli_restarts_on_generic_kernels)
{
    nn_blas_facts f;
    nn_blas_info(&f);
#ifdef NNLAB_BLAS_NONE
    fprintf(stderr, "test_blas: skipped: built with NNLAB_BLAS=none, no BLAS kernels to restart with\n");
    return;
#endif
    const char *better = nn_blas_better_core("Prescott", f.features);
    if (!better) {
        fprintf(stderr, "test_blas: skipped: this CPU runs no kernels better than the generic ones\n");
        return;
    }
    char out[8192], want[128];
    /* A core the user sets is respected, with a warning that names the variable. */
    ck_assert_int_eq(run(out, sizeof out, "OPENBLAS_CORETYPE=Prescott", "info"), 0);
    ck_assert_msg(strstr(out, "blas core: Prescott"), "%s", out);
    snprintf(want, sizeof want, "set OPENBLAS_CORETYPE=%s", better);
    ck_assert_msg(strstr(out, want), "%s", out);
    ck_assert_msg(!strstr(out, "restarting"), "%s", out);
    /* Generic kernels that OpenBLAS chose itself (simulated by the test hook): one restart, said under
     * --verbose, and the command runs with the better kernels. */
    ck_assert_int_eq(run(out, sizeof out, "OPENBLAS_CORETYPE=Prescott NNLAB_BLAS_TEST_UNSET=1", "--verbose info"), 0);
    snprintf(want, sizeof want, "restarting with OPENBLAS_CORETYPE=%s", better);
    ck_assert_msg(strstr(out, want), "%s", out);
    snprintf(want, sizeof want, "blas core: %s", better);
    ck_assert_msg(strstr(out, want), "%s", out);
    ck_assert_msg(!strstr(out, "warning"), "%s", out);
    /* Without --verbose the restart is silent. */
    ck_assert_int_eq(run(out, sizeof out, "OPENBLAS_CORETYPE=Prescott NNLAB_BLAS_TEST_UNSET=1", "info"), 0);
    ck_assert_msg(!strstr(out, "restarting") && strstr(out, want), "%s", out);
}
END_TEST

static Suite *blas_suite(void)
{
    Suite *s = suite_create("blas");
    TCase *t = tcase_create("blas");
    tcase_add_test(t, best_core_table);
    tcase_add_test(t, core_ranks);
    tcase_add_test(t, better_core_decisions);
    tcase_add_test(t, info_and_check);
    tcase_add_test(t, cli_restarts_on_generic_kernels);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(blas_suite)
