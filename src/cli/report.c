/* report.c: what nnlab compare writes: the stdout table, results.csv, results.json, each task's index.html and the suite's index.html. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"

/* The table's columns, in order; the same names head the stdout table, the HTML table and (with _mean /
 * _std) results.csv, and docs/compare.md defines each. */
enum { COL_ACT, COL_RUNS, COL_TRAIN_ACC, COL_VAL_ACC, COL_TRAIN_LOSS, COL_VAL_LOSS, COL_TARGET, COL_MS, COL_DEAD,
       COL_GRAD, COL_HMEAN, COL_HSTD, NCOLS };

static const struct column {
    const char *name;
    const char *help; /* HTML, one sentence or two */
} columns[NCOLS] = {
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
static const char *col_name(const cmp_task *t, int c) { return c == 0 && t->variants ? "variant" : columns[c].name; }

static void cell(const cmp_task *t, const cmp_act *A, int col, const char *pm, char *buf, size_t size)
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
        w[c] = (int)strlen(col_name(t, c));
        for (int k = 0; k < t->nacts; k++) {
            cell(t, &t->acts[t->order[k]], c, "+-", buf, sizeof buf);
            if ((int)strlen(buf) > w[c]) w[c] = (int)strlen(buf);
        }
    }
    fprintf(f, "# %s: %d rows, %d features, %d classes; arch %s%s%s; %s %s; %d seed%s x %d epochs, batch %d, val %g; "
               "target acc %g\n",
            t->name, t->rows, t->cols, t->classes, t->arch_template, t->act ? " with ACT=" : "", t->act ? t->act : "",
            t->variants ? "variants" : "opt",
            t->variants ? t->variants : t->opt_spec, t->nseeds, t->nseeds == 1 ? "" : "s", t->epochs, t->batch, t->val,
            t->target);
    for (int c = 0; c < NCOLS; c++) fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], col_name(t, c));
    fputc('\n', f);
    for (int k = 0; k < t->nacts; k++) {
        for (int c = 0; c < NCOLS; c++) {
            cell(t, &t->acts[t->order[k]], c, "+-", buf, sizeof buf);
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

static FILE *open_in(const cmp_task *t, const char *name, char *path, size_t psize, char *tmp, size_t tsize)
{
    int n = snprintf(path, psize, "%s/%s", t->dir, name);
    if (n < 0 || (size_t)n >= psize) {
        cli_error("%s/%s: path too long", t->dir, name);
        return NULL;
    }
    return cli_atomic_open(path, tmp, tsize);
}

int report_csv(const cmp_task *t)
{
    char path[4200], tmp[4300];
    FILE *f = open_in(t, "results.csv", path, sizeof path, tmp, sizeof tmp);
    if (!f) return -1;
    fputs(col_name(t, 0), f);
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
    return cli_atomic_commit(f, tmp, path);
}

/* ---------------------------------------------------------------- JSON */

static void js_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
        else if (*c < 0x20) fprintf(f, "\\u%04x", *c);
        else fputc(*c, f);
    }
    fputc('"', f);
}

/* JSON has no NaN or infinity: a value that is not finite is null. */
static void js_num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}

static void js_stat(FILE *f, const char *key, const cmp_stat *s)
{
    fprintf(f, "\"%s\": {\"mean\": ", key);
    js_num(f, s->mean);
    fputs(", \"std\": ", f);
    js_num(f, s->std);
    fprintf(f, ", \"n\": %d}", s->n);
}

static void js_array(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        js_num(f, v[i]);
    }
    fputc(']', f);
}

static const char *state_name(int s)
{
    switch (s) {
    case CMP_RUN_OK: return "ok";
    case CMP_RUN_INTERRUPTED: return "interrupted";
    case CMP_RUN_DIVERGED: return "diverged";
    case CMP_RUN_FAILED: return "failed";
    default: return "not run";
    }
}

static void js_run(FILE *f, const cmp_task *t, const cmp_run *r)
{
    fprintf(f, "        {\"seed\": %llu, \"state\": \"%s\", ", (unsigned long long)r->seed, state_name(r->state));
    if (r->error[0]) {
        fputs("\"error\": ", f);
        js_str(f, r->error);
        fputs(", ", f);
    }
    fprintf(f, "\"epochs_run\": %d,\n         \"train_acc\": ", r->hist.n);
    js_num(f, r->train_acc);
    fputs(", \"val_acc\": ", f);
    js_num(f, r->val_acc);
    fputs(", \"train_loss\": ", f);
    js_num(f, r->train_loss);
    fputs(", \"val_loss\": ", f);
    js_num(f, r->val_loss);
    fputs(",\n         \"epochs_to_target\": ", f);
    if (r->epochs_to_target > 0) fprintf(f, "%d", r->epochs_to_target);
    else fputs("null", f);
    fputs(", \"ms_per_epoch\": ", f);
    js_num(f, r->ms_epoch);
    fputs(", \"dead_frac\": ", f);
    js_num(f, r->dead);
    fputs(", \"grad_ratio\": ", f);
    js_num(f, r->grad_ratio);
    fputs(",\n         \"layers\": [", f);
    for (int h = 0; h < t->nhid; h++) {
        fprintf(f, "%s{\"mean\": ", h ? ", " : "");
        js_num(f, r->h_mean[h]);
        fputs(", \"std\": ", f);
        js_num(f, r->h_std[h]);
        fputs(", \"dead_frac\": ", f);
        js_num(f, r->h_dead[h]);
        fputc('}', f);
    }
    fputs("],\n         \"curves\": {", f);
    static const char *const names[] = {"loss", "acc", "val_loss", "val_acc", "seconds"};
    double *v = malloc((size_t)(r->hist.n > 0 ? r->hist.n : 1) * sizeof *v);
    for (int k = 0; k < 5; k++) {
        for (int e = 0; v && e < r->hist.n; e++) {
            const nn_epoch_stats *s = &r->hist.epochs[e];
            v[e] = k == 0 ? s->loss : k == 1 ? s->acc : k == 2 ? s->val_loss : k == 3 ? s->val_acc : s->seconds;
        }
        fprintf(f, "%s\"%s\": ", k ? ", " : "", names[k]);
        js_array(f, v, v ? r->hist.n : 0);
    }
    free(v);
    fputs("}}", f);
}

int report_json(const cmp_task *t)
{
    char path[4200], tmp[4300];
    FILE *f = open_in(t, "results.json", path, sizeof path, tmp, sizeof tmp);
    if (!f) return -1;
    fputs("{\n  \"nnlab\": ", f);
    js_str(f, NNLAB_VERSION_STRING);
    fprintf(f, ", \"real\": \"%s\",\n  \"task\": ", sizeof(nn_real) == sizeof(double) ? "double" : "float");
    js_str(f, t->name);
    fputs(", \"data\": ", f);
    js_str(f, t->data);
    fprintf(f, ", \"rows\": %d, \"features\": %d, \"classes\": %d,\n  \"arch_template\": ", t->rows, t->cols, t->classes);
    js_str(f, t->arch_template);
    fputs(", \"optimizer\": ", f);
    js_str(f, t->opt_spec);
    fputs(", \"variants\": ", f);
    if (t->variants) js_str(f, t->variants);
    else fputs("null", f);
    fprintf(f, ", \"loss\": \"softmax-xent\",\n  \"epochs\": %d, \"batch\": %d, \"seeds\": %d, \"val_fraction\": ", t->epochs,
            t->batch, t->nseeds);
    js_num(f, t->val);
    fputs(", \"target_acc\": ", f);
    js_num(f, t->target);
    fprintf(f, ", \"interrupted\": %s, \"seconds\": ", t->interrupted ? "true" : "false");
    js_num(f, t->seconds);
    fputs(",\n  \"activations\": [\n", f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        fprintf(f, "    {\"rank\": %d, \"%s\": ", k + 1, col_name(t, 0));
        js_str(f, A->spec);
        fputs(", \"arch\": ", f);
        js_str(f, A->arch);
        fputs(", \"optimizer\": ", f);
        js_str(f, A->opt);
        const struct {
            const char *key;
            double v;
        } remedies[] = {{"clip_norm", A->clip_norm}, {"clip_value", A->clip_value}, {"l1", A->l1}, {"l2", A->l2}};
        for (size_t r = 0; r < sizeof remedies / sizeof remedies[0]; r++) {
            fprintf(f, ", \"%s\": ", remedies[r].key);
            js_num(f, remedies[r].v);
        }
        fprintf(f, ", \"runs\": %d, \"diverged\": %d, \"target_reached\": %d,\n     \"summary\": {", A->nruns, A->diverged,
                A->reached);
        js_stat(f, "train_acc", &A->train_acc);
        fputs(", ", f);
        js_stat(f, "val_acc", &A->val_acc);
        fputs(",\n       ", f);
        js_stat(f, "train_loss", &A->train_loss);
        fputs(", ", f);
        js_stat(f, "val_loss", &A->val_loss);
        fputs(",\n       ", f);
        js_stat(f, "epochs_to_target", &A->epochs_to_target);
        fputs(", ", f);
        js_stat(f, "ms_per_epoch", &A->ms_epoch);
        fputs(",\n       ", f);
        js_stat(f, "dead_frac", &A->dead);
        fputs(", ", f);
        js_stat(f, "grad_ratio", &A->grad_ratio);
        fputs(",\n       \"layers\": [", f);
        for (int h = 0; h < t->nhid; h++) {
            fputs(h ? ", {" : "{", f);
            js_stat(f, "mean", &A->h_mean[h]);
            fputs(", ", f);
            js_stat(f, "std", &A->h_std[h]);
            fputc('}', f);
        }
        fputs("]},\n     \"mean_curves\": {\"loss\": ", f);
        js_array(f, A->curve_loss, t->epochs);
        fputs(", \"acc\": ", f);
        js_array(f, A->curve_acc, t->epochs);
        fputs(",\n       \"val_loss\": ", f);
        js_array(f, A->curve_val_loss, t->epochs);
        fputs(", \"val_acc\": ", f);
        js_array(f, A->curve_val_acc, t->epochs);
        fputs("},\n     \"per_seed\": [\n", f);
        for (int s = 0; s < t->nseeds; s++) {
            js_run(f, t, &A->runs[s]);
            fputs(s + 1 < t->nseeds ? ",\n" : "\n", f);
        }
        fprintf(f, "     ]}%s\n", k + 1 < t->nacts ? "," : "");
    }
    fputs("  ]\n}\n", f);
    return cli_atomic_commit(f, tmp, path);
}

/* ---------------------------------------------------------------- HTML */

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
    "tbody tr:first-child{background:#eef7ee}tbody tr:hover{background:#f3f6fb}\n"
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

int report_html(const cmp_task *t)
{
    char path[4200], tmp[4300], buf[512];
    FILE *f = open_in(t, "index.html", path, sizeof path, tmp, sizeof tmp);
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
    fprintf(f, ", inputs standardised on the training part. Target accuracy %g. %s reals, %.1f s.</p>\n", t->target,
            sizeof(nn_real) == sizeof(double) ? "double" : "float", t->seconds);
    if (t->interrupted)
        fputs("<p class=\"warn\">Interrupted (Ctrl-C): only the runs trained so far are included.</p>\n", f);
    if (t->failed) fprintf(f, "<p class=\"warn\">%d run%s failed; see results.json.</p>\n", t->failed, t->failed == 1 ? "" : "s");

    fputs("<h2>Results</h2>\n<p>Best first by mean validation accuracy; &plusmn; is the standard deviation over seeds. "
          "The columns are explained <a href=\"#columns\">below</a>.</p>\n<div class=\"wrap\"><table id=\"results\">\n<thead><tr><th>#</th>",
          f);
    for (int c = 0; c < NCOLS; c++) {
        fputs("<th>", f);
        h_esc(f, col_name(t, c));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        fputs("<tr data-activation=\"", f);
        h_esc(f, A->spec);
        fprintf(f, "\"><td>%d</td>", k + 1);
        for (int c = 0; c < NCOLS; c++) {
            cell(t, A, c, " \xc2\xb1 ", buf, sizeof buf);
            fputs(c == COL_ACT ? "<td><code>" : "<td>", f);
            h_esc(f, buf);
            fputs(c == COL_ACT ? "</code></td>" : "</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
    for (int k = 0; k < t->nacts; k++) {
        const cmp_act *A = &t->acts[t->order[k]];
        if (A->diverged) {
            fputs("<p class=\"warn\"><code>", f);
            h_esc(f, A->spec);
            fprintf(f, "</code>: %d run%s diverged (non-finite loss); the last finite parameters are scored.</p>\n",
                    A->diverged, A->diverged == 1 ? "" : "s");
        }
    }

    const char *which = t->val > 0 ? "Validation" : "Training";
    fputs("<h2>Training curves</h2>\n", f);
    snprintf(buf, sizeof buf, "%s loss per epoch, mean over seeds (log scale when all values are positive).", which);
    h_picture(f, t, "loss", "loss per epoch", buf, 1);
    snprintf(buf, sizeof buf, "%s accuracy per epoch, mean over seeds.", which);
    h_picture(f, t, "accuracy", "accuracy per epoch", buf, 1);

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
            char base[160], cap[512];
            snprintf(base, sizeof base, "boundary_%s", A->file);
            snprintf(cap, sizeof cap, "<code>%s</code>", A->file);
            fputs("<figure>", f);
            h_picture(f, t, base, A->spec, NULL, 0);
            fputs("<figcaption><code>", f);
            h_esc(f, A->spec);
            fputs("</code></figcaption></figure>\n", f);
        }
        fputs("</div>\n", f);
    }

    fputs("<h2 id=\"columns\">Columns</h2>\n<dl>\n", f);
    for (int c = 0; c < NCOLS; c++) {
        fputs("<dt>", f);
        h_esc(f, col_name(t, c));
        fprintf(f, "</dt><dd>%s</dd>\n", c == 0 && t->variants ? "The optimizer spec and the remedies (after +) of the "
                                          "row's runs, all with the same activation and architecture." : columns[c].help);
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
    return cli_atomic_commit(f, tmp, path);
}

int report_suite_html(const char *dir, const cmp_task *const *tasks, int n, int interrupted)
{
    char path[4200], tmp[4300];
    int k = snprintf(path, sizeof path, "%s/index.html", dir);
    if (k < 0 || (size_t)k >= sizeof path) {
        cli_error("%s: path too long", dir);
        return -1;
    }
    FILE *f = cli_atomic_open(path, tmp, sizeof tmp);
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
    const char *rows = n > 0 ? col_name(tasks[0], 0) : "activation";
    fprintf(f, "</ul>\n<h2>Mean validation accuracy</h2>\n<p>Rows: %ss in the order given; columns: tasks. The "
               "best of each task is in bold; &plusmn; is the standard deviation over seeds.</p>\n"
               "<div class=\"wrap\"><table id=\"summary\">\n<thead><tr><th>#</th><th>%s</th>",
            rows, rows);
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
        fprintf(f, "\"><td>%d</td><td><code>", a + 1);
        h_esc(f, t0->acts[a].spec);
        fputs("</code></td>", f);
        for (int i = 0; i < n; i++) {
            const cmp_task *t = tasks[i];
            const cmp_act *A = a < t->nacts ? &t->acts[a] : NULL;
            const cmp_stat *s = A ? (t->val > 0 ? &A->val_acc : &A->train_acc) : NULL;
            int best = A && t->nacts > 0 && t->order[0] == a && s->n;
            if (!s || !s->n) fputs("<td>-</td>", f);
            else fprintf(f, "<td>%s%.3f \xc2\xb1 %.3f%s</td>", best ? "<b>" : "", s->mean, s->std, best ? "</b>" : "");
        }
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
    return cli_atomic_commit(f, tmp, path);
}
