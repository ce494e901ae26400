/* trace.c: nnlab trace: one sample forward and backward through a small net, every chain-rule factor shown. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char trace_help[] =
    "usage: nnlab trace --arch SPEC --sample x1,x2,... --label Y [options]\n"
    "Teaching mode: one sample through a small net. Prints each layer's forward values (dense: z = x W + b,\n"
    "activations: a = f(z)), the loss, each backward step with the chain-rule factor it applies\n"
    "(dL/da, da/dz, dL/dz, dL/dW, dL/db, dL/dx) and the parameters after one SGD step p <- p - lr dL/dp.\n\n"
    "  --arch SPEC        layers, e.g. dense:2,sigmoid,dense:1\n"
    "  --sample X         the input, comma-separated (its length is the input width)\n"
    "  --label Y          the target: a class index, 0/1 for sigmoid-bce, a value for mse\n"
    "  --loss L           default: sigmoid-bce when the last layer has 1 output, else softmax-xent\n"
    "  --weights FILE     all parameter values, whitespace or comma separated ('#' starts a comment), in\n"
    "                     the order of the model's parameter vector: layer by layer; a dense layer holds W\n"
    "                     (inputs x outputs, row-major: W[i][j] is the weight from input i to unit j), then b\n"
    "  --seed S           initialise from this seed instead (default 1)\n"
    "  --init NAME        with --seed: the initialiser of dense and maxout layers that name none (torch, ...)\n"
    "  --lr LR            learning rate of the SGD step (default 0.1)\n"
    "  --format F         text (default) or markdown (tables for course notes)\n"
    "  --digits N         significant digits (default 6)\n";

enum { OPT_ARCH = 256, OPT_SAMPLE, OPT_LABEL, OPT_LOSS, OPT_WEIGHTS, OPT_SEED, OPT_LR, OPT_FORMAT, OPT_DIGITS,
       OPT_HELP, OPT_INIT };
static const struct option trace_opts[] = {
    {"init", required_argument, NULL, OPT_INIT},
    {"arch", required_argument, NULL, OPT_ARCH},     {"sample", required_argument, NULL, OPT_SAMPLE},
    {"label", required_argument, NULL, OPT_LABEL},   {"loss", required_argument, NULL, OPT_LOSS},
    {"weights", required_argument, NULL, OPT_WEIGHTS}, {"seed", required_argument, NULL, OPT_SEED},
    {"lr", required_argument, NULL, OPT_LR},         {"format", required_argument, NULL, OPT_FORMAT},
    {"digits", required_argument, NULL, OPT_DIGITS}, {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int digits = 6;
static int md = 0;

/* The table model: every view of the trace is filled once (headings, then tables of columns) and rendered
 * either as text, where each column is a line "name = [v, ...]" (a matrix [[...], ...]), or as markdown, where
 * a table is a label column and one column per value column, the label left-aligned, numbers right-aligned. */
typedef struct tcol {
    const char *text;  /* text: its name; NULL: markdown only (or absent values) */
    const char *md;    /* markdown heading, with "%d" for the number of a split column; NULL: text only */
    const char *note;  /* text: after the values */
    const char *pre;   /* text: lines before the column */
    const nn_real *v;  /* text order, row-major; NULL: not computed (markdown shows nan) */
    double s;          /* text: the value of a scalar */
    int rows;          /* text: 0 a vector, -1 the scalar s ("name = s"), else a matrix of that many rows */
    int split;         /* markdown: one column per text row (cell (r, k) is v[k * table rows + r]) */
} tcol;

struct table;
typedef void (*row_label)(const struct table *t, int r, char *buf, size_t size);

typedef struct table {
    int rows;             /* markdown rows */
    const char *label[2]; /* markdown headings of the label columns ("unit j"); label[1] may be NULL */
    row_label name;       /* the label cells of row r ("" between two); NULL: r + 1 */
    const void *ctx;      /* for name */
    int base;             /* for name: the number of row 0 */
    int cont;             /* markdown: more rows of the table before, no heading */
    int ncols;
    tcol col[5];
} table;

typedef struct view {
    char text[1280]; /* text: the heading line ("" none) */
    char md[2560];   /* markdown: the heading paragraph ("" none) */
    int ntab;
    table tab[3];
} view;

static int fmtnum(char *buf, size_t size, double v) { return snprintf(buf, size, "%.*g", digits, v); }

static table *add_table(view *v, int rows, const char *label)
{
    table *t = &v->tab[v->ntab++];
    memset(t, 0, sizeof *t);
    t->rows = rows;
    t->label[0] = label;
    return t;
}

static tcol *add_col(table *t, const char *text, const char *md, const nn_real *v)
{
    tcol *c = &t->col[t->ncols++];
    *c = (tcol){.text = text, .md = md, .v = v};
    return c;
}

static void text_values(const nn_real *v, int n)
{
    char num[40];
    putchar('[');
    for (int i = 0; i < n; i++) {
        fmtnum(num, sizeof num, (double)v[i]);
        printf("%s%s", i ? ", " : "", num);
    }
    putchar(']');
}

static void render_text(const view *v)
{
    char num[40];
    if (*v->text) printf("%s\n", v->text);
    for (int k = 0; k < v->ntab; k++) {
        const table *t = &v->tab[k];
        for (int j = 0; j < t->ncols; j++) {
            const tcol *c = &t->col[j];
            if (!c->text || (!c->v && c->rows >= 0)) continue;
            if (c->pre) printf("%s\n", c->pre);
            printf("    %s = ", c->text);
            int n = t->rows * (c->split ? c->rows : 1);
            if (c->rows < 0) {
                fmtnum(num, sizeof num, c->s);
                fputs(num, stdout);
            } else if (c->rows == 0) {
                text_values(c->v, n);
            } else {
                putchar('[');
                for (int r = 0; r < c->rows; r++) {
                    if (r) printf(", ");
                    text_values(c->v + (size_t)r * (size_t)(n / c->rows), n / c->rows);
                }
                putchar(']');
            }
            printf("%s%s\n", c->note ? "   " : "", c->note ? c->note : "");
        }
    }
}

/* A blank line is due before whatever follows a table. */
static int md_pending;

static void render_md(const view *v)
{
    char buf[256];
    if (*v->md) {
        if (md_pending) putchar('\n');
        printf("%s\n\n", v->md);
        md_pending = 0;
    }
    for (int k = 0; k < v->ntab; k++) {
        const table *t = &v->tab[k];
        int shown = 0;
        for (int j = 0; j < t->ncols; j++) shown += t->col[j].md != NULL;
        if (!shown) continue;
        if (!t->cont) {
            if (md_pending) putchar('\n');
            int n = 0;
            for (int l = 0; l < 2 && t->label[l]; l++, n++) printf("| %s ", t->label[l]);
            for (int j = 0; j < t->ncols; j++) {
                const tcol *c = &t->col[j];
                if (!c->md) continue;
                for (int s = 0; s < (c->split ? c->rows : 1); s++, n++) {
                    snprintf(buf, sizeof buf, c->md, s + 1);
                    printf("| %s ", buf);
                }
            }
            printf("|\n");
            for (int i = 0; i < n; i++) printf("|%s", i ? "---:" : ":---");
            printf("|\n");
        }
        for (int r = 0; r < t->rows; r++) {
            if (t->name) t->name(t, r, buf, sizeof buf);
            else snprintf(buf, sizeof buf, "%d", r + 1);
            printf("| %s ", buf);
            for (int j = 0; j < t->ncols; j++) {
                const tcol *c = &t->col[j];
                if (!c->md) continue;
                for (int s = 0; s < (c->split ? c->rows : 1); s++) {
                    fmtnum(buf, sizeof buf, c->v ? (double)c->v[(size_t)s * (size_t)t->rows + (size_t)r] : NAN);
                    printf("| %s ", buf);
                }
            }
            printf("|\n");
        }
        md_pending = 1;
    }
}

static void render(const view *v)
{
    if (md) render_md(v);
    else render_text(v);
}

/* Reads every number of a weights file; NULL after the message naming the file and line. */
static nn_real *read_weights(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("trace: --weights %s: %s", path, strerror(errno));
        return NULL;
    }
    nn_real *w = NULL;
    size_t n = 0, cap = 0, lcap = 0;
    char *line = NULL;
    long lineno = 0;
    while (getline(&line, &lcap, f) != -1) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        for (char *p = line;;) {
            while (*p && strchr(" \t\r\n,", *p)) p++;
            if (!*p) break;
            char *end;
            double v = strtod(p, &end);
            if (end == p || (*end && !strchr(" \t\r\n,", *end)) || !isfinite(v)) {
                size_t len = strcspn(p, " \t\r\n,");
                cli_error("trace: %s:%ld: '%.*s' is not a finite number", path, lineno, (int)len, p);
                goto fail;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                nn_real *nw = realloc(w, sizeof *w * cap);
                if (!nw) {
                    cli_error("trace: out of memory");
                    goto fail;
                }
                w = nw;
            }
            w[n++] = (nn_real)v;
            p = end;
        }
    }
    free(line);
    fclose(f);
    *count = n;
    return w;
fail:
    free(line);
    free(w);
    fclose(f);
    return NULL;
}

/* How a layer is shown: dense and element-wise activations get their own algebra, others a generic form. */
typedef enum { L_DENSE, L_ACT, L_OTHER } lkind;

typedef struct layer_view {
    lkind kind;
    int index;
    char spec[256];
    nn_act act;   /* L_ACT */
    int in, out;
    size_t np;
} layer_view;

static const nn_real *layer_input(nn_model *m, int i, const nn_real *x)
{
    return i == 0 ? x : nn_model_layer_output(m, i - 1)->data;
}

static const nn_real *layer_input_grad(nn_model *m, int i)
{
    const nn_tensor *t = i == 0 ? nn_model_input_grad(m) : nn_model_layer_output_grad(m, i - 1);
    return t ? t->data : NULL;
}

static void forward_view(nn_model *m, const layer_view *lv, const nn_real *x, view *v)
{
    int i = lv->index;
    size_t n;
    const nn_real *p = nn_model_layer_params(m, i, &n), *y = nn_model_layer_output(m, i)->data;
    if (lv->kind == L_DENSE) {
        snprintf(v->text, sizeof v->text, "[%d] %s  (%d -> %d)  z = x W + b", i, lv->spec, lv->in, lv->out);
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`** (%d input%s → %d unit%s), z = x W + b", i, lv->spec,
                 lv->in, lv->in == 1 ? "" : "s", lv->out, lv->out == 1 ? "" : "s");
        table *t = add_table(v, lv->out, "unit j");
        tcol *W = add_col(t, "W", "W_%d,j", p);
        W->note = "(row i: weights from input i)", W->rows = lv->in, W->split = 1;
        add_col(t, "b", "b_j", p + (size_t)lv->in * (size_t)lv->out);
        add_col(t, "z", "z_j", y);
    } else if (lv->kind == L_ACT) {
        const nn_act_info *info = nn_act_info_of(lv->act.id);
        snprintf(v->text, sizeof v->text, "[%d] %s  a = f(z), f(x) = %s", i, lv->spec, info ? info->formula : "?");
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`**, a = f(z) with f(x) = %s", i, lv->spec,
                 info ? info->formula : "?");
        table *t = add_table(v, lv->out, "unit j");
        add_col(t, NULL, "z_j", layer_input(m, i, x));
        add_col(t, "a", "a_j", y);
    } else {
        snprintf(v->text, sizeof v->text, "[%d] %s  (%d -> %d)", i, lv->spec, lv->in, lv->out);
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`** (%d → %d)", i, lv->spec, lv->in, lv->out);
        if (n) add_col(add_table(v, (int)n, NULL), "params", NULL, p);
        add_col(add_table(v, lv->out, "unit j"), "y", "y_j", y);
    }
}

/* dadz: scratch of lv->out reals for an activation's factor f'(z). */
static void backward_view(nn_model *m, const layer_view *lv, const nn_real *x, nn_real *dadz, view *v)
{
    int i = lv->index;
    size_t n;
    const nn_real *g = nn_model_layer_grads(m, i, &n), *dy = nn_model_layer_output_grad(m, i)->data;
    const nn_real *dx = layer_input_grad(m, i), *in = layer_input(m, i, x);
    snprintf(v->text, sizeof v->text, "[%d] %s", i, lv->spec);
    if (lv->kind == L_DENSE) {
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`**: dL/dW_ij = x_i · dL/dz_j, dL/db_j = dL/dz_j, dL/dx_i = "
                 "Σ_j W_ij · dL/dz_j, x is %s", i, lv->spec, i == 0 ? "the sample" : "the previous layer's output");
        table *t = add_table(v, lv->out, "unit j");
        add_col(t, "dL/dz", "dL/dz_j", dy);
        tcol *dW = add_col(t, "dL/dW", "dL/dW_%d,j", g);
        dW->note = "(= x^T dL/dz: dL/dW[i][j] = x[i] * dL/dz[j])", dW->rows = lv->in, dW->split = 1;
        add_col(t, "dL/db", "dL/db_j", g + (size_t)lv->in * (size_t)lv->out)->note = "(= dL/dz)";
        if (!dx) return;
        t = add_table(v, lv->in, "input i");
        add_col(t, NULL, "x_i", in);
        add_col(t, "dL/dx", "dL/dx_i", dx)->note = i == 0 ? "(= dL/dz W^T, gradient of the sample)" : "(= dL/dz W^T)";
    } else if (lv->kind == L_ACT) {
        for (int j = 0; j < lv->out; j++) {
            nn_real d = 0;
            if (lv->np == 0) nn_act_eval(&lv->act, in[j], &d);
            /* Learnable parameters live in the layer (one per unit maybe), not in the spec: the backward pass
             * itself tells the factor it applied. */
            else d = dx && dy[j] != 0 ? dx[j] / dy[j] : (nn_real)NAN;
            dadz[j] = d;
        }
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`**: dL/dz_j = dL/da_j · f'(z_j)", i, lv->spec);
        table *t = add_table(v, lv->out, "unit j");
        add_col(t, NULL, "z_j", in);
        add_col(t, "dL/da", "dL/da_j", dy);
        add_col(t, "da/dz", "da/dz_j", dadz)->note = "(= f'(z))";
        add_col(t, "dL/dz", "dL/dz_j", dx)->note = "(= dL/da * da/dz)";
        if (lv->np) add_col(add_table(v, (int)n, NULL), "dL/dparams", NULL, g);
    } else {
        snprintf(v->md, sizeof v->md, "**Layer %d: `%s`**", i, lv->spec);
        add_col(add_table(v, lv->out, "unit j"), "dL/dy", "dL/dy_j", dy);
        if (n) add_col(add_table(v, (int)n, NULL), "dL/dparams", NULL, g);
        if (dx) add_col(add_table(v, lv->in, "input i"), "dL/dx", "dL/dx_i", dx);
    }
}

/* The markdown label cells of parameter r of a layer: the layer and the parameter's name. */
static void param_name(const table *t, int r, char *buf, size_t size)
{
    const layer_view *lv = t->ctx;
    size_t k = (size_t)(t->base + r), nw = (size_t)lv->in * (size_t)lv->out;
    int n = snprintf(buf, size, "%d `%s` | ", lv->index, lv->spec);
    if (n < 0 || (size_t)n >= size) return;
    if (lv->kind == L_DENSE && k < nw)
        snprintf(buf + n, size - (size_t)n, "W_%d,%d", (int)(k / lv->out) + 1, (int)(k % lv->out) + 1);
    else if (lv->kind == L_DENSE)
        snprintf(buf + n, size - (size_t)n, "b_%d", (int)(k - nw) + 1);
    else
        snprintf(buf + n, size - (size_t)n, "p_%zu", k + 1);
}

/* One layer's parameters before, their gradient and after the step (q, computed by the caller). */
static void sgd_view(nn_model *m, const layer_view *lv, const nn_real *q, int cont, view *v)
{
    size_t n, nw = lv->kind == L_DENSE ? (size_t)lv->in * (size_t)lv->out : 0;
    const nn_real *p = nn_model_layer_params(m, lv->index, &n), *g = nn_model_layer_grads(m, lv->index, &n);
    snprintf(v->text, sizeof v->text, "[%d] %s", lv->index, lv->spec);
    /* A dense layer's W and b are two blocks of the same markdown table; text shows W as a matrix. */
    size_t from[2] = {0, nw}, to[2] = {nw, n};
    for (int b = 0; b < 2; b++) {
        if (from[b] == to[b]) continue;
        table *t = add_table(v, (int)(to[b] - from[b]), "layer");
        t->label[1] = "parameter", t->name = param_name, t->ctx = lv, t->base = (int)from[b], t->cont = cont;
        cont = 1;
        add_col(t, NULL, "before", p + from[b]);
        add_col(t, NULL, "dL/dp", g + from[b]);
        tcol *c = add_col(t, lv->kind == L_DENSE ? (b ? "b" : "W") : "params", "after", q + from[b]);
        if (lv->kind == L_DENSE && !b) c->rows = lv->in;
    }
}

static int parse_sample(const char *s, nn_real **out, int *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ',';
    nn_real *x = malloc(sizeof *x * cap);
    if (!x) return -1;
    int k = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        while (*end == ' ') end++;
        if (end == p || (*end && *end != ',') || !isfinite(v)) {
            cli_error("trace: --sample '%s': value %d is not a finite number", s, k + 1);
            free(x);
            return -1;
        }
        x[k++] = (nn_real)v;
        if (!*end) break;
        p = end + 1;
    }
    *out = x;
    *n = k;
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    const char *arch = NULL, *sample = NULL, *label = NULL, *loss_name = NULL, *weights = NULL;
    const char *format = "text";
    uint64_t seed = 1;
    double lr = 0.1, yv = 0;
    nn_init init = NN_INIT_AUTO;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", trace_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_ARCH: arch = optarg; break;
        case OPT_SAMPLE: sample = optarg; break;
        case OPT_LABEL: label = optarg; bad = cli_parse_double("trace", "label", optarg, &yv); break;
        case OPT_LOSS: loss_name = optarg; break;
        case OPT_WEIGHTS: weights = optarg; break;
        case OPT_SEED: bad = cli_parse_seed("trace", optarg, &seed); break;
        case OPT_INIT: bad = cli_parse_init("trace", optarg, &init); break;
        case OPT_LR: bad = cli_parse_double("trace", "lr", optarg, &lr); break;
        case OPT_FORMAT: format = optarg; break;
        case OPT_DIGITS: bad = cli_parse_int("trace", "digits", optarg, 1, 17, &digits); break;
        case OPT_HELP: fputs(trace_help, stdout); return CLI_OK;
        default: return cli_bad_option("trace", argv, trace_opts);
        }
        if (bad) return CLI_USAGE;
    }
    if (optind < argc) {
        cli_error("trace: unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    if (!arch || !sample || !label) {
        cli_error("trace: %s is required (see 'nnlab trace --help')",
                  !arch ? "--arch" : !sample ? "--sample" : "--label");
        return CLI_USAGE;
    }
    if (!strcmp(format, "markdown") || !strcmp(format, "md")) md = 1;
    else if (strcmp(format, "text")) {
        cli_error("trace: unknown --format '%s' (valid: text, markdown)", format);
        return CLI_USAGE;
    }
    nn_real *x = NULL, *w = NULL, *probs = NULL;
    layer_view *views = NULL;
    int inputs, rc = CLI_USAGE;
    if (parse_sample(sample, &x, &inputs)) return CLI_USAGE;
    nn_model *m = nn_model_new(inputs, seed);
    if (!m || nn_model_add_arch(m, arch) != NN_OK || nn_model_set_init(m, init) != NN_OK) {
        cli_error("trace: --arch: %s", nn_errmsg());
        goto done;
    }
    nn_loss loss = nn_model_outputs(m) == 1 ? NN_LOSS_SIGMOID_BCE : NN_LOSS_SOFTMAX_XENT;
    if (loss_name && cli_parse_loss("trace", loss_name, &loss)) goto done;
    if (nn_model_set_loss(m, loss) != NN_OK) {
        cli_error("trace: --loss %s: %s", nn_loss_name(loss), nn_errmsg());
        goto done;
    }
    rc = CLI_ERR;
    size_t np = nn_model_nparams(m);
    if (weights) {
        size_t nw;
        if (!(w = read_weights(weights, &nw))) goto done;
        if (nw != np) {
            cli_error("trace: %s holds %zu values but %s on %d inputs has %zu parameters (see --help for the order)",
                      weights, nw, arch, inputs, np);
            goto done;
        }
        memcpy(nn_model_params(m), w, sizeof *w * np);
    }
    int nl = nn_model_nlayers(m), outs = nn_model_outputs(m);
    nn_real y = (nn_real)yv;
    const nn_tensor *out;
    double L;
    if (nn_model_keep_grads(m, 1) != NN_OK || nn_model_forward(m, x, 1, 1, &out) != NN_OK ||
        nn_model_loss(m, &y, &L, NULL) != NN_OK) {
        cli_error("trace: %s", nn_errmsg());
        rc = CLI_USAGE; /* a label out of range is the usual cause */
        goto done;
    }
    nn_model_zero_grad(m);
    if (nn_model_backward(m) != NN_OK) {
        cli_error("trace: %s", nn_errmsg());
        goto done;
    }
    views = calloc((size_t)nl, sizeof *views);
    probs = malloc(sizeof *probs * (size_t)(2 * outs)); /* [1 - p, p] for a sigmoid head */
    if (!views || !probs) {
        cli_error("trace: out of memory");
        goto done;
    }
    for (int i = 0; i < nl; i++) {
        layer_view *v = &views[i];
        nn_model_layer_spec(m, i, v->spec, sizeof v->spec);
        v->index = i;
        v->in = nn_model_layer_inputs(m, i);
        v->out = nn_model_layer_outputs(m, i);
        nn_model_layer_params(m, i, &v->np);
        if (nn_model_layer_type(m, i) == NN_LAYER_DENSE) v->kind = L_DENSE;
        else if (nn_model_layer_act(m, i, &v->act)) v->kind = L_ACT;
        else v->kind = L_OTHER;
    }
    nn_errclear();
    char spec[1024];
    nn_model_spec(m, spec, sizeof spec);

    /* Each view filled once, then rendered in the chosen format. */
    view *v = calloc(1, sizeof *v);
    size_t ns = np + 1; /* the parameters after the step, an activation's f'(z) */
    for (int i = 0; i < nl; i++)
        if ((size_t)views[i].out >= ns) ns = (size_t)views[i].out + 1;
    nn_real *scratch = malloc(sizeof *scratch * ns);
    if (!v || !scratch) {
        free(v);
        free(scratch);
        cli_error("trace: out of memory");
        goto done;
    }
    char xs[1024] = "", ys[40], Ls[40];
    for (int i = 0, k = 0; i < inputs && k < (int)sizeof xs; i++)
        k += snprintf(xs + k, sizeof xs - (size_t)k, "%s%.*g", i ? ", " : "", digits, (double)x[i]);
    fmtnum(ys, sizeof ys, yv);
    fmtnum(Ls, sizeof Ls, L);
    md_pending = 0;

    *v = (view){0};
    snprintf(v->text, sizeof v->text, "trace: %s  loss=%s  lr=%g  parameters=%zu", spec, nn_loss_name(loss), lr, np);
    snprintf(v->md, sizeof v->md, "## Trace of `%s`\n\nLoss `%s`, learning rate %g, %zu parameters. Sample x = (%s), "
             "label y = %s.", spec, nn_loss_name(loss), lr, np, xs, ys);
    table *t = add_table(v, inputs, NULL);
    tcol *col;
    add_col(t, "x", NULL, x)->note = "(the sample)";
    col = add_col(t, "y", NULL, NULL);
    col->rows = -1;
    col->s = yv;
    render(v);
    *v = (view){.text = "\nforward", .md = "### Forward pass"};
    render(v);
    for (int i = 0; i < nl; i++) {
        *v = (view){0};
        forward_view(m, &views[i], x, v);
        render(v);
    }

    /* The loss head's own probabilities; for one sigmoid output the second is p. */
    nn_loss_predict(loss, out, NULL, probs);
    if (loss == NN_LOSS_SIGMOID_BCE) probs[0] = probs[1];
    *v = (view){0};
    snprintf(v->text, sizeof v->text, "loss %s: %s", nn_loss_name(loss), nn_loss_formula(loss));
    snprintf(v->md, sizeof v->md, "**Loss** `%s`: %s. **L = %s**", nn_loss_name(loss), nn_loss_formula(loss), Ls);
    t = add_table(v, outs, "output j");
    add_col(t, NULL, "z_j", out->data);
    if (loss != NN_LOSS_MSE) add_col(t, "p", "p_j", probs); /* mse predicts z itself */
    col = add_col(t, "L", NULL, NULL);
    col->rows = -1;
    col->s = L;
    col = add_col(t, "dL/dz", "dL/dz_j", nn_model_layer_output_grad(m, nl - 1)->data);
    col->pre = "\nbackward (chain rule, from the loss to the input)\nloss head";
    col->note = "(gradient of the last layer's output)";
    render(v);
    *v = (view){.md = "### Backward pass"};
    render(v);
    for (int i = nl - 1; i >= 0; i--) {
        *v = (view){0};
        backward_view(m, &views[i], x, scratch, v);
        render(v);
    }

    *v = (view){0};
    snprintf(v->text, sizeof v->text, "\nsgd step (lr=%g): p <- p - lr * dL/dp", lr);
    snprintf(v->md, sizeof v->md, "### After one SGD step (lr = %g): p ← p − lr · dL/dp", lr);
    render(v);
    int cont = 0;
    for (int i = 0; i < nl; i++) {
        size_t n;
        const nn_real *p = nn_model_layer_params(m, i, &n), *g = nn_model_layer_grads(m, i, &n);
        if (!n) continue;
        for (size_t k = 0; k < n; k++) scratch[k] = (nn_real)((double)p[k] - lr * (double)g[k]);
        *v = (view){0};
        sgd_view(m, &views[i], scratch, cont, v);
        render(v);
        cont = 1;
    }
    free(v);
    free(scratch);
    rc = CLI_OK;
done:
    free(views);
    free(probs);
    free(w);
    free(x);
    nn_model_free(m);
    return rc;
}
