/* test_gemm.c: the matrix product against a plain triple loop, on shapes that reach each of its paths (direct register-blocked loop, dot products, nnlab's packed kernel, OpenBLAS or, in the NNLAB_BLAS=none build, the blocked loops), and split products equal to the whole. */
#include <math.h>
#include <string.h>
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
                                                         * blocks of k, of columns, a packed transposed A,
                                                         * B transposed in registers and in the edge loops */
        {200, 100, 100},                                     /* a narrow row of C (100 = 3 x 32 + 4), with both */
    };
    nn_rng r;
    nn_rng_seed(&r, 1);
    enum { MAXE = 256 * 256 };
    static nn_real A[MAXE], B[MAXE], C[MAXE], C0[MAXE];
    for (int i = 0; i < MAXE; i++) A[i] = (nn_real)nn_rng_normal(&r), B[i] = (nn_real)nn_rng_normal(&r);
    const nn_real alphas[] = {1, (nn_real)-0.5}, betas[] = {0, 1, (nn_real)0.25};
    /* kind -1: nn_gemm's own choice; then every kernel built that can run the shape, chosen or not */
    for (int kind = -1; kind < NN_GEMM_KINDS; kind++)
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int t = 0; t < 4; t++)
            for (int ab = 0; ab < 6; ab++) {
                int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], ta = t & 1, tb = t >> 1;
                if (kind >= 0 && (!nn_gemm_kernel_fits(kind, ta, tb, m, n, k) || ab % 5)) continue; /* two alpha, beta */
                nn_real alpha = alphas[ab % 2], beta = betas[ab / 2];
                int lda = ta ? m : k, ldb = tb ? k : n;
                for (int i = 0; i < m * n; i++) C[i] = C0[i] = (nn_real)nn_rng_normal(&r);
                if (beta == 0) C[0] = NAN; /* beta = 0 ignores old contents, NaN included */
                if (kind < 0) nn_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, n);
                else nn_gemm_with(kind, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, n);
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
                        ck_assert_msg(fabs(C[i * n + j] - want) <= tol,
                                      "%s %dx%dx%d ta=%d tb=%d alpha=%g beta=%g: C[%d][%d] %g vs %g",
                                      kind < 0 ? "nn_gemm" : nn_gemm_kernel_name(kind), m, n, k, ta, tb,
                                      (double)alpha, (double)beta, i, j, (double)C[i * n + j], want);
                    }
            }
}
END_TEST

/* Every kernel sums each element in an order that does not depend on where the element sits, so that a product
 * cut into blocks (nn_gemm_pool's threads) equals the whole, bit for bit: column blocks of 32, row blocks of an
 * odd 23, with alpha = 1, beta = 0 as the layers call it and with other values. k = 0 and alpha = 0 scale C. */
START_TEST(blocks_equal_the_whole)
{
    enum { M = 70, N = 100, K = 300 };
    static nn_real A[M * K], B[K * N], C0[M * N], C1[M * N], C2[M * N];
    for (int i = 0; i < M * K; i++) A[i] = (nn_real)((i * 37) % 101) / 50 - 1;
    for (int i = 0; i < K * N; i++) B[i] = (nn_real)((i * 53) % 97) / 48 - 1;
    for (int i = 0; i < M * N; i++) C0[i] = (nn_real)((i * 29) % 89) / 44 - 1;
    const nn_real ab[][2] = {{1, 0}, {(nn_real)1.3, (nn_real)0.7}};
    for (int kind = 0; kind < NN_GEMM_KINDS; kind++)
        for (int t = 0; t < 4; t++)
            for (int v = 0; v < 2; v++) {
                int ta = t & 1, tb = t >> 1, lda = ta ? M : K, ldb = tb ? K : N;
                nn_real alpha = ab[v][0], beta = ab[v][1];
                if (!nn_gemm_kernel_fits(kind, ta, tb, M, N, K) || kind == NN_GEMM_BLAS) continue;
                memcpy(C1, C0, sizeof C1), memcpy(C2, C0, sizeof C2);
                nn_gemm_with(kind, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C1, N);
                for (int c = 0; c < N; c += 32) /* columns */
                    nn_gemm_with(kind, ta, tb, M, N - c < 32 ? N - c : 32, K, alpha, A, lda,
                                 B + (tb ? (size_t)c * K : (size_t)c), ldb, beta, C2 + c, N);
                ck_assert_msg(!memcmp(C1, C2, sizeof C1), "%s ta=%d tb=%d alpha=%g: column blocks",
                              nn_gemm_kernel_name(kind), ta, tb, (double)alpha);
                memcpy(C2, C0, sizeof C2);
                for (int r0 = 0; r0 < M; r0 += 23) /* rows */
                    nn_gemm_with(kind, ta, tb, M - r0 < 23 ? M - r0 : 23, N, K, alpha,
                                 A + (ta ? (size_t)r0 : (size_t)r0 * K), lda, B, ldb, beta, C2 + (size_t)r0 * N, N);
                ck_assert_msg(!memcmp(C1, C2, sizeof C1), "%s ta=%d tb=%d alpha=%g: row blocks",
                              nn_gemm_kernel_name(kind), ta, tb, (double)alpha);
            }
    /* k = 0 and alpha = 0: C = beta * C on every kernel, A and B unread (NaN there changes nothing) */
    A[0] = B[0] = NAN;
    for (int kind = -1; kind < NN_GEMM_KINDS; kind++)
        for (int z = 0; z < 2; z++) {
            int k = z ? K : 0;
            nn_real alpha = z ? 0 : 1;
            memcpy(C1, C0, sizeof C1);
            if (kind < 0) nn_gemm(0, 0, M, N, k, alpha, A, K, B, N, (nn_real)0.5, C1, N);
            else nn_gemm_with(kind, 0, 0, M, N, k, alpha, A, K, B, N, (nn_real)0.5, C1, N);
            for (int i = 0; i < M * N; i++)
                ck_assert_msg(C1[i] == (nn_real)0.5 * C0[i], "kind %d, k=%d alpha=%g: C[%d] = %g", kind, k,
                              (double)alpha, i, (double)C1[i]);
        }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("gemm");
    TCase *t = tcase_create("gemm");
    tcase_add_test(t, matches_reference);
    tcase_add_test(t, blocks_equal_the_whole);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
