/* gemm.c: matrix products through OpenBLAS's CBLAS, with a direct loop for products too small to pay BLAS's call overhead. */
#include <cblas.h>
#include "gemm.h"

#ifdef NNLAB_DOUBLE
#define CBLAS_GEMM cblas_dgemm
#else
#define CBLAS_GEMM cblas_sgemm
#endif

/* Below this many multiply-adds the direct loop beats the BLAS call (bench/README.md). */
#define NN_TINY_GEMM 8192

static void gemm_tiny(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                      const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    for (int i = 0; i < m; i++) {
        nn_real *c = C + (size_t)i * ldc;
        if (beta == 0)
            for (int j = 0; j < n; j++) c[j] = 0;
        else if (beta != 1)
            for (int j = 0; j < n; j++) c[j] *= beta;
        for (int p = 0; p < k; p++) {
            nn_real a = alpha * (ta ? A[(size_t)p * lda + i] : A[(size_t)i * lda + p]);
            if (!tb) {
                const nn_real *b = B + (size_t)p * ldb;
                for (int j = 0; j < n; j++) c[j] += a * b[j];
            } else {
                for (int j = 0; j < n; j++) c[j] += a * B[(size_t)j * ldb + p];
            }
        }
    }
}

void nn_gemm(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
             const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if ((long)m * n * k <= NN_TINY_GEMM) {
        gemm_tiny(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
               alpha, A, lda, B, ldb, beta, C, ldc);
}
