/* report_html.c: the HTML pages of compare: each task's index.html and the suite's index.html. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static void h_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char style[] =
    "<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1150px;"
    "padding:0 1em;color:#222;line-height:1.45}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}\n"
    ".meta{color:#555}code{background:#f4f4f4;padding:0 .25em;border-radius:3px}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92em}\n"
    "th,td{padding:.3em .6em;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}\n"
    "th{background:#f6f6f6;position:sticky;top:0}td:nth-child(2),th:nth-child(2){text-align:left}\n"
    "tr.winner{background:#eef7ee}tbody tr:hover{background:#f3f6fb}\n"
    ".wrap{overflow-x:auto}.warn{background:#fff4e0;border-left:4px solid #f0a020;padding:.5em 1em}\n"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:1em}\n"
    ".grid figure{margin:0}figcaption{color:#555;font-size:.9em}\n"
    ".missing{color:#a33;background:#fbeaea;padding:.5em 1em}\n"
    "dt{font-weight:bold;font-family:monospace;margin-top:.5em}dd{margin-left:1.5em}\n"
    "</style>\n";

/* Lets a headless browser (and tests/test_report_browser.c) see whether every picture loaded. */
static const char img_check[] =
    "<script>\n"
    "window.addEventListener('load', function () {\n"
    "  var im = document.images, ok = 0;\n"
    "  for (var i = 0; i < im.length; i++) if (im[i].complete && im[i].naturalWidth > 0) ok++;\n"
    "  document.body.setAttribute('data-images-loaded', ok + '/' + im.length);\n"
    "});\n"
    "</script>\n";

static void h_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    h_esc(f, title);
    fputs("</title>\n", f);
    fputs(style, f);
    fputs("</head>\n<body>\n", f);
}

/* An image when gnuplot drew it, else a note saying how to draw it. */
static void h_picture(FILE *f, const cmp_task *t, const char *base, const char *alt, const char *caption, int fig)
{
    if (fig) fputs("<figure>", f);
    if (t->charts) {
        fputs("<img src=\"", f);
        h_esc(f, base);
        fputs(".svg\" alt=\"", f);
        h_esc(f, alt);
        fputs("\">", f);
    } else {
        fputs("<p class=\"missing\"><code>", f);
        h_esc(f, base);
        fputs(".svg</code> was not rendered (gnuplot missing or failed): run <code>gnuplot ", f);
        h_esc(f, base);
        fputs(".gp</code> in this directory, then reload.</p>", f);
    }
    if (caption) {
        fputs("<figcaption>", f);
        fputs(caption, f);
        fputs("</figcaption>", f);
    }
    if (fig) fputs("</figure>\n", f);
}

/* The results table, best first, and the notes under it. */
static void h_results(FILE *f, const cmp_task *t)
{
    char buf[2048];
    report_protocol(t, buf, sizeof buf);
    fputs("<h2>Results</h2>\n<p class=\"protocol\">", f);
    h_esc(f, buf);
    fputs("</p>\n<p>Rows by rank group, then by mean validation accuracy; &plusmn; is the half-width of the 95% "
          "interval (- with one seed). ",
          f);
    if (t->winner >= 0) {
        fputs("<code>", f);
        h_esc(f, t->acts[t->winner].spec);
        fputs("</code> (shaded) is significantly better than every other row. ", f);
    } else if (t->nacts > 1) {
        fprintf(f, "No row is significantly better than all others: the %d rows of group 1 are tied. ",
                report_group_size(t, 1));
    }
    fputs("The columns are explained <a href=\"#columns\">below</a>.</p>\n<div class=\"wrap\"><table id=\"results\">\n"
          "<thead><tr>",
          f);
    for (int c = 0; c < NCOLS; c++) {
        fputs("<th>", f);
        h_esc(f, report_col_name(t, c));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        fputs("<tr data-activation=\"", f);
        h_esc(f, A->spec);
        fprintf(f, "\" data-group=\"%d\"%s>", A->group, t->order[k] == t->winner ? " class=\"winner\"" : "");
        for (int c = 0; c < NCOLS; c++) {
            report_cell(t, A, c, " \xc2\xb1 ", buf, sizeof buf);
            fputs(c == COL_ACT ? "<td><code>" : "<td>", f);
            h_esc(f, buf);
            fputs(c == COL_ACT ? "</code></td>" : "</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
    for (int k = 0; k < t->nacts; k++)
        if (report_note(t, &t->acts[t->order[k]], buf, sizeof buf)) {
            fputs("<p class=\"warn\">", f);
            h_esc(f, buf);
            fputs("</p>\n", f);
        }
}

/* The depth lesson: its table and one chart per measure, at initialisation and after training, side by side. */
static void h_depth(FILE *f, const cmp_task *t)
{
    char buf[64];
    if (!t->probe_init) return;
    fputs("<h2>Depth lesson</h2>\n<p>Every layer measured at initialisation (where the articles make their claims) "
          "and after training, averaged over the seeds. What to look for is in docs/compare.md.</p>\n"
          "<div class=\"wrap\"><table id=\"depth\">\n<thead><tr>",
          f);
    fprintf(f, "<th>%s</th>", report_col_name(t, 0));
    for (int c = 0; c < REPORT_NDEPTH_COLS; c++) fprintf(f, "<th>%s</th>", report_depth_cols[c]);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        fputs("<tr><td><code>", f);
        h_esc(f, A->spec);
        fputs("</code></td>", f);
        for (int c = 0; c < REPORT_NDEPTH_COLS; c++) {
            report_depth_cell(t, A, c, buf, sizeof buf);
            fprintf(f, "<td>%s</td>", buf);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n<div class=\"grid\">\n", f);
    for (int k = 0; k < CMP_NDEPTH; k++)
        for (int w = 0; w < 2; w++) {
            char base[64], cap[256];
            report_depth_base(k, w, base, sizeof base);
            snprintf(cap, sizeof cap, "%s, %s", report_depth_what(k), w ? "after training" : "at initialisation");
            h_picture(f, t, base, cap, cap, 1);
        }
    fputs("</div>\n", f);
}

/* One picture per activation with a boundary (2-D data). */
static void h_boundaries(FILE *f, const cmp_task *t)
{
    int any = 0;
    for (int a = 0; a < t->nacts; a++) any |= t->acts[a].boundary;
    if (any) {
        fputs("<h2>Decision boundaries</h2>\n<p>The first seed's model classifies a grid over the data's range: each "
              "class has a colour, paler where the model is less sure. The training points are drawn on top in "
              "their true class's colour.</p>\n<div class=\"grid\">\n",
              f);
        for (int k = 0; k < t->nacts; k++) {
            const cmp_act *A = &t->acts[t->order[k]];
            if (!A->boundary) continue;
            char base[160];
            snprintf(base, sizeof base, "boundary_%s", A->file);
            fputs("<figure>", f);
            h_picture(f, t, base, A->spec, NULL, 0);
            fputs("<figcaption><code>", f);
            h_esc(f, A->spec);
            fputs("</code></figcaption></figure>\n", f);
        }
        fputs("</div>\n", f);
    }
}

int report_html(const cmp_task *t)
{
    char path[4200], buf[512];
    nn_atomic *tmp;
    FILE *f = report_open(t, "index.html", path, sizeof path, &tmp);
    if (!f) return -1;
    snprintf(buf, sizeof buf, "nnlab compare: %s", t->name);
    h_head(f, buf);
    fputs("<h1>nnlab compare: ", f);
    h_esc(f, t->name);
    fputs("</h1>\n<p class=\"meta\">Data <code>", f);
    h_esc(f, t->data);
    fprintf(f, "</code>: %d rows, %d features, %d classes. Architecture <code>", t->rows, t->cols, t->classes);
    h_esc(f, t->arch_template);
    fputs("</code> (<code>ACT</code>: the activation, <code>C</code>: the classes), loss softmax-xent, ", f);
    fputs(t->variants ? "variants <code>" : "optimizer <code>", f);
    h_esc(f, t->variants ? t->variants : t->opt_spec);
    fprintf(f, "</code>. %d seed%s &times; %d epochs, batch %d, ", t->nseeds, t->nseeds == 1 ? "" : "s", t->epochs,
            t->batch);
    if (t->val > 0) fprintf(f, "validation part %g%% (split with each seed)", 100 * t->val);
    else fputs("no validation part", f);
    fprintf(f, ", inputs standardised on the training part. Target accuracy %g. %s reals", t->target,
            sizeof(nn_real) == sizeof(double) ? "double" : "float");
    if (isfinite(t->seconds)) fprintf(f, ", %.1f s", t->seconds);
    fputs(".</p>\n", f);
    if (t->interrupted)
        fputs("<p class=\"warn\">Interrupted (Ctrl-C): only the runs trained so far are included.</p>\n", f);
    if (t->failed) fprintf(f, "<p class=\"warn\">%d run%s failed; see results.json.</p>\n", t->failed, t->failed == 1 ? "" : "s");

    h_results(f, t);

    const char *which = t->val > 0 ? "Validation" : "Training";
    fputs("<h2>Training curves</h2>\n", f);
    snprintf(buf, sizeof buf, "%s loss per epoch, mean over seeds (log scale when all values are positive).", which);
    h_picture(f, t, "loss", "loss per epoch", buf, 1);
    snprintf(buf, sizeof buf, "%s accuracy per epoch, mean over seeds.", which);
    h_picture(f, t, "accuracy", "accuracy per epoch", buf, 1);

    h_boundaries(f, t);
    h_depth(f, t);

    fputs("<h2 id=\"columns\">Columns</h2>\n<dl>\n", f);
    for (int c = 0; c < NCOLS; c++) {
        fputs("<dt>", f);
        h_esc(f, report_col_name(t, c));
        fprintf(f, "</dt><dd>%s</dd>\n", c == 0 && t->variants ? "The optimizer spec and the remedies (after +) of the "
                                          "row's runs, all with the same activation and architecture." : report_columns[c].help);
    }
    fputs("</dl>\n<h2>Files</h2>\n<ul>\n"
          "<li><a href=\"results.csv\">results.csv</a>: the table, one row per activation, mean and std columns.</li>\n"
          "<li><a href=\"results.json\">results.json</a>: settings, summaries, every seed's results and per-epoch curves.</li>\n"
          "<li><code>loss.dat</code>, <code>accuracy.dat</code>, <code>boundary_*.rgb</code>, "
          "<code>boundary_*_points.dat</code>: chart data; <code>*.gp</code>: the gnuplot scripts that draw the "
          "<code>.svg</code> and <code>.png</code> pictures (<code>gnuplot FILE.gp</code> in this directory).</li>\n"
          "</ul>\n<p class=\"meta\">Written by nnlab " NNLAB_VERSION_STRING " (<code>nnlab compare</code>; see docs/compare.md).</p>\n",
          f);
    fputs(img_check, f);
    fputs("</body>\n</html>\n", f);
    return cli_atomic_commit(tmp);
}

/* Row a of task t in the suite table: mean, interval, rank group, tuned rate. */
static void h_suite_cell(FILE *f, const cmp_task *t, int a)
{
    const cmp_act *A = a < t->nacts ? &t->acts[a] : NULL;
    const cmp_stat *s = A ? (t->val > 0 ? &A->val_acc : &A->train_acc) : NULL;
    if (!s || !s->n) {
        fputs("<td>-</td>", f);
        return;
    }
    char ci[32];
    if (isfinite(s->ci)) snprintf(ci, sizeof ci, "%.3f", s->ci);
    else snprintf(ci, sizeof ci, "-");
    int win = t->winner == a;
    fprintf(f, "<td data-group=\"%d\">%s%.3f \xc2\xb1 %s%s <small>(%d", A->group, win ? "<b>" : "", s->mean, ci,
            win ? "</b>" : "", A->group);
    if (t->ngrid) fprintf(f, ", lr %g", A->lr);
    fputs(")</small></td>", f);
}

int report_suite_html(const char *dir, const cmp_task *const *tasks, int n, int interrupted)
{
    char path[4200];
    nn_atomic *tmp;
    int k = snprintf(path, sizeof path, "%s/index.html", dir);
    if (k < 0 || (size_t)k >= sizeof path) {
        cli_error("%s: path too long", dir);
        return -1;
    }
    FILE *f = cli_atomic_open(path, &tmp);
    if (!f) return -1;
    h_head(f, "nnlab compare: activation functions on the toy suite");
    fputs("<h1>nnlab compare: activation functions on the toy suite</h1>\n<p class=\"meta\">The same network trained "
          "with each activation on each task, several seeds each. Every task has its own report with the full "
          "table, training curves and decision boundaries.</p>\n",
          f);
    if (interrupted) fputs("<p class=\"warn\">Interrupted (Ctrl-C): tasks and runs after the stop are missing.</p>\n", f);
    fputs("<h2>Tasks</h2>\n<ul>\n", f);
    for (int i = 0; i < n; i++) {
        const cmp_task *t = tasks[i];
        fputs("<li><a href=\"", f);
        h_esc(f, t->name);
        fputs("/index.html\">", f);
        h_esc(f, t->name);
        fprintf(f, "</a>: %d rows, %d features, %d classes, %d epochs, %d seed%s</li>\n", t->rows, t->cols, t->classes,
                t->epochs, t->nseeds, t->nseeds == 1 ? "" : "s");
    }
    const char *rows = n > 0 ? report_col_name(tasks[0], 0) : "activation";
    fprintf(f, "</ul>\n<h2>Mean validation accuracy</h2>\n<p>Rows: %ss in the order given (not a ranking); columns: "
               "tasks. Each cell is the mean &plusmn; the half-width of its 95%% interval, then the rank group in the "
               "task (1: the best and every %s a paired t-test at 5%% cannot tell from it), then the learning rate "
               "when it was tuned. A cell is bold only when its %s is significantly better than every other in that "
               "task.</p>\n<div class=\"wrap\"><table id=\"summary\">\n<thead><tr><th>%s</th>",
            rows, rows, rows, rows);
    for (int i = 0; i < n; i++) {
        fputs("<th>", f);
        h_esc(f, tasks[i]->name);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    const cmp_task *t0 = n > 0 ? tasks[0] : NULL;
    for (int a = 0; t0 && a < t0->nacts; a++) {
        fprintf(f, "<tr data-activation=\"");
        h_esc(f, t0->acts[a].spec);
        fputs("\"><td><code>", f);
        h_esc(f, t0->acts[a].spec);
        fputs("</code></td>", f);
        for (int i = 0; i < n; i++) h_suite_cell(f, tasks[i], a);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n<h2>Accuracy curves</h2>\n<div class=\"grid\">\n", f);
    for (int i = 0; i < n; i++) {
        const cmp_task *t = tasks[i];
        fputs("<figure>", f);
        if (t->charts) {
            fputs("<a href=\"", f);
            h_esc(f, t->name);
            fputs("/index.html\"><img src=\"", f);
            h_esc(f, t->name);
            fputs("/accuracy.svg\" alt=\"", f);
            h_esc(f, t->name);
            fputs(" accuracy\"></a>", f);
        } else {
            fputs("<p class=\"missing\">not rendered: run <code>gnuplot accuracy.gp</code> in <code>", f);
            h_esc(f, t->name);
            fputs("/</code></p>", f);
        }
        fputs("<figcaption>", f);
        h_esc(f, t->name);
        fputs("</figcaption></figure>\n", f);
    }
    fputs("</div>\n<p class=\"meta\">Written by nnlab " NNLAB_VERSION_STRING " (<code>nnlab compare</code>; see docs/compare.md).</p>\n", f);
    fputs(img_check, f);
    fputs("</body>\n</html>\n", f);
    return cli_atomic_commit(tmp);
}
