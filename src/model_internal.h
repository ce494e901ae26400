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
    nn_tensor g[3];          /* backward's buffers of dL/d(layer input), taking turns */
    int keep;                /* keep every layer's output gradient */
    nn_tensor *kept;         /* [nlayers] with keep */
    nn_tensor dxin;          /* dL/dx of the input, with keep */
    int rows;                /* rows of the last forward */
    int rows_checked;        /* largest batch checked against the memory limit */
    int fwd_train;           /* the last forward was in training mode */
    int have_dout;           /* dout holds a gradient for that forward */
    int threads;             /* nn_model_set_threads; 0: the process-wide nn_get_threads() */
    int pool_threads;        /* the thread count the pool was made for (0: none yet) */
    struct nn_pool *pool;    /* worker threads of forward, backward and update; NULL for one thread */
};

/* NN_ENOMEM with the size it would need when nn_model_memory(m, rows) exceeds nn_memory_limit(). */
nn_status nn_check_memory(const nn_model *m, int rows);

/* Allocate the parameter vectors and initialise them from the model's seed, once. */
nn_status nn_model_build(nn_model *m);
/* Makes the model's pool match its thread count (starts or stops threads only when that count changed) and
 * hands it to the layers. Errors: NN_ENOMEM, NN_EIO (a thread did not start). */
nn_status nn_model_sync_pool(nn_model *m);
/* Backward that writes the parameter gradients instead of adding to them (a training step's, which saves
 * zeroing them first); otherwise nn_model_backward. */
nn_status nn_model_backward_fresh(nn_model *m);

/* Apply NNLAB_THREADS (or the core count) the first time any model is made, unless nn_set_threads ran. */
void nn_threads_default(void);

#endif
