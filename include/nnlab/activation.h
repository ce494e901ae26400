/* nnlab/activation.h: the activation table: every activation function, its derivative, parameters and properties. */
#ifndef NNLAB_ACTIVATION_H
#define NNLAB_ACTIVATION_H

#include <stddef.h>
#include <nnlab/config.h>
#include "error.h"
#include "init.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each function is defined once, in src/activations; everything else (layers, spec strings,
 * saved models, the CLI, docs) reads that definition. */
typedef enum nn_act_id {
    NN_ACT_IDENTITY = 0,
    NN_ACT_BINARY_STEP,
    NN_ACT_SIGMOID,
    NN_ACT_TANH,
    NN_ACT_ARCTAN,
    NN_ACT_SOFTSIGN,
    NN_ACT_ISRU,
    NN_ACT_BENT_IDENTITY,
    NN_ACT_SINUSOID,
    NN_ACT_SINC,
    NN_ACT_GAUSSIAN,
    NN_ACT_RELU,
    NN_ACT_LEAKY_RELU,
    NN_ACT_RELU6,
    NN_ACT_THRESHOLDED_RELU,
    NN_ACT_ELU,
    NN_ACT_SELU,
    NN_ACT_CELU,
    NN_ACT_ISRLU,
    NN_ACT_RRELU,
    NN_ACT_SOFTPLUS,
    NN_ACT_SILU,       /* "silu" and "swish": x * sigmoid(beta x) */
    NN_ACT_GELU,
    NN_ACT_MISH,
    NN_ACT_LOGSIGMOID,
    NN_ACT_TANHSHRINK,
    NN_ACT_SOFTSHRINK,
    NN_ACT_HARDSHRINK,
    NN_ACT_HARDTANH,
    NN_ACT_HARDSIGMOID,
    NN_ACT_HARDSWISH,
    NN_ACT_PRELU,      /* learnable */
    NN_ACT_SRELU,      /* learnable */
    NN_ACT_APL,        /* learnable */
    NN_ACT_SOFT_EXPONENTIAL, /* learnable */
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

typedef struct nn_act_param_info {
    const char *name;  /* key in spec strings */
    double def;        /* default value */
    const char *doc;   /* one line */
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
} nn_act_info;

/* Table entry of id (NULL for an id out of range). */
const nn_act_info *nn_act_info_of(nn_act_id id);
/* Look a name or alias up ("swish" -> NN_ACT_SILU). Returns -1 if unknown. */
int nn_act_lookup(const char *name);

/* Parse "NAME[:key=value,...]" into *out with defaults for keys not given.
 * Errors: NN_EINVAL naming the unknown function (listing valid ones), the unknown key
 * (listing the function's keys) or the invalid value; *out is untouched then. */
nn_status nn_act_parse(const char *spec, nn_act *out);
/* The defaults of id. */
nn_act nn_act_default(nn_act_id id);
/* Canonical spec of a (parameters that differ from the defaults, at full precision), so that
 * nn_act_parse(nn_act_format(a)) gives back a exactly. Returns the length snprintf would. */
int nn_act_format(const nn_act *a, char *buf, size_t size);

/* y[i] = f(x[i]) with a's parameters, inference mode (rrelu uses (lower+upper)/2). y may alias x. */
void nn_act_forward(const nn_act *a, const nn_real *x, nn_real *y, size_t n);
/* dx[i] = f'(x[i]) * dy[i] (overwrites dx; dx may alias dy). y is forward's output for x. */
void nn_act_backward(const nn_act *a, const nn_real *x, const nn_real *y,
                     const nn_real *dy, nn_real *dx, size_t n);
/* f(x), and f'(x) into *dfdx when not NULL; the scalar form of the two above. */
nn_real nn_act_eval(const nn_act *a, nn_real x, nn_real *dfdx);

#ifdef __cplusplus
}
#endif
#endif
