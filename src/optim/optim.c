/* optim.c: what every optimizer shares: spec parsing and formatting, state, step dispatch, schedules, clipping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include "optim_internal.h"
#include "pool.h"

#define PI 3.14159265358979323846

static const nn_optim_ops *const registry[] = {&nn_optim_sgd_ops, &nn_optim_adagrad_ops, &nn_optim_rmsprop_ops,
                                               &nn_optim_adam_ops, &nn_optim_adamw_ops};
#define NREG (int)(sizeof registry / sizeof registry[0])

static nn_status check_value(const char *opt, const char *key, double v, const nn_optim_key *k)
{
    if (!isfinite(v)) return nn_fail(NN_EINVAL, "%s: %s=%g is not a finite number", opt, key, v);
    if (k->kind == NN_KEY_BOOL) {
        if (v != 0 && v != 1) return nn_fail(NN_EINVAL, "%s: %s=%g must be 0 or 1", opt, key, v);
        return NN_OK;
    }
    int above = k->hi_open ? v >= k->hi : v > k->hi;
    if (v < k->lo || above) {
        if (isinf(k->hi)) return nn_fail(NN_EINVAL, "%s: %s=%g must be >= %g", opt, key, v, k->lo);
        return nn_fail(NN_EINVAL, "%s: %s=%g must be in [%g, %g%c", opt, key, v, k->lo, k->hi, k->hi_open ? ')' : ']');
    }
    return NN_OK;
}

/* Ranges of every key, then the optimizer's own cross-key rules. */
static nn_status validate(const nn_optim_ops *ops, const double *h)
{
    for (int i = 0; i < ops->nkeys; i++) {
        const nn_optim_key *k = &ops->keys[i];
        nn_status s;
        if (k->kind == NN_KEY_ALIAS) continue;
        if (k->kind == NN_KEY_PAIR) {
            /* The halves are named by their aliases (beta1, beta2) when the table has them. */
            const char *n1 = k->name, *n2 = k->name;
            for (int j = 0; j < ops->nkeys; j++) {
                if (ops->keys[j].kind != NN_KEY_ALIAS) continue;
                if (ops->keys[j].slot == k->slot) n1 = ops->keys[j].name;
                if (ops->keys[j].slot == k->slot + 1) n2 = ops->keys[j].name;
            }
            if ((s = check_value(ops->name, n1, h[k->slot], k)) != NN_OK) return s;
            if ((s = check_value(ops->name, n2, h[k->slot + 1], k)) != NN_OK) return s;
        } else if ((s = check_value(ops->name, k->name, h[k->slot], k)) != NN_OK) {
            return s;
        }
    }
    return ops->check ? ops->check(h) : NN_OK;
}

nn_optim *nn_optim_new(const nn_optim_ops *ops, const double *h)
{
    if (validate(ops, h) != NN_OK) return NULL;
    nn_optim *o = nn_calloc(1, sizeof *o);
    if (!o) return NULL;
    o->ops = ops;
    memcpy(o->h, h, sizeof o->h);
    o->lr = h[0];
    o->sched.kind = NN_SCHED_CONSTANT;
    return o;
}

static void defaults(const nn_optim_ops *ops, double *h)
{
    memset(h, 0, NN_OPTIM_MAXH * sizeof *h);
    for (int i = 0; i < ops->nkeys; i++) {
        const nn_optim_key *k = &ops->keys[i];
        if (k->kind == NN_KEY_ALIAS) continue;
        h[k->slot] = k->def;
        if (k->kind == NN_KEY_PAIR) h[k->slot + 1] = k->def2;
    }
}

static nn_status parse_bool(const char *opt, const char *key, const char *val, double *out)
{
    if (!strcmp(val, "1") || !strcmp(val, "true")) *out = 1;
    else if (!strcmp(val, "0") || !strcmp(val, "false")) *out = 0;
    else return nn_fail(NN_EINVAL, "%s: %s=%s is not 0, 1, true or false", opt, key, val);
    return NN_OK;
}

static nn_status parse_pair(const char *opt, const char *key, const char *val, double *a, double *b)
{
    char tmp[NN_SPEC_MAXLEN];
    snprintf(tmp, sizeof tmp, "%s", val);
    char *slash = strchr(tmp, '/');
    if (!slash) return nn_fail(NN_EINVAL, "%s: %s=%s must be two numbers a/b (e.g. %s=0.9/0.999)", opt, key, val, key);
    *slash = '\0';
    nn_status s = nn_parse_real(opt, key, tmp, a);
    return s != NN_OK ? s : nn_parse_real(opt, key, slash + 1, b);
}

static nn_status unknown_key(const nn_optim_ops *ops, const char *key)
{
    char valid[256] = "";
    size_t n = 0;
    for (int i = 0; i < ops->nkeys && n < sizeof valid; i++)
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", i ? ", " : "", ops->keys[i].name);
    return nn_fail(NN_EINVAL, "%s: unknown key '%s' (valid: %s)", ops->name, key, valid);
}

nn_optim *nn_optim_parse(const char *spec)
{
    nn_spec sp;
    if (nn_spec_parse(spec, &sp) != NN_OK) {
        nn_fail_prefix(NN_EINVAL, "optimizer");
        return NULL;
    }
    const nn_optim_ops *ops = NULL;
    for (int i = 0; i < NREG && !ops; i++)
        if (!strcmp(sp.name, registry[i]->name)) ops = registry[i];
    if (!ops) {
        char valid[128] = "", hint[96];
        size_t n = 0;
        nn_near near = {sp.name, NULL, 0};
        for (int i = 0; i < NREG && n < sizeof valid; i++) {
            n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", i ? ", " : "", registry[i]->name);
            nn_near_add(&near, registry[i]->name);
        }
        nn_fail(NN_EINVAL, "unknown optimizer '%s'%s (valid: %s)", sp.name, nn_near_hint(&near, hint, sizeof hint), valid);
        return NULL;
    }
    if (sp.npos > 0) {
        nn_fail(NN_EINVAL, "%s: '%s' is not key=value (e.g. %s:lr=0.1)", ops->name, sp.pos[0], ops->name);
        return NULL;
    }
    double h[NN_OPTIM_MAXH];
    defaults(ops, h);
    unsigned given = 0; /* slots already set, so that "lr=1,lr=2" or "betas=..,beta1=.." is caught */
    for (int i = 0; i < sp.nkv; i++) {
        const nn_optim_key *k = NULL;
        for (int j = 0; j < ops->nkeys && !k; j++)
            if (!strcmp(sp.key[i], ops->keys[j].name)) k = &ops->keys[j];
        if (!k) {
            unknown_key(ops, sp.key[i]);
            return NULL;
        }
        unsigned mask = (k->kind == NN_KEY_PAIR ? 3u : 1u) << k->slot;
        if (given & mask) {
            nn_fail(NN_EINVAL, "%s: '%s' is given twice", ops->name, sp.key[i]);
            return NULL;
        }
        given |= mask;
        nn_status s;
        if (k->kind == NN_KEY_BOOL) s = parse_bool(ops->name, k->name, sp.val[i], &h[k->slot]);
        else if (k->kind == NN_KEY_PAIR) s = parse_pair(ops->name, k->name, sp.val[i], &h[k->slot], &h[k->slot + 1]);
        else s = nn_parse_real(ops->name, k->name, sp.val[i], &h[k->slot]);
        if (s != NN_OK) return NULL;
    }
    return nn_optim_new(ops, h);
}

int nn_optim_format(const nn_optim *o, char *buf, size_t size)
{
    if (!o) {
        if (buf && size) buf[0] = '\0';
        return 0;
    }
    /* Lengths add up as snprintf's would, so a short buffer reports the size it needs. */
    if (!buf) size = 0;
    int total = 0;
    char item[128];
    total += snprintf(buf, size, "%s", o->ops->name);
    for (int i = 0; i < o->ops->nkeys; i++) {
        const nn_optim_key *k = &o->ops->keys[i];
        if (k->kind == NN_KEY_ALIAS) continue;
        int n = snprintf(item, sizeof item, "%c%s=", i ? ',' : ':', k->name);
        if (k->kind == NN_KEY_BOOL) {
            n += snprintf(item + n, sizeof item - (size_t)n, "%d", o->h[k->slot] != 0);
        } else {
            n += nn_format_double(item + n, sizeof item - (size_t)n, o->h[k->slot]);
            if (k->kind == NN_KEY_PAIR) {
                n += snprintf(item + n, sizeof item - (size_t)n, "/");
                n += nn_format_double(item + n, sizeof item - (size_t)n, o->h[k->slot + 1]);
            }
        }
        size_t at = (size_t)total < size ? (size_t)total : size;
        snprintf(buf ? buf + at : NULL, size - at, "%s", item);
        total += n;
    }
    return total;
}

void nn_optim_free(nn_optim *o)
{
    if (!o) return;
    free(o->state);
    free(o);
}

/* Size the state for n parameters and set it to its starting value; keeps the buffer when it fits. */
static nn_status alloc_state(nn_optim *o, size_t n)
{
    size_t k = (size_t)o->ops->nslots(o->h);
    if (k && n > ((size_t)-1 / sizeof(nn_real)) / k)
        return nn_fail(NN_ENOMEM, "optimizer state for %zu parameters is too large", n);
    size_t len = k * n;
    if (len && (!o->state || o->len != len)) {
        nn_real *st = nn_malloc(len * sizeof *st);
        if (!st) return NN_ENOMEM;
        free(o->state);
        o->state = st;
    } else if (!len) {
        free(o->state);
        o->state = NULL;
    }
    o->n = n;
    o->len = len;
    return NN_OK;
}

static void init_state(nn_optim *o)
{
    nn_real v = o->ops->init ? (nn_real)o->ops->init(o->h) : 0;
    for (size_t i = 0; i < o->len; i++) o->state[i] = v;
}

/* Checks the arguments and sizes the state for n parameters (a new size starts it afresh). */
static nn_status prepare(nn_optim *o, nn_real *params, const nn_real *grads, size_t n)
{
    if (!o) return nn_fail(NN_EINVAL, "nn_optim_step: NULL optimizer");
    if (n && (!params || !grads)) return nn_fail(NN_EINVAL, "nn_optim_step: NULL parameters or gradients");
    if (n != o->n) {
        nn_status s = alloc_state(o, n);
        if (s != NN_OK) return s;
        o->steps = 0;
        init_state(o);
    }
    return NN_OK;
}

nn_status nn_optim_step(nn_optim *o, nn_real *params, const nn_real *grads, size_t n)
{
    nn_status s = prepare(o, params, grads, n);
    if (s != NN_OK) return s;
    o->steps++;
    if (n) o->ops->step(o, params, grads, o->state, n, n);
    return NN_OK;
}

/* nn_optim_step_checked's job: every thread takes chunks of STEP_CHUNK parameters in turn, first to check them,
 * then (when no chunk had an Inf or NaN) to update them. Taking chunks as they come, not a fixed half each,
 * balances the threads: the gradients of the last layers computed are still in one core's cache, the others'
 * come from memory (W3 on two threads: a fixed half took 0.65 ms on one core and 1.05 ms on the other).
 * Chunks start at multiples of 64 parameters, so that each value sits in the same vector lane whatever the
 * thread count; an update is elementwise, so who updates a chunk changes nothing. */
#define STEP_CHUNK 65536
typedef struct step_job {
    nn_optim *o;
    nn_real *p;
    const nn_real *g;
    size_t n, chunks;
    atomic_size_t next_check, next_update;
    nn_pool_flag bad[NN_POOL_MAX];
    atomic_int arrived;
} step_job;

static void step_part(void *ctx, int part, int nparts)
{
    step_job *j = ctx;
    size_t c;
    int bad = 0;
    while ((c = atomic_fetch_add_explicit(&j->next_check, 1, memory_order_relaxed)) < j->chunks) {
        size_t lo = c * STEP_CHUNK, len = j->n - lo < STEP_CHUNK ? j->n - lo : STEP_CHUNK;
        bad |= !nn_all_finite(j->g + lo, len);
    }
    j->bad[part].v = bad;
    /* Every chunk's verdict before any update: a skipped step changes nothing. */
    atomic_fetch_add_explicit(&j->arrived, 1, memory_order_acq_rel);
    unsigned spins = 0;
    while (atomic_load_explicit(&j->arrived, memory_order_acquire) < nparts) nn_pool_relax(&spins);
    for (int t = 0; t < nparts; t++)
        if (j->bad[t].v) return;
    while ((c = atomic_fetch_add_explicit(&j->next_update, 1, memory_order_relaxed)) < j->chunks) {
        size_t lo = c * STEP_CHUNK, len = j->n - lo < STEP_CHUNK ? j->n - lo : STEP_CHUNK;
        j->o->ops->step(j->o, j->p + lo, j->g + lo, j->o->state ? j->o->state + lo : NULL, j->n, len);
    }
}

/* Fewer parameters than this update on the calling thread: below it, handing half the update to another
 * thread costs more than it saves (nnlab-bench W1 and W2, 434 and 85 k parameters: 8.0 M and 275 k
 * samples/s on one thread, 5.2 M and 191 k on two with the update split). */
#define STEP_PAR_MIN 262144

nn_status nn_optim_step_checked(nn_optim *o, nn_pool *pool, nn_real *params, const nn_real *grads, size_t n)
{
    nn_status s = prepare(o, params, grads, n);
    if (s != NN_OK) return s;
    step_job j = {.o = o, .p = params, .g = grads, .n = n, .chunks = (n + STEP_CHUNK - 1) / STEP_CHUNK};
    atomic_init(&j.arrived, 0);
    atomic_init(&j.next_check, 0);
    atomic_init(&j.next_update, 0);
    o->steps++;
    if (n < STEP_PAR_MIN) pool = NULL; /* one part */
    nn_pool_run(pool, step_part, &j);
    for (int t = 0; t < nn_pool_threads(pool); t++)
        if (j.bad[t].v) {
            o->steps--;
            return nn_fail(NN_ENONFINITE, "a gradient is not finite");
        }
    return NN_OK;
}

void nn_optim_reset(nn_optim *o)
{
    if (!o) return;
    free(o->state);
    o->state = NULL;
    o->n = o->len = 0;
    o->steps = 0;
}

/* ---- learning-rate schedules ---- */

static nn_status check_schedule(const nn_schedule *s)
{
    switch (s->kind) {
    case NN_SCHED_CONSTANT: return NN_OK;
    case NN_SCHED_STEP:
        if (s->step_size < 1) return nn_fail(NN_EINVAL, "step schedule: step_size=%d must be >= 1", s->step_size);
        if (!(s->gamma > 0) || !isfinite(s->gamma))
            return nn_fail(NN_EINVAL, "step schedule: gamma=%g must be a finite number > 0", s->gamma);
        return NN_OK;
    case NN_SCHED_EXP:
        if (!(s->gamma > 0) || !isfinite(s->gamma))
            return nn_fail(NN_EINVAL, "exp schedule: gamma=%g must be a finite number > 0", s->gamma);
        return NN_OK;
    case NN_SCHED_COSINE:
        if (s->t_max < 0) return nn_fail(NN_EINVAL, "cosine schedule: t_max=%d must be >= 0", s->t_max);
        if (!(s->eta_min >= 0) || !isfinite(s->eta_min))
            return nn_fail(NN_EINVAL, "cosine schedule: eta_min=%g must be a finite number >= 0", s->eta_min);
        return NN_OK;
    }
    return nn_fail(NN_EINVAL, "unknown schedule kind %d", (int)s->kind);
}

nn_status nn_schedule_parse(const char *spec, nn_schedule *out)
{
    if (!out) return nn_fail(NN_EINVAL, "nn_schedule_parse: NULL output");
    nn_schedule s = {NN_SCHED_CONSTANT, 10, 0.1, 0, 0.0};
    nn_spec sp;
    if (nn_spec_parse(spec, &sp) != NN_OK) return nn_fail_prefix(NN_EINVAL, "schedule");
    const char *valid;
    if (!strcmp(sp.name, "constant")) {
        valid = "";
    } else if (!strcmp(sp.name, "step")) {
        s.kind = NN_SCHED_STEP;
        valid = "step_size, gamma";
    } else if (!strcmp(sp.name, "exp") || !strcmp(sp.name, "exponential")) {
        s.kind = NN_SCHED_EXP;
        s.gamma = 0.95;
        valid = "gamma";
    } else if (!strcmp(sp.name, "cosine")) {
        s.kind = NN_SCHED_COSINE;
        valid = "t_max, eta_min";
    } else {
        return nn_fail(NN_EINVAL, "unknown schedule '%s' (valid: constant, step, exp, exponential, cosine)", sp.name);
    }
    if (sp.npos > 0) return nn_fail(NN_EINVAL, "schedule '%s': '%s' is not key=value", sp.name, sp.pos[0]);
    char what[32];
    snprintf(what, sizeof what, "%s schedule", sp.name);
    for (int i = 0; i < sp.nkv; i++) {
        const char *k = sp.key[i], *v = sp.val[i];
        long l = 0;
        nn_status st;
        if (s.kind == NN_SCHED_STEP && !strcmp(k, "step_size")) {
            if ((st = nn_parse_int(what, k, v, 1, 1000000000L, &l)) == NN_OK) s.step_size = (int)l;
        } else if ((s.kind == NN_SCHED_STEP || s.kind == NN_SCHED_EXP) && !strcmp(k, "gamma")) {
            st = nn_parse_real(what, k, v, &s.gamma);
        } else if (s.kind == NN_SCHED_COSINE && !strcmp(k, "t_max")) {
            if ((st = nn_parse_int(what, k, v, 0, 1000000000L, &l)) == NN_OK) s.t_max = (int)l;
        } else if (s.kind == NN_SCHED_COSINE && !strcmp(k, "eta_min")) {
            st = nn_parse_real(what, k, v, &s.eta_min);
        } else if (*valid) {
            return nn_fail(NN_EINVAL, "%s: unknown key '%s' (valid: %s)", what, k, valid);
        } else {
            return nn_fail(NN_EINVAL, "constant schedule takes no keys, got '%s'", k);
        }
        if (st != NN_OK) return st;
    }
    nn_status st = check_schedule(&s);
    if (st == NN_OK) *out = s;
    return st;
}

static double scheduled_lr(const nn_optim *o, int epoch)
{
    const nn_schedule *s = &o->sched;
    double lr0 = o->h[0];
    switch (s->kind) {
    case NN_SCHED_STEP: return lr0 * pow(s->gamma, (double)(epoch / s->step_size));
    case NN_SCHED_EXP: return lr0 * pow(s->gamma, (double)epoch);
    case NN_SCHED_COSINE: {
        int t = s->t_max ? s->t_max : o->horizon;
        /* With neither t_max nor a known horizon there is no period to anneal over. */
        if (t <= 0) return lr0;
        return s->eta_min + (lr0 - s->eta_min) * (1 + cos(PI * epoch / t)) / 2;
    }
    case NN_SCHED_CONSTANT: break;
    }
    return lr0;
}

nn_status nn_optim_set_schedule(nn_optim *o, const nn_schedule *s)
{
    if (!o || !s) return nn_fail(NN_EINVAL, "nn_optim_set_schedule: NULL optimizer or schedule");
    nn_status st = check_schedule(s);
    if (st != NN_OK) return st;
    o->sched = *s;
    o->lr = scheduled_lr(o, o->epoch);
    return NN_OK;
}

void nn_optim_set_epoch(nn_optim *o, int epoch)
{
    if (!o) return;
    o->epoch = epoch < 0 ? 0 : epoch;
    o->lr = scheduled_lr(o, o->epoch);
}

void nn_optim_set_horizon(nn_optim *o, int epochs)
{
    if (!o) return;
    o->horizon = epochs > 0 ? epochs : 0;
    o->lr = scheduled_lr(o, o->epoch);
}

double nn_optim_lr(const nn_optim *o) { return o ? o->lr : 0; }
double nn_optim_base_lr(const nn_optim *o) { return o ? o->h[0] : 0; }
const char *nn_optim_name(const nn_optim *o) { return o ? o->ops->name : ""; }

/* ---- state for saving and resuming ---- */

const nn_real *nn_optim_state(const nn_optim *o, size_t *len, long *steps)
{
    if (len) *len = o ? o->len : 0;
    if (steps) *steps = o ? o->steps : 0;
    return o ? o->state : NULL;
}

nn_status nn_optim_restore(nn_optim *o, size_t n, const nn_real *state, size_t len, long steps)
{
    if (!o) return nn_fail(NN_EINVAL, "nn_optim_restore: NULL optimizer");
    size_t k = (size_t)o->ops->nslots(o->h);
    if (len != k * n || (k && n > (size_t)-1 / k))
        return nn_fail(NN_EINVAL, "%s: a state of %zu values does not fit %zu parameters (%zu per parameter)",
                       o->ops->name, len, n, k);
    if (len && !state) return nn_fail(NN_EINVAL, "nn_optim_restore: NULL state");
    if (steps < 0) return nn_fail(NN_EINVAL, "%s: step count %ld is negative", o->ops->name, steps);
    nn_status s = alloc_state(o, n);
    if (s != NN_OK) return s;
    if (len) memcpy(o->state, state, len * sizeof *state);
    o->steps = steps;
    return NN_OK;
}

/* ---- gradient clipping ---- */

double nn_clip_grad_norm(nn_real *g, size_t n, double max_norm)
{
    if (!(max_norm >= 0)) {
        nn_fail(NN_EINVAL, "clip_grad_norm: max_norm=%g must be >= 0", max_norm);
        return NAN;
    }
    if (n && !g) {
        nn_fail(NN_EINVAL, "clip_grad_norm: NULL gradients");
        return NAN;
    }
    /* Summing in double keeps the norm exact enough for millions of float gradients. */
    double sq = 0;
    for (size_t i = 0; i < n; i++) sq += (double)g[i] * g[i];
    double norm = sqrt(sq);
    double coef = max_norm / (norm + 1e-6);
    if (coef < 1) {
        nn_real c = (nn_real)coef;
        for (size_t i = 0; i < n; i++) g[i] *= c;
    }
    return norm;
}

void nn_clip_grad_value(nn_real *g, size_t n, double clip)
{
    if (!(clip >= 0)) {
        nn_fail(NN_EINVAL, "clip_grad_value: clip=%g must be >= 0", clip);
        return;
    }
    if (n && !g) {
        nn_fail(NN_EINVAL, "clip_grad_value: NULL gradients");
        return;
    }
    nn_real hi = (nn_real)clip, lo = -hi;
    /* Written as compares (not fmin/fmax) so that a NaN gradient stays NaN, as torch.clamp leaves it. */
    for (size_t i = 0; i < n; i++) g[i] = g[i] < lo ? lo : g[i] > hi ? hi : g[i];
}
