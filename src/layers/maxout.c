/* maxout.c: Maxout (Goodfellow et al. 2013): out_j = max over p < k of (x W + b)[j*k + p]; the gradient goes to the first arg-max. */
#include <stdio.h>
#include <string.h>
#include "layer.h"
#include "gemm.h"
#include "init_fill.h"

typedef struct maxout_cfg {
    int k;
} maxout_cfg;

/* aux holds the pre-activations z (rows x units*k reals; reused as dL/dz in backward), then the
 * arg-max piece of every output (rows x units ints). */
static nn_real *maxout_z(nn_layer *L) { return L->aux; }
static int *maxout_arg(nn_layer *L, int rows)
{
    const maxout_cfg *c = L->cfg;
    return (int *)((nn_real *)L->aux + (size_t)rows * L->out * c->k);
}

static nn_status maxout_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)train;
    (void)rng;
    const maxout_cfg *c = L->cfg;
    int rows = x->rows, k = c->k, units = L->out, width = units * k;
    size_t bytes = (size_t)rows * width * sizeof(nn_real) + (size_t)rows * units * sizeof(int);
    if (!nn_layer_aux(L, bytes)) return NN_ENOMEM;
    nn_real *z = maxout_z(L);
    int *arg = maxout_arg(L, rows);
    const nn_real *W = L->param, *b = L->param + (size_t)L->in * width;
    for (int r = 0; r < rows; r++) memcpy(z + (size_t)r * width, b, (size_t)width * sizeof(nn_real));
    nn_gemm(0, 0, rows, width, L->in, 1, x->data, L->in, W, width, 1, z, width);
    for (int r = 0; r < rows; r++) {
        const nn_real *zr = z + (size_t)r * width;
        nn_real *yr = L->y.data + (size_t)r * units;
        int *ar = arg + (size_t)r * units;
        for (int j = 0; j < units; j++) {
            const nn_real *zj = zr + (size_t)j * k;
            int best = 0;
            for (int p = 1; p < k; p++)
                if (zj[p] > zj[best]) best = p; /* strict: ties keep the first maximum */
            yr[j] = zj[best];
            ar[j] = best;
        }
    }
    return NN_OK;
}

static void maxout_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    const maxout_cfg *c = L->cfg;
    int rows = x->rows, k = c->k, units = L->out, width = units * k, in = L->in;
    nn_real *dz = maxout_z(L);
    const int *arg = maxout_arg(L, rows);
    for (int r = 0; r < rows; r++) {
        nn_real *dzr = dz + (size_t)r * width;
        const nn_real *g = dy->data + (size_t)r * units;
        const int *ar = arg + (size_t)r * units;
        memset(dzr, 0, (size_t)width * sizeof(nn_real));
        for (int j = 0; j < units; j++) dzr[(size_t)j * k + ar[j]] = g[j];
    }
    nn_real *dW = L->grad, *db = L->grad + (size_t)in * width;
    nn_gemm(1, 0, in, width, rows, 1, x->data, in, dz, width, 1, dW, width);
    for (int r = 0; r < rows; r++) {
        const nn_real *g = dz + (size_t)r * width;
        for (int j = 0; j < width; j++) db[j] += g[j];
    }
    if (dx) nn_gemm(0, 1, rows, in, width, 1, dz, width, L->param, width, 0, dx->data, in);
}

static void maxout_init(nn_layer *L, nn_rng *rng, nn_init next)
{
    (void)next; /* maxout is its own non-linearity: Glorot as in the paper's follow-ups, unless init= says */
    const maxout_cfg *c = L->cfg;
    size_t width = (size_t)L->out * c->k, nw = (size_t)L->in * width;
    nn_init init = L->init != NN_INIT_AUTO ? L->init : NN_INIT_XAVIER_UNIFORM;
    nn_init_fill(L->param, nw, L->param + nw, width, init, L->in, (int)L->out, rng);
}

static int maxout_format(const nn_layer *L, char *buf, size_t size)
{
    const maxout_cfg *c = L->cfg;
    return snprintf(buf, size, "maxout:%d:k=%d", L->out, c->k);
}

static const nn_layer_ops maxout_ops = {
    .kind = "maxout",
    .type = NN_LAYER_MAXOUT,
    .forward = maxout_forward,
    .backward = maxout_backward,
    .init = maxout_init,
    .format = maxout_format,
};

nn_status nn_maxout_create(nn_layer *L, const nn_spec *spec)
{
    long units, k = 2;
    if (spec->npos != 1) return nn_fail(NN_EINVAL, "maxout: expected maxout:UNITS[:k=PIECES][,init=NAME], got '%s'", spec->text);
    if (nn_parse_int("maxout", "units", spec->pos[0], 1, 1L << 24, &units) != NN_OK) return NN_EINVAL;
    for (int i = 0; i < spec->nkv; i++) {
        if (strcmp(spec->key[i], "k"))
            return nn_fail(NN_EINVAL, "maxout: unknown parameter '%s' (valid: k, init, l1, l2)", spec->key[i]);
        if (nn_parse_int("maxout", "k", spec->val[i], 1, 64, &k) != NN_OK) return NN_EINVAL;
    }
    maxout_cfg *c = nn_malloc(sizeof *c);
    if (!c) return NN_ENOMEM;
    c->k = (int)k;
    L->ops = &maxout_ops;
    L->out = (int)units;
    L->nweights = (size_t)L->in * units * k;
    L->nparams = L->nweights + (size_t)units * k;
    L->cfg = c;
    return NN_OK;
}
