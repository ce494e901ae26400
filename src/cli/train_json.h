/* train_json.h: nnlab train's --json document (train_json.c), apart from the command (train.c) so that the
 * document's layout reads in one place. The JSON primitives it is built from are cli.h's js_*. */
#ifndef NNLAB_CLI_TRAIN_JSON_H
#define NNLAB_CLI_TRAIN_JSON_H

#include <stdint.h>
#include <stdio.h>
#include "cli.h"

/* What the document reports: a finished (or interrupted) run's settings and results. */
typedef struct train_json_run {
    const char *data;        /* --data as given */
    const nn_dataset *d;     /* the whole data set: rows, features, class names */
    const nn_model *m;       /* the trained model: its spec, loss and classes */
    const char *opt;         /* the optimizer spec */
    nn_init init;
    uint64_t seed;
    int batch;
    double val;              /* the validation fraction */
    int epochs;              /* epochs the whole run has done, a resumed run's earlier ones included */
    int first_epoch;         /* from 1: the first epoch this process trained (above 1 when resumed) */
    int interrupted;         /* Ctrl-C stopped the run */
    const nn_history *hist;  /* the epochs this process trained */
    const char *model;       /* where the model was saved, or NULL */
    double final[4];         /* of the final model: training loss and accuracy, validation loss and accuracy */
    int classify;            /* accuracy means something (cli_scores_accuracy); else no accuracy members */
    int has_val;             /* a validation part exists; else the validation members are null */
} train_json_run;

/* Writes r as one JSON document (schema in docs/cli.md#json-output) on f and flushes f. */
void train_json_write(FILE *f, const train_json_run *r);

#endif
