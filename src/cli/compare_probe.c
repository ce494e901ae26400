/* compare_probe.c: what compare measures inside a trained model: dead units and per-layer activation statistics,
 * the gradient-norm ratio first/last dense layer, and the decision boundary of 2-D data. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "plot.h"

int cmp_is_act_layer(const nn_model *m, int i) { return nn_model_layer_type(m, i) == NN_LAYER_ACT; }
int cmp_is_dense_layer(const nn_model *m, int i) { return nn_model_layer_type(m, i) == NN_LAYER_DENSE; }

/* Dead units and the statistics of every hidden activation layer's outputs over the whole training part,
 * inference mode. */
nn_status cmp_probe_units(nn_model *m, const nn_dataset *tr, int nhid, cmp_layers *L)
{
    int nl = nn_model_nlayers(m), total = 0, dead = 0;
    int *lay = malloc((size_t)(nhid > 0 ? nhid : 1) * sizeof *lay);
    char **alive = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *alive);
    double *sum = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *sum);
    double *sq = calloc((size_t)(nhid > 0 ? nhid : 1), sizeof *sq);
    nn_status s = NN_OK;
    if (!lay || !alive || !sum || !sq) {
        s = NN_ENOMEM;
        goto done;
    }
    for (int i = 0, h = 0; i < nl && h < nhid; i++)
        if (cmp_is_act_layer(m, i)) {
            lay[h] = i;
            if (!(alive[h] = calloc((size_t)nn_model_layer_outputs(m, i), 1))) {
                s = NN_ENOMEM;
                goto done;
            }
            h++;
        }
    for (int start = 0; start < tr->rows; start += 256) {
        int n = tr->rows - start < 256 ? tr->rows - start : 256;
        if ((s = nn_model_forward(m, tr->x + (size_t)start * tr->cols, n, 0, NULL)) != NN_OK) goto done;
        for (int h = 0; h < nhid; h++) {
            const nn_tensor *o = nn_model_layer_output(m, lay[h]);
            for (int q = 0; q < n; q++) {
                const nn_real *row = nn_tensor_row(o, q);
                for (int j = 0; j < o->cols; j++) {
                    double v = (double)row[j];
                    if (v != 0) alive[h][j] = 1;
                    sum[h] += v;
                    sq[h] += v * v;
                }
            }
        }
    }
    for (int h = 0; h < nhid; h++) {
        int w = nn_model_layer_outputs(m, lay[h]), dh = 0;
        double cnt = (double)w * tr->rows, mu = sum[h] / cnt;
        for (int j = 0; j < w; j++) dh += !alive[h][j];
        L->mean[h] = mu;
        L->std[h] = sqrt(fmax(0, sq[h] / cnt - mu * mu));
        L->dead[h] = (double)dh / w;
        total += w;
        dead += dh;
    }
    L->dead_all = total ? (double)dead / total : NAN;
done:
    for (int h = 0; alive && h < nhid; h++) free(alive[h]);
    free(alive), free(lay), free(sum), free(sq);
    return s;
}

/* The gradient norm of the first dense layer over that of the last on one batch: the first `batch` rows of
 * the training part as the split left them (every dense layer's norm into L->grad), training mode. Far below 1: gradients vanish on the way down. */
nn_status cmp_probe_grads(nn_model *m, const nn_dataset *tr, int batch, cmp_layers *L)
{
    int nl = nn_model_nlayers(m), nd = 0;
    double first = NAN, last = NAN;
    L->grad_ratio = NAN;
    int rows = batch < tr->rows ? batch : tr->rows;
    double loss;
    nn_status s = nn_model_forward(m, tr->x, rows, 1, NULL);
    if (s == NN_OK) s = nn_model_loss(m, tr->y, &loss, NULL);
    if (s != NN_OK) return s;
    nn_model_zero_grad(m);
    if ((s = nn_model_backward(m)) != NN_OK) return s;
    for (int i = 0; i < nl; i++) {
        if (!cmp_is_dense_layer(m, i)) continue;
        size_t n;
        double norm = 0;
        const nn_real *g = nn_model_layer_grads(m, i, &n);
        for (size_t k = 0; k < n; k++) norm += (double)g[k] * (double)g[k];
        norm = sqrt(norm);
        if (nd < L->ngrad) L->grad[nd] = norm;
        if (nd++ == 0) first = norm;
        last = norm;
    }
    if (nd > 1 && last > 0) L->grad_ratio = first / last;
    return NN_OK;
}

/* The first seed's model classifies a grid over the data's range; each pixel takes its class's colour,
 * paler where the model is less sure, so that the boundary shows as a soft edge. */
nn_status cmp_draw_boundary(const cmp_grid *p, nn_model *m, const nn_dataset *tr, cmp_boundary *b)
{
    int n = CMP_GRID * CMP_GRID, k = nn_model_classes(m);
    nn_real *x = malloc((size_t)n * 2 * sizeof *x), *pr = malloc((size_t)n * (size_t)k * sizeof *pr);
    int *cls = malloc((size_t)n * sizeof *cls);
    b->rgb = malloc((size_t)n * 3);
    b->px = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->px);
    b->py = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->py);
    b->pc = malloc((size_t)(tr->rows > 0 ? tr->rows : 1) * sizeof *b->pc);
    nn_status s = NN_ENOMEM;
    if (!x || !pr || !cls || !b->rgb || !b->px || !b->py || !b->pc) goto done;
    double dx = (p->x1 - p->x0) / CMP_GRID, dy = (p->y1 - p->y0) / CMP_GRID;
    for (int j = 0; j < CMP_GRID; j++)
        for (int i = 0; i < CMP_GRID; i++) {
            x[2 * (j * CMP_GRID + i)] = (nn_real)(p->x0 + (i + 0.5) * dx);
            x[2 * (j * CMP_GRID + i) + 1] = (nn_real)(p->y0 + (j + 0.5) * dy);
        }
    if ((s = nn_model_predict(m, x, n, cls, pr)) != NN_OK) goto done;
    for (int q = 0; q < n; q++) {
        double conf = (double)pr[(size_t)q * k + cls[q]], strength = (conf - 1.0 / k) / (1 - 1.0 / k);
        if (!(strength >= 0)) strength = 0;
        if (strength > 1) strength = 1;
        double mix = 0.12 + 0.5 * strength;
        unsigned c = cli_plot_colour(cls[q]);
        for (int ch = 0; ch < 3; ch++) {
            double v = (double)((c >> (16 - 8 * ch)) & 0xff);
            b->rgb[3 * q + ch] = (unsigned char)lround(255 * (1 - mix) + v * mix);
        }
    }
    for (int i = 0; i < tr->rows; i++) {
        b->px[i] = (double)tr->x[(size_t)i * 2];
        b->py[i] = (double)tr->x[(size_t)i * 2 + 1];
        b->pc[i] = (int)tr->y[i];
    }
    b->np = tr->rows;
done:
    free(x), free(pr), free(cls);
    return s;
}
