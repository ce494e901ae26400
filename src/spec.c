/* spec.c: the one tokenizer behind every spec string (layers, activations, optimizers, schedules). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

nn_status nn_spec_parse(const char *s, nn_spec *out)
{
    memset(out, 0, sizeof *out);
    if (!s) return nn_fail(NN_EINVAL, "empty spec");
    size_t len = strlen(s);
    if (len >= NN_SPEC_MAXLEN) return nn_fail(NN_EINVAL, "spec '%.40s...' is too long", s);
    memcpy(out->text, s, len + 1);
    memcpy(out->buf, s, len + 1);
    char *p = out->buf;
    char *colon = strchr(p, ':');
    if (colon) *colon = '\0';
    out->name = p;
    if (!*p) return nn_fail(NN_EINVAL, "spec '%s' has no name", s);
    if (strchr(p, '=') || strchr(p, ',')) return nn_fail(NN_EINVAL, "spec '%s' has no name before its parameters", s);
    if (!colon) return NN_OK;
    p = colon + 1;
    /* Positional fields, up to the first field that holds '='. */
    while (p) {
        size_t flen = strcspn(p, ":");
        if (memchr(p, '=', flen)) break;
        char *c = p[flen] ? p + flen : NULL;
        if (c) *c = '\0';
        if (!*p) return nn_fail(NN_EINVAL, "spec '%s' has an empty field", s);
        if (strchr(p, ',')) return nn_fail(NN_EINVAL, "spec '%s': field '%s' is not key=value", s, p);
        if (out->npos == NN_SPEC_MAXPOS) return nn_fail(NN_EINVAL, "spec '%s' has too many fields", s);
        out->pos[out->npos++] = p;
        p = c ? c + 1 : NULL;
    }
    /* key=value items separated by ',' or ':'. */
    while (p && *p) {
        char *sep = p + strcspn(p, ",:");
        char *next = *sep ? sep + 1 : NULL;
        *sep = '\0';
        char *eq = strchr(p, '=');
        if (!eq || eq == p || !eq[1])
            return nn_fail(NN_EINVAL, "spec '%s': '%s' is not key=value", s, p);
        if (out->nkv == NN_SPEC_MAXKV) return nn_fail(NN_EINVAL, "spec '%s' has too many parameters", s);
        *eq = '\0';
        out->key[out->nkv] = p;
        out->val[out->nkv++] = eq + 1;
        p = next;
        if (p && !*p) return nn_fail(NN_EINVAL, "spec '%s' ends with a separator", s);
    }
    return NN_OK;
}

/* The shortest "%.Pg" (P = 1..maxp) that reads back to exactly v, as a double or (single) as a float. */
static int shortest(char *buf, size_t size, double v, int maxp, int single)
{
    char tmp[40];
    for (int p = 1; p <= maxp; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v) break;
    }
    return snprintf(buf, size, "%s", tmp);
}

int nn_format_double(char *buf, size_t size, double v) { return shortest(buf, size, v, 17, 0); }

int nn_format_real(char *buf, size_t size, nn_real v)
{
#ifdef NNLAB_DOUBLE
    return shortest(buf, size, v, 17, 0);
#else
    return shortest(buf, size, v, 9, 1);
#endif
}

nn_status nn_parse_real(const char *what, const char *key, const char *val, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    /* ERANGE on a finite result below DBL_MIN is underflow (1e-320): the value is fine, if denormal. */
    if (end == val || *end || (errno == ERANGE && !(fabs(v) <= DBL_MIN)) || !isfinite(v))
        return nn_fail(NN_EINVAL, "%s: %s=%s is not a finite number", what, key, val);
    /* A model file stores nn_real: a value beyond its range would be saved as infinity and never load. */
    if (fabs(v) > NN_REAL_MAX)
        return nn_fail(NN_EINVAL, "%s: %s=%s is beyond the range of this build's reals (%g)", what, key, val,
                       (double)NN_REAL_MAX);
    *out = v;
    return NN_OK;
}

nn_status nn_parse_int(const char *what, const char *key, const char *val, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (end == val || *end || errno == ERANGE)
        return nn_fail(NN_EINVAL, "%s: %s=%s is not a whole number", what, key, val);
    if (v < lo || v > hi)
        return nn_fail(NN_EINVAL, "%s: %s=%s is out of range [%ld, %ld]", what, key, val, lo, hi);
    *out = v;
    return NN_OK;
}

/* A ',' ends a spec unless the next item is KEY=VALUE with a bare KEY (no ':' or '+' before its '='): a
 * parameter continues the spec before it ("srelu:t_l=-1,a_l=0.1"), while "dense:4" or compare's "sgd+l2=1e-4"
 * start the next one. */
static int continues(const char *item)
{
    size_t key = strcspn(item, "=:+,");
    return key > 0 && item[key] == '=';
}

nn_status nn_spec_list_next(const char *list, size_t *pos, char *buf, size_t size)
{
    if (!list || !pos || !buf || !size) return nn_fail(NN_EINVAL, "nn_spec_list_next: NULL argument");
    buf[0] = '\0';
    if (!*list) return nn_fail(NN_EINVAL, "empty list");
    const char *start = list + *pos, *p = start;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0) return nn_fail(NN_EINVAL, "'%s' has an empty item", list);
        p += len;
        if (*p != ',' || !continues(p + 1)) break;
        p++;
    }
    size_t n = (size_t)(p - start);
    if (n >= size) return nn_fail(NN_EINVAL, "'%.40s...' is longer than %zu characters", start, size - 1);
    memcpy(buf, start, n);
    buf[n] = '\0';
    if (*p == ',' && !*++p) return nn_fail(NN_EINVAL, "'%s' ends with ','", list);
    *pos = (size_t)(p - list);
    return NN_OK;
}
