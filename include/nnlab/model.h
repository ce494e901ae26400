/* nnlab/model.h: the sequential model: layers added by spec, forward, loss head, automatic backward, predict. */
#ifndef NNLAB_MODEL_H
#define NNLAB_MODEL_H

#include "export.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nnlab/config.h>
#include "error.h"
#include "init.h"
#include "activation.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nn_model nn_model;

/* Loss heads, each fused with its output non-linearity and averaged over the batch.
 * Targets are one real per row: a class index for softmax-xent, 0/1 for sigmoid-bce;
 * for mse the value itself when the model has one output, else a class index taken as one-hot. */
typedef enum nn_loss {
    NN_LOSS_NONE = 0,
    NN_LOSS_SOFTMAX_XENT, /* "softmax-xent": -log softmax(z)[y], via log-sum-exp */
    NN_LOSS_SIGMOID_BCE,  /* "sigmoid-bce": max(z,0) - z*y + log1p(exp(-|z|)), one output */
    NN_LOSS_MSE,          /* "mse": mean over rows and outputs of (z - t)^2 */
    NN_LOSS_COUNT
} nn_loss;

/* Name of a loss ("softmax-xent", "sigmoid-bce", "mse", "none"). */
NN_API const char *nn_loss_name(nn_loss l);
/* The loss head's formulas for teaching, plain text (its output, L and dL/dz, e.g. "p = sigmoid(z), L = ...,
 * dL/dz = p - y"); "" for none or an unknown loss. */
NN_API const char *nn_loss_formula(nn_loss l);
/* Parse a loss name (also "xent", "ce", "bce"). Errors: NN_EINVAL listing the valid names. */
NN_API nn_status nn_loss_parse(const char *name, nn_loss *out);

/* New empty model taking rows of `inputs` features; seed drives initialisation and the
 * random layers (rrelu, dropout). Caller owns it (nn_model_free). NULL on bad width or no memory. */
NN_API nn_model *nn_model_new(int inputs, uint64_t seed);
/* Frees the model and everything it owns; NULL is fine. */
NN_API void nn_model_free(nn_model *m);

/* Append one layer given by a spec token: "dense:64", "dense:64:init=he_uniform", an activation
 * spec ("relu", "elu:alpha=0.5", "prelu", "prelu:shared=0", "srelu"), "maxout:32:k=2", ...
 * Its input width is the previous output width. Errors: NN_EINVAL (bad spec), NN_ESHAPE. */
NN_API nn_status nn_model_add(nn_model *m, const char *layer_spec);
/* Append a comma-separated list of layer specs ("dense:64,relu,dense:3"). Parameters of a
 * layer continue after commas: "srelu:t_l=-1,a_l=0.1,dense:3". Stops at the first error. */
NN_API nn_status nn_model_add_arch(nn_model *m, const char *arch);
/* The one splitter of spec lists (--arch, compare's --acts, --variants): the spec at list + *pos into buf, *pos moved
 * past it and its ',' (done at list[*pos] == '\0'); an item KEY=VALUE (no ':' or '+' before '=') continues
 * the spec before it. Errors: NN_EINVAL for an empty list or item (",,", a trailing ',') or a spec of size bytes or more. */
NN_API nn_status nn_spec_list_next(const char *list, size_t *pos, char *buf, size_t size);
/* Typed forms of nn_model_add. */
NN_API nn_status nn_model_add_dense(nn_model *m, int out, nn_init init);
NN_API nn_status nn_model_add_act(nn_model *m, const nn_act *act);
/* PReLU with alpha 0.25: one alpha per unit (per_unit = 1) or one for the layer (0, PyTorch's default). */
NN_API nn_status nn_model_add_prelu(nn_model *m, int per_unit);
/* Maxout: `units` outputs, each the maximum of k affine pieces of the input. */
NN_API nn_status nn_model_add_maxout(nn_model *m, int units, int k);
/* The initialiser of every layer with weights (dense, maxout) whose spec names none (no init= or init=auto), e.g.
 * NN_INIT_TORCH for a recipe ported from PyTorch; its spec then reads init=NAME. NN_INIT_AUTO changes nothing.
 * Errors: NN_EINVAL after the model's first use (its weights are drawn then) or for an unknown value. */
NN_API nn_status nn_model_set_init(nn_model *m, nn_init init);
/* Set the loss head (default NN_LOSS_NONE). Errors: NN_ESHAPE for sigmoid-bce on more than one output;
 * NN_EINVAL for softmax-xent on a model ending in softmax or log_softmax (the loss applies it already; the
 * same check refuses such a model at its first use if the layer was added after the loss). */
NN_API nn_status nn_model_set_loss(nn_model *m, nn_loss loss);
NN_API nn_loss nn_model_loss_kind(const nn_model *m);

/* A model from its input width, architecture and loss in one call (nn_model_new + add_arch + set_loss).
 * NULL on error, with the message in nn_errmsg(). */
NN_API nn_model *nn_model_from_spec(int inputs, const char *arch, nn_loss loss, uint64_t seed);
/* The architecture as one spec string that nn_model_add_arch accepts. Returns the length snprintf would. */
NN_API int nn_model_spec(const nn_model *m, char *buf, size_t size);

/* (Re-)initialise every parameter and state from seed (initialisers chosen when layers were added). */
NN_API nn_status nn_model_init(nn_model *m, uint64_t seed);
/* Give worker `stream` of a data-parallel run its own noise for dropout and RReLU: derives a new stream from
 * the current one (stream 0 keeps it, so one worker equals a plain run). Builds the model if needed.
 * Errors: NN_EINVAL for NULL m; as nn_model_build. */
NN_API nn_status nn_model_fork_noise(nn_model *m, unsigned stream);

/* Threads this model's forward, backward and update run on: n in 1..64, or 0 (the default) to follow the
 * process-wide nn_set_threads. The model starts or stops its threads at its next forward pass when the
 * count changed (that forward allocates); model_free joins them. The result of training does not depend
 * on the count (nnlab splits every product and loop into blocks whose sums do not change with it).
 * Errors: NN_EINVAL for NULL m or n out of range. */
NN_API nn_status nn_model_set_threads(nn_model *m, int n);
/* The thread count the model runs on now (nn_model_set_threads, else nn_get_threads()). */
NN_API int nn_model_threads(const nn_model *m);

NN_API int nn_model_inputs(const nn_model *m);
NN_API int nn_model_outputs(const nn_model *m);
/* Classes the model predicts: its output width, or 2 for a single-output sigmoid-bce model. */
NN_API int nn_model_classes(const nn_model *m);
NN_API int nn_model_nlayers(const nn_model *m);
/* All trainable parameters (and their gradients) in one contiguous vector owned by the model, valid until
 * nn_model_free. The first call of these three (like the first forward) is the model's first use: it
 * allocates and initialises the vectors, after which no layer can be added. They return NULL when that
 * fails: a model without layers (NN_EINVAL) or no memory (NN_ENOMEM), the reason in nn_errmsg(). */
NN_API size_t nn_model_nparams(const nn_model *m);
NN_API nn_real *nn_model_params(nn_model *m);
NN_API nn_real *nn_model_grads(nn_model *m);
/* Non-trainable saved state (batchnorm running statistics), contiguous, owned by the model; NULL as above. */
NN_API size_t nn_model_nstate(const nn_model *m);
NN_API nn_real *nn_model_state(nn_model *m);

/* Optional input standardisation x' = (x - mean) / std applied by every forward pass and saved with
 * the model. The arrays (nn_model_inputs long) are copied; NULL, NULL removes it.
 * Errors: NN_EINVAL for a std that is not > 0 or not finite. */
NN_API nn_status nn_model_set_scaling(nn_model *m, const nn_real *mean, const nn_real *std);
/* 1 and pointers to the model's arrays (valid until the next nn_model_set_scaling or nn_model_free) if
 * scaling is set, else 0 and NULLs. */
NN_API int nn_model_scaling(const nn_model *m, const nn_real **mean, const nn_real **std);

/* Forward `rows` rows of x (rows x inputs, row-major). train = 1 records what backward needs and uses
 * training behaviour (rrelu, dropout, batchnorm). *out (optional) points at the model's output tensor,
 * valid until the next forward. Lifetime of x: without input scaling the model does not copy x but keeps a
 * pointer to it, which nn_model_backward (and nn_model_gradcheck) read: x must stay alive and unchanged
 * until the next forward. Allocates on the first use and when rows exceeds every earlier batch, else
 * nothing. Errors: NN_ESHAPE for rows < 1, NN_ENOMEM, NN_EINVAL for a model without layers. */
NN_API nn_status nn_model_forward(nn_model *m, const nn_real *x, int rows, int train, const nn_tensor **out);
/* Loss of the last forward output against targets y (one per row) through the loss head; stores dL/dout
 * for nn_model_backward. *correct (optional) counts rows whose predicted class equals y.
 * Allocates only when the batch exceeds every earlier one.
 * Errors: NN_EINVAL without a loss head or for a label out of range. */
NN_API nn_status nn_model_loss(nn_model *m, const nn_real *y, double *loss, int *correct);
/* Set every gradient to zero. */
NN_API void nn_model_zero_grad(nn_model *m);
/* Backward through all layers in reverse from the gradient nn_model_loss stored (or set with
 * nn_model_set_output_grad); adds into the parameter gradients. Reads the x of the last forward (see
 * nn_model_forward). Allocates only when the batch exceeds every earlier one; on NN_ENOMEM no gradient
 * has changed. Errors: NN_EINVAL if no training forward, NN_ENOMEM. */
NN_API nn_status nn_model_backward(nn_model *m);
/* Use dout (rows x outputs of the last forward) as dL/dout instead of a loss head's gradient. */
NN_API nn_status nn_model_set_output_grad(nn_model *m, const nn_real *dout);
/* Gradient of the loss with respect to the model input (rows x inputs) after nn_model_backward with
 * nn_model_keep_grads on; NULL otherwise (training does not need it, so it is not computed).
 * Owned by the model, valid until the next backward. */
NN_API const nn_tensor *nn_model_input_grad(const nn_model *m);

/* Predict in inference mode: classes[r] (optional) the arg-max class, probs (optional, rows x
 * nn_model_classes) the softmax / sigmoid probabilities (raw outputs for mse and no loss head). */
NN_API nn_status nn_model_predict(nn_model *m, const nn_real *x, int rows, int *classes, nn_real *probs);
/* What nn_model_predict does after the forward pass, on outputs z you hold (e.g. a layer's output): the
 * head's probabilities into probs (rows x nclasses: softmax; [1 - p, p] for one sigmoid output; z itself for
 * mse and none) and the arg-max classes, either optional. Allocates nothing; cannot fail. */
NN_API void nn_loss_predict(nn_loss kind, const nn_tensor *z, int *classes, nn_real *probs);

/* Print layers, output shapes and parameter counts, one line each, to f. */
NN_API void nn_model_summary(const nn_model *m, FILE *f);

/* Introspection, layers numbered from 0. An index out of range gives NULL, -1 or "" as the type says. */
/* The layer's kind as a static string: "dense", "act", "maxout", "batchnorm", "dropout", "alpha_dropout",
 * "softmax", "log_softmax". For display; programs test kinds with nn_model_layer_type. */
NN_API const char *nn_model_layer_kind(const nn_model *m, int i);
/* Layer kinds, for programs that treat some layers specially (weight matrices, activation probes). */
typedef enum nn_layer_type {
    NN_LAYER_NONE = -1, /* an index out of range */
    NN_LAYER_DENSE = 0,
    NN_LAYER_ACT,       /* an element-wise activation (nn_model_layer_act) */
    NN_LAYER_MAXOUT,
    NN_LAYER_BATCHNORM,
    NN_LAYER_DROPOUT,   /* dropout and alpha_dropout */
    NN_LAYER_SOFTMAX    /* softmax and log_softmax */
} nn_layer_type;
NN_API nn_layer_type nn_model_layer_type(const nn_model *m, int i);
/* 1 and *act (optional) = the activation of layer i with the parameters of its spec (trained ones: their
 * starting values) if layer i is an activation layer; else 0. */
NN_API int nn_model_layer_act(const nn_model *m, int i, nn_act *act);
NN_API int nn_model_layer_spec(const nn_model *m, int i, char *buf, size_t size);
NN_API int nn_model_layer_inputs(const nn_model *m, int i);
NN_API int nn_model_layer_outputs(const nn_model *m, int i);
/* The layer's slice of the parameter / gradient vector; *n receives its length. The first call builds the
 * model as nn_model_params does; NULL for a bad index or when building fails. */
NN_API nn_real *nn_model_layer_params(nn_model *m, int i, size_t *n);
NN_API nn_real *nn_model_layer_grads(nn_model *m, int i, size_t *n);
/* The layer's output of the last forward (rows x outputs), owned by the model, valid until the next forward. */
NN_API const nn_tensor *nn_model_layer_output(const nn_model *m, int i);
/* With keep = 1, backward keeps dL/d(output) of every layer (for teaching and diagnostics; costs one
 * buffer per layer); read it with nn_model_layer_output_grad after nn_model_backward. */
NN_API nn_status nn_model_keep_grads(nn_model *m, int keep);
/* dL/d(output of layer i) kept by the last backward (owned by the model, valid until the next backward);
 * NULL without nn_model_keep_grads or for a bad index. */
NN_API const nn_tensor *nn_model_layer_output_grad(const nn_model *m, int i);

/* Numerical gradient check on (x, y) in training mode (random layers replay the same draws): compares
 * backward's gradient g of every parameter and input with the central difference n of step eps and writes
 * the largest |g - n| / max(|g| + |n|, sqrt(machine epsilon)) per layer into rel_err[nlayers], for the
 * inputs into *input_rel_err and overall into *max_rel_err (each optional). Where n disagrees, steps eps/2
 * to eps/8, one-sided differences and (at eps/8) the range between the two are tried too, and the smallest
 * error kept (kinks; docs/cli.md#nnlab-gradcheck); Inf or NaN never passes. Parameters and state unchanged. */
NN_API nn_status nn_model_gradcheck(nn_model *m, const nn_real *x, const nn_real *y, int rows, double eps,
                             double *rel_err, double *input_rel_err, double *max_rel_err);

/* Free-form text (at most NN_META_MAX bytes) kept with the model and saved in its file, e.g. how it was
 * trained; the CLI records its training run there for `nnlab train --resume`. text is copied; NULL or ""
 * clears it. Errors: NN_EINVAL for a longer text, NN_ENOMEM. */
#define NN_META_MAX 65536
NN_API nn_status nn_model_set_meta(nn_model *m, const char *text);
/* The model's metadata text ("" when none); owned by the model, valid until the next set or free. */
NN_API const char *nn_model_meta(const nn_model *m);

/* Longest architecture spec (with its terminating NUL) a model file holds. */
#define NN_MODEL_SPEC_MAX 4096
/* Whether nn_model_save would write m: NN_EINVAL when its spec is too long for the file, NN_ENONFINITE when a
 * parameter or state value is NaN or infinite (a file that could not be loaded back); NN_OK otherwise. */
NN_API nn_status nn_model_check_save(const nn_model *m);
/* Save architecture, loss, parameters, state and scaling to path (format in docs/model-format.md), atomically
 * (nn_atomic_open). Errors: those of nn_model_check_save and nn_atomic_open/commit (NN_EIO), NN_ENOMEM. */
NN_API nn_status nn_model_save(const nn_model *m, const char *path);
/* Load a model saved by nn_model_save; NULL on a missing, truncated, corrupted or other-version file,
 * with the reason in nn_errmsg(). Caller owns the model. */
NN_API nn_model *nn_model_load(const char *path);

/* As nn_model_save, with the optimizer's hyper-parameters and state (when o is not NULL), so that training
 * can resume bit-identically. */
struct nn_optim;
NN_API nn_status nn_model_save_with(const nn_model *m, const struct nn_optim *o, const char *path);
/* As nn_model_load; when the file carries optimizer state and opt is not NULL, *opt receives the restored
 * optimizer (caller owns it; NULL if the file has none). */
NN_API nn_model *nn_model_load_with(const char *path, struct nn_optim **opt);

#ifdef __cplusplus
}
#endif
#endif
