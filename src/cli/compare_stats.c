/* compare_stats.c: compare's summaries over seeds (every measure, the mean curves), the diagnosis of each run,
 * and the rank groups that order the rows. The statistics themselves are stats.c's. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

double *cmp_new_reals(int n)
{
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (v)
        for (int i = 0; i < n; i++) v[i] = NAN;
    return v;
}

/* A run counts in every statistic once it has scores: trained at least one epoch, or diverged (then it is scored
 * with its last finite parameters, as a failure of the configuration, never left out). */
int cmp_run_counts(const cmp_run *r)
{
    return r->state == CMP_RUN_DIVERGED || ((r->state == CMP_RUN_OK || r->state == CMP_RUN_INTERRUPTED) && r->hist.n > 0);
}

/* The accuracy that ranks the rows: validation, or training without a validation part. */
double cmp_primary(const cmp_task *t, const cmp_run *r)
{
    return cmp_run_counts(r) ? (t->val > 0 ? r->val_acc : r->train_acc) : NAN;
}

/* Divergence and collapse, in the words `train` uses (cli_diagnose_run). */
static void diagnose(const cmp_task *t, cmp_run *r)
{
    double best = -INFINITY;
    for (int e = 0; e < r->hist.n; e++) best = fmax(best, t->val > 0 ? r->hist.epochs[e].val_acc : r->hist.epochs[e].acc);
    double final = cmp_primary(t, r);
    if (!(best >= final)) best = final;
    const char *hint = t->ngrid ? "try other rates in --lr-grid" : "try --tune-lr";
    r->diagnosis[0] = '\0';
    if (cmp_run_counts(r) && cli_diagnose_run(r->state == CMP_RUN_DIVERGED, best, final, &r->hist, t->classes, hint,
                                              r->diagnosis, sizeof r->diagnosis) == 0)
        r->diagnosis[0] = '\0';
}

/* The mean curves: every counted run at every epoch. A diverged run keeps its last finite scores after it
 * stopped; a run cut short by Ctrl-C cuts the curve for all (NaN from there), so no epoch mixes other seeds. */
static void mean_curves(const cmp_task *t, cmp_act *A)
{
    double *c[4] = {A->curve_val_loss, A->curve_val_acc, A->curve_loss, A->curve_acc};
    for (int e = 0; e < t->epochs; e++) {
        double sum[4] = {0, 0, 0, 0};
        int n = 0, cut = 0;
        for (int s = 0; s < t->nseeds; s++) {
            const cmp_run *r = &A->runs[s];
            if (!cmp_run_counts(r)) continue;
            double x[4];
            if (e < r->hist.n) {
                const nn_epoch_stats *es = &r->hist.epochs[e];
                x[0] = es->val_loss, x[1] = es->val_acc, x[2] = es->loss, x[3] = es->acc;
            } else if (r->state == CMP_RUN_DIVERGED) {
                x[0] = r->val_loss, x[1] = r->val_acc, x[2] = r->train_loss, x[3] = r->train_acc;
            } else {
                cut = 1;
                break;
            }
            for (int k = 0; k < 4; k++) sum[k] += x[k];
            n++;
        }
        for (int k = 0; k < 4; k++) c[k][e] = n && !cut ? sum[k] / n : NAN;
    }
}

/* The depth lesson's per-layer measures, averaged over the counted runs, at initialisation and after training. */
static void depth_means(const cmp_task *t, cmp_act *A)
{
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < CMP_NDEPTH; k++) {
            int nl = k == CMP_D_GRAD ? t->ndense : t->nhid;
            for (int l = 0; l < nl; l++) {
                double sum = 0;
                int n = 0;
                for (int s = 0; s < t->nseeds; s++) {
                    const cmp_run *r = &A->runs[s];
                    const cmp_layers *L = w ? &r->after : &r->init;
                    const double *v = k == CMP_D_MEAN ? L->mean : k == CMP_D_STD ? L->std : k == CMP_D_DEAD ? L->dead : L->grad;
                    if (cmp_run_counts(r) && isfinite(v[l])) sum += v[l], n++;
                }
                A->depth[w][k][l] = n ? sum / n : NAN;
            }
        }
}

static void count_runs(cmp_task *t, cmp_act *A)
{
    A->nruns = A->ok = A->reached = A->diverged = A->incomplete = A->flagged = 0;
    for (int s = 0; s < t->nseeds; s++) {
        cmp_run *r = &A->runs[s];
        if (r->state == CMP_RUN_FAILED) t->failed++;
        diagnose(t, r);
        if (!cmp_run_counts(r)) continue;
        A->nruns++;
        A->ok += r->state == CMP_RUN_OK;
        A->diverged += r->state == CMP_RUN_DIVERGED;
        A->incomplete += r->state == CMP_RUN_INTERRUPTED;
        A->reached += r->epochs_to_target > 0;
        A->flagged += r->diagnosis[0] != '\0';
    }
}

int cmp_aggregate(cmp_task *t)
{
    double *v = cmp_new_reals(t->nseeds);
    if (!v) return -1;
    t->failed = 0;
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        count_runs(t, A);
#define STAT(field, expr)                                                    \
    do {                                                                     \
        for (int s = 0; s < t->nseeds; s++) {                                \
            const cmp_run *r = &A->runs[s];                                  \
            v[s] = cmp_run_counts(r) ? (double)(expr) : NAN;                 \
        }                                                                    \
        A->field = stats_summarise(v, t->nseeds);                            \
    } while (0)
        STAT(train_acc, r->train_acc);
        STAT(val_acc, r->val_acc);
        STAT(train_loss, r->train_loss);
        STAT(val_loss, r->val_loss);
        STAT(ms_epoch, r->ms_epoch);
        STAT(dead, r->after.dead_all);
        STAT(grad_ratio, r->after.grad_ratio);
        STAT(epochs_to_target, r->epochs_to_target > 0 ? (double)r->epochs_to_target : NAN);
        for (int h = 0; h < t->nhid; h++) {
            STAT(h_mean[h], r->after.mean[h]);
            STAT(h_std[h], r->after.std[h]);
        }
        if (t->probe_init) {
            STAT(grad_ratio_init, r->init.grad_ratio);
            STAT(dead_init, r->init.dead_all);
            depth_means(t, A);
        }
#undef STAT
        mean_curves(t, A);
    }
    free(v);
    return 0;
}

/* 1 if row a ranks before row b by its means: higher accuracy, then lower loss; rows without a counted run last. */
int cmp_better(const cmp_task *t, const cmp_act *a, const cmp_act *b)
{
    int v = t->val > 0;
    double ka = v ? a->val_acc.mean : a->train_acc.mean, kb = v ? b->val_acc.mean : b->train_acc.mean;
    double la = v ? a->val_loss.mean : a->train_loss.mean, lb = v ? b->val_loss.mean : b->train_loss.mean;
    if (isfinite(ka) != isfinite(kb)) return isfinite(ka);
    if (isfinite(ka) && ka != kb) return ka > kb;
    if (isfinite(la) != isfinite(lb)) return isfinite(la);
    return isfinite(la) && la < lb;
}

/* Insertion sort of t->order by key(a) < key(b), stable so that ties keep the order before. */
static void sort_order(cmp_task *t, int (*before)(const cmp_task *, int, int))
{
    for (int i = 1; i < t->nacts; i++) {
        int x = t->order[i], j = i;
        while (j > 0 && before(t, x, t->order[j - 1])) {
            t->order[j] = t->order[j - 1];
            j--;
        }
        t->order[j] = x;
    }
}

static int by_mean(const cmp_task *t, int a, int b) { return cmp_better(t, &t->acts[a], &t->acts[b]); }
static int by_group(const cmp_task *t, int a, int b) { return t->acts[a].group < t->acts[b].group; }

int cmp_sort_acts(cmp_task *t)
{
    for (int i = 0; i < t->nacts; i++) t->order[i] = i;
    sort_order(t, by_mean);
    /* Paired by seed: every row's run with seed s saw the same split, initial draw and batch order. */
    double **v = calloc((size_t)(t->nacts > 0 ? t->nacts : 1), sizeof *v);
    size_t k = (size_t)(t->nacts > 0 ? t->nacts : 1);
    int *group = malloc(k * sizeof *group);
    double *p = malloc(k * sizeof *p);
    int rc = -1;
    if (!v || !group || !p) goto done;
    for (int a = 0; a < t->nacts; a++) {
        if (!(v[a] = cmp_new_reals(t->nseeds))) goto done;
        for (int s = 0; s < t->nseeds; s++) v[a][s] = cmp_primary(t, &t->acts[a].runs[s]);
    }
    t->ngroups = stats_rank_groups((const double *const *)v, t->nacts, t->nseeds, t->order, CMP_ALPHA, group, p);
    for (int a = 0; a < t->nacts; a++) t->acts[a].group = group[a], t->acts[a].p_best = p[a];
    sort_order(t, by_group);
    int first = t->order[0], alone = 1;
    for (int a = 0; a < t->nacts; a++) alone &= a == first || t->acts[a].group > 1;
    t->winner = t->nacts > 1 && alone && t->acts[first].val_acc.n + t->acts[first].train_acc.n > 0 ? first : -1;
    rc = 0;
done:
    for (int a = 0; v && a < t->nacts; a++) free(v[a]);
    free(v), free(group), free(p);
    return rc;
}
