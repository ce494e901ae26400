/* optim_internal.h: the optimizer struct and the per-optimizer ops table (keys, defaults, state slots, step). */
#ifndef NNLAB_OPTIM_INTERNAL_H
#define NNLAB_OPTIM_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include "internal.h"
#include "realmath.h"
#include "pool.h"

/* Hyper-parameters live in one array of doubles indexed by slot; slot 0 is always the base lr. */
#define NN_OPTIM_MAXH 8
#define NN_OPTIM_MAXKEYS 10

enum { NN_KEY_REAL = 0, NN_KEY_BOOL, NN_KEY_PAIR, NN_KEY_ALIAS };

/* A spec key. NN_KEY_PAIR fills slots slot and slot + 1 from "a/b" (betas); NN_KEY_ALIAS sets one slot
 * that another key already formats, so it is read but never written out. Values must lie in [lo, hi],
 * or [lo, hi) when hi_open. */
typedef struct nn_optim_key {
    const char *name;
    int slot;
    int kind;
    double def, def2; /* def2: the second half of a pair */
    double lo, hi;
    int hi_open;
} nn_optim_key;

typedef struct nn_optim nn_optim;

typedef struct nn_optim_ops {
    const char *name;
    int nkeys;
    const nn_optim_key *keys;
    /* Cross-key rules the ranges cannot say (SGD's nesterov); NULL if none. Fails through nn_fail. */
    nn_status (*check)(const double *h);
    /* Per-parameter state slots for these hyper-parameters (RMSprop's depend on centered and momentum). */
    int (*nslots)(const double *h);
    /* Value the state starts from (Adagrad's initial_accumulator_value); NULL means zero. */
    double (*init)(const double *h);
    /* One update of n parameters with o->lr; o->steps already counts this step (1 on the first). Slot s of
     * their state starts at state + s * stride (a block of a longer vector: the state of all o->n parameters
     * is nslots * o->n reals, slot-major). Buffers do not overlap. */
    void (*step)(const nn_optim *o, nn_real *restrict p, const nn_real *restrict g, nn_real *restrict state,
                 size_t stride, size_t n);
} nn_optim_ops;

struct nn_optim {
    const nn_optim_ops *ops;
    double h[NN_OPTIM_MAXH];
    double lr;          /* the learning rate of the current epoch (h[0] scheduled) */
    nn_schedule sched;
    int horizon;        /* training epochs, standing in for a cosine t_max of 0; 0 if unknown */
    int epoch;
    nn_real *state;
    size_t n;           /* parameters the state is sized for */
    size_t len;         /* nslots * n */
    long steps;
};

extern const nn_optim_ops nn_optim_sgd_ops, nn_optim_adagrad_ops, nn_optim_rmsprop_ops, nn_optim_adam_ops,
    nn_optim_adamw_ops;

/* An optimizer of the given kind from hyper-parameters h (validated); NULL with nn_errmsg() if bad. */
nn_optim *nn_optim_new(const nn_optim_ops *ops, const double *h);

/* nn_optim_step over the pool's threads, each updating a contiguous block, with the check that every gradient
 * is finite folded into the same job: each thread checks its block, then all wait for each other, then each
 * updates its block only if no thread found an Inf or NaN. Then nothing changes (parameters, state, step
 * count) and NN_ENONFINITE is returned (with a message). The result does not depend on the thread count. */
nn_status nn_optim_step_checked(nn_optim *o, nn_pool *pool, nn_real *params, const nn_real *grads, size_t n);

/* Tell o how many epochs training lasts, so that a cosine schedule with t_max = 0 anneals over them.
 * nn_fit calls it before the first epoch; epochs <= 0 forgets it. */
void nn_optim_set_horizon(nn_optim *o, int epochs);

#endif
