/* nnlab/train.h: the training loop (fit), one training step, evaluation, threads and stop requests. */
#ifndef NNLAB_TRAIN_H
#define NNLAB_TRAIN_H

#include "export.h"
#include <stdint.h>
#include <nnlab/config.h>
#include "error.h"
#include "model.h"
#include "optim.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one epoch gave; val_* are NaN without a validation set. */
typedef struct nn_epoch_stats {
    int epoch;            /* from 0 */
    double loss, acc;     /* training loss and accuracy, averaged over the epoch's batches (by rows) */
    double val_loss, val_acc;
    double lr;            /* learning rate used in the epoch */
    double seconds;       /* wall time of the epoch */
} nn_epoch_stats;

/* Per-epoch history returned by nn_fit; free with nn_history_free. */
typedef struct nn_history {
    int n;                 /* epochs run */
    nn_epoch_stats *epochs;
    int stopped_early;     /* 1 if early stopping ended the run */
    int best_epoch;        /* epoch with the lowest validation loss (training loss without validation) */
    int restored;          /* 1 if the parameters of best_epoch were put back at the end (restore_best) */
} nn_history;

/* Called after each epoch; a nonzero return stops training (nn_fit returns NN_EINTR). */
typedef int (*nn_epoch_fn)(const nn_epoch_stats *s, void *user);
/* Called after each batch (for progress display); a nonzero return stops training after this batch. */
typedef int (*nn_batch_fn)(int epoch, int batch, int nbatches, double loss, void *user);

/* Data-parallel reduction (docs/distributed.md): sums v[0..n) and sums[0..nsums) over all workers, in place
 * and identically on every worker (an allreduce); returns 0, or nonzero when the reduction itself failed.
 * nn_fit calls it once per batch and once per epoch, on every worker in the same order. */
typedef int (*nn_reduce_fn)(nn_real *v, size_t n, double *sums, int nsums, void *user);

typedef struct nn_fit_opts {
    int epochs;           /* default 10: train until this epoch count is reached */
    int initial_epoch;    /* default 0: epoch to start at (as Keras); resuming a run started with the same
                             seed and options from here continues it bit-identically */
    int initial_batch;    /* default 0: batch of initial_epoch to start at, for a run stopped inside an epoch
                             (batch b done: resume at b + 1); the epoch's shuffle is replayed */
    int batch_size;       /* default 32; the last batch of an epoch may be smaller */
    int shuffle;          /* default 1: reshuffle the rows every epoch */
    uint64_t seed;        /* shuffling seed, default 0 */
    const nn_dataset *val;/* optional validation set */
    int patience;         /* early stopping: stop after this many epochs without a lower validation loss
                             (training loss without validation); 0 = off (default) */
    int restore_best;     /* with patience > 0: when the run ends (early stop or last epoch, not on an error or
                             a stop request), put back the parameters and state of the best epoch, as Keras'
                             EarlyStopping(restore_best_weights=True); default 0. The copy is allocated once
                             per nn_fit, not per step */
    double clip_norm;     /* > 0: clip the global gradient 2-norm to this each step (default 0 = off) */
    double clip_value;    /* > 0: clamp each gradient to [-v, v] each step (default 0 = off) */
    double l1, l2;        /* penalties l1*sum|w| and l2*sum w^2 over dense and maxout weights, added to the
                             loss and its gradient (default 0); a layer's own spec keys l1=/l2= replace them */
    nn_epoch_fn on_epoch;
    nn_batch_fn on_batch;
    void *user;
    /* Data-parallel training, with reduce set: `workers` processes each run nn_fit with the same model,
     * optimizer, data, seed and options; worker `rank` (0..workers-1) trains on its contiguous share of every
     * batch of batch_size rows, and reduce sums the gradients (weighted by rows) and the counters over the
     * workers, so that all apply the same update and report the global batch's loss and accuracy. Validation
     * results are averaged over the workers. Workers whose runs differ (parameters, rows, batch size, epochs,
     * validation rows, patience) all fail with NN_EINVAL before training. Without reduce (default) the run is
     * plain. libnnlab_mpi fills these fields for MPI (nnlab/mpi.h). */
    int workers, rank;
    nn_reduce_fn reduce;
    void *reduce_user;
} nn_fit_opts;

/* The defaults above. */
NN_API nn_fit_opts nn_fit_defaults(void);

/* Train m on train with o. Stops early, on a callback's request, or on nn_request_stop() after the current
 * batch (NN_EINTR). A non-finite loss or gradient stops it with NN_ENONFINITE, a message naming the epoch and
 * batch, and the parameters of the last finite step. hist (optional) receives the epochs run, also on error.
 * Errors: NN_ESHAPE if train (or val) columns differ from the model inputs, NN_EINVAL without a loss head
 * or for bad options; data-parallel: NN_EIO when the reduction fails or another worker failed (its own
 * message is on that worker). */
NN_API nn_status nn_fit(nn_model *m, nn_optim *o, const nn_dataset *train, const nn_fit_opts *opts, nn_history *hist);
/* Frees the history's array (not the struct); NULL is fine. */
NN_API void nn_history_free(nn_history *h);

/* One training step on rows samples: forward, loss, zero_grad, backward, (clip), optimizer step.
 * *loss (optional) receives the batch loss. Allocates nothing once buffers fit the batch size. */
NN_API nn_status nn_train_step(nn_model *m, nn_optim *o, const nn_real *x, const nn_real *y, int rows, double *loss);

/* Mean loss and accuracy of m on d in inference mode, in batches of batch_size (0: 256).
 * Either output may be NULL. Errors: as nn_model_forward and nn_model_loss. */
NN_API nn_status nn_evaluate(nn_model *m, const nn_dataset *d, int batch_size, double *loss, double *acc);

/* Seconds on a monotonic clock from an arbitrary origin: the clock nn_fit times epochs with, for programs and
 * tools that time their own work (use differences only). Thread-safe. */
NN_API double nn_seconds(void);

/* Process-wide: ask every nn_fit running now (in any thread) to stop after its current batch;
 * async-signal-safe (callable from a SIGINT handler). A fit started later does not see the request. */
NN_API void nn_request_stop(void);

/* Process-wide settings. Everything else in the library is per object: two threads may each train their
 * own model with their own optimizer at the same time (the error message is per thread too). Not so these:
 *
 * The default thread count of models: each model runs its forward, backward and update on its own threads
 * (started at its first forward, joined by nn_model_free), this many unless nn_model_set_threads gave it
 * its own count; a model picks up a changed default at its next forward. n <= 0 takes NNLAB_THREADS from
 * the environment, else the number of cores; at most 64. The first nn_model_new of the process calls
 * nn_set_threads(0) unless nn_set_threads ran before. It also sets OpenBLAS's own process-wide thread
 * count to 1 (nnlab cuts large products into blocks, one single-threaded product per thread on nnlab's
 * kernel or OpenBLAS, so that results do not depend on OpenBLAS's threading; a program that calls OpenBLAS
 * itself gets one thread too). Thread-safety: call it before starting threads that use the library (the count is a plain
 * variable). Concurrent products from several models are safe: Debian's OpenBLAS 0.3.21 (pthreads build)
 * serialises its buffer allocation, as OpenBLAS does since 0.3.7 when built with threads. */
NN_API void nn_set_threads(int n);
/* The process-wide default thread count of models (nn_set_threads). */
NN_API int nn_get_threads(void);

/* The memory a model may take (bytes), checked before a model is built, loaded or run on a larger batch:
 * beyond it those calls fail with NN_ENOMEM and the size they would need, instead of the system killing the
 * process. Default: NNLAB_MAX_MEMORY from the environment (bytes, or with a K, M, G or T suffix), else half
 * the physical memory. nn_set_memory_limit(0) goes back to the default. Process-wide; safe to call from any
 * thread (the value is atomic). */
NN_API void nn_set_memory_limit(size_t bytes);
NN_API size_t nn_memory_limit(void);
/* Estimated bytes m takes when run on `rows` rows at a time: parameters, gradients, optimizer state (two
 * slots, as Adam) and the activations and backward buffers of the batch. */
NN_API size_t nn_model_memory(const nn_model *m, int rows);

#ifdef __cplusplus
}
#endif
#endif
