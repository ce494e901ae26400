/* nnlab/data.h: data sets in memory, CSV input and output, seeded split, standardisation, toy-task generators. */
#ifndef NNLAB_DATA_H
#define NNLAB_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <nnlab/config.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* rows samples of cols features (x, row-major) and one target each (y): a class index 0..nclasses-1
 * for classification (nclasses >= 2), any real for regression (nclasses = 0). */
typedef struct nn_dataset {
    int rows, cols;
    int nclasses;
    nn_real *x;
    nn_real *y;
    char **names; /* cols feature names (from a CSV header) or NULL */
} nn_dataset;

/* A data set of rows x cols zeros (nclasses 0); caller owns it. NULL on bad size (rows < 0, cols < 1) or no memory. */
nn_dataset *nn_dataset_new(int rows, int cols);
/* Frees d and its arrays; NULL is fine. */
void nn_dataset_free(nn_dataset *d);
/* Deep copy of rows idx[0..n) of d (all rows in order when idx is NULL). NULL on no memory. */
nn_dataset *nn_dataset_subset(const nn_dataset *d, const int *idx, int n);

/* Read a CSV file: feature columns, then the label column, separated by commas; blank lines and lines
 * starting with '#' are skipped. header: 1 the first row holds names, 0 it does not, -1 detect (a first
 * row with a non-numeric cell). Labels that are all whole numbers in 0..65535 make a classification set
 * with nclasses = max(2, max + 1), else regression. Errors (NULL, nn_errmsg() "FILE:LINE: column C: ..."):
 * missing file, bad cell, ragged row, no data rows. */
nn_dataset *nn_dataset_load_csv(const char *path, int header);
/* Write d as CSV (header "x1,...,xN,label" or its names), with optional '#' comment lines first.
 * Written to a temporary file and renamed. Errors: NN_EIO; NN_EINVAL (nothing written) for non-finite values, labels that are not class indices of a
 * classification set, or names that would not read back. */
nn_status nn_dataset_save_csv(const nn_dataset *d, const char *path, const char *comment);

/* Seeded shuffle and split: *test gets round(test_fraction * rows) rows, *train the rest (both owned by the
 * caller; a fraction of 0 gives *test = NULL). Errors: NN_EINVAL unless 0 <= test_fraction < 1 and the
 * training part keeps at least one row. */
nn_status nn_dataset_split(const nn_dataset *d, double test_fraction, uint64_t seed,
                           nn_dataset **train, nn_dataset **test);

/* Column means and standard deviations (population, a constant column gets std 1) of d into
 * mean[cols] and std[cols]: fit on the training part only, then apply to every part. */
void nn_dataset_fit_standardize(const nn_dataset *d, nn_real *mean, nn_real *std);
/* x = (x - mean) / std in place. */
void nn_dataset_standardize(nn_dataset *d, const nn_real *mean, const nn_real *std);

/* Toy tasks, 2 features each, seeded; noise is the standard deviation of Gaussian noise added to the
 * points (blobs: of each blob). See docs/datasets.md for each generator's exact definition.
 *   "xor"          4 clusters at the corners of [-1,1]^2, label = (x1 > 0) xor (x2 > 0)
 *   "blobs"        `classes` Gaussian blobs with centres on a circle of radius 3
 *   "moons"        two interleaving half circles (as sklearn make_moons)
 *   "circles"      two concentric circles, inner radius 0.5 (as sklearn make_circles, factor 0.5)
 *   "spirals"      `classes` interleaved arms (the CS231n spiral)
 *   "checkerboard" a 4 x 4 board of alternating classes over [-2,2]^2
 * n is the total number of samples. Errors (NULL): unknown name (listing the valid ones), n < 1,
 * classes < 2, noise < 0. */
nn_dataset *nn_dataset_generate(const char *name, int n, int classes, double noise, uint64_t seed);
/* The generator names, NULL-terminated. */
const char *const *nn_dataset_generators(void);

#ifdef __cplusplus
}
#endif
#endif
