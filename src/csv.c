/* csv.c: data sets from and to CSV files (features, then the label; optional header; '#' comments). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
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

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* The cell [a, b) trimmed, unquoted ("x" -> x) and NUL-terminated; a decimal comma ("5,1") becomes a point
 * when the delimiter is not a comma and the cell then reads as a number. */
static char *finish_cell(char *a, char *b, char delim)
{
    while (a < b && is_space(*a)) a++;
    while (b > a && is_space(b[-1])) b--;
    if (b - a >= 2 && *a == '"' && b[-1] == '"') {
        a++;
        b--;
    }
    *b = '\0';
    char *comma;
    if (delim != ',' && (comma = strchr(a, ',')) && !strchr(a, '.') && !strchr(comma + 1, ',')) {
        *comma = '.';
        char *end;
        strtod(a, &end);
        if (end == a || *end) *comma = ',';
    }
    return a;
}

/* Cut the line [s, e) at delim (' ': runs of blanks) into cells; returns the count. cells has room for max
 * entries; only the count is kept beyond that (enough to report a ragged row). One delimiter ending the
 * line ("1,2,3,") ends the row, as spreadsheet exports write it. */
static int split_cells(char *s, char *e, char delim, char **cells, int max)
{
    while (e > s && is_space(e[-1])) e--;
    if (delim != ' ' && e > s && e[-1] == delim) e--;
    int n = 0;
    if (delim == ' ') {
        while (s < e && is_space(*s)) s++;
        while (s < e) {
            char *q = s;
            while (q < e && !is_space(*q)) q++;
            char *next = q;
            while (next < e && is_space(*next)) next++;
            if (n < max) cells[n] = finish_cell(s, q, delim);
            n++;
            s = next;
        }
        return n;
    }
    for (;;) {
        char *q = memchr(s, delim, (size_t)(e - s));
        char *end = q ? q : e;
        if (n < max) cells[n] = finish_cell(s, end, delim);
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

/* The message for cell text that parse_num or parse_real_checked refused with code bad (1, 2 or 3). */
static nn_status bad_cell(int bad, int col, const char *cell)
{
    static const char *const what[] = {"", "is not a number", "is not a finite number", "is out of range"};
    return nn_fail(NN_EFORMAT, "column %d: '%.*s%s' %s", col, CELL_SHOW, cell, strlen(cell) > CELL_SHOW ? "..." : "",
                   what[bad]);
}

/* A header cell: text that is not a number (nan and inf count as text). */
static int is_text(const char *s)
{
    double v;
    int r = parse_num(s, &v);
    return r == 1 || r == 2;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = nn_malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

nn_csv_opts nn_csv_defaults(void)
{
    nn_csv_opts o;
    memset(&o, 0, sizeof o);
    o.header = -1;
    return o;
}

/* One non-blank, non-comment line of the input. */
typedef struct csv_line {
    char *s, *e;
    long no;
} csv_line;

/* The delimiter that cuts the first lines into the same number of cells: tab, then ';' (whose files use
 * decimal commas), then ','; else runs of blanks when the first line has any; else ','. */
static char detect_delim(const csv_line *l, int n)
{
    static const char cand[] = {'\t', ';', ','};
    char best = 0;
    long best_n = 0;
    for (int k = 0; k < 3; k++) {
        long first = -1;
        int same = 1;
        for (int i = 0; i < n; i++) {
            const char *e = l[i].e;
            while (e > l[i].s && is_space(e[-1]) && e[-1] != cand[k]) e--;
            if (e > l[i].s && e[-1] == cand[k]) e--; /* a trailing delimiter ends the row */
            long c = 0;
            for (const char *p = l[i].s; p < e; p++) c += *p == cand[k];
            if (first < 0) first = c;
            else if (c != first) same = 0;
        }
        if (first > 0 && same) return cand[k];
        if (first > best_n) {
            best_n = first;
            best = cand[k];
        }
    }
    if (best) return best;
    for (const char *p = l[0].s; p < l[0].e; p++)
        if (is_space(*p)) return ' ';
    return ',';
}

/* A column chosen by name (needs a header) or by position counted from 1, negative from the end. -1 after
 * nn_fail. what: "label column" or "drop column" for messages. */
static int find_col(const char *name, const char *spec, size_t len, char **hdr, int ncols, const char *what)
{
    char buf[256];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, spec, len);
    buf[len] = '\0';
    char *end;
    long v = strtol(buf, &end, 10);
    if (*buf && !*end) {
        if (v == 0 || v > ncols || v < -ncols) {
            nn_fail(NN_EINVAL, "%s: %s %ld: columns are counted from 1 (or from -1 at the end) and the file has %d",
                    name, what, v, ncols);
            return -1;
        }
        return v > 0 ? (int)v - 1 : ncols + (int)v;
    }
    if (!hdr) {
        nn_fail(NN_EINVAL, "%s: %s '%s': the file has no header to find the name in (give a column number)", name,
                what, buf);
        return -1;
    }
    for (int j = 0; j < ncols; j++)
        if (!strcmp(hdr[j], buf)) return j;
    char list[512];
    size_t n = 0;
    list[0] = '\0';
    for (int j = 0; j < ncols && n < sizeof list; j++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", j ? ", " : "", hdr[j]);
    nn_fail(NN_EINVAL, "%s: %s '%s' is not in the header (columns: %s)", name, what, buf, list);
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Appends printf text to a growing notes string (a note that does not fit in memory is dropped). */
static void add_note(char **notes, const char *fmt, ...) NN_PRINTF(2, 3);
static void add_note(char **notes, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t old = *notes ? strlen(*notes) : 0, n = strlen(line);
    char *s = realloc(*notes, old + n + 2);
    if (!s) return;
    memcpy(s + old, line, n);
    s[old + n] = '\n';
    s[old + n + 1] = '\0';
    *notes = s;
}

/* "a, b, c" of the first names (then "..."), for notes and messages. */
static void name_list(char *buf, size_t size, char *const *names, int n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len + 8 < size; i++) {
        if (i == 8 && n > 9) {
            snprintf(buf + len, size - len, ", ... (%d in all)", n);
            return;
        }
        len += (size_t)snprintf(buf + len, size - len, "%s%d=%s", i ? ", " : "", i, names[i]);
    }
}

/* Fills d->y, d->nclasses and d->class_names from the label cells lab[rows] as o->labels says. */
static nn_status map_labels(nn_dataset *d, char **lab, const long *lineno, int labcol, const char *name,
                            const nn_csv_opts *o)
{
    int rows = d->rows;
    if (o->labels == NN_LABELS_IGNORE || o->labels == NN_LABELS_NONE) return NN_OK;
    /* The label is read in double so that the wholeness test sees the text's value rather than its float
     * rounding, and once more into nn_real for exact round trips. */
    int numeric = 1, whole = 1;
    double v, maxv = 0;
    for (int i = 0; i < rows && numeric; i++) {
        int bad = parse_num(lab[i], &v);
        if (!bad) bad = parse_real_checked(lab[i], &d->y[i]);
        if (bad == 1 && o->labels == NN_LABELS_AUTO && !o->classes) numeric = 0;
        else if (bad == 1 && o->classes) numeric = 0;
        else if (bad) {
            bad_cell(bad, labcol + 1, lab[i]);
            return nn_fail_prefix(NN_EFORMAT, "%s:%ld", name, lineno[i]);
        }
        if (numeric && !(fabs(v) <= CSV_MAX_CLASS && v == floor(v) && (v >= 0 || o->labels == NN_LABELS_AUTO)))
            whole = 0;
        else if (numeric && v > maxv) maxv = v;
    }
    if (o->classes) {
        d->nclasses = o->nclasses;
        if (!(d->class_names = nn_calloc((size_t)o->nclasses, sizeof *d->class_names))) return NN_ENOMEM;
        for (int c = 0; c < o->nclasses; c++)
            if (!(d->class_names[c] = dup_str(o->classes[c]))) return NN_ENOMEM;
        for (int i = 0; i < rows; i++) {
            int c = 0;
            double a, b;
            for (; c < o->nclasses; c++)
                if (!strcmp(lab[i], o->classes[c]) ||
                    (!parse_num(lab[i], &a) && !parse_num(o->classes[c], &b) && a == b))
                    break;
            if (c == o->nclasses) {
                char list[512];
                name_list(list, sizeof list, d->class_names, d->nclasses);
                return nn_fail(NN_EFORMAT, "%s:%ld: label '%.*s' is not one of the classes %s", name, lineno[i],
                               CELL_SHOW, lab[i], list);
            }
            d->y[i] = (nn_real)c;
        }
        return NN_OK;
    }
    if (numeric && (o->labels == NN_LABELS_VALUES || !whole)) return NN_OK; /* regression */
    if (numeric && o->labels == NN_LABELS_IDS) {
        /* A file holding one class only (say, a slice of a larger set) is still a classification set. */
        d->nclasses = (int)maxv + 1 < 2 ? 2 : (int)maxv + 1;
        return NN_OK;
    }
    /* Class names: the distinct labels, sorted (numerically when they are numbers), so that every file of the
     * same classes, in any row order and with any subset of the rows, maps them to the same ids. */
    int k = 0;
    if (numeric) {
        double *u = nn_malloc(sizeof *u * (size_t)rows);
        if (!u) return NN_ENOMEM;
        for (int i = 0; i < rows; i++) parse_num(lab[i], &u[i]);
        qsort(u, (size_t)rows, sizeof *u, cmp_double);
        for (int i = 0; i < rows; i++)
            if (!k || u[i] != u[k - 1]) u[k++] = u[i];
        int ids = u[0] == 0 && u[k - 1] == k - 1;
        if (ids || (k == 1 && u[0] >= 0)) {
            /* Already class ids 0..K-1 (or one class: nothing to map). */
            free(u);
            d->nclasses = (int)maxv + 1 < 2 ? 2 : (int)maxv + 1;
            return NN_OK;
        }
        if (k == 1) {
            double only = u[0];
            free(u);
            return nn_fail(NN_EFORMAT, "%s: the label column holds only the class %.0f: a classifier needs 2", name, only);
        }
        d->class_names = nn_calloc((size_t)k, sizeof *d->class_names);
        for (int c = 0; d->class_names && c < k; c++) {
            char t[32];
            snprintf(t, sizeof t, "%.0f", u[c]);
            if (!(d->class_names[c] = dup_str(t))) break;
        }
        for (int i = 0; i < rows; i++) {
            parse_num(lab[i], &v);
            d->y[i] = (nn_real)((double *)bsearch(&v, u, (size_t)k, sizeof *u, cmp_double) - u);
        }
        free(u);
        d->nclasses = k;
        if (!d->class_names || !d->class_names[k - 1]) return NN_ENOMEM;
        char list[512];
        name_list(list, sizeof list, d->class_names, k);
        add_note(&d->notes, "the labels are not the class ids 0..%d: mapped in sorted order to %s", k - 1, list);
        return NN_OK;
    }
    char **u = nn_malloc(sizeof *u * (size_t)rows);
    if (!u) return NN_ENOMEM;
    memcpy(u, lab, sizeof *u * (size_t)rows);
    qsort(u, (size_t)rows, sizeof *u, cmp_str);
    for (int i = 0; i < rows; i++)
        if (!k || strcmp(u[i], u[k - 1])) u[k++] = u[i];
    if (k < 2 || k > CSV_MAX_CLASS) {
        nn_status st = nn_fail(NN_EFORMAT, "%s: the label column holds %s%s%s: a class label needs 2 to %d distinct "
                               "values (is the label another column?)", name, k < 2 ? "only the class '" :
                               "too many distinct texts", k < 2 ? u[0] : "", k < 2 ? "'" : "", CSV_MAX_CLASS);
        free(u);
        return st;
    }
    d->class_names = nn_calloc((size_t)k, sizeof *d->class_names);
    for (int c = 0; d->class_names && c < k; c++)
        if (!(d->class_names[c] = dup_str(u[c]))) break;
    for (int i = 0; i < rows; i++)
        d->y[i] = (nn_real)((char **)bsearch(&lab[i], u, (size_t)k, sizeof *u, cmp_str) - u);
    free(u);
    d->nclasses = k;
    if (!d->class_names || !d->class_names[k - 1]) return NN_ENOMEM;
    char list[512];
    name_list(list, sizeof list, d->class_names, k);
    add_note(&d->notes, "text labels mapped in sorted order to class ids %s", list);
    return NN_OK;
}

/* Parses buf (len bytes, NUL-terminated, edited in place; freed here) as o says. */
static nn_dataset *parse_csv(char *buf, size_t len, const char *name, const nn_csv_opts *o)
{
    nn_csv_opts def = nn_csv_defaults();
    if (!o) o = &def;
    nn_dataset *d = NULL, *done = NULL; /* done: d once the parse has succeeded */
    csv_line *lines = NULL;
    char **cells = NULL, **hdr = NULL, **cells2 = NULL, **lab = NULL;
    char *keep = NULL; /* per column: 1 feature, 0 label or dropped */
    int *feat = NULL;  /* feature index of each column, -1 if none */
    long *lineno = NULL;
    int nlines = 0, ncols = 0, nfeat = 0, labcol = -1, rows = 0;
    if (o->header < -1 || o->header > 1) {
        nn_fail(NN_EINVAL, "%s: header must be 1, 0 or -1 (detect), not %d", name, o->header);
        goto fail;
    }
    if (o->delimiter && !strchr(",;\t ", o->delimiter)) {
        nn_fail(NN_EINVAL, "%s: delimiter '%c' is not one of ',', ';', tab or ' ' (runs of blanks)", name,
                o->delimiter);
        goto fail;
    }
    if (o->labels < NN_LABELS_AUTO || o->labels > NN_LABELS_NONE || (o->classes && o->nclasses < 1)) {
        nn_fail(NN_EINVAL, "%s: bad label options", name);
        goto fail;
    }

    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        long at = 1;
        for (const char *c = buf; c < nul; c++) at += *c == '\n';
        nn_fail(NN_EFORMAT, "%s:%ld: a NUL byte (is this a binary file?)", name, at);
        goto fail;
    }
    /* Every non-blank, non-comment line, located once. */
    char *p = buf, *end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* UTF-8 byte order mark, as Excel writes */
    int lcap = 0;
    for (long no = 1; p < end; no++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end, *s = p;
        p = nl ? nl + 1 : end;
        while (s < le && is_space(*s)) s++;
        if (s == le || *s == '#') continue;
        if (nlines == lcap) {
            if (lcap > (int)(0x7fffffff / 2)) {
                nn_fail(NN_ENOMEM, "%s: more than %d lines", name, lcap);
                goto fail;
            }
            lcap = lcap ? 2 * lcap : 256;
            csv_line *nl2 = realloc(lines, sizeof *lines * (size_t)lcap);
            if (!nl2) {
                nn_fail(NN_ENOMEM, "%s: out of memory for %d lines", name, lcap);
                goto fail;
            }
            lines = nl2;
        }
        lines[nlines++] = (csv_line){s, le, no};
    }
    if (nlines == 0) {
        nn_fail(NN_EFORMAT, "%s: no data rows: the input is %s", name, len ? "only blank lines and comments" : "empty");
        goto fail;
    }

    char delim = o->delimiter ? o->delimiter : detect_delim(lines, nlines < 10 ? nlines : 10);
    {
        /* Counting writes nothing: only the cells that have room are cut. */
        long c = split_cells(lines[0].s, lines[0].e, delim, NULL, 0);
        if (c >= CSV_MAX_COLS) {
            nn_fail(NN_EFORMAT, "%s:%ld: more than %d columns", name, lines[0].no, CSV_MAX_COLS);
            goto fail;
        }
        ncols = (int)c;
    }
    int need = o->labels == NN_LABELS_NONE ? 1 : 2;
    if (ncols < need) {
        nn_fail(NN_EFORMAT, "%s:%ld: 1 column, need at least 2 (features, then the label); no ',', ';', tab or "
                "blank separates cells", name, lines[0].no);
        goto fail;
    }
    cells = nn_malloc(sizeof *cells * (size_t)ncols);
    cells2 = nn_malloc(sizeof *cells2 * (size_t)ncols);
    keep = nn_malloc((size_t)ncols);
    feat = nn_malloc(sizeof *feat * (size_t)ncols);
    if (!cells || !cells2 || !keep || !feat) goto fail;
    split_cells(lines[0].s, lines[0].e, delim, cells, ncols);
    int n2 = nlines > 1 ? split_cells(lines[1].s, lines[1].e, delim, cells2, ncols) : 0;

    /* A header: told so, or a first row with text where the second has a number; with one line only, text
     * in a feature cell (the label may be a class name). */
    int is_header = o->header == 1;
    if (o->header == -1) {
        if (nlines > 1)
            for (int j = 0; j < ncols && j < n2 && !is_header; j++) is_header = is_text(cells[j]) && !is_text(cells2[j]);
        else
            for (int j = 0; j < ncols && !is_header; j++)
                is_header = is_text(cells[j]) && (o->labels == NN_LABELS_NONE || j != ncols - 1);
        /* Naming the label column by a word of the first row is saying that it is a header. */
        for (int j = 0; j < ncols && o->label && !is_header; j++) is_header = !strcmp(cells[j], o->label);
    }
    if (is_header) hdr = cells;

    labcol = o->labels == NN_LABELS_NONE ? -1 : ncols - 1;
    if (o->label && o->labels != NN_LABELS_NONE &&
        (labcol = find_col(name, o->label, strlen(o->label), hdr, ncols, "label column")) < 0)
        goto fail;
    memset(keep, 1, (size_t)ncols);
    if (labcol >= 0) keep[labcol] = 0;
    for (const char *s = o->drop; s && *s;) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        int j = find_col(name, s, n, hdr, ncols, "drop column");
        if (j < 0) goto fail;
        if (j == labcol) {
            nn_fail(NN_EINVAL, "%s: drop column %.*s is the label column", name, (int)n, s);
            goto fail;
        }
        keep[j] = 0;
        s = c ? c + 1 : s + n;
    }
    for (int j = 0; j < ncols; j++) feat[j] = keep[j] ? nfeat++ : -1;
    if (nfeat < 1) {
        nn_fail(NN_EINVAL, "%s: no feature column left after the label and dropped columns", name);
        goto fail;
    }

    int first = is_header ? 1 : 0;
    if (nlines - first == 0) {
        nn_fail(NN_EFORMAT, "%s:%ld: no data rows: only a header line", name, lines[0].no);
        goto fail;
    }
    if (!(d = nn_dataset_new(nlines - first, nfeat))) goto fail;
    if (!(lab = nn_malloc(sizeof *lab * (size_t)d->rows)) || !(lineno = nn_malloc(sizeof *lineno * (size_t)d->rows)))
        goto fail;
    if (hdr) {
        if (!(d->names = nn_calloc((size_t)nfeat, sizeof *d->names))) goto fail;
        for (int j = 0; j < ncols; j++)
            if (feat[j] >= 0 && !(d->names[feat[j]] = dup_str(hdr[j]))) goto fail;
    }

    /* nn_dataset_save_csv names a regression set's label column "target": whole-number targets stay values.
     * Decided before the rows are cut, as they reuse the header's cells. */
    nn_csv_opts lo = *o;
    if (hdr && labcol >= 0 && !strcmp(hdr[labcol], "target") && !o->classes &&
        (o->labels == NN_LABELS_AUTO || o->labels == NN_LABELS_IDS))
        lo.labels = NN_LABELS_VALUES;
    for (int i = first; i < nlines; i++) {
        char **c = i == 0 ? cells : i == 1 ? cells2 : cells;
        int n = i == 1 ? n2 : i == 0 ? ncols : split_cells(lines[i].s, lines[i].e, delim, cells, ncols);
        if (n != ncols) {
            nn_fail(NN_EFORMAT, "%s:%ld: %d column%s, expected %d", name, lines[i].no, n, n == 1 ? "" : "s", ncols);
            goto fail;
        }
        nn_real *xr = d->x + (size_t)rows * (size_t)nfeat;
        for (int j = 0; j < ncols; j++) {
            if (feat[j] < 0) continue;
            int bad = parse_real_checked(c[j], &xr[feat[j]]);
            if (bad) {
                bad_cell(bad, j + 1, c[j]);
                nn_fail_prefix(NN_EFORMAT, "%s:%ld", name, lines[i].no);
                goto fail;
            }
        }
        lab[rows] = labcol >= 0 ? c[labcol] : NULL;
        lineno[rows] = lines[i].no;
        rows++;
    }

    /* An unnamed first column of distinct whole numbers is a row index (pandas' to_csv writes one unless told
     * index=False; R's write.csv too): as a feature it leaks the row order into the model. */
    if (hdr && feat[0] == 0 && nfeat > 1 && (!*d->names[0] || !strncmp(d->names[0], "Unnamed: 0", 10))) {
        double *u = nn_malloc(sizeof *u * (size_t)rows);
        if (!u) goto fail;
        int index = 1;
        for (int i = 0; i < rows && index; i++) {
            u[i] = d->x[(size_t)i * (size_t)nfeat];
            index = u[i] >= 0 && u[i] == floor(u[i]);
        }
        if (index) {
            qsort(u, (size_t)rows, sizeof *u, cmp_double);
            for (int i = 1; i < rows && index; i++) index = u[i] != u[i - 1];
        }
        free(u);
        if (index) {
            size_t c = (size_t)nfeat;
            for (size_t i = 0; i < (size_t)rows; i++)
                memmove(d->x + i * (c - 1), d->x + i * c + 1, (c - 1) * sizeof *d->x);
            free(d->names[0]);
            memmove(d->names, d->names + 1, (c - 1) * sizeof *d->names);
            d->cols = nfeat - 1;
            add_note(&d->notes, "dropped column 1: it has no name and holds a row index (0, 1, 2, ...), as pandas "
                     "writes one; give it a name in the header to keep it");
        }
    }

    if (map_labels(d, lab, lineno, labcol, name, &lo) != NN_OK) goto fail;
    done = d;
    d = NULL;

fail: /* also the end of a parse that succeeded: d is NULL then, and only the scratch is freed */
    nn_dataset_free(d);
    free(lines);
    free(cells);
    free(cells2);
    free(keep);
    free(feat);
    free(lab);
    free(lineno);
    free(buf);
    return done;
}

nn_dataset *nn_dataset_read_csv(const char *path, const nn_csv_opts *o)
{
    if (!path) {
        nn_fail(NN_EINVAL, "read_csv: NULL path");
        return NULL;
    }
    size_t len;
    char *buf = nn_read_file(path, &len);
    return buf ? parse_csv(buf, len, path, o) : NULL;
}

nn_dataset *nn_dataset_parse_csv(const char *text, size_t len, const char *name, const nn_csv_opts *o)
{
    if (!text) {
        nn_fail(NN_EINVAL, "parse_csv: NULL text");
        return NULL;
    }
    char *buf = nn_malloc(len + 1);
    if (!buf) return NULL;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return parse_csv(buf, len, name ? name : "<text>", o);
}

nn_dataset *nn_dataset_load_csv(const char *path, int header)
{
    nn_csv_opts o = nn_csv_defaults();
    o.header = header;
    o.labels = NN_LABELS_IDS;
    return nn_dataset_read_csv(path, &o);
}

/* Files stay readable ("0.1", not "0.100000001") and load(save(d)) stays exact. */
static void put_real(FILE *f, nn_real v)
{
    char buf[40];
    nn_format_real(buf, sizeof buf, v);
    fputs(buf, f);
}

/* Names must survive a reload: no separators, line breaks or comment marker that would change the parse. */
static int name_ok(const char *s) { return *s && *s != '#' && !strpbrk(s, ",\n\r"); }

/* Everything that would make the file unreadable or wrong, before a byte is written. name is for messages. */
static nn_status check_csv(const nn_dataset *d, const char *name)
{
    size_t c = (size_t)d->cols;
    if (d->names)
        for (size_t j = 0; j < c; j++)
            if (!d->names[j] || !name_ok(d->names[j]))
                return nn_fail(NN_EINVAL, "%s: column %zu name '%s' is empty or holds a comma, line break or "
                               "leading '#'", name, j + 1, d->names[j] ? d->names[j] : "(null)");
    if (d->class_names)
        for (int k = 0; k < d->nclasses; k++)
            if (!d->class_names[k] || !name_ok(d->class_names[k]))
                return nn_fail(NN_EINVAL, "%s: class %d name '%s' is empty or holds a comma, line break or "
                               "leading '#'", name, k, d->class_names[k] ? d->class_names[k] : "(null)");
    for (size_t i = 0; i < (size_t)d->rows; i++) {
        for (size_t j = 0; j < c; j++)
            if (!isfinite(d->x[i * c + j]))
                return nn_fail(NN_EINVAL, "%s: row %zu column %zu is not finite", name, i + 1, j + 1);
        double v = d->y[i];
        if (!isfinite(v) || (d->nclasses > 0 && !(v >= 0 && v < d->nclasses && v == floor(v))))
            return nn_fail(NN_EINVAL, "%s: row %zu: label %g is not %s", name, i + 1, v,
                           d->nclasses > 0 ? "a class index" : "finite");
    }
    return NN_OK;
}

static void put_csv(const nn_dataset *d, FILE *f, const char *comment)
{
    size_t c = (size_t)d->cols;
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
    fputs(d->nclasses > 0 ? "label\n" : "target\n", f);
    for (size_t i = 0; i < (size_t)d->rows; i++) {
        const nn_real *x = d->x + i * c;
        for (size_t j = 0; j < c; j++) {
            put_real(f, x[j]);
            fputc(',', f);
        }
        if (d->class_names) fprintf(f, "%s\n", d->class_names[(int)d->y[i]]);
        else if (d->nclasses > 0) fprintf(f, "%d\n", (int)d->y[i]);
        else {
            put_real(f, d->y[i]);
            fputc('\n', f);
        }
    }
}

nn_status nn_dataset_save_csv(const nn_dataset *d, const char *path, const char *comment)
{
    if (!d || !path) return nn_fail(NN_EINVAL, "save_csv: NULL data set or path");
    /* Check everything first: a failure must not leave a half-written temporary behind the user's back. */
    nn_status st = check_csv(d, path);
    if (st != NN_OK) return st;
    nn_atomic *a;
    if ((st = nn_atomic_open(path, &a)) != NN_OK) return st;
    put_csv(d, nn_atomic_file(a), comment);
    return nn_atomic_commit(a);
}

nn_status nn_dataset_write_csv(const nn_dataset *d, FILE *f, const char *comment)
{
    if (!d || !f) return nn_fail(NN_EINVAL, "write_csv: NULL data set or stream");
    nn_status st = check_csv(d, "write_csv");
    if (st != NN_OK) return st;
    put_csv(d, f, comment);
    /* errno is only the failure's own right after fflush: number formatting may have overwritten an earlier one
     * (the old "write error: Success"). */
    if (fflush(f) != 0) return nn_fail(NN_EIO, "write_csv: write error: %s", strerror(errno));
    if (ferror(f)) return nn_fail(NN_EIO, "write_csv: write error on the output stream");
    return NN_OK;
}
