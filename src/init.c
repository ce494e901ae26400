/* init.c: initialiser names and the fills they stand for (Xavier/Glorot, He/Kaiming, LeCun, zeros, and the
 * PyTorch and Keras defaults). */
#include <math.h>
#include <string.h>
#include "internal.h"
#include "init_fill.h"

static const char *const init_names[NN_INIT_COUNT] = {
    "auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "zeros", "torch", "keras",
};

static const struct {
    const char *alias;
    nn_init init;
} init_aliases[] = {
    {"glorot_uniform", NN_INIT_XAVIER_UNIFORM},
    {"glorot_normal", NN_INIT_XAVIER_NORMAL},
    {"kaiming_uniform", NN_INIT_HE_UNIFORM},
    {"kaiming_normal", NN_INIT_HE_NORMAL},
};

const char *nn_init_name(nn_init i)
{
    return (int)i >= 0 && i < NN_INIT_COUNT ? init_names[i] : "unknown";
}

nn_status nn_init_parse(const char *name, nn_init *out)
{
    enum { NALIAS = sizeof init_aliases / sizeof init_aliases[0] };
    for (int i = 0; i < NN_INIT_COUNT; i++)
        if (!strcmp(name, init_names[i])) { *out = (nn_init)i; return NN_OK; }
    for (size_t i = 0; i < NALIAS; i++)
        if (!strcmp(name, init_aliases[i].alias)) { *out = init_aliases[i].init; return NN_OK; }
    const char *all[NN_INIT_COUNT + NALIAS + 1];
    char valid[512];
    size_t n = 0;
    for (size_t i = 0; i < NN_INIT_COUNT + NALIAS; i++) {
        all[i] = i < NN_INIT_COUNT ? init_names[i] : init_aliases[i - NN_INIT_COUNT].alias;
        n += (size_t)snprintf(valid + n, n < sizeof valid ? sizeof valid - n : 0, "%s%s", i ? ", " : "", all[i]);
    }
    all[NN_INIT_COUNT + NALIAS] = NULL;
    const char *near = nn_nearest_name(name, all);
    if (near) return nn_fail(NN_EINVAL, "unknown initialiser '%s'; did you mean '%s'? (valid: %s)", name, near, valid);
    return nn_fail(NN_EINVAL, "unknown initialiser '%s' (valid: %s)", name, valid);
}

static void fill_uniform(nn_real *w, size_t n, double a, nn_rng *rng)
{
    for (size_t i = 0; i < n; i++) w[i] = (nn_real)(a * (2.0 * nn_rng_uniform(rng) - 1.0));
}

void nn_init_fill(nn_real *w, size_t nw, nn_real *b, size_t nb, nn_init init, int fan_in, int fan_out, nn_rng *rng)
{
    double a = 0;
    int normal = 0;
    switch (init) {
    case NN_INIT_XAVIER_UNIFORM:
    case NN_INIT_KERAS: a = sqrt(6.0 / (fan_in + fan_out)); break;
    case NN_INIT_HE_UNIFORM: a = sqrt(6.0 / fan_in); break;
    case NN_INIT_TORCH: a = 1.0 / sqrt(fan_in); break;
    case NN_INIT_XAVIER_NORMAL: a = sqrt(2.0 / (fan_in + fan_out)), normal = 1; break;
    case NN_INIT_HE_NORMAL: a = sqrt(2.0 / fan_in), normal = 1; break;
    case NN_INIT_LECUN_NORMAL: a = sqrt(1.0 / fan_in), normal = 1; break;
    case NN_INIT_ZEROS:
    default:
        for (size_t i = 0; i < nw; i++) w[i] = 0;
        for (size_t j = 0; j < nb; j++) b[j] = 0;
        return;
    }
    if (normal)
        for (size_t i = 0; i < nw; i++) w[i] = (nn_real)(a * nn_rng_normal(rng));
    else
        fill_uniform(w, nw, a, rng);
    /* PyTorch draws the bias after the weight from the same bound; everyone else starts it at 0. */
    if (init == NN_INIT_TORCH) fill_uniform(b, nb, a, rng);
    else
        for (size_t j = 0; j < nb; j++) b[j] = 0;
}
