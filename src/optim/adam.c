/* adam.c: Adam and AdamW, with the AMSGrad variant (torch.optim.Adam, torch.optim.AdamW).
 *
 * For each parameter p with gradient g at step t (t = 1 on the first step):
 *   Adam:   g = g + weight_decay * p                  (L2 penalty through the gradient)
 *   AdamW:  p = p - lr * weight_decay * p             (decoupled decay, before the update)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   m^ = m / (1 - beta1^t)
 *   amsgrad:  vmax = max(vmax, v);  v^ = vmax / (1 - beta2^t)     otherwise  v^ = v / (1 - beta2^t)
 *   p  = p - lr * m^ / (sqrt(v^) + eps)
 * Computed as PyTorch does: p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), with both
 * corrections in double once per step.
 * Keys (defaults): lr (0.001) >= 0, betas (0.9/0.999) each in [0, 1) (or beta1=, beta2=), eps (1e-8) >= 0,
 * weight_decay (adam 0, adamw 0.01) >= 0, amsgrad (0) 0/1/true/false.
 * State: m, v, then vmax (if amsgrad); all start at 0. */
#include "optim_internal.h"

enum { LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD };

#define ADAM_KEYS(wd)                                                    \
    {                                                                    \
        {"lr", LR, NN_KEY_REAL, 1e-3, 0, 0, INFINITY, 0},                \
        {"betas", BETA1, NN_KEY_PAIR, 0.9, 0.999, 0, 1, 1},              \
        {"beta1", BETA1, NN_KEY_ALIAS, 0.9, 0, 0, 1, 1},                 \
        {"beta2", BETA2, NN_KEY_ALIAS, 0.999, 0, 0, 1, 1},               \
        {"eps", EPS, NN_KEY_REAL, 1e-8, 0, 0, INFINITY, 0},              \
        {"weight_decay", WEIGHT_DECAY, NN_KEY_REAL, wd, 0, 0, INFINITY, 0}, \
        {"amsgrad", AMSGRAD, NN_KEY_BOOL, 0, 0, 0, 1, 0},                \
    }

static const nn_optim_key adam_keys[] = ADAM_KEYS(0);
static const nn_optim_key adamw_keys[] = ADAM_KEYS(1e-2);

static int nslots(const double *h) { return 2 + (h[AMSGRAD] != 0); }

/* decoupled and amsgrad are constants at every call, so each call compiles into its own loop. */
static inline void adam_loop(nn_real *restrict p, const nn_real *restrict g, nn_real *restrict m,
                             nn_real *restrict v, nn_real *restrict vmax, size_t n, nn_real wd, nn_real shrink,
                             nn_real b1, nn_real b2, nn_real bc2_sqrt, nn_real step_size, nn_real eps,
                             int decoupled, int amsgrad)
{
    nn_real r1 = 1 - b1, r2 = 1 - b2;
    for (size_t i = 0; i < n; i++) {
        nn_real q = p[i], d = g[i];
        if (decoupled) q *= shrink;
        else d += wd * q;
        nn_real mi = b1 * m[i] + r1 * d;
        nn_real vi = b2 * v[i] + r2 * (d * d);
        m[i] = mi;
        v[i] = vi;
        if (amsgrad) {
            vi = vmax[i] > vi ? vmax[i] : vi;
            vmax[i] = vi;
        }
        nn_real den = R_SQRT(vi) / bc2_sqrt + eps;
        p[i] = q - step_size * (mi / den);
    }
}

static void adam_step(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict st,
                      size_t stride, size_t n, int decoupled)
{
    const double *h = o->h;
    double t = (double)o->steps;
    double bc1 = 1 - pow(h[BETA1], t), bc2 = 1 - pow(h[BETA2], t);
    nn_real step_size = (nn_real)(o->lr / bc1), bc2_sqrt = (nn_real)sqrt(bc2);
    nn_real wd = (nn_real)h[WEIGHT_DECAY], shrink = (nn_real)(1 - o->lr * h[WEIGHT_DECAY]);
    nn_real b1 = (nn_real)h[BETA1], b2 = (nn_real)h[BETA2], eps = (nn_real)h[EPS];
    nn_real *m = st, *v = st + stride, *vmax = st + 2 * stride;
    if (h[AMSGRAD] == 0) vmax = NULL;
    if (decoupled && vmax) adam_loop(p, g, m, v, vmax, n, wd, shrink, b1, b2, bc2_sqrt, step_size, eps, 1, 1);
    else if (decoupled) adam_loop(p, g, m, v, NULL, n, wd, shrink, b1, b2, bc2_sqrt, step_size, eps, 1, 0);
    else if (vmax) adam_loop(p, g, m, v, vmax, n, wd, shrink, b1, b2, bc2_sqrt, step_size, eps, 0, 1);
    else adam_loop(p, g, m, v, NULL, n, wd, shrink, b1, b2, bc2_sqrt, step_size, eps, 0, 0);
}

static void step_adam(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict st,
                      size_t stride, size_t n)
{
    adam_step(o, p, g, st, stride, n, 0);
}

static void step_adamw(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict st,
                       size_t stride, size_t n)
{
    adam_step(o, p, g, st, stride, n, 1);
}

const nn_optim_ops nn_optim_adam_ops = {"adam", (int)(sizeof adam_keys / sizeof adam_keys[0]), adam_keys, NULL,
                                        nslots, NULL, step_adam};
const nn_optim_ops nn_optim_adamw_ops = {"adamw", (int)(sizeof adamw_keys / sizeof adamw_keys[0]), adamw_keys, NULL,
                                         nslots, NULL, step_adamw};

static nn_optim *make(const nn_optim_ops *ops, double lr, double beta1, double beta2, double eps,
                      double weight_decay, int amsgrad)
{
    double h[NN_OPTIM_MAXH] = {0};
    h[LR] = lr;
    h[BETA1] = beta1;
    h[BETA2] = beta2;
    h[EPS] = eps;
    h[WEIGHT_DECAY] = weight_decay;
    h[AMSGRAD] = amsgrad != 0;
    return nn_optim_new(ops, h);
}

nn_optim *nn_optim_adam(double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad)
{
    return make(&nn_optim_adam_ops, lr, beta1, beta2, eps, weight_decay, amsgrad);
}

nn_optim *nn_optim_adamw(double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad)
{
    return make(&nn_optim_adamw_ops, lr, beta1, beta2, eps, weight_decay, amsgrad);
}
