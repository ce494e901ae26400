/* model.c: the sequential model: building from specs, one flat parameter vector, forward, loss, backward in reverse. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "loss.h"
#include "model_internal.h"
#include "pool.h"

nn_model *nn_model_new(int inputs, uint64_t seed)
{
    if (inputs < 1) {
        nn_fail(NN_ESHAPE, "a model needs at least one input, got %d", inputs);
        return NULL;
    }
    nn_model *m = nn_calloc(1, sizeof *m);
    if (!m) return NULL;
    m->inputs = inputs;
    m->seed = seed;
    nn_threads_default();
    return m;
}

static void free_layer(nn_layer *L)
{
    nn_tensor_release(&L->y);
    free(L->aux);
    free(L->cfg); /* a layer's cfg is one plain allocation */
}

void nn_model_free(nn_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->nlayers; i++) {
        free_layer(&m->layers[i]);
        nn_tensor_release(&m->kept[i]);
    }
    free(m->layers);
    free(m->kept);
    free(m->params);
    free(m->grads);
    free(m->state);
    free(m->mean);
    free(m->std);
    free(m->meta);
    nn_tensor_release(&m->xown);
    nn_tensor_release(&m->dout);
    nn_tensor_release(&m->g[0]);
    nn_tensor_release(&m->g[1]);
    nn_tensor_release(&m->g[2]);
    nn_tensor_release(&m->dxin);
    nn_pool_free(m->pool);
    free(m);
}

nn_status nn_model_set_threads(nn_model *m, int n)
{
    if (!m) return nn_fail(NN_EINVAL, "nn_model_set_threads: NULL model");
    if (n < 0 || n > NN_POOL_MAX) return nn_fail(NN_EINVAL, "threads=%d is not in [0, %d]", n, NN_POOL_MAX);
    m->threads = n;
    return NN_OK;
}

int nn_model_threads(const nn_model *m) { return m && m->threads ? m->threads : nn_get_threads(); }

nn_status nn_model_sync_pool(nn_model *m)
{
    int want = nn_model_threads(m);
    if (want > NN_POOL_MAX) want = NN_POOL_MAX;
    if (want != m->pool_threads) {
        nn_pool_free(m->pool);
        m->pool = NULL;
        m->pool_threads = 0;
        if (want > 1 && !(m->pool = nn_pool_new(want))) return nn_fail_prefix(NN_ENOMEM, "%d threads", want);
        m->pool_threads = want;
    }
    for (int i = 0; i < m->nlayers; i++) m->layers[i].pool = m->pool;
    return NN_OK;
}

nn_status nn_model_set_meta(nn_model *m, const char *text)
{
    if (!m) return nn_fail(NN_EINVAL, "nn_model_set_meta: NULL model");
    if (text && strlen(text) > NN_META_MAX)
        return nn_fail(NN_EINVAL, "model metadata of %zu bytes is longer than %d", strlen(text), NN_META_MAX);
    char *copy = NULL;
    if (text && *text) {
        if (!(copy = nn_malloc(strlen(text) + 1))) return NN_ENOMEM;
        memcpy(copy, text, strlen(text) + 1);
    }
    free(m->meta);
    m->meta = copy;
    return NN_OK;
}

const char *nn_model_meta(const nn_model *m) { return m && m->meta ? m->meta : ""; }

int nn_model_inputs(const nn_model *m) { return m->inputs; }
int nn_model_outputs(const nn_model *m) { return m->nlayers ? m->layers[m->nlayers - 1].out : m->inputs; }
int nn_model_nlayers(const nn_model *m) { return m->nlayers; }
nn_loss nn_model_loss_kind(const nn_model *m) { return m->loss; }

int nn_model_classes(const nn_model *m)
{
    int out = nn_model_outputs(m);
    return m->loss == NN_LOSS_SIGMOID_BCE && out == 1 ? 2 : out;
}

nn_status nn_model_add(nn_model *m, const char *spec)
{
    if (!m || !spec) return nn_fail(NN_EINVAL, "nn_model_add: NULL argument");
    if (m->built) return nn_fail(NN_EINVAL, "layers can only be added before the model's first use");
    if (m->nlayers == m->cap) {
        int cap = m->cap ? 2 * m->cap : 8;
        nn_layer *l = realloc(m->layers, (size_t)cap * sizeof *l);
        if (!l) return nn_fail(NN_ENOMEM, "out of memory adding a layer");
        m->layers = l;
        nn_tensor *k = realloc(m->kept, (size_t)cap * sizeof *k);
        if (!k) return nn_fail(NN_ENOMEM, "out of memory adding a layer");
        m->kept = k;
        m->cap = cap;
    }
    nn_layer *L = &m->layers[m->nlayers];
    nn_status s = nn_layer_create(L, nn_model_outputs(m), spec);
    if (s != NN_OK) {
        free(L->cfg);
        return nn_fail_prefix(s, "layer %d '%s'", m->nlayers + 1, spec);
    }
    if (m->loss == NN_LOSS_SIGMOID_BCE && L->out != 1) {
        free_layer(L);
        return nn_fail(NN_ESHAPE, "layer %d '%s': sigmoid-bce needs one output, this gives %d", m->nlayers + 1,
                       spec, L->out);
    }
    L->param_off = m->nparams;
    L->state_off = m->nstate;
    m->nparams += L->nparams;
    m->nstate += L->nstate;
    memset(&m->kept[m->nlayers], 0, sizeof m->kept[0]);
    m->nlayers++;
    return NN_OK;
}

nn_status nn_model_add_arch(nn_model *m, const char *arch)
{
    if (!m || !arch) return nn_fail(NN_EINVAL, "nn_model_add_arch: NULL argument");
    if (!*arch) return nn_fail(NN_EINVAL, "empty architecture");
    char tok[NN_SPEC_MAXLEN];
    size_t pos = 0;
    do {
        nn_status s = nn_spec_list_next(arch, &pos, tok, sizeof tok);
        if (s == NN_OK) s = nn_model_add(m, tok);
        if (s != NN_OK) return s;
    } while (arch[pos]);
    return NN_OK;
}

nn_status nn_model_add_dense(nn_model *m, int out, nn_init init)
{
    char spec[64];
    if (init == NN_INIT_AUTO) snprintf(spec, sizeof spec, "dense:%d", out);
    else snprintf(spec, sizeof spec, "dense:%d:init=%s", out, nn_init_name(init));
    return nn_model_add(m, spec);
}

nn_status nn_model_add_act(nn_model *m, const nn_act *act)
{
    char spec[NN_SPEC_MAXLEN];
    if (!act) return nn_fail(NN_EINVAL, "nn_model_add_act: NULL activation");
    if (nn_act_format(act, spec, sizeof spec) >= (int)sizeof spec)
        return nn_fail(NN_EINVAL, "activation spec too long");
    return nn_model_add(m, spec);
}

nn_status nn_model_add_prelu(nn_model *m, int per_unit)
{
    return nn_model_add(m, per_unit ? "prelu:shared=0" : "prelu");
}

nn_status nn_model_add_maxout(nn_model *m, int units, int k)
{
    char spec[64];
    snprintf(spec, sizeof spec, "maxout:%d:k=%d", units, k);
    return nn_model_add(m, spec);
}

nn_status nn_model_set_init(nn_model *m, nn_init init)
{
    if (!m) return nn_fail(NN_EINVAL, "nn_model_set_init: NULL model");
    if ((int)init < 0 || init >= NN_INIT_COUNT) return nn_fail(NN_EINVAL, "nn_model_set_init: unknown initialiser %d", (int)init);
    if (m->built) return nn_fail(NN_EINVAL, "the initialiser can only be set before the model's first use");
    for (int i = 0; i < m->nlayers; i++)
        if (m->layers[i].nweights > 0 && m->layers[i].init == NN_INIT_AUTO) m->layers[i].init = init;
    return NN_OK;
}

/* A final softmax under softmax-xent (the Keras habit of softmax + categorical cross-entropy) trains badly:
 * the loss applies softmax itself, so the scores are squashed twice and the gradient nearly vanishes
 * (iris stalls at 0.33). A final log_softmax is redundant. Both are refused with what to write instead. */
static nn_status check_softmax_head(const nn_model *m, nn_loss loss)
{
    if (loss != NN_LOSS_SOFTMAX_XENT || !m->nlayers) return NN_OK;
    const char *kind = m->layers[m->nlayers - 1].ops->kind;
    if (strcmp(kind, "softmax") && strcmp(kind, "log_softmax")) return NN_OK;
    return nn_fail(NN_EINVAL,
                   "layer %d '%s' ends the model, but the softmax-xent loss already applies %s to the outputs: "
                   "%s; remove it and end the model with the dense layer of one output per class (predict still returns "
                   "class probabilities)", m->nlayers, kind, kind[0] == 's' ? "softmax" : "log_softmax",
                   kind[0] == 's' ? "softmax applied twice squashes the scores and training stalls (iris stays "
                                    "near 0.33 accuracy)"
                                  : "a second log_softmax is redundant");
}

nn_status nn_model_set_loss(nn_model *m, nn_loss loss)
{
    if ((int)loss < 0 || loss >= NN_LOSS_COUNT) return nn_fail(NN_EINVAL, "unknown loss %d", (int)loss);
    if (loss == NN_LOSS_SIGMOID_BCE && m->nlayers && nn_model_outputs(m) != 1)
        return nn_fail(NN_ESHAPE, "sigmoid-bce needs a model with one output, this one has %d", nn_model_outputs(m));
    nn_status s = check_softmax_head(m, loss);
    if (s != NN_OK) return s;
    m->loss = loss;
    return NN_OK;
}

nn_model *nn_model_from_spec(int inputs, const char *arch, nn_loss loss, uint64_t seed)
{
    nn_model *m = nn_model_new(inputs, seed);
    if (!m) return NULL;
    if (nn_model_add_arch(m, arch) != NN_OK || nn_model_set_loss(m, loss) != NN_OK) {
        nn_model_free(m);
        return NULL;
    }
    return m;
}

int nn_model_layer_spec(const nn_model *m, int i, char *buf, size_t size)
{
    if (i < 0 || i >= m->nlayers) return size ? (buf[0] = '\0', 0) : 0;
    return nn_layer_format(&m->layers[i], buf, size);
}

int nn_model_spec(const nn_model *m, char *buf, size_t size)
{
    size_t n = 0;
    if (size) buf[0] = '\0';
    for (int i = 0; i < m->nlayers; i++) {
        char tok[NN_SPEC_MAXLEN];
        nn_model_layer_spec(m, i, tok, sizeof tok);
        int w = snprintf(n < size ? buf + n : NULL, n < size ? size - n : 0, "%s%s", i ? "," : "", tok);
        n += (size_t)w;
    }
    return (int)n;
}

/* Allocate the flat vectors and point every layer at its slices; done once, at first use. */
nn_status nn_model_build(nn_model *m)
{
    if (m->built) return NN_OK;
    if (!m->nlayers) return nn_fail(NN_EINVAL, "the model has no layers");
    nn_status s = check_softmax_head(m, m->loss);
    if (s != NN_OK) return s;
    if ((s = nn_check_memory(m, 1)) != NN_OK) return s;
    m->params = nn_calloc(m->nparams, sizeof(nn_real));
    m->grads = nn_calloc(m->nparams, sizeof(nn_real));
    m->state = nn_calloc(m->nstate, sizeof(nn_real));
    if (!m->params || !m->grads || !m->state) {
        /* Unbuilt again, holding nothing: a later build starts afresh instead of leaking these. */
        free(m->params), free(m->grads), free(m->state);
        m->params = m->grads = m->state = NULL;
        return NN_ENOMEM;
    }
    for (int i = 0; i < m->nlayers; i++) {
        nn_layer *L = &m->layers[i];
        L->param = m->params + L->param_off;
        L->grad = m->grads + L->param_off;
        L->state = m->state + L->state_off;
    }
    m->built = 1;
    return nn_model_init(m, m->seed);
}

static uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

nn_status nn_model_init(nn_model *m, uint64_t seed)
{
    if (!m->built) {
        m->seed = seed;
        return nn_model_build(m);
    }
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (int i = 0; i < m->nlayers; i++) {
        nn_layer *L = &m->layers[i];
        nn_init next = NN_INIT_AUTO;
        if (i + 1 < m->nlayers && m->layers[i + 1].ops->wants_init)
            next = m->layers[i + 1].ops->wants_init(&m->layers[i + 1]);
        if (L->ops->init) L->ops->init(L, &rng, next);
    }
    /* The stream for random layers is independent of how many numbers initialisation drew. */
    nn_rng_seed(&m->rng, seed ^ 0x6a09e667f3bcc909ULL);
    memset(m->grads, 0, m->nparams * sizeof(nn_real));
    return NN_OK;
}

nn_status nn_model_fork_noise(nn_model *m, unsigned stream)
{
    if (!m) return nn_fail(NN_EINVAL, "nn_model_fork_noise: NULL model");
    /* Building seeds the stream, so it must come first or it would undo the fork. */
    nn_status s = nn_model_build(m);
    if (s != NN_OK || stream == 0) return s;
    /* Seeding from the state mixed with the stream number gives streams that are unrelated to each other
     * and to stream 0, whatever state a loaded model brings. */
    uint64_t seed = m->rng.s[0] ^ rotl64(m->rng.s[1], 17) ^ rotl64(m->rng.s[2], 31) ^ rotl64(m->rng.s[3], 47);
    nn_rng_seed(&m->rng, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)stream));
    return NN_OK;
}

size_t nn_model_nparams(const nn_model *m) { return m->nparams; }
size_t nn_model_nstate(const nn_model *m) { return m->nstate; }
nn_real *nn_model_params(nn_model *m) { return nn_model_build(m) == NN_OK ? m->params : NULL; }
nn_real *nn_model_grads(nn_model *m) { return nn_model_build(m) == NN_OK ? m->grads : NULL; }
nn_real *nn_model_state(nn_model *m) { return nn_model_build(m) == NN_OK ? m->state : NULL; }

nn_status nn_model_set_scaling(nn_model *m, const nn_real *mean, const nn_real *std)
{
    if (!mean || !std) {
        free(m->mean);
        free(m->std);
        m->mean = m->std = NULL;
        return NN_OK;
    }
    for (int j = 0; j < m->inputs; j++)
        if (!(std[j] > 0) || !isfinite(std[j]) || !isfinite(mean[j]))
            return nn_fail(NN_EINVAL, "scaling of input %d: mean %g, std %g (std must be finite and > 0)", j,
                           (double)mean[j], (double)std[j]);
    size_t bytes = (size_t)m->inputs * sizeof(nn_real);
    if (!m->mean) {
        m->mean = nn_malloc(bytes);
        m->std = nn_malloc(bytes);
        if (!m->mean || !m->std) {
            free(m->mean);
            free(m->std);
            m->mean = m->std = NULL;
            return NN_ENOMEM;
        }
    }
    memcpy(m->mean, mean, bytes);
    memcpy(m->std, std, bytes);
    return NN_OK;
}

int nn_model_scaling(const nn_model *m, const nn_real **mean, const nn_real **std)
{
    if (mean) *mean = m->mean;
    if (std) *std = m->std;
    return m->mean != NULL;
}

nn_status nn_model_forward(nn_model *m, const nn_real *x, int rows, int train, const nn_tensor **out)
{
    nn_status s = nn_model_build(m);
    if (s != NN_OK) return s;
    if (!x || rows < 1) return nn_fail(NN_ESHAPE, "forward needs at least one row, got %d", rows);
    if ((s = nn_model_sync_pool(m)) != NN_OK) return s;
    if (rows > m->rows_checked) {
        if ((s = nn_check_memory(m, rows)) != NN_OK) return s;
        m->rows_checked = rows;
    }
    m->fwd_train = 0;
    m->xin.rows = rows;
    m->xin.cols = m->inputs;
    if (m->mean) {
        if ((s = nn_tensor_resize(&m->xown, rows, m->inputs)) != NN_OK) return s;
        for (int r = 0; r < rows; r++) {
            const nn_real *xr = x + (size_t)r * m->inputs;
            nn_real *o = nn_tensor_row(&m->xown, r);
            for (int j = 0; j < m->inputs; j++) o[j] = (xr[j] - m->mean[j]) / m->std[j];
        }
        m->xin.data = m->xown.data;
    } else {
        /* A view of the caller's rows: no copy. Backward reads them, so they must live until then. */
        m->xin.data = (nn_real *)x;
    }
    const nn_tensor *in = &m->xin;                                      /* (rows, inputs) */
    for (int i = 0; i < m->nlayers; i++) {
        nn_layer *L = &m->layers[i];                                    /* in: (rows, L->in) */
        if ((s = nn_tensor_resize(&L->y, rows, L->out)) != NN_OK) return s; /* (rows, L->out) */
        /* A dense layer runs the activation after it on each block of its product (one pass less). */
        nn_layer *A = i + 1 < m->nlayers && L->ops->type == NN_LAYER_DENSE ? &m->layers[i + 1] : NULL;
        L->fused.act = NULL;
        if (A && nn_act_layer_elementwise(A, train)) {
            if ((s = nn_tensor_resize(&A->y, rows, A->out)) != NN_OK) return s;
            L->fused = (nn_fused){A, L->y.data, NULL, A->y.data};
        }
        if ((s = L->ops->forward(L, in, train, &m->rng)) != NN_OK)
            return nn_fail_prefix(s, "layer %d (%s)", i + 1, L->ops->kind);
        in = &L->y;
        if (L->fused.act) in = &m->layers[++i].y;
    }
    m->rows = rows;
    m->fwd_train = train;
    m->have_dout = 0;
    if (out) *out = in;
    return NN_OK;
}

nn_status nn_model_loss(nn_model *m, const nn_real *y, double *loss, int *correct)
{
    if (!m->rows) return nn_fail(NN_EINVAL, "nn_model_loss before a forward pass");
    if (!y) return nn_fail(NN_EINVAL, "nn_model_loss: NULL targets");
    const nn_tensor *z = &m->layers[m->nlayers - 1].y;
    nn_status s = nn_tensor_resize(&m->dout, z->rows, z->cols);
    if (s != NN_OK) return s;
    double l = 0;
    s = nn_loss_eval(m->loss, z, y, m->fwd_train ? &m->dout : NULL, &l, correct);
    if (s != NN_OK) return s;
    if (loss) *loss = l;
    m->have_dout = m->fwd_train;
    return NN_OK;
}

nn_status nn_model_set_output_grad(nn_model *m, const nn_real *dout)
{
    if (!m->fwd_train) return nn_fail(NN_EINVAL, "an output gradient needs a training forward pass first");
    const nn_tensor *z = &m->layers[m->nlayers - 1].y;
    nn_status s = nn_tensor_resize(&m->dout, z->rows, z->cols);
    if (s != NN_OK) return s;
    memcpy(m->dout.data, dout, (size_t)z->rows * z->cols * sizeof(nn_real));
    m->have_dout = 1;
    return NN_OK;
}

void nn_model_zero_grad(nn_model *m)
{
    if (m->grads) memset(m->grads, 0, m->nparams * sizeof(nn_real));
}

/* What forward gave layer i: the previous layer's output, or the (scaled) model input. (rows, in) */
static const nn_tensor *layer_input(const nn_model *m, int i) { return i ? &m->layers[i - 1].y : &m->xin; }

/* Grow the buffers backward writes for this batch before the loop starts, so that the loop cannot fail.
 * Allocates only when the batch or a width exceeds every earlier one. */
static nn_status backward_buffers(nn_model *m)
{
    nn_status s;
    for (int i = 0; i < m->nlayers; i++) {
        const nn_layer *L = &m->layers[i];
        for (int k = 0; k < 3 && i > 0; k++)
            if ((s = nn_tensor_resize(&m->g[k], m->rows, L->in)) != NN_OK) return s;
        if (m->keep && i == 0 && (s = nn_tensor_resize(&m->dxin, m->rows, L->in)) != NN_OK) return s;
        if (m->keep && (s = nn_tensor_resize(&m->kept[i], m->rows, L->out)) != NN_OK) return s;
    }
    return NN_OK;
}

/* Where layer i's backward writes dL/d(its input), shaped (rows, in): one of three buffers that is neither
 * busy1 nor busy2 (gradients still being read: a dense layer that runs the activation below it writes two
 * at once); the model's own input gradient goes to dxin, and only with keep (training does not need it),
 * else NULL. backward_buffers grew them already. */
static nn_tensor *input_grad(nn_model *m, int i, const nn_tensor *busy1, const nn_tensor *busy2)
{
    nn_tensor *dx = NULL;
    if (i == 0) dx = m->keep ? &m->dxin : NULL;
    for (int k = 0; k < 3 && i > 0 && !dx; k++)
        if (&m->g[k] != busy1 && &m->g[k] != busy2) dx = &m->g[k];
    if (dx) dx->rows = m->rows, dx->cols = m->layers[i].in;
    return dx;
}

/* With keep, a copy of dL/d(output of layer i) for diagnostics (nn_model_layer_output_grad). */
static void keep_output_grad(nn_model *m, int i, const nn_tensor *dy)
{
    if (m->keep) memcpy(m->kept[i].data, dy->data, (size_t)dy->rows * dy->cols * sizeof(nn_real));
}

/* The chain rule, last layer first: each layer turns dL/d(its output) into dL/d(its input) and adds
 * dL/d(its parameters) into the model's gradient vector (fresh: writes them). */
static nn_status backward(nn_model *m, int fresh)
{
    if (!m->fwd_train || !m->have_dout)
        return nn_fail(NN_EINVAL, "backward needs a training forward pass (train = 1) and a loss or output gradient");
    nn_status s = backward_buffers(m);
    if (s != NN_OK) return s;
    const nn_tensor *dy = &m->dout;                      /* dL/d(model output): (rows, outputs) */
    for (int i = m->nlayers - 1; i >= 0; i--) {
        nn_layer *L = &m->layers[i];
        const nn_tensor *x = layer_input(m, i);          /* what forward gave layer i: (rows, in) */
        nn_tensor *dx = input_grad(m, i, dy, NULL);      /* dL/dx: (rows, in); NULL for the model input */
        keep_output_grad(m, i, dy);                      /* dy: (rows, out) */
        L->grad_fresh = fresh && L->ops->fresh_grad;
        if (fresh && !L->ops->fresh_grad && L->nparams) memset(L->grad, 0, L->nparams * sizeof(nn_real));
        /* A dense layer runs the backward of the activation before it on each block of its dx. */
        nn_layer *A = dx && !m->keep && L->ops->type == NN_LAYER_DENSE && i > 0 ? &m->layers[i - 1] : NULL;
        nn_tensor *adx = A && nn_act_layer_elementwise(A, 1) ? input_grad(m, i - 1, dy, dx) : NULL;
        L->fused = adx ? (nn_fused){A, layer_input(m, i - 1)->data, A->y.data, adx->data} : (nn_fused){0};
        L->ops->backward(L, x, dy, dx);                  /* dx = dy * dy/dx; grads += dL/d(params) */
        L->grad_fresh = 0;
        dy = dx;
        if (L->fused.act) dy = adx, i--;                 /* the activation's dx, already written */
        L->fused.act = NULL;
    }
    return NN_OK;
}

nn_status nn_model_backward(nn_model *m) { return backward(m, 0); }
nn_status nn_model_backward_fresh(nn_model *m) { return backward(m, 1); }

const nn_tensor *nn_model_input_grad(const nn_model *m) { return m->keep ? &m->dxin : NULL; }

nn_status nn_model_keep_grads(nn_model *m, int keep)
{
    m->keep = keep != 0;
    return NN_OK;
}

const nn_tensor *nn_model_layer_output_grad(const nn_model *m, int i)
{
    return m->keep && i >= 0 && i < m->nlayers ? &m->kept[i] : NULL;
}

nn_status nn_model_predict(nn_model *m, const nn_real *x, int rows, int *classes, nn_real *probs)
{
    const nn_tensor *z;
    nn_status s = nn_model_forward(m, x, rows, 0, &z);
    if (s != NN_OK) return s;
    nn_loss_predict(m->loss, z, classes, probs);
    return NN_OK;
}

void nn_model_summary(const nn_model *m, FILE *f)
{
    fprintf(f, "%-4s %-28s %-10s %10s\n", "#", "layer", "output", "params");
    fprintf(f, "%-4s %-28s %-10d %10s\n", "-", "input", m->inputs, "");
    for (int i = 0; i < m->nlayers; i++) {
        char spec[NN_SPEC_MAXLEN];
        nn_model_layer_spec(m, i, spec, sizeof spec);
        fprintf(f, "%-4d %-28s %-10d %10zu\n", i + 1, spec, m->layers[i].out, m->layers[i].nparams);
    }
    fprintf(f, "loss: %s, parameters: %zu\n", nn_loss_name(m->loss), m->nparams);
}

const char *nn_model_layer_kind(const nn_model *m, int i)
{
    return i >= 0 && i < m->nlayers ? m->layers[i].ops->kind : NULL;
}

nn_layer_type nn_model_layer_type(const nn_model *m, int i)
{
    return i >= 0 && i < m->nlayers ? m->layers[i].ops->type : NN_LAYER_NONE;
}

int nn_model_layer_act(const nn_model *m, int i, nn_act *act)
{
    if (nn_model_layer_type(m, i) != NN_LAYER_ACT) return 0;
    if (act) *act = *nn_act_layer_act(&m->layers[i]);
    return 1;
}
int nn_model_layer_inputs(const nn_model *m, int i) { return i >= 0 && i < m->nlayers ? m->layers[i].in : -1; }
int nn_model_layer_outputs(const nn_model *m, int i) { return i >= 0 && i < m->nlayers ? m->layers[i].out : -1; }

nn_real *nn_model_layer_params(nn_model *m, int i, size_t *n)
{
    if (i < 0 || i >= m->nlayers || nn_model_build(m) != NN_OK) return NULL;
    if (n) *n = m->layers[i].nparams;
    return m->layers[i].param;
}

nn_real *nn_model_layer_grads(nn_model *m, int i, size_t *n)
{
    if (i < 0 || i >= m->nlayers || nn_model_build(m) != NN_OK) return NULL;
    if (n) *n = m->layers[i].nparams;
    return m->layers[i].grad;
}

const nn_tensor *nn_model_layer_output(const nn_model *m, int i)
{
    return i >= 0 && i < m->nlayers ? &m->layers[i].y : NULL;
}
