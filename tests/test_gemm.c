/* test_gemm.c: the matrix product against a plain triple loop, on shapes that reach each of its paths (direct register-blocked loop, dot products, nnlab's packed kernel, OpenBLAS or, in the NNLAB_BLAS=none build, the blocked loops), and split products equal to the whole. */
#include <math.h>
#include "testutil.h"
#include "gemm.h"

START_TEST(matches_reference)
{
    static const int shapes[][3] = {
        {32, 16, 2}, {2, 16, 32}, {4, 32, 8}, {5, 17, 3},   /* direct loop, full and partial blocks */
        {32, 1, 64}, {64, 10, 256}, {7, 3, 33}, {16, 100, 64}, /* dot products (narrow rows, long k) */
        {8, 100, 100}, {3, 37, 300},                             /* dot products over several column blocks */
        {32, 16, 16}, {64, 256, 64}, {3, 5, 7}, {1, 1, 1},  /* OpenBLAS */
        {17, 70, 600}, {9, 130, 260}, {40, 64, 256},         /* NNLAB_BLAS=none: several column blocks and k panels */
        {100, 70, 300}, {130, 33, 257}, {64, 600, 40}, {520, 40, 64}, /* nnlab's packed kernel: edge tiles, two
                                                         * blocks of k, of columns, a packed transposed A */
    };
    nn_rng r;
    nn_rng_seed(&r, 1);
    enum { MAXE = 256 * 256 };
    static nn_real A[MAXE], B[MAXE], C[MAXE], C0[MAXE];
    for (int i = 0; i < MAXE; i++) A[i] = (nn_real)nn_rng_normal(&r), B[i] = (nn_real)nn_rng_normal(&r);
    const nn_real alphas[] = {1, (nn_real)-0.5}, betas[] = {0, 1, (nn_real)0.25};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int t = 0; t < 4; t++)
            for (int ab = 0; ab < 6; ab++) {
                int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], ta = t & 1, tb = t >> 1;
                nn_real alpha = alphas[ab % 2], beta = betas[ab / 2];
                int lda = ta ? m : k, ldb = tb ? k : n;
                for (int i = 0; i < m * n; i++) C[i] = C0[i] = (nn_real)nn_rng_normal(&r);
                if (beta == 0) C[0] = NAN; /* beta = 0 ignores old contents, NaN included */
                nn_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, n);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double sum = 0, mag = 0;
                        for (int p = 0; p < k; p++) {
                            double a = ta ? A[p * lda + i] : A[i * lda + p], b = tb ? B[j * ldb + p] : B[p * ldb + j];
                            sum += a * b;
                            mag += fabs(a * b);
                        }
                        double want = alpha * sum + (beta == 0 ? 0 : beta * C0[i * n + j]);
                        double tol = 1e-5 * (mag + fabs(C0[i * n + j]) + 1);
                        ck_assert_msg(fabs(C[i * n + j] - want) <= tol, "%dx%dx%d ta=%d tb=%d alpha=%g beta=%g: C[%d][%d] %g vs %g",
                                      m, n, k, ta, tb, (double)alpha, (double)beta, i, j, (double)C[i * n + j], want);
                    }
            }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("gemm");
    TCase *t = tcase_create("gemm");
    tcase_add_test(t, matches_reference);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
