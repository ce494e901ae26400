/* act_internal.h: what the activation files share: libm per real type, stable helpers, the per-unit kernels of the learnable functions. */
#ifndef NNLAB_ACT_INTERNAL_H
#define NNLAB_ACT_INTERNAL_H

#include <float.h>
#include <math.h>
#include "internal.h"

/* The float build calls the float libm (expf, log1pf, ...): as accurate to float rounding and
 * several times faster than going through double. */
#ifdef NNLAB_DOUBLE
#define R_EXP exp
#define R_EXPM1 expm1
#define R_LOG log
#define R_LOG1P log1p
#define R_SQRT sqrt
#define R_TANH tanh
#define R_ATAN atan
#define R_SIN sin
#define R_COS cos
#define R_ERFC erfc
#define R_FABS fabs
#define NN_REAL_MIN DBL_MIN
#else
#define R_EXP expf
#define R_EXPM1 expm1f
#define R_LOG logf
#define R_LOG1P log1pf
#define R_SQRT sqrtf
#define R_TANH tanhf
#define R_ATAN atanf
#define R_SIN sinf
#define R_COS cosf
#define R_ERFC erfcf
#define R_FABS fabsf
#define NN_REAL_MIN FLT_MIN
#endif

/* sigmoid(v) without overflow: exp only ever sees -|v|. */
static inline nn_real nn_sigm(nn_real v)
{
    nn_real e = R_EXP(-R_FABS(v));
    nn_real s = 1 / (1 + e);
    return v >= 0 ? s : e * s;
}

/* Learnable functions keep their trainable values in p[first..np); APL's p[0] is its hinge count S. */
static inline int nn_act_learn_first(const nn_act *a) { return a->id == NN_ACT_APL; }
static inline int nn_act_nlearn(const nn_act *a) { return a->np - nn_act_learn_first(a); }

/* Per-unit kernels of the learnable functions (prelu, silu, srelu, apl, soft_exponential) over a
 * rows x cols batch. P holds K = nn_act_nlearn(a) values per unit, parameter-major:
 * P[k*cols + j] = p[first + k] of unit j. backward adds dL/dP into G (same layout) and writes
 * dx (may be NULL; may alias dy). */
void nn_act_unit_forward(const nn_act *a, const nn_real *P, int cols, const nn_real *x, nn_real *y, size_t rows);
void nn_act_unit_backward(const nn_act *a, const nn_real *P, int cols, const nn_real *x, const nn_real *dy,
                          nn_real *dx, nn_real *G, size_t rows);

#endif
