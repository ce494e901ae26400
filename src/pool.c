/* pool.c: a model's worker threads, started once and woken per job: the parallel half of every step. */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "pool.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define NN_NO_THREADS 1
#endif

void nn_pool_range(size_t n, size_t align, int part, int nparts, size_t *lo, size_t *hi)
{
    size_t blocks = (n + align - 1) / align, np = (size_t)nparts, p = (size_t)part;
    size_t b0 = blocks * p / np, b1 = blocks * (p + 1) / np;
    *lo = b0 * align < n ? b0 * align : n;
    *hi = b1 * align < n ? b1 * align : n;
}

#ifdef NN_NO_THREADS
struct nn_pool {
    int threads;
};

nn_pool *nn_pool_new(int threads)
{
    (void)threads;
    nn_pool *p = nn_calloc(1, sizeof *p);
    if (p) p->threads = 1;
    return p;
}

void nn_pool_free(nn_pool *p) { free(p); }
int nn_pool_threads(const nn_pool *p) { return p ? p->threads : 1; }
void nn_pool_run(nn_pool *p, nn_pool_fn fn, void *ctx)
{
    (void)p;
    fn(ctx, 0, 1);
}
#else
#include <pthread.h>
#include <time.h>

/* How long an idle thread polls for the next job before it sleeps: longer than the serial stretches
 * inside a step (the loss, layer bookkeeping, the next batch's gather), short enough that a pool between
 * two fits or two epochs' evaluations costs no core. */
#define SPIN_NS 200000L

struct nn_pool {
    int threads;
    pthread_t *tid;
    struct worker_arg *arg; /* one per started thread, owned here: a thread that starts late frees nothing */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int sleepers;            /* threads waiting on wake (under mu) */
    atomic_uint gen;         /* job number: a new value starts a job */
    atomic_int pending;      /* parts not finished yet */
    atomic_int quit;
    nn_pool_fn fn;           /* the job, written before gen moves */
    void *ctx;
};

typedef struct worker_arg {
    nn_pool *p;
    int part;
} worker_arg;

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Waits for gen to leave `seen`: polls for SPIN_NS, then sleeps on the condition variable. */
static unsigned wait_job(nn_pool *p, unsigned seen)
{
    long until = 0;
    unsigned spins = 0;
    for (unsigned i = 0;; i++) {
        unsigned g = atomic_load_explicit(&p->gen, memory_order_acquire);
        if (g != seen || atomic_load_explicit(&p->quit, memory_order_acquire)) return g;
        nn_pool_relax(&spins);
        if ((i & 63) != 63) continue;
        long t = now_ns();
        if (!until) until = t + SPIN_NS;
        else if (t > until) break;
    }
    pthread_mutex_lock(&p->mu);
    p->sleepers++;
    unsigned g;
    /* nn_pool_run moves gen before it takes mu, so a job posted after the test above is seen here. */
    while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && !atomic_load(&p->quit))
        pthread_cond_wait(&p->wake, &p->mu);
    p->sleepers--;
    pthread_mutex_unlock(&p->mu);
    return g;
}

static void *worker(void *arg)
{
    worker_arg a = *(worker_arg *)arg;
    nn_pool *p = a.p;
    unsigned seen = 0;
    for (;;) {
        seen = wait_job(p, seen);
        if (atomic_load_explicit(&p->quit, memory_order_acquire)) return NULL;
        p->fn(p->ctx, a.part, p->threads);
        atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel);
    }
}

static void stop(nn_pool *p, int started)
{
    atomic_store(&p->quit, 1);
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < started; i++) pthread_join(p->tid[i], NULL);
}

nn_pool *nn_pool_new(int threads)
{
    if (threads < 1) threads = 1;
    if (threads > NN_POOL_MAX) threads = NN_POOL_MAX;
    nn_pool *p = nn_calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = threads;
    if (threads == 1) return p;
    p->tid = nn_calloc((size_t)threads - 1, sizeof *p->tid);
    p->arg = nn_calloc((size_t)threads - 1, sizeof *p->arg);
    if (!p->tid || !p->arg) {
        free(p->tid);
        free(p->arg);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->gen, 0);
    atomic_init(&p->pending, 0);
    atomic_init(&p->quit, 0);
    for (int i = 1; i < threads; i++) {
        p->arg[i - 1] = (worker_arg){p, i};
        int e = pthread_create(&p->tid[i - 1], NULL, worker, &p->arg[i - 1]);
        if (e) {
            stop(p, i - 1);
            pthread_mutex_destroy(&p->mu);
            pthread_cond_destroy(&p->wake);
            free(p->tid);
            free(p->arg);
            free(p);
            nn_fail(NN_EIO, "cannot start thread %d of %d: %s", i + 1, threads, strerror(e));
            return NULL;
        }
    }
    return p;
}

void nn_pool_free(nn_pool *p)
{
    if (!p) return;
    if (p->threads > 1) {
        stop(p, p->threads - 1);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->wake);
    }
    free(p->tid);
    free(p->arg);
    free(p);
}

int nn_pool_threads(const nn_pool *p) { return p ? p->threads : 1; }

void nn_pool_run(nn_pool *p, nn_pool_fn fn, void *ctx)
{
    if (!p || p->threads == 1) {
        fn(ctx, 0, 1);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->pending, p->threads - 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_acq_rel);
    pthread_mutex_lock(&p->mu);
    if (p->sleepers) pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    fn(ctx, 0, p->threads);
    unsigned spins = 0;
    while (atomic_load_explicit(&p->pending, memory_order_acquire)) nn_pool_relax(&spins);
}
#endif
