/* compare.h: the pieces of nnlab compare and how they meet: options (compare_opts.c), tasks (compare_task.c), the
 * runner (compare_run.c), the probes (compare_probe.c), the aggregation (compare_stats.c), the charts
 * (compare_charts.c); the command itself is compare.c, the report files report.c. */
#ifndef NNLAB_CLI_COMPARE_H
#define NNLAB_CLI_COMPARE_H

#include <pthread.h>
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
    const char *lr_grid; /* --lr-grid as given, or NULL for the optimizer's default grid */
    const char *lesson;  /* --lesson NAME, or NULL */
    int seeds, epochs, batch, threads;
    int epochs_set, acts_set, seeds_set, tmpl_set, opt_set; /* given on the command line */
    int tune;            /* --tune-lr: 1 on, 0 off, -1 default (on for the suite) */
    int tune_seeds;
    int probe_init;      /* measure every layer at initialisation too (--lesson) */
    int no_timing;       /* --no-timing: wall times are not recorded (reports equal byte for byte) */
    uint64_t seed0;      /* the first seed (1; CMP_TUNE_SEED0 for tuning tasks) */
    nn_init init;        /* --init: of every dense and maxout layer that names none (NN_INIT_AUTO) */
    double val, target;
} cmp_settings;

/* --lesson deep: the depth and width of its MLP. */
#define CMP_DEEP_LAYERS 16
#define CMP_DEEP_WIDTH 64

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

/* The runs of a task in training: jobs (row x seed, seed-major) taken by `workers` threads (compare_run.c) and,
 * under mpirun, handed out over the ranks (compare_dist.c). mu guards next, done, workers, finished, reported,
 * epochs_done and the fields from queue on. */
typedef struct cmp_pool {
    cmp_task *t;
    const nn_dataset *d;
    cmp_grid g;          /* boundary area and pictures (g.bnd NULL unless 2-D) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int next, total, done, workers;
    char *finished;      /* per job: run_one returned */
    char *reported;      /* per job: progress line printed (rank 0), result sent (other ranks) */
    long epochs_done, epochs_total;
    double t0;
    int tty, bar;
    int dist;            /* the jobs are spread over several ranks */
    int *queue, qhead, qtail; /* ranks above 0: jobs rank 0 gave this rank, not yet taken (total of them at most) */
    int idle;            /* ranks above 0: threads waiting for a job */
    int asked, no_more;  /* ranks above 0: a request is out; rank 0 has no more jobs */
    int byes;            /* rank 0: ranks that have sent all their results; the others: 1 once they have */
} cmp_pool;

/* Under mpirun (compare_dist.c): the next job of a thread on a rank above 0, from rank 0, or -1 when there is none
 * (waits on p->cv; p->mu held). cmp_dist_serve is the main thread's part, called with p->mu held (it unlocks
 * while it talks): rank 0 answers requests and takes in results, the others ask for jobs and send their results;
 * 1 while this rank still has to take part. cmp_dist_share gives every rank rank 0's results of all runs of t (a
 * collective). 0, or -1 out of memory or when MPI fails (printed). */
int cmp_dist_take(cmp_pool *p);
int cmp_dist_serve(cmp_pool *p);
int cmp_dist_share(cmp_task *t);

/* Trains every run of t on d with `workers` threads, then writes the table and the report into t->dir.
 * CLI_OK or CLI_ERR (printed). */
int cmp_task_run(cmp_task *t, const nn_dataset *d, int workers);
/* Trains every run of t (no pictures, no report) and summarises them (cmp_aggregate). CLI_OK or CLI_ERR (printed). */
int cmp_task_train(cmp_task *t, const nn_dataset *d, int workers);

/* Probes of a trained model (compare_probe.c). nhid: hidden activation layers measured. */
nn_status cmp_probe_units(nn_model *m, const nn_dataset *tr, int nhid, cmp_layers *L);
nn_status cmp_probe_grads(nn_model *m, const nn_dataset *tr, int batch, cmp_layers *L);
nn_status cmp_draw_boundary(const cmp_grid *g, nn_model *m, const nn_dataset *tr, cmp_boundary *b);
/* 1 if layer i of m is an activation layer (its outputs are "hidden units"), a dense layer. The kind names stand in
 * for a layer-property query the library does not have yet. */
int cmp_is_act_layer(const nn_model *m, int i);
int cmp_is_dense_layer(const nn_model *m, int i);

/* The significance level of the paired test that forms the rank groups. */
#define CMP_ALPHA 0.05

/* Summaries over seeds, diagnoses, then the rank groups and the order of the rows (compare_stats.c). 0, or -1 out
 * of memory. */
int cmp_aggregate(cmp_task *t);
int cmp_sort_acts(cmp_task *t);
int cmp_better(const cmp_task *t, const cmp_act *a, const cmp_act *b);
/* 1 if run r counts in the statistics; r's ranking accuracy (NaN if it does not count). */
int cmp_run_counts(const cmp_run *r);
double cmp_primary(const cmp_task *t, const cmp_run *r);

/* loss, accuracy and boundary charts of t (compare_charts.c); 0 or -1 (printed). */
int cmp_write_charts(cmp_task *t, const cmp_grid *g, const nn_dataset *d, int jobs);

/* --tune-lr (compare_tune.c). */
#define CMP_MAX_GRID 16
/* Parses --lr-grid into grid (at most max rates, *count of them). CLI_OK or CLI_USAGE (printed). */
int cmp_parse_grid(const char *list, double *grid, int max, int *count);
/* spec with its learning rate set to lr (canonical form) into buf; 0, or -1 (bad spec, too long). */
int cmp_opt_with_lr(const char *spec, double lr, char *buf, size_t size);
/* Chooses every row's rate of t on tuning runs (seeds CMP_TUNE_SEED0.., half the epochs) and sets the rows'
 * optimizer, lr and tuning results. CLI_OK, or CLI_ERR / CLI_USAGE (printed). */
int cmp_tune(cmp_task *t, const cmp_settings *o, const cmp_act_list *acts, const variant_list *vars,
             const nn_dataset *d, int workers);

/* The depth lesson's charts (probe_init): per measure CMP_D_*, at initialisation and after training. */
int cmp_write_depth_charts(const cmp_task *t, char (*bases)[4300], int *nb);

/* n NaNs (at least one element), or NULL. */
double *cmp_new_reals(int n);

#endif
