/* rmsprop.c: RMSprop, steps scaled by a running mean of squared gradients (torch.optim.RMSprop).
 *
 * For each parameter p with gradient g:
 *   g = g + weight_decay * p
 *   v = alpha * v + (1 - alpha) * g^2
 *   centered:  a = alpha * a + (1 - alpha) * g;   v~ = v - a^2     otherwise  v~ = v
 *   momentum > 0:  b = momentum * b + g / (sqrt(v~) + eps);   p = p - lr * b
 *   otherwise:     p = p - lr * g / (sqrt(v~) + eps)
 * Keys (defaults): lr (0.01) >= 0, alpha (0.99) in [0, 1], eps (1e-8) >= 0, weight_decay (0) >= 0,
 * momentum (0) >= 0, centered (0) 0/1/true/false.
 * State: v, then a (if centered), then b (if momentum > 0); all start at 0.
 * v~ is never negative in exact arithmetic (Cauchy-Schwarz); rounding can make it a hair below 0, where
 * PyTorch would take sqrt of a negative and produce NaN, so it is clamped at 0. */
#include "optim_internal.h"

enum { LR, ALPHA, EPS, WEIGHT_DECAY, MOMENTUM, CENTERED };

static const nn_optim_key keys[] = {
    {"lr", LR, NN_KEY_REAL, 0.01, 0, 0, INFINITY, 0},
    {"alpha", ALPHA, NN_KEY_REAL, 0.99, 0, 0, 1, 0},
    {"eps", EPS, NN_KEY_REAL, 1e-8, 0, 0, INFINITY, 0},
    {"weight_decay", WEIGHT_DECAY, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"momentum", MOMENTUM, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"centered", CENTERED, NN_KEY_BOOL, 0, 0, 0, 1, 0},
};

static int nslots(const double *h) { return 1 + (h[CENTERED] != 0) + (h[MOMENTUM] > 0); }

/* centered and momentum are constants at every call, so each call compiles into its own loop. */
static inline void rms_loop(nn_real *restrict p, const nn_real *restrict g, nn_real *restrict v,
                            nn_real *restrict a, nn_real *restrict b, size_t n, nn_real lr, nn_real alpha,
                            nn_real eps, nn_real wd, nn_real mom, int centered, int momentum)
{
    nn_real rest = 1 - alpha;
    for (size_t i = 0; i < n; i++) {
        nn_real d = g[i] + wd * p[i];
        nn_real sq = alpha * v[i] + rest * (d * d);
        v[i] = sq;
        if (centered) {
            nn_real m = alpha * a[i] + rest * d;
            a[i] = m;
            sq -= m * m;
            sq = sq > 0 ? sq : 0;
        }
        nn_real den = R_SQRT(sq) + eps;
        if (momentum) {
            nn_real mb = mom * b[i] + d / den;
            b[i] = mb;
            p[i] -= lr * mb;
        } else {
            p[i] -= lr * (d / den);
        }
    }
}

static void step(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict st,
                 size_t stride, size_t n)
{
    const double *h = o->h;
    nn_real lr = (nn_real)o->lr, alpha = (nn_real)h[ALPHA], eps = (nn_real)h[EPS], wd = (nn_real)h[WEIGHT_DECAY],
            mom = (nn_real)h[MOMENTUM];
    int centered = h[CENTERED] != 0, momentum = h[MOMENTUM] > 0;
    nn_real *v = st, *a = st + stride, *b = st + (centered ? 2 : 1) * stride;
    if (centered && momentum) rms_loop(p, g, v, a, b, n, lr, alpha, eps, wd, mom, 1, 1);
    else if (centered) rms_loop(p, g, v, a, NULL, n, lr, alpha, eps, wd, mom, 1, 0);
    else if (momentum) rms_loop(p, g, v, NULL, b, n, lr, alpha, eps, wd, mom, 0, 1);
    else rms_loop(p, g, v, NULL, NULL, n, lr, alpha, eps, wd, mom, 0, 0);
}

const nn_optim_ops nn_optim_rmsprop_ops = {"rmsprop", (int)(sizeof keys / sizeof keys[0]), keys, NULL, nslots, NULL,
                                           step};

nn_optim *nn_optim_rmsprop(double lr, double alpha, double eps, double weight_decay, double momentum, int centered)
{
    double h[NN_OPTIM_MAXH] = {0};
    h[LR] = lr;
    h[ALPHA] = alpha;
    h[EPS] = eps;
    h[WEIGHT_DECAY] = weight_decay;
    h[MOMENTUM] = momentum;
    h[CENTERED] = centered != 0;
    return nn_optim_new(&nn_optim_rmsprop_ops, h);
}
