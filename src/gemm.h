/* gemm.h: the one matrix product of the library, row-major, dispatching to CBLAS or a direct path for tiny sizes
 * (or, built with NNLAB_BLAS=none, to nnlab's own blocked loops for every size). */
#ifndef NNLAB_GEMM_H
#define NNLAB_GEMM_H

#include "internal.h"

/* C (m x n) = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n.
 * ta / tb = 1 transposes A / B. beta = 0 ignores C's old contents (NaN included).
 * Small products set OpenBLAS's process-wide thread count to 1 around the call and back: a race between
 * models trained from several threads, documented at nn_set_threads (nnlab/train.h) until per-model
 * parallelism replaces it. */
void nn_gemm(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
             const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc);

/* The BLAS's thread count (OpenBLAS's, process-wide); without a BLAS a stored number that nothing uses yet. */
void nn_gemm_set_threads(int n);
int nn_gemm_threads(void);

#endif
