/* memory.c: the memory limit a model is checked against before anything large is allocated. */
#define _DEFAULT_SOURCE /* sysconf(_SC_PHYS_PAGES) */
#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "model_internal.h"

/* 0: not decided yet. Atomic: models made in several threads at once may all decide it, to the same value. */
static _Atomic size_t limit;

/* "4G", "512M", "1048576": bytes, with an optional binary K/M/G/T suffix; 0 when unreadable. */
static size_t parse_bytes(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    const char *units = "KMGT";
    for (const char *u = units; *end && *u; u++)
        if (toupper((unsigned char)*end) == *u) {
            for (const char *k = units; k <= u; k++) v *= 1024;
            end++;
            break;
        }
    if (end == s || *end || !(v >= 1) || v > 1.8e19) return 0;
    return (size_t)v;
}

size_t nn_memory_limit(void)
{
    size_t l0 = atomic_load_explicit(&limit, memory_order_relaxed);
    if (l0) return l0;
    const char *env = getenv("NNLAB_MAX_MEMORY");
    size_t l = env && *env ? parse_bytes(env) : 0;
    if (!l) {
        /* Half the machine: a hostile file or a typo in --arch fails with a message instead of waking the
         * kernel's OOM killer, and a real model that fits in RAM still trains. */
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        /* else 4 GiB, or all of a 32-bit address space (WebAssembly), without a shift past size_t's width */
        l = pages > 0 && size > 0 ? (size_t)pages / 2 * (size_t)size
                                    : (size_t)((uint64_t)SIZE_MAX > 0xffffffffu ? 4294967296u : SIZE_MAX);
    }
    atomic_store_explicit(&limit, l, memory_order_relaxed);
    return l;
}

void nn_set_memory_limit(size_t bytes) { atomic_store_explicit(&limit, bytes, memory_order_relaxed); }

size_t nn_model_memory(const nn_model *m, int rows)
{
    if (!m) return 0;
    /* Parameters, gradients and up to two optimizer slots each (Adam); per row the input copy, then each
     * layer's output, its backward buffer and what its forward caches for backward. */
    double per_row = m->inputs;
    for (int i = 0; i < m->nlayers; i++) per_row += 3.0 * m->layers[i].out;
    double n = 4.0 * (double)m->nparams + (double)m->nstate + (rows > 0 ? rows : 1) * per_row;
    n *= sizeof(nn_real);
    return n > (double)SIZE_MAX ? SIZE_MAX : (size_t)n;
}

nn_status nn_check_memory(const nn_model *m, int rows)
{
    size_t need = nn_model_memory(m, rows), lim = nn_memory_limit();
    if (need <= lim) return NN_OK;
    return nn_fail(NN_ENOMEM, "the model would need about %.3g MB (%zu parameters, %d rows at a time), over the "
                   "memory limit of %.3g MB (NNLAB_MAX_MEMORY or nn_set_memory_limit change it)",
                   need / 1048576.0, m->nparams, rows > 0 ? rows : 1, lim / 1048576.0);
}
