/* softmax.c: softmax and log_softmax over each row (max-shifted, so any finite input is safe) with their exact backward. */
#include <stdio.h>
#include "layer.h"
#include "realmath.h"

/* Row max and log(sum(exp(x - max))): the two numbers both functions need. */
static void row_lse(const nn_real *x, int n, nn_real *mx, nn_real *lse)
{
    nn_real m = x[0];
    for (int j = 1; j < n; j++) m = x[j] > m ? x[j] : m;
    nn_real s = 0;
    for (int j = 0; j < n; j++) s += R_EXP(x[j] - m);
    *mx = m;
    *lse = R_LOG(s);
}

static nn_status softmax_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)train;
    (void)rng;
    int n = L->out;
    for (int r = 0; r < x->rows; r++) {
        const nn_real *xr = nn_tensor_row(x, r);
        nn_real *yr = nn_tensor_row(&L->y, r), m = xr[0], s = 0;
        for (int j = 1; j < n; j++) m = xr[j] > m ? xr[j] : m;
        for (int j = 0; j < n; j++) s += (yr[j] = R_EXP(xr[j] - m));
        nn_real inv = 1 / s;
        for (int j = 0; j < n; j++) yr[j] *= inv;
    }
    return NN_OK;
}

/* dx = y * (dy - sum(dy * y)) */
static void softmax_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    if (!dx) return;
    int n = L->out;
    for (int r = 0; r < x->rows; r++) {
        const nn_real *yr = nn_tensor_row(&L->y, r), *g = nn_tensor_row(dy, r);
        nn_real *d = nn_tensor_row(dx, r), s = 0;
        for (int j = 0; j < n; j++) s += g[j] * yr[j];
        for (int j = 0; j < n; j++) d[j] = yr[j] * (g[j] - s);
    }
}

static nn_status log_softmax_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)train;
    (void)rng;
    int n = L->out;
    for (int r = 0; r < x->rows; r++) {
        const nn_real *xr = nn_tensor_row(x, r);
        nn_real *yr = nn_tensor_row(&L->y, r), m, lse;
        row_lse(xr, n, &m, &lse);
        for (int j = 0; j < n; j++) yr[j] = (xr[j] - m) - lse;
    }
    return NN_OK;
}

/* dx = dy - softmax * sum(dy), softmax = exp(y) */
static void log_softmax_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    if (!dx) return;
    int n = L->out;
    for (int r = 0; r < x->rows; r++) {
        const nn_real *yr = nn_tensor_row(&L->y, r), *g = nn_tensor_row(dy, r);
        nn_real *d = nn_tensor_row(dx, r), s = 0;
        for (int j = 0; j < n; j++) s += g[j];
        for (int j = 0; j < n; j++) d[j] = g[j] - R_EXP(yr[j]) * s;
    }
}

static int softmax_format(const nn_layer *L, char *buf, size_t size) { return snprintf(buf, size, "%s", L->ops->kind); }
static nn_init softmax_wants_init(const nn_layer *L)
{
    (void)L;
    return NN_INIT_XAVIER_UNIFORM;
}

static const nn_layer_ops softmax_ops = {
    .kind = "softmax",
    .type = NN_LAYER_SOFTMAX,
    .forward = softmax_forward,
    .backward = softmax_backward,
    .format = softmax_format,
    .wants_init = softmax_wants_init,
};
static const nn_layer_ops log_softmax_ops = {
    .kind = "log_softmax",
    .type = NN_LAYER_SOFTMAX,
    .forward = log_softmax_forward,
    .backward = log_softmax_backward,
    .format = softmax_format,
    .wants_init = softmax_wants_init,
};

static nn_status create(nn_layer *L, const nn_spec *spec, const nn_layer_ops *ops)
{
    if (spec->npos || spec->nkv)
        return nn_fail(NN_EINVAL, "%s takes no parameters, got '%s'", ops->kind, spec->text);
    if (L->in < 1) return nn_fail(NN_ESHAPE, "%s: input width %d", ops->kind, L->in);
    L->ops = ops;
    L->out = L->in;
    L->nparams = L->nweights = L->nstate = 0;
    L->cfg = NULL;
    return NN_OK;
}

nn_status nn_softmax_create(nn_layer *L, const nn_spec *spec) { return create(L, spec, &softmax_ops); }
nn_status nn_log_softmax_create(nn_layer *L, const nn_spec *spec) { return create(L, spec, &log_softmax_ops); }
