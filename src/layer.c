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

nn_status nn_layer_create(nn_layer *L, int in, const char *text)
{
    nn_spec spec;
    memset(L, 0, sizeof *L);
    L->in = in;
    if (nn_spec_parse(text, &spec) != NN_OK) return NN_EINVAL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(spec.name, kinds[i].name)) return kinds[i].create(L, &spec);
    if (nn_act_lookup(spec.name) >= 0) {
        nn_act act;
        if (nn_act_parse(text, &act) != NN_OK) return NN_EINVAL;
        return nn_act_layer_create(L, &act);
    }
    char valid[2048] = "";
    size_t n = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s, ", kinds[i].name);
    for (int id = 0; id < NN_ACT_COUNT && n < sizeof valid; id++)
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", id ? ", " : "", nn_act_info_of((nn_act_id)id)->name);
    return nn_fail(NN_EINVAL, "unknown layer '%s' (valid: %s)", spec.name, valid);
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
