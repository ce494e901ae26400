/* web/playground.c: the run behind the browser playground (see playground.h), on nnlab's public API only. */
#include <math.h>
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
    free(p);
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
    p->data = nn_dataset_generate(data, n, classes, noise, s);
    if (!p->data) goto fail;
    int k = p->data->nclasses;
    if (lk == NN_LOSS_SIGMOID_BCE && k > 2) {
        snprintf(own_msg, sizeof own_msg, "sigmoid-bce takes two classes; this data set has %d", k);
        goto fail;
    }
    char spec[1024];
    snprintf(spec, sizeof spec, "%s%sdense:%d", arch, *arch ? "," : "", lk == NN_LOSS_SIGMOID_BCE ? 1 : k);
    p->model = nn_model_from_spec(2, spec, lk, s);
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
