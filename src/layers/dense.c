/* dense.c: the fully connected layer y = x W + b (W stored in x out, row-major, then b), forward and backward. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "gemm.h"
#include "init_fill.h"

/* One block of y = x W + b: the bias seeds y's block, so that the product accumulates onto it (beta = 1) while
 * the block is still in this core's cache. */
typedef struct dense_fwd {
    nn_gemm_args g;
    const nn_real *b;
    const nn_fused *act; /* the activation after this layer, run on the block too */
} dense_fwd;

static void dense_forward_part(void *ctx, int part, int nparts)
{
    const dense_fwd *f = ctx;
    const nn_gemm_args *g = &f->g;
    size_t lo, hi, r0 = 0, r1 = (size_t)g->m, c0 = 0, c1 = (size_t)g->n;
    nn_gemm_range(g, part, nparts, &lo, &hi);
    if (g->split_rows) r0 = lo, r1 = hi;
    else c0 = lo, c1 = hi;
    for (size_t r = r0; r < r1; r++) {
        nn_real *yr = g->C + r * (size_t)g->ldc;
        for (size_t j = c0; j < c1; j++) yr[j] = f->b[j];
    }
    nn_gemm_block(g, part, nparts);
    if (f->act->act) nn_act_layer_block(f->act, NULL, r0, r1, c0, c1, (size_t)g->ldc);
}

static nn_status dense_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)train;
    (void)rng;
    const nn_real *W = L->param, *b = L->param + (size_t)L->in * L->out;
    int rows = x->rows, out = L->out;
    dense_fwd f = {nn_gemm_plan(0, 0, rows, out, L->in, 1, x->data, L->in, W, out, 1, L->y.data, out), b, &L->fused};
    if (nn_pool_threads(L->pool) > 1 && nn_gemm_splits(&f.g)) nn_pool_run(L->pool, dense_forward_part, &f);
    else dense_forward_part(&f, 0, 1);
    return NN_OK;
}

/* dW = x^T dy (in x out) and db = the column sums of dy, both over the same columns in one part when dW is
 * split by columns; each db[j] sums the rows in order, so its value does not depend on the split. */
typedef struct dense_bwd {
    nn_gemm_args g;
    const nn_real *dy;
    nn_real *db;
    int rows, fresh;
} dense_bwd;

/* db[j0 .. j0 + w) over every row of dy; w a constant where inlined, so the sums stay in registers. */
static inline __attribute__((always_inline)) void db_columns(const dense_bwd *d, int w, size_t j0)
{
    nn_real acc[64], *db = d->db + j0;
    const nn_real *g = d->dy + j0;
    size_t out = (size_t)d->g.n;
    for (int j = 0; j < w; j++) acc[j] = d->fresh ? 0 : db[j];
    for (int r = 0; r < d->rows; r++, g += out)
        for (int j = 0; j < w; j++) acc[j] += g[j];
    for (int j = 0; j < w; j++) db[j] = acc[j];
}

static void dense_grad_part(void *ctx, int part, int nparts)
{
    const dense_bwd *d = ctx;
    int out = d->g.n;
    size_t lo, hi;
    nn_gemm_block(&d->g, part, nparts);
    if (d->g.split_rows) nn_pool_range((size_t)out, 16, part, nparts, &lo, &hi);
    else nn_gemm_range(&d->g, part, nparts, &lo, &hi);
    /* db summed over the rows in registers, 64 or 16 columns at a time, then stored once: adding into db row
     * by row waited on each store (W1's step: 2.93 us, 2.67 us with sums in registers); 64 columns keep four
     * independent sums in flight on wide layers. Rows in order, so the sums are unchanged. */
    size_t j = lo;
    for (; hi - j >= 64; j += 64) db_columns(d, 64, j);
    for (; hi - j >= 16; j += 16) db_columns(d, 16, j);
    for (; j < hi; j++) db_columns(d, 1, j);
}

/* dx = dy W^T block by block, each block then through the backward of the activation before this layer. */
typedef struct dense_dx {
    nn_gemm_args g;
    const nn_fused *act;
} dense_dx;

static void dense_dx_part(void *ctx, int part, int nparts)
{
    const dense_dx *d = ctx;
    const nn_gemm_args *g = &d->g;
    size_t lo, hi;
    nn_gemm_block(g, part, nparts);
    nn_gemm_range(g, part, nparts, &lo, &hi);
    if (g->split_rows) nn_act_layer_block(d->act, g->C, lo, hi, 0, (size_t)g->n, (size_t)g->ldc);
    else nn_act_layer_block(d->act, g->C, 0, (size_t)g->m, lo, hi, (size_t)g->ldc);
}

static void dense_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    int rows = x->rows, in = L->in, out = L->out;
    nn_real *dW = L->grad, *db = L->grad + (size_t)in * out;
    const nn_real *W = L->param;
    /* dW: (in, out) = x^T (in, rows) . dy (rows, out); beta = 0 on a step's first accumulation */
    dense_bwd d = {nn_gemm_plan(1, 0, in, out, rows, 1, x->data, in, dy->data, out, L->grad_fresh ? 0 : 1, dW, out),
                   dy->data, db, rows, L->grad_fresh};
    if (nn_pool_threads(L->pool) > 1 && nn_gemm_splits(&d.g)) nn_pool_run(L->pool, dense_grad_part, &d);
    else dense_grad_part(&d, 0, 1);
    /* dx: (rows, in) = dy (rows, out) . W^T (out, in) */
    if (!dx) return;
    if (!L->fused.act) {
        nn_gemm_pool(L->pool, 0, 1, rows, in, out, 1, dy->data, out, W, out, 0, dx->data, in);
        return;
    }
    dense_dx j = {nn_gemm_plan(0, 1, rows, in, out, 1, dy->data, out, W, out, 0, dx->data, in), &L->fused};
    if (nn_pool_threads(L->pool) > 1 && nn_gemm_splits(&j.g)) nn_pool_run(L->pool, dense_dx_part, &j);
    else dense_dx_part(&j, 0, 1);
}

static void dense_init(nn_layer *L, nn_rng *rng, nn_init next)
{
    nn_init init = L->init != NN_INIT_AUTO ? L->init : next != NN_INIT_AUTO ? next : NN_INIT_XAVIER_UNIFORM;
    size_t nw = (size_t)L->in * L->out;
    nn_init_fill(L->param, nw, L->param + nw, (size_t)L->out, init, L->in, L->out, rng);
}

/* init= is the layer's (nn_layer_format adds it). */
static int dense_format(const nn_layer *L, char *buf, size_t size) { return snprintf(buf, size, "dense:%d", L->out); }

static const nn_layer_ops dense_ops = {
    .kind = "dense",
    .type = NN_LAYER_DENSE,
    .forward = dense_forward,
    .backward = dense_backward,
    .init = dense_init,
    .format = dense_format,
    .fresh_grad = 1,
};

nn_status nn_dense_create(nn_layer *L, const nn_spec *spec)
{
    long out;
    if (spec->npos != 1) return nn_fail(NN_EINVAL, "dense: expected dense:UNITS[:init=NAME], got '%s'", spec->text);
    if (nn_parse_int("dense", "units", spec->pos[0], 1, 1L << 24, &out) != NN_OK) return NN_EINVAL;
    if (spec->nkv) return nn_fail(NN_EINVAL, "dense: unknown parameter '%s' (valid: init, l1, l2)", spec->key[0]);
    L->ops = &dense_ops;
    L->out = (int)out;
    L->nweights = (size_t)L->in * L->out;
    L->nparams = L->nweights + (size_t)L->out;
    return NN_OK;
}
