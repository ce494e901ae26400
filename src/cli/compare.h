/* compare.h: the pieces of nnlab compare and how they meet: options (compare_opts.c), tasks (compare_task.c), the
 * runner (compare_run.c), the probes (compare_probe.c), the aggregation (compare_stats.c), the charts
 * (compare_charts.c); the command itself is compare.c, the report files report.c. */
#ifndef NNLAB_CLI_COMPARE_H
#define NNLAB_CLI_COMPARE_H

#include <signal.h>
#include "cli.h"
#include "report.h"
#include "variants.h"

#define CMP_DEFAULT_TEMPLATE "dense:32,ACT,dense:32,ACT,dense:C"
#define CMP_DEFAULT_ACTS "relu,leaky_relu,prelu,elu,selu,gelu,silu,tanh,sigmoid"
#define CMP_GRID 160 /* boundary image: CMP_GRID x CMP_GRID pixels */

/* What the command line asked for. */
typedef struct cmp_settings {
    const char *data, *acts, *tmpl, *opt, *out, *variants;
    int seeds, epochs, batch, threads, epochs_set, acts_set;
    double val, target;
} cmp_settings;

/* Parses compare's command line into *o (defaults first). CLI_OK; CLI_OK with *help set after printing
 * --help; or CLI_USAGE after printing the error. */
int cmp_parse_args(int argc, char **argv, cmp_settings *o, int *help);

/* The activations of --acts, each a full spec ("elu:alpha=0.5"). */
typedef struct cmp_act_list {
    int n;
    char (*spec)[256];
} cmp_act_list;

/* Splits and checks --acts; out->spec is allocated (caller frees, also on error). CLI_OK, or CLI_USAGE / CLI_ERR
 * after printing the error. */
int cmp_parse_acts(const char *list, cmp_act_list *out);

/* Set by Ctrl-C (compare_run.c): every run stops after its current batch, no new run starts. */
extern volatile sig_atomic_t cmp_stop_flag;
/* Installs compare's Ctrl-C handler (a second Ctrl-C kills). */
void cmp_install_sigint(void);

/* The task with every activation's architecture checked against the data: usage errors surface here, before
 * any training. NULL with *rc the exit status after printing the error. */
cmp_task *cmp_task_new(const cmp_settings *o, const char *name, const char *data, const nn_dataset *d,
                       const cmp_act_list *acts, const variant_list *vars, const char *dir, int *rc);
void cmp_task_free(cmp_task *t);
/* Creates path and its parents as needed; 0, or -1 after printing the error. */
int cmp_mkdirs(const char *path);

/* A decision-boundary picture of one activation's first seed, for 2-D data. */
typedef struct cmp_boundary {
    unsigned char *rgb; /* CMP_GRID x CMP_GRID, row 0 at the bottom */
    double *px, *py;    /* the first seed's training points */
    int *pc, np;
} cmp_boundary;

/* The area every boundary picture of a task covers, and the pictures (per activation; NULL unless 2-D). */
typedef struct cmp_grid {
    double x0, x1, y0, y1;
    cmp_boundary *bnd;
} cmp_grid;

/* Trains every run of t on d with `workers` threads, then writes the table and the report into t->dir.
 * CLI_OK or CLI_ERR (printed). */
int cmp_task_run(cmp_task *t, const nn_dataset *d, int workers);

/* Probes of a trained model (compare_probe.c). nhid: hidden activation layers measured. */
nn_status cmp_probe_units(nn_model *m, const nn_dataset *tr, cmp_run *r, int nhid);
nn_status cmp_probe_grads(nn_model *m, const nn_dataset *tr, int batch, cmp_run *r);
nn_status cmp_draw_boundary(const cmp_grid *g, nn_model *m, const nn_dataset *tr, cmp_boundary *b);
/* 1 if layer i of m is an activation layer (its outputs are "hidden units"). */
int cmp_is_act_layer(const nn_model *m, int i);

/* Summaries over seeds and the order of the rows (compare_stats.c). 0, or -1 out of memory. */
int cmp_aggregate(cmp_task *t);
void cmp_sort_acts(cmp_task *t);

/* loss, accuracy and boundary charts of t (compare_charts.c); 0 or -1 (printed). */
int cmp_write_charts(cmp_task *t, const cmp_grid *g, const nn_dataset *d, int jobs);

/* n NaNs (at least one element), or NULL. */
double *cmp_new_reals(int n);

#endif
