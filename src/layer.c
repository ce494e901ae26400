/* layer.c: the layer registry (spec token -> layer kind or activation) and the per-layer scratch buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"

static const struct {
    const char *name;
    nn_layer_ctor create;
} kinds[] = {
    {"dense", nn_dense_create},
    {"maxout", nn_maxout_create},
    {"softmax", nn_softmax_create},
    {"log_softmax", nn_log_softmax_create},
    {"dropout", nn_dropout_create},
    {"alpha_dropout", nn_alpha_dropout_create},
    {"batchnorm", nn_batchnorm_create},
};

/* Removes the keys every layer with weights takes (l1=, l2=, init=) from spec into L, so the kind's constructor
 * sees only its own keys. *given: one of them was there. */
static nn_status take_weight_keys(nn_layer *L, nn_spec *spec, int *given)
{
    int k = 0;
    for (int i = 0; i < spec->nkv; i++) {
        double *dst = !strcmp(spec->key[i], "l1") ? &L->l1 : !strcmp(spec->key[i], "l2") ? &L->l2 : NULL;
        int init = !strcmp(spec->key[i], "init");
        if (!dst && !init) {
            spec->key[k] = spec->key[i];
            spec->val[k++] = spec->val[i];
            continue;
        }
        *given = 1;
        if (init) {
            if (nn_init_parse(spec->val[i], &L->init) != NN_OK) return nn_fail_prefix(NN_EINVAL, "%s", spec->name);
            continue;
        }
        if (nn_parse_real(spec->name, spec->key[i], spec->val[i], dst) != NN_OK) return NN_EINVAL;
        if (!(*dst >= 0)) return nn_fail(NN_EINVAL, "%s: %s=%g must be >= 0", spec->name, spec->key[i], *dst);
    }
    spec->nkv = k;
    return NN_OK;
}

nn_status nn_layer_create(nn_layer *L, int in, const char *text)
{
    nn_spec spec;
    memset(L, 0, sizeof *L);
    L->in = in;
    L->l1 = L->l2 = -1;
    if (nn_spec_parse(text, &spec) != NN_OK) return NN_EINVAL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(spec.name, kinds[i].name)) continue;
        int given = 0;
        if (take_weight_keys(L, &spec, &given) != NN_OK) return NN_EINVAL;
        nn_status s = kinds[i].create(L, &spec);
        if (s == NN_OK && L->nweights == 0 && given)
            return nn_fail(NN_EINVAL, "%s: l1/l2/init apply to layers with weights (dense, maxout)", spec.name);
        return s;
    }
    if (nn_act_lookup(spec.name) >= 0) {
        nn_act act;
        if (nn_act_parse(text, &act) != NN_OK) return NN_EINVAL;
        return nn_act_layer_create(L, &act);
    }
    char valid[2048] = "", hint[96];
    size_t n = 0;
    nn_near near = {spec.name, NULL, 0};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s, ", kinds[i].name);
        nn_near_add(&near, kinds[i].name);
    }
    nn_act_names(valid, sizeof valid, n, &near);
    /* A bare width ("16") is a dense layer missing its name. */
    if (strspn(spec.name, "0123456789") == strlen(spec.name)) snprintf(hint, sizeof hint, "; did you mean 'dense:%s'?", spec.name);
    else nn_near_hint(&near, hint, sizeof hint);
    return nn_fail(NN_EINVAL, "unknown layer '%s'%s (valid: %s)", spec.name, hint, valid);
}

int nn_layer_format(const nn_layer *L, char *buf, size_t size)
{
    char tok[NN_SPEC_MAXLEN];
    int n = L->ops->format(L, tok, sizeof tok);
    if (n < 0 || (size_t)n >= sizeof tok) return snprintf(buf, size, "%s", tok);
    const double pen[3] = {0, L->l1, L->l2};
    const char *key[3] = {"init", "l1", "l2"};
    for (int i = 0; i < 3; i++) {
        if (i ? pen[i] < 0 : L->init == NN_INIT_AUTO) continue;
        char sep = strchr(tok, '=') ? ',' : ':';
        size_t len = strlen(tok);
        if (len + 2 >= sizeof tok) break;
        tok[len] = sep;
        int k = snprintf(tok + len + 1, sizeof tok - len - 1, "%s=%s", key[i], i ? "" : nn_init_name(L->init));
        if (i && k > 0 && len + 1 + (size_t)k < sizeof tok)
            nn_format_double(tok + len + 1 + k, sizeof tok - len - 1 - k, pen[i]);
    }
    return snprintf(buf, size, "%s", tok);
}

void *nn_layer_aux(nn_layer *L, size_t bytes)
{
    if (bytes <= L->aux_cap) return L->aux;
    void *p = realloc(L->aux, bytes);
    if (!p) {
        nn_fail(NN_ENOMEM, "out of memory for %zu bytes of %s scratch", bytes, L->ops->kind);
        return NULL;
    }
    L->aux = p;
    L->aux_cap = bytes;
    return p;
}
