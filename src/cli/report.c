/* report.c: the columns of compare's table, the sentences that state its protocol and its failures, the table on
 * stdout and results.csv. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"

const struct report_column report_columns[NCOLS] = {
    {"activation", "The activation function put in place of every <code>ACT</code> of the architecture."},
    {"group", "Rank group: 1 is the row with the best mean accuracy and every row a paired t-test (5%) cannot tell "
              "apart from it; 2 is the best of the rest with its ties, and so on. Rows of one group are tied."},
    {"p_vs_best", "p-value of the paired t-test (over seeds) of the row's accuracy against the best row's; below 0.05 "
                  "the difference is significant. - for the best row, or with one seed."},
    {"lr", "The learning rate of the row's runs: the one --tune-lr chose for it, or the optimizer's."},
    {"ok", "Runs that trained every epoch with a finite loss, of the seeds asked for."},
    {"diverged", "Runs whose loss became non-finite. They still count in every column, scored with their last finite "
                 "parameters."},
    {"train_acc", "Accuracy of the final model on the training part, inference mode: mean &plusmn; 95% interval."},
    {"val_acc", "Accuracy of the final model on the held-out validation part (split with each seed): mean &plusmn; 95% "
                "interval (Student t over seeds). The rank groups are formed on it."},
    {"train_loss", "Cross-entropy of the final model on the training part: mean &plusmn; 95% interval."},
    {"val_loss", "Cross-entropy of the final model on the validation part. A val_loss far above train_loss means over-fitting."},
    {"epochs_to_target", "First epoch whose validation accuracy reaches the target, averaged over the seeds that reached it "
                         "(how many did, in parentheses, when not all); - if none did. Lower means faster learning."},
    {"ms_per_epoch", "Mean wall time of one epoch in milliseconds, validation included. Runs share the cores, so compare "
                     "these with each other rather than with a lone run."},
    {"dead_frac", "Fraction of hidden units (outputs of the activation layers) that are exactly 0 for every training "
                  "row after training: units that no longer learn (dying ReLU)."},
    {"grad_ratio", "Gradient norm of the first dense layer divided by that of the last, on one training batch after "
                   "training. Far below 1: gradients vanish on their way to the input; far above: they explode."},
    {"act_mean", "Mean of each hidden activation layer's outputs over the training part (layers separated by /). "
                 "Self-normalising functions (SELU) keep it near 0."},
    {"act_std", "Standard deviation of each hidden activation layer's outputs; near 1 in every layer means the signal "
                "neither shrinks nor grows with depth."},
};

static void fmt_num(char *buf, size_t size, double v, const char *fmt)
{
    if (isfinite(v)) snprintf(buf, size, fmt, v);
    else snprintf(buf, size, "-");
}

/* The first column names what the rows vary: activations, or variants (optimizer and remedies). */
const char *report_col_name(const cmp_task *t, int c) { return c == 0 && t->variants ? "variant" : report_columns[c].name; }

/* "mean pm ci"; one run has no interval: "mean pm -", never a spread of 0. */
static void stat_cell(const cmp_stat *st, const char *fmt, const char *pm, char *buf, size_t size)
{
    char m[32], ci[32];
    if (!st->n) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(m, sizeof m, fmt, st->mean);
    fmt_num(ci, sizeof ci, st->ci, fmt);
    snprintf(buf, size, "%s%s%s", m, pm, ci);
}

static void layers_cell(const cmp_task *t, const cmp_stat *v, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int h = 0; h < t->nhid && k < size; h++) {
        char one[32];
        fmt_num(one, sizeof one, v[h].mean, fabs(v[h].mean) < 1e4 ? "%.2f" : "%.2g");
        k += (size_t)snprintf(buf + k, size - k, "%s%s", h ? "/" : "", one);
    }
    if (!t->nhid) snprintf(buf, size, "-");
}

void report_cell(const cmp_task *t, const cmp_act *A, int col, const char *pm, char *buf, size_t size)
{
    switch (col) {
    case COL_ACT: snprintf(buf, size, "%s", A->spec); return;
    case COL_GROUP: snprintf(buf, size, "%d", A->group); return;
    case COL_P: fmt_num(buf, size, A->p_best, A->p_best < 0.001 ? "%.0e" : "%.3f"); return;
    case COL_LR: fmt_num(buf, size, A->lr, "%g"); return;
    case COL_OK: snprintf(buf, size, "%d/%d", A->ok, t->nseeds); return;
    case COL_DIVERGED: snprintf(buf, size, "%d/%d", A->diverged, t->nseeds); return;
    case COL_TRAIN_ACC: stat_cell(&A->train_acc, "%.4f", pm, buf, size); return;
    case COL_VAL_ACC: stat_cell(&A->val_acc, "%.4f", pm, buf, size); return;
    /* Losses span decades (1e-4 .. 10): significant digits say more than fixed decimals. */
    case COL_TRAIN_LOSS: stat_cell(&A->train_loss, "%.3g", pm, buf, size); return;
    case COL_VAL_LOSS: stat_cell(&A->val_loss, "%.3g", pm, buf, size); return;
    case COL_TARGET:
        if (!A->reached) snprintf(buf, size, "-");
        else if (A->reached < A->nruns) snprintf(buf, size, "%.1f (%d/%d)", A->epochs_to_target.mean, A->reached, A->nruns);
        else snprintf(buf, size, "%.1f", A->epochs_to_target.mean);
        return;
    case COL_MS: fmt_num(buf, size, A->ms_epoch.mean, "%.2f"); return;
    case COL_DEAD: fmt_num(buf, size, A->dead.mean, "%.3f"); return;
    case COL_GRAD: fmt_num(buf, size, A->grad_ratio.mean, "%.3g"); return;
    case COL_HMEAN: layers_cell(t, A->h_mean, buf, size); return;
    case COL_HSTD: layers_cell(t, A->h_std, buf, size); return;
    default: buf[0] = '\0'; return;
    }
}

int report_same_grid(const cmp_task *t)
{
    for (int a = 1; a < t->nacts; a++)
        for (int g = 0; g < t->ngrid; g++)
            if (t->acts[a].tune_lr[g] != t->acts[0].tune_lr[g]) return 0;
    return 1;
}

void report_protocol(const cmp_task *t, char *buf, size_t size)
{
    size_t k = 0;
    const char *what = t->variants ? "variant" : "activation";
    if (t->ngrid && !report_same_grid(t)) {
        k += (size_t)snprintf(buf, size, "Each %s's learning rate was chosen from %d multiples of its optimizer's "
                              "rate (results.json lists them", what, t->ngrid);
    } else if (t->ngrid) {
        k += (size_t)snprintf(buf, size, "Each %s's learning rate was chosen from {", what);
        for (int g = 0; g < t->ngrid && k < size; g++)
            k += (size_t)snprintf(buf + k, size - k, "%s%g", g ? ", " : "", t->acts[0].tune_lr[g]);
    }
    if (t->ngrid) {
        if (k < size)
            k += (size_t)snprintf(buf + k, size - k, "%s by mean validation accuracy over tuning seeds %d-%d (%d epochs "
                                  "each), which are not among the reported seeds 1-%d. ", report_same_grid(t) ? "}" : ")", CMP_TUNE_SEED0,
                                  CMP_TUNE_SEED0 + t->tune_seeds - 1, t->tune_epochs, t->nseeds);
    }
    if (k < size)
        snprintf(buf + k, size - k, "Means carry 95%% Student-t intervals over %d seed%s; rows are compared paired by "
                 "seed (same split, initial draw and batch order) with a paired t-test at 5%%: rows in one rank group "
                 "are not significantly different; diverged runs count with their last finite parameters.",
                 t->nseeds, t->nseeds == 1 ? "" : "s");
}

int report_note(const cmp_task *t, const cmp_act *A, char *buf, size_t size)
{
    const cmp_run *first = NULL;
    for (int s = 0; s < t->nseeds && !first; s++)
        if (A->runs[s].diagnosis[0]) first = &A->runs[s];
    if (!first) return 0;
    snprintf(buf, size, "%s: %d/%d run%s flagged; seed %llu %s", A->spec, A->flagged, t->nseeds,
             t->nseeds == 1 ? "" : "s", (unsigned long long)first->seed, first->diagnosis);
    return 1;
}

void report_table(FILE *f, const cmp_task *t)
{
    int w[NCOLS];
    char buf[1024];
    for (int c = 0; c < NCOLS; c++) {
        w[c] = (int)strlen(report_col_name(t, c));
        for (int k = 0; k < t->nacts; k++) {
            report_cell(t, &t->acts[t->order[k]], c, " +- ", buf, sizeof buf);
            if ((int)strlen(buf) > w[c]) w[c] = (int)strlen(buf);
        }
    }
    fprintf(f, "# %s: %d rows, %d features, %d classes; arch %s%s%s; %s %s; %d seed%s x %d epochs, batch %d, val %g; "
               "target acc %g\n",
            t->name, t->rows, t->cols, t->classes, t->arch_template, t->act ? " with ACT=" : "", t->act ? t->act : "",
            t->variants ? "variants" : "opt",
            t->variants ? t->variants : t->opt_spec, t->nseeds, t->nseeds == 1 ? "" : "s", t->epochs, t->batch, t->val,
            t->target);
    report_protocol(t, buf, sizeof buf);
    fprintf(f, "# %s\n", buf);
    for (int c = 0; c < NCOLS; c++) fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], report_col_name(t, c));
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        for (int c = 0; c < NCOLS; c++) {
            report_cell(t, &t->acts[t->order[k]], c, " +- ", buf, sizeof buf);
            fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], buf);
        }
        fputc('\n', f);
    }
    if (t->probe_init) report_depth_table(f, t);
    if (t->winner >= 0) fprintf(f, "# %s is significantly better than every other row\n", t->acts[t->winner].spec);
    else if (t->nacts > 1) fprintf(f, "# no single best: the %d rows of group 1 are tied\n", report_group_size(t, 1));
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        if (report_note(t, A, buf, sizeof buf)) fprintf(f, "# %s\n", buf);
        if (A->incomplete)
            fprintf(f, "# %s: %d run%s interrupted before the last epoch\n", A->spec, A->incomplete,
                    A->incomplete == 1 ? "" : "s");
    }
    if (t->val <= 0) fputs("# no validation part (--val 0): val_* are '-', the target is on training accuracy\n", f);
}

int report_group_size(const cmp_task *t, int g)
{
    int n = 0;
    for (int a = 0; a < t->nacts; a++) n += t->acts[a].group == g;
    return n;
}

/* ---------------------------------------------------------------- CSV */

static void csv_num(FILE *f, double v)
{
    /* An empty cell is what CSV readers take as missing. */
    if (isfinite(v)) fprintf(f, ",%.9g", v);
    else fputc(',', f);
}

static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

FILE *report_open(const cmp_task *t, const char *name, char *path, size_t psize, nn_atomic **tmp)
{
    int n = snprintf(path, psize, "%s/%s", t->dir, name);
    if (n < 0 || (size_t)n >= psize) {
        cli_error("%s/%s: path too long", t->dir, name);
        return NULL;
    }
    return cli_atomic_open(path, tmp);
}

int report_csv(const cmp_task *t)
{
    char path[4200];
    nn_atomic *tmp;
    FILE *f = report_open(t, "results.csv", path, sizeof path, &tmp);
    if (!f) return -1;
    fputs(report_col_name(t, 0), f);
    fputs(",group,p_vs_best,lr,runs,ok,diverged,flagged,train_acc_mean,train_acc_std,train_acc_ci95,val_acc_mean,"
          "val_acc_std,val_acc_ci95,train_loss_mean,train_loss_std,train_loss_ci95,val_loss_mean,val_loss_std,"
          "val_loss_ci95,epochs_to_target_mean,target_reached,ms_per_epoch_mean,"
          "ms_per_epoch_std,dead_frac_mean,dead_frac_std,grad_ratio_mean,grad_ratio_std",
          f);
    for (int h = 0; h < t->nhid; h++) fprintf(f, ",act%d_mean,act%d_std", h + 1, h + 1);
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        csv_str(f, A->spec);
        fprintf(f, ",%d", A->group);
        csv_num(f, A->p_best), csv_num(f, A->lr);
        fprintf(f, ",%d,%d,%d,%d", A->nruns, A->ok, A->diverged, A->flagged);
        const cmp_stat *st[] = {&A->train_acc, &A->val_acc, &A->train_loss, &A->val_loss};
        for (int i = 0; i < 4; i++) csv_num(f, st[i]->mean), csv_num(f, st[i]->std), csv_num(f, st[i]->ci);
        csv_num(f, A->epochs_to_target.mean);
        fprintf(f, ",%d", A->reached);
        csv_num(f, A->ms_epoch.mean), csv_num(f, A->ms_epoch.std);
        csv_num(f, A->dead.mean), csv_num(f, A->dead.std);
        csv_num(f, A->grad_ratio.mean), csv_num(f, A->grad_ratio.std);
        for (int h = 0; h < t->nhid; h++) csv_num(f, A->h_mean[h].mean), csv_num(f, A->h_std[h].mean);
        fputc('\n', f);
    }
    return cli_atomic_commit(tmp);
}

static const char *const depth_key[CMP_NDEPTH] = {"mean", "std", "dead", "grad"};
static const char *const depth_what[CMP_NDEPTH] = {"mean of each activation layer's outputs",
                                                   "standard deviation of each activation layer's outputs",
                                                   "fraction of dead units per activation layer",
                                                   "gradient norm of each dense layer (one batch)"};

int report_depth_base(int k, int trained, char *buf, size_t size)
{
    return snprintf(buf, size, "depth_%s_%s", depth_key[k], trained ? "trained" : "init");
}

const char *report_depth_key(int k) { return depth_key[k]; }
const char *report_depth_what(int k) { return depth_what[k]; }

/* The depth lesson's numbers per row: gradient ratio and dead units, and the std of the first and last activation
 * layer, at initialisation and after training (means over the seeds). */
static void depth_row(const cmp_task *t, const cmp_act *A, double *v)
{
    int last = t->nhid - 1;
    v[0] = A->grad_ratio_init.mean, v[1] = A->grad_ratio.mean, v[2] = A->dead_init.mean, v[3] = A->dead.mean;
    v[4] = last >= 0 ? A->depth[0][CMP_D_STD][0] : NAN, v[5] = last >= 0 ? A->depth[0][CMP_D_STD][last] : NAN;
    v[6] = last >= 0 ? A->depth[1][CMP_D_STD][0] : NAN, v[7] = last >= 0 ? A->depth[1][CMP_D_STD][last] : NAN;
}

const char *const report_depth_cols[REPORT_NDEPTH_COLS] = {
    "grad_ratio_init", "grad_ratio_trained", "dead_init", "dead_trained",
    "std_first_init",  "std_last_init",      "std_first_trained", "std_last_trained"};

void report_depth_cell(const cmp_task *t, const cmp_act *A, int c, char *buf, size_t size)
{
    double v[REPORT_NDEPTH_COLS];
    depth_row(t, A, v);
    fmt_num(buf, size, v[c], c < 2 ? "%.3g" : c < 4 ? "%.3f" : "%.3g");
}

void report_depth_table(FILE *f, const cmp_task *t)
{
    char buf[64];
    fputs("# depth lesson: per row, at initialisation (init) and after training (trained), means over seeds\n", f);
    fprintf(f, "%-12s", report_col_name(t, 0));
    for (int c = 0; c < REPORT_NDEPTH_COLS; c++) fprintf(f, "  %18s", report_depth_cols[c]);
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        fprintf(f, "%-12s", A->spec);
        for (int c = 0; c < REPORT_NDEPTH_COLS; c++) {
            report_depth_cell(t, A, c, buf, sizeof buf);
            fprintf(f, "  %18s", buf);
        }
        fputc('\n', f);
    }
}
