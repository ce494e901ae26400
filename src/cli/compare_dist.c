/* compare_dist.c: nnlab compare under mpirun: rank 0 hands out the runs one request at a time (a rank asks again
 * when its threads are idle, so a slow run keeps no one waiting) and takes their results back, serialised; after a
 * tuning phase every rank gets all its results, so that every rank chooses the same learning rates.
 *
 * The protocol keeps blocking sends safe: a rank above 0 sends results only while no request of its own is out,
 * and rank 0 sends to a rank only in answer to its request, so two ranks never both wait to send to each other. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

enum { TAG_ASK = 7101, TAG_JOBS, TAG_RESULT, TAG_BYE };

/* Jobs asked for at once: the idle threads of a rank, at most this many. */
#define MAX_ASK 256

/* ---------------------------------------------------------------- one run as bytes (the same binary reads them) */

typedef struct buf {
    unsigned char *b;
    size_t n, cap, at;
    int bad; /* out of memory, or a read past the end */
} buf;

static void put(buf *w, const void *p, size_t n)
{
    /* memcpy must not see NULL, not even for 0 bytes (an empty history has no array). */
    if (w->bad || n == 0) return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n) cap *= 2;
        unsigned char *b = realloc(w->b, cap);
        if (!b) {
            w->bad = 1;
            return;
        }
        w->b = b, w->cap = cap;
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void get(buf *r, void *p, size_t n)
{
    if (n == 0) return;
    if (r->bad || r->at + n > r->n) {
        r->bad = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, r->b + r->at, n);
    r->at += n;
}

/* The lengths of the per-layer arrays are the task's (every rank builds the same task). */
static void put_layers(buf *w, const cmp_task *t, const cmp_layers *L)
{
    size_t nh = (size_t)(t->nhid > 0 ? t->nhid : 1);
    put(w, L->mean, nh * sizeof *L->mean), put(w, L->std, nh * sizeof *L->std), put(w, L->dead, nh * sizeof *L->dead);
    put(w, L->grad, (size_t)L->ngrad * sizeof *L->grad);
    put(w, &L->dead_all, sizeof L->dead_all), put(w, &L->grad_ratio, sizeof L->grad_ratio);
}

static void get_layers(buf *r, const cmp_task *t, cmp_layers *L)
{
    size_t nh = (size_t)(t->nhid > 0 ? t->nhid : 1);
    get(r, L->mean, nh * sizeof *L->mean), get(r, L->std, nh * sizeof *L->std), get(r, L->dead, nh * sizeof *L->dead);
    get(r, L->grad, (size_t)L->ngrad * sizeof *L->grad);
    get(r, &L->dead_all, sizeof L->dead_all), get(r, &L->grad_ratio, sizeof L->grad_ratio);
}

/* Job j (row j % nacts, seed j / nacts): everything run_one measured, and the boundary picture it drew (b, or
 * NULL). */
static void put_run(buf *w, const cmp_task *t, int j, const cmp_boundary *b)
{
    const cmp_run *r = &t->acts[j % t->nacts].runs[j / t->nacts];
    put(w, &j, sizeof j);
    put(w, &r->state, sizeof r->state), put(w, r->error, sizeof r->error);
    const nn_history *h = &r->hist;
    put(w, &h->n, sizeof h->n), put(w, &h->stopped_early, sizeof h->stopped_early);
    put(w, &h->best_epoch, sizeof h->best_epoch), put(w, &h->restored, sizeof h->restored);
    put(w, h->epochs, (size_t)h->n * sizeof *h->epochs);
    double v[6] = {r->train_loss, r->train_acc, r->val_loss, r->val_acc, r->ms_epoch, r->epochs_to_target};
    put(w, v, sizeof v);
    put_layers(w, t, &r->after), put_layers(w, t, &r->init);
    int np = b && b->rgb ? b->np : -1;
    put(w, &np, sizeof np);
    if (np < 0) return;
    put(w, b->rgb, (size_t)CMP_GRID * CMP_GRID * 3);
    put(w, b->px, (size_t)np * sizeof *b->px), put(w, b->py, (size_t)np * sizeof *b->py);
    put(w, b->pc, (size_t)np * sizeof *b->pc);
}

/* The next run of r into its place in t (its picture into bnd[row] when bnd is not NULL); the job, or -1 when the
 * bytes are short or memory ran out. */
static int get_run(buf *r, cmp_task *t, cmp_boundary *bnd)
{
    int j = -1;
    get(r, &j, sizeof j);
    if (r->bad || j < 0 || j >= t->nacts * t->nseeds) return -1;
    cmp_run *R = &t->acts[j % t->nacts].runs[j / t->nacts];
    nn_history *h = &R->hist;
    nn_history_free(h);
    get(r, &R->state, sizeof R->state), get(r, R->error, sizeof R->error);
    R->error[sizeof R->error - 1] = '\0';
    get(r, &h->n, sizeof h->n), get(r, &h->stopped_early, sizeof h->stopped_early);
    get(r, &h->best_epoch, sizeof h->best_epoch), get(r, &h->restored, sizeof h->restored);
    if (r->bad || h->n < 0 || h->n > t->epochs || !(h->epochs = malloc((size_t)(h->n ? h->n : 1) * sizeof *h->epochs))) {
        h->n = 0;
        r->bad = 1;
        return -1;
    }
    get(r, h->epochs, (size_t)h->n * sizeof *h->epochs);
    double v[6];
    get(r, v, sizeof v);
    R->train_loss = v[0], R->train_acc = v[1], R->val_loss = v[2], R->val_acc = v[3], R->ms_epoch = v[4];
    R->epochs_to_target = (int)v[5];
    get_layers(r, t, &R->after), get_layers(r, t, &R->init);
    int np = -1;
    get(r, &np, sizeof np);
    if (np < 0 || r->bad) return r->bad ? -1 : j;
    cmp_boundary *b = bnd ? &bnd[j % t->nacts] : NULL;
    size_t n = (size_t)(np ? np : 1);
    if (!b || !(b->rgb = malloc((size_t)CMP_GRID * CMP_GRID * 3)) || !(b->px = malloc(n * sizeof *b->px)) ||
        !(b->py = malloc(n * sizeof *b->py)) || !(b->pc = malloc(n * sizeof *b->pc))) {
        r->bad = 1;
        return -1;
    }
    b->np = np;
    get(r, b->rgb, (size_t)CMP_GRID * CMP_GRID * 3);
    get(r, b->px, (size_t)np * sizeof *b->px), get(r, b->py, (size_t)np * sizeof *b->py);
    get(r, b->pc, (size_t)np * sizeof *b->pc);
    return r->bad ? -1 : j;
}

/* ---------------------------------------------------------------- handing out the runs */

int cmp_dist_take(cmp_pool *p)
{
    for (;;) {
        if (cli_interrupted) return -1;
        if (p->qhead < p->qtail) return p->queue[p->qhead++];
        if (p->no_more) return -1;
        /* Idle threads are what this rank's main thread asks rank 0 for. */
        p->idle++;
        pthread_cond_broadcast(&p->cv);
        pthread_cond_wait(&p->cv, &p->mu);
        p->idle--;
    }
}

/* Rank 0: a result, a request or a goodbye from rank `from`. */
static void lead_message(cmp_pool *p, int from, int tag, buf *m)
{
    if (tag == TAG_BYE) {
        p->byes++;
        return;
    }
    if (tag == TAG_ASK) {
        int want = 0, jobs[MAX_ASK], n = 0;
        get(m, &want, sizeof want);
        while (n < want && n < MAX_ASK && p->next < p->total && !cli_interrupted) jobs[n++] = p->next++;
        pthread_mutex_unlock(&p->mu);
        cli_dist_send(from, TAG_JOBS, jobs, (size_t)n * sizeof *jobs);
        pthread_mutex_lock(&p->mu);
        return;
    }
    /* No thread of this rank touches a run handed to another rank, so it is written without the lock. */
    pthread_mutex_unlock(&p->mu);
    int j = get_run(m, p->t, p->g.bnd);
    pthread_mutex_lock(&p->mu);
    if (j < 0) {
        /* The run's place is the first thing in the message: it stands, reported as failed. */
        if (m->n < sizeof j) return;
        memcpy(&j, m->b, sizeof j);
        if (j < 0 || j >= p->total) return;
        cmp_run *r = &p->t->acts[j % p->t->nacts].runs[j / p->t->nacts];
        r->state = CMP_RUN_FAILED;
        snprintf(r->error, sizeof r->error, "the result from rank %d could not be read (out of memory?)", from);
    }
    p->epochs_done += p->t->acts[j % p->t->nacts].runs[j / p->t->nacts].hist.n;
    p->finished[j] = 1;
    p->done++;
}

/* Rank 0: every message waiting. 1 while some rank has not said goodbye. */
static int lead_serve(cmp_pool *p)
{
    int from, tag;
    size_t n;
    for (;;) {
        pthread_mutex_unlock(&p->mu);
        buf m = {0};
        int any = cli_dist_probe(&from, &tag, &n);
        /* Out of memory the message stays waiting, and is taken at a later call. */
        if (any && (m.b = malloc(n ? n : 1)) != NULL) m.n = n, cli_dist_recv(from, tag, m.b, n);
        pthread_mutex_lock(&p->mu);
        if (!m.b) break;
        lead_message(p, from, tag, &m);
        free(m.b);
    }
    return p->byes < cli_dist_size() - 1;
}

/* A rank above 0: results out, requests for idle threads, jobs in, goodbye at the end. 1 until goodbye. */
static int worker_serve(cmp_pool *p)
{
    if (p->byes) return 0;
    for (int j = 0; !p->asked && j < p->total; j++) {
        if (!p->finished[j] || p->reported[j]) continue;
        p->reported[j] = 1;
        pthread_mutex_unlock(&p->mu);
        buf w = {0};
        put_run(&w, p->t, j, j / p->t->nacts == 0 && p->g.bnd ? &p->g.bnd[j % p->t->nacts] : NULL);
        if (w.bad) {
            /* Rank 0 cannot read a run without its data and marks it failed. */
            free(w.b);
            w = (buf){0};
            put(&w, &j, sizeof j);
        }
        cli_dist_send(0, TAG_RESULT, w.b, w.n);
        free(w.b);
        pthread_mutex_lock(&p->mu);
    }
    int queued = p->qtail - p->qhead;
    if (!p->asked && !p->no_more && !cli_interrupted && p->idle > queued) {
        int want = p->idle - queued;
        p->asked = 1;
        pthread_mutex_unlock(&p->mu);
        cli_dist_send(0, TAG_ASK, &want, sizeof want);
        pthread_mutex_lock(&p->mu);
    }
    if (p->asked) {
        int from, tag, jobs[MAX_ASK];
        size_t n;
        pthread_mutex_unlock(&p->mu);
        int any = cli_dist_probe(&from, &tag, &n);
        if (any) cli_dist_recv(from, tag, jobs, n <= sizeof jobs ? n : sizeof jobs);
        pthread_mutex_lock(&p->mu);
        if (any) {
            p->asked = 0;
            int k = (int)(n / sizeof *jobs);
            if (k == 0) p->no_more = 1;
            for (int i = 0; i < k && p->qtail < p->total; i++) p->queue[p->qtail++] = jobs[i];
            pthread_cond_broadcast(&p->cv);
        }
    }
    int unsent = 0;
    for (int j = 0; j < p->total; j++) unsent += p->finished[j] && !p->reported[j];
    if (p->workers > 0 || p->asked || unsent) return 1;
    p->byes = 1;
    pthread_mutex_unlock(&p->mu);
    cli_dist_send(0, TAG_BYE, NULL, 0);
    pthread_mutex_lock(&p->mu);
    return 0;
}

int cmp_dist_serve(cmp_pool *p) { return cli_dist_rank() == 0 ? lead_serve(p) : worker_serve(p); }

int cmp_dist_share(cmp_task *t)
{
    int lead = cli_dist_rank() == 0, rc = -1;
    buf w = {0};
    for (int j = 0; lead && j < t->nacts * t->nseeds; j++) put_run(&w, t, j, NULL);
    uint64_t len = w.n;
    if (w.bad) cli_error("out of memory");
    if (!cli_dist_all_ok(!w.bad) || cli_dist_bcast(&len, sizeof len)) goto done;
    if (!lead && !(w.b = malloc(len ? len : 1))) cli_error("out of memory");
    if (!cli_dist_all_ok(w.b != NULL) || cli_dist_bcast(w.b, len)) goto done;
    w.n = len;
    for (int j = 0; !lead && j < t->nacts * t->nseeds; j++)
        if (get_run(&w, t, NULL) != j) {
            cli_error("compare: the tuning results from rank 0 could not be read (out of memory?)");
            goto done;
        }
    rc = 0;
done:
    free(w.b);
    return rc;
}
