/* data.c: data sets in memory (new, free, subset), the seeded train/test split and column standardisation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

nn_dataset *nn_dataset_new(int rows, int cols)
{
    if (rows < 0 || cols < 1) {
        nn_fail(NN_EINVAL, "data set of %d rows x %d columns: need rows >= 0 and columns >= 1", rows, cols);
        return NULL;
    }
    /* Every later index computes row * cols in size_t, so only the total has to fit. */
    if ((size_t)rows > SIZE_MAX / sizeof(nn_real) / (size_t)cols) {
        nn_fail(NN_ENOMEM, "data set of %d rows x %d columns is too large", rows, cols);
        return NULL;
    }
    nn_dataset *d = nn_calloc(1, sizeof *d);
    if (!d) return NULL;
    d->rows = rows;
    d->cols = cols;
    d->x = nn_calloc((size_t)rows * (size_t)cols, sizeof(nn_real));
    d->y = nn_calloc((size_t)rows, sizeof(nn_real));
    if (!d->x || !d->y) {
        nn_dataset_free(d);
        return NULL;
    }
    return d;
}

void nn_dataset_free(nn_dataset *d)
{
    if (!d) return;
    if (d->names) {
        for (int j = 0; j < d->cols; j++) free(d->names[j]);
        free(d->names);
    }
    if (d->class_names) {
        for (int j = 0; j < d->nclasses; j++) free(d->class_names[j]);
        free(d->class_names);
    }
    free(d->notes);
    free(d->x);
    free(d->y);
    free(d);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = nn_malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

nn_dataset *nn_dataset_subset(const nn_dataset *d, const int *idx, int n)
{
    if (!d) {
        nn_fail(NN_EINVAL, "subset of a NULL data set");
        return NULL;
    }
    if (!idx) n = d->rows;
    if (n < 0) {
        nn_fail(NN_EINVAL, "subset of %d rows", n);
        return NULL;
    }
    if (idx)
        for (int i = 0; i < n; i++)
            if (idx[i] < 0 || idx[i] >= d->rows) {
                nn_fail(NN_EINVAL, "subset: row index %d out of range 0..%d", idx[i], d->rows - 1);
                return NULL;
            }
    nn_dataset *s = nn_dataset_new(n, d->cols);
    if (!s) return NULL;
    s->nclasses = d->nclasses;
    size_t c = (size_t)d->cols;
    for (int i = 0; i < n; i++) {
        size_t r = (size_t)(idx ? idx[i] : i);
        memcpy(s->x + (size_t)i * c, d->x + r * c, c * sizeof(nn_real));
        s->y[i] = d->y[r];
    }
    if (d->names) {
        s->names = nn_calloc(c, sizeof *s->names);
        if (!s->names) goto fail;
        for (size_t j = 0; j < c; j++)
            if (d->names[j] && !(s->names[j] = dup_str(d->names[j]))) goto fail;
    }
    if (d->class_names) {
        s->class_names = nn_calloc((size_t)d->nclasses, sizeof *s->class_names);
        if (!s->class_names) goto fail;
        for (int j = 0; j < d->nclasses; j++)
            if (d->class_names[j] && !(s->class_names[j] = dup_str(d->class_names[j]))) goto fail;
    }
    return s;
fail:
    nn_dataset_free(s);
    return NULL;
}

nn_status nn_dataset_split(const nn_dataset *d, double test_fraction, uint64_t seed,
                           nn_dataset **train, nn_dataset **test)
{
    if (train) *train = NULL;
    if (test) *test = NULL;
    if (!d || !train || !test) return nn_fail(NN_EINVAL, "split: NULL data set or output");
    /* Written so that NaN fails too. */
    if (!(test_fraction >= 0 && test_fraction < 1))
        return nn_fail(NN_EINVAL, "split: test fraction %g is not in [0, 1)", test_fraction);
    int ntest = (int)floor(test_fraction * d->rows + 0.5);
    int ntrain = d->rows - ntest;
    if (ntrain < 1)
        return nn_fail(NN_EINVAL, "split: a test fraction of %g leaves no training rows out of %d", test_fraction,
                       d->rows);

    int *idx = nn_malloc((size_t)d->rows * sizeof *idx);
    if (!idx) return NN_ENOMEM;
    for (int i = 0; i < d->rows; i++) idx[i] = i;
    nn_rng r;
    /* Salted: the toy generators draw from the same seeds (1, 2, ...), and a split taking the very stream that
     * placed the points would pick test rows correlated with their position and noise. */
    nn_rng_seed(&r, seed ^ UINT64_C(0x5bd1e9955bd1e995));
    nn_rng_shuffle(&r, idx, (size_t)d->rows);

    /* The test part is the head of the permutation, so a larger fraction with the same seed only moves
     * rows from train to test and never reshuffles the test rows already chosen. */
    nn_status st = NN_OK;
    *train = nn_dataset_subset(d, idx + ntest, ntrain);
    if (!*train) st = NN_ENOMEM;
    else if (test_fraction > 0 && !(*test = nn_dataset_subset(d, idx, ntest))) {
        nn_dataset_free(*train);
        *train = NULL;
        st = NN_ENOMEM;
    }
    free(idx);
    return st;
}

void nn_dataset_fit_standardize(const nn_dataset *d, nn_real *mean, nn_real *std)
{
    size_t c = (size_t)d->cols, rows = (size_t)d->rows;
    for (size_t j = 0; j < c; j++) {
        const nn_real *x = d->x + j;
        if (rows == 0) {
            mean[j] = 0;
            std[j] = 1;
            continue;
        }
        /* Constancy is tested exactly: a rounding residue in the variance of a constant column would
         * otherwise turn into a huge scale factor. */
        int constant = 1;
        double s = 0;
        for (size_t i = 0; i < rows; i++) {
            s += x[i * c];
            if (x[i * c] != x[0]) constant = 0;
        }
        if (constant) {
            mean[j] = x[0];
            std[j] = 1;
            continue;
        }
        double m = s / (double)rows, v = 0;
        for (size_t i = 0; i < rows; i++) {
            double e = x[i * c] - m;
            v += e * e;
        }
        nn_real sd = (nn_real)sqrt(v / (double)rows);
        mean[j] = (nn_real)m;
        std[j] = sd > 0 ? sd : 1;
    }
}

void nn_dataset_standardize(nn_dataset *d, const nn_real *mean, const nn_real *std)
{
    size_t c = (size_t)d->cols, rows = (size_t)d->rows;
    for (size_t i = 0; i < rows; i++) {
        nn_real *x = d->x + i * c;
        for (size_t j = 0; j < c; j++) x[j] = (x[j] - mean[j]) / std[j];
    }
}
