/* pool.h: a model's worker threads: one function run as nparts parts at once, the caller taking part 0. */
#ifndef NNLAB_POOL_H
#define NNLAB_POOL_H

#include <sched.h>
#include "internal.h"

typedef struct nn_pool nn_pool;

/* One part of a parallel job: the same function runs once for each part in 0..nparts-1, concurrently. */
typedef void (*nn_pool_fn)(void *ctx, int part, int nparts);

/* A pool of `threads` threads, the caller counting as one (threads - 1 are started; 1 starts none).
 * Without thread support (WebAssembly without pthreads) every pool has one thread. NULL with NN_ENOMEM or
 * NN_EIO (a thread could not start) and a message. Starting threads allocates; running jobs never does. */
nn_pool *nn_pool_new(int threads);
/* Stops and joins the threads; NULL is fine. Not while a job runs. */
void nn_pool_free(nn_pool *p);
/* Threads of the pool (1 for NULL). */
int nn_pool_threads(const nn_pool *p);
/* Runs fn(ctx, part, nparts) for every part, nparts = nn_pool_threads(p), part 0 in the calling thread, and
 * returns when all parts have. One job at a time per pool; fn must not run jobs on the same pool. Idle
 * threads spin briefly for the next job, then sleep. */
void nn_pool_run(nn_pool *p, nn_pool_fn fn, void *ctx);

/* [*lo, *hi) of part `part` of nparts over n items cut in blocks of `align` items (the last one shorter):
 * contiguous, in order, as even as the blocks allow; empty parts when there are fewer blocks than parts. */
void nn_pool_range(size_t n, size_t align, int part, int nparts, size_t *lo, size_t *hi);

/* The most threads a pool has (nn_set_threads asks for at most this many). */
#define NN_POOL_MAX 64

/* One round of a spinning wait; *spins counts the rounds. The first rounds only pause (the x86 PAUSE
 * instruction), later ones give the core away (sched_yield): when the machine runs more threads than cores,
 * the part waited for may be descheduled, and pure spinning would then burn the time slice it needs. */
static inline void nn_pool_relax(unsigned *spins)
{
    if (++*spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else {
        sched_yield();
    }
}

/* The OR of one flag per part, set by the parts of a job; one cache line each so that they do not share. */
typedef struct nn_pool_flag {
    _Alignas(64) int v;
} nn_pool_flag;

#endif
