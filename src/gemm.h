/* gemm.h: the one matrix product of the library, row-major, dispatching to CBLAS or a direct path for tiny sizes
 * (or, built with NNLAB_BLAS=none, to nnlab's own blocked loops for every size), whole or split over a pool. */
#ifndef NNLAB_GEMM_H
#define NNLAB_GEMM_H

#include "internal.h"
#include "pool.h"

/* C (m x n) = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n.
 * ta / tb = 1 transposes A / B. beta = 0 ignores C's old contents (NaN included). Runs in the calling
 * thread (OpenBLAS is kept at one thread: nn_gemm_set_threads). */
void nn_gemm(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
             const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc);

/* The same product split over the pool's threads when it is large enough: C cut into blocks of whole rows
 * or whole columns, each a one-thread product on the kernel the whole product would use, so that every
 * element is summed as nn_gemm sums it and the result does not depend on the thread count. */
void nn_gemm_pool(nn_pool *pool, int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                  const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc);

/* The kernels nn_gemm chooses between: its direct loop for tiny products, dot products for narrow rows,
 * nnlab's packed kernel (built for AVX2 or AVX-512 targets only), and OpenBLAS (or, built with
 * NNLAB_BLAS=none, nnlab's blocked loops). nnlab-bench --kernels times each on a step's products. */
enum { NN_GEMM_TINY, NN_GEMM_DOTS, NN_GEMM_PACK, NN_GEMM_BLAS, NN_GEMM_KINDS };
/* The kernel nn_gemm runs this product on. */
int nn_gemm_kernel(int ta, int tb, int m, int n, int k);
/* Whether kernel `kind` is built and can run this product (the dot products take neither operand transposed). */
int nn_gemm_kernel_fits(int kind, int ta, int tb, int m, int n, int k);
const char *nn_gemm_kernel_name(int kind);
/* nn_gemm on the given kernel, which must fit the product. */
void nn_gemm_with(int kind, int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                  const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc);

/* A product as a value, for layers that run other work on the same block in the same job (the bias before
 * the forward product). Blocks start at multiples of NN_GEMM_ALIGN rows or columns. */
#define NN_GEMM_ALIGN 32
typedef struct nn_gemm_args {
    int ta, tb, m, n, k;
    nn_real alpha;
    const nn_real *A;
    int lda;
    const nn_real *B;
    int ldb;
    nn_real beta;
    nn_real *C;
    int ldc;
    int kind;       /* the kernel, chosen for the whole product */
    int split_rows; /* blocks of rows of C (else of columns) */
} nn_gemm_args;
nn_gemm_args nn_gemm_plan(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                          const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc);
/* Whether the product is worth splitting over more than one thread. */
int nn_gemm_splits(const nn_gemm_args *g);
/* Rows (split_rows) or columns [*lo, *hi) of C in block `part` of nparts. */
void nn_gemm_range(const nn_gemm_args *g, int part, int nparts, size_t *lo, size_t *hi);
/* Block `part` of nparts of the product (all of it for nparts = 1). */
void nn_gemm_block(const nn_gemm_args *g, int part, int nparts);

/* The thread count of nnlab's pools (nn_set_threads); also sets OpenBLAS's own process-wide count to 1. */
void nn_gemm_set_threads(int n);
int nn_gemm_threads(void);

#endif
