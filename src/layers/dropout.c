/* dropout.c: inverted dropout (torch.nn.Dropout) and alpha dropout (torch.nn.AlphaDropout, Klambauer et al. 2017). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"

/* lambda * alpha of SELU: alpha' = -ALPHA_SELU is the value SELU saturates to, where dropped units go. */
#define ALPHA_SELU 1.7580993408473766

/* p is kept as the double the user wrote (torch keeps a Python float), so that 1 - p and the scales
 * derived from it are rounded once, as torch rounds them. */
typedef struct drop_cfg {
    double p;
} drop_cfg;

/* Reads [p=P] for `what`; P in [0, 1) (p = 1 would drop everything and divide by zero). */
static nn_status parse_p(const char *what, const nn_spec *spec, double *p)
{
    if (spec->npos)
        return nn_fail(NN_EINVAL, "%s: expected %s[:p=P], got '%s'", what, what, spec->text);
    for (int i = 0; i < spec->nkv; i++) {
        if (strcmp(spec->key[i], "p"))
            return nn_fail(NN_EINVAL, "%s: unknown parameter '%s' (valid: p)", what, spec->key[i]);
        if (nn_parse_real(what, "p", spec->val[i], p) != NN_OK) return NN_EINVAL;
        if (!(*p >= 0 && *p < 1)) return nn_fail(NN_EINVAL, "%s: p=%s must be in [0, 1)", what, spec->val[i]);
    }
    return NN_OK;
}

static int drop_format_as(const nn_layer *L, char *buf, size_t size, double def)
{
    const drop_cfg *c = L->cfg;
    if (c->p == def) return snprintf(buf, size, "%s", L->ops->kind);
    char num[32];
    nn_format_double(num, sizeof num, c->p);
    return snprintf(buf, size, "%s:p=%s", L->ops->kind, num);
}

/* Draws the keep decisions for n elements: one uniform per element in row-major order, kept when
 * u < 1 - p, the Bernoulli(1 - p) torch draws. mask[i] = on if kept, else off. */
static void draw_mask(nn_rng *rng, double p, nn_real on, nn_real off, nn_real *mask, size_t n)
{
    double q = 1 - p;
    for (size_t i = 0; i < n; i++) mask[i] = nn_rng_uniform(rng) < q ? on : off;
}

/* ---- dropout: y = x * m / (1 - p), m ~ Bernoulli(1 - p), in training; y = x otherwise. ---- */

#define DROPOUT_P 0.5

/* What both kinds' forwards begin with. Outside training, or with p = 0, torch returns the input untouched and
 * draws nothing: then y = x and *m is NULL. Otherwise *m is the buffer for the n = *n per-element factors, in
 * aux (NN_ENOMEM if it cannot be had). */
static nn_status drop_begin(nn_layer *L, const nn_tensor *x, int train, size_t *n, nn_real **m)
{
    const drop_cfg *c = L->cfg;
    *n = (size_t)x->rows * (size_t)L->in;
    *m = NULL;
    if (!train || c->p == 0) {
        memcpy(L->y.data, x->data, *n * sizeof(nn_real));
        return NN_OK;
    }
    *m = nn_layer_aux(L, *n * sizeof(nn_real));
    return *m ? NN_OK : NN_ENOMEM;
}

/* aux holds the per-element factor (0 or 1/(1-p)) of the last training forward: backward is one multiply. */
static nn_status dropout_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    const drop_cfg *c = L->cfg;
    size_t n;
    nn_real *m;
    nn_status st = drop_begin(L, x, train, &n, &m);
    if (st != NN_OK || !m) return st;
    const nn_real *xv = x->data;
    nn_real *y = L->y.data;
    /* torch divides the 0/1 noise by (1 - p) rounded to the tensor type, in that type */
    nn_real scale = (nn_real)1 / (nn_real)(1 - c->p);
    draw_mask(rng, c->p, scale, 0, m, n);
    for (size_t i = 0; i < n; i++) y[i] = xv[i] * m[i];
    return NN_OK;
}

static void dropout_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    const drop_cfg *c = L->cfg;
    if (!dx) return;
    size_t n = (size_t)x->rows * (size_t)L->in;
    const nn_real *g = dy->data;
    nn_real *d = dx->data;
    if (c->p == 0) {
        memcpy(d, g, n * sizeof(nn_real));
        return;
    }
    const nn_real *m = L->aux;
    for (size_t i = 0; i < n; i++) d[i] = g[i] * m[i];
}

static int dropout_format(const nn_layer *L, char *buf, size_t size) { return drop_format_as(L, buf, size, DROPOUT_P); }

static const nn_layer_ops dropout_ops = {
    .kind = "dropout",
    .type = NN_LAYER_DROPOUT,
    .forward = dropout_forward,
    .backward = dropout_backward,
    .format = dropout_format,
};

static nn_status drop_create(nn_layer *L, const nn_spec *spec, const nn_layer_ops *ops, double def)
{
    double p = def;
    if (parse_p(ops->kind, spec, &p) != NN_OK) return NN_EINVAL;
    drop_cfg *c = nn_malloc(sizeof *c);
    if (!c) return NN_ENOMEM;
    c->p = p;
    L->ops = ops;
    L->out = L->in;
    L->nparams = L->nweights = L->nstate = 0;
    L->cfg = c;
    return NN_OK;
}

nn_status nn_dropout_create(nn_layer *L, const nn_spec *spec) { return drop_create(L, spec, &dropout_ops, DROPOUT_P); }

/* ---- alpha dropout: dropped units go to alpha' = -ALPHA_SELU, then y = a (x or alpha') + b with
 * a = ((1 - p)(1 + p alpha'^2))^(-1/2), b = -a alpha' p, which keeps zero mean and unit variance. ---- */

/* torch.nn.AlphaDropout's default; the SELU paper recommends 0.05 or 0.1, written alpha_dropout:p=0.1. */
#define ALPHA_DROPOUT_P 0.5

/* aux holds the per-element factor (a if kept, 0 if dropped) of the last training forward. */
static nn_status alpha_dropout_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    const drop_cfg *c = L->cfg;
    size_t n;
    nn_real *m;
    nn_status st = drop_begin(L, x, train, &n, &m);
    if (st != NN_OK || !m) return st;
    const nn_real *xv = x->data;
    nn_real *y = L->y.data;
    double p = c->p, a = 1 / sqrt((ALPHA_SELU * ALPHA_SELU * p + 1) * (1 - p));
    /* The offsets as torch forms them in the tensor type: b = (m - 1) * (alpha a) + alpha a p, so a kept
     * unit gets exactly (alpha a p) and a dropped one -(alpha a) + (alpha a p). */
    nn_real ra = (nn_real)a, aa = (nn_real)(ALPHA_SELU * a), b_keep = (nn_real)(ALPHA_SELU * a * p);
    nn_real b_drop = -aa + b_keep;
    draw_mask(rng, p, ra, 0, m, n);
    /* x * 0 + b_drop for a dropped unit (not just b_drop): a non-finite input stays visible, as in torch */
    for (size_t i = 0; i < n; i++) y[i] = xv[i] * m[i] + (m[i] != 0 ? b_keep : b_drop);
    return NN_OK;
}

static int alpha_dropout_format(const nn_layer *L, char *buf, size_t size)
{
    return drop_format_as(L, buf, size, ALPHA_DROPOUT_P);
}

static const nn_layer_ops alpha_dropout_ops = {
    .kind = "alpha_dropout",
    .type = NN_LAYER_DROPOUT,
    .forward = alpha_dropout_forward,
    .backward = dropout_backward, /* b does not depend on x: dx = (a * keep) * dy, the factor in aux */
    .format = alpha_dropout_format,
};

nn_status nn_alpha_dropout_create(nn_layer *L, const nn_spec *spec)
{
    return drop_create(L, spec, &alpha_dropout_ops, ALPHA_DROPOUT_P);
}
