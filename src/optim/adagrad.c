/* adagrad.c: Adagrad, per-parameter steps shrinking with the summed squared gradients (torch.optim.Adagrad).
 *
 * For each parameter p with gradient g at step t (t = 1 on the first step):
 *   g   = g + weight_decay * p
 *   clr = lr / (1 + (t - 1) * lr_decay)
 *   s   = s + g^2                        (s starts at initial_accumulator_value)
 *   p   = p - clr * g / (sqrt(s) + eps)
 * Keys (defaults): lr (0.01) >= 0, lr_decay (0) >= 0, weight_decay (0) >= 0,
 * initial_accumulator_value (0) >= 0, eps (1e-10) >= 0.
 * State: the sum s (one slot). */
#include "optim_internal.h"

enum { LR, LR_DECAY, WEIGHT_DECAY, INIT_ACC, EPS };

static const nn_optim_key keys[] = {
    {"lr", LR, NN_KEY_REAL, 0.01, 0, 0, INFINITY, 0},
    {"lr_decay", LR_DECAY, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"weight_decay", WEIGHT_DECAY, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"initial_accumulator_value", INIT_ACC, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"eps", EPS, NN_KEY_REAL, 1e-10, 0, 0, INFINITY, 0},
};

static int nslots(const double *h)
{
    (void)h;
    return 1;
}

static double init(const double *h) { return h[INIT_ACC]; }

static void step(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict s,
                 size_t stride, size_t n)
{
    (void)stride; /* one slot */
    const double *h = o->h;
    /* The decayed rate is one number per step: computed once, in double. */
    nn_real clr = (nn_real)(o->lr / (1 + (double)(o->steps - 1) * h[LR_DECAY]));
    nn_real wd = (nn_real)h[WEIGHT_DECAY], eps = (nn_real)h[EPS];
    for (size_t i = 0; i < n; i++) {
        nn_real d = g[i] + wd * p[i];
        nn_real sum = s[i] + d * d;
        s[i] = sum;
        p[i] -= clr * (d / (R_SQRT(sum) + eps));
    }
}

const nn_optim_ops nn_optim_adagrad_ops = {"adagrad", (int)(sizeof keys / sizeof keys[0]), keys, NULL, nslots, init,
                                           step};

nn_optim *nn_optim_adagrad(double lr, double lr_decay, double weight_decay, double initial_accumulator_value,
                           double eps)
{
    double h[NN_OPTIM_MAXH] = {0};
    h[LR] = lr;
    h[LR_DECAY] = lr_decay;
    h[WEIGHT_DECAY] = weight_decay;
    h[INIT_ACC] = initial_accumulator_value;
    h[EPS] = eps;
    return nn_optim_new(&nn_optim_adagrad_ops, h);
}
