/* report.h: the results of one nnlab compare task and the writers of its table (report.c), results.csv, results.json (report_json.c) and HTML pages (report_html.c). */
#ifndef NNLAB_CLI_REPORT_H
#define NNLAB_CLI_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "cli.h"

/* Mean and sample standard deviation over the runs where the value is finite (n of them). */
typedef struct cmp_stat {
    double mean, std;
    int n;
} cmp_stat;

enum { CMP_RUN_NONE = 0, CMP_RUN_OK, CMP_RUN_INTERRUPTED, CMP_RUN_DIVERGED, CMP_RUN_FAILED };

/* One activation trained with one seed. */
typedef struct cmp_run {
    uint64_t seed;
    int state;              /* CMP_RUN_*; NONE: never started (Ctrl-C) */
    char error[256];        /* why a run failed or diverged */
    nn_history hist;
    double train_loss, train_acc;  /* of the final model on the training part, inference mode */
    double val_loss, val_acc;      /* of the final model on the validation part (NaN without one) */
    int epochs_to_target;          /* first epoch (from 1) reaching the target accuracy; 0 never */
    double ms_epoch;               /* mean wall time of an epoch, validation included */
    double dead;                   /* fraction of hidden units that output 0 for every training row */
    double grad_ratio;             /* |grad first dense| / |grad last dense| on one batch */
    double *h_mean, *h_std, *h_dead; /* per hidden activation layer */
} cmp_run;

/* One activation over all seeds. */
typedef struct cmp_act {
    char spec[256];  /* as given on the command line */
    char file[96];   /* file-name-safe form, for boundary_<file>.* */
    char arch[2048]; /* the template with this activation (and a variant's layers) */
    char opt[512];   /* optimizer spec of the runs */
    double clip_norm, clip_value, l1, l2; /* a variant's remedies (0: off) */
    cmp_run *runs;   /* nseeds */
    int nruns;       /* runs that count (trained at least one epoch) */
    int diverged, incomplete;
    cmp_stat train_acc, val_acc, train_loss, val_loss, ms_epoch, dead, grad_ratio, epochs_to_target;
    int reached;     /* counted runs that reached the target */
    cmp_stat *h_mean, *h_std; /* nhid */
    double *curve_val_loss, *curve_val_acc, *curve_loss, *curve_acc; /* mean over runs per epoch (NaN: none) */
    int boundary;    /* boundary_<file>.* written */
} cmp_act;

typedef struct cmp_task {
    char name[128];        /* task name: the bundled name or the data file's base name */
    const char *data;      /* --data as given (or generator description) */
    char dir[4096];        /* output directory */
    int rows, cols, classes;
    const char *arch_template, *opt_spec;
    const char *variants;  /* --variants as given: rows are variants rather than activations; or NULL */
    const char *act;       /* with variants: the one activation of every row, or NULL (rows name theirs) */
    int epochs, batch, nseeds;
    double val, target;
    int nacts, nhid;
    cmp_act *acts;
    int *order;            /* acts sorted best first */
    int interrupted;       /* Ctrl-C cut the task short */
    int failed;            /* runs that failed */
    int charts;            /* 0 not rendered (gnuplot missing or failed), 1 .svg/.png exist */
    double seconds;        /* wall time of the task */
} cmp_task;

/* The table on stdout (or any f): one row per activation, best first, with a line per column explained
 * in docs/compare.md. */
void report_table(FILE *f, const cmp_task *t);
/* results.csv, results.json and index.html in t->dir. 0 or -1 after printing the error. */
int report_csv(const cmp_task *t);
int report_json(const cmp_task *t);
int report_html(const cmp_task *t);
/* The suite's top index.html in dir, linking each task's sub-report <task name>/index.html. */
int report_suite_html(const char *dir, const cmp_task *const *tasks, int n, int interrupted);

/* Shared by the report writers (report.c, report_json.c, report_html.c). */

/* The table's columns, in order; the same names head the stdout table, the HTML table and (with _mean / _std)
 * results.csv, and docs/compare.md defines each. */
enum { COL_ACT, COL_RUNS, COL_TRAIN_ACC, COL_VAL_ACC, COL_TRAIN_LOSS, COL_VAL_LOSS, COL_TARGET, COL_MS, COL_DEAD,
       COL_GRAD, COL_HMEAN, COL_HSTD, NCOLS };
struct report_column {
    const char *name;
    const char *help; /* HTML, one sentence or two */
};
extern const struct report_column report_columns[NCOLS];
/* Column c's name for t (the first names what the rows vary: activation or variant). */
const char *report_col_name(const cmp_task *t, int c);
/* One table cell; pm is the mean/spread separator ("+-" on a terminal, "±" in HTML). */
void report_cell(const cmp_task *t, const cmp_act *A, int col, const char *pm, char *buf, size_t size);
/* A file `name` in t->dir opened atomically (cli_atomic_open); NULL after printing the error. */
FILE *report_open(const cmp_task *t, const char *name, char *path, size_t psize, nn_atomic **tmp);

#endif
