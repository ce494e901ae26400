/* csv.c: data sets from and to CSV files (features, then the label; optional header; '#' comments). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Labels this large are far more likely a regression target than a class index. */
#define CSV_MAX_CLASS 65535

/* Far beyond any real table; keeps the column count and row * cols products in range. */
#define CSV_MAX_COLS (1 << 24)

/* Cells quoted in messages are cut here so that one huge cell cannot drown the message. */
#define CELL_SHOW 40

/* The whole file, NUL-terminated: parsing in place needs no line-length limit. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nn_fail(NN_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = nn_malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1) break;
        char *b = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!b) {
            nn_fail(NN_ENOMEM, "%s: out of memory reading the file", path);
            free(buf);
            buf = NULL;
        } else {
            buf = b;
            cap *= 2;
        }
    }
    if (buf && ferror(f)) {
        nn_fail(NN_EIO, "%s: read error: %s", path, strerror(errno));
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Cut [s, e) at its commas into NUL-terminated, trimmed cells; returns the count. cells has room for
 * max entries; only the count is kept beyond that (enough to report a ragged row). */
static int split_cells(char *s, char *e, char **cells, int max)
{
    int n = 0;
    for (;;) {
        char *q = memchr(s, ',', (size_t)(e - s));
        char *end = q ? q : e;
        char *a = s, *b = end;
        while (a < b && is_space(*a)) a++;
        while (b > a && is_space(b[-1])) b--;
        *b = '\0';
        if (n < max) cells[n] = a;
        n++;
        if (!q) return n;
        s = q + 1;
    }
}

/* 0 on success, 1 for text that is not a number, 2 for nan or inf, 3 for a number too large for the type. */
static int parse_num(const char *s, double *out)
{
    char *end;
    if (!*s) return 1;
    errno = 0;
    double v = strtod(s, &end);
    if (*end) return 1;
    if (!isfinite(v)) return errno == ERANGE ? 3 : 2;
    *out = v;
    return 0;
}

/* As parse_num, straight into nn_real: strtof rounds the decimal once, which is what put_real relies on. */
static int parse_real_checked(const char *s, nn_real *out)
{
    char *end;
    if (!*s) return 1;
    errno = 0;
#ifdef NNLAB_DOUBLE
    nn_real v = strtod(s, &end);
#else
    nn_real v = strtof(s, &end);
#endif
    if (*end) return 1;
    if (!isfinite(v)) return errno == ERANGE ? 3 : 2;
    *out = v;
    return 0;
}

static long count_commas(const char *s, const char *e)
{
    long n = 0;
    while ((s = memchr(s, ',', (size_t)(e - s)))) {
        n++;
        s++;
    }
    return n;
}

static void free_names(char **names, int n)
{
    if (!names) return;
    for (int j = 0; j < n; j++) free(names[j]);
    free(names);
}

static char **make_names(char **cells, int n)
{
    char **names = nn_calloc((size_t)n, sizeof *names);
    if (!names) return NULL;
    for (int j = 0; j < n; j++) {
        const char *c = cells[j];
        size_t len = strlen(c);
        /* A quoted header name ("sepal length") loses its quotes; quoted data cells are not supported. */
        if (len >= 2 && c[0] == '"' && c[len - 1] == '"') {
            c++;
            len -= 2;
        }
        names[j] = nn_malloc(len + 1);
        if (!names[j]) {
            free_names(names, n);
            return NULL;
        }
        memcpy(names[j], c, len);
        names[j][len] = '\0';
    }
    return names;
}

nn_dataset *nn_dataset_load_csv(const char *path, int header)
{
    if (!path) {
        nn_fail(NN_EINVAL, "load_csv: NULL path");
        return NULL;
    }
    if (header < -1 || header > 1) {
        nn_fail(NN_EINVAL, "%s: header must be 1, 0 or -1 (detect), not %d", path, header);
        return NULL;
    }
    size_t len;
    char *buf = read_all(path, &len);
    if (!buf) return NULL;

    char *p = buf, *end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* UTF-8 byte order mark, as Excel writes */

    int ncols = 0, nfeat = 0, rows = 0, cap = 0;
    long line = 0;
    char **cells = NULL, **names = NULL;
    nn_real *x = NULL, *y = NULL;
    int whole = 1;
    double maxlabel = 0;
    nn_dataset *d = NULL;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end, *s = p;
        p = nl ? nl + 1 : end;
        line++;
        while (s < le && is_space(*s)) s++;
        if (s == le || *s == '#') continue;

        if (!cells) {
            /* The first row fixes the width of every other. */
            long commas = count_commas(s, le);
            if (commas >= CSV_MAX_COLS) {
                nn_fail(NN_EFORMAT, "%s:%ld: more than %d columns", path, line, CSV_MAX_COLS);
                goto fail;
            }
            ncols = (int)commas + 1;
            if (ncols < 2) {
                nn_fail(NN_EFORMAT, "%s:%ld: 1 column, need at least 2 (features, then the label)", path, line);
                goto fail;
            }
            nfeat = ncols - 1;
            cells = nn_malloc((size_t)ncols * sizeof *cells);
            if (!cells) goto fail;
            split_cells(s, le, cells, ncols);
            int is_header = header == 1;
            if (header == -1) {
                double v;
                /* An overflowing number (code 3) is still a number: better its own error than a bogus header. */
                for (int j = 0; j < ncols && !is_header; j++) {
                    int bad = parse_num(cells[j], &v);
                    is_header = bad == 1 || bad == 2;
                }
            }
            if (is_header) {
                if (!(names = make_names(cells, nfeat))) goto fail;
                continue;
            }
        } else {
            int n = split_cells(s, le, cells, ncols);
            if (n != ncols) {
                nn_fail(NN_EFORMAT, "%s:%ld: %d column%s, expected %d", path, line, n, n == 1 ? "" : "s",
                        ncols);
                goto fail;
            }
        }

        if (rows == cap) {
            if (cap > (int)(0x7fffffff / 2)) {
                nn_fail(NN_ENOMEM, "%s: more than %d data rows", path, cap);
                goto fail;
            }
            int nc = cap ? cap * 2 : 256;
            nn_real *nx = realloc(x, (size_t)nc * (size_t)nfeat * sizeof *x);
            if (nx) x = nx;
            nn_real *ny = nx ? realloc(y, (size_t)nc * sizeof *y) : NULL;
            if (ny) y = ny;
            if (!nx || !ny) {
                nn_fail(NN_ENOMEM, "%s:%ld: out of memory for %d rows", path, line, nc);
                goto fail;
            }
            cap = nc;
        }
        /* The label is read twice: in double so that the wholeness test sees the text's value rather than
         * its float rounding, and rounded once to nn_real for exact round trips. */
        double v = 0;
        nn_real *xr = x + (size_t)rows * (size_t)nfeat;
        for (int j = 0; j < ncols; j++) {
            int bad = j < nfeat ? parse_real_checked(cells[j], &xr[j]) : parse_num(cells[j], &v);
            if (!bad && j == nfeat) bad = parse_real_checked(cells[j], &y[rows]);
            if (bad) {
                static const char *const what[] = {"", "is not a number", "is not a finite number",
                                                   "is out of range"};
                nn_fail(NN_EFORMAT, "%s:%ld: column %d: '%.*s%s' %s", path, line, j + 1, CELL_SHOW, cells[j],
                        strlen(cells[j]) > CELL_SHOW ? "..." : "", what[bad]);
                goto fail;
            }
        }
        if (!(v >= 0 && v <= CSV_MAX_CLASS && v == floor(v))) whole = 0;
        else if (v > maxlabel) maxlabel = v;
        rows++;
    }
    if (rows == 0) {
        nn_fail(NN_EFORMAT, "%s: no data rows", path);
        goto fail;
    }

    d = nn_calloc(1, sizeof *d);
    if (!d) goto fail;
    d->rows = rows;
    d->cols = nfeat;
    d->x = x;
    d->y = y;
    d->names = names;
    /* A file holding one class only (say, a slice of a larger set) is still a classification set. */
    d->nclasses = whole ? ((int)maxlabel + 1 < 2 ? 2 : (int)maxlabel + 1) : 0;
    free(cells);
    free(buf);
    return d;

fail:
    free_names(names, nfeat);
    free(cells);
    free(x);
    free(y);
    free(buf);
    return NULL;
}

/* The shortest "%.Pg" that reads back to exactly v: files stay readable ("0.1", not "0.100000001") and
 * load(save(d)) stays exact, because the full NN_REAL_FMT precision is the last resort. */
static void put_real(FILE *f, nn_real v)
{
#ifdef NNLAB_DOUBLE
    enum { LO = 15, HI = 17 };
#else
    enum { LO = 6, HI = 9 };
#endif
    char buf[40];
    nn_real back;
    for (int p = LO; p < HI; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)v);
        if (parse_real_checked(buf, &back) == 0 && back == v) {
            fputs(buf, f);
            return;
        }
    }
    fprintf(f, NN_REAL_FMT, (double)v);
}

/* Names must survive a reload: no separators, line breaks or comment marker that would change the parse. */
static int name_ok(const char *s) { return *s && *s != '#' && !strpbrk(s, ",\n\r"); }

nn_status nn_dataset_save_csv(const nn_dataset *d, const char *path, const char *comment)
{
    if (!d || !path) return nn_fail(NN_EINVAL, "save_csv: NULL data set or path");
    size_t c = (size_t)d->cols;
    /* Check everything first: a failure must not leave a half-written temporary behind the user's back. */
    if (d->names)
        for (size_t j = 0; j < c; j++)
            if (!d->names[j] || !name_ok(d->names[j]))
                return nn_fail(NN_EINVAL, "%s: column %zu name '%s' is empty or holds a comma, line break or "
                               "leading '#'", path, j + 1, d->names[j] ? d->names[j] : "(null)");
    for (size_t i = 0; i < (size_t)d->rows; i++) {
        for (size_t j = 0; j < c; j++)
            if (!isfinite(d->x[i * c + j]))
                return nn_fail(NN_EINVAL, "%s: row %zu column %zu is not finite", path, i + 1, j + 1);
        double v = d->y[i];
        if (!isfinite(v) || (d->nclasses > 0 && !(v >= 0 && v < d->nclasses && v == floor(v))))
            return nn_fail(NN_EINVAL, "%s: row %zu: label %g is not %s", path, i + 1, v,
                           d->nclasses > 0 ? "a class index" : "finite");
    }

    nn_atomic *a;
    nn_status st = nn_atomic_open(path, &a);
    if (st != NN_OK) return st;
    FILE *f = nn_atomic_file(a);

    for (const char *s = comment; s && *s;) {
        const char *nl = strchr(s, '\n');
        int n = nl ? (int)(nl - s) : (int)strlen(s);
        fprintf(f, "# %.*s\n", n, s);
        s = nl ? nl + 1 : s + n;
    }
    for (size_t j = 0; j < c; j++) {
        if (d->names) fprintf(f, "%s,", d->names[j]);
        else fprintf(f, "x%zu,", j + 1);
    }
    fputs("label\n", f);
    for (size_t i = 0; i < (size_t)d->rows; i++) {
        const nn_real *x = d->x + i * c;
        for (size_t j = 0; j < c; j++) {
            put_real(f, x[j]);
            fputc(',', f);
        }
        if (d->nclasses > 0) fprintf(f, "%d\n", (int)d->y[i]);
        else {
            put_real(f, d->y[i]);
            fputc('\n', f);
        }
    }

    return nn_atomic_commit(a);
}
