/* compare_stats.c: compare's summaries over seeds (every measure, the mean curves) and the order of its rows. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include "compare.h"

double *cmp_new_reals(int n)
{
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (v)
        for (int i = 0; i < n; i++) v[i] = NAN;
    return v;
}

static cmp_stat stat_of(const double *v, int n)
{
    cmp_stat s = {NAN, NAN, 0};
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) sum += v[i], s.n++;
    if (!s.n) return s;
    s.mean = sum / s.n;
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - s.mean) * (v[i] - s.mean);
    s.std = s.n > 1 ? sqrt(ss / (s.n - 1)) : 0;
    return s;
}

static int counts(const cmp_run *r)
{
    return r->state != CMP_RUN_NONE && r->state != CMP_RUN_FAILED && r->hist.n > 0;
}

int cmp_aggregate(cmp_task *t)
{
    double *v = cmp_new_reals(t->nseeds);
    if (!v) return -1;
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        A->nruns = A->reached = A->diverged = A->incomplete = 0;
        for (int s = 0; s < t->nseeds; s++) {
            const cmp_run *r = &A->runs[s];
            if (r->state == CMP_RUN_FAILED) t->failed++;
            if (!counts(r)) continue;
            A->nruns++;
            A->diverged += r->state == CMP_RUN_DIVERGED;
            A->incomplete += r->state == CMP_RUN_INTERRUPTED;
            A->reached += r->epochs_to_target > 0;
        }
#define STAT(field, expr)                                                    \
    do {                                                                     \
        for (int s = 0; s < t->nseeds; s++) {                                \
            const cmp_run *r = &A->runs[s];                                  \
            v[s] = counts(r) ? (double)(expr) : NAN;                         \
        }                                                                    \
        A->field = stat_of(v, t->nseeds);                                    \
    } while (0)
        STAT(train_acc, r->train_acc);
        STAT(val_acc, r->val_acc);
        STAT(train_loss, r->train_loss);
        STAT(val_loss, r->val_loss);
        STAT(ms_epoch, r->ms_epoch);
        STAT(dead, r->dead);
        STAT(grad_ratio, r->grad_ratio);
        STAT(epochs_to_target, r->epochs_to_target > 0 ? (double)r->epochs_to_target : NAN);
        for (int h = 0; h < t->nhid; h++) {
            STAT(h_mean[h], r->h_mean[h]);
            STAT(h_std[h], r->h_std[h]);
        }
#undef STAT
        /* Curves average the runs that reached each epoch, so an interrupted run shortens no other. */
        for (int e = 0; e < t->epochs; e++) {
            double sum[4] = {0, 0, 0, 0};
            int n[4] = {0, 0, 0, 0};
            for (int s = 0; s < t->nseeds; s++) {
                const cmp_run *r = &A->runs[s];
                if (!counts(r) || r->hist.n <= e) continue;
                const nn_epoch_stats *es = &r->hist.epochs[e];
                double x[4] = {es->val_loss, es->val_acc, es->loss, es->acc};
                for (int k = 0; k < 4; k++)
                    if (isfinite(x[k])) sum[k] += x[k], n[k]++;
            }
            double *c[4] = {A->curve_val_loss, A->curve_val_acc, A->curve_loss, A->curve_acc};
            for (int k = 0; k < 4; k++) c[k][e] = n[k] ? sum[k] / n[k] : NAN;
        }
    }
    free(v);
    return 0;
}

/* Best first: higher mean validation accuracy (training accuracy without validation), then lower loss;
 * activations without a finished run go last. */
static int better(const cmp_task *t, const cmp_act *a, const cmp_act *b)
{
    int v = t->val > 0;
    double ka = v ? a->val_acc.mean : a->train_acc.mean, kb = v ? b->val_acc.mean : b->train_acc.mean;
    double la = v ? a->val_loss.mean : a->train_loss.mean, lb = v ? b->val_loss.mean : b->train_loss.mean;
    if (isfinite(ka) != isfinite(kb)) return isfinite(ka);
    if (isfinite(ka) && ka != kb) return ka > kb;
    if (isfinite(la) != isfinite(lb)) return isfinite(la);
    return isfinite(la) && la < lb;
}

void cmp_sort_acts(cmp_task *t)
{
    for (int i = 0; i < t->nacts; i++) t->order[i] = i;
    /* Insertion sort: stable, so ties keep the order of --acts. */
    for (int i = 1; i < t->nacts; i++) {
        int x = t->order[i], j = i;
        while (j > 0 && better(t, &t->acts[x], &t->acts[t->order[j - 1]])) {
            t->order[j] = t->order[j - 1];
            j--;
        }
        t->order[j] = x;
    }
}
