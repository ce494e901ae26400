/* gradcheck.c: the library's own numerical gradient check (central differences against backward), as KANN's kad_check_grad. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model_internal.h"

/* Loss at the current parameters with the random stream rewound, so random layers draw the same masks. */
static nn_status loss_at(nn_model *m, const nn_rng *rng0, const nn_real *x, const nn_real *y, int rows, double *l)
{
    m->rng = *rng0;
    nn_status s = nn_model_forward(m, x, rows, 1, NULL);
    return s == NN_OK ? nn_model_loss(m, y, l, NULL) : s;
}

/* |g - n| / max(|g| + |n|, floor), floor = sqrt(machine epsilon) times `scale`; infinite where either side is
 * Inf or NaN: a NaN gradient, or a quotient over a step too small for the value (0 / 0) or through an
 * overflowing loss, never passes. */
static double relerr(double g, double n, double scale)
{
    if (!isfinite(g) || !isfinite(n)) return INFINITY;
    double floor = sqrt((double)NN_REAL_EPS) * scale;
    double den = fabs(g) + fabs(n);
    return fabs(g - n) / (den > floor ? den : floor);
}

/* The relative error of backward's g against finite differences on *p (a parameter, or an input in x), f0 the
 * loss at the unperturbed point: the central difference with step eps; when that disagrees by more than
 * 10 sqrt(machine epsilon) (3.5e-3 in float, 1.5e-7 in double), the central and both one-sided differences
 * with eps/2, eps/4 and eps/8, and at eps/8 the distance of g from the range between the two one-sided ones,
 * keeping the smallest error. A quotient's rounding error grows as the step shrinks, so the floor of the
 * relative error grows with it (x2, x4, x8): near-zero gradients would otherwise fail on rounding alone.
 * A kink (relu, maxout, hardtanh...) within eps of a pre-activation that *p moves makes every quotient
 * reaching across it wrong whatever backward does: a smaller step, or the side without the kink, leaves it
 * out. A kink at the point itself (a tie of maxout's pieces, a pre-activation at exactly 0) has no
 * derivative: backward's choice there is one of the one-sided slopes or between them. A wrong backward
 * disagrees with every quotient. */
static nn_status coord_err(nn_model *m, const nn_rng *rng0, const nn_real *x, const nn_real *y, int rows,
                           nn_real *p, double g, double f0, double eps, double *err)
{
    double retry = 10 * sqrt((double)NN_REAL_EPS), best = INFINITY;
    nn_real saved = *p;
    nn_status s = NN_OK;
    for (int i = 0, scale = 1; i < 4 && best > retry; i++, eps /= 2, scale *= 2) {
        double lp, lm;
        *p = saved + (nn_real)eps;
        s = loss_at(m, rng0, x, y, rows, &lp);
        *p = saved - (nn_real)eps;
        if (s == NN_OK) s = loss_at(m, rng0, x, y, rows, &lm);
        *p = saved;
        if (s != NN_OK) break;
        /* The actual steps are what the real type could represent. */
        double hp = (double)(nn_real)(saved + (nn_real)eps) - saved, hm = saved - (double)(nn_real)(saved - (nn_real)eps);
        double fwd = (lp - f0) / hp, bwd = (f0 - lm) / hm, lo = fmin(fwd, bwd), hi = fmax(fwd, bwd);
        double r[4] = {relerr(g, (lp - lm) / (hp + hm), scale), relerr(g, fwd, scale), relerr(g, bwd, scale),
                       isfinite(lo) && isfinite(hi) ? relerr(g, g < lo ? lo : g > hi ? hi : g, scale) : INFINITY};
        for (int j = 0; j < (i == 0 ? 1 : i < 3 ? 3 : 4); j++)
            if (r[j] < best) best = r[j];
    }
    *err = best;
    return s;
}

nn_status nn_model_gradcheck(nn_model *m, const nn_real *x, const nn_real *y, int rows, double eps,
                             double *rel_err, double *input_rel_err, double *max_rel_err)
{
    nn_status s = nn_model_build(m);
    if (s != NN_OK) return s;
    if (!(eps > 0)) return nn_fail(NN_EINVAL, "gradcheck: step %g must be > 0", eps);
    int keep = m->keep;
    nn_rng rng0 = m->rng;
    size_t nx = (size_t)rows * m->inputs;
    nn_real *g = nn_malloc((m->nparams + 1) * sizeof *g), *gx = nn_malloc((nx + 1) * sizeof *gx);
    nn_real *xc = nn_malloc((nx + 1) * sizeof *xc);
    /* Every training-mode forward moves batch normalisation's running statistics; the check must not. */
    nn_real *state0 = nn_malloc((m->nstate + 1) * sizeof *state0);
    if (!g || !gx || !xc || !state0) {
        s = NN_ENOMEM;
        goto done;
    }
    if (m->nstate) memcpy(state0, m->state, m->nstate * sizeof *state0);
    double l;
    m->keep = 1;
    if ((s = loss_at(m, &rng0, x, y, rows, &l)) != NN_OK) goto done;
    nn_model_zero_grad(m);
    if ((s = nn_model_backward(m)) != NN_OK) goto done;
    memcpy(g, m->grads, m->nparams * sizeof *g);
    memcpy(gx, m->dxin.data, nx * sizeof *gx);
    m->keep = keep;

    double worst = 0;
    for (int i = 0; i < m->nlayers; i++) {
        nn_layer *L = &m->layers[i];
        double e = 0;
        for (size_t k = 0; k < L->nparams; k++) {
            double r;
            if ((s = coord_err(m, &rng0, x, y, rows, &L->param[k], g[L->param_off + k], l, eps, &r)) != NN_OK) goto done;
            if (r > e) e = r;
        }
        if (rel_err) rel_err[i] = e;
        if (e > worst) worst = e;
    }
    memcpy(xc, x, nx * sizeof *xc);
    double ex = 0;
    for (size_t k = 0; k < nx; k++) {
        double r;
        if ((s = coord_err(m, &rng0, xc, y, rows, &xc[k], gx[k], l, eps, &r)) != NN_OK) goto done;
        if (r > ex) ex = r;
    }
    if (input_rel_err) *input_rel_err = ex;
    if (ex > worst) worst = ex;
    if (max_rel_err) *max_rel_err = worst;
    /* Leave the model as backward left it: gradients of the unperturbed point. */
    memcpy(m->grads, g, m->nparams * sizeof *g);
done:
    m->keep = keep;
    m->rng = rng0;
    if (state0 && m->nstate) memcpy(m->state, state0, m->nstate * sizeof *state0);
    free(state0);
    free(g);
    free(gx);
    free(xc);
    return s;
}
