/* table.c: activation spec strings read from the records of defs.h: lookup, defaults, parse (ranges checked as data), format. */
#include <stdio.h>
#include <string.h>
#include "act_internal.h"

int nn_act_lookup(const char *name)
{
    if (!name) return -1;
    if (!strcmp(name, "swish")) return NN_ACT_SILU;
    for (int i = 0; i < NN_ACT_COUNT; i++)
        if (!strcmp(name, nn_act_info_of((nn_act_id)i)->name)) return i;
    return -1;
}

size_t nn_act_names(char *buf, size_t size, size_t n, nn_near *near)
{
    for (int i = 0; i <= NN_ACT_COUNT && n < size; i++) {
        const char *name = i < NN_ACT_COUNT ? nn_act_info_of((nn_act_id)i)->name : "swish";
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", name);
        nn_near_add(near, name);
    }
    return n < size ? n : size;
}

nn_act nn_act_default(nn_act_id id)
{
    nn_act a;
    memset(&a, 0, sizeof a);
    if ((int)id < 0 || id >= NN_ACT_COUNT) id = NN_ACT_IDENTITY;
    const nn_act_record *R = nn_act_record_of(id);
    const nn_act_info *I = &R->info;
    a.id = id;
    a.np = I->nparams;
    for (int k = 0; k < I->nparams; k++) a.p[k] = (nn_real)I->params[k].def;
    if (R->pairs) a.np = 1 + 2 * (int)I->params[0].def;
    a.learn = I->learnable && I->learn;
    a.shared = I->learnable ? I->shared : 1;
    return a;
}

static nn_status unknown_key(const nn_act_info *I, const char *key)
{
    char valid[256] = "";
    size_t n = 0;
    if (I->nparams == 0 && !I->learnable)
        return nn_fail(NN_EINVAL, "%s: unknown parameter '%s' (%s takes no parameters)", I->name, key, I->name);
    for (int k = 0; k < I->nparams && n < sizeof valid; k++)
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s%s%s%s", k ? ", " : "", I->params[k].name,
                              I->params[k].aliases ? " (or " : "", I->params[k].aliases ? I->params[k].aliases : "",
                              I->params[k].aliases ? ")" : "");
    if (I->learnable && n < sizeof valid) snprintf(valid + n, sizeof valid - n, "%slearn, shared", n ? ", " : "");
    return nn_fail(NN_EINVAL, "%s: unknown parameter '%s' (valid: %s)", I->name, key, valid);
}

/* The declared range of every parameter in use; errors name the parameter and its value. */
static nn_status check_ranges(const nn_act_info *I, const nn_act *a)
{
    for (int k = 0; k < I->nparams && k < a->np; k++) {
        const nn_act_param_info *P = &I->params[k];
        double v = (double)a->p[k], lo = P->lo_key >= 0 ? (double)a->p[P->lo_key] : P->lo;
        const char *op = P->lo_open ? ">" : ">=";
        if (P->lo_open ? !(v > lo) : !(v >= lo)) {
            if (P->lo_key >= 0)
                return nn_fail(NN_EINVAL, "%s: %s=%g must be %s %s=%g", I->name, P->name, v, op,
                               I->params[P->lo_key].name, lo);
            return nn_fail(NN_EINVAL, "%s: %s=%g must be %s %g", I->name, P->name, v, op, P->lo);
        }
        if (P->hi_open ? !(v < P->hi) : !(v <= P->hi))
            return nn_fail(NN_EINVAL, "%s: %s=%g must be %s %g", I->name, P->name, v, P->hi_open ? "<" : "<=", P->hi);
    }
    return NN_OK;
}

/* Index of word in a '|'-separated list; -1 if absent (or the list is NULL). */
static int word_index(const char *list, const char *word)
{
    int i = 0;
    for (const char *c = list; c && *c; i++) {
        size_t len = strcspn(c, "|");
        if (strlen(word) == len && !strncmp(c, word, len)) return i;
        c += len + (c[len] == '|');
    }
    return -1;
}

/* Index of word in a '|'-separated list, or its index written as a number; -1 if neither. */
static int choice_index(const char *choices, const char *word)
{
    int w = word_index(choices, word), i = 0;
    for (const char *c = choices; w < 0 && *c; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", i);
        if (!strcmp(word, num)) return i;
        c += strcspn(c, "|");
        c += *c == '|';
    }
    return w;
}

/* The word for value v of a '|'-separated list, as "%.*s" arguments: any v != 0 is at least the second
 * word, so that a hand-set 0.5 formats as what the kernel does with it (gelu: nonzero is tanh). */
static int choice_word(const char *choices, double v, const char **word)
{
    const char *c = choices;
    int i = v == 0 ? 0 : v < 1 ? 1 : (int)v;
    while (i > 0 && c[strcspn(c, "|")] == '|') c += strcspn(c, "|") + 1, i--;
    *word = c;
    return (int)strcspn(c, "|");
}

static nn_status parse_value(const nn_act_info *I, const nn_act_param_info *P, const char *val, double *out)
{
    long v;
    switch (P->kind) {
    case NN_ACT_PARAM_CHOICE: {
        int i = choice_index(P->choices, val);
        if (i < 0) return nn_fail(NN_EINVAL, "%s: %s=%s is not one of %s", I->name, P->name, val, P->choices);
        *out = i;
        return NN_OK;
    }
    case NN_ACT_PARAM_INT:
        if (nn_parse_int(I->name, P->name, val, (long)P->lo, (long)P->hi, &v) != NN_OK) return NN_EINVAL;
        *out = (double)v;
        return NN_OK;
    default: return nn_parse_real(I->name, P->name, val, out);
    }
}

nn_status nn_act_parse(const char *text, nn_act *out)
{
    nn_spec sp;
    if (nn_spec_parse(text, &sp) != NN_OK) return NN_EINVAL;
    int id = nn_act_lookup(sp.name);
    if (id < 0) {
        char valid[640] = "", hint[96];
        nn_near near = {sp.name, NULL, 0};
        nn_act_names(valid, sizeof valid, 0, &near);
        return nn_fail(NN_EINVAL, "unknown activation '%s'%s (valid: %s)", sp.name, nn_near_hint(&near, hint, sizeof hint),
                       valid);
    }
    const nn_act_record *R = nn_act_record_of((nn_act_id)id);
    const nn_act_info *I = &R->info;
    if (sp.npos)
        return nn_fail(NN_EINVAL, "%s: unexpected field '%s' in '%s' (parameters are key=value)", I->name,
                       sp.pos[0], sp.text);
    nn_act a = nn_act_default((nn_act_id)id);
    unsigned long seen = 0; /* bit k: params[k]; NN_ACT_MAXP, +1: learn, shared */
    int maxk = -1;          /* highest parameter given after the pair count, checked against it at the end */
    for (int i = 0; i < sp.nkv; i++) {
        const char *key = sp.key[i], *val = sp.val[i];
        int k = -1;
        if (I->learnable && !strcmp(key, "learn")) k = NN_ACT_MAXP;
        else if (I->learnable && !strcmp(key, "shared")) k = NN_ACT_MAXP + 1;
        else
            for (int j = 0; j < I->nparams; j++)
                if (!strcmp(key, I->params[j].name) || word_index(I->params[j].aliases, key) >= 0) k = j;
        if (k < 0) return unknown_key(I, key);
        const char *canon = k < NN_ACT_MAXP ? I->params[k].name : key;
        if (seen & (1UL << k) && strcmp(key, canon))
            return nn_fail(NN_EINVAL, "%s: parameter '%s' given twice (it is another name of '%s')", I->name, key, canon);
        if (seen & (1UL << k)) return nn_fail(NN_EINVAL, "%s: parameter '%s' given twice", I->name, key);
        seen |= 1UL << k;
        long v;
        double d;
        if (k >= NN_ACT_MAXP) {
            if (nn_parse_int(I->name, key, val, 0, 1, &v) != NN_OK) return NN_EINVAL;
            *(k == NN_ACT_MAXP ? &a.learn : &a.shared) = (int)v;
            continue;
        }
        if (parse_value(I, &I->params[k], val, &d) != NN_OK) return NN_EINVAL;
        a.p[k] = (nn_real)d;
        if (R->pairs && k == 0) a.np = 1 + 2 * (int)d;
        else if (k > maxk) maxk = k;
    }
    if (R->pairs && maxk >= a.np) {
        int S = (a.np - 1) / 2;
        return nn_fail(NN_EINVAL, "%s: %s given but %s=%d (pairs 1..%d)", I->name, I->params[maxk].name,
                       I->params[0].name, S, S);
    }
    if (check_ranges(I, &a) != NN_OK) return NN_EINVAL;
    *out = a;
    return NN_OK;
}

int nn_act_format(const nn_act *a, char *buf, size_t size)
{
    const nn_act_info *I = nn_act_info_of(a->id);
    if (!I) return snprintf(buf, size, "?");
    nn_act d = nn_act_default(a->id);
    char tmp[NN_SPEC_MAXLEN];
    size_t n = (size_t)snprintf(tmp, sizeof tmp, "%s", I->name);
    char sep = ':';
    int np = a->np < I->nparams ? a->np : I->nparams;
    for (int k = 0; k < np && n < sizeof tmp; k++) {
        const nn_act_param_info *P = &I->params[k];
        if (a->p[k] == d.p[k]) continue;
        if (P->kind == NN_ACT_PARAM_CHOICE) {
            const char *w;
            int len = choice_word(P->choices, (double)a->p[k], &w);
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%c%s=%.*s", sep, P->name, len, w);
        } else if (P->kind == NN_ACT_PARAM_INT) {
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%c%s=%d", sep, P->name, (int)a->p[k]);
        } else {
            char num[40];
            nn_format_real(num, sizeof num, a->p[k]);
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%c%s=%s", sep, P->name, num);
        }
        sep = ',';
    }
    if (I->learnable && a->learn != d.learn && n < sizeof tmp) {
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%clearn=%d", sep, a->learn ? 1 : 0);
        sep = ',';
    }
    if (I->learnable && a->shared != d.shared && n < sizeof tmp)
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%cshared=%d", sep, a->shared ? 1 : 0);
    return snprintf(buf, size, "%s", tmp);
}
