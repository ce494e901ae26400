/* compare_run.c: compare's runner: every (activation, seed) run of a task trained on a pool of threads, with
 * progress on stderr and Ctrl-C handling, then measured, summarised and reported. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "compare.h"

typedef cmp_pool pool;

static int on_batch(int epoch, int batch, int nbatches, double loss, void *user)
{
    (void)epoch, (void)batch, (void)nbatches, (void)loss, (void)user;
    return cli_interrupted != 0;
}

static int on_epoch(const nn_epoch_stats *s, void *user)
{
    pool *p = user;
    (void)s;
    pthread_mutex_lock(&p->mu);
    p->epochs_done++;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* The run's own data: the split and the standardisation fitted on its training part, and its model and optimizer. */
static nn_status prepare(const cmp_task *t, const cmp_act *A, const cmp_run *r, const nn_dataset *d, nn_dataset **tr,
                         nn_dataset **va, nn_model **m, nn_optim **o)
{
    nn_real *mean = malloc((size_t)d->cols * sizeof *mean), *sd = malloc((size_t)d->cols * sizeof *sd);
    nn_status st = NN_ENOMEM;
    if (!mean || !sd) goto done;
    /* The split's generator gets a seed derived from the run's: seeded alike, it would replay the stream a
     * toy generator used for the same small seed and pick correlated rows (a validation part from one
     * corner of the data). */
    if (t->val > 0) st = nn_dataset_split(d, t->val, r->seed * 0x9E3779B97F4A7C15ull + 0x73706c6974ull, tr, va);
    else st = (*tr = nn_dataset_subset(d, NULL, d->rows)) ? NN_OK : NN_ENOMEM;
    if (st != NN_OK) goto done;
    nn_dataset_fit_standardize(*tr, mean, sd);
    st = NN_EINVAL;
    if (!(*m = nn_model_from_spec(d->cols, A->arch, NN_LOSS_SOFTMAX_XENT, r->seed))) goto done;
    if ((st = nn_model_set_scaling(*m, mean, sd)) != NN_OK) goto done;
    st = (*o = nn_optim_parse(A->opt)) ? NN_OK : NN_EINVAL;
done:
    free(mean);
    free(sd);
    return st;
}

/* Scores of the final (last finite) parameters, the epochs to the target, the time per epoch. */
static nn_status score(const cmp_task *t, cmp_run *r, nn_model *m, const nn_dataset *tr, const nn_dataset *va)
{
    nn_status st = nn_evaluate(m, tr, 0, &r->train_loss, &r->train_acc);
    if (st == NN_OK && va) st = nn_evaluate(m, va, 0, &r->val_loss, &r->val_acc);
    double ms = 0;
    for (int e = 0; e < r->hist.n; e++) {
        const nn_epoch_stats *es = &r->hist.epochs[e];
        double acc = va ? es->val_acc : es->acc;
        if (!r->epochs_to_target && acc >= t->target) r->epochs_to_target = e + 1;
        ms += 1000 * es->seconds;
    }
    r->ms_epoch = r->hist.n ? ms / r->hist.n : NAN;
    return st;
}

static nn_status probe(const cmp_task *t, nn_model *m, const nn_dataset *tr, cmp_layers *L)
{
    nn_status st = cmp_probe_units(m, tr, t->nhid, L);
    return st == NN_OK ? cmp_probe_grads(m, tr, t->batch, L) : st;
}

static void run_one(pool *p, int a, int s)
{
    cmp_task *t = p->t;
    cmp_act *A = &t->acts[a];
    cmp_run *r = &A->runs[s];
    nn_dataset *tr = NULL, *va = NULL;
    nn_model *m = NULL;
    nn_optim *o = NULL;
    nn_status st = prepare(t, A, r, p->d, &tr, &va, &m, &o);
    if (st == NN_OK && t->probe_init) st = probe(t, m, tr, &r->init);
    if (st != NN_OK) goto fail;
    nn_fit_opts fo = nn_fit_defaults();
    fo.clip_norm = A->clip_norm, fo.clip_value = A->clip_value, fo.l1 = A->l1, fo.l2 = A->l2;
    fo.epochs = t->epochs;
    fo.batch_size = t->batch;
    fo.seed = r->seed;
    fo.val = va;
    fo.on_batch = on_batch;
    fo.on_epoch = on_epoch;
    fo.user = p;
    st = nn_fit(m, o, tr, &fo, &r->hist);
    /* Without the epochs' times the mean time per epoch (score) is NaN too. */
    for (int e = 0; t->no_timing && e < r->hist.n; e++) r->hist.epochs[e].seconds = NAN;
    if (st == NN_ENONFINITE) {
        r->state = CMP_RUN_DIVERGED;
        snprintf(r->error, sizeof r->error, "%s", nn_errmsg());
    } else if (st == NN_EINTR) {
        r->state = CMP_RUN_INTERRUPTED;
    } else if (st != NN_OK) {
        goto fail;
    } else {
        r->state = CMP_RUN_OK;
    }
    /* A diverged run is scored even when it failed in its first epoch: its parameters are the last finite ones. */
    if (r->hist.n == 0 && r->state != CMP_RUN_DIVERGED) goto out;
    if ((st = score(t, r, m, tr, va)) != NN_OK) goto fail;
    if (t->quick) goto out;
    /* Boundary before the gradient probe: its training-mode forward may move running statistics. */
    if ((st = cmp_probe_units(m, tr, t->nhid, &r->after)) != NN_OK) goto fail;
    if (s == 0 && p->g.bnd && (st = cmp_draw_boundary(&p->g, m, tr, &p->g.bnd[a])) != NN_OK) goto fail;
    if ((st = cmp_probe_grads(m, tr, t->batch, &r->after)) != NN_OK) goto fail;
    goto out;
fail:
    r->state = CMP_RUN_FAILED;
    snprintf(r->error, sizeof r->error, "%s", *nn_errmsg() ? nn_errmsg() : nn_strerror(st));
out:
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(tr);
    nn_dataset_free(va);
}

/* The next job, or -1 when there is none; with p->mu held. */
static int take_job(pool *p)
{
    if (p->dist && cli_dist_rank() > 0) return cmp_dist_take(p);
    return p->next < p->total && !cli_interrupted ? p->next++ : -1;
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (int j; (j = take_job(p)) >= 0;) {
        pthread_mutex_unlock(&p->mu);
        /* Seed-major order: every activation gets its first seed early, so an interrupted run still
         * compares all of them. */
        run_one(p, j % p->t->nacts, j / p->t->nacts);
        pthread_mutex_lock(&p->mu);
        p->finished[j] = 1;
        p->done++;
        pthread_cond_broadcast(&p->cv);
    }
    p->workers--;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void fmt_clock(char *buf, size_t size, double s)
{
    if (!(s >= 0) || s > 359999) s = 0;
    long v = (long)(s + 0.5);
    snprintf(buf, size, "%ld:%02ld", v / 60, v % 60);
}

/* Called with p->mu held, from the main thread only: the one writer of progress. */
static void progress(pool *p)
{
    if (cli_quiet) return;
    cmp_task *t = p->t;
    for (int j = 0; j < p->total; j++) {
        cmp_run *r = &t->acts[j % t->nacts].runs[j / t->nacts];
        if (p->reported[j] || !p->finished[j]) continue;
        p->reported[j] = 1;
        if (p->tty) continue;
        const cmp_act *A = &t->acts[j % t->nacts];
        fprintf(stderr, "%s: %s", t->name, A->spec);
        if (t->quick) fprintf(stderr, " lr=%g", A->lr); /* a tuning task runs each rate of the grid */
        fprintf(stderr, " seed %llu: ", (unsigned long long)r->seed);
        if (r->state == CMP_RUN_FAILED) fprintf(stderr, "failed: %s\n", r->error);
        else if (r->hist.n == 0 && r->state != CMP_RUN_DIVERGED) fprintf(stderr, "interrupted before the first epoch\n");
        else {
            char ms[48] = ""; /* none with --no-timing */
            if (isfinite(r->ms_epoch)) snprintf(ms, sizeof ms, ", %.2f ms/epoch", r->ms_epoch);
            fprintf(stderr, "%s=%.4f loss=%.4g (%d epochs%s)%s\n", t->val > 0 ? "val_acc" : "train_acc",
                    t->val > 0 ? r->val_acc : r->train_acc, t->val > 0 ? r->val_loss : r->train_loss, r->hist.n, ms,
                    r->state == CMP_RUN_DIVERGED ? " diverged" : r->state == CMP_RUN_INTERRUPTED ? " interrupted" : "");
        }
    }
    if (p->tty) {
        enum { W = 24 };
        double frac = p->epochs_total ? (double)p->epochs_done / p->epochs_total : 0;
        char bar[W + 1], el[32], rem[32];
        for (int i = 0; i < W; i++) bar[i] = i < (int)(frac * W + 0.5) ? '#' : '.';
        bar[W] = '\0';
        double el_s = nn_seconds() - p->t0;
        fmt_clock(el, sizeof el, el_s);
        fmt_clock(rem, sizeof rem, frac > 0 ? el_s * (1 - frac) / frac : 0);
        fprintf(stderr, "\r%s: [%s] %3.0f%%  runs %d/%d  %s<%s\033[K", t->name, bar, 100 * frac, p->done, p->total,
                el, rem);
        p->bar = 1;
    }
    fflush(stderr);
}

/* For 2-D data, the area of the boundary pictures: all rows (validation included) with a margin, so every point
 * sits inside the picture. -1 out of memory. */
static int grid_init(cmp_grid *g, const cmp_task *t, const nn_dataset *d)
{
    memset(g, 0, sizeof *g);
    if (d->cols != 2) return 0;
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (int i = 0; i < d->rows; i++)
        for (int c = 0; c < 2; c++) {
            double v = (double)d->x[(size_t)i * 2 + c];
            lo[c] = fmin(lo[c], v), hi[c] = fmax(hi[c], v);
        }
    for (int c = 0; c < 2; c++) {
        double pad = hi[c] > lo[c] ? 0.08 * (hi[c] - lo[c]) : 0.5;
        lo[c] -= pad, hi[c] += pad;
    }
    g->x0 = lo[0], g->x1 = hi[0], g->y0 = lo[1], g->y1 = hi[1];
    return (g->bnd = calloc((size_t)t->nacts, sizeof *g->bnd)) ? 0 : -1;
}

static void grid_free(cmp_grid *g, int n)
{
    for (int a = 0; g->bnd && a < n; a++) free(g->bnd[a].rgb), free(g->bnd[a].px), free(g->bnd[a].py), free(g->bnd[a].pc);
    free(g->bnd);
}

/* Runs p's jobs on `workers` threads (in this thread if none can start) while this thread reports progress. */
static void run_pool(pool *p, int workers)
{
    if (workers > p->total) workers = p->total;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_t *th = calloc((size_t)(workers > 0 ? workers : 1), sizeof *th);
    int started = 0;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; th && i < workers; i++) {
        p->workers++;
        if (pthread_create(&th[i], NULL, worker, p) != 0) {
            p->workers--;
            break;
        }
        started++;
    }
    /* Without threads this thread trains; a rank above 0 then only talks (rank 0 gives it no jobs). */
    if (!started && !(p->dist && cli_dist_rank() > 0)) {
        p->workers = 1;
        pthread_mutex_unlock(&p->mu);
        worker(p);
        pthread_mutex_lock(&p->mu);
    }
    /* Under mpirun this thread answers the other ranks within a millisecond; progress stays at 4 a second. */
    long wait_ns = p->dist ? 1000000L : 250000000L;
    int talking = p->dist;
    double shown = 0;
    while (p->workers > 0 || talking) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += wait_ns;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        if (p->dist) talking = cmp_dist_serve(p);
        if (!p->dist || nn_seconds() - shown >= 0.25) progress(p), shown = nn_seconds();
    }
    progress(p);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    if (p->bar) fputc('\n', stderr);
}

/* Summaries, the table on stdout, the charts and the report files of a trained task. */
static int report_task(cmp_task *t, const cmp_grid *g, const nn_dataset *d, int jobs)
{
    int rc = CLI_OK;
    for (int a = 0; a < t->nacts; a++)
        for (int s = 0; s < t->nseeds; s++)
            if (t->acts[a].runs[s].state == CMP_RUN_FAILED)
                cli_error("compare: %s: %s seed %llu failed: %s", t->name, t->acts[a].spec,
                          (unsigned long long)t->acts[a].runs[s].seed, t->acts[a].runs[s].error);
    if (cmp_aggregate(t) || cmp_sort_acts(t)) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    report_table(stdout, t);
    fflush(stdout);
    if (cmp_write_charts(t, g, d, jobs)) rc = CLI_ERR;
    if (report_csv(t) || report_json(t) || report_html(t)) rc = CLI_ERR;
    if (t->failed) rc = CLI_ERR;
    return rc;
}

/* Trains every run of t (under mpirun, over all ranks); pictures into g when g is not NULL. ok: this rank is ready
 * (the ranks agree on it first). CLI_OK, or CLI_ERR out of memory or when a rank was not ready (printed). */
static int train_task(cmp_task *t, const nn_dataset *d, int workers, cmp_grid *g, int ok)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.t = t;
    p.d = d;
    p.total = t->nacts * t->nseeds;
    p.epochs_total = (long)p.total * t->epochs;
    p.tty = isatty(2);
    p.t0 = nn_seconds();
    p.reported = calloc((size_t)p.total, 1);
    p.finished = calloc((size_t)p.total, 1);
    p.dist = cli_dist_size() > 1;
    if (p.dist) p.queue = malloc((size_t)p.total * sizeof *p.queue);
    if (g) p.g = *g;
    int rc = CLI_ERR;
    if (ok && !(p.reported && p.finished && (p.queue || !p.dist))) {
        cli_error("out of memory");
        ok = 0;
    }
    if (cli_dist_all_ok(ok)) {
        run_pool(&p, workers);
        rc = CLI_OK;
    }
    /* A Ctrl-C that reached any rank marks the task interrupted (rank 0 reports it) and stops the next one. */
    if (p.dist && cli_dist_any(cli_interrupted != 0)) cli_interrupted = 1;
    t->seconds = t->no_timing ? NAN : nn_seconds() - p.t0;
    t->interrupted = cli_interrupted != 0;
    free(p.reported);
    free(p.finished);
    free(p.queue);
    return rc;
}

int cmp_task_train(cmp_task *t, const nn_dataset *d, int workers)
{
    if (train_task(t, d, workers, NULL, 1) != CLI_OK) return CLI_ERR;
    if (cli_dist_size() > 1 && cmp_dist_share(t)) return CLI_ERR;
    if (cmp_aggregate(t)) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    return CLI_OK;
}

int cmp_task_run(cmp_task *t, const nn_dataset *d, int workers)
{
    cmp_grid g;
    int rc = CLI_ERR;
    int ok = grid_init(&g, t, d) == 0;
    if (!ok) cli_error("out of memory");
    /* Every rank trains; rank 0 alone holds all the results and reports them. */
    if ((rc = train_task(t, d, workers, &g, ok)) == CLI_OK && cli_dist_rank() == 0)
        rc = report_task(t, &g, d, workers > 0 ? workers : 1);
    grid_free(&g, t->nacts);
    return rc;
}
