/* layer.h: the layer interface every file in src/layers implements, and the layer registry; not installed. */
#ifndef NNLAB_LAYER_H
#define NNLAB_LAYER_H

#include "internal.h"

typedef struct nn_layer nn_layer;

/* A fixed element-wise activation layer that a dense layer runs on each block of its own product while the
 * block is in cache: in forward the activation after it (x = the product, out = the activation's output),
 * in backward the activation before it (x and y = the activation's input and output, out = dL/d(its
 * input) from the block of dL/d(its output) the dense layer just wrote). Set by model.c. */
typedef struct nn_fused {
    nn_layer *act; /* NULL: nothing fused */
    const nn_real *x, *y;
    nn_real *out;
} nn_fused;

/* One table of functions per layer kind. A layer's forward and backward live side by side in its file.
 * Parameters and gradients are slices of the model's flat vectors (param, grad), rebound by the model
 * whenever those vectors move. */
typedef struct nn_layer_ops {
    const char *kind; /* "dense", "act", "maxout", ... */
    nn_layer_type type;   /* what nn_model_layer_type reports */
    /* y = layer(x); L->y is already sized rows x out by the model. train = 1: training mode, record what
     * backward needs (in L->aux or L->y). rng: the model's generator for random layers. */
    nn_status (*forward)(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng);
    /* From dy = dL/dy (rows x out): add parameter gradients into L->grad (or write them, with
     * L->grad_fresh) and, when dx is not NULL, write
     * dx = dL/dx (rows x in; overwrite). x and L->y are those of the last training forward. */
    void (*backward)(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx);
    /* Initialise parameters and state; next_init is the initialiser the following activation asks for
     * (NN_INIT_AUTO when none follows). */
    void (*init)(nn_layer *L, nn_rng *rng, nn_init next_init);
    /* The spec token that recreates this layer through nn_model_add. */
    int (*format)(const nn_layer *L, char *buf, size_t size);
    /* The initialiser this layer asks of a preceding dense layer (NULL: NN_INIT_AUTO). */
    nn_init (*wants_init)(const nn_layer *L);
    /* 1: backward honours L->grad_fresh, so a training step need not zero this layer's gradients first. */
    int fresh_grad;
} nn_layer_ops;

struct nn_layer {
    const nn_layer_ops *ops;
    int in, out;
    size_t nparams, param_off; /* slice of the model's parameter and gradient vectors */
    size_t nweights;           /* the first nweights parameters are weights that L1/L2 penalties apply to */
    double l1, l2;             /* the layer's own penalties (spec keys l1=, l2=); < 0: the fit's global ones */
    nn_init init;              /* the layer's own initialiser (spec key init=); NN_INIT_AUTO: its kind's default */
    size_t nstate, state_off;  /* slice of the model's non-trainable state vector */
    nn_real *param, *grad, *state;
    nn_tensor y;               /* output of the last forward, owned by the model */
    void *aux;                 /* per-batch scratch (masks, arg-max indices, random slopes) */
    size_t aux_cap;            /* bytes */
    void *cfg;                 /* kind-specific settings: one plain allocation (freed with free), owned by the layer */
    struct nn_pool *pool;      /* the model's threads for forward and backward (NULL: the calling thread) */
    int grad_fresh;            /* backward writes its parameter gradients instead of adding (ops->fresh_grad) */
    nn_fused fused;            /* the activation this (dense) layer runs on its blocks in this pass */
};

/* A constructor fills L (ops, out, nparams, nstate, cfg) for input width L->in from a parsed spec.
 * Errors: NN_EINVAL naming the bad field or key. */
typedef nn_status (*nn_layer_ctor)(nn_layer *L, const nn_spec *spec);

/* Builds a layer from a spec token for input width `in`: looks up the layer kinds, then the activations.
 * The keys l1= and l2= (per-layer penalties) and init= are taken here, for any layer kind that has weights. */
nn_status nn_layer_create(nn_layer *L, int in, const char *spec);
/* Grows L->aux to at least bytes (allocates only when it grows); NULL with NN_ENOMEM on failure. */
void *nn_layer_aux(nn_layer *L, size_t bytes);
/* The layer's spec token (its kind's format plus its own init=, l1=, l2=), as snprintf returns. */
int nn_layer_format(const nn_layer *L, char *buf, size_t size);

/* Constructors of the layer kinds (src/layers/ *.c). */
nn_status nn_dense_create(nn_layer *L, const nn_spec *spec);
nn_status nn_maxout_create(nn_layer *L, const nn_spec *spec);
/* Vector-valued activations (src/layers/softmax.c): softmax and log_softmax over each row. */
nn_status nn_softmax_create(nn_layer *L, const nn_spec *spec);
nn_status nn_log_softmax_create(nn_layer *L, const nn_spec *spec);
/* Regularisation layers (src/layers/dropout.c, src/layers/batchnorm.c). */
nn_status nn_dropout_create(nn_layer *L, const nn_spec *spec);
nn_status nn_alpha_dropout_create(nn_layer *L, const nn_spec *spec);
nn_status nn_batchnorm_create(nn_layer *L, const nn_spec *spec);
/* The element-wise activation layer (src/layers/activation.c): fixed or learnable parameters. */
nn_status nn_act_layer_create(nn_layer *L, const nn_act *act);
/* 1 if L is an activation layer whose pass is one element-wise loop in this mode (not learnable, no
 * training-mode noise): a neighbouring dense layer may run it (nn_fused). */
int nn_act_layer_elementwise(const nn_layer *L, int train);
/* The fused activation's forward (dy NULL) or backward (from dy) on rows r0..r1, columns c0..c1 of
 * matrices of row length ld. */
void nn_act_layer_block(const nn_fused *f, const nn_real *dy, size_t r0, size_t r1, size_t c0, size_t c1, size_t ld);
/* The activation of an activation layer (L->ops->type == NN_LAYER_ACT). */
const nn_act *nn_act_layer_act(const nn_layer *L);

#endif
