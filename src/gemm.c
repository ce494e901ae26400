/* gemm.c: matrix products through OpenBLAS's CBLAS, with direct vectorised loops where they beat it or where it would allocate. */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "gemm.h"
#include "pool.h"
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


/* The target's widest vector register: a vrow (below) wider than that is lowered by the compiler through
 * memory, which made the direct loops several times slower in AVX2 and SSE builds. */
#if defined(__AVX512F__)
#define VBYTES 64
#elif defined(__AVX__)
#define VBYTES 32
#else
#define VBYTES 16
#endif
#ifdef NNLAB_DOUBLE
#define BW (VBYTES / 8) /* columns of C kept in one register */
#else
#define BW (VBYTES / 4)
#endif
#define MR 4 /* rows of C computed together: independent sums hide the latency of each multiply-add */

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
/* Columns per pass: 2 * DOT_J sums fill at most half of the target's vector registers (32 with AVX-512). */
#if defined(__AVX512F__)
#define DOT_J 4
#else
#define DOT_J 2
#endif

/* The BW lanes of s added pairwise: the upper half of the lanes to the lower, in vectors of half the width,
 * until one is left (a fixed order in log2(BW) dependent steps, not BW; additions only, so no contraction).
 * Always inlined and by value, in shuffles: the accumulators need no memory and stay in registers through the
 * loop that sums them (through memcpy, GCC kept them on the stack: the dot kernel ran 2.5x slower). */
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define LANES_SHUFFLE 1
#endif
#endif
static inline __attribute__((always_inline)) nn_real lanes_sum(vrow s)
{
#ifdef LANES_SHUFFLE
#define HALF(v, ...) (__builtin_shufflevector(v, v, __VA_ARGS__))
#if BW == 16
    __auto_type s8 = HALF(s, 0, 1, 2, 3, 4, 5, 6, 7) + HALF(s, 8, 9, 10, 11, 12, 13, 14, 15);
#elif BW == 8
    vrow s8 = s;
#endif
#if BW >= 8
    __auto_type s4 = HALF(s8, 0, 1, 2, 3) + HALF(s8, 4, 5, 6, 7);
#elif BW == 4
    vrow s4 = s;
#endif
#if BW >= 4
    __auto_type s2 = HALF(s4, 0, 1) + HALF(s4, 2, 3);
#else
    vrow s2 = s;
#endif
#undef HALF
    return s2[0] + s2[1];
#else
    nn_real t[BW];
    memcpy(t, &s, sizeof t);
    for (int w = BW / 2; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) t[l] += t[l + w];
    return t[0];
#endif
}

/* beta * c + alpha * (a . b) from sum = a[0..kfull) . b[0..kfull) (lanes_sum): then the tail. Not inlined:
 * with contraction on, each inlined copy could fuse beta * c + alpha * sum its own way, and a row would then
 * round differently paired with another than alone. */
static __attribute__((noinline)) nn_real dot_finish(nn_real sum, const nn_real *a, const nn_real *b, int kfull, int k,
                                                    nn_real alpha, nn_real beta, nn_real c)
{
    for (int p = kfull; p < k; p++) sum += a[p] * b[p];
    return (beta == 0 ? 0 : beta * c) + alpha * sum;
}

static inline nn_real dot_one(const nn_real *a, const nn_real *b, int kfull, int k, nn_real alpha, nn_real beta,
                              nn_real c)
{
    vrow s = {0};
    for (int p = 0; p < kfull; p += BW) s += VLOAD(a + p) * VLOAD(b + p);
    return dot_finish(lanes_sum(s), a, b, kfull, k, alpha, beta, c);
}

static void gemm_dots(int m, int n, int k, nn_real alpha, const nn_real *A, int lda, const nn_real *B, int ldb,
                      nn_real beta, nn_real *C, int ldc)
{
    nn_real bt[NN_DOT_MAX];
    int kfull = k - k % BW, jb = NN_DOT_MAX / k;
    for (int j0 = 0; j0 < n; j0 += jb) {
        int nj = n - j0 < jb ? n - j0 : jb;
        for (int p = 0; p < k; p++)
            for (int j = 0; j < nj; j++) bt[(size_t)j * k + p] = B[(size_t)p * ldb + j0 + j];
        /* Two rows of A by DOT_J columns at once: independent sums share each load. Every element is summed
         * as dot_one sums it. */
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            const nn_real *a0 = A + (size_t)i * lda, *a1 = a0 + lda;
            nn_real *c0 = C + (size_t)i * ldc + j0, *c1 = c0 + ldc;
            int j = 0;
            for (; j + DOT_J <= nj; j += DOT_J) {
                const nn_real *b = bt + (size_t)j * k;
                vrow s0[DOT_J] = {{0}}, s1[DOT_J] = {{0}};
                for (int p = 0; p < kfull; p += BW) {
                    vrow x0 = VLOAD(a0 + p), x1 = VLOAD(a1 + p);
                    for (int q = 0; q < DOT_J; q++) {
                        vrow y = VLOAD(b + (size_t)q * k + p);
                        s0[q] += x0 * y, s1[q] += x1 * y;
                    }
                }
                /* Every lane sum before the first call: a call clears the vector registers' upper halves. */
                nn_real r0[DOT_J], r1[DOT_J];
                for (int q = 0; q < DOT_J; q++) r0[q] = lanes_sum(s0[q]), r1[q] = lanes_sum(s1[q]);
                for (int q = 0; q < DOT_J; q++) {
                    c0[j + q] = dot_finish(r0[q], a0, b + (size_t)q * k, kfull, k, alpha, beta, c0[j + q]);
                    c1[j + q] = dot_finish(r1[q], a1, b + (size_t)q * k, kfull, k, alpha, beta, c1[j + q]);
                }
            }
            for (; j < nj; j++) { /* the columns left: still two rows per load of b */
                const nn_real *b = bt + (size_t)j * k;
                vrow s0 = {0}, s1 = {0};
                for (int p = 0; p < kfull; p += BW) {
                    vrow y = VLOAD(b + p);
                    s0 += VLOAD(a0 + p) * y, s1 += VLOAD(a1 + p) * y;
                }
                nn_real r0 = lanes_sum(s0), r1 = lanes_sum(s1);
                c0[j] = dot_finish(r0, a0, b, kfull, k, alpha, beta, c0[j]);
                c1[j] = dot_finish(r1, a1, b, kfull, k, alpha, beta, c1[j]);
            }
        }
        for (; i < m; i++)
            for (int j = 0; j < nj; j++)
                C[(size_t)i * ldc + j0 + j] = dot_one(A + (size_t)i * lda, bt + (size_t)j * k, kfull, k, alpha, beta,
                                                      C[(size_t)i * ldc + j0 + j]);
    }
}

/* nnlab's packed kernel for the mid-sized products of a training step (a batch of 64 to 1024 rows against
 * layers 10 to 1024 wide), where it beats OpenBLAS 0.3.21 (bench/README.md, "Kernels"): op(B) is copied a
 * block of PK_KC x PK_NC at a time into panels one tile wide (so each panel is read from L1), and each tile
 * of C (PK_MR rows x two vectors, or 2 * PK_MR rows x one vector when C is at most a vector wide) is summed
 * in 2 * PK_MR vector registers over the panel's rows. op(A) is read in place, except a transposed A with
 * long columns, copied into panels of a tile's rows first (in place, each row p of a tile would touch its
 * own page). Every element is summed in the plain loop's order (beta * c, then p = 0, 1, ...; edge tiles run
 * the same code on a copy), so a split product equals the whole. Built where the compiler targets AVX-512
 * or AVX2 with FMA (-march=native); elsewhere nn_gemm does not use it. */
#if defined(__AVX512F__)
#define PK_BYTES 64
#define PK_MR 8 /* 16 accumulators of the 32 vector registers */
#elif defined(__AVX2__) && defined(__FMA__)
#define PK_BYTES 32
#define PK_MR 6 /* 12 accumulators of the 16 vector registers */
#endif

#ifdef PK_BYTES
#ifdef NNLAB_DOUBLE
#define PK_REAL 8
#else
#define PK_REAL 4
#endif
#define PK_VL (PK_BYTES / PK_REAL)
#define PK_NR (2 * PK_VL)
#define PK_KC 256
#define PK_MC (16 * PK_MR)
#define PK_NC 512
typedef nn_real pvec __attribute__((vector_size(PK_BYTES)));
/* This thread's packing buffers (op(A)'s panels, then op(B)'s): a model's pool runs blocks of one product at
 * once. Allocated on the thread's first packed product and freed when the thread exits; a thread-local array
 * of this size would instead be reserved in every thread of the process, inside its stack. */
#define PK_BUFFER ((size_t)PK_MC * PK_KC + (size_t)PK_KC * PK_NC)
static _Thread_local nn_real *pk_buffer;
static pthread_key_t pk_key;
static int pk_key_ok;
static void pk_free(void *p)
{
    free(p);
    pk_buffer = NULL; /* a product run by a later destructor of the exiting thread allocates again */
}
static void pk_key_init(void) { pk_key_ok = pthread_key_create(&pk_key, pk_free) == 0; }

/* NULL when out of memory (the caller then runs another kernel). */
static nn_real *pk_buffers(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (pk_buffer) return pk_buffer;
    void *p;
    pthread_once(&once, pk_key_init);
    if (posix_memalign(&p, 64, PK_BUFFER * sizeof(nn_real))) return NULL;
    if (pk_key_ok) pthread_setspecific(pk_key, p);
    return pk_buffer = p;
}

/* Tile c (rows x nv vectors, rows ldc apart) = bb * c + sum over p < kb of a(r, p) * b[p][.], where a(r, p) is
 * a[r * sr + p * sp] and b holds kb rows of nv vectors. bb = 0 ignores c. nv is a constant at each call (2,
 * or 1 with twice the rows): the compiler keeps the 2 * PK_MR sums in registers. */
static inline __attribute__((always_inline)) void pk_tile(int nv, int kb, const nn_real *restrict a, size_t sr,
                                                          size_t sp, const nn_real *restrict b, nn_real bb,
                                                          nn_real *restrict c, size_t ldc)
{
    enum { R = 2 * PK_MR };
    const int rows = R / nv;
    pvec acc[R][2];
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++)
#pragma GCC unroll 2
        for (int v = 0; v < nv; v++) {
            pvec x = {0};
            if (bb != 0) memcpy(&x, c + r * ldc + v * PK_VL, sizeof x);
            acc[r][v] = bb * x;
        }
    for (int p = 0; p < kb; p++) {
        pvec bv[2];
#pragma GCC unroll 2
        for (int v = 0; v < nv; v++) memcpy(&bv[v], b + ((size_t)p * nv + v) * PK_VL, sizeof bv[v]);
#pragma GCC unroll 16
        for (int r = 0; r < rows; r++) {
            nn_real av = a[r * sr + p * sp];
#pragma GCC unroll 2
            for (int v = 0; v < nv; v++) acc[r][v] += av * bv[v];
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++)
#pragma GCC unroll 2
        for (int v = 0; v < nv; v++) memcpy(c + r * ldc + v * PK_VL, &acc[r][v], sizeof acc[r][v]);
}

/* A PK_VL x PK_VL block in v[] transposed in registers: log2(PK_VL) stages, each exchanging the lanes (l & s)
 * of rows r and r + s (bit s of the row and of the lane swapped), so row r ends up holding column r. */
#if PK_BYTES / PK_REAL == 16 || PK_BYTES / PK_REAL == 8
#define PK_FAST_TRANSPOSE 1
#define PK_STAGE(st, IA, IB)                                                                                      \
    for (int r = 0; r < PK_VL; r++)                                                                              \
        if (!(r & (st))) {                                                                                       \
            pvec a_ = v[r], b_ = v[r + (st)];                                                                    \
            v[r] = __builtin_shufflevector(a_, b_, PK_UNPAREN IA);                                                \
            v[r + (st)] = __builtin_shufflevector(a_, b_, PK_UNPAREN IB);                                         \
        }
#define PK_UNPAREN(...) __VA_ARGS__
static inline __attribute__((always_inline)) void pk_transpose(pvec *v)
{
#if PK_BYTES / PK_REAL == 16
    PK_STAGE(1, (0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30), (1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31));
    PK_STAGE(2, (0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29), (2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31));
    PK_STAGE(4, (0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27), (4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31));
    PK_STAGE(8, (0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), (8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
#else
    PK_STAGE(1, (0, 8, 2, 10, 4, 12, 6, 14), (1, 9, 3, 11, 5, 13, 7, 15));
    PK_STAGE(2, (0, 1, 8, 9, 4, 5, 12, 13), (2, 3, 10, 11, 6, 7, 14, 15));
    PK_STAGE(4, (0, 1, 2, 3, 8, 9, 10, 11), (4, 5, 6, 7, 12, 13, 14, 15));
#endif
}
#else
#define PK_FAST_TRANSPOSE 0
#endif

/* op(B) rows pc..pc+kb, columns jc..jc+nc, times alpha, as panels of w columns (zero-padded). */
static void pk_pack_b(nn_real *pk_b, int tb, int pc, int kb, int jc, int nc, int w, nn_real alpha, const nn_real *B,
                      int ldb)
{
    for (int j0 = 0; j0 < nc; j0 += w) {
        nn_real *d = pk_b + (size_t)j0 * kb;
        int nb = nc - j0 < w ? nc - j0 : w;
        if (tb) { /* B's rows are op(B)'s columns */
            int p0 = 0, j = 0;
#if PK_FAST_TRANSPOSE
            /* whole blocks of PK_VL rows of B by PK_VL of its columns, transposed in registers */
            for (; j + PK_VL <= nb; j += PK_VL)
                for (p0 = 0; p0 + PK_VL <= kb; p0 += PK_VL) {
                    pvec v[PK_VL];
                    for (int r = 0; r < PK_VL; r++) memcpy(&v[r], B + (size_t)(jc + j0 + j + r) * ldb + pc + p0, sizeof v[r]);
                    pk_transpose(v);
                    for (int r = 0; r < PK_VL; r++) {
                        pvec x = alpha * v[r];
                        memcpy(d + (size_t)(p0 + r) * w + j, &x, sizeof x);
                    }
                }
#endif
            /* the rest (the last columns of p, the last rows of B), each row along its length */
            for (int jj = 0; jj < nb; jj++) {
                const nn_real *s = B + (size_t)(jc + j0 + jj) * ldb + pc;
                for (int p = jj < j ? p0 : 0; p < kb; p++) d[(size_t)p * w + jj] = alpha * s[p];
            }
        }
        for (int p = 0; p < kb; p++) {
            nn_real *dp = d + (size_t)p * w;
            if (!tb) {
                const nn_real *s = B + (size_t)(pc + p) * ldb + jc + j0;
                for (int j = 0; j < nb; j++) dp[j] = alpha * s[j];
            }
            for (int j = nb; j < w; j++) dp[j] = 0;
        }
    }
}

/* Transposed A's rows ic..ic+mc (columns of A), columns pc..pc+kb, as panels of h rows (zero-padded). */
static void pk_pack_at(nn_real *pk_a, int ic, int mc, int pc, int kb, int h, const nn_real *A, int lda)
{
    for (int i0 = 0; i0 < mc; i0 += h) {
        nn_real *d = pk_a + (size_t)i0 * kb;
        int mb = mc - i0 < h ? mc - i0 : h;
        for (int p = 0; p < kb; p++) {
            const nn_real *s = A + (size_t)(pc + p) * lda + ic + i0;
            for (int i = 0; i < mb; i++) d[p * h + i] = s[i];
            for (int i = mb; i < h; i++) d[p * h + i] = 0;
        }
    }
}

/* One block of p (rows pc..pc+kb of op(B), packed in pk_b) onto C's columns jc..jc+nc, all rows. */
static inline __attribute__((always_inline)) void pk_block(nn_real *pk_a, const nn_real *pk_b, int nv, int ta,
                                                           int m, int pc, int kb, int jc, int nc, const nn_real *A,
                                                           int lda, nn_real bb, nn_real *C, int ldc)
{
    const int h = 2 * PK_MR / nv, w = nv * PK_VL; /* a tile's rows and columns */
    int pack_a = ta && m >= 512;                /* measured: in place wins below (bench/README.md) */
    size_t si = ta ? 1 : (size_t)lda, sp = ta ? (size_t)lda : 1;
    for (int ic = 0; ic < m; ic += PK_MC) {
        int mc = m - ic < PK_MC ? m - ic : PK_MC;
        if (pack_a) pk_pack_at(pk_a, ic, mc, pc, kb, h, A, lda);
        for (int j0 = 0; j0 < nc; j0 += w) {
            int nb = nc - j0 < w ? nc - j0 : w;
            const nn_real *bp = pk_b + (size_t)j0 * kb;
            for (int i0 = 0; i0 < mc; i0 += h) {
                int mb = mc - i0 < h ? mc - i0 : h;
                const nn_real *a = pack_a ? pk_a + (size_t)i0 * kb : A + (ic + i0) * si + pc * sp;
                size_t a_r = pack_a ? 1 : si, a_p = pack_a ? (size_t)h : sp; /* a(r, p) = a[r * a_r + p * a_p] */
                nn_real *c = C + (size_t)(ic + i0) * ldc + jc + j0;
                if (mb == h && nb == w) {
                    pk_tile(nv, kb, a, a_r, a_p, bp, bb, c, (size_t)ldc);
                    continue;
                }
                /* An edge tile: the same code on a copy of C, so that its elements are summed alike; rows of
                 * op(A) past m come from the packed zero padding or from a zero-padded copy. */
                nn_real t[2 * PK_MR * PK_VL] = {0}, arows[2 * PK_MR * PK_KC];
                if (mb < h && !pack_a) {
                    for (int p = 0; p < kb; p++)
                        for (int i = 0; i < h; i++) arows[p * h + i] = i < mb ? a[i * a_r + p * a_p] : 0;
                    a = arows, a_r = 1, a_p = (size_t)h;
                }
                if (bb != 0)
                    for (int i = 0; i < mb; i++) memcpy(t + i * w, c + (size_t)i * ldc, (size_t)nb * sizeof *t);
                pk_tile(nv, kb, a, a_r, a_p, bp, bb, t, (size_t)w);
                for (int i = 0; i < mb; i++) memcpy(c + (size_t)i * ldc, t + i * w, (size_t)nb * sizeof *t);
            }
        }
    }
}

/* -1 without the buffers (out of memory), else 0. */
static int gemm_packed(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                       const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    nn_real *pk_a = pk_buffers(), *pk_b = pk_a + (size_t)PK_MC * PK_KC;
    if (!pk_a) return -1;
    int nv = n > PK_VL ? 2 : 1;
    int kc = (k + (k + PK_KC - 1) / PK_KC - 1) / ((k + PK_KC - 1) / PK_KC); /* equal blocks of at most PK_KC */
    for (int jc = 0; jc < n; jc += PK_NC) {
        int nc = n - jc < PK_NC ? n - jc : PK_NC;
        for (int pc = 0; pc < k; pc += kc) {
            int kb = k - pc < kc ? k - pc : kc;
            nn_real bb = pc == 0 ? beta : 1; /* later blocks of p add onto the sums stored so far */
            pk_pack_b(pk_b, tb, pc, kb, jc, nc, nv * PK_VL, alpha, B, ldb);
            if (nv == 2) pk_block(pk_a, pk_b, 2, ta, m, pc, kb, jc, nc, A, lda, bb, C, ldc);
            else pk_block(pk_a, pk_b, 1, ta, m, pc, kb, jc, nc, A, lda, bb, C, ldc);
        }
    }
    return 0;
}
#endif

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
int nn_gemm_kernel(int ta, int tb, int m, int n, int k)
{
    if ((long)m * n * k <= NN_TINY_GEMM && n >= BW && (!tb || k <= 8)) return NN_GEMM_TINY;
    double macs = (double)m * n * k;
#ifdef PK_BYTES
    /* Measured against OpenBLAS 0.3.21 (nnlab-bench --kernels, bench/README.md): its small-matrix kernels win
     * up to 100^3 (but allocate on every call where C's rows are not whole vectors: the second case), its
     * kernel wins on the largest squares, on a transposed B with rows shorter than 64, and with AVX2 alone
     * (its Haswell kernel is up to 18 % faster than this one's AVX2 tiles on most shapes). */
    int pack_b = !tb || (PK_FAST_TRANSPOSE && k >= 64); /* a transposed B with short rows: OpenBLAS's copy wins */
    if (pack_b && m >= PK_MR && PK_BYTES == 64 && macs > 1e6 && macs <= 1073741824.0) return NN_GEMM_PACK;
    if (!ta && !tb && n % BW && m >= PK_MR && macs >= 65536) return NN_GEMM_PACK;
    /* Small products with B transposed (a layer's dx = dy W^T): OpenBLAS's small kernel for them is slower
     * (32 x 16 x 16: 60 against 96 GFLOP/s; 256 x 256 x 10: 38-45 against 83-86). */
    if (!ta && tb && PK_BYTES == 64 && m >= PK_MR && n >= BW && macs <= 1e6) return NN_GEMM_PACK;
#endif
    if (!ta && !tb && n % BW && k <= NN_DOT_MAX && macs <= 1e6) return NN_GEMM_DOTS;
    return NN_GEMM_BLAS;
}

int nn_gemm_kernel_fits(int kind, int ta, int tb, int m, int n, int k)
{
    switch (kind) {
    case NN_GEMM_TINY: return (long)m * n * k <= NN_TINY_GEMM && (!tb || (long)n * k <= NN_TINY_GEMM);
    case NN_GEMM_DOTS: return !ta && !tb && k >= 1 && k <= NN_DOT_MAX;
#ifdef PK_BYTES
    case NN_GEMM_PACK: return k >= 1;
#endif
    case NN_GEMM_BLAS: return 1;
    default: return 0;
    }
}

const char *nn_gemm_kernel_name(int kind)
{
    static const char *names[] = {"tiny", "dots", "packed",
#ifdef NNLAB_BLAS_NONE
                                  "blocked"};
#else
                                  "openblas"};
#endif
    return kind >= 0 && kind < NN_GEMM_KINDS ? names[kind] : "?";
}

void nn_gemm_with(int kind, int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                  const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0) { /* C = beta * C, A and B unread (as BLAS does) */
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) C[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * C[(size_t)i * ldc + j];
        return;
    }
    if (kind == NN_GEMM_TINY) gemm_tiny(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    else if (kind == NN_GEMM_DOTS) gemm_dots(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#ifdef PK_BYTES
    /* out of memory for its buffers: the kernel nn_gemm would use without it (rounding differently) */
    else if (kind == NN_GEMM_PACK && !gemm_packed(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) return;
#endif
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
    nn_gemm_with(nn_gemm_kernel(ta, tb, m, n, k), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* Parts of at least this many multiply-adds: OpenBLAS 0.3.21 runs products of up to 100^3 on SkylakeX through
 * separate small-matrix kernels that sum in another order, so a block below that size would round unlike the
 * whole product. nnlab's packed kernel has no such limit, but smaller blocks do not pay: split down to 0.5 M,
 * W2's products ran 20 % faster alone and its step 25 % slower (the step's other passes then read what the
 * other core wrote), and W3's narrow products split changed nothing (bench/README.md). */
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
        nn_gemm_with(g->kind, g->ta, g->tb, (int)(hi - lo), g->n, g->k, g->alpha, A, g->lda, g->B, g->ldb, g->beta,
                   g->C + lo * (size_t)g->ldc, g->ldc);
    } else {
        /* columns lo..hi of C: the same columns of op(B) */
        const nn_real *B = g->B + (g->tb ? lo * (size_t)g->ldb : lo);
        nn_gemm_with(g->kind, g->ta, g->tb, g->m, (int)(hi - lo), g->k, g->alpha, g->A, g->lda, B, g->ldb, g->beta,
                   g->C + lo, g->ldc);
    }
}

nn_gemm_args nn_gemm_plan(int ta, int tb, int m, int n, int k, nn_real alpha, const nn_real *A, int lda,
                          const nn_real *B, int ldb, nn_real beta, nn_real *C, int ldc)
{
    /* Splitting the larger side of C makes each thread repack the smaller operand: rows of C share op(B),
     * columns share op(A). */
    nn_gemm_args g = {ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nn_gemm_kernel(ta, tb, m, n, k), m > n};
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

int nn_gemm_splits(const nn_gemm_args *g) { return g->kind != NN_GEMM_TINY && useful_parts(g, 2) == 2; }

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
