/* nnlab/optim.h: optimizers over the model's flat parameter vector, learning-rate schedules, gradient clipping. */
#ifndef NNLAB_OPTIM_H
#define NNLAB_OPTIM_H

#include "export.h"
#include <stddef.h>
#include <nnlab/config.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nn_optim nn_optim;

/* SGD exactly as torch.optim.SGD (maximize = False), for each parameter p with gradient g at step t:
 *   g = g + weight_decay * p                          (if weight_decay != 0)
 *   if momentum != 0:
 *       b = g                                  (t = 1)
 *       b = momentum * b + (1 - dampening) * g (t > 1)
 *       g = g + momentum * b  if nesterov  else  g = b
 *   p = p - lr * g
 * Defaults: lr 0.01, momentum 0, dampening 0, weight_decay 0, nesterov 0.
 * Nesterov needs momentum > 0 and dampening = 0 (as PyTorch). NULL with nn_errmsg() on bad values. */
NN_API nn_optim *nn_optim_sgd(double lr, double momentum, double dampening, double weight_decay, int nesterov);

/* Adagrad as torch.optim.Adagrad: g += weight_decay * p; clr = lr / (1 + (t - 1) * lr_decay);
 *   s += g^2 (s starts at initial_accumulator_value); p -= clr * g / (sqrt(s) + eps).
 * Defaults: lr 0.01, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10. */
NN_API nn_optim *nn_optim_adagrad(double lr, double lr_decay, double weight_decay, double initial_accumulator_value,
                           double eps);
/* RMSprop as torch.optim.RMSprop: g += weight_decay * p; v = alpha v + (1 - alpha) g^2;
 *   centered: ga = alpha ga + (1 - alpha) g, den = sqrt(v - ga^2) + eps, else den = sqrt(v) + eps;
 *   momentum > 0: b = momentum b + g / den, p -= lr b; else p -= lr g / den.
 * Defaults: lr 0.01, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered 0. */
NN_API nn_optim *nn_optim_rmsprop(double lr, double alpha, double eps, double weight_decay, double momentum, int centered);
/* Adam as torch.optim.Adam: g += weight_decay * p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *   amsgrad: vmax = max(vmax, v), v^ = vmax; p -= lr (m / (1 - b1^t)) / (sqrt(v^ / (1 - b2^t)) + eps).
 * Defaults: lr 0.001, betas 0.9/0.999, eps 1e-8, weight_decay 0, amsgrad 0. */
NN_API nn_optim *nn_optim_adam(double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad);
/* AdamW as torch.optim.AdamW: decoupled decay p -= lr * weight_decay * p, then Adam without the g term.
 * Defaults as Adam except weight_decay 0.01. All constructors: NULL with nn_errmsg() on bad values. */
NN_API nn_optim *nn_optim_adamw(double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad);

/* An optimizer from a spec "NAME[:key=value,...]" with NAME sgd, adagrad, rmsprop, adam or adamw and the keys
 * of the constructors above (betas as "betas=0.9/0.999"), e.g. "sgd:lr=0.1,momentum=0.9,nesterov=1".
 * Errors (NULL, nn_errmsg()): unknown name or key (the valid ones are listed), bad value. */
NN_API nn_optim *nn_optim_parse(const char *spec);
/* Canonical spec of o (all hyper-parameters), so that nn_optim_parse gives the same optimizer. */
NN_API int nn_optim_format(const nn_optim *o, char *buf, size_t size);
/* Frees o and its state; NULL is fine. */
NN_API void nn_optim_free(nn_optim *o);

/* One update of params[0..n) from grads[0..n). The per-parameter state is allocated on the first
 * call (or when n changes, which resets it); later calls allocate nothing.
 * Errors: NN_ENOMEM. */
NN_API nn_status nn_optim_step(nn_optim *o, nn_real *params, const nn_real *grads, size_t n);
/* Forget the state (momentum buffers, step count) as if newly created. */
NN_API void nn_optim_reset(nn_optim *o);

/* Learning-rate schedules, applied per epoch from the base learning rate lr0 (as torch.optim.lr_scheduler):
 *   constant:    lr0
 *   step:        lr0 * gamma^floor(epoch / step_size)                      (StepLR)
 *   exponential: lr0 * gamma^epoch                                          (ExponentialLR)
 *   cosine:      eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / t_max)) / 2, epoch <= t_max (CosineAnnealingLR)
 * epoch counts from 0. A cosine t_max of 0 means the number of epochs nn_fit trains. */
typedef enum nn_sched_kind { NN_SCHED_CONSTANT = 0, NN_SCHED_STEP, NN_SCHED_EXP, NN_SCHED_COSINE } nn_sched_kind;
typedef struct nn_schedule {
    nn_sched_kind kind;
    int step_size;  /* step: epochs between decays (default 10) */
    double gamma;   /* step, exponential: factor (default 0.1 for step, 0.95 for exponential) */
    int t_max;      /* cosine: epochs of the half period (default: the number of training epochs) */
    double eta_min; /* cosine: final learning rate (default 0) */
} nn_schedule;

/* Parse "constant", "step:step_size=10,gamma=0.1", "exp:gamma=0.95" (or "exponential"), "cosine:t_max=50,eta_min=0".
 * Errors: NN_EINVAL naming the bad token. */
NN_API nn_status nn_schedule_parse(const char *spec, nn_schedule *out);
/* Attach a schedule (copied). Errors: NN_EINVAL for step_size < 1, gamma <= 0, t_max < 0. */
NN_API nn_status nn_optim_set_schedule(nn_optim *o, const nn_schedule *s);
/* Set the learning rate for `epoch` from the schedule; nn_fit calls it at the start of each epoch. */
NN_API void nn_optim_set_epoch(nn_optim *o, int epoch);
/* Current and base learning rate. */
NN_API double nn_optim_lr(const nn_optim *o);
NN_API double nn_optim_base_lr(const nn_optim *o);
/* Name of the optimizer ("sgd", "adam", ...). */
NN_API const char *nn_optim_name(const nn_optim *o);

/* Optimizer state for saving and resuming: the state vector (owned by o; NULL before the first step),
 * its length, and the step count. nn_optim_restore copies it back (allocating on first use).
 * Errors: NN_EINVAL if the length does not fit n parameters. */
NN_API const nn_real *nn_optim_state(const nn_optim *o, size_t *len, long *steps);
NN_API nn_status nn_optim_restore(nn_optim *o, size_t n, const nn_real *state, size_t len, long steps);

/* Gradient clipping as torch.nn.utils: clip_grad_norm_ scales g by max_norm / (norm + 1e-6) when the
 * 2-norm of all of g exceeds max_norm and returns the norm before clipping; clip_grad_value_ clamps
 * each element to [-clip, clip]. A negative limit leaves g untouched and sets nn_errmsg(); clip_grad_norm then
 * returns NaN. */
NN_API double nn_clip_grad_norm(nn_real *g, size_t n, double max_norm);
NN_API void nn_clip_grad_value(nn_real *g, size_t n, double clip);

#ifdef __cplusplus
}
#endif
#endif
