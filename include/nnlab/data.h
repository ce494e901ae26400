/* nnlab/data.h: data sets in memory, CSV input and output, seeded split, standardisation, toy-task generators. */
#ifndef NNLAB_DATA_H
#define NNLAB_DATA_H

#include "export.h"
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <nnlab/config.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* rows samples of cols features (x, row-major) and one target each (y): a class index 0..nclasses-1
 * for classification (nclasses >= 2), any real for regression (nclasses = 0). Every pointer is owned by the
 * data set and freed by nn_dataset_free. */
typedef struct nn_dataset {
    int rows, cols;
    int nclasses;
    nn_real *x;
    nn_real *y;
    char **names;       /* cols feature names (from a CSV header) or NULL */
    char **class_names; /* nclasses class names when the CSV labels were text or whole numbers other than the
                         * ids 0..K-1 (id i stands for class_names[i]); NULL when the labels are the ids */
    char *notes;        /* what the CSV reader decided on its own (labels mapped, an index column dropped), one
                         * line each ending in '\n', for the caller to show; NULL when nothing */
} nn_dataset;

/* A data set of rows x cols zeros (nclasses 0); caller owns it. NULL on bad size (rows < 0, cols < 1) or no memory. */
NN_API nn_dataset *nn_dataset_new(int rows, int cols);
/* Frees d and its arrays; NULL is fine. */
NN_API void nn_dataset_free(nn_dataset *d);
/* Deep copy of rows idx[0..n) of d (all rows in order when idx is NULL). NULL on no memory. */
NN_API nn_dataset *nn_dataset_subset(const nn_dataset *d, const int *idx, int n);

/* How labels are read (nn_csv_opts.labels). */
enum {
    NN_LABELS_AUTO,   /* class names (text, or whole numbers that are not 0..K-1) mapped to ids in sorted order;
                       * other numbers: regression. A label column named "target" holds regression values in
                       * this mode and in NN_LABELS_IDS (nn_dataset_save_csv names it so) */
    NN_LABELS_IDS,    /* whole numbers 0..65535 are the class ids themselves (nclasses = max + 1), else regression;
                       * text is an error (how nn_dataset_load_csv read labels before) */
    NN_LABELS_VALUES, /* numbers, as regression targets (nclasses 0) */
    NN_LABELS_IGNORE, /* the label column is skipped unread (y all 0, nclasses 0) */
    NN_LABELS_NONE    /* no label column: every column not dropped is a feature */
};

/* Options of nn_dataset_read_csv; start from nn_csv_defaults(). See docs/datasets.md "Your own CSV files". */
typedef struct nn_csv_opts {
    int header;         /* 1 the first row holds names, 0 it does not, -1 detect (default): a first row with
                         * text where the second row has a number (one row only: text in a feature cell) */
    char delimiter;     /* ',', ';', '\t' or ' ' (runs of blanks); 0 detect (default) from the first 10 lines */
    const char *label;  /* label column: a header name, or a number counted from 1 (negative: from the end);
                         * NULL: the last column */
    const char *drop;   /* comma-separated names or numbers of columns to ignore; NULL: none */
    int labels;         /* NN_LABELS_*, default NN_LABELS_AUTO */
    const char *const *classes; /* with nclasses > 0: map labels onto these names (e.g. a model's classes; a
                                 * numeric label also matches a name of the same value); another label is
                                 * an error. NULL: as `labels` says */
    int nclasses;
} nn_csv_opts;

/* The default options: header -1, everything else 0 / NULL. */
NN_API nn_csv_opts nn_csv_defaults(void);
/* Read a CSV file as o says (NULL: defaults). Blank lines and lines starting with '#' are skipped, a UTF-8
 * byte order mark and double quotes around a cell are removed, one delimiter ending a line is ignored, and
 * with a delimiter other than ',' a decimal comma ("5,1") is read as a point. An unnamed first column of
 * distinct whole numbers >= 0 (a pandas or R row index) is dropped. What the reader decided on its own is
 * described in d->notes. Errors (NULL, nn_errmsg() "FILE:LINE: ..."): missing file, bad cell, ragged row,
 * unknown label or drop column, a label column with one class only, no data rows (saying why), a NUL byte. */
NN_API nn_dataset *nn_dataset_read_csv(const char *path, const nn_csv_opts *o);
/* As nn_dataset_read_csv, from len bytes of text (not changed; e.g. standard input read by the caller);
 * name is used in messages. */
NN_API nn_dataset *nn_dataset_parse_csv(const char *text, size_t len, const char *name, const nn_csv_opts *o);
/* The whole of stream f (standard input, a pipe) as NUL-terminated text of *len bytes, for nn_dataset_parse_csv;
 * the caller frees it. NULL with a message naming `name` on NN_ENOMEM or NN_EIO (a read error). */
NN_API char *nn_read_stream(FILE *f, const char *name, size_t *len);
/* nn_dataset_read_csv with the default options but the given header (1, 0 or -1 detect) and labels =
 * NN_LABELS_IDS: whole-number labels are the class ids as they are. */
NN_API nn_dataset *nn_dataset_load_csv(const char *path, int header);
/* Write d as CSV (header "x1,...,xN,label" or its names; labels as class_names when it has them; "target"
 * instead of "label" for a regression set, so that whole-number targets read back as values), with optional
 * '#' comment lines first. Written atomically (nn_atomic_open). Errors: those of nn_atomic_open/commit (NN_EIO); NN_EINVAL (nothing written) for non-finite values, labels that are not class indices of a
 * classification set, or names that would not read back. */
NN_API nn_status nn_dataset_save_csv(const nn_dataset *d, const char *path, const char *comment);
/* As nn_dataset_save_csv, to an open stream (e.g. stdout), flushed; nothing is written on NN_EINVAL. */
NN_API nn_status nn_dataset_write_csv(const nn_dataset *d, FILE *f, const char *comment);
/* The shortest text of v ("%.Pg") that reads back to exactly v, as a double (nn_format_double) or as an
 * nn_real (nn_format_real: 0.1f is "0.1", not "0.10000000149011612"); as snprintf returns.
 * Spec strings and the CLI's JSON output write numbers this way: readable and exact. */
NN_API int nn_format_double(char *buf, size_t size, double v);
NN_API int nn_format_real(char *buf, size_t size, nn_real v);

/* Seeded shuffle and split: *test gets round(test_fraction * rows) rows, *train the rest (both owned by the
 * caller; a fraction of 0 gives *test = NULL). Errors: NN_EINVAL unless 0 <= test_fraction < 1 and the
 * training part keeps at least one row. */
NN_API nn_status nn_dataset_split(const nn_dataset *d, double test_fraction, uint64_t seed,
                           nn_dataset **train, nn_dataset **test);

/* Column means and standard deviations (population, a constant column gets std 1) of d into
 * mean[cols] and std[cols]: fit on the training part only, then apply to every part. */
NN_API void nn_dataset_fit_standardize(const nn_dataset *d, nn_real *mean, nn_real *std);
/* x = (x - mean) / std in place. */
NN_API void nn_dataset_standardize(nn_dataset *d, const nn_real *mean, const nn_real *std);

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
NN_API nn_dataset *nn_dataset_generate(const char *name, int n, int classes, double noise, uint64_t seed);
/* The generator names, NULL-terminated. */
NN_API const char *const *nn_dataset_generators(void);

#ifdef __cplusplus
}
#endif
#endif
