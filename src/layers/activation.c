/* activation.c: the element-wise activation layer: runs the loops of any activation record, fixed, with trained parameters, or in its training mode (rrelu). */
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "activations/act_internal.h"
#include "pool.h"

/* Parameters of a learnable layer (learn = 1), K = nn_act_nlearn values per set (APL: its 2S hinge values,
 * S itself is fixed): shared = 1: param[k] = value k; shared = 0: parameter-major, param[k*out + j] = value k
 * of unit j. They carry no L1/L2 penalty (nweights = 0), as torch advises for PReLU. */
typedef struct act_cfg {
    nn_act act;
    int K;     /* trained values per set; 0 when fixed */
    int noisy; /* the last forward ran the training mode (rrelu): aux holds the slope of every element */
} act_cfg;

/* Shared parameters are spread over the units in aux, so that one per-unit kernel serves both layouts;
 * aux = [P: K*out][G: K*out]. */
static nn_real *unit_params(nn_layer *L)
{
    const act_cfg *c = L->cfg;
    if (!c->act.shared) return L->param;
    size_t out = (size_t)L->out;
    nn_real *P = nn_layer_aux(L, 2 * (size_t)c->K * out * sizeof(nn_real));
    if (!P) return NULL;
    for (int k = 0; k < c->K; k++)
        for (size_t j = 0; j < out; j++) P[k * out + j] = L->param[k];
    return P;
}

/* A fixed activation's loop over contiguous blocks of elements, one per thread. Blocks start at multiples of 64
 * elements so that every element sits in the same vector lane as in one pass over all of them. */
#define ACT_PAR_MIN 32768
typedef struct act_job {
    const nn_act_record *R;
    const nn_real *p, *x, *y, *dy;
    nn_real *out;
    size_t n;
} act_job;

static void act_forward_part(void *ctx, int part, int nparts)
{
    const act_job *j = ctx;
    size_t lo, hi;
    nn_pool_range(j->n, 64, part, nparts, &lo, &hi);
    if (hi > lo) j->R->forward(j->p, j->x + lo, j->out + lo, hi - lo);
}

static void act_backward_part(void *ctx, int part, int nparts)
{
    const act_job *j = ctx;
    size_t lo, hi;
    nn_pool_range(j->n, 64, part, nparts, &lo, &hi);
    if (hi > lo) j->R->backward(j->p, j->x + lo, j->y + lo, j->dy + lo, j->out + lo, hi - lo);
}

static void act_run(nn_layer *L, nn_pool_fn fn, act_job *j)
{
    if (j->n >= ACT_PAR_MIN) nn_pool_run(L->pool, fn, j);
    else fn(j, 0, 1);
}

static nn_status act_forward(nn_layer *L, const nn_tensor *x, int train, nn_rng *rng)
{
    act_cfg *c = L->cfg;
    const nn_act_record *R = nn_act_record_of(c->act.id);
    size_t n = (size_t)x->rows * (size_t)L->out;
    c->noisy = 0;
    if (train && R->train_forward) {
        /* aux: the slope dy/dx of every element, for backward */
        nn_real *slope = nn_layer_aux(L, n * sizeof(nn_real));
        if (!slope) return NN_ENOMEM;
        R->train_forward(c->act.p, x->data, L->y.data, slope, n, rng);
        c->noisy = 1;
        return NN_OK;
    }
    if (!c->act.learn) {
        act_job j = {R, c->act.p, x->data, NULL, NULL, L->y.data, n};
        act_run(L, act_forward_part, &j);
        return NN_OK;
    }
    const nn_real *P = unit_params(L);
    if (!P) return NN_ENOMEM;
    R->unit_forward(c->act.p, c->K, P, L->out, x->data, L->y.data, (size_t)x->rows);
    return NN_OK;
}

static void act_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    act_cfg *c = L->cfg;
    const nn_act_record *R = nn_act_record_of(c->act.id);
    size_t n = (size_t)x->rows * (size_t)L->out, out = (size_t)L->out;
    if (c->noisy) {
        const nn_real *slope = L->aux;
        if (dx)
            for (size_t i = 0; i < n; i++) dx->data[i] = dy->data[i] * slope[i];
        return;
    }
    if (!c->act.learn) {
        act_job j = {R, c->act.p, x->data, L->y.data, dy->data, dx ? dx->data : NULL, n};
        if (dx) act_run(L, act_backward_part, &j);
        return;
    }
    if (!c->act.shared) {
        R->unit_backward(c->act.p, c->K, L->param, L->out, x->data, dy->data, dx ? dx->data : NULL, L->grad,
                         (size_t)x->rows);
        return;
    }
    /* forward already grew aux to 2*K*out, so this cannot fail */
    nn_real *P = unit_params(L), *G = P + (size_t)c->K * out;
    memset(G, 0, (size_t)c->K * out * sizeof *G);
    R->unit_backward(c->act.p, c->K, P, L->out, x->data, dy->data, dx ? dx->data : NULL, G, (size_t)x->rows);
    for (int k = 0; k < c->K; k++) {
        nn_real s = 0;
        for (size_t j = 0; j < out; j++) s += G[k * out + j];
        L->grad[k] += s;
    }
}

static void act_init(nn_layer *L, nn_rng *rng, nn_init next)
{
    (void)rng;
    (void)next;
    const act_cfg *c = L->cfg;
    const nn_real *p = c->act.p + nn_act_learn_first(&c->act);
    size_t per = c->act.shared ? 1 : (size_t)L->out;
    for (int k = 0; k < c->K; k++)
        for (size_t j = 0; j < per; j++) L->param[k * per + j] = p[k];
}

static int act_format(const nn_layer *L, char *buf, size_t size)
{
    const act_cfg *c = L->cfg;
    return nn_act_format(&c->act, buf, size);
}

static nn_init act_wants_init(const nn_layer *L)
{
    const act_cfg *c = L->cfg;
    return nn_act_info_of(c->act.id)->init;
}

static const nn_layer_ops act_ops = {
    .kind = "act",
    .type = NN_LAYER_ACT,
    .forward = act_forward,
    .backward = act_backward,
    .init = act_init,
    .format = act_format,
    .wants_init = act_wants_init,
};

nn_status nn_act_layer_create(nn_layer *L, const nn_act *act)
{
    if (!act || !nn_act_info_of(act->id)) return nn_fail(NN_EINVAL, "activation layer: invalid activation");
    const nn_act_info *I = nn_act_info_of(act->id);
    if (act->np < 0 || act->np > NN_ACT_MAXP)
        return nn_fail(NN_EINVAL, "%s: %d parameter values (at most %d)", I->name, act->np, NN_ACT_MAXP);
    if (act->learn && !I->learnable) return nn_fail(NN_EINVAL, "%s: learn=1 but %s has no trainable parameters", I->name, I->name);
    if (L->in < 1) return nn_fail(NN_ESHAPE, "%s: input width %d", I->name, L->in);
    act_cfg *c = nn_calloc(1, sizeof *c);
    if (!c) return NN_ENOMEM;
    c->act = *act;
    c->K = act->learn ? nn_act_nlearn(act) : 0;
    L->ops = &act_ops;
    L->out = L->in;
    L->nparams = (size_t)c->K * (act->shared ? 1 : (size_t)L->out);
    L->nweights = 0;
    L->nstate = 0;
    L->cfg = c;
    return NN_OK;
}

int nn_act_layer_elementwise(const nn_layer *L, int train)
{
    if (L->ops->type != NN_LAYER_ACT) return 0;
    const act_cfg *c = L->cfg;
    return !c->act.learn && !(train && nn_act_record_of(c->act.id)->train_forward);
}

void nn_act_layer_block(const nn_fused *f, const nn_real *dy, size_t r0, size_t r1, size_t c0, size_t c1, size_t ld)
{
    const act_cfg *c = f->act->cfg;
    const nn_act_record *R = nn_act_record_of(c->act.id);
    for (size_t r = r0; r < r1 && c1 > c0; r++) {
        size_t o = r * ld + c0;
        if (dy) R->backward(c->act.p, f->x + o, f->y + o, dy + o, f->out + o, c1 - c0);
        else R->forward(c->act.p, f->x + o, f->out + o, c1 - c0);
    }
}

const nn_act *nn_act_layer_act(const nn_layer *L)
{
    const act_cfg *c = L->cfg;
    return &c->act;
}
