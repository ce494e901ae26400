/* error.c: status names and the per-thread last-error message. */
#include <ctype.h>
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

/* Levenshtein distance, case ignored; names are short, so one row of the table is enough. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t best = up < row[j - 1] ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

void nn_near_add(nn_near *n, const char *cand)
{
    size_t d = edit_distance(n->word, cand);
    if (!strcmp(n->word, cand)) return;
    if (!n->best || d < n->dist) {
        n->best = cand;
        n->dist = d;
    }
}

const char *nn_near_best(const nn_near *n)
{
    /* "rellu" -> relu, "iirs" -> iris, "Dense" -> dense, but not "abc" -> elu. */
    size_t len = strlen(n->word), most = len <= 3 ? 1 : len / 3 > 2 ? len / 3 : 2;
    return n->best && n->dist <= most ? n->best : NULL;
}

const char *nn_near_hint(const nn_near *n, char *buf, size_t size)
{
    const char *b = nn_near_best(n);
    if (b) snprintf(buf, size, "; did you mean '%s'?", b);
    else if (size) buf[0] = '\0';
    return buf;
}

const char *nn_nearest_name(const char *word, const char *const *names)
{
    if (!word) return NULL;
    nn_near n = {word, NULL, 0};
    for (; names && *names; names++) nn_near_add(&n, *names);
    return nn_near_best(&n);
}
