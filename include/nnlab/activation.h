/* nnlab/activation.h: the activation table: every activation function, its derivative, parameters and properties. */
#ifndef NNLAB_ACTIVATION_H
#define NNLAB_ACTIVATION_H

#include "export.h"
#include <stddef.h>
#include <nnlab/config.h>
#include "error.h"
#include "init.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each function is defined once, as one record in src/activations/defs.h; everything else (layers, spec
 * strings, saved models, the CLI, docs) reads that record. NN_ACT_LIST is the list of records in enum
 * order, X(ID, name): NN_ACT_<ID> is the function's id and name its spec name. Adding a function is one
 * line here (at the end: ids are stored nowhere, but keep existing ones stable) and one block in defs.h. */
#define NN_ACT_LIST(X)                                                                                           \
    X(IDENTITY, identity)                                                                                       \
    X(BINARY_STEP, binary_step)                                                                                 \
    X(SIGMOID, sigmoid)                                                                                         \
    X(TANH, tanh)                                                                                               \
    X(ARCTAN, arctan)                                                                                           \
    X(SOFTSIGN, softsign)                                                                                       \
    X(ISRU, isru)                                                                                               \
    X(BENT_IDENTITY, bent_identity)                                                                             \
    X(SINUSOID, sinusoid)                                                                                       \
    X(SINC, sinc)                                                                                               \
    X(GAUSSIAN, gaussian)                                                                                       \
    X(RELU, relu)                                                                                               \
    X(LEAKY_RELU, leaky_relu)                                                                                   \
    X(RELU6, relu6)                                                                                             \
    X(THRESHOLDED_RELU, thresholded_relu)                                                                       \
    X(ELU, elu)                                                                                                 \
    X(SELU, selu)                                                                                               \
    X(CELU, celu)                                                                                               \
    X(ISRLU, isrlu)                                                                                             \
    X(RRELU, rrelu)                                                                                             \
    X(SOFTPLUS, softplus)                                                                                       \
    X(SILU, silu)                       /* "silu" and "swish": x * sigmoid(beta x); learnable */                \
    X(GELU, gelu)                                                                                               \
    X(MISH, mish)                                                                                               \
    X(LOGSIGMOID, logsigmoid)                                                                                   \
    X(TANHSHRINK, tanhshrink)                                                                                   \
    X(SOFTSHRINK, softshrink)                                                                                   \
    X(HARDSHRINK, hardshrink)                                                                                   \
    X(HARDTANH, hardtanh)                                                                                       \
    X(HARDSIGMOID, hardsigmoid)                                                                                 \
    X(HARDSWISH, hardswish)                                                                                     \
    X(PRELU, prelu)                     /* learnable */                                                         \
    X(SRELU, srelu)                     /* learnable */                                                         \
    X(APL, apl)                         /* learnable */                                                         \
    X(SOFT_EXPONENTIAL, soft_exponential) /* learnable */

/* NN_ACT_IDENTITY = 0, NN_ACT_BINARY_STEP, ..., NN_ACT_SOFT_EXPONENTIAL, then NN_ACT_COUNT. */
typedef enum nn_act_id {
#define NN_ACT_ENUM_(ID, name) NN_ACT_##ID,
    NN_ACT_LIST(NN_ACT_ENUM_)
#undef NN_ACT_ENUM_
    NN_ACT_COUNT
} nn_act_id;

/* Most parameter values one activation carries (APL with its maximum number of hinges). */
#define NN_ACT_MAXP 17

/* An activation with its parameter values: what a spec string "NAME[:key=value,...]" denotes.
 * p[] holds the function's parameters in the order of its nn_act_info.params. */
typedef struct nn_act {
    nn_act_id id;
    int np;                 /* parameter values in use in p[] */
    nn_real p[NN_ACT_MAXP];
    int learn;              /* 1: parameters are trained when used as a layer */
    int shared;             /* with learn: 1 = one parameter set for the layer, 0 = one per unit */
} nn_act;

/* How a parameter's value is written in a spec string. */
typedef enum nn_act_param_kind {
    NN_ACT_PARAM_REAL = 0, /* a number */
    NN_ACT_PARAM_INT,      /* a whole number (APL's hinge count S) */
    NN_ACT_PARAM_CHOICE    /* one word of `choices`, stored as its index (gelu's approximate=none|tanh) */
} nn_act_param_kind;

typedef struct nn_act_param_info {
    const char *name;  /* key in spec strings */
    double def;        /* default value */
    const char *doc;   /* one line */
    /* Valid values: lo <= v <= hi, strict where lo_open / hi_open; when lo_key >= 0 the lower bound is
     * the value of parameter lo_key instead of lo (rrelu's upper >= lower). -inf/inf: unbounded. */
    double lo, hi;
    int lo_open, hi_open;
    int lo_key;
    nn_act_param_kind kind;
    const char *choices; /* NN_ACT_PARAM_CHOICE: the words, '|'-separated ("none|tanh"); else NULL */
    /* Other names accepted for this key, '|'-separated, where another framework names it differently (Keras 2's
     * LeakyReLU alpha for negative_slope, torch's lambd for lambda); NULL if none. Formatting writes `name`. */
    const char *aliases;
} nn_act_param_info;

/* What the table knows of one function. */
typedef struct nn_act_info {
    const char *name;        /* canonical spec name */
    const char *formula;     /* plain text, e.g. "x if x > 0 else alpha*(exp(x)-1)" */
    const char *derivative;  /* plain text */
    const char *range;       /* e.g. "(-alpha, inf)" */
    int monotonic, zero_centred, saturating;
    int learnable;           /* parameters can be trained (prelu, srelu, apl, soft_exponential, swish) */
    const char *source;      /* paper or reference implementation */
    nn_init init;            /* initialiser the preceding dense layer uses under NN_INIT_AUTO */
    int nparams;
    const nn_act_param_info *params;
    const char *kinks;       /* where f or f' jumps, e.g. "0", "-3, 3", "t_l, t_r"; "" when smooth */
    int learn, shared;       /* the defaults of nn_act.learn and nn_act.shared */
} nn_act_info;

/* Table entry of id (NULL for an id out of range). */
NN_API const nn_act_info *nn_act_info_of(nn_act_id id);
/* Look a name or alias up ("swish" -> NN_ACT_SILU). Returns -1 if unknown. */
NN_API int nn_act_lookup(const char *name);

/* Parse "NAME[:key=value,...]" into *out with defaults for keys not given.
 * Errors: NN_EINVAL naming the unknown function (listing valid ones), the unknown key
 * (listing the function's keys) or the invalid value; *out is untouched then. */
NN_API nn_status nn_act_parse(const char *spec, nn_act *out);
/* The defaults of id. */
NN_API nn_act nn_act_default(nn_act_id id);
/* Canonical spec of a (parameters that differ from the defaults, at full precision), so that
 * nn_act_parse(nn_act_format(a)) gives back a exactly. Returns the length snprintf would. */
NN_API int nn_act_format(const nn_act *a, char *buf, size_t size);

/* y[i] = f(x[i]) with a's parameters, inference mode (rrelu uses (lower+upper)/2). y may alias x. */
NN_API void nn_act_forward(const nn_act *a, const nn_real *x, nn_real *y, size_t n);
/* dx[i] = f'(x[i]) * dy[i] (overwrites dx; dx may alias dy). y is forward's output for x. */
NN_API void nn_act_backward(const nn_act *a, const nn_real *x, const nn_real *y,
                     const nn_real *dy, nn_real *dx, size_t n);
/* f(x), and f'(x) into *dfdx when not NULL; the scalar form of the two above. */
NN_API nn_real nn_act_eval(const nn_act *a, nn_real x, nn_real *dfdx);

#ifdef __cplusplus
}
#endif
#endif
