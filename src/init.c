/* init.c: initialiser names and the fills they stand for (Xavier/Glorot, He/Kaiming, LeCun, zeros). */
#include <math.h>
#include <string.h>
#include "internal.h"
#include "init_fill.h"

static const char *const init_names[NN_INIT_COUNT] = {
    "auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "zeros",
};

const char *nn_init_name(nn_init i)
{
    return (int)i >= 0 && i < NN_INIT_COUNT ? init_names[i] : "unknown";
}

nn_status nn_init_parse(const char *name, nn_init *out)
{
    static const struct { const char *alias; nn_init init; } aliases[] = {
        {"glorot_uniform", NN_INIT_XAVIER_UNIFORM}, {"glorot_normal", NN_INIT_XAVIER_NORMAL},
        {"kaiming_uniform", NN_INIT_HE_UNIFORM},    {"kaiming_normal", NN_INIT_HE_NORMAL},
    };
    for (int i = 0; i < NN_INIT_COUNT; i++)
        if (!strcmp(name, init_names[i])) { *out = (nn_init)i; return NN_OK; }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcmp(name, aliases[i].alias)) { *out = aliases[i].init; return NN_OK; }
    return nn_fail(NN_EINVAL, "unknown initialiser '%s' (valid: auto, xavier_uniform, xavier_normal, "
                   "he_uniform, he_normal, lecun_normal, zeros, glorot_uniform, glorot_normal, "
                   "kaiming_uniform, kaiming_normal)", name);
}

void nn_init_fill(nn_real *w, size_t n, nn_init init, int fan_in, int fan_out, nn_rng *rng)
{
    double a;
    switch (init) {
    case NN_INIT_XAVIER_UNIFORM: a = sqrt(6.0 / (fan_in + fan_out)); goto uniform;
    case NN_INIT_HE_UNIFORM: a = sqrt(6.0 / fan_in); goto uniform;
    case NN_INIT_XAVIER_NORMAL: a = sqrt(2.0 / (fan_in + fan_out)); goto normal;
    case NN_INIT_HE_NORMAL: a = sqrt(2.0 / fan_in); goto normal;
    case NN_INIT_LECUN_NORMAL: a = sqrt(1.0 / fan_in); goto normal;
    case NN_INIT_ZEROS:
    default:
        for (size_t i = 0; i < n; i++) w[i] = 0;
        return;
    }
uniform:
    for (size_t i = 0; i < n; i++) w[i] = (nn_real)(a * (2.0 * nn_rng_uniform(rng) - 1.0));
    return;
normal:
    for (size_t i = 0; i < n; i++) w[i] = (nn_real)(a * nn_rng_normal(rng));
}
