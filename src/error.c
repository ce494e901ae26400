/* error.c: status names and the per-thread last-error message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define NN_MSG_LEN 1024

static _Thread_local char msg[NN_MSG_LEN];

const char *nn_strerror(nn_status s)
{
    static const char *const names[NN_STATUS_COUNT] = {
        "success", "invalid argument", "shape mismatch", "out of memory",
        "input/output error", "bad format", "non-finite value", "stopped",
    };
    if ((int)s < 0 || s >= NN_STATUS_COUNT) return "unknown status";
    return names[s];
}

const char *nn_errmsg(void) { return msg; }

void nn_errclear(void) { msg[0] = '\0'; }

nn_status nn_fail(nn_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return s;
}

nn_status nn_fail_prefix(nn_status s, const char *fmt, ...)
{
    char old[NN_MSG_LEN];
    va_list ap;
    memcpy(old, msg, sizeof old);
    va_start(ap, fmt);
    int k = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t at = k < 0 ? 0 : (size_t)k < sizeof msg ? (size_t)k : sizeof msg - 1;
    const char *sep = ": ";
    for (const char *p = sep; *p && at + 1 < sizeof msg; p++) msg[at++] = *p;
    for (const char *p = old; *p && at + 1 < sizeof msg; p++) msg[at++] = *p;
    msg[at] = '\0';
    return s;
}

void *nn_malloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) nn_fail(NN_ENOMEM, "out of memory allocating %zu bytes", bytes);
    return p;
}

void *nn_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) nn_fail(NN_ENOMEM, "out of memory allocating %zu x %zu bytes", n, size);
    return p;
}
