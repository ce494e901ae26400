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

static void num(double v) { printf("%.*g", digits, v); }

/* Text mode: "    name = [v0, v1]  (note)". */
static void vec(const char *name, const nn_real *v, int n, const char *note)
{
    printf("    %s = [", name);
    for (int i = 0; i < n; i++) {
        if (i) printf(", ");
        num((double)v[i]);
    }
    printf("]%s%s\n", note ? "   " : "", note ? note : "");
}

/* Text mode: a rows x cols row-major matrix as [[...], [...]]. */
static void mat(const char *name, const nn_real *v, int rows, int cols, const char *note)
{
    printf("    %s = [", name);
    for (int r = 0; r < rows; r++) {
        printf("%s[", r ? ", " : "");
        for (int c = 0; c < cols; c++) {
            if (c) printf(", ");
            num((double)v[(size_t)r * (size_t)cols + (size_t)c]);
        }
        putchar(']');
    }
    printf("]%s%s\n", note ? "   " : "", note ? note : "");
}

static void md_head(const char *const *cols, int n)
{
    for (int i = 0; i < n; i++) printf("| %s ", cols[i]);
    printf("|\n");
    for (int i = 0; i < n; i++) printf("|%s", i ? "---:" : ":---");
    printf("|\n");
}

static void md_cell(double v)
{
    printf("| ");
    num(v);
    putchar(' ');
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

static void forward_dense(nn_model *m, int i, const layer_view *v)
{
    size_t n;
    const nn_real *p = nn_model_layer_params(m, i, &n), *W = p, *b = p + (size_t)v->in * v->out;
    const nn_real *z = nn_model_layer_output(m, i)->data;
    if (!md) {
        printf("[%d] %s  (%d -> %d)  z = x W + b\n", i, v->spec, v->in, v->out);
        mat("W", W, v->in, v->out, "(row i: weights from input i)");
        vec("b", b, v->out, NULL);
        vec("z", z, v->out, NULL);
        return;
    }
    printf("**Layer %d: `%s`** (%d inputs → %d units), z = x W + b\n\n", i, v->spec, v->in, v->out);
    char hdr[64][24];
    const char *cols[64];
    int nc = 0;
    cols[nc++] = "unit j";
    for (int r = 0; r < v->in && nc < 61; r++) {
        snprintf(hdr[nc], sizeof hdr[nc], "W_%d,j", r + 1);
        cols[nc] = hdr[nc];
        nc++;
    }
    cols[nc++] = "b_j";
    cols[nc++] = "z_j";
    md_head(cols, nc);
    for (int j = 0; j < v->out; j++) {
        printf("| %d ", j + 1);
        for (int r = 0; r < v->in && r < 59; r++) md_cell((double)W[(size_t)r * v->out + j]);
        md_cell((double)b[j]);
        md_cell((double)z[j]);
        printf("|\n");
    }
    putchar('\n');
}

static void forward_act(nn_model *m, int i, const layer_view *v, const nn_real *x)
{
    const nn_act_info *info = nn_act_info_of(v->act.id);
    const nn_real *z = layer_input(m, i, x), *a = nn_model_layer_output(m, i)->data;
    if (!md) {
        printf("[%d] %s  a = f(z), f(x) = %s\n", i, v->spec, info ? info->formula : "?");
        vec("a", a, v->out, NULL);
        return;
    }
    printf("**Layer %d: `%s`**, a = f(z) with f(x) = %s\n\n", i, v->spec, info ? info->formula : "?");
    const char *cols[] = {"unit j", "z_j", "a_j"};
    md_head(cols, 3);
    for (int j = 0; j < v->out; j++) {
        printf("| %d ", j + 1);
        md_cell((double)z[j]);
        md_cell((double)a[j]);
        printf("|\n");
    }
    putchar('\n');
}

static void forward_other(nn_model *m, int i, const layer_view *v)
{
    size_t n;
    const nn_real *p = nn_model_layer_params(m, i, &n), *y = nn_model_layer_output(m, i)->data;
    if (!md) {
        printf("[%d] %s  (%d -> %d)\n", i, v->spec, v->in, v->out);
        if (n) vec("params", p, (int)n, NULL);
        vec("y", y, v->out, NULL);
        return;
    }
    printf("**Layer %d: `%s`** (%d → %d)\n\n", i, v->spec, v->in, v->out);
    const char *cols[] = {"unit j", "y_j"};
    md_head(cols, 2);
    for (int j = 0; j < v->out; j++) {
        printf("| %d ", j + 1);
        md_cell((double)y[j]);
        printf("|\n");
    }
    putchar('\n');
}

static void backward_dense(nn_model *m, int i, const layer_view *v, const nn_real *x)
{
    size_t n;
    const nn_real *g = nn_model_layer_grads(m, i, &n), *dW = g, *db = g + (size_t)v->in * v->out;
    const nn_real *dz = nn_model_layer_output_grad(m, i)->data, *dx = layer_input_grad(m, i);
    const nn_real *in = layer_input(m, i, x);
    const char *xname = i == 0 ? "the sample" : "the previous layer's output";
    if (!md) {
        printf("[%d] %s\n", i, v->spec);
        vec("dL/dz", dz, v->out, NULL);
        mat("dL/dW", dW, v->in, v->out, "(= x^T dL/dz: dL/dW[i][j] = x[i] * dL/dz[j])");
        vec("dL/db", db, v->out, "(= dL/dz)");
        if (dx) vec("dL/dx", dx, v->in, i == 0 ? "(= dL/dz W^T, gradient of the sample)" : "(= dL/dz W^T)");
        return;
    }
    printf("**Layer %d: `%s`**: dL/dW_ij = x_i · dL/dz_j, dL/db_j = dL/dz_j, dL/dx_i = Σ_j W_ij · dL/dz_j, "
           "x is %s\n\n", i, v->spec, xname);
    char hdr[64][24];
    const char *cols[64];
    int nc = 0;
    cols[nc++] = "unit j";
    cols[nc++] = "dL/dz_j";
    cols[nc++] = "dL/db_j";
    for (int r = 0; r < v->in && nc < 62; r++) {
        snprintf(hdr[nc], sizeof hdr[nc], "dL/dW_%d,j", r + 1);
        cols[nc] = hdr[nc];
        nc++;
    }
    md_head(cols, nc);
    for (int j = 0; j < v->out; j++) {
        printf("| %d ", j + 1);
        md_cell((double)dz[j]);
        md_cell((double)db[j]);
        for (int r = 0; r < v->in && r < 60; r++) md_cell((double)dW[(size_t)r * v->out + j]);
        printf("|\n");
    }
    putchar('\n');
    if (!dx) return;
    const char *c2[] = {"input i", "x_i", "dL/dx_i"};
    md_head(c2, 3);
    for (int r = 0; r < v->in; r++) {
        printf("| %d ", r + 1);
        md_cell((double)in[r]);
        md_cell((double)dx[r]);
        printf("|\n");
    }
    putchar('\n');
}

static void backward_act(nn_model *m, int i, const layer_view *v, const nn_real *x)
{
    const nn_real *da = nn_model_layer_output_grad(m, i)->data, *dz = layer_input_grad(m, i);
    const nn_real *z = layer_input(m, i, x);
    nn_real *dadz = malloc(sizeof *dadz * (size_t)v->out);
    if (!dadz) return;
    for (int j = 0; j < v->out; j++) {
        nn_real d = 0;
        if (v->np == 0) nn_act_eval(&v->act, z[j], &d);
        /* Learnable parameters live in the layer (one per unit maybe), not in the spec: the backward pass
         * itself tells the factor it applied. */
        else d = dz && da[j] != 0 ? dz[j] / da[j] : (nn_real)NAN;
        dadz[j] = d;
    }
    if (!md) {
        printf("[%d] %s\n", i, v->spec);
        vec("dL/da", da, v->out, NULL);
        vec("da/dz", dadz, v->out, "(= f'(z))");
        if (dz) vec("dL/dz", dz, v->out, "(= dL/da * da/dz)");
        if (v->np) {
            size_t n;
            const nn_real *g = nn_model_layer_grads(m, i, &n);
            vec("dL/dparams", g, (int)n, NULL);
        }
    } else {
        printf("**Layer %d: `%s`**: dL/dz_j = dL/da_j · f'(z_j)\n\n", i, v->spec);
        const char *cols[] = {"unit j", "z_j", "dL/da_j", "da/dz_j", "dL/dz_j"};
        md_head(cols, 5);
        for (int j = 0; j < v->out; j++) {
            printf("| %d ", j + 1);
            md_cell((double)z[j]);
            md_cell((double)da[j]);
            md_cell((double)dadz[j]);
            md_cell(dz ? (double)dz[j] : NAN);
            printf("|\n");
        }
        putchar('\n');
    }
    free(dadz);
}

static void backward_other(nn_model *m, int i, const layer_view *v)
{
    size_t n;
    const nn_real *dy = nn_model_layer_output_grad(m, i)->data, *dx = layer_input_grad(m, i);
    const nn_real *g = nn_model_layer_grads(m, i, &n);
    if (!md) {
        printf("[%d] %s\n", i, v->spec);
        vec("dL/dy", dy, v->out, NULL);
        if (n) vec("dL/dparams", g, (int)n, NULL);
        if (dx) vec("dL/dx", dx, v->in, NULL);
        return;
    }
    printf("**Layer %d: `%s`**\n\n", i, v->spec);
    const char *cols[] = {"unit j", "dL/dy_j"};
    md_head(cols, 2);
    for (int j = 0; j < v->out; j++) {
        printf("| %d ", j + 1);
        md_cell((double)dy[j]);
        printf("|\n");
    }
    putchar('\n');
    if (dx) {
        const char *c2[] = {"input i", "dL/dx_i"};
        md_head(c2, 2);
        for (int r = 0; r < v->in; r++) {
            printf("| %d ", r + 1);
            md_cell((double)dx[r]);
            printf("|\n");
        }
        putchar('\n');
    }
}

/* The head's probabilities from the logits, computed here: a predict call would overwrite the traced state. */
static void sgd_view(nn_model *m, int i, const layer_view *v, double lr)
{
    size_t n;
    const nn_real *p = nn_model_layer_params(m, i, &n), *g = nn_model_layer_grads(m, i, &n);
    if (!n) return;
    nn_real *q = malloc(sizeof *q * n);
    if (!q) return;
    for (size_t k = 0; k < n; k++) q[k] = (nn_real)((double)p[k] - lr * (double)g[k]);
    if (!md) {
        printf("[%d] %s\n", i, v->spec);
        if (v->kind == L_DENSE) {
            mat("W", q, v->in, v->out, NULL);
            vec("b", q + (size_t)v->in * v->out, v->out, NULL);
        } else {
            vec("params", q, (int)n, NULL);
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            char name[64];
            if (v->kind == L_DENSE && k < (size_t)v->in * v->out)
                snprintf(name, sizeof name, "W_%d,%d", (int)(k / v->out) + 1, (int)(k % v->out) + 1);
            else if (v->kind == L_DENSE)
                snprintf(name, sizeof name, "b_%d", (int)(k - (size_t)v->in * v->out) + 1);
            else
                snprintf(name, sizeof name, "p_%zu", k + 1);
            printf("| %d `%s` | %s ", i, v->spec, name);
            md_cell((double)p[k]);
            md_cell((double)g[k]);
            md_cell((double)q[k]);
            printf("|\n");
        }
    }
    free(q);
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
    if (loss_name && nn_loss_parse(loss_name, &loss) != NN_OK) {
        cli_error("trace: --loss: %s", nn_errmsg());
        goto done;
    }
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

    /* Forward. */
    if (md) {
        printf("## Trace of `%s`\n\nLoss `%s`, learning rate %g, %zu parameters. Sample x = (", spec,
               nn_loss_name(loss), lr, np);
        for (int i = 0; i < inputs; i++) {
            if (i) printf(", ");
            num((double)x[i]);
        }
        printf("), label y = ");
        num(yv);
        printf(".\n\n### Forward pass\n\n");
    } else {
        printf("trace: %s  loss=%s  lr=%g  parameters=%zu\n", spec, nn_loss_name(loss), lr, np);
        vec("x", x, inputs, "(the sample)");
        printf("    y = ");
        num(yv);
        printf("\n\nforward\n");
    }
    for (int i = 0; i < nl; i++) {
        if (views[i].kind == L_DENSE) forward_dense(m, i, &views[i]);
        else if (views[i].kind == L_ACT) forward_act(m, i, &views[i], x);
        else forward_other(m, i, &views[i]);
    }
    /* The loss head's own probabilities; for one sigmoid output the second is p. */
    nn_loss_predict(loss, out, NULL, probs);
    if (loss == NN_LOSS_SIGMOID_BCE) probs[0] = probs[1];
    const nn_real *dout = nn_model_layer_output_grad(m, nl - 1)->data;
    if (!md) {
        printf("loss %s: %s\n", nn_loss_name(loss), nn_loss_formula(loss));
        if (loss != NN_LOSS_MSE) vec("p", probs, outs, NULL);
        printf("    L = ");
        num(L);
        printf("\n\nbackward (chain rule, from the loss to the input)\nloss head\n");
        vec("dL/dz", dout, outs, "(gradient of the last layer's output)");
    } else {
        printf("**Loss** `%s`: %s. **L = ", nn_loss_name(loss), nn_loss_formula(loss));
        num(L);
        printf("**\n\n");
        const char *cols[] = {"output j", "z_j", loss == NN_LOSS_MSE ? "z_j" : "p_j", "dL/dz_j"};
        md_head(cols, 4);
        for (int j = 0; j < outs; j++) {
            printf("| %d ", j + 1);
            md_cell((double)out->data[j]);
            md_cell((double)probs[j]);
            md_cell((double)dout[j]);
            printf("|\n");
        }
        printf("\n### Backward pass\n\n");
    }
    for (int i = nl - 1; i >= 0; i--) {
        if (views[i].kind == L_DENSE) backward_dense(m, i, &views[i], x);
        else if (views[i].kind == L_ACT) backward_act(m, i, &views[i], x);
        else backward_other(m, i, &views[i]);
    }
    if (!md) {
        printf("\nsgd step (lr=%g): p <- p - lr * dL/dp\n", lr);
    } else {
        printf("### After one SGD step (lr = %g): p ← p − lr · dL/dp\n\n", lr);
        const char *cols[] = {"layer", "parameter", "before", "dL/dp", "after"};
        md_head(cols, 5);
    }
    for (int i = 0; i < nl; i++) sgd_view(m, i, &views[i], lr);
    rc = CLI_OK;
done:
    free(views);
    free(probs);
    free(w);
    free(x);
    nn_model_free(m);
    return rc;
}
