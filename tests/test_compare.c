/* test_compare.c: end-to-end tests of nnlab compare ($NNLAB_BIN): the table, every report file, JSON validity, determinism across threads, errors. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"

static char tmp[256];         /* scratch directory of the test case */
static char out[1 << 18];     /* stdout of the last run */
static char err[1 << 16];     /* stderr of the last run */
static char data[512];        /* the 2-D data file */
static char *file_buf;        /* contents of the last slurped file */

static const char *const acts[] = {"relu", "tanh", "prelu"};
static const char *const table_columns[] = {"activation", "group", "p_vs_best", "lr", "ok", "diverged", "train_acc", "val_acc", "train_loss", "val_loss",
                                            "epochs_to_target", "ms_per_epoch", "dead_frac", "grad_ratio",
                                            "act_mean", "act_std"};

static char *slurp(const char *path)
{
    free(file_buf);
    file_buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    file_buf = malloc((size_t)n + 1);
    size_t got = fread(file_buf, 1, (size_t)n, f);
    file_buf[got] = '\0';
    fclose(f);
    return file_buf;
}

static void slurp_into(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
}

/* Runs "[ENV] nnlab ARGS" in the scratch directory; returns its exit status, fills out[] and err[]. */
static int run_env(const char *env, const char *fmt, ...)
{
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(bin && *bin, "NNLAB_BIN is not set");
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s >'%s/.out' 2>'%s/.err' </dev/null", tmp, env ? env : "", bin,
             args, tmp, tmp);
    int st = system(cmd);
    char p[512];
    snprintf(p, sizeof p, "%s/.out", tmp);
    slurp_into(p, out, sizeof out);
    snprintf(p, sizeof p, "%s/.err", tmp);
    slurp_into(p, err, sizeof err);
    ck_assert_msg(st != -1 && WIFEXITED(st), "could not run: %s", cmd);
    return WEXITSTATUS(st);
}

static int exists_in(const char *dir, const char *name)
{
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s/%s", tmp, dir, name);
    return stat(p, &st) == 0 && st.st_size > 0;
}

static int have_gnuplot(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/nnlab_test_compare_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    /* The library writes the data directly, so these tests do not depend on 'nnlab datasets'. */
    nn_dataset *d = nn_dataset_generate("moons", 200, 2, 0.1, 1);
    ck_assert_ptr_nonnull(d);
    snprintf(data, sizeof data, "%s/moons.csv", tmp);
    ck_assert_int_eq(nn_dataset_save_csv(d, data, "moons for test_compare"), NN_OK);
    nn_dataset_free(d);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    free(file_buf);
    file_buf = NULL;
}

/* ---- a strict little JSON checker: 1 if s is one valid JSON value (RFC 8259) and nothing else */

static const char *js_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') s++;
    return s;
}

static const char *js_value(const char *s, int depth);

static const char *js_string(const char *s)
{
    if (*s++ != '"') return NULL;
    while (*s && *s != '"') {
        if ((unsigned char)*s < 0x20) return NULL;
        if (*s == '\\') {
            s++;
            if (*s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i]) return NULL;
                s += 4;
            } else if (!*s || !strchr("\"\\/bfnrt", *s)) {
                return NULL;
            }
        }
        s++;
    }
    return *s == '"' ? s + 1 : NULL;
}

static const char *js_number(const char *s)
{
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (*s >= '0' && *s <= '9') s++;
    else return NULL;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return NULL;
        while (*s >= '0' && *s <= '9') s++;
    }
    return s;
}

static const char *js_value(const char *s, int depth)
{
    if (depth > 64) return NULL;
    s = js_ws(s);
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        s = js_ws(s + 1);
        if (*s == close) return s + 1;
        for (;;) {
            if (close == '}') {
                s = js_string(js_ws(s));
                if (!s) return NULL;
                s = js_ws(s);
                if (*s++ != ':') return NULL;
            }
            s = js_value(s, depth + 1);
            if (!s) return NULL;
            s = js_ws(s);
            if (*s == ',') {
                s++;
                continue;
            }
            return *s == close ? s + 1 : NULL;
        }
    }
    if (*s == '"') return js_string(s);
    if (!strncmp(s, "true", 4)) return s + 4;
    if (!strncmp(s, "false", 5)) return s + 5;
    if (!strncmp(s, "null", 4)) return s + 4;
    return js_number(s);
}

static int json_valid(const char *s)
{
    const char *e = js_value(s, 0);
    return e && *js_ws(e) == '\0';
}

/* The table row of an activation: a line of stdout that starts with its name and a space. */
static const char *row_of(const char *name)
{
    size_t n = strlen(name);
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, name, n) && p[n] == ' ') return p;
    return NULL;
}

static int no_temporaries(const char *dir)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", tmp, dir);
    DIR *d = opendir(p);
    if (!d) return 0;
    struct dirent *e;
    int ok = 1;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp")) ok = 0;
    closedir(d);
    return ok;
}

START_TEST(test_report_files)
{
    int rc = run_env(NULL, "compare --data '%s' --acts relu,tanh,prelu --seeds 2 --epochs 5 --out rep --quiet", data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    /* The table: a header naming every column, then one row per activation with a cell for each. */
    const char *hdr = NULL;
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, "activation ", 11)) hdr = p;
    ck_assert_msg(hdr != NULL, "no table header in:\n%s", out);
    for (size_t c = 0; c < sizeof table_columns / sizeof *table_columns; c++) {
        const char *hit = strstr(hdr, table_columns[c]);
        ck_assert_msg(hit && hit < strchr(hdr, '\n'), "column %s missing from: %s", table_columns[c], hdr);
    }
    for (int a = 0; a < 3; a++) {
        const char *r = row_of(acts[a]);
        ck_assert_msg(r != NULL, "no row for %s in:\n%s", acts[a], out);
        int cells = 0, in = 0;
        for (const char *c = r; *c && *c != '\n'; c++) {
            /* Cells are separated by two or more spaces ("12.0 (1/2)" holds one). */
            if (c[0] != ' ' && !in) cells++, in = 1;
            else if (c[0] == ' ' && c[1] == ' ') in = 0;
        }
        ck_assert_msg(cells == 16, "row of %s has %d cells: %.*s", acts[a], cells, (int)(strchr(r, '\n') - r), r);
    }

    static const char *const files[] = {"results.csv", "results.json", "index.html", "loss.gp", "loss.dat",
                                        "accuracy.gp", "accuracy.dat"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        ck_assert_msg(exists_in("rep", files[i]), "rep/%s missing", files[i]);
    int gp = have_gnuplot();
    for (int a = 0; a < 3; a++) {
        char name[128];
        static const char *const ext[] = {".gp", ".rgb", "_points.dat", ".svg", ".png"};
        for (int e = 0; e < (gp ? 5 : 3); e++) {
            snprintf(name, sizeof name, "boundary_%s%s", acts[a], ext[e]);
            ck_assert_msg(exists_in("rep", name), "rep/%s missing", name);
        }
    }
    if (gp) {
        ck_assert(exists_in("rep", "loss.svg") && exists_in("rep", "loss.png"));
        ck_assert(exists_in("rep", "accuracy.svg") && exists_in("rep", "accuracy.png"));
    }
    ck_assert_msg(no_temporaries("rep"), "temporary files left in the report directory");

    /* results.csv: the documented header, one line per activation. */
    char p[1024];
    snprintf(p, sizeof p, "%s/rep/results.csv", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    static const char *const csv_cols[] = {"activation", "group", "p_vs_best", "lr", "runs", "ok", "diverged", "flagged",
                                           "train_acc_mean", "train_acc_std", "train_acc_ci95", "val_acc_mean",
                                           "val_acc_std", "val_acc_ci95", "train_loss_mean", "train_loss_std",
                                           "train_loss_ci95", "val_loss_mean", "val_loss_std", "val_loss_ci95", "epochs_to_target_mean", "target_reached",
                                           "ms_per_epoch_mean", "ms_per_epoch_std", "dead_frac_mean",
                                           "dead_frac_std", "grad_ratio_mean", "grad_ratio_std", "act1_mean",
                                           "act1_std", "act2_mean", "act2_std"};
    char *nl = strchr(file_buf, '\n');
    ck_assert_ptr_nonnull(nl);
    *nl = '\0';
    char *save = NULL;
    size_t k = 0;
    for (char *tok = strtok_r(file_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), k++) {
        ck_assert_msg(k < sizeof csv_cols / sizeof *csv_cols, "extra CSV column %s", tok);
        ck_assert_str_eq(tok, csv_cols[k]);
    }
    ck_assert_uint_eq(k, sizeof csv_cols / sizeof *csv_cols);
    int lines = 0;
    for (char *c = nl + 1; *c; c++) lines += *c == '\n';
    ck_assert_int_eq(lines, 3);

    /* results.json: valid JSON with every activation, per-seed results and curves. */
    snprintf(p, sizeof p, "%s/rep/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert_msg(json_valid(file_buf), "results.json is not valid JSON");
    for (int a = 0; a < 3; a++) {
        char key[64];
        snprintf(key, sizeof key, "\"activation\": \"%s\"", acts[a]);
        ck_assert_msg(strstr(file_buf, key), "%s missing from results.json", key);
    }
    ck_assert(strstr(file_buf, "\"per_seed\"") && strstr(file_buf, "\"val_loss\": [") &&
              strstr(file_buf, "\"mean_curves\""));

    /* index.html: the table with a row per activation and the pictures (or the note saying how to draw them). */
    snprintf(p, sizeof p, "%s/rep/index.html", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    for (int a = 0; a < 3; a++) {
        char key[64];
        snprintf(key, sizeof key, "<tr data-activation=\"%s\" ", acts[a]);
        ck_assert_msg(strstr(file_buf, key), "%s missing from index.html", key);
    }
    ck_assert(!strstr(file_buf, "<script src"));
    if (gp) ck_assert(strstr(file_buf, "<img src=\"loss.svg\"") && strstr(file_buf, "<img src=\"boundary_relu.svg\""));
}
END_TEST

START_TEST(test_without_gnuplot)
{
    /* A PATH without gnuplot: data and scripts are written, the run succeeds, one note says how to render. */
    int rc = run_env("PATH=/nonexistent", "compare --data '%s' --acts relu,tanh --seeds 1 --epochs 3 --out rep",
                     data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert(exists_in("rep", "loss.gp") && exists_in("rep", "loss.dat") && exists_in("rep", "boundary_tanh.gp"));
    ck_assert(!exists_in("rep", "loss.svg") && !exists_in("rep", "loss.png"));
    ck_assert_msg(strstr(err, "gnuplot FILE.gp"), "no rendering hint in: %s", err);
    const char *first = strstr(err, "not installed");
    ck_assert_msg(first && !strstr(first + 1, "not installed"), "the gnuplot note should appear once: %s", err);
    char p[1024];
    snprintf(p, sizeof p, "%s/rep/index.html", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(strstr(file_buf, "<tr data-activation=\"relu\" ") && strstr(file_buf, "not rendered"));
    ck_assert(!strstr(file_buf, "<img"));
}
END_TEST

/* Every column but the timings, from results.csv. */
static void csv_without_timing(const char *path, char *buf, size_t size)
{
    ck_assert_ptr_nonnull(slurp(path));
    size_t k = 0;
    int col = 0;
    for (const char *c = file_buf; *c && k + 1 < size; c++) {
        if (*c == '\n') col = -1;
        if (col != 22 && col != 23) buf[k++] = *c;
        if (*c == ',' || *c == '\n') col++;
    }
    buf[k] = '\0';
}

START_TEST(test_threads_deterministic)
{
    static char a[1 << 14], b[1 << 14];
    int rc = run_env(NULL, "compare --data '%s' --acts relu,selu,rrelu --seeds 2 --epochs 4 --out one --threads 1 --quiet",
                     data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    rc = run_env(NULL, "compare --data '%s' --acts relu,selu,rrelu --seeds 2 --epochs 4 --out two --threads 2 --quiet",
                 data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    char p[1024];
    snprintf(p, sizeof p, "%s/one/results.csv", tmp);
    csv_without_timing(p, a, sizeof a);
    snprintf(p, sizeof p, "%s/two/results.csv", tmp);
    csv_without_timing(p, b, sizeof b);
    ck_assert_msg(!strcmp(a, b), "one thread:\n%s\ntwo threads:\n%s", a, b);
}
END_TEST

START_TEST(test_errors)
{
    /* Unknown activation: usage error naming it and listing valid ones. */
    int rc = run_env(NULL, "compare --data '%s' --acts relu,notanact --epochs 1 --out rep", data);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "notanact") && strstr(err, "tanh") && strstr(err, "sigmoid"), "stderr: %s", err);
    /* Missing data file: runtime error naming it; nothing trained, no report. */
    rc = run_env(NULL, "compare --data '%s/nope.csv' --acts relu --epochs 1 --out rep", tmp);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(strstr(err, "nope.csv"), "stderr: %s", err);
    ck_assert(!exists_in("rep", "index.html"));
    /* A template without the placeholder, an unknown option, a bad number. */
    rc = run_env(NULL, "compare --data '%s' --arch-template dense:8,relu,dense:C --epochs 1", data);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "ACT"), "stderr: %s", err);
    rc = run_env(NULL, "compare --data '%s' --bogus 1", data);
    ck_assert_int_eq(rc, 2);
    rc = run_env(NULL, "compare --data '%s' --seeds 0", data);
    ck_assert_int_eq(rc, 2);
    rc = run_env(NULL, "compare --data '%s' --opt nosuchopt", data);
    ck_assert_int_eq(rc, 2);
    rc = run_env(NULL, "compare --help");
    ck_assert_int_eq(rc, 0);
    ck_assert(strstr(out, "--arch-template"));
}
END_TEST

START_TEST(test_template_and_params)
{
    /* Activation parameters continue after commas; C becomes the class count; a non-2-D set has no boundaries. */
    nn_dataset *d = nn_dataset_generate("blobs", 150, 3, 0.5, 2);
    ck_assert_ptr_nonnull(d);
    nn_dataset *d3 = nn_dataset_new(d->rows, 3);
    ck_assert_ptr_nonnull(d3);
    d3->nclasses = d->nclasses;
    for (int i = 0; i < d->rows; i++) {
        d3->x[3 * i] = d->x[2 * i], d3->x[3 * i + 1] = d->x[2 * i + 1], d3->x[3 * i + 2] = (nn_real)(i % 7);
        d3->y[i] = d->y[i];
    }
    char p[512];
    snprintf(p, sizeof p, "%s/blobs3.csv", tmp);
    ck_assert_int_eq(nn_dataset_save_csv(d3, p, NULL), NN_OK);
    nn_dataset_free(d);
    nn_dataset_free(d3);
    int rc = run_env(NULL, "compare --data blobs3.csv --acts 'elu:alpha=0.5,leaky_relu:negative_slope=0.2' --arch-template "
                           "dense:16,ACT,dense:C --seeds 1 --epochs 3 --val 0.25 --out rep --quiet");
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    ck_assert_msg(row_of("elu:alpha=0.5") && row_of("leaky_relu:negative_slope=0.2"), "rows missing:\n%s", out);
    ck_assert(exists_in("rep", "results.json") && !exists_in("rep", "boundary_elu_alpha_0.5.gp"));
    snprintf(p, sizeof p, "%s/rep/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(json_valid(file_buf));
    ck_assert(strstr(file_buf, "dense:16,elu:alpha=0.5,dense:3"));
}
END_TEST

/* The text after the first k commas of line (NULL if line is). */
static const char *after_fields(const char *line, int k)
{
    for (; line && k > 0; k--) line = strchr(line + 1, ',');
    return line;
}

START_TEST(test_variants)
{
    /* One activation under several optimizers and remedies: one row each, each run as its spec says. The bare
     * name sgd, equal to --opt's optimizer, means --opt. */
    int rc = run_env(NULL, "compare --data '%s' --variants 'sgd,adam:lr=1e-3,betas=0.9/0.99,sgd+batchnorm,"
                           "sgd+dropout=0.1+l2=1e-4,sgd+clip-norm=0.001' --opt sgd:lr=0.1,momentum=0.9 --seeds 1 "
                           "--epochs 3 --out var --quiet",
                     data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    const char *rows[] = {"sgd", "adam:lr=1e-3,betas=0.9/0.99", "sgd+batchnorm", "sgd+dropout=0.1+l2=1e-4",
                          "sgd+clip-norm=0.001"};
    for (int i = 0; i < 5; i++) ck_assert_msg(row_of(rows[i]), "row %s missing:\n%s", rows[i], out);
    ck_assert_msg(strstr(out, "variant ") && strstr(out, "with ACT=relu"), "header:\n%s", out);
    char p[1024];
    snprintf(p, sizeof p, "%s/var/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(json_valid(file_buf));
    ck_assert(strstr(file_buf, "\"arch\": \"dense:32,batchnorm,relu,dense:32,batchnorm,relu,dense:2\""));
    ck_assert(strstr(file_buf, "\"arch\": \"dense:32,relu,dropout:p=0.1,dense:32,relu,dropout:p=0.1,dense:2\""));
    ck_assert(strstr(file_buf, "\"optimizer\": \"sgd:lr=0.1,momentum=0.9\""));
    ck_assert(strstr(file_buf, "\"optimizer\": \"adam:lr=1e-3,betas=0.9/0.99\""));
    ck_assert(strstr(file_buf, "\"clip_norm\": 0.001"));
    ck_assert(strstr(file_buf, "\"l2\": 0.0001"));

    /* The plain variant is exactly the activation run; a tight clip changes the outcome. */
    static char a[1 << 14], b[1 << 14];
    rc = run_env(NULL, "compare --data '%s' --acts relu --opt sgd:lr=0.1,momentum=0.9 --seeds 1 --epochs 3 --out plain "
                       "--quiet", data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    snprintf(p, sizeof p, "%s/plain/results.csv", tmp);
    csv_without_timing(p, a, sizeof a);
    snprintf(p, sizeof p, "%s/var/results.csv", tmp);
    csv_without_timing(p, b, sizeof b);
    /* From the runs column on: group and p-value depend on the other rows of the table. */
    const char *ra = after_fields(strstr(a, "\nrelu,"), 4), *rb = after_fields(strstr(b, "\nsgd,"), 4);
    const char *rc2 = after_fields(strstr(b, "\nsgd+clip-norm=0.001,"), 4);
    ck_assert(ra && rb && rc2);
    size_t la = strcspn(ra, "\n"), lb = strcspn(rb, "\n"), lc = strcspn(rc2, "\n");
    ck_assert_msg(la == lb && !strncmp(ra, rb, la), "relu:%.*s\nsgd: %.*s", (int)la, ra, (int)lb, rb);
    ck_assert_msg(lb != lc || strncmp(rb, rc2, lb), "clipping changed nothing");

    /* Errors: unknown remedy (usage, listing the valid ones), a remedy without its value, a bad p. */
    rc = run_env(NULL, "compare --data '%s' --variants 'sgd+frobnicate' --epochs 1 --out bad", data);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "frobnicate") && strstr(err, "batchnorm") && strstr(err, "clip-value"), "%s", err);
    rc = run_env(NULL, "compare --data '%s' --variants 'sgd+l2' --epochs 1 --out bad", data);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "l2=X"), "%s", err);
    rc = run_env(NULL, "compare --data '%s' --variants 'sgd+dropout=2' --epochs 1 --out bad", data);
    ck_assert_int_eq(rc, 2);
    rc = run_env(NULL, "compare --data '%s' --variants 'nosuchopt' --epochs 1 --out bad", data);
    ck_assert_int_eq(rc, 2);
    ck_assert(!exists_in("bad", "index.html"));
}
END_TEST

static Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_report_files);
    tcase_add_test(tc, test_without_gnuplot);
    tcase_add_test(tc, test_threads_deterministic);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_template_and_params);
    tcase_add_test(tc, test_variants);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(compare_suite)
