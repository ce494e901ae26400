/* compare_tune.c: --tune-lr: every row's learning rate chosen from a small log grid by mean validation accuracy on
 * tuning seeds (CMP_TUNE_SEED0, ...) that are never reported, with runs of half the epochs. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

/* The default grids, as multiples of the optimizer's own rate: SGD's useful rates sit within a decade below a
 * momentum-0.9 rate of 0.1-0.3, adaptive optimizers tolerate (and sigmoid-like units want) larger multiples. */
static const double sgd_grid[] = {3, 1, 0.3, 0.1};
static const double adaptive_grid[] = {10, 3, 1, 0.3};
enum { DEFAULT_NGRID = 4 };

int cmp_parse_grid(const char *list, double *grid, int max, int *count)
{
    int n = 0;
    *count = 0;
    for (const char *p = list; *p;) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v > 0) || !isfinite(v) || (*end && *end != ',') || n == max) {
            cli_error("compare: --lr-grid '%s' is not a list of at most %d positive rates, e.g. 0.3,0.1,0.03", list, max);
            return CLI_USAGE;
        }
        grid[n++] = v;
        p = *end ? end + 1 : end;
    }
    if (!n) {
        cli_error("compare: --lr-grid is empty");
        return CLI_USAGE;
    }
    *count = n;
    return CLI_OK;
}

/* The spec with its rate replaced: the canonical form starts "NAME:lr=VALUE", the rest is kept. */
int cmp_opt_with_lr(const char *spec, double lr, char *buf, size_t size)
{
    char canon[512];
    nn_optim *o = nn_optim_parse(spec);
    if (!o) return -1;
    nn_optim_format(o, canon, sizeof canon);
    nn_optim_free(o);
    char *p = strstr(canon, ":lr=");
    if (!p) return -1;
    const char *rest = strchr(p + 1, ',');
    int n = snprintf(buf, size, "%.*s:lr=%.6g%s", (int)(p - canon), canon, lr, rest ? rest : "");
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The rates row V's optimizer tries: --lr-grid as given, or the default multiples of its rate. */
static int row_grid(const cmp_settings *o, const double *given, int ngiven, const char *opt, double *out)
{
    nn_optim *op = nn_optim_parse(opt);
    if (!op) return 0;
    double base = nn_optim_base_lr(op);
    const double *mult = strcmp(nn_optim_name(op), "sgd") ? adaptive_grid : sgd_grid;
    nn_optim_free(op);
    if (o->lr_grid) {
        memcpy(out, given, (size_t)ngiven * sizeof *out);
        return ngiven;
    }
    char buf[32];
    for (int g = 0; g < DEFAULT_NGRID; g++) {
        snprintf(buf, sizeof buf, "%.6g", base * mult[g]); /* 0.1 x 3 is 0.3, not 0.30000000000000004 */
        out[g] = strtod(buf, NULL);
    }
    return DEFAULT_NGRID;
}

/* Variants x rates: variant v at rate g is entry v * ngrid + g, its optimizer spec at that rate. */
static int expand(const cmp_settings *o, const variant_list *vars, const double *given, int ngiven, variant_list *out,
                  int *ngrid)
{
    double rates[CMP_MAX_GRID];
    *ngrid = row_grid(o, given, ngiven, vars->v[0].opt, rates);
    out->n = vars->n * *ngrid;
    if (!(out->v = calloc((size_t)out->n, sizeof *out->v))) return CLI_ERR;
    for (int v = 0; v < vars->n; v++) {
        if (row_grid(o, given, ngiven, vars->v[v].opt, rates) != *ngrid) return CLI_ERR;
        for (int g = 0; g < *ngrid; g++) {
            variant *V = &out->v[v * *ngrid + g];
            *V = vars->v[v];
            if (cmp_opt_with_lr(vars->v[v].opt, rates[g], V->opt, sizeof V->opt)) return CLI_ERR;
        }
    }
    return CLI_OK;
}

/* Row a of t takes the best rate of its tuning rows: higher mean accuracy, then lower loss (cmp_better). */
static int choose(cmp_task *t, const cmp_task *tt, const variant_list *ex, int ngrid, int nvars)
{
    for (int a = 0; a < t->nacts; a++) {
        cmp_act *A = &t->acts[a];
        int act = a / nvars, v = a % nvars, best = -1;
        if (!(A->tune_lr = malloc((size_t)ngrid * sizeof *A->tune_lr)) || !(A->tune_acc = malloc((size_t)ngrid * sizeof *A->tune_acc)) ||
            !(A->tune_loss = malloc((size_t)ngrid * sizeof *A->tune_loss)))
            return CLI_ERR;
        for (int g = 0; g < ngrid; g++) {
            const cmp_act *T = &tt->acts[act * nvars * ngrid + v * ngrid + g];
            A->tune_lr[g] = T->lr;
            A->tune_acc[g] = t->val > 0 ? T->val_acc.mean : T->train_acc.mean;
            A->tune_loss[g] = t->val > 0 ? T->val_loss.mean : T->train_loss.mean;
            if (best < 0 || cmp_better(tt, T, &tt->acts[act * nvars * ngrid + v * ngrid + best])) best = g;
        }
        snprintf(A->opt, sizeof A->opt, "%s", ex->v[v * ngrid + best].opt);
        A->lr = A->tune_lr[best];
    }
    t->ngrid = ngrid;
    return CLI_OK;
}

int cmp_tune(cmp_task *t, const cmp_settings *o, const cmp_act_list *acts, const variant_list *vars,
             const nn_dataset *d, int workers)
{
    double given[CMP_MAX_GRID];
    int ngiven = 0, ngrid, rc = CLI_ERR;
    if (o->lr_grid && (rc = cmp_parse_grid(o->lr_grid, given, CMP_MAX_GRID, &ngiven)) != CLI_OK) return rc;
    variant_list ex = {0, NULL};
    cmp_task *tt = NULL;
    cmp_settings so = *o;
    so.seeds = o->tune_seeds;
    so.epochs = (t->epochs + 1) / 2;
    so.seed0 = CMP_TUNE_SEED0;
    so.probe_init = 0;
    char name[160];
    snprintf(name, sizeof name, "%s (tuning lr)", t->name);
    int ok = expand(o, vars, given, ngiven, &ex, &ngrid) == CLI_OK;
    if (!ok) {
        cli_error("compare: --tune-lr: every variant needs the same number of rates, and an optimizer with a rate");
        rc = CLI_ERR; /* also after a good --lr-grid set it to CLI_OK */
    } else {
        ok = (tt = cmp_task_new(&so, name, t->data, d, acts, &ex, t->dir, &rc)) != NULL;
    }
    /* Under mpirun the ranks train the tuning runs together, so they start only if every rank could set them up. */
    if (!cli_dist_all_ok(ok)) {
        if (ok) rc = CLI_ERR;
        goto done;
    }
    tt->quick = 1;
    if ((rc = cmp_task_train(tt, d, workers)) != CLI_OK) goto done;
    if ((rc = choose(t, tt, &ex, ngrid, vars->n)) != CLI_OK) cli_error("out of memory");
    t->tune_seeds = so.seeds, t->tune_epochs = so.epochs;
    t->tune_seconds = tt->seconds;
done:
    cmp_task_free(tt);
    free(ex.v);
    return rc;
}
