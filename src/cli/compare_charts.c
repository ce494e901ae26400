/* compare_charts.c: compare's charts: mean loss and accuracy per epoch, one decision boundary per activation. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include "compare.h"
#include "plot.h"

int cmp_write_charts(cmp_task *t, const cmp_grid *p, const nn_dataset *d, int jobs)
{
    int n = t->nacts, rc = 0, nb = 0, useval = t->val > 0;
    double *xs = malloc((size_t)t->epochs * sizeof *xs);
    cli_series *s = calloc((size_t)n, sizeof *s);
    char (*bases)[4300] = calloc((size_t)n + 2, sizeof *bases);
    const char **bp = calloc((size_t)n + 2, sizeof *bp);
    if (!xs || !s || !bases || !bp) {
        cli_error("out of memory");
        rc = -1;
        goto done;
    }
    for (int e = 0; e < t->epochs; e++) xs[e] = e + 1;
    char title[1024], ylabel[128];
    cli_plot_opts lo = {1, 0}, ao = {0, 0};
    /* Series in --acts order: an activation keeps its colour in every chart and every task of the suite. */
    for (int k = 0; k < n; k++) {
        const cmp_act *A = &t->acts[k];
        s[k] = (cli_series){A->spec, xs, useval ? A->curve_val_loss : A->curve_loss, t->epochs};
    }
    snprintf(bases[nb], sizeof bases[nb], "%s/loss", t->dir);
    snprintf(title, sizeof title, "%s: %s loss per epoch (mean of %d seed%s)", t->name, useval ? "validation" : "training",
             t->nseeds, t->nseeds == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s loss (cross-entropy)", useval ? "validation" : "training");
    if (cli_plot_lines_opts(bases[nb++], title, "epoch", ylabel, s, n, &lo) < 0) rc = -1;
    for (int k = 0; k < n; k++) s[k].y = useval ? t->acts[k].curve_val_acc : t->acts[k].curve_acc;
    snprintf(bases[nb], sizeof bases[nb], "%s/accuracy", t->dir);
    snprintf(title, sizeof title, "%s: %s accuracy per epoch (mean of %d seed%s)", t->name,
             useval ? "validation" : "training", t->nseeds, t->nseeds == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s accuracy", useval ? "validation" : "training");
    if (cli_plot_lines_opts(bases[nb++], title, "epoch", ylabel, s, n, &ao) < 0) rc = -1;
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
    free(xs), free(s), free(bases), free(bp);
    return rc;
}
