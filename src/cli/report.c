/* report.c: the columns of compare's table, the table on stdout and results.csv. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"

const struct report_column report_columns[NCOLS] = {
    {"activation", "The activation function put in place of every <code>ACT</code> of the architecture."},
    {"runs", "Seeds whose run trained at least one epoch (and counts in the averages)."},
    {"train_acc", "Accuracy of the final model on the training part, inference mode: mean &plusmn; std over seeds."},
    {"val_acc", "Accuracy of the final model on the held-out validation part (split with each seed); the table is sorted by its mean."},
    {"train_loss", "Cross-entropy of the final model on the training part."},
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

/* One table cell; pm is the mean/std separator ("+-" on a terminal, "±" in HTML). */
/* The first column names what the rows vary: activations, or variants (optimizer and remedies). */
const char *report_col_name(const cmp_task *t, int c) { return c == 0 && t->variants ? "variant" : report_columns[c].name; }

void report_cell(const cmp_task *t, const cmp_act *A, int col, const char *pm, char *buf, size_t size)
{
    const cmp_stat *st = NULL;
    const char *fmt = "%.4f";
    switch (col) {
    case COL_ACT: snprintf(buf, size, "%s", A->spec); return;
    case COL_RUNS: snprintf(buf, size, "%d/%d", A->nruns, t->nseeds); return;
    case COL_TRAIN_ACC: st = &A->train_acc; break;
    case COL_VAL_ACC: st = &A->val_acc; break;
    case COL_TRAIN_LOSS: st = &A->train_loss; break;
    case COL_VAL_LOSS: st = &A->val_loss; break;
    case COL_TARGET:
        if (!A->reached) snprintf(buf, size, "-");
        else if (A->reached < A->nruns) snprintf(buf, size, "%.1f (%d/%d)", A->epochs_to_target.mean, A->reached, A->nruns);
        else snprintf(buf, size, "%.1f", A->epochs_to_target.mean);
        return;
    case COL_MS: fmt_num(buf, size, A->ms_epoch.mean, "%.2f"); return;
    case COL_DEAD: fmt_num(buf, size, A->dead.mean, "%.3f"); return;
    case COL_GRAD: fmt_num(buf, size, A->grad_ratio.mean, "%.3g"); return;
    case COL_HMEAN:
    case COL_HSTD: {
        size_t k = 0;
        buf[0] = '\0';
        for (int h = 0; h < t->nhid && k < size; h++) {
            double v = col == COL_HMEAN ? A->h_mean[h].mean : A->h_std[h].mean;
            char one[32];
            fmt_num(one, sizeof one, v, fabs(v) < 1e4 ? "%.2f" : "%.2g");
            k += (size_t)snprintf(buf + k, size - k, "%s%s", h ? "/" : "", one);
        }
        if (!t->nhid) snprintf(buf, size, "-");
        return;
    }
    default: buf[0] = '\0'; return;
    }
    if (col == COL_TRAIN_LOSS || col == COL_VAL_LOSS) fmt = "%.3g";
    /* Losses span decades (1e-4 .. 10): significant digits say more than fixed decimals. */
    if (!st->n) {
        snprintf(buf, size, "-");
    } else {
        char m[32], sd[32];
        snprintf(m, sizeof m, fmt, st->mean);
        snprintf(sd, sizeof sd, fmt, st->std);
        snprintf(buf, size, "%s%s%s", m, pm, sd);
    }
}

void report_table(FILE *f, const cmp_task *t)
{
    int w[NCOLS];
    char buf[512];
    for (int c = 0; c < NCOLS; c++) {
        w[c] = (int)strlen(report_col_name(t, c));
        for (int k = 0; k < t->nacts; k++) {
            report_cell(t, &t->acts[t->order[k]], c, "+-", buf, sizeof buf);
            if ((int)strlen(buf) > w[c]) w[c] = (int)strlen(buf);
        }
    }
    fprintf(f, "# %s: %d rows, %d features, %d classes; arch %s%s%s; %s %s; %d seed%s x %d epochs, batch %d, val %g; "
               "target acc %g\n",
            t->name, t->rows, t->cols, t->classes, t->arch_template, t->act ? " with ACT=" : "", t->act ? t->act : "",
            t->variants ? "variants" : "opt",
            t->variants ? t->variants : t->opt_spec, t->nseeds, t->nseeds == 1 ? "" : "s", t->epochs, t->batch, t->val,
            t->target);
    for (int c = 0; c < NCOLS; c++) fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], report_col_name(t, c));
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        for (int c = 0; c < NCOLS; c++) {
            report_cell(t, &t->acts[t->order[k]], c, "+-", buf, sizeof buf);
            fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], buf);
        }
        fputc('\n', f);
    }
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        if (A->diverged)
            fprintf(f, "# %s: %d run%s diverged (non-finite loss); the last finite parameters are scored\n", A->spec,
                    A->diverged, A->diverged == 1 ? "" : "s");
        if (A->incomplete)
            fprintf(f, "# %s: %d run%s interrupted before the last epoch\n", A->spec, A->incomplete,
                    A->incomplete == 1 ? "" : "s");
    }
    if (t->val <= 0) fputs("# no validation part (--val 0): val_* are '-', the target is on training accuracy\n", f);
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
    fputs(",runs,diverged,train_acc_mean,train_acc_std,val_acc_mean,val_acc_std,train_loss_mean,"
          "train_loss_std,val_loss_mean,val_loss_std,epochs_to_target_mean,target_reached,ms_per_epoch_mean,"
          "ms_per_epoch_std,dead_frac_mean,dead_frac_std,grad_ratio_mean,grad_ratio_std",
          f);
    for (int h = 0; h < t->nhid; h++) fprintf(f, ",act%d_mean,act%d_std", h + 1, h + 1);
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        csv_str(f, A->spec);
        fprintf(f, ",%d,%d", A->nruns, A->diverged);
        const cmp_stat *st[] = {&A->train_acc, &A->val_acc, &A->train_loss, &A->val_loss};
        for (int i = 0; i < 4; i++) csv_num(f, st[i]->mean), csv_num(f, st[i]->std);
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
