/* web/playground.c: the run behind the browser playground (see playground.h), on nnlab's public API only. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nnlab.h>
#include "playground.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define PG_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define PG_EXPORT
#endif

#define PG_HIST_MAX 64

struct pg {
    nn_dataset *data;
    nn_model *model;
    nn_optim *opt;
    nn_rng rng;          /* shuffling */
    int *order;          /* this epoch's row order */
    nn_real *bx, *by;    /* one batch, gathered */
    int batch, epochs, done; /* done: batches of the current epoch trained */
    int res;             /* grid */
    nn_real *gx, *gprob;
    int *gclass;
    int *dead;           /* per layer, from pg_stats */
    char spec[256];
    char arch[1024];     /* the whole model, output layer included, for pg_trace's copy */
    nn_loss loss;
    uint64_t seed;
    int hist[PG_HIST_MAX], hist_bins; /* from pg_hist */
    double hist_lo, hist_hi;
    char *json;          /* from pg_trace */
    size_t json_len, json_cap;
    double trace_loss;
};

/* A failure of this file's own checks; otherwise the library's message is the one to show. */
static char own_msg[160];

PG_EXPORT const char *pg_errmsg(void) { return own_msg[0] ? own_msg : nn_errmsg(); }

PG_EXPORT void pg_free(pg *p)
{
    if (!p) return;
    nn_dataset_free(p->data);
    nn_model_free(p->model);
    nn_optim_free(p->opt);
    free(p->order);
    free(p->bx);
    free(p->by);
    free(p->gx);
    free(p->gprob);
    free(p->gclass);
    free(p->dead);
    free(p->json);
    free(p);
}

/* "x1,x2,label;x1,x2,label;..." read by the library's CSV reader, the labels as class ids. */
static nn_dataset *read_points(const char *text)
{
    size_t len = strlen(text);
    char *csv = malloc(len + 1);
    if (!csv) return NULL;
    for (size_t i = 0; i <= len; i++) csv[i] = text[i] == ';' ? '\n' : text[i];
    nn_csv_opts o = nn_csv_defaults();
    o.header = 0;
    o.labels = NN_LABELS_IDS;
    nn_dataset *d = nn_dataset_parse_csv(csv, len, "points", &o);
    free(csv);
    if (d && (d->cols != 2 || d->nclasses < 2)) {
        snprintf(own_msg, sizeof own_msg, "points: give x1,x2,class for each point, ';' between points");
        nn_dataset_free(d);
        return NULL;
    }
    return d;
}

static void reshuffle(pg *p)
{
    for (int i = 0; i < p->data->rows; i++) p->order[i] = i;
    nn_rng_shuffle(&p->rng, p->order, (size_t)p->data->rows);
}

PG_EXPORT pg *pg_new(const char *data, int n, int classes, double noise, const char *arch, const char *loss,
                     const char *opt, int batch, double seed)
{
    nn_errclear();
    own_msg[0] = 0;
    /* Emscripten's sysconf reports the initial 16 MB heap as the machine's memory, and the library's default
     * limit is half of that; the heap grows (to 2 GB), so the limit the browser really has applies instead. */
    if (nn_memory_limit() < ((size_t)1 << 30)) nn_set_memory_limit((size_t)1 << 30);
    nn_loss lk;
    if (nn_loss_parse(loss, &lk) != NN_OK) return NULL;
    if (!arch) arch = "";
    if (!data) data = "";
    if (batch < 1) {
        snprintf(own_msg, sizeof own_msg, "the batch size must be at least 1");
        return NULL;
    }
    pg *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    uint64_t s = (uint64_t)seed;
    if (strcmp(data, "blobs") && strcmp(data, "spirals")) classes = 2; /* the others are two-class tasks */
    p->data = strncmp(data, "points:", 7) ? nn_dataset_generate(data, n, classes, noise, s) : read_points(data + 7);
    if (!p->data) goto fail;
    n = p->data->rows;
    int k = p->data->nclasses;
    if (lk == NN_LOSS_SIGMOID_BCE && k > 2) {
        snprintf(own_msg, sizeof own_msg, "sigmoid-bce takes two classes; this data set has %d", k);
        goto fail;
    }
    snprintf(p->arch, sizeof p->arch, "%s%sdense:%d", arch, *arch ? "," : "", lk == NN_LOSS_SIGMOID_BCE ? 1 : k);
    p->loss = lk;
    p->seed = s;
    p->model = nn_model_from_spec(2, p->arch, lk, s);
    /* the gradient histograms read every layer's dL/d(output) of the last batch */
    if (p->model && nn_model_keep_grads(p->model, 1) != NN_OK) goto fail;
    p->opt = p->model ? nn_optim_parse(opt) : NULL;
    if (!p->opt) goto fail;
    p->batch = batch < n ? batch : n;
    p->order = malloc(sizeof *p->order * (size_t)n);
    p->dead = calloc((size_t)nn_model_nlayers(p->model), sizeof *p->dead);
    p->bx = malloc(sizeof *p->bx * 2 * (size_t)p->batch);
    p->by = malloc(sizeof *p->by * (size_t)p->batch);
    if (!p->order || !p->bx || !p->by || !p->dead) goto fail;
    nn_rng_seed(&p->rng, s ^ 0x9e3779b97f4a7c15u);
    reshuffle(p);
    return p;
fail:
    pg_free(p);
    return NULL;
}

PG_EXPORT int pg_batches_per_epoch(const pg *p) { return (p->data->rows + p->batch - 1) / p->batch; }
PG_EXPORT int pg_epochs(const pg *p) { return p->epochs; }
PG_EXPORT int pg_batch(const pg *p) { return p->done; }

PG_EXPORT double pg_step(pg *p, int batches)
{
    double loss = NAN;
    own_msg[0] = 0;
    for (int b = 0; b < batches; b++) {
        int r0 = p->done * p->batch, rows = p->data->rows - r0 < p->batch ? p->data->rows - r0 : p->batch;
        for (int i = 0; i < rows; i++) {
            int r = p->order[r0 + i];
            p->bx[2 * i] = p->data->x[2 * r];
            p->bx[2 * i + 1] = p->data->x[2 * r + 1];
            p->by[i] = p->data->y[r];
        }
        if (nn_train_step(p->model, p->opt, p->bx, p->by, rows, &loss) != NN_OK) return NAN;
        if (!isfinite(loss)) {
            snprintf(own_msg, sizeof own_msg, "the loss became %g in epoch %d, batch %d: the run diverged (a lower "
                     "learning rate may help)", loss, p->epochs + 1, p->done + 1);
            return NAN;
        }
        if (++p->done == pg_batches_per_epoch(p)) {
            p->done = 0;
            p->epochs++;
            reshuffle(p);
        }
    }
    return loss;
}

PG_EXPORT double pg_epoch(pg *p) { return pg_step(p, pg_batches_per_epoch(p) - p->done); }

static double evaluate(pg *p, int want_acc)
{
    double loss, acc;
    if (nn_evaluate(p->model, p->data, 0, &loss, &acc) != NN_OK) return NAN;
    return want_acc ? acc : loss;
}

PG_EXPORT double pg_loss(pg *p) { return evaluate(p, 0); }
PG_EXPORT double pg_accuracy(pg *p) { return evaluate(p, 1); }
PG_EXPORT int pg_rows(const pg *p) { return p->data->rows; }
PG_EXPORT int pg_classes(const pg *p) { return p->data->nclasses; }
PG_EXPORT double pg_x(const pg *p, int i, int coord) { return p->data->x[2 * i + coord]; }
PG_EXPORT int pg_label(const pg *p, int i) { return (int)p->data->y[i]; }

PG_EXPORT int pg_grid(pg *p, int res, double x0, double x1, double y0, double y1)
{
    int k = nn_model_classes(p->model);
    size_t cells = (size_t)res * (size_t)res;
    if (res != p->res) {
        free(p->gx), free(p->gprob), free(p->gclass);
        p->gx = malloc(sizeof *p->gx * 2 * cells);
        p->gprob = malloc(sizeof *p->gprob * (size_t)k * cells);
        p->gclass = malloc(sizeof *p->gclass * cells);
        p->res = p->gx && p->gprob && p->gclass ? res : 0;
        if (!p->res) return -1;
    }
    for (int r = 0; r < res; r++)
        for (int c = 0; c < res; c++) {
            size_t i = (size_t)r * (size_t)res + (size_t)c;
            p->gx[2 * i] = (nn_real)(x0 + (x1 - x0) * (c + 0.5) / res);
            p->gx[2 * i + 1] = (nn_real)(y1 - (y1 - y0) * (r + 0.5) / res);
        }
    if (nn_model_predict(p->model, p->gx, (int)cells, p->gclass, p->gprob) != NN_OK) return -1;
    /* keep only the predicted class's probability, compacted to one per cell */
    for (size_t i = 0; i < cells; i++) p->gprob[i] = p->gprob[i * (size_t)k + (size_t)p->gclass[i]];
    return 0;
}

PG_EXPORT int pg_grid_class(const pg *p, int i) { return p->gclass[i]; }
PG_EXPORT double pg_grid_prob(const pg *p, int i) { return p->gprob[i]; }

PG_EXPORT int pg_layers(const pg *p) { return nn_model_nlayers(p->model); }
PG_EXPORT int pg_layer_width(const pg *p, int i) { return nn_model_layer_outputs(p->model, i); }
PG_EXPORT int pg_layer_dead(const pg *p, int i) { return p->dead[i]; }

PG_EXPORT const char *pg_layer_spec(pg *p, int i)
{
    nn_model_layer_spec(p->model, i, p->spec, sizeof p->spec);
    return p->spec;
}

PG_EXPORT int pg_stats(pg *p)
{
    if (nn_model_forward(p->model, p->data->x, p->data->rows, 0, NULL) != NN_OK) return -1;
    for (int i = 0; i < nn_model_nlayers(p->model); i++) {
        const nn_tensor *t = nn_model_layer_output(p->model, i);
        p->dead[i] = 0;
        for (int u = 0; u < t->cols; u++) {
            int varies = 0;
            for (int r = 1; r < t->rows && !varies; r++) varies = nn_tensor_row(t, r)[u] != t->data[u];
            p->dead[i] += !varies;
        }
    }
    return 0;
}

PG_EXPORT double pg_layer_gradnorm(pg *p, int i)
{
    size_t n = 0;
    const nn_real *g = nn_model_layer_grads(p->model, i, &n);
    double s = 0;
    for (size_t k = 0; g && k < n; k++) s += (double)g[k] * (double)g[k];
    return sqrt(s);
}

PG_EXPORT int pg_set_params(pg *p, const char *values)
{
    own_msg[0] = 0;
    size_t np = nn_model_nparams(p->model), k = 0;
    nn_real *w = nn_model_params(p->model);
    if (!w) return -1;
    for (const char *s = values;;) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        char *end;
        double v = strtod(s, &end);
        if (end == s || !isfinite(v) || k == np) {
            snprintf(own_msg, sizeof own_msg, k == np ? "weights: more than the model's %zu parameters"
                     : "weights: value %zu is not a finite number", k == np ? np : k + 1);
            return -1;
        }
        w[k++] = (nn_real)v;
        s = end;
    }
    if (k != np) {
        snprintf(own_msg, sizeof own_msg, "weights: %zu values for the model's %zu parameters (layer by layer, "
                 "a dense layer's W row by row, then b)", k, np);
        return -1;
    }
    return 0;
}

PG_EXPORT int pg_hist(pg *p, int i, int grads, int bins)
{
    const nn_tensor *t = grads ? nn_model_layer_output_grad(p->model, i) : nn_model_layer_output(p->model, i);
    if (!t || bins < 1 || bins > PG_HIST_MAX) return -1;
    size_t n = (size_t)t->rows * (size_t)t->cols;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double v = (double)t->data[k];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    if (!(lo <= hi)) lo = hi = 0; /* no finite value */
    if (hi - lo < 1e-300 + 1e-12 * fabs(hi)) lo -= 0.5 * fabs(lo) + 1e-30, hi += 0.5 * fabs(hi) + 1e-30;
    memset(p->hist, 0, sizeof p->hist);
    for (size_t k = 0; k < n; k++) {
        double v = (double)t->data[k];
        if (!isfinite(v)) continue;
        int b = (int)((v - lo) / (hi - lo) * bins);
        p->hist[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
    }
    p->hist_bins = bins;
    p->hist_lo = lo;
    p->hist_hi = hi;
    return 0;
}

PG_EXPORT int pg_hist_count(const pg *p, int b) { return b >= 0 && b < p->hist_bins ? p->hist[b] : 0; }
PG_EXPORT double pg_hist_lo(const pg *p) { return p->hist_lo; }
PG_EXPORT double pg_hist_hi(const pg *p) { return p->hist_hi; }

/* pg_trace's JSON text, grown as needed; a failed allocation marks it (json_cap == SIZE_MAX). */
static void put(pg *p, const char *fmt, ...)
{
    if (p->json_cap == SIZE_MAX) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = p->json_cap - p->json_len;
        int n = vsnprintf(p->json ? p->json + p->json_len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if ((size_t)n < room) {
            p->json_len += (size_t)n;
            return;
        }
        size_t cap = 2 * (p->json_cap + (size_t)n) + 256;
        char *j = realloc(p->json, cap);
        if (!j) {
            p->json_cap = SIZE_MAX;
            return;
        }
        p->json = j;
        p->json_cap = cap;
    }
}

static void put_num(pg *p, double v)
{
    if (isfinite(v)) put(p, "%.17g", v);
    else put(p, "null");
}

/* ,"key":[v0,v1,...] (null for a missing array) */
static void put_vec(pg *p, const char *key, const nn_real *v, size_t n)
{
    put(p, ",\"%s\":", key);
    if (!v) {
        put(p, "null");
        return;
    }
    put(p, "[");
    for (size_t k = 0; k < n; k++) {
        if (k) put(p, ",");
        put_num(p, (double)v[k]);
    }
    put(p, "]");
}

/* ,"key":"text" for the library's formula texts, which hold no quote or backslash */
static void put_str(pg *p, const char *key, const char *text) { put(p, ",\"%s\":\"%s\"", key, text ? text : ""); }

/* One backprop step for point i as nnlab trace shows it (src/cli/trace.c): a copy of the model, so that the
 * run's own buffers, gradients and read-outs stay as they are. */
PG_EXPORT const char *pg_trace(pg *p, int i, double lr)
{
    own_msg[0] = 0;
    nn_errclear();
    if (i < 0 || i >= p->data->rows) {
        snprintf(own_msg, sizeof own_msg, "trace: no point %d", i);
        return NULL;
    }
    nn_model *m = nn_model_from_spec(2, p->arch, p->loss, p->seed);
    nn_real *probs = NULL;
    const nn_real *x = p->data->x + 2 * (size_t)i, *y = p->data->y + i;
    const nn_tensor *out;
    double L;
    if (!m || nn_model_nparams(m) != nn_model_nparams(p->model) || nn_model_nstate(m) != nn_model_nstate(p->model))
        goto fail;
    memcpy(nn_model_params(m), nn_model_params(p->model), sizeof(nn_real) * nn_model_nparams(m));
    if (nn_model_nstate(m)) memcpy(nn_model_state(m), nn_model_state(p->model), sizeof(nn_real) * nn_model_nstate(m));
    if (nn_model_keep_grads(m, 1) != NN_OK || nn_model_forward(m, x, 1, 1, &out) != NN_OK ||
        nn_model_loss(m, y, &L, NULL) != NN_OK)
        goto fail;
    nn_model_zero_grad(m);
    if (nn_model_backward(m) != NN_OK) goto fail;
    int nl = nn_model_nlayers(m), outs = nn_model_outputs(m);
    probs = malloc(sizeof *probs * (size_t)(2 * outs)); /* [1 - p, p] for a sigmoid head */
    if (!probs) goto fail;
    nn_loss_predict(p->loss, out, NULL, probs);
    if (p->loss == NN_LOSS_SIGMOID_BCE) probs[0] = probs[1];
    p->json_len = 0;
    if (p->json_cap == SIZE_MAX) p->json_cap = 0;
    put(p, "{\"point\":%d", i);
    put_vec(p, "x", x, 2);
    put(p, ",\"y\":");
    put_num(p, (double)*y);
    put(p, ",\"lr\":");
    put_num(p, lr);
    put_str(p, "loss", nn_loss_name(p->loss));
    put_str(p, "head", nn_loss_formula(p->loss));
    put_vec(p, "z", out->data, (size_t)outs);
    put_vec(p, "p", p->loss == NN_LOSS_MSE ? NULL : probs, (size_t)outs);
    put(p, ",\"L\":");
    put_num(p, L);
    put_vec(p, "dz", nn_model_layer_output_grad(m, nl - 1)->data, (size_t)outs);
    put(p, ",\"layers\":[");
    for (int l = 0; l < nl; l++) {
        int in = nn_model_layer_inputs(m, l), o = nn_model_layer_outputs(m, l);
        nn_layer_type type = nn_model_layer_type(m, l);
        nn_act act;
        int is_act = nn_model_layer_act(m, l, &act);
        size_t np, ng;
        const nn_real *par = nn_model_layer_params(m, l, &np), *g = nn_model_layer_grads(m, l, &ng);
        const nn_real *xin = l ? nn_model_layer_output(m, l - 1)->data : x, *a = nn_model_layer_output(m, l)->data;
        const nn_real *da = nn_model_layer_output_grad(m, l)->data;
        const nn_tensor *dxt = l ? nn_model_layer_output_grad(m, l - 1) : nn_model_input_grad(m);
        nn_model_layer_spec(m, l, p->spec, sizeof p->spec);
        put(p, "%s{\"spec\":\"%s\",\"kind\":\"%s\",\"in\":%d,\"out\":%d", l ? "," : "", p->spec,
            type == NN_LAYER_DENSE ? "dense" : is_act ? "act" : "other", in, o);
        put_vec(p, "input", xin, (size_t)in);
        put_vec(p, "output", a, (size_t)o);
        put_vec(p, "doutput", da, (size_t)o);
        put_vec(p, "dinput", dxt ? dxt->data : NULL, (size_t)in);
        if (is_act) {
            const nn_act_info *info = nn_act_info_of(act.id);
            put_str(p, "f", info ? info->formula : "?");
            put_str(p, "df", info ? info->derivative : "?");
            put(p, ",\"dadz\":[");
            for (int j = 0; j < o; j++) {
                nn_real d = 0;
                if (np == 0) nn_act_eval(&act, xin[j], &d);
                /* learnable parameters live in the layer, not the spec: the backward pass tells the factor */
                else d = dxt && da[j] != 0 ? dxt->data[j] / da[j] : (nn_real)NAN;
                put(p, j ? "," : "");
                put_num(p, (double)d);
            }
            put(p, "]");
        }
        put_vec(p, "params", np ? par : NULL, np);
        put_vec(p, "grads", np ? g : NULL, ng);
        put(p, ",\"after\":");
        if (!np) put(p, "null");
        for (size_t k = 0; k < np; k++) {
            put(p, k ? "," : "[");
            put_num(p, (double)par[k] - lr * (double)g[k]);
        }
        put(p, np ? "]}" : "}");
    }
    put(p, "]}");
    free(probs);
    nn_model_free(m);
    if (p->json_cap == SIZE_MAX) {
        snprintf(own_msg, sizeof own_msg, "trace: out of memory");
        return NULL;
    }
    p->trace_loss = L;
    return p->json;
fail:
    if (!own_msg[0] && !nn_errmsg()[0]) snprintf(own_msg, sizeof own_msg, "trace: out of memory");
    free(probs);
    nn_model_free(m);
    return NULL;
}

PG_EXPORT double pg_trace_loss(const pg *p) { return p->trace_loss; }
