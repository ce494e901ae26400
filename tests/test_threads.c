/* test_threads.c: a model's threads change nothing but speed: the same seed trains to bit-identical parameters
 * on 1, 2 and 3 threads, and a step with a non-finite gradient changes nothing at any thread count. */
#include <math.h>
#include <string.h>
#include "gemm.h"
#include "testutil.h"
#include "pool.h"
#include "optim/optim_internal.h"

#define IN 128
#define ROWS 512

/* Parameters and losses after `steps` steps of arch on `threads` threads; *np gets their count. */
static nn_real *train(const char *arch, const char *opt, int threads, int steps, double *losses, size_t *np)
{
    nn_model *m = nn_model_from_spec(IN, arch, NN_LOSS_SOFTMAX_XENT, 11);
    ck_assert_msg(m != NULL, "%s: %s", arch, nn_errmsg());
    ck_assert_int_eq(nn_model_set_threads(m, threads), NN_OK);
    nn_optim *o = nn_optim_parse(opt);
    ck_assert_ptr_nonnull(o);
    static nn_real x[ROWS * IN], y[ROWS];
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (int i = 0; i < ROWS * IN; i++) x[i] = (nn_real)nn_rng_normal(&r);
    for (int i = 0; i < ROWS; i++) y[i] = (nn_real)(i % 10);
    for (int s = 0; s < steps; s++)
        ck_assert_msg(nn_train_step(m, o, x, y, s % 2 ? ROWS - 37 : ROWS, &losses[s]) == NN_OK, "%s", nn_errmsg());
    ck_assert_int_eq(nn_model_threads(m), threads);
    *np = nn_model_nparams(m);
    nn_real *p = malloc(*np * sizeof *p);
    memcpy(p, nn_model_params(m), *np * sizeof *p);
    nn_optim_free(o);
    nn_model_free(m);
    return p;
}

/* Whether the products of a step sum each element the same way when cut into column blocks, both a product
 * with B as stored and one with B transposed (dx = dy W^T): nnlab's packed kernel runs both where the build
 * targets AVX-512, OpenBLAS elsewhere. OpenBLAS 0.3.21's SkylakeX and Prescott sgemm/dgemm kernels do (and
 * nnlab's own loops); its Haswell kernel (also Zen's) does not: a 256 x 1024 x 784 product cut in two
 * 512-column halves differs from the whole in the last bit of about 4 % of the elements. */
static int blas_splits_exactly(void)
{
    enum { M = 64, N = 512, K = 300 };
    static nn_real A[M * K], B[K * N], C1[M * N], C2[M * N];
    for (int i = 0; i < M * K; i++) A[i] = (nn_real)((i * 37) % 101) / 50 - 1;
    for (int i = 0; i < K * N; i++) B[i] = (nn_real)((i * 53) % 97) / 48 - 1;
    for (int tb = 0; tb < 2; tb++) {
        int ldb = tb ? K : N;
        nn_gemm(0, tb, M, N, K, 1, A, K, B, ldb, 0, C1, N);
        for (int c = 0; c < N; c += 128)
            nn_gemm(0, tb, M, 128, K, 1, A, K, B + (tb ? (size_t)c * K : (size_t)c), ldb, 0, C2 + c, N);
        if (memcmp(C1, C2, sizeof C1)) return 0;
    }
    return 1;
}

START_TEST(same_parameters_on_any_thread_count)
{
    int exact = blas_splits_exactly();
    /* Products large enough to be split (rows, columns, and the narrow-output kernel), activation passes
     * large enough to be split, layers that zero their own gradients (batchnorm, prelu), every optimizer kind. */
    static const struct {
        const char *arch, *opt;
    } cases[] = {
        {"dense:200,relu,dense:150,tanh,dense:10", "sgd:lr=0.05,momentum=0.9"},
        {"dense:256,batchnorm,prelu,dense:96,gelu,dense:10", "adam:lr=0.01"},
        {"maxout:64:k=3,dense:130,elu,dense:10", "rmsprop:lr=0.001,centered=1,momentum=0.5"},
        {"dense:160,selu,dense:10", "adagrad"},
    };
    enum { STEPS = 6 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double l1[STEPS], l2[STEPS], lt[STEPS];
        nn_real *p2 = NULL;
        size_t n1, nt;
        nn_real *p1 = train(cases[c].arch, cases[c].opt, 1, STEPS, l1, &n1);
        for (int th = 2; th <= 4; th++) {
            /* 4: the same 2 threads again, which must repeat themselves exactly on any kernel */
            nn_real *pt = train(cases[c].arch, cases[c].opt, th == 4 ? 2 : th, STEPS, lt, &nt);
            nn_real *ref = th == 4 ? p2 : p1;
            ck_assert_uint_eq(n1, nt);
            size_t diff = 0;
            double worst = 0;
            for (size_t i = 0; i < n1; i++) {
                diff += memcmp(&ref[i], &pt[i], sizeof *p1) != 0;
                double d = fabs((double)ref[i] - (double)pt[i]);
                worst = d > worst ? d : worst;
            }
            if (exact || th == 4) {
                ck_assert_msg(diff == 0, "%s, %s: %zu of %zu parameters differ between %d and %d threads",
                              cases[c].arch, cases[c].opt, diff, n1, th == 4 ? 2 : 1, th == 4 ? 2 : th);
                ck_assert_msg(!memcmp(th == 4 ? l2 : l1, lt, sizeof l1), "%s: losses differ (%d threads)",
                              cases[c].arch, th);
            } else {
                /* Rounding only: a few steps from the same start stay close (Adam moves a parameter whose
                 * gradient is near zero by up to lr per step whichever way rounding tips it). */
                ck_assert_msg(worst < 0.1, "%s, %s: 1 and %d threads differ by %g", cases[c].arch, cases[c].opt,
                              th, worst);
                for (int s = 0; s < STEPS; s++)
                    ck_assert_msg(fabs(l1[s] - lt[s]) <= 1e-3 * fabs(l1[s]), "%s: loss %g vs %g", cases[c].arch,
                                  l1[s], lt[s]);
            }
            if (th == 2) {
                memcpy(l2, lt, sizeof l2);
                p2 = pt;
            } else {
                free(pt);
            }
        }
        free(p1);
        free(p2);
    }
}
END_TEST

/* The finite check runs inside the update, block by block: an Inf in any thread's block skips every block. */
START_TEST(nonfinite_gradient_changes_nothing)
{
    enum { N = 5000 };
    static nn_real p[N], g[N], p0[N];
    for (int threads = 1; threads <= 3; threads++) {
        nn_pool *pool = threads > 1 ? nn_pool_new(threads) : NULL;
        ck_assert(threads == 1 || pool != NULL);
        for (size_t bad = 0; bad < N; bad += 1237) {
            nn_optim *o = nn_optim_parse("adam:lr=0.1");
            for (int i = 0; i < N; i++) p[i] = (nn_real)i / N, g[i] = (nn_real)(i % 7) - 3;
            ck_assert_int_eq(nn_optim_step_checked(o, pool, p, g, N), NN_OK);
            memcpy(p0, p, sizeof p);
            size_t len;
            long steps;
            const nn_real *st = nn_optim_state(o, &len, &steps);
            nn_real *st0 = malloc(len * sizeof *st0);
            memcpy(st0, st, len * sizeof *st0);
            g[bad] = bad % 2 ? (nn_real)INFINITY : (nn_real)NAN;
            ck_assert_int_eq(nn_optim_step_checked(o, pool, p, g, N), NN_ENONFINITE);
            ck_assert_msg(!memcmp(p, p0, sizeof p), "%d threads, bad gradient %zu: parameters changed", threads, bad);
            long steps1;
            st = nn_optim_state(o, &len, &steps1);
            ck_assert_msg(!memcmp(st, st0, len * sizeof *st0), "%d threads: state changed", threads);
            ck_assert_int_eq(steps1, steps);
            free(st0);
            nn_optim_free(o);
        }
        nn_pool_free(pool);
    }
}
END_TEST

/* The checked update equals the plain one. */
START_TEST(checked_step_equals_plain_step)
{
    enum { N = 3001 };
    static nn_real p1[N], p2[N], g[N];
    for (int i = 0; i < N; i++) p1[i] = p2[i] = (nn_real)(i % 13) / 7, g[i] = (nn_real)((i * 7) % 11) - 5;
    nn_pool *pool = nn_pool_new(3);
    ck_assert_ptr_nonnull(pool);
    nn_optim *a = nn_optim_parse("sgd:lr=0.1,momentum=0.9,nesterov=1"), *b = nn_optim_parse("sgd:lr=0.1,momentum=0.9,nesterov=1");
    for (int s = 0; s < 3; s++) {
        ck_assert_int_eq(nn_optim_step(a, p1, g, N), NN_OK);
        ck_assert_int_eq(nn_optim_step_checked(b, pool, p2, g, N), NN_OK);
    }
    ck_assert(!memcmp(p1, p2, sizeof p1));
    nn_optim_free(a);
    nn_optim_free(b);
    nn_pool_free(pool);
}
END_TEST

static void part_hit(void *ctx, int part, int nparts)
{
    int *hits = ctx;
    ck_assert_int_lt(part, nparts);
    hits[part]++; /* each part its own element */
}

START_TEST(pool_runs_every_part)
{
    static int hits[NN_POOL_MAX];
    for (int threads = 1; threads <= 4; threads++) {
        nn_pool *pool = nn_pool_new(threads);
        ck_assert_ptr_nonnull(pool);
        ck_assert_int_eq(nn_pool_threads(pool), threads);
        memset(hits, 0, sizeof hits);
        for (int r = 0; r < 100; r++) nn_pool_run(pool, part_hit, hits);
        for (int t = 0; t < threads; t++) ck_assert_int_eq(hits[t], 100);
        nn_pool_free(pool);
    }
    nn_pool_free(NULL);
    ck_assert_int_eq(nn_pool_threads(NULL), 1);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *t = tcase_create("threads");
    tcase_add_test(t, pool_runs_every_part);
    tcase_add_test(t, same_parameters_on_any_thread_count);
    tcase_add_test(t, nonfinite_gradient_changes_nothing);
    tcase_add_test(t, checked_step_equals_plain_step);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
