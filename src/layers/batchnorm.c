/* batchnorm.c: batch normalisation of dense activations (torch.nn.BatchNorm1d on (N, C); Ioffe & Szegedy 2015). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "realmath.h"

/* Parameters: gamma[in] then beta[in]. State: running_mean[in] then running_var[in].
 * The rounding follows torch's CPU kernels for (N, C) input: sums in double, per-feature statistics
 * rounded to the tensor type, y = x * alpha + shift with alpha = invstd * gamma, shift = beta - mean * alpha. */
#define BN_MOMENTUM 0.1
#define BN_EPS 1e-5

typedef struct bn_cfg {
    double momentum, eps; /* as written; torch keeps Python floats */
} bn_cfg;

/* aux layout (in = features): two double accumulators, then four nn_real per-feature vectors.
 * Forward (training) leaves mean and invstd of the batch there; alpha and shift are scratch for the
 * output and are reused by backward for its two per-feature factors. Doubles first keep alignment. */
typedef struct bn_aux {
    double *s0, *s1;
    nn_real *mean, *invstd, *alpha, *shift;
} bn_aux;

static bn_aux bn_split(nn_layer *L)
{
    size_t in = (size_t)L->in;
    bn_aux a;
    a.s0 = L->aux;
    a.s1 = a.s0 + in;
    a.mean = (nn_real *)(a.s1 + in);
    a.invstd = a.mean + in;
    a.alpha = a.invstd + in;
    a.shift = a.alpha + in;
    return a;
}

static nn_status bn_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    (void)rng;
    const bn_cfg *c = L->cfg;
    int rows = x->rows, in = L->in;
    if (train && rows < 2)
        return nn_fail(NN_EINVAL, "batchnorm: expected more than 1 value per feature when training, got a batch of "
                                  "%d row (use a batch size of at least 2, or evaluation mode)", rows);
    if (!nn_layer_aux(L, (size_t)in * (2 * sizeof(double) + 4 * sizeof(nn_real)))) return NN_ENOMEM;
    bn_aux a = bn_split(L);
    const nn_real *gamma = L->param, *beta = L->param + in;
    nn_real *rmean = L->state, *rvar = L->state + in;
    if (train) {
        /* Two passes (mean, then squared deviations from the rounded mean), row-major so that the inner
         * loops run along a row over all features at once. */
        for (int j = 0; j < in; j++) a.s0[j] = a.s1[j] = 0;
        for (int r = 0; r < rows; r++) {
            const nn_real *xr = nn_tensor_row(x, r);
            for (int j = 0; j < in; j++) a.s0[j] += (double)xr[j];
        }
        for (int j = 0; j < in; j++) a.mean[j] = (nn_real)(a.s0[j] / rows);
        for (int r = 0; r < rows; r++) {
            const nn_real *xr = nn_tensor_row(x, r);
            for (int j = 0; j < in; j++) {
                nn_real d = xr[j] - a.mean[j];
                a.s1[j] += (double)(d * d);
            }
        }
        nn_real n = (nn_real)rows, n1 = (nn_real)(rows - 1), mom = (nn_real)c->momentum;
        for (int j = 0; j < in; j++) {
            nn_real var_sum = (nn_real)a.s1[j];
            a.invstd[j] = (nn_real)(1 / sqrt((double)(var_sum / n) + c->eps)); /* biased variance normalises */
            /* The running variance takes the unbiased estimate, as torch does. */
            double unbiased = (double)(var_sum / n1);
            rmean[j] = mom * a.mean[j] + (1 - mom) * rmean[j];
            rvar[j] = (nn_real)((double)mom * unbiased + (double)((1 - mom) * rvar[j]));
        }
    } else {
        nn_real eps = (nn_real)c->eps;
        for (int j = 0; j < in; j++) {
            a.mean[j] = rmean[j];
            a.invstd[j] = 1 / R_SQRT(rvar[j] + eps);
        }
    }
    for (int j = 0; j < in; j++) {
        a.alpha[j] = a.invstd[j] * gamma[j];
        a.shift[j] = beta[j] - a.mean[j] * a.alpha[j];
    }
    for (int r = 0; r < rows; r++) {
        const nn_real *xr = nn_tensor_row(x, r);
        nn_real *yr = nn_tensor_row(&L->y, r);
        for (int j = 0; j < in; j++) yr[j] = xr[j] * a.alpha[j] + a.shift[j];
    }
    return NN_OK;
}

/* With xhat = (x - mean) invstd, n rows:
 *   dbeta = sum dy,  dgamma = sum dy xhat = invstd sum dy (x - mean),
 *   dx = gamma invstd (dy - mean(dy) - (x - mean) invstd^2 mean(dy (x - mean))). */
static void bn_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    int rows = x->rows, in = L->in;
    bn_aux a = bn_split(L);
    const nn_real *gamma = L->param;
    nn_real *dgamma = L->grad, *dbeta = L->grad + in;
    nn_real *k = a.alpha, *gmean = a.shift;
    for (int j = 0; j < in; j++) a.s0[j] = a.s1[j] = 0;
    for (int r = 0; r < rows; r++) {
        const nn_real *xr = nn_tensor_row(x, r), *g = nn_tensor_row(dy, r);
        for (int j = 0; j < in; j++) {
            a.s0[j] += (double)g[j];
            a.s1[j] += (double)((xr[j] - a.mean[j]) * g[j]);
        }
    }
    nn_real n = (nn_real)rows;
    for (int j = 0; j < in; j++) {
        k[j] = (nn_real)a.s1[j] * a.invstd[j] * a.invstd[j] / n;
        gmean[j] = (nn_real)(a.s0[j] / rows);
        dgamma[j] += (nn_real)(a.s1[j] * (double)a.invstd[j]);
        dbeta[j] += (nn_real)a.s0[j];
    }
    if (!dx) return;
    for (int r = 0; r < rows; r++) {
        const nn_real *xr = nn_tensor_row(x, r), *g = nn_tensor_row(dy, r);
        nn_real *d = nn_tensor_row(dx, r);
        for (int j = 0; j < in; j++) d[j] = (g[j] - gmean[j] - (xr[j] - a.mean[j]) * k[j]) * a.invstd[j] * gamma[j];
    }
}

static void bn_init(nn_layer *L, nn_rng *rng, nn_init next)
{
    (void)rng;
    (void)next;
    size_t in = (size_t)L->in;
    for (size_t j = 0; j < in; j++) {
        L->param[j] = 1;      /* gamma */
        L->param[in + j] = 0; /* beta */
        L->state[j] = 0;      /* running mean */
        L->state[in + j] = 1; /* running variance */
    }
}

static int bn_format(const nn_layer *L, char *buf, size_t size)
{
    const bn_cfg *c = L->cfg;
    char tmp[96], num[32];
    size_t n = (size_t)snprintf(tmp, sizeof tmp, "batchnorm");
    char sep = ':';
    if (c->momentum != BN_MOMENTUM) {
        nn_format_double(num, sizeof num, c->momentum);
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%cmomentum=%s", sep, num);
        sep = ',';
    }
    if (c->eps != BN_EPS) {
        nn_format_double(num, sizeof num, c->eps);
        snprintf(tmp + n, sizeof tmp - n, "%ceps=%s", sep, num);
    }
    return snprintf(buf, size, "%s", tmp);
}

static const nn_layer_ops bn_ops = {
    .kind = "batchnorm",
    .type = NN_LAYER_BATCHNORM,
    .forward = bn_forward,
    .backward = bn_backward,
    .init = bn_init,
    .format = bn_format,
};

nn_status nn_batchnorm_create(nn_layer *L, const nn_spec *spec)
{
    double momentum = BN_MOMENTUM, eps = BN_EPS;
    if (spec->npos)
        return nn_fail(NN_EINVAL, "batchnorm: expected batchnorm[:momentum=M,eps=E], got '%s'", spec->text);
    for (int i = 0; i < spec->nkv; i++) {
        const char *key = spec->key[i];
        if (!strcmp(key, "momentum")) {
            if (nn_parse_real("batchnorm", key, spec->val[i], &momentum) != NN_OK) return NN_EINVAL;
            if (!(momentum >= 0 && momentum <= 1))
                return nn_fail(NN_EINVAL, "batchnorm: momentum=%s must be in [0, 1]", spec->val[i]);
        } else if (!strcmp(key, "eps")) {
            if (nn_parse_real("batchnorm", key, spec->val[i], &eps) != NN_OK) return NN_EINVAL;
            if (!(eps > 0)) return nn_fail(NN_EINVAL, "batchnorm: eps=%s must be > 0", spec->val[i]);
        } else {
            return nn_fail(NN_EINVAL, "batchnorm: unknown parameter '%s' (valid: momentum, eps)", key);
        }
    }
    bn_cfg *c = nn_malloc(sizeof *c);
    if (!c) return NN_ENOMEM;
    c->momentum = momentum;
    c->eps = eps;
    L->ops = &bn_ops;
    L->out = L->in;
    L->nparams = 2 * (size_t)L->in;
    L->nweights = 0; /* gamma and beta carry no L1/L2 penalty: shrinking gamma would undo the normalisation */
    L->nstate = 2 * (size_t)L->in;
    L->cfg = c;
    return NN_OK;
}
