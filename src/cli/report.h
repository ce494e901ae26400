/* report.h: the results of one nnlab compare task and the writers of its table (report.c), results.csv, results.json (report_json.c) and HTML pages (report_html.c). */
#ifndef NNLAB_CLI_REPORT_H
#define NNLAB_CLI_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "cli.h"
#include "stats.h"

/* Mean, standard deviation and 95% interval over the runs where the value is finite (n of them). */
typedef stats_summary cmp_stat;

enum { CMP_RUN_NONE = 0, CMP_RUN_OK, CMP_RUN_INTERRUPTED, CMP_RUN_DIVERGED, CMP_RUN_FAILED };

/* The hidden layers of one model: per activation layer (nhid) the mean and standard deviation of its outputs over
 * the training part and the fraction of its units that are 0 for every row; per dense layer (ngrad) the gradient
 * norm on one batch. */
typedef struct cmp_layers {
    double *mean, *std, *dead; /* nhid each */
    double *grad;              /* ngrad, first dense layer to last */
    int ngrad;
    double dead_all;           /* fraction of all hidden units that are dead */
    double grad_ratio;         /* |grad first dense| / |grad last dense| */
} cmp_layers;

/* One activation trained with one seed. */
typedef struct cmp_run {
    uint64_t seed;
    int state;              /* CMP_RUN_*; NONE: never started (Ctrl-C) */
    char error[256];        /* why a run failed or diverged */
    char diagnosis[320];    /* cli_diagnose_run's line when the run diverged or collapsed, else "" */
    nn_history hist;        /* complete epochs (a diverged run's last epoch is not in it) */
    double train_loss, train_acc;  /* of the final (last finite) parameters on the training part, inference mode */
    double val_loss, val_acc;      /* ... on the validation part (NaN without one) */
    int epochs_to_target;          /* first epoch (from 1) reaching the target accuracy; 0 never */
    double ms_epoch;               /* mean wall time of an epoch, validation included */
    cmp_layers after;              /* hidden layers after training */
    cmp_layers init;               /* the same at initialisation (with --lesson; else NULL arrays, NaN) */
} cmp_run;

/* One activation over all seeds. */
typedef struct cmp_act {
    char spec[256];  /* as given on the command line */
    char file[96];   /* file-name-safe form, for boundary_<file>.* */
    char arch[2048]; /* the template with this activation (and a variant's layers) */
    char opt[512];   /* optimizer spec of the runs (with the tuned rate under --tune-lr) */
    double lr;       /* the optimizer's learning rate */
    double *tune_lr, *tune_acc, *tune_loss; /* --tune-lr: per rate tried, the mean validation accuracy and loss of its tuning runs */
    double clip_norm, clip_value, l1, l2; /* a variant's remedies (0: off) */
    cmp_run *runs;   /* nseeds */
    int nruns;       /* runs that count in the statistics (trained, diverged ones included) */
    int ok;          /* runs that trained every epoch with a finite loss */
    int diverged, incomplete, flagged; /* flagged: runs with a diagnosis */
    cmp_stat train_acc, val_acc, train_loss, val_loss, ms_epoch, dead, grad_ratio, epochs_to_target;
    int reached;     /* counted runs that reached the target */
    int group;       /* rank group (1: the best and those tied with it) */
    double p_best;   /* paired t-test p-value against the best row (NaN for the best) */
    cmp_stat *h_mean, *h_std; /* nhid */
    double *depth[2][4];    /* with probe_init: [0 at initialisation, 1 after training][CMP_D_*], mean over runs per layer */
    cmp_stat grad_ratio_init, dead_init; /* with probe_init: the same measures at initialisation */
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
    int nacts, nhid, ndense; /* rows; hidden activation layers and dense layers (the fewest of any row) */
    cmp_act *acts;
    int *order;            /* acts by rank group, best mean first within a group */
    int ngroups;           /* rank groups */
    int winner;            /* the row significantly better than every other, or -1 */
    int probe_init;        /* measure the layers at initialisation too (--lesson) */
    int quick;             /* no probes, pictures or reports: a tuning task */
    int no_timing;         /* --no-timing: every wall time (ms_epoch, epoch seconds, seconds) is NaN */
    int ngrid;             /* --tune-lr: rates tried per row (0: not tuned); the rates are the rows' tune_lr */
    int tune_seeds, tune_epochs;
    double tune_seconds;   /* wall time of the tuning runs */ /* tuning seeds CMP_TUNE_SEED0 .. + tune_seeds - 1, epochs of a tuning run */
    int interrupted;       /* Ctrl-C cut the task short */
    int failed;            /* runs that failed */
    int charts;            /* 0 not rendered (gnuplot missing or failed), 1 .svg/.png exist */
    double seconds;        /* wall time of the task */
} cmp_task;

/* The per-layer measures of the depth lesson: activation mean, std, dead fraction (per activation layer), gradient
 * norm (per dense layer). */
enum { CMP_D_MEAN, CMP_D_STD, CMP_D_DEAD, CMP_D_GRAD, CMP_NDEPTH };

/* The first tuning seed: far above any reported seed (--seeds is at most 1000), so the two sets never meet. */
#define CMP_TUNE_SEED0 1001

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
enum { COL_ACT, COL_GROUP, COL_P, COL_LR, COL_OK, COL_DIVERGED, COL_TRAIN_ACC, COL_VAL_ACC, COL_TRAIN_LOSS, COL_VAL_LOSS, COL_TARGET, COL_MS, COL_DEAD,
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
/* The protocol in words (tuning, intervals, paired test, failures), one paragraph for the table and the report. */
void report_protocol(const cmp_task *t, char *buf, size_t size);
/* 1 with a line in buf when some of A's runs diverged or collapsed (count, the first such seed, its diagnosis). */
int report_note(const cmp_task *t, const cmp_act *A, char *buf, size_t size);
/* 1 if every row tried the same rates under --tune-lr. */
int report_same_grid(const cmp_task *t);
/* The depth lesson's chart of measure k (CMP_D_*): its base name depth_KEY_init or depth_KEY_trained, its key, what it
 * shows. */
int report_depth_base(int k, int trained, char *buf, size_t size);
const char *report_depth_key(int k);
const char *report_depth_what(int k);
/* The depth lesson's table (with probe_init): its columns, a cell, the whole table on f. */
#define REPORT_NDEPTH_COLS 8
extern const char *const report_depth_cols[REPORT_NDEPTH_COLS];
void report_depth_cell(const cmp_task *t, const cmp_act *A, int c, char *buf, size_t size);
void report_depth_table(FILE *f, const cmp_task *t);
/* Rows in rank group g. */
int report_group_size(const cmp_task *t, int g);

#endif
