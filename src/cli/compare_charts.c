/* compare_charts.c: compare's charts: mean loss and accuracy per epoch with the epochs where runs diverged marked,
 * one decision boundary per activation. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include "compare.h"
#include "plot.h"

/* Mean loss (acc 0) or accuracy (acc 1) per epoch, one line per row, a cross on a row's line at every epoch in
 * which one of its runs diverged. mx, my: room for nacts * nseeds marks. */
static int curve_chart(const cmp_task *t, const char *base, int acc, const double *xs, cli_series *s, cli_series *m,
                       double *mx, double *my)
{
    int useval = t->val > 0, n = t->nacts;
    char title[1024], ylabel[128];
    const char *part = useval ? "validation" : "training";
    /* Series in --acts order: an activation keeps its colour in every chart and every task of the suite. */
    for (int k = 0; k < n; k++) {
        const cmp_act *A = &t->acts[k];
        const double *y = acc ? (useval ? A->curve_val_acc : A->curve_acc) : (useval ? A->curve_val_loss : A->curve_loss);
        s[k] = (cli_series){A->spec, xs, y, t->epochs};
        m[k] = (cli_series){NULL, mx + (size_t)k * t->nseeds, my + (size_t)k * t->nseeds, 0};
        for (int r = 0; r < t->nseeds; r++) {
            const cmp_run *R = &A->runs[r];
            if (R->state != CMP_RUN_DIVERGED) continue;
            int e = R->hist.n < t->epochs ? R->hist.n : t->epochs - 1; /* it diverged during epoch hist.n + 1 */
            mx[(size_t)k * t->nseeds + m[k].n] = e + 1;
            my[(size_t)k * t->nseeds + m[k].n++] = y[e];
        }
    }
    snprintf(title, sizeof title, "%s: %s %s per epoch (mean of %d seed%s)", t->name, part, acc ? "accuracy" : "loss",
             t->nseeds, t->nseeds == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s %s", part, acc ? "accuracy" : "loss (cross-entropy)");
    cli_plot_opts o = {!acc, 0, m, "x: a run diverged (it keeps its last score)"};
    return cli_plot_lines_opts(base, title, "epoch", ylabel, s, n, &o) < 0 ? -1 : 0;
}

int cmp_write_charts(cmp_task *t, const cmp_grid *p, const nn_dataset *d, int jobs)
{
    int n = t->nacts, rc = 0, nb = 0;
    size_t nm = (size_t)n * (size_t)t->nseeds + 1;
    double *xs = malloc((size_t)t->epochs * sizeof *xs), *mx = malloc(nm * sizeof *mx), *my = malloc(nm * sizeof *my);
    cli_series *s = calloc((size_t)n, sizeof *s), *m = calloc((size_t)n, sizeof *m);
    char (*bases)[4300] = calloc((size_t)n + 2 + 2 * CMP_NDEPTH, sizeof *bases);
    const char **bp = calloc((size_t)n + 2 + 2 * CMP_NDEPTH, sizeof *bp);
    char title[1024];
    if (!xs || !mx || !my || !s || !m || !bases || !bp) {
        cli_error("out of memory");
        rc = -1;
        goto done;
    }
    for (int e = 0; e < t->epochs; e++) xs[e] = e + 1;
    snprintf(bases[nb], sizeof bases[nb], "%s/loss", t->dir);
    rc |= curve_chart(t, bases[nb++], 0, xs, s, m, mx, my);
    snprintf(bases[nb], sizeof bases[nb], "%s/accuracy", t->dir);
    rc |= curve_chart(t, bases[nb++], 1, xs, s, m, mx, my);
    if (t->probe_init) rc |= cmp_write_depth_charts(t, bases, &nb);
    for (int k = 0; p->bnd && k < n; k++) {
        int a = t->order[k];
        const cmp_boundary *b = &p->bnd[a];
        if (!b->rgb) continue;
        snprintf(bases[nb], sizeof bases[nb], "%s/boundary_%s", t->dir, t->acts[a].file);
        snprintf(title, sizeof title, "%s on %s: decision boundary (seed %llu)", t->acts[a].spec, t->name,
                 (unsigned long long)t->acts[a].runs[0].seed);
        const char *xl = d->names ? d->names[0] : "x1", *yl = d->names ? d->names[1] : "x2";
        if (cli_plot_boundary(bases[nb], title, xl, yl, CMP_GRID, CMP_GRID, p->x0, p->x1, p->y0, p->y1, b->rgb, b->px, b->py,
                              b->pc, b->np, 0) < 0) {
            rc = -1;
            continue;
        }
        t->acts[a].boundary = 1;
        nb++;
    }
    if (rc == 0) {
        for (int i = 0; i < nb; i++) bp[i] = bases[i];
        int r = cli_plot_render(bp, nb, jobs);
        t->charts = r == 0;
        if (r < 0) rc = -1;
    }
done:
    free(xs), free(mx), free(my), free(s), free(m), free(bases), free(bp);
    return rc;
}

int cmp_write_depth_charts(const cmp_task *t, char (*bases)[4300], int *nb)
{
    int rc = 0, n = t->nacts, nmax = t->nhid > t->ndense ? t->nhid : t->ndense;
    cli_series *s = calloc((size_t)(n > 0 ? n : 1), sizeof *s);
    double *xs = malloc((size_t)(nmax > 0 ? nmax : 1) * sizeof *xs);
    if (!s || !xs) {
        free(s), free(xs);
        cli_error("out of memory");
        return -1;
    }
    for (int l = 0; l < nmax; l++) xs[l] = l + 1;
    for (int k = 0; k < CMP_NDEPTH; k++)
        for (int w = 0; w < 2; w++) {
            char name[64], title[1024];
            int nl = k == CMP_D_GRAD ? t->ndense : t->nhid;
            for (int a = 0; a < n; a++) s[a] = (cli_series){t->acts[a].spec, xs, t->acts[a].depth[w][k], nl};
            report_depth_base(k, w, name, sizeof name);
            snprintf(bases[*nb], sizeof bases[*nb], "%s/%s", t->dir, name);
            snprintf(title, sizeof title, "%s: %s, %s (mean of %d seeds)", t->name, report_depth_what(k),
                     w ? "after training" : "at initialisation", t->nseeds);
            cli_plot_opts o = {.logy = k == CMP_D_GRAD, .render = 0};
            if (cli_plot_lines_opts(bases[(*nb)++], title, k == CMP_D_GRAD ? "dense layer (1: next to the input)"
                                                                         : "activation layer (1: next to the input)",
                                    report_depth_key(k), s, n, &o) < 0)
                rc = -1;
        }
    free(s), free(xs);
    return rc;
}
