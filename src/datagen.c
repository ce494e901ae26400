/* datagen.c: the seeded two-feature toy tasks; docs/datasets.md defines each one exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define PI 3.14159265358979323846

/* Point i (0-based) of the m points of class k out of K, before the Gaussian noise is added
 * (spirals add their own noise, to the angle). */
typedef void gen_point(nn_rng *r, int k, int i, int m, int K, double noise, double p[2]);

/* linspace(0, 1, m)[i], with numpy's convention that a single point sits at the start. */
static double frac(int i, int m) { return m > 1 ? (double)i / (m - 1) : 0.0; }

static void gen_xor(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)r, (void)m, (void)K, (void)noise;
    /* Class 0 owns (1,1) and (-1,-1), class 1 owns (-1,1) and (1,-1); alternating keeps the two
     * clusters of a class within one point of each other. */
    double s = i % 2 ? -1.0 : 1.0;
    p[0] = s;
    p[1] = k ? -s : s;
}

static void gen_blobs(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)r, (void)i, (void)m, (void)noise;
    double a = 2 * PI * k / K;
    p[0] = 3 * cos(a);
    p[1] = 3 * sin(a);
}

static void gen_moons(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)r, (void)K, (void)noise;
    double t = PI * frac(i, m);
    p[0] = k ? 1 - cos(t) : cos(t);
    p[1] = k ? 1 - sin(t) - 0.5 : sin(t);
}

static void gen_circles(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)r, (void)K, (void)noise;
    /* endpoint=False as in make_circles: the first and last points do not coincide. */
    double t = 2 * PI * i / m, f = k ? 0.5 : 1.0;
    p[0] = f * cos(t);
    p[1] = f * sin(t);
}

static void gen_spirals(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)K;
    /* The angle noise moves a point by about radius * noise, so at the rim (radius 1) noise has the same
     * size as the coordinate noise of the other tasks, and the crowded centre is not smeared out. */
    double rad = frac(i, m), t = 4.0 * k + 4.0 * rad + noise * nn_rng_normal(r);
    p[0] = rad * sin(t);
    p[1] = rad * cos(t);
}

static void gen_checkerboard(nn_rng *r, int k, int i, int m, int K, double noise, double p[2])
{
    (void)i, (void)m, (void)K, (void)noise;
    /* Uniform over the 8 unit squares of colour k: row a, then the column of that row with the colour. */
    int c = (int)nn_rng_below(r, 8), a = c / 2, b = 2 * (c % 2) + ((a + k) & 1);
    p[0] = -2 + b + nn_rng_uniform(r);
    p[1] = -2 + a + nn_rng_uniform(r);
}

static const struct generator {
    const char *name;
    int binary;        /* classes must be 2 */
    int coord_noise;   /* noise is added to both coordinates afterwards */
    gen_point *point;
} generators[] = {
    {"xor", 1, 1, gen_xor},
    {"blobs", 0, 1, gen_blobs},
    {"moons", 1, 1, gen_moons},
    {"circles", 1, 1, gen_circles},
    {"spirals", 0, 0, gen_spirals},
    {"checkerboard", 1, 1, gen_checkerboard},
};
#define NGEN (sizeof generators / sizeof generators[0])

const char *const *nn_dataset_generators(void)
{
    static const char *const names[NGEN + 1] = {"xor", "blobs", "moons", "circles", "spirals", "checkerboard",
                                                NULL};
    return names;
}

nn_dataset *nn_dataset_generate(const char *name, int n, int classes, double noise, uint64_t seed)
{
    const struct generator *g = NULL;
    for (size_t j = 0; name && j < NGEN; j++)
        if (strcmp(name, generators[j].name) == 0) g = &generators[j];
    if (!g) {
        nn_fail(NN_EINVAL, "unknown data generator '%s' (valid: xor, blobs, moons, circles, spirals, checkerboard)",
                name ? name : "(null)");
        return NULL;
    }
    if (n < 1) {
        nn_fail(NN_EINVAL, "%s: %d samples, need at least 1", name, n);
        return NULL;
    }
    if (g->binary && classes != 2) {
        nn_fail(NN_EINVAL, "%s: a two-class task, classes must be 2 (not %d)", name, classes);
        return NULL;
    }
    if (classes < 2) {
        nn_fail(NN_EINVAL, "%s: %d classes, need at least 2", name, classes);
        return NULL;
    }
    if (!(noise >= 0 && isfinite(noise))) {
        nn_fail(NN_EINVAL, "%s: noise %g must be finite and >= 0", name, noise);
        return NULL;
    }

    nn_dataset *d = nn_dataset_new(n, 2);
    int *row = nn_malloc((size_t)n * sizeof *row);
    if (!d || !row) {
        nn_dataset_free(d);
        free(row);
        return NULL;
    }
    d->nclasses = classes;
    nn_rng r;
    nn_rng_seed(&r, seed);
    /* Samples are made class by class; the permutation drawn first scatters them over the rows so that
     * any slice of the set holds every class. */
    for (int s = 0; s < n; s++) row[s] = s;
    nn_rng_shuffle(&r, row, (size_t)n);

    /* The first n % classes classes get one sample more than the others. */
    int base = n / classes, extra = n % classes;
    for (int s = 0; s < n; s++) {
        int k, i, big = extra * (base + 1);
        if (s < big) {
            k = s / (base + 1);
            i = s % (base + 1);
        } else {
            k = extra + (s - big) / base;
            i = (s - big) % base;
        }
        int m = base + (k < extra);
        double p[2];
        g->point(&r, k, i, m, classes, noise, p);
        if (g->coord_noise) {
            /* Drawn even when noise is 0, so one seed gives the same points at every noise level. */
            double e0 = nn_rng_normal(&r), e1 = nn_rng_normal(&r);
            p[0] += noise * e0;
            p[1] += noise * e1;
        }
        size_t at = (size_t)row[s];
        d->x[2 * at] = (nn_real)p[0];
        d->x[2 * at + 1] = (nn_real)p[1];
        d->y[at] = (nn_real)k;
    }
    free(row);
    return d;
}
