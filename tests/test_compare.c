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
#include "testjson.h"

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

/* With --no-timing the wall times, the one thing two runs never share, are left out: then the table and every
 * report file of one thread and of two are equal byte for byte. */
START_TEST(test_threads_deterministic)
{
    static char a[sizeof out];
    int rc = run_env(NULL, "compare --data '%s' --acts relu,selu,rrelu --seeds 2 --epochs 4 --out one --threads 1 --quiet "
                     "--no-timing", data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    snprintf(a, sizeof a, "%s", out);
    rc = run_env(NULL, "compare --data '%s' --acts relu,selu,rrelu --seeds 2 --epochs 4 --out two --threads 2 --quiet "
                 "--no-timing", data);
    ck_assert_msg(rc == 0, "compare failed: %s", err);
    ck_assert_msg(!strcmp(a, out), "one thread:\n%s\ntwo threads:\n%s", a, out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && diff -r one two >/dev/null", tmp);
    ck_assert_msg(system(cmd) == 0, "the reports of one and two threads differ: diff -r %s/one %s/two", tmp, tmp);
    /* The timings are missing values, not zeros. */
    char p[1024];
    snprintf(p, sizeof p, "%s/one/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(strstr(file_buf, "\"ms_per_epoch\": null") && strstr(file_buf, "\"seconds\": null") &&
              !strstr(file_buf, "\"seconds\": 0"));
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
    /* The list splits as --arch does (nn_spec_list_next), then each variant on '+': empty parts are errors. */
    static const char *const empty[][2] = {{"sgd,,adam", "empty item"}, {"sgd,", "ends with"},
                                           {"sgd++l2=1", "empty remedy"}, {"+l2=1", "names no optimizer"}};
    for (int i = 0; i < 4; i++) {
        rc = run_env(NULL, "compare --data '%s' --variants '%s' --epochs 1 --out bad", data, empty[i][0]);
        ck_assert_int_eq(rc, 2);
        ck_assert_msg(strstr(err, empty[i][1]), "%s: %s", empty[i][0], err);
    }
    rc = run_env(NULL, "compare --data '%s' --acts 'relu,,tanh' --epochs 1 --out bad", data);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "--acts: 'relu,,tanh' has an empty item"), "%s", err);
    ck_assert(!exists_in("bad", "index.html"));
}
END_TEST

/* The cell of column `col` (counted from 0, cells separated by two or more spaces) in the row of `name`. */
/* The report tests below check data and scripts, not pictures: without gnuplot they stay quick. */
#define NOPLOT "PATH=/nonexistent"

static int cell_of(const char *name, int col, char *buf, size_t size)
{
    const char *p = row_of(name);
    for (int c = 0; p && *p && *p != '\n'; c++) {
        const char *e = p;
        while (*e && *e != '\n' && !(e[0] == ' ' && e[1] == ' ')) e++;
        if (c == col) {
            snprintf(buf, size, "%.*s", (int)(e - p), p);
            return 1;
        }
        while (*e == ' ') e++;
        p = e;
    }
    return 0;
}

START_TEST(test_divergence_counted)
{
    /* A rate that overflows within a few steps in float and in double: every relu run diverges, and every run
     * still counts. */
    int rc = run_env(NOPLOT, "compare --data '%s' --acts relu,tanh --opt sgd:lr=1e30 --seeds 2 --epochs 3 --out div --quiet",
                     data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    char c[64];
    ck_assert(cell_of("relu", 4, c, sizeof c));
    ck_assert_msg(!strcmp(c, "0/2"), "ok column '%s' in:\n%s", c, out);
    ck_assert(cell_of("relu", 5, c, sizeof c));
    ck_assert_msg(!strcmp(c, "2/2"), "diverged column '%s' in:\n%s", c, out);
    ck_assert(cell_of("relu", 7, c, sizeof c));
    ck_assert_msg(strcmp(c, "-") && strstr(c, " +- "), "val_acc of diverged runs '%s'", c);
    ck_assert_msg(strstr(out, "# relu: 2/2 runs flagged") && strstr(out, "diverged") && strstr(out, "try --tune-lr"),
                  "no diagnosis in:\n%s", out);
    char p[1024];
    snprintf(p, sizeof p, "%s/div/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(json_valid(file_buf));
    ck_assert(strstr(file_buf, "\"runs\": 2, \"ok\": 0, \"diverged\": 2"));
    ck_assert(strstr(file_buf, "\"state\": \"diverged\"") && strstr(file_buf, "\"diagnosis\": "));
    snprintf(p, sizeof p, "%s/div/accuracy.gp", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert_msg(strstr(file_buf, "with points") && strstr(file_buf, "a run diverged"), "no divergence marks");
}
END_TEST

START_TEST(test_single_seed_and_defaults)
{
    /* One seed: a mean without a spread, shown as '-', never as +- 0; every row tied (nothing can be told apart). */
    int rc = run_env(NOPLOT, "compare --data '%s' --acts relu,tanh,sigmoid --seeds 1 --epochs 2 --out one --quiet", data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    char c[64];
    ck_assert(cell_of("tanh", 7, c, sizeof c));
    ck_assert_msg(strstr(c, " +- -") && !strstr(c, "+- 0"), "one-seed val_acc '%s'", c);
    ck_assert(cell_of("sigmoid", 1, c, sizeof c) && !strcmp(c, "1"));
    ck_assert_msg(strstr(out, "no single best"), "%s", out);
    /* Defaults: ten seeds, and no tuning with --data. */
    rc = run_env(NOPLOT, "compare --data '%s' --acts relu --epochs 1 --out ten --quiet", data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert(cell_of("relu", 4, c, sizeof c) && !strcmp(c, "10/10"));
    char p[1024];
    snprintf(p, sizeof p, "%s/ten/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(strstr(file_buf, "\"seeds\": 10,") && strstr(file_buf, "\"tuning\": null"));
}
END_TEST

START_TEST(test_tuning_protocol)
{
    int rc = run_env(NOPLOT, "compare --data '%s' --acts relu,sigmoid --lr-grid 0.3,0.003 --tune-seeds 2 --seeds 2 "
                           "--epochs 6 --out tune --quiet",
                     data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert_msg(strstr(out, "chosen from {0.3, 0.003} by mean validation accuracy over tuning seeds 1001-1002 "
                              "(3 epochs each), which are not among the reported seeds 1-2"),
                  "no protocol sentence in:\n%s", out);
    /* Without a terminal, each tuning run's progress line names the rate it tried. */
    rc = run_env(NOPLOT, "compare --data '%s' --acts relu --lr-grid 0.3,0.003 --tune-seeds 1 --seeds 1 --epochs 2 "
                         "--out tune-progress",
                 data);
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert_msg(strstr(err, "(tuning lr): relu lr=0.3 seed 1001: ") && strstr(err, "(tuning lr): relu lr=0.003 seed 1001: "),
                  "stderr: %s", err);
    char p[1024];
    snprintf(p, sizeof p, "%s/tune/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(json_valid(file_buf));
    ck_assert(strstr(file_buf, "\"tuning\": {\"grid\": [0.3, 0.003]") && strstr(file_buf, "\"seeds\": [1001, 1002]"));
    /* The reported seeds are 1 and 2, never a tuning seed. */
    ck_assert(strstr(file_buf, "{\"seed\": 1, ") && strstr(file_buf, "{\"seed\": 2, ") && !strstr(file_buf, "{\"seed\": 1001"));
    /* Each row's rate is the grid rate with the best tuning accuracy (ties: the lower tuning loss). */
    for (const char *r = strstr(file_buf, "{\"group\": "); r; r = strstr(r + 1, "{\"group\": ")) {
        double lr = atof(strstr(r, "\"lr\": ") + 6), best = -1, best_loss = 0, best_lr = 0;
        const char *tu = strstr(r, "\"tuning\": [");
        ck_assert_ptr_nonnull(tu);
        for (int g = 0; g < 2; g++) {
            tu = strstr(tu, "{\"lr\": ");
            double glr = atof(tu + 7), acc = atof(strstr(tu, "\"val_acc\": ") + 11),
                   loss = atof(strstr(tu, "\"val_loss\": ") + 12);
            if (acc > best || (acc == best && loss < best_loss)) best = acc, best_loss = loss, best_lr = glr;
            tu++;
        }
        ck_assert_msg(lr == best_lr, "chose %g, the tuning runs favour %g", lr, best_lr);
    }
    char c[64];
    ck_assert(cell_of("relu", 3, c, sizeof c));
    ck_assert_msg(!strcmp(c, "0.3") || !strcmp(c, "0.003"), "lr column '%s'", c);
    snprintf(p, sizeof p, "%s/tune/index.html", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(strstr(file_buf, "tuning seeds 1001-1002"));
    /* Bad grids are usage errors. */
    ck_assert_int_eq(run_env(NOPLOT, "compare --data '%s' --lr-grid 0.1,-1 --epochs 1 --out bad", data), 2);
    ck_assert_int_eq(run_env(NOPLOT, "compare --data '%s' --lr-grid '' --epochs 1 --out bad", data), 2);
}
END_TEST

START_TEST(test_suite_index)
{
    /* The suite (short here): tuning on by default, rows in the given order without a # column or a shaded first
     * row; bold only for a significant winner. */
    int rc = run_env(NOPLOT, "compare --acts relu,tanh --seeds 2 --epochs 2 --tune-seeds 1 --out suite --quiet");
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert_msg(strstr(out, "tuning seeds 1001-1001"), "suite not tuned:\n%s", out);
    char p[1024];
    snprintf(p, sizeof p, "%s/suite/index.html", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(!strstr(file_buf, "<th>#</th>") && !strstr(file_buf, "first-child{background"));
    const char *relu = strstr(file_buf, "<tr data-activation=\"relu\""), *tanh = strstr(file_buf, "<tr data-activation=\"tanh\"");
    ck_assert(relu && tanh && relu < tanh);
    ck_assert(strstr(file_buf, "not a ranking"));
    if (strstr(file_buf, "<b>")) ck_assert(strstr(out, "significantly better than every other row"));
}
END_TEST

START_TEST(test_lesson_deep)
{
    /* At initialisation, where the claims are made: SELU (LeCun init) keeps every layer's std near 1, sigmoid's
     * gradient at the first layer is orders of magnitude below the last's. One seed, one epoch: training does not
     * enter these numbers. */
    int rc = run_env(NOPLOT, "compare --lesson deep --acts sigmoid,selu --seeds 1 --epochs 1 --out deep --quiet");
    ck_assert_msg(rc == 0, "compare failed (%d): %s", rc, err);
    ck_assert_msg(strstr(out, "depth lesson") && strstr(out, "grad_ratio_init"), "no depth table in:\n%s", out);
    ck_assert(exists_in("deep", "depth_std_init.dat") && exists_in("deep", "depth_grad_trained.gp"));
    char p[1024];
    snprintf(p, sizeof p, "%s/deep/results.json", tmp);
    ck_assert_ptr_nonnull(slurp(p));
    ck_assert(json_valid(file_buf));
    const char *selu = strstr(file_buf, "\"activation\": \"selu\""), *sig = strstr(file_buf, "\"activation\": \"sigmoid\"");
    ck_assert(selu && sig);
    const char *init = strstr(selu, "\"layers_at_init\": {\"mean\": ");
    ck_assert_ptr_nonnull(init);
    const char *std = strstr(init, "\"std\": [") + 8;
    for (int l = 0; l < 16; l++) {
        double v = atof(std);
        ck_assert_msg(v > 0.7 && v < 1.3, "selu layer %d std %g at init", l + 1, v);
        std = strchr(std, ',') + 1;
    }
    init = strstr(sig, "\"layers_at_init\": ");
    double ratio = atof(strstr(init, "\"grad_ratio\": ") + 14);
    ck_assert_msg(ratio > 0 && ratio < 1e-6, "sigmoid gradient ratio %g at init", ratio);
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
    tcase_add_test(tc, test_divergence_counted);
    tcase_add_test(tc, test_single_seed_and_defaults);
    tcase_add_test(tc, test_tuning_protocol);
    tcase_add_test(tc, test_suite_index);
    tcase_add_test(tc, test_lesson_deep);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(compare_suite)
