/* loss.c: the loss heads, each fused with its output non-linearity and written to stay finite for any finite logit. */
#include <math.h>
#include <string.h>
#include "loss.h"
#include "realmath.h"

static const char *const loss_names[NN_LOSS_COUNT] = {"none", "softmax-xent", "sigmoid-bce", "mse"};

const char *nn_loss_name(nn_loss l) { return (int)l >= 0 && l < NN_LOSS_COUNT ? loss_names[l] : "unknown"; }

const char *nn_loss_formula(nn_loss l)
{
    switch (l) {
    case NN_LOSS_SOFTMAX_XENT: return "p = softmax(z), L = -log p[y], dL/dz = p - onehot(y)";
    case NN_LOSS_SIGMOID_BCE: return "p = sigmoid(z), L = -(y log p + (1-y) log(1-p)), dL/dz = p - y";
    case NN_LOSS_MSE: return "L = mean_j (z_j - t_j)^2, dL/dz_j = 2 (z_j - t_j) / outputs";
    default: return "";
    }
}

nn_status nn_loss_parse(const char *name, nn_loss *out)
{
    static const struct { const char *name; nn_loss loss; } aliases[] = {
        {"xent", NN_LOSS_SOFTMAX_XENT}, {"ce", NN_LOSS_SOFTMAX_XENT}, {"cross-entropy", NN_LOSS_SOFTMAX_XENT},
        {"bce", NN_LOSS_SIGMOID_BCE},
    };
    for (int i = 0; i < NN_LOSS_COUNT; i++)
        if (!strcmp(name, loss_names[i])) { *out = (nn_loss)i; return NN_OK; }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcmp(name, aliases[i].name)) { *out = aliases[i].loss; return NN_OK; }
    return nn_fail(NN_EINVAL, "unknown loss '%s' (valid: softmax-xent, sigmoid-bce, mse, none)", name);
}

static int argmax(const nn_real *z, int n)
{
    int best = 0;
    for (int j = 1; j < n; j++)
        if (z[j] > z[best]) best = j;
    return best;
}

static nn_status check_class(const nn_real *y, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        if (!(y[r] >= 0 && y[r] < cols) || y[r] != (nn_real)(int)y[r])
            return nn_fail(NN_EINVAL, "row %d: label %g is not a class index in [0, %d)", r, (double)y[r], cols);
    return NN_OK;
}

/* -log softmax(z)[y] = logsumexp(z) - z[y]; subtracting the row maximum keeps every exp in (0, 1]. */
static nn_status softmax_xent(const nn_tensor *z, const nn_real *y, nn_tensor *dz, double *loss, int *correct)
{
    int rows = z->rows, cols = z->cols, ok = 0;
    if (check_class(y, rows, cols) != NN_OK) return NN_EINVAL;
    double total = 0;
    nn_real scale = (nn_real)1 / rows;
    for (int r = 0; r < rows; r++) {
        const nn_real *zr = nn_tensor_row(z, r);
        int best = argmax(zr, cols), label = (int)y[r];
        nn_real m = zr[best], sum = 0;
        ok += best == label;
        if (dz) {
            nn_real *g = nn_tensor_row(dz, r);
            for (int j = 0; j < cols; j++) sum += g[j] = R_EXP(zr[j] - m);
            nn_real inv = scale / sum;
            for (int j = 0; j < cols; j++) g[j] *= inv;
            g[label] -= scale;
        } else {
            for (int j = 0; j < cols; j++) sum += R_EXP(zr[j] - m);
        }
        total += (double)m + log((double)sum) - (double)zr[label];
    }
    *loss = total / rows;
    if (correct) *correct = ok;
    return NN_OK;
}

/* max(z, 0) - z y + log1p(exp(-|z|)): no exp of a positive number, so any finite z gives a finite loss. */
static nn_status sigmoid_bce(const nn_tensor *z, const nn_real *y, nn_tensor *dz, double *loss, int *correct)
{
    int rows = z->rows, ok = 0;
    double total = 0;
    nn_real scale = (nn_real)1 / rows;
    for (int r = 0; r < rows; r++)
        if (!(y[r] >= 0 && y[r] <= 1))
            return nn_fail(NN_EINVAL, "row %d: target %g of sigmoid-bce is not in [0, 1]", r, (double)y[r]);
    for (int r = 0; r < rows; r++) {
        nn_real v = z->data[r], t = y[r];
        nn_real e = R_EXP(-fabs(v));
        total += (double)(v > 0 ? v : 0) - (double)v * t + (double)R_LOG1P(e);
        ok += (v >= 0) == (t >= (nn_real)0.5);
        if (dz) {
            nn_real p = v >= 0 ? 1 / (1 + e) : e / (1 + e);
            dz->data[r] = (p - t) * scale;
        }
    }
    *loss = total / rows;
    if (correct) *correct = ok;
    return NN_OK;
}

/* Mean over rows and outputs, as torch.nn.MSELoss; several outputs take the label as a one-hot class. */
static nn_status mse(const nn_tensor *z, const nn_real *y, nn_tensor *dz, double *loss, int *correct)
{
    int rows = z->rows, cols = z->cols, ok = 0;
    if (cols > 1 && check_class(y, rows, cols) != NN_OK) return NN_EINVAL;
    double total = 0;
    nn_real scale = (nn_real)2 / ((nn_real)rows * cols);
    for (int r = 0; r < rows; r++) {
        const nn_real *zr = nn_tensor_row(z, r);
        nn_real *g = dz ? nn_tensor_row(dz, r) : NULL;
        for (int j = 0; j < cols; j++) {
            nn_real t = cols == 1 ? y[r] : (nn_real)(j == (int)y[r]);
            nn_real d = zr[j] - t;
            total += (double)d * d;
            if (g) g[j] = scale * d;
        }
        ok += cols == 1 ? fabs((double)zr[0] - y[r]) < 0.5 : argmax(zr, cols) == (int)y[r];
    }
    *loss = total / ((double)rows * cols);
    if (correct) *correct = ok;
    return NN_OK;
}

nn_status nn_loss_eval(nn_loss kind, const nn_tensor *z, const nn_real *y, nn_tensor *dz, double *loss,
                       int *correct)
{
    switch (kind) {
    case NN_LOSS_SOFTMAX_XENT: return softmax_xent(z, y, dz, loss, correct);
    case NN_LOSS_SIGMOID_BCE: return sigmoid_bce(z, y, dz, loss, correct);
    case NN_LOSS_MSE: return mse(z, y, dz, loss, correct);
    default: return nn_fail(NN_EINVAL, "the model has no loss head (nn_model_set_loss)");
    }
}

void nn_loss_predict(nn_loss kind, const nn_tensor *z, int *classes, nn_real *probs)
{
    int rows = z->rows, cols = z->cols;
    for (int r = 0; r < rows; r++) {
        const nn_real *zr = nn_tensor_row(z, r);
        if (kind == NN_LOSS_SIGMOID_BCE) {
            nn_real e = R_EXP(-fabs(zr[0]));
            nn_real p = zr[0] >= 0 ? 1 / (1 + e) : e / (1 + e);
            if (classes) classes[r] = zr[0] >= 0;
            if (probs) {
                probs[2 * r] = 1 - p;
                probs[2 * r + 1] = p;
            }
            continue;
        }
        int best = argmax(zr, cols);
        if (classes) classes[r] = cols == 1 ? zr[0] >= (nn_real)0.5 : best;
        if (!probs) continue;
        nn_real *pr = probs + (size_t)r * cols;
        if (kind != NN_LOSS_SOFTMAX_XENT) {
            memcpy(pr, zr, (size_t)cols * sizeof(nn_real));
            continue;
        }
        nn_real sum = 0;
        for (int j = 0; j < cols; j++) sum += pr[j] = R_EXP(zr[j] - zr[best]);
        for (int j = 0; j < cols; j++) pr[j] /= sum;
    }
}
