/* act_internal.h: the activation record (the public nn_act_info plus its kernels), the macros that generate a record's loops, and the helpers its formulas share. */
#ifndef NNLAB_ACT_INTERNAL_H
#define NNLAB_ACT_INTERNAL_H

#include <string.h>
#include "internal.h"
#include "realmath.h"

/* sigmoid(v) without overflow: exp only ever sees -|v|. */
static inline nn_real nn_sigm(nn_real v)
{
    nn_real e = R_EXP(-R_FABS(v));
    nn_real s = 1 / (1 + e);
    return v >= 0 ? s : e * s;
}

/* Kernels of one function over n values with parameters p (an nn_act's p[]): y = f(x); dx = f'(x) dy
 * (y is forward's output; y may alias x, dx may alias dy). */
typedef void nn_act_fwd_fn(const nn_real *p, const nn_real *x, nn_real *y, size_t n);
typedef void nn_act_bwd_fn(const nn_real *p, const nn_real *x, const nn_real *y, const nn_real *dy, nn_real *dx,
                           size_t n);
/* Per-unit kernels of a learnable function over a rows x cols batch. p holds the fixed leading values
 * (APL's S); P holds K trained values per unit, parameter-major: P[k*cols + j] = p[lead + k] of unit j.
 * backward adds dL/dP into G (same layout) and writes dx (may be NULL; may alias dy). */
typedef void nn_act_unit_fwd_fn(const nn_real *p, int K, const nn_real *P, int cols, const nn_real *x, nn_real *y,
                                size_t rows);
typedef void nn_act_unit_bwd_fn(const nn_real *p, int K, const nn_real *P, int cols, const nn_real *x,
                                const nn_real *dy, nn_real *dx, nn_real *G, size_t rows);
/* Training-mode forward where it differs from inference (rrelu's random slopes): writes y and the slope
 * dy/dx of every element into slope, which the layer's backward multiplies by. */
typedef void nn_act_train_fn(const nn_real *p, const nn_real *x, nn_real *y, nn_real *slope, size_t n, nn_rng *rng);

/* One activation: what the public table shows, then what the code runs. */
typedef struct nn_act_record {
    nn_act_info info;
    int lead;  /* leading parameters never trained (APL's hinge count S) */
    int pairs; /* 1: p[0] counts the (a, b) pairs that follow it, np = 1 + 2 p[0] (APL) */
    nn_act_fwd_fn *forward;
    nn_act_bwd_fn *backward;
    nn_act_unit_fwd_fn *unit_forward;  /* learnable ones; else NULL */
    nn_act_unit_bwd_fn *unit_backward;
    nn_act_train_fn *train_forward;    /* NULL: training uses forward */
} nn_act_record;

/* The record of id; id must be valid. */
const nn_act_record *nn_act_record_of(nn_act_id id);

/* Trained values of a: p[lead..np). */
static inline int nn_act_learn_first(const nn_act *a) { return nn_act_record_of(a->id)->lead; }
static inline int nn_act_nlearn(const nn_act *a) { return a->np - nn_act_learn_first(a); }

/* The loops of a function from its scalar pair NAME_f(x, p) and NAME_df(x, y, p): one specialised loop
 * per function, the formula inlined (no call or switch per element). p is copied to a local array first,
 * so that the compiler knows stores to y cannot change it. */
#define NN_ACT_KERNELS(name)                                                                                     \
    static void name##_forward(const nn_real *p_, const nn_real *x, nn_real *y, size_t n)                       \
    {                                                                                                           \
        nn_real p[NN_ACT_MAXP];                                                                                 \
        memcpy(p, p_, sizeof p);                                                                                \
        for (size_t i = 0; i < n; i++) y[i] = name##_f(x[i], p);                                                \
    }                                                                                                           \
    static void name##_backward(const nn_real *p_, const nn_real *x, const nn_real *y, const nn_real *dy,       \
                                nn_real *dx, size_t n)                                                          \
    {                                                                                                           \
        nn_real p[NN_ACT_MAXP];                                                                                 \
        memcpy(p, p_, sizeof p);                                                                                \
        for (size_t i = 0; i < n; i++) dx[i] = name##_df(x[i], y[i], p) * dy[i];                               \
    }

/* The per-unit loops of a learnable function from NAME_f(x, p) and NAME_dp(x, p, gp), which returns
 * f'(x) and writes df/dp[lead + k] into gp[k]. Each unit's values are gathered into a local p. */
#define NN_ACT_UNIT_KERNELS(name, lead)                                                                          \
    static void name##_unit_forward(const nn_real *p0, int K, const nn_real *P, int cols, const nn_real *x,     \
                                    nn_real *y, size_t rows)                                                    \
    {                                                                                                           \
        const size_t c = (size_t)cols;                                                                          \
        nn_real p[NN_ACT_MAXP];                                                                                 \
        memcpy(p, p0, sizeof p);                                                                                \
        for (size_t r = 0; r < rows; r++)                                                                       \
            for (size_t j = 0; j < c; j++) {                                                                    \
                for (int k = 0; k < K; k++) p[(lead) + k] = P[(size_t)k * c + j];                              \
                y[r * c + j] = name##_f(x[r * c + j], p);                                                       \
            }                                                                                                   \
    }                                                                                                           \
    static void name##_unit_backward(const nn_real *p0, int K, const nn_real *P, int cols, const nn_real *x,    \
                                     const nn_real *dy, nn_real *dx, nn_real *G, size_t rows)                   \
    {                                                                                                           \
        const size_t c = (size_t)cols;                                                                          \
        nn_real p[NN_ACT_MAXP], gp[NN_ACT_MAXP] = {0};                                                          \
        memcpy(p, p0, sizeof p);                                                                                \
        for (size_t r = 0; r < rows; r++)                                                                       \
            for (size_t j = 0; j < c; j++) {                                                                    \
                for (int k = 0; k < K; k++) p[(lead) + k] = P[(size_t)k * c + j];                              \
                const nn_real g = dy[r * c + j], d = name##_dp(x[r * c + j], p, gp);                           \
                for (int k = 0; k < K; k++) G[(size_t)k * c + j] += gp[k] * g;                                 \
                if (dx) dx[r * c + j] = d * g;                                                                  \
            }                                                                                                   \
    }

#endif
