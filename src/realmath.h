/* realmath.h: libm per real type (R_EXP is expf in the float build, exp in the double one), for every file that does math on nn_real. */
#ifndef NNLAB_REALMATH_H
#define NNLAB_REALMATH_H

#include <float.h>
#include <math.h>
#include <nnlab/config.h>

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

#endif
