/* train.c: the training step (forward -> loss -> backward -> update), the epoch loop nn_fit, evaluation, threads, stop requests. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gemm.h"
#include "model_internal.h"
#include "pool.h"
#include "optim/optim_internal.h"

/* A counter, not a flag: each nn_fit compares it with its value at start, so a request reaches every fit
 * running at that moment (compare runs several in threads) and none has to clear it. */
static volatile sig_atomic_t stop_requests;
/* Atomic: the first models of several threads may apply the default at the same time. */
static atomic_int threads_set;

void nn_request_stop(void) { stop_requests = stop_requests + 1; }

void nn_set_threads(int n)
{
    if (n <= 0) {
        const char *env = getenv("NNLAB_THREADS");
        n = env ? atoi(env) : 0;
        if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (n <= 0) n = 1;
    }
    if (n > NN_POOL_MAX) n = NN_POOL_MAX;
    nn_gemm_set_threads(n);
    atomic_store(&threads_set, 1);
}

int nn_get_threads(void) { return nn_gemm_threads(); }

void nn_threads_default(void)
{
    if (!atomic_load(&threads_set)) nn_set_threads(0);
}

nn_fit_opts nn_fit_defaults(void)
{
    nn_fit_opts o;
    memset(&o, 0, sizeof o);
    o.epochs = 10;
    o.batch_size = 32;
    o.shuffle = 1;
    o.workers = 1;
    return o;
}

double nn_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* L1/L2 penalties on the weights of every layer that has them (a layer's own coefficients replace the global
 * ones): returns the penalty and adds its gradient. */
static double penalise(nn_model *m, double gl1, double gl2)
{
    double pen = 0;
    for (int i = 0; i < m->nlayers; i++) {
        nn_layer *L = &m->layers[i];
        double l1 = L->l1 >= 0 ? L->l1 : gl1, l2 = L->l2 >= 0 ? L->l2 : gl2;
        if (!L->nweights || (l1 == 0 && l2 == 0)) continue;
        const nn_real *w = L->param;
        nn_real *g = L->grad, a = (nn_real)l1, b = (nn_real)(2 * l2);
        double s1 = 0, s2 = 0;
        for (size_t k = 0; k < L->nweights; k++) {
            s1 += fabs((double)w[k]);
            s2 += (double)w[k] * w[k];
            g[k] += a * (nn_real)((w[k] > 0) - (w[k] < 0)) + b * w[k];
        }
        pen += l1 * s1 + l2 * s2;
    }
    return pen;
}

/* 1 if no value is Inf or NaN. An exponent of all ones marks exactly those; OR-ing integer tests vectorises,
 * where a floating-point sum would run as one serial chain (and overflow on large finite values). */
int nn_all_finite(const nn_real *v, size_t n)
{
#ifdef NNLAB_DOUBLE
    typedef uint64_t bits;
    const bits EXP = 0x7ff0000000000000ull;
#else
    typedef uint32_t bits;
    const bits EXP = 0x7f800000u;
#endif
    bits bad = 0;
    for (size_t i = 0; i < n; i++) {
        bits u;
        memcpy(&u, &v[i], sizeof u);
        bad |= (u & EXP) == EXP;
    }
    return !bad;
}

/* Forward, loss and backward of rows samples, penalties added: the gradient in m->grads, the loss in *loss. */
static nn_status gradient(nn_model *m, const nn_real *x, const nn_real *y, int rows, const nn_fit_opts *opt,
                          double *loss, int *correct)
{
    nn_status s = nn_model_forward(m, x, rows, 1, NULL);        /* x: (rows, inputs) -> (rows, outputs) */
    if (s == NN_OK) s = nn_model_loss(m, y, loss, correct);    /* y: (rows); dL/dout: (rows, outputs) */
    if (s != NN_OK) return s;
    if ((s = nn_model_backward_fresh(m)) != NN_OK) return s;   /* grads = dL/dparams: (nparams) */
    *loss += penalise(m, opt ? opt->l1 : 0, opt ? opt->l2 : 0);
    return NN_OK;
}

/* The update from the gradient in m->grads; skipped (and NN_ENONFINITE returned) when the loss or a gradient
 * is not finite, so the parameters stay at their last finite values. The gradients are checked inside the
 * update's own loop (nn_optim_step_checked); clipping before it keeps an Inf or NaN non-finite. */
static nn_status update(nn_model *m, nn_optim *o, const nn_fit_opts *opt, double l)
{
    if (!isfinite(l)) return nn_fail(NN_ENONFINITE, "the loss is %s", isnan(l) ? "nan" : l > 0 ? "inf" : "-inf");
    if (opt && opt->clip_value > 0) nn_clip_grad_value(m->grads, m->nparams, opt->clip_value);
    if (opt && opt->clip_norm > 0) nn_clip_grad_norm(m->grads, m->nparams, opt->clip_norm);
    nn_status s = nn_optim_step_checked(o, m->pool, m->params, m->grads, m->nparams);
    if (s == NN_ENONFINITE) return nn_fail(NN_ENONFINITE, "a gradient is not finite (loss %g)", l);
    return s;
}

static nn_status step(nn_model *m, nn_optim *o, const nn_real *x, const nn_real *y, int rows,
                      const nn_fit_opts *opt, double *loss, int *correct)
{
    double l = 0;
    nn_status s = gradient(m, x, y, rows, opt, &l, correct);
    if (loss) *loss = l;
    return s != NN_OK ? s : update(m, o, opt, l);
}

/* Counters a data-parallel step sums over the workers with the gradient. */
enum { DP_LOSS, DP_CORRECT, DP_FAILED, DP_STOP, DP_NSUMS };

/* One data-parallel step: this worker's rows of a global batch of n rows. Each worker weights its mean
 * gradient and loss by its share rows / n, so that their sum is the global batch's mean; a worker with no
 * rows (n below the worker count) adds zeros. Failures and stop requests travel with the sums, so every
 * worker leaves the loop at the same batch and none waits in a reduction the others never reach.
 * *stop: in, this worker's request; out, whether any worker asked. */
static nn_status dp_step(nn_model *m, nn_optim *o, const nn_real *x, const nn_real *y, int rows, int n,
                         const nn_fit_opts *op, double *loss, int *correct, int *stop)
{
    double l = 0;
    int c = 0;
    nn_status s = rows > 0 ? gradient(m, x, y, rows, op, &l, &c) : NN_OK;
    nn_real share = (nn_real)rows / (nn_real)n;
    if (rows == 0 || s != NN_OK) {
        memset(m->grads, 0, m->nparams * sizeof *m->grads);
        l = 0, c = 0;
    } else if (share != 1) {
        for (size_t i = 0; i < m->nparams; i++) m->grads[i] *= share;
    }
    double sums[DP_NSUMS] = {[DP_LOSS] = l * share, [DP_CORRECT] = c, [DP_FAILED] = s != NN_OK,
                             [DP_STOP] = *stop};
    if (op->reduce(m->grads, m->nparams, sums, DP_NSUMS, op->reduce_user))
        return nn_fail(NN_EIO, "the gradient reduction over %d workers failed", op->workers);
    if (s != NN_OK) return s;
    if (sums[DP_FAILED] > 0) return nn_fail(NN_EIO, "another worker failed (its message is on its stderr)");
    *loss = sums[DP_LOSS];
    *correct = (int)sums[DP_CORRECT];
    *stop = sums[DP_STOP] > 0;
    return update(m, o, op, *loss);
}

nn_status nn_train_step(nn_model *m, nn_optim *o, const nn_real *x, const nn_real *y, int rows, double *loss)
{
    if (!m || !o) return nn_fail(NN_EINVAL, "nn_train_step: NULL model or optimizer");
    return step(m, o, x, y, rows, NULL, loss, NULL);
}

nn_status nn_evaluate(nn_model *m, const nn_dataset *d, int batch_size, double *loss, double *acc)
{
    if (!m || !d) return nn_fail(NN_EINVAL, "nn_evaluate: NULL model or data");
    if (d->cols != m->inputs)
        return nn_fail(NN_ESHAPE, "the data has %d features, the model takes %d", d->cols, m->inputs);
    if (d->rows < 1) return nn_fail(NN_EINVAL, "nn_evaluate: no rows");
    if (batch_size <= 0) batch_size = 256;
    double total = 0;
    long ok = 0;
    for (int r = 0; r < d->rows; r += batch_size) {
        int n = d->rows - r < batch_size ? d->rows - r : batch_size, c = 0;
        double l = 0;
        nn_status s = nn_model_forward(m, d->x + (size_t)r * d->cols, n, 0, NULL);
        if (s == NN_OK) s = nn_model_loss(m, d->y + r, &l, &c);
        if (s != NN_OK) return s;
        total += l * n;
        ok += c;
    }
    if (loss) *loss = total / d->rows;
    if (acc) *acc = (double)ok / d->rows;
    return NN_OK;
}

/* The mean of a and b over the workers. */
static nn_status dp_mean(const nn_fit_opts *op, double *a, double *b)
{
    double sums[2] = {*a / op->workers, *b / op->workers};
    if (op->reduce(NULL, 0, sums, 2, op->reduce_user))
        return nn_fail(NN_EIO, "the reduction over %d workers failed", op->workers);
    *a = sums[0], *b = sums[1];
    return NN_OK;
}

/* *flag becomes 1 on every worker if it was nonzero on any. */
static nn_status dp_any(const nn_fit_opts *op, int *flag)
{
    double sum = *flag != 0;
    if (op->reduce(NULL, 0, &sum, 1, op->reduce_user))
        return nn_fail(NN_EIO, "the reduction over %d workers failed", op->workers);
    *flag = sum > 0;
    return NN_OK;
}

/* Whether every worker has the same v[0..n): each sums f and f^2 for f, a 20-bit hash of v, and n equal
 * values are the only ones with workers * sum(f^2) = sum(f)^2 (exact in double below 2^13 workers). Two sums,
 * so a reduce function written for nn_fit's few counters takes them. */
static nn_status dp_same(const nn_fit_opts *op, const int64_t *v, int n, int *same)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the values */
    for (int i = 0; i < n; i++) h = (h ^ (uint64_t)v[i]) * 1099511628211ull;
    double f = (double)(h >> 44), sums[2] = {f, f * f};
    if (op->reduce(NULL, 0, sums, 2, op->reduce_user))
        return nn_fail(NN_EIO, "the reduction over %d workers failed", op->workers);
    *same = op->workers * sums[1] == sums[0] * sums[0];
    return NN_OK;
}

static nn_status check_fit(const nn_model *m, const nn_dataset *d, const nn_fit_opts *o)
{
    if (d->cols != m->inputs)
        return nn_fail(NN_ESHAPE, "the training data has %d features, the model takes %d", d->cols, m->inputs);
    if (o->val && o->val->cols != m->inputs)
        return nn_fail(NN_ESHAPE, "the validation data has %d features, the model takes %d", o->val->cols, m->inputs);
    if (d->rows < 1) return nn_fail(NN_EINVAL, "the training data has no rows");
    if (o->val && o->val->rows < 1) return nn_fail(NN_EINVAL, "the validation data has no rows");
    if (o->epochs < 1) return nn_fail(NN_EINVAL, "epochs must be >= 1, got %d", o->epochs);
    if (o->initial_epoch < 0 || o->initial_epoch >= o->epochs)
        return nn_fail(NN_EINVAL, "initial epoch %d is not in [0, %d)", o->initial_epoch, o->epochs);
    if (o->initial_batch < 0) return nn_fail(NN_EINVAL, "initial batch %d is negative", o->initial_batch);
    if (o->batch_size < 1) return nn_fail(NN_EINVAL, "batch size must be >= 1, got %d", o->batch_size);
    if (o->patience < 0) return nn_fail(NN_EINVAL, "patience must be >= 0, got %d", o->patience);
    if (!(o->clip_norm >= 0) || !(o->clip_value >= 0) || !(o->l1 >= 0) || !(o->l2 >= 0))
        return nn_fail(NN_EINVAL, "clip_norm, clip_value, l1 and l2 must be >= 0");
    if (m->loss == NN_LOSS_NONE) return nn_fail(NN_EINVAL, "the model has no loss head (nn_model_set_loss)");
    return NN_OK;
}

nn_status nn_fit(nn_model *m, nn_optim *o, const nn_dataset *d, const nn_fit_opts *opts, nn_history *hist)
{
    if (hist) memset(hist, 0, sizeof *hist);
    if (!m || !o || !d) return nn_fail(NN_EINVAL, "nn_fit: NULL model, optimizer or data");
    nn_fit_opts def = nn_fit_defaults();
    const nn_fit_opts *op = opts ? opts : &def;
    if ((op->reduce || op->workers > 1) && (op->rank < 0 || op->rank >= op->workers || !op->reduce))
        return nn_fail(NN_EINVAL, "worker %d of %d is not a valid data-parallel setting (a reduce function is "
                       "needed for more than one worker)", op->rank, op->workers);
    nn_status s = check_fit(m, d, op);
    int bs = op->batch_size < d->rows ? op->batch_size : d->rows;
    /* Checked before the parameters are even allocated, for the largest batch the run will see: its own and
     * nn_evaluate's chunks of up to 256 rows. */
    int most = op->val && op->val->rows > d->rows ? op->val->rows : d->rows;
    if (most > 256) most = 256;
    if (s == NN_OK) s = nn_check_memory(m, bs > most ? bs : most);
    if (s == NN_OK) s = nn_model_build(m);
    int nb = bs > 0 ? (d->rows + bs - 1) / bs : 0;
    if (s == NN_OK && op->initial_batch >= nb)
        s = nn_fail(NN_EINVAL, "initial batch %d is not in [0, %d) (batches per epoch)", op->initial_batch, nb);
    int *idx = NULL;
    nn_real *xb = NULL, *yb = NULL;
    nn_epoch_stats *ep = NULL;
    if (s == NN_OK) {
        idx = nn_malloc((size_t)d->rows * sizeof *idx);
        xb = nn_malloc((size_t)bs * d->cols * sizeof *xb), yb = nn_malloc((size_t)bs * sizeof *yb);
        ep = hist ? nn_calloc((size_t)op->epochs, sizeof *ep) : NULL;
        if (!idx || !xb || !yb || (hist && !ep)) s = NN_ENOMEM;
    }
    /* Workers agree to start, so that one with bad data fails them all instead of leaving them waiting; and
     * they check that they run the same schedule (parameters, rows, batches, epochs, validation rows), since
     * each reduction pairs with the others' and a worker with another schedule would mismatch them all. */
    int failed = s != NN_OK, same = 1;
    if (op->reduce) {
        int64_t v[] = {(int64_t)nn_model_nparams(m), d->rows, bs, op->epochs, op->initial_epoch, op->initial_batch,
                       op->val ? op->val->rows : 0, op->patience};
        nn_status r = dp_same(op, v, (int)(sizeof v / sizeof v[0]), &same);
        if (r == NN_OK) r = dp_any(op, &failed);
        if (s == NN_OK && r != NN_OK) s = r;
        else if (s == NN_OK && failed) s = nn_fail(NN_EIO, "another worker failed (its message is on its stderr)");
        else if (s == NN_OK && !same)
            s = nn_fail(NN_EINVAL, "the workers were given different training runs (their parameter counts, rows, "
                                   "batch sizes, epochs, validation rows or patience differ): every worker must "
                                   "run the same nn_fit");
    }
    if (s != NN_OK) {
        free(idx), free(xb), free(yb), free(ep);
        return s;
    }
    if (hist) hist->epochs = ep;
    /* The best epoch's parameters and state, one block for the whole run. */
    int keep_best = op->restore_best && op->patience > 0;
    size_t np = nn_model_nparams(m), ns = nn_model_nstate(m);
    nn_real *best_w = keep_best ? nn_malloc((np + ns) * sizeof *best_w) : NULL;
    if (keep_best && !best_w) {
        free(idx), free(xb), free(yb), free(ep);
        if (hist) hist->epochs = NULL;
        return NN_ENOMEM;
    }
    int best_e = -1;
    for (int i = 0; i < d->rows; i++) idx[i] = i;
    nn_rng rng;
    nn_rng_seed(&rng, op->seed);
    double best = INFINITY;
    int since_best = 0, stop_next = 0;
    sig_atomic_t stops_at_start = stop_requests;

    /* Replaying the skipped epochs' shuffles puts the generator where an uninterrupted run had it. */
    for (int e = 0; e < op->initial_epoch && op->shuffle; e++) nn_rng_shuffle(&rng, idx, (size_t)d->rows);
    nn_optim_set_horizon(o, op->epochs);
    for (int e = op->initial_epoch; e < op->epochs && s == NN_OK; e++) {
        double t0 = nn_seconds(), total = 0;
        long ok = 0;
        nn_optim_set_epoch(o, e);
        if (op->shuffle) nn_rng_shuffle(&rng, idx, (size_t)d->rows);
        int rows_done = 0;
        for (int b = e == op->initial_epoch ? op->initial_batch : 0; b < nb; b++) {
            int start = b * bs, n = d->rows - start < bs ? d->rows - start : bs, c = 0;
            /* This worker's contiguous share of the batch: all of it in a plain run. */
            int lo = op->reduce ? (int)((long)n * op->rank / op->workers) : 0;
            int hi = op->reduce ? (int)((long)n * (op->rank + 1) / op->workers) : n;
            /* Gathering the batch into one contiguous block keeps the products on contiguous rows. */
            for (int r = lo; r < hi; r++) {
                int i = idx[start + r];
                memcpy(xb + (size_t)(r - lo) * d->cols, d->x + (size_t)i * d->cols, (size_t)d->cols * sizeof *xb);
                yb[r - lo] = d->y[i];
            }
            double l = 0;
            int stop = stop_requests != stops_at_start || stop_next;
            s = op->reduce ? dp_step(m, o, xb, yb, hi - lo, n, op, &l, &c, &stop)
                           : step(m, o, xb, yb, n, op, &l, &c);
            if (s != NN_OK) {
                nn_fail_prefix(s, "epoch %d, batch %d", e + 1, b + 1);
                break;
            }
            total += l * n;
            ok += c;
            rows_done += n;
            /* A data-parallel run stops where every worker agreed to (the step's sums); a callback's request
             * joins the next step's. */
            int asked = op->on_batch && op->on_batch(e, b, nb, l, op->user);
            if (op->reduce ? stop : asked || stop_requests != stops_at_start) {
                s = nn_fail(NN_EINTR, "training stopped at epoch %d, batch %d", e + 1, b + 1);
                break;
            }
            stop_next = asked;
        }
        if (s != NN_OK && s != NN_EINTR) break;
        if (!rows_done) break;
        nn_epoch_stats st = {e, total / rows_done, (double)ok / rows_done, NAN, NAN, nn_optim_lr(o), 0};
        if (op->val) {
            nn_status v = nn_evaluate(m, op->val, 0, &st.val_loss, &st.val_acc);
            if (v != NN_OK) { s = v; break; }
            /* Workers agree on the validation result, so early stopping decides the same everywhere (batch
             * normalisation's running statistics are each worker's own). */
            if (op->reduce && (v = dp_mean(op, &st.val_loss, &st.val_acc)) != NN_OK) { s = v; break; }
        }
        st.seconds = nn_seconds() - t0;
        if (hist) ep[hist->n++] = st;
        double monitor = op->val ? st.val_loss : st.loss;
        if (monitor < best) {
            best = monitor;
            since_best = 0;
            best_e = e;
            if (hist) hist->best_epoch = e;
            if (best_w) {
                memcpy(best_w, nn_model_params(m), np * sizeof *best_w);
                if (ns) memcpy(best_w + np, nn_model_state(m), ns * sizeof *best_w);
            }
        } else {
            since_best++;
        }
        if (s == NN_EINTR) break;
        int asked = op->on_epoch && op->on_epoch(&st, op->user);
        if (op->reduce && (s = dp_any(op, &asked)) != NN_OK) break;
        if (asked) {
            s = nn_fail(NN_EINTR, "training stopped after epoch %d", e + 1);
            break;
        }
        if (op->patience > 0 && since_best >= op->patience) {
            if (hist) hist->stopped_early = 1;
            break;
        }
    }
    /* Only a run that ended as planned is rewound: an interrupted one is saved to be resumed as it is. */
    if (best_w && s == NN_OK && best_e >= 0 && since_best > 0) {
        memcpy(nn_model_params(m), best_w, np * sizeof *best_w);
        if (ns) memcpy(nn_model_state(m), best_w + np, ns * sizeof *best_w);
        if (hist) hist->restored = 1;
    }
    free(best_w);
    /* The checks in step() come before each update: the last one is checked here, so that a run never ends
     * with a model that cannot be saved or used. */
    if ((s == NN_OK || s == NN_EINTR) && (!nn_all_finite(m->params, m->nparams) || !nn_all_finite(m->state, m->nstate)))
        s = nn_fail(NN_ENONFINITE, "the last update made a parameter non-finite (learning rate too high?)");
    free(idx);
    free(xb);
    free(yb);
    return s;
}

void nn_history_free(nn_history *h)
{
    if (!h) return;
    free(h->epochs);
    h->epochs = NULL;
    h->n = 0;
}
