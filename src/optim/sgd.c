/* sgd.c: stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD).
 *
 * For each parameter p with gradient g at step t (t = 1 on the first step):
 *   g = g + weight_decay * p
 *   if momentum != 0:
 *       b = g                                   (t = 1)
 *       b = momentum * b + (1 - dampening) * g  (t > 1)
 *       g = g + momentum * b   if nesterov,   else   g = b
 *   p = p - lr * g
 * Keys (defaults): lr (0.01) >= 0, momentum (0) >= 0, dampening (0) in [0, 1], weight_decay (0) >= 0,
 * nesterov (0) 0/1/true/false; nesterov needs momentum > 0 and dampening = 0.
 * State: the momentum buffer b (one slot) when momentum != 0, none otherwise. */
#include "optim_internal.h"

enum { LR, MOMENTUM, DAMPENING, WEIGHT_DECAY, NESTEROV };

static const nn_optim_key keys[] = {
    {"lr", LR, NN_KEY_REAL, 0.01, 0, 0, INFINITY, 0},
    {"momentum", MOMENTUM, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"dampening", DAMPENING, NN_KEY_REAL, 0, 0, 0, 1, 0},
    {"weight_decay", WEIGHT_DECAY, NN_KEY_REAL, 0, 0, 0, INFINITY, 0},
    {"nesterov", NESTEROV, NN_KEY_BOOL, 0, 0, 0, 1, 0},
};

static nn_status check(const double *h)
{
    if (h[NESTEROV] != 0 && (h[MOMENTUM] <= 0 || h[DAMPENING] != 0))
        return nn_fail(NN_EINVAL, "sgd: nesterov=1 needs momentum > 0 and dampening = 0 (momentum=%g, dampening=%g)",
                       h[MOMENTUM], h[DAMPENING]);
    return NN_OK;
}

static int nslots(const double *h) { return h[MOMENTUM] != 0; }

/* The flags are constants at every call, so each call compiles into its own branch-free loop. */
static inline void sgd_loop(nn_real *restrict p, const nn_real *restrict g, nn_real *restrict b, size_t n, nn_real lr,
                            nn_real wd, nn_real mom, nn_real keep, int momentum, int first, int nesterov)
{
    for (size_t i = 0; i < n; i++) {
        nn_real d = g[i] + wd * p[i];
        if (momentum) {
            nn_real m = first ? d : mom * b[i] + keep * d;
            b[i] = m;
            d = nesterov ? d + mom * m : m;
        }
        p[i] -= lr * d;
    }
}

static void step(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict st,
                 size_t stride, size_t n)
{
    (void)stride; /* one slot */
    const double *h = o->h;
    nn_real lr = (nn_real)o->lr, wd = (nn_real)h[WEIGHT_DECAY], mom = (nn_real)h[MOMENTUM],
            keep = (nn_real)(1 - h[DAMPENING]);
    int first = o->steps == 1;
    if (h[MOMENTUM] == 0) sgd_loop(p, g, st, n, lr, wd, mom, keep, 0, 0, 0);
    else if (h[NESTEROV] != 0 && first) sgd_loop(p, g, st, n, lr, wd, mom, keep, 1, 1, 1);
    else if (h[NESTEROV] != 0) sgd_loop(p, g, st, n, lr, wd, mom, keep, 1, 0, 1);
    else if (first) sgd_loop(p, g, st, n, lr, wd, mom, keep, 1, 1, 0);
    else sgd_loop(p, g, st, n, lr, wd, mom, keep, 1, 0, 0);
}

const nn_optim_ops nn_optim_sgd_ops = {"sgd", (int)(sizeof keys / sizeof keys[0]), keys, check, nslots, NULL, step};

nn_optim *nn_optim_sgd(double lr, double momentum, double dampening, double weight_decay, int nesterov)
{
    double h[NN_OPTIM_MAXH] = {0};
    h[LR] = lr;
    h[MOMENTUM] = momentum;
    h[DAMPENING] = dampening;
    h[WEIGHT_DECAY] = weight_decay;
    h[NESTEROV] = nesterov != 0;
    return nn_optim_new(&nn_optim_sgd_ops, h);
}
