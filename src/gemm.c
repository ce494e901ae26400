/* gemm.c: matrix products through OpenBLAS's CBLAS, with direct vectorised loops where they beat it or where it would allocate. */
#include <stdatomic.h>
#include <string.h>
#include "gemm.h"
#include "pool.h"
#ifndef NNLAB_BLAS_NONE
#include <cblas.h>
#include <pthread.h>
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

#endif

/* The kernel a product runs on, chosen once for the whole product so that the blocks of a split product
 * run the same one: each kernel sums every element in an order that does not depend on the element's place,
 * so a split product equals the whole (tests/test_threads.c). */
enum { K_TINY, K_DOTS, K_FULL };

static int kernel_of(int ta, int tb, int m, int n, int k)
{
    if ((long)m * n * k <= NN_TINY_GEMM && n >= BW && (!tb || k <= 8)) return K_TINY;
    if (!ta && !tb && n % BW && k <= NN_DOT_MAX && (long)m * n * k <= 1000000L) return K_DOTS;
    return K_FULL;
}

static void run_kernel(int kind, int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                       const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if (kind == K_TINY) gemm_tiny(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (kind == K_DOTS) gemm_dots(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#ifdef NNLAB_BLAS_NONE
    else gemm_blocked(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#else
    else CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha,
                    A, lda, B, ldb, beta, C, ldc);
#endif
}

void nn_gemm(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
             const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    if (m <= 0 || n <= 0) return;
    run_kernel(kernel_of(ta, tb, m, n, k), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* Parts of at least this many multiply-adds: OpenBLAS 0.3.21 runs products of up to 100^3 on SkylakeX through
 * separate small-matrix kernels that sum in another order, so a block below that size would round unlike the
 * whole product. */
#define NN_GEMM_BLOCK_MIN 4200000.0

/* How many of nparts threads get a block: as many as keep every block above NN_GEMM_BLOCK_MIN. */
static int useful_parts(const nn_gemm_args *g, int nparts)
{
    size_t side = (size_t)(g->split_rows ? g->m : g->n), lo, hi;
    double rest = (double)g->m * g->n * g->k / (double)side;
    for (; nparts > 1; nparts--) {
        nn_pool_range(side, NN_GEMM_ALIGN, 0, nparts, &lo, &hi); /* part 0 is the smallest */
        if ((double)(hi - lo) * rest >= NN_GEMM_BLOCK_MIN) break;
    }
    return nparts;
}

void nn_gemm_range(const nn_gemm_args *g, int part, int nparts, size_t *lo, size_t *hi)
{
    int use = useful_parts(g, nparts);
    if (part < use) nn_pool_range((size_t)(g->split_rows ? g->m : g->n), NN_GEMM_ALIGN, part, use, lo, hi);
    else *lo = *hi = 0;
}

void nn_gemm_block(const nn_gemm_args *g, int part, int nparts)
{
    size_t lo, hi;
    nn_gemm_range(g, part, nparts, &lo, &hi);
    if (g->split_rows) {
        /* rows lo..hi of C: the same rows of op(A) */
        const nn_real *A = g->A + (g->ta ? lo : lo * (size_t)g->lda);
        run_kernel(g->kind, g->ta, g->tb, (int)(hi - lo), g->n, g->k, g->alpha, A, g->lda, g->B, g->ldb, g->beta,
                   g->C + lo * (size_t)g->ldc, g->ldc);
    } else {
        /* columns lo..hi of C: the same columns of op(B) */
        const nn_real *B = g->B + (g->tb ? lo * (size_t)g->ldb : lo);
        run_kernel(g->kind, g->ta, g->tb, g->m, (int)(hi - lo), g->k, g->alpha, g->A, g->lda, B, g->ldb, g->beta,
                   g->C + lo, g->ldc);
    }
}

nn_gemm_args nn_gemm_plan(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                          const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    /* Splitting the larger side of C makes each thread repack the smaller operand: rows of C share op(B),
     * columns share op(A). */
    nn_gemm_args g = {ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, kernel_of(ta, tb, m, n, k), m > n};
    return g;
}

static void gemm_part(void *ctx, int part, int nparts) { nn_gemm_block(ctx, part, nparts); }

void nn_gemm_pool(nn_pool *pool, int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                  const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    nn_gemm_args g = nn_gemm_plan(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    if (nn_pool_threads(pool) > 1 && nn_gemm_splits(&g)) nn_pool_run(pool, gemm_part, &g);
    else nn_gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

int nn_gemm_splits(const nn_gemm_args *g) { return g->kind != K_TINY && useful_parts(g, 2) == 2; }

/* Atomic: models made in several threads at once each apply the default (nn_threads_default). */
static atomic_int pool_threads = 1;

#ifndef NNLAB_BLAS_NONE
/* nnlab splits products over a model's own threads, each block a one-thread OpenBLAS call: OpenBLAS's own
 * threads would only compete with them (and its threaded driver allocates per call). */
static void openblas_one_thread(void) { openblas_set_num_threads(1); }
#endif

void nn_gemm_set_threads(int n)
{
    atomic_store(&pool_threads, n);
#ifndef NNLAB_BLAS_NONE
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, openblas_one_thread);
#endif
}

int nn_gemm_threads(void) { return atomic_load(&pool_threads); }
