/* gemm.c: matrix products through OpenBLAS's CBLAS, with direct vectorised loops where they beat it or where it would allocate. */
#include <string.h>
#include "gemm.h"
#ifndef NNLAB_BLAS_NONE
#include <cblas.h>
#endif

#ifdef NNLAB_DOUBLE
#define CBLAS_GEMM cblas_dgemm
#else
#define CBLAS_GEMM cblas_sgemm
#endif

/* The direct loop runs products of at most this many multiply-adds whose rows of C fill vector registers
 * (n >= BW) and, when B comes transposed, whose inner dimension is short; everything else goes to OpenBLAS,
 * whose own small-matrix kernels (0.3.21) win there. Measured in bench/README.md ("Tiny products"). */
#ifndef NN_TINY_GEMM
#define NN_TINY_GEMM 1024
#endif

#ifndef NN_GEMM_SMP_MIN
#define NN_GEMM_SMP_MIN 8000000L
#endif

#define BW 16 /* columns of C kept in registers at once */
#define MR 4  /* rows of C computed together: independent sums hide the latency of each multiply-add */

/* A row of BW reals as one value: GCC and Clang keep a few of these in vector registers, where a 2-D array
 * of accumulators ends up on the stack. memcpy moves them from and to unaligned rows. They are never passed
 * to or returned from a function, whose ABI for wide vectors would depend on the target's flags. */
typedef nn_real vrow __attribute__((vector_size(BW * sizeof(nn_real))));
#define VLOAD(p) __extension__({ vrow v_; memcpy(&v_, (p), sizeof v_); v_; })
#define VSTORE(p, v) __extension__({ vrow t_ = (v); memcpy((p), &t_, sizeof t_); })
#define VSTART(c, beta) ((beta) == 0 ? (vrow){0} : (beta) * VLOAD(c))

/* C = alpha * op(A) * B + beta * C where op(A)[i][p] = A[i * si + p * sp] and B is k x n row-major.
 * Blocks of MR rows x BW columns of C are accumulated in registers over all of p and stored once:
 * accumulating in memory chains every p through a store and reload of the same element, and a single row
 * chains every p through one multiply-add's latency. Each element's sum runs in the same order as the
 * plain loop (beta * c first, then p = 0, 1, ...). */
static void gemm_rows(int m, int n, int k, nn_real alpha, const nn_real *A, size_t si, size_t sp,
                      const nn_real *restrict B, int ldb, nn_real beta, nn_real *restrict C, int ldc)
{
    int nfull = n - n % BW, i = 0;
    for (; i + MR <= m; i += MR) {
        const nn_real *a0 = A + i * si, *a1 = a0 + si, *a2 = a1 + si, *a3 = a2 + si;
        nn_real *c0 = C + (size_t)i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        for (int j0 = 0; j0 < nfull; j0 += BW) {
            vrow s0 = VSTART(c0 + j0, beta), s1 = VSTART(c1 + j0, beta), s2 = VSTART(c2 + j0, beta),
                 s3 = VSTART(c3 + j0, beta);
            for (int p = 0; p < k; p++) {
                vrow b = VLOAD(B + (size_t)p * ldb + j0);
                size_t o = p * sp;
                s0 += (alpha * a0[o]) * b;
                s1 += (alpha * a1[o]) * b;
                s2 += (alpha * a2[o]) * b;
                s3 += (alpha * a3[o]) * b;
            }
            VSTORE(c0 + j0, s0), VSTORE(c1 + j0, s1), VSTORE(c2 + j0, s2), VSTORE(c3 + j0, s3);
        }
    }
    for (; i < m; i++) {
        const nn_real *a = A + i * si;
        nn_real *c = C + (size_t)i * ldc;
        for (int j0 = 0; j0 < nfull; j0 += BW) {
            vrow s = VSTART(c + j0, beta);
            for (int p = 0; p < k; p++) s += (alpha * a[p * sp]) * VLOAD(B + (size_t)p * ldb + j0);
            VSTORE(c + j0, s);
        }
    }
    /* The last n % BW columns (all of a narrow output such as n = 2): a running sum per element. */
    if (nfull == n) return;
    for (i = 0; i < m; i++) {
        nn_real *c = C + (size_t)i * ldc;
        for (int j = nfull; j < n; j++) {
            nn_real sum = beta == 0 ? 0 : beta * c[j];
            for (int p = 0; p < k; p++) sum += alpha * A[i * si + p * sp] * B[(size_t)p * ldb + j];
            c[j] = sum;
        }
    }
}

static void gemm_tiny(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                      const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    nn_real bt[NN_TINY_GEMM]; /* op(B) as k x n rows when B comes transposed; n * k <= NN_TINY_GEMM */
    if (tb) {
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) bt[(size_t)p * n + j] = B[(size_t)j * ldb + p];
        B = bt;
        ldb = n;
    }
    if (ta) gemm_rows(m, n, k, alpha, A, 1, (size_t)lda, B, ldb, beta, C, ldc);
    else gemm_rows(m, n, k, alpha, A, (size_t)lda, 1, B, ldb, beta, C, ldc);
}

/* C = alpha * A * B + beta * C for a C whose rows are not whole vectors (n % BW != 0): each element is a dot
 * product of a row of A with a row of B^T, both contiguous, summed in BW lanes; B^T is built a block of
 * columns at a time in a fixed stack buffer. Used where OpenBLAS 0.3.21's small-matrix kernel for this case
 * calls malloc on every product (bench/README.md). k <= NN_DOT_MAX. */
#define NN_DOT_MAX 8192
static void gemm_dots(int m, int n, int k, nn_real alpha, const nn_real *A, int lda, const nn_real *B, int ldb,
                      nn_real beta, nn_real *C, int ldc)
{
    nn_real bt[NN_DOT_MAX];
    int kfull = k - k % BW, jb = NN_DOT_MAX / k;
    for (int j0 = 0; j0 < n; j0 += jb) {
        int nj = n - j0 < jb ? n - j0 : jb;
        for (int p = 0; p < k; p++)
            for (int j = 0; j < nj; j++) bt[(size_t)j * k + p] = B[(size_t)p * ldb + j0 + j];
        for (int i = 0; i < m; i++) {
            const nn_real *a = A + (size_t)i * lda;
            nn_real *c = C + (size_t)i * ldc + j0;
            for (int j = 0; j < nj; j++) {
                const nn_real *b = bt + (size_t)j * k;
                vrow s = {0};
                for (int p = 0; p < kfull; p += BW) s += VLOAD(a + p) * VLOAD(b + p);
                nn_real sum = 0;
                for (int l = 0; l < BW; l++) sum += s[l];
                for (int p = kfull; p < k; p++) sum += a[p] * b[p];
                c[j] = (beta == 0 ? 0 : beta * c[j]) + alpha * sum;
            }
        }
    }
}

/* Every other product without a BLAS: op(B) copied a panel of KB x NB at a time into a stack buffer (so a
 * transposed B reads contiguously and the panel stays in cache), each panel run by gemm_rows over all rows.
 * The panels of one column block go in order of p, each adding onto C, so every element is summed in the
 * plain loop's order (beta * c, then p = 0, 1, ...): results do not depend on the blocking. */
#ifdef NNLAB_BLAS_NONE
#define KB 256
#define NB 64
static void gemm_blocked(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                         const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    nn_real panel[KB * NB];
    size_t si = ta ? 1 : (size_t)lda, sp = ta ? (size_t)lda : 1;
    for (int j0 = 0; j0 < n; j0 += NB) {
        int nb = n - j0 < NB ? n - j0 : NB;
        if (k == 0) gemm_rows(m, nb, 0, alpha, A, si, sp, panel, nb, beta, C + j0, ldc);
        for (int p0 = 0; p0 < k; p0 += KB) {
            int kb = k - p0 < KB ? k - p0 : KB;
            for (int p = 0; p < kb; p++)
                for (int j = 0; j < nb; j++)
                    panel[p * nb + j] = tb ? B[(size_t)(j0 + j) * ldb + p0 + p] : B[(size_t)(p0 + p) * ldb + j0 + j];
            gemm_rows(m, nb, kb, alpha, A + p0 * sp, si, sp, panel, nb, p0 == 0 ? beta : 1, C + j0, ldc);
        }
    }
}

static int gemm_threads = 1;
void nn_gemm_set_threads(int n) { gemm_threads = n; }
int nn_gemm_threads(void) { return gemm_threads; }
#else
void nn_gemm_set_threads(int n) { openblas_set_num_threads(n); }
int nn_gemm_threads(void) { return openblas_get_num_threads(); }
#endif

void nn_gemm(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
             const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if ((long)m * n * k <= NN_TINY_GEMM && n >= BW && (!tb || k <= 8)) {
        gemm_tiny(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    if (!ta && !tb && n % BW && k <= NN_DOT_MAX && (long)m * n * k <= 1000000L) {
        gemm_dots(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
#ifdef NNLAB_BLAS_NONE
    gemm_blocked(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#else
    /* OpenBLAS splits products over its threads from a few million multiply-adds on, where two threads
     * measured slower than one on the 64-256-256 shapes (bench/README.md): smaller ones run on one. */
    int nt = openblas_get_num_threads();
    if (nt > 1 && (long)m * n * k < NN_GEMM_SMP_MIN) {
        openblas_set_num_threads(1);
        CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
                   alpha, A, lda, B, ldb, beta, C, ldc);
        openblas_set_num_threads(nt);
        return;
    }
    CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
               alpha, A, lda, B, ldb, beta, C, ldc);
#endif
}
