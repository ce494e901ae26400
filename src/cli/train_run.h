/* train_run.h: nnlab train's run record (train_run.c): the settings a run saves in its model's metadata so
 * that --resume continues it exactly where it stopped, apart from the command (train.c). */
#ifndef NNLAB_CLI_TRAIN_RUN_H
#define NNLAB_CLI_TRAIN_RUN_H

#include <stdint.h>
#include "cli.h"

/* getopt_long codes of nnlab train's options for the settings a run records, which --resume does not let
 * change; train.c's other options follow TRAIN_OPT_END. */
enum { TRAIN_OPT_ARCH = 256, TRAIN_OPT_LOSS, TRAIN_OPT_OPT, TRAIN_OPT_SCHED, TRAIN_OPT_BATCH, TRAIN_OPT_SEED,
       TRAIN_OPT_VAL, TRAIN_OPT_PATIENCE, TRAIN_OPT_STD, TRAIN_OPT_NOSTD, TRAIN_OPT_L1, TRAIN_OPT_L2,
       TRAIN_OPT_CLIP, TRAIN_OPT_CLIPV, TRAIN_OPT_INIT, TRAIN_OPT_END };

/* Everything a training run needs besides the model and optimizer: recorded in a saved model's metadata,
 * so that --resume continues the run exactly where it stopped. */
typedef struct train_run {
    const char *data, *sched;
    int epochs, batch, patience, standardize;
    int restore_best;           /* with patience: put back the best epoch's weights at the end */
    int stopped;                /* the run ended by early stopping: resuming it has nothing to do */
    const char *opt;            /* the --opt given, to tell a re-run of the same command from a change */
    uint64_t seed;
    double val, l1, l2, clip_norm, clip_value;
    nn_init init;               /* --init: of every dense and maxout layer that names none */
    int next_epoch, next_batch; /* where the run continues */
    int rows, cols;
    uint64_t hash; /* of the data's values, to warn when a resume trains on other data */
} train_run;

/* The metadata nnlab train saves in r's model trained on d: r's record (with d's rows, columns and hash),
 * then d's class names. The caller frees it; NULL when out of memory (nothing printed). */
char *train_run_meta(const train_run *r, const nn_dataset *d);

/* Loads the run saved in path for --resume: *m, *opt, the record *r, whose strings point into *meta. The
 * caller frees *m, *opt and *meta, also on failure. CLI_OK, or CLI_ERR after printing why. */
int train_run_load(const char *path, nn_model **m, nn_optim **opt, train_run *r, char **meta);

/* Whether d is the data the record r was trained on (same rows, same values and labels). */
int train_run_same_data(const train_run *r, const nn_dataset *d);

/* With --resume, a setting of the record rec may be given again but not changed: given holds the command
 * line's values (arch and loss those not in a train_run), bit c - TRAIN_OPT_ARCH of given_opts says option c
 * was given, m is the resumed model. 0, or the code of the first given option that differs. */
int train_run_changed(const train_run *given, unsigned given_opts, const char *arch, nn_loss loss,
                      const train_run *rec, const nn_model *m);

#endif
