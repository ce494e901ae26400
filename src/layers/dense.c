/* dense.c: the fully connected layer y = x W + b (W stored in x out, row-major, then b), forward and backward. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "gemm.h"
#include "init_fill.h"

typedef struct dense_cfg {
    nn_init init; /* NN_INIT_AUTO: follow the next activation */
} dense_cfg;

static nn_status dense_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)train;
    (void)rng;
    const nn_real *W = L->param, *b = L->param + (size_t)L->in * L->out;
    nn_real *y = L->y.data;
    int rows = x->rows, out = L->out;
    /* Seeding y with the bias lets the product accumulate onto it (beta = 1): one pass less. */
    for (int r = 0; r < rows; r++) {
        nn_real *yr = y + (size_t)r * out;
        for (int j = 0; j < out; j++) yr[j] = b[j];
    }
    nn_gemm(0, 0, rows, out, L->in, 1, x->data, L->in, W, out, 1, y, out);
    return NN_OK;
}

static void dense_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    int rows = x->rows, in = L->in, out = L->out;
    nn_real *dW = L->grad, *db = L->grad + (size_t)in * out;
    const nn_real *W = L->param;
    nn_gemm(1, 0, in, out, rows, 1, x->data, in, dy->data, out, 1, dW, out);
    for (int r = 0; r < rows; r++) {
        const nn_real *g = dy->data + (size_t)r * out;
        for (int j = 0; j < out; j++) db[j] += g[j];
    }
    if (dx) nn_gemm(0, 1, rows, in, out, 1, dy->data, out, W, out, 0, dx->data, in);
}

static void dense_init(nn_layer *L, nn_rng *rng, nn_init next)
{
    const dense_cfg *c = L->cfg;
    nn_init init = c->init != NN_INIT_AUTO ? c->init : next != NN_INIT_AUTO ? next : NN_INIT_XAVIER_UNIFORM;
    size_t nw = (size_t)L->in * L->out;
    nn_init_fill(L->param, nw, init, L->in, L->out, rng);
    for (int j = 0; j < L->out; j++) L->param[nw + j] = 0;
}

static int dense_format(const nn_layer *L, char *buf, size_t size)
{
    const dense_cfg *c = L->cfg;
    if (c->init == NN_INIT_AUTO) return snprintf(buf, size, "dense:%d", L->out);
    return snprintf(buf, size, "dense:%d:init=%s", L->out, nn_init_name(c->init));
}

static const nn_layer_ops dense_ops = {
    .kind = "dense",
    .type = NN_LAYER_DENSE,
    .forward = dense_forward,
    .backward = dense_backward,
    .init = dense_init,
    .format = dense_format,
};

nn_status nn_dense_create(nn_layer *L, const nn_spec *spec)
{
    long out;
    nn_init init = NN_INIT_AUTO;
    if (spec->npos != 1) return nn_fail(NN_EINVAL, "dense: expected dense:UNITS[:init=NAME], got '%s'", spec->text);
    if (nn_parse_int("dense", "units", spec->pos[0], 1, 1L << 24, &out) != NN_OK) return NN_EINVAL;
    for (int i = 0; i < spec->nkv; i++) {
        if (strcmp(spec->key[i], "init"))
            return nn_fail(NN_EINVAL, "dense: unknown parameter '%s' (valid: init)", spec->key[i]);
        if (nn_init_parse(spec->val[i], &init) != NN_OK) return nn_fail_prefix(NN_EINVAL, "dense");
    }
    dense_cfg *c = nn_malloc(sizeof *c);
    if (!c) return NN_ENOMEM;
    c->init = init;
    L->ops = &dense_ops;
    L->out = (int)out;
    L->nweights = (size_t)L->in * L->out;
    L->nparams = L->nweights + (size_t)L->out;
    L->cfg = c;
    return NN_OK;
}
