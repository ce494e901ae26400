/* model_internal.h: the layout of nn_model, shared by model.c, train.c, io.c and gradcheck.c; not installed. */
#ifndef NNLAB_MODEL_INTERNAL_H
#define NNLAB_MODEL_INTERNAL_H

#include "layer.h"

struct nn_model {
    int inputs;
    uint64_t seed;
    nn_rng rng;              /* drives the random layers during forward */
    nn_loss loss;
    int nlayers, cap;
    nn_layer *layers;
    int built;               /* flat vectors allocated and parameters initialised */
    size_t nparams, nstate;
    nn_real *params, *grads, *state;
    nn_real *mean, *std;     /* input scaling, or NULL */
    char *meta;              /* the caller's text kept with the model (nn_model_set_meta), or NULL */
    nn_tensor xin;           /* view of the current input (the caller's rows, or xown) */
    nn_tensor xown;          /* scaled copy of the input */
    nn_tensor dout;          /* dL/d(model output) */
    nn_tensor g[2];          /* backward ping-pong buffers */
    int keep;                /* keep every layer's output gradient */
    nn_tensor *kept;         /* [nlayers] with keep */
    nn_tensor dxin;          /* dL/dx of the input, with keep */
    int rows;                /* rows of the last forward */
    int rows_checked;        /* largest batch checked against the memory limit */
    int fwd_train;           /* the last forward was in training mode */
    int have_dout;           /* dout holds a gradient for that forward */
};

/* NN_ENOMEM with the size it would need when nn_model_memory(m, rows) exceeds nn_memory_limit(). */
nn_status nn_check_memory(const nn_model *m, int rows);

/* Allocate the parameter vectors and initialise them from the model's seed, once. */
nn_status nn_model_build(nn_model *m);
/* Apply NNLAB_THREADS (or the core count) the first time any model is made, unless nn_set_threads ran. */
void nn_threads_default(void);

#endif
