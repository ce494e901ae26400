/* test_cli.c: end-to-end tests of the nnlab binary ($NNLAB_BIN): every subcommand, its output and its errors. */
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

/* Tolerance for numbers the CLI prints (9 or 17 significant digits) against double arithmetic here. */
#ifdef NNLAB_DOUBLE
#define TOL_PRINT 1e-9
#else
#define TOL_PRINT 2e-5
#endif

static char tmp[256];       /* scratch directory of the test case */
static char out[1 << 20];   /* stdout of the last run */
static char err[1 << 16];   /* stderr of the last run */
static char spirals[512];   /* --data argument for spirals */
static char spirals_csv[512];
static const char *input = "/dev/null"; /* standard input of the next run (run_with) */

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
}

/* Runs "nnlab ARGS" in the scratch directory; returns its exit status, fills out[] and err[]. */
static int run(const char *fmt, ...)
{
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(bin && *bin, "NNLAB_BIN is not set");
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s/.out' 2>'%s/.err' <'%s'", tmp, bin, args, tmp, tmp, input);
    int st = system(cmd);
    char p[512];
    snprintf(p, sizeof p, "%s/.out", tmp);
    slurp(p, out, sizeof out);
    snprintf(p, sizeof p, "%s/.err", tmp);
    slurp(p, err, sizeof err);
    ck_assert_msg(st != -1 && WIFEXITED(st), "could not run: %s", cmd);
    return WEXITSTATUS(st);
}

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* The number after "key=" in s (NAN if absent). */
static double value_of(const char *s, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s=", key);
    for (const char *p = strstr(s, k); p; p = strstr(p + 1, k))
        if (p == s || p[-1] == ' ' || p[-1] == '\n') return strtod(p + strlen(k), NULL);
    return NAN;
}

/* Files in the scratch directory (not counting the dot files that capture output): a failing command
 * must leave it unchanged, temporaries included. */
static int count_files(void)
{
    DIR *d = opendir(tmp);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/nnlab_test_cli_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    const char *src = getenv("NNLAB_SOURCE_DIR");
    char bundled[512];
    snprintf(bundled, sizeof bundled, "%s/data/spirals.csv", src ? src : ".");
    if (src && exists(bundled)) {
        snprintf(spirals, sizeof spirals, "spirals");
        snprintf(spirals_csv, sizeof spirals_csv, "%s", bundled);
    } else {
        /* The bundled file may not be there yet: the generator gives the same task. */
        snprintf(spirals_csv, sizeof spirals_csv, "%s/spirals.csv", tmp);
        snprintf(spirals, sizeof spirals, "%s", spirals_csv);
        int rc = run("datasets gen spirals --n 300 --classes 3 --seed 1 -o '%s'", spirals_csv);
        ck_assert_msg(rc == 0, "datasets gen failed: %s", err);
    }
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
}

/* ---- dispatch ---- */

START_TEST(test_version_and_help)
{
    ck_assert_int_eq(run("--version"), 0);
    ck_assert_ptr_nonnull(strstr(out, NNLAB_VERSION_STRING));
    ck_assert_int_eq(run("--help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "gradcheck"));
    const char *cmds[] = {"train", "eval", "predict", "trace", "gradcheck", "act", "datasets"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        ck_assert_msg(run("%s --help", cmds[i]) == 0, "%s --help: %s", cmds[i], err);
        ck_assert_msg(strstr(out, "usage: nnlab"), "%s --help printed: %s", cmds[i], out);
    }
}
END_TEST

START_TEST(test_unknown_command)
{
    ck_assert_int_eq(run("frobnicate"), 2);
    ck_assert_ptr_nonnull(strstr(err, "'frobnicate'"));
    ck_assert_ptr_nonnull(strstr(err, "train"));
    ck_assert_ptr_nonnull(strstr(err, "datasets"));
    ck_assert_int_eq(run(""), 2);
}
END_TEST

START_TEST(test_unknown_option)
{
    ck_assert_int_eq(run("train --frob 3 --data iris --arch dense:3"), 2);
    ck_assert_msg(strstr(err, "--frob") && strstr(err, "--arch"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data"), 2);
    ck_assert_msg(strstr(err, "--data") && strstr(err, "needs a value"), "stderr: %s", err);
    ck_assert_int_eq(run("eval --model"), 2);
    ck_assert_int_eq(run("train --data iris --arch dense:3 --epochs many"), 2);
    ck_assert_msg(strstr(err, "many"), "stderr: %s", err);
}
END_TEST

/* ---- train, eval, predict ---- */

START_TEST(test_train_eval_predict_spirals)
{
    /* A recipe with margin (adam 1e-2 ends at >= 0.98 on 20 seeds under every OpenBLAS kernel): what is
     * tested here is that train, eval and predict agree, not where one trajectory ends. */
    int rc = run("train --data '%s' --arch dense:64,relu,dense:64,relu,dense:3 --epochs 100 --batch 32 "
                 "--opt adam:lr=0.01 --seed 1 --save m.nnl --history h.csv --quiet", spirals);
    ck_assert_msg(rc == 0, "train failed (%d): %s", rc, err);
    ck_assert_str_eq(err, "");
    double acc = value_of(out, "train_acc");
    ck_assert_msg(acc >= 0.9, "train_acc %g: %s", acc, out);
    ck_assert(value_of(out, "epochs") == 100);
    ck_assert(exists(path_in("m.nnl")));

    /* History: a header and one line per epoch. */
    char hist[1 << 16];
    slurp(path_in("h.csv"), hist, sizeof hist);
    ck_assert_msg(!strncmp(hist, "epoch,loss,acc,val_loss,val_acc,lr,seconds\n", 43), "history: %.80s", hist);
    int lines = 0;
    for (const char *p = hist; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 101);

    /* eval of the saved model reproduces train's numbers exactly (same rows, same printing). */
    char train_acc[64], train_loss[64];
    ck_assert_int_eq(sscanf(strstr(out, "train_acc="), "train_acc=%63s", train_acc), 1);
    ck_assert_int_eq(sscanf(strstr(out, "train_loss="), "train_loss=%63s", train_loss), 1);
    rc = run("eval --model m.nnl --data '%s'", spirals);
    ck_assert_msg(rc == 0, "eval failed: %s", err);
    char eval_acc[64], eval_loss[64];
    ck_assert_int_eq(sscanf(out, "loss=%63s acc=%63s", eval_loss, eval_acc), 2);
    ck_assert_str_eq(eval_acc, train_acc);
    ck_assert_str_eq(eval_loss, train_loss);
    ck_assert_ptr_nonnull(strstr(out, "confusion matrix"));
    /* The confusion matrix sums to the rows, its diagonal to the correct ones. */
    const char *cm = strstr(out, "true\\pred");
    ck_assert_ptr_nonnull(cm);
    cm = strchr(cm, '\n') + 1;
    int total = 0, diag = 0;
    for (int i = 0; i < 3; i++) {
        int t, v[3];
        ck_assert_int_eq(sscanf(cm, "%d %d %d %d", &t, &v[0], &v[1], &v[2]), 4);
        ck_assert_int_eq(t, i);
        total += v[0] + v[1] + v[2];
        diag += v[i];
        cm = strchr(cm, '\n') + 1;
    }
    ck_assert_int_eq(total, 300);
    ck_assert_int_eq((int)value_of(out, "rows"), 300);
    ck_assert_double_eq_tol((double)diag / total, strtod(eval_acc, NULL), 1e-6);

    /* predict on the data file (label column ignored) gives the same classes. */
    rc = run("predict --model m.nnl '%s'", spirals_csv);
    ck_assert_msg(rc == 0, "predict failed: %s", err);
    ck_assert(!strncmp(out, "class,p0,p1,p2\n", 15));
    FILE *f = fopen(spirals_csv, "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    const char *p = strchr(out, '\n') + 1;
    int rows = 0, correct = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strchr("-0123456789.", line[0])) continue;
        double a, b, y;
        ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf", &a, &b, &y), 3);
        int cls;
        double p0, p1, p2;
        ck_assert_int_eq(sscanf(p, "%d,%lf,%lf,%lf", &cls, &p0, &p1, &p2), 4);
        ck_assert_double_eq_tol(p0 + p1 + p2, 1.0, 1e-4);
        correct += cls == (int)y;
        rows++;
        p = strchr(p, '\n') + 1;
    }
    fclose(f);
    ck_assert_int_eq(rows, 300);
    ck_assert_int_eq(correct, diag);
}
END_TEST

START_TEST(test_train_val_standardize)
{
    int rc = run("train --data iris --arch dense:16,tanh,dense:3 --epochs 30 --val 0.2 --standardize "
                 "--opt adam:lr=0.01 --seed 3 --save iris.nnl");
    ck_assert_msg(rc == 0, "train failed: %s", err);
    ck_assert_msg(value_of(out, "val_acc") >= 0.8, "out: %s", out);
    ck_assert_msg(value_of(out, "train_acc") >= 0.8, "out: %s", out);
    /* Without a terminal, progress is one plain line per epoch on stderr. */
    ck_assert_ptr_nonnull(strstr(err, "epoch 30/30"));
    /* The model standardises raw inputs itself. */
    ck_assert_int_eq(run("eval --model iris.nnl --data iris"), 0);
    ck_assert_msg(value_of(out, "acc") >= 0.8, "out: %s", out);
    /* Keras's name for it. */
    static char eval_out[sizeof out];
    snprintf(eval_out, sizeof eval_out, "%s", out);
    ck_assert_int_eq(run("evaluate --model iris.nnl --data iris"), 0);
    ck_assert_str_eq(out, eval_out);
}
END_TEST

START_TEST(test_train_warnings)
{
    /* wine's columns differ in scale ~2500x: silent when standardised (the default), a warning without. */
    ck_assert_int_eq(run("train --data wine --arch dense:8,relu,dense:3 --epochs 2 --quiet"), 0);
    ck_assert_msg(!strstr(err, "warning"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data wine --arch dense:8,relu,dense:3 --epochs 2 --quiet --no-standardize"), 0);
    ck_assert_msg(strstr(err, "differ in scale") && strstr(err, "--no-standardize"), "stderr: %s", err);
    /* Features that carry no information: every model predicts one class, 0.5 on two balanced classes, and
     * train says the run ended at chance. */
    write_file(path_in("flat.csv"), "x,y\n1,0\n1,1\n1,0\n1,1\n1,0\n1,1\n1,0\n1,1\n");
    ck_assert_int_eq(run("train --data flat.csv --arch dense:4,relu,dense:2 --epochs 3 --quiet"), 0);
    ck_assert_msg(strstr(err, "warning: at chance") && strstr(err, "--opt"), "stderr: %s", err);
    /* There the loss barely moves: the advice is not "too high". */
    ck_assert_msg(strstr(err, "barely moved") && !strstr(err, "too high"), "stderr: %s", err);
    /* --loss none is the library's (inference only), not the command line's. */
    ck_assert_int_eq(run("train --data flat.csv --arch dense:2 --loss none --quiet"), 2);
    ck_assert_msg(strstr(err, "train: --loss none: a model without a loss head"), "stderr: %s", err);
    /* A run that diverges says why it probably did. */
    ck_assert_int_eq(run("train --data wine --arch dense:8,relu,dense:3 --opt sgd:lr=1e9 --quiet"), 1);
    ck_assert_msg(strstr(err, "non-finite") && strstr(err, "learning rate too high"), "stderr: %s", err);
}
END_TEST

START_TEST(test_train_bad_arch)
{
    int before = count_files();
    ck_assert_int_eq(run("train --data iris --arch dense:8,relux,dense:3 --save m.nnl --history h.csv"), 2);
    ck_assert_msg(strstr(err, "nnlab:") && strstr(err, "relux"), "stderr: %s", err);
    ck_assert_msg(strstr(err, "dense") && strstr(err, "maxout"), "valid names not listed: %s", err);
    ck_assert_int_eq(run("train --data iris --arch dense:8,elu:alfa=1,dense:3 --save m.nnl"), 2);
    ck_assert_msg(strstr(err, "alfa") && strstr(err, "alpha"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch dense:8,relu,dense:2 --save m.nnl"), 2);
    ck_assert_msg(strstr(err, "3 classes"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch dense:3 --opt sgdx:lr=1 --save m.nnl"), 2);
    ck_assert_msg(strstr(err, "sgdx"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch dense:3 --loss hinge --save m.nnl"), 2);
    ck_assert_msg(strstr(err, "hinge") && strstr(err, "softmax-xent"), "stderr: %s", err);
    /* The Keras habit of a final softmax under softmax-xent: refused, with the reason and the fix. */
    ck_assert_int_eq(run("train --data iris --arch dense:8,relu,dense:3,softmax --save m.nnl"), 2);
    ck_assert_msg(strstr(err, "already applies softmax") && strstr(err, "remove it"), "stderr: %s", err);
    ck_assert_int_eq(count_files(), before);
}
END_TEST

START_TEST(test_missing_and_malformed_data)
{
    int before = count_files();
    ck_assert_int_eq(run("train --data /nonexistent/dir/x.csv --arch dense:3 --save m.nnl"), 1);
    ck_assert_msg(strstr(err, "/nonexistent/dir/x.csv"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data no_such_set --arch dense:3 --save m.nnl"), 1);
    ck_assert_msg(strstr(err, "no_such_set"), "stderr: %s", err);
    write_file(path_in("bad.csv"), "x1,x2,label\n1,2,0\n3,4,1\n5,abc,0\n");
    before = count_files();
    ck_assert_int_eq(run("train --data bad.csv --arch dense:2 --save m.nnl"), 1);
    ck_assert_msg(strstr(err, "bad.csv:4"), "line not named: %s", err);
    ck_assert_int_eq(run("eval --model whatever.nnl --data bad.csv"), 1);
    ck_assert_int_eq(count_files(), before);
}
END_TEST

START_TEST(test_damaged_model)
{
    ck_assert_int_eq(run("train --data iris --arch dense:3 --epochs 2 --save m.nnl --quiet"), 0);
    ck_assert_int_eq(run("eval --model m.nnl --data iris"), 0);
    /* Truncated. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "head -c $(( $(wc -c < '%s') / 2 )) '%s' > '%s'", path_in("m.nnl"), path_in("m.nnl"),
             path_in("half.nnl"));
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(run("eval --model half.nnl --data iris"), 1);
    ck_assert_msg(strstr(err, "nnlab: eval: ") && strstr(err, "half.nnl"), "stderr: %s", err);
    ck_assert_str_eq(out, "");
    /* Not a model at all. */
    write_file(path_in("junk.nnl"), "this is not a model\n");
    ck_assert_int_eq(run("predict --model junk.nnl -"), 1);
    ck_assert_msg(strstr(err, "junk.nnl"), "stderr: %s", err);
    ck_assert_int_eq(run("eval --model missing.nnl --data iris"), 1);
    ck_assert_msg(strstr(err, "missing.nnl"), "stderr: %s", err);
}
END_TEST

START_TEST(test_predict_rows)
{
    ck_assert_int_eq(run("train --data iris --arch dense:3 --epochs 2 --save m.nnl --quiet"), 0);
    write_file(path_in("rows.csv"), "# comment\n5.1,3.5,1.4,0.2\n\n6.2,2.9,4.3,1.3\n");
    ck_assert_int_eq(run("predict --model m.nnl rows.csv"), 0);
    int lines = 0;
    for (const char *p = out; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 3);
    ck_assert(!strncmp(out, "class,p0,p1,p2\n", 15));
    /* Wrong width: named by file and line, nothing on stdout. */
    write_file(path_in("wide.csv"), "5.1,3.5,1.4,0.2\n1,2,3\n");
    ck_assert_int_eq(run("predict --model m.nnl wide.csv"), 1);
    ck_assert_msg(strstr(err, "wide.csv:2") && strstr(err, "3 columns"), "stderr: %s", err);
    ck_assert_str_eq(out, "");
    /* As many columns as inputs but a cell that is not a number, in the last column (which could have been a
     * label): the cell is named, not the width. */
    write_file(path_in("cell.csv"), "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,x\n");
    ck_assert_int_eq(run("predict --model m.nnl cell.csv"), 1);
    ck_assert_msg(strstr(err, "cell.csv:2") && strstr(err, "'x' is not a number"), "stderr: %s", err);
    ck_assert_int_eq(run("predict --model m.nnl --label-col 4 cell.csv"), 1);
    ck_assert_msg(strstr(err, "with the label column"), "stderr: %s", err);
    /* Standard input. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "echo 5.1,3.5,1.4,0.2 | '%s' predict --model '%s' > '%s'", getenv("NNLAB_BIN"),
             path_in("m.nnl"), path_in("stdin.out"));
    ck_assert_int_eq(system(cmd), 0);
    slurp(path_in("stdin.out"), out, sizeof out);
    ck_assert(!strncmp(out, "class,p0,p1,p2\n", 15));
}
END_TEST

/* Runs "nnlab ARGS" with text on standard input. */
#define run_with(text, ...)                                                                                     \
    (write_file(path_in(".in"), text), input = path_in(".in"), run_status = run(__VA_ARGS__), input = "/dev/null", \
     run_status)
static int run_status;

/* The CSV files users have (issue 12), through train, eval and predict. */
START_TEST(test_user_csv)
{
    /* Text labels: trained, then named by eval's confusion matrix and predict's label column. */
    const char *txt = "sl,sw,species\n1,1,b_class\n1.2,0.9,b_class\n-1,-1,a_class\n-1.1,-0.8,a_class\n"
                      "1,-1,c_class\n0.9,-1.2,c_class\n";
    write_file(path_in("names.csv"), txt);
    ck_assert_int_eq(run("train --data names.csv --arch dense:3 --epochs 30 --batch 2 --save n.nnl"), 0);
    ck_assert_msg(strstr(err, "nnlab: note: names.csv: text labels mapped in sorted order to class ids 0=a_class, "
                              "1=b_class, 2=c_class\n"), "stderr: %s", err);
    ck_assert_int_eq(run("eval --model n.nnl --data names.csv"), 0);
    ck_assert_msg(strstr(out, "true\\pred  a_class b_class c_class\na_class   "), "stdout: %s", out);
    ck_assert_int_eq(run_with("1,1\n-1,-1,a_class\n", "predict --model n.nnl"), 1);
    ck_assert_int_eq(run_with("1 1\n", "predict --model n.nnl"), 0);
    ck_assert_msg(!strncmp(out, "label,a_class,b_class,c_class\n", 30) && strchr(out + 30, '\n'), "stdout: %s", out);
    /* A label the model does not know. */
    write_file(path_in("other.csv"), "sl,sw,species\n1,1,d_class\n");
    ck_assert_int_eq(run("eval --model n.nnl --data other.csv"), 1);
    ck_assert_msg(strstr(err, "other.csv:2: label 'd_class' is not one of the classes 0=a_class, 1=b_class, 2=c_class"),
                  "stderr: %s", err);

    /* Label first: the default (last column) is refused with the advice to choose it; --label-col works. */
    write_file(path_in("first.csv"), "y,a,b\n0,0.5,1.5\n1,-0.5,2.5\n0,0.25,1.25\n1,-0.75,2.25\n");
    ck_assert_int_eq(run("train --data first.csv --arch dense:2 --epochs 1"), 2);
    ck_assert_msg(strstr(err, "choose the label column with --label-col"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data first.csv --label-col y --arch dense:2 --epochs 1"), 0);
    ck_assert_int_eq(run("train --data first.csv --label-col 1 --drop-cols b --arch dense:2 --epochs 1"), 0);
    ck_assert_int_eq(run("train --data first.csv --label-col z --arch dense:2 --epochs 1"), 1);
    ck_assert_msg(strstr(err, "nnlab: train: first.csv: label column 'z' is not in the header (columns: y, a, b)"), "stderr: %s", err);

    /* Labels 1..K: mapped with a note, no phantom class 0 (dense:2 fits). */
    write_file(path_in("onek.csv"), "0.5,1\n-0.5,2\n0.25,1\n-0.75,2\n");
    ck_assert_int_eq(run("train --data onek.csv --arch dense:2 --epochs 1 --save k.nnl"), 0);
    ck_assert_msg(strstr(err, "the labels are not the class ids 0..1: mapped in sorted order to 0=1, 1=2"), "stderr: %s", err);
    ck_assert_int_eq(run("predict --model k.nnl --data onek.csv"), 0);
    ck_assert_msg(!strncmp(out, "label,1,2\n", 10), "stdout: %s", out);

    /* A pandas index: dropped with a note. */
    write_file(path_in("pandas.csv"), ",a,label\n0,0.5,0\n1,-0.5,1\n2,0.25,0\n3,-0.75,1\n");
    ck_assert_int_eq(run("train --data pandas.csv --arch dense:2 --epochs 1 --save p.nnl"), 0);
    ck_assert_msg(strstr(err, "nnlab: note: pandas.csv: dropped column 1: it has no name and holds a row index"),
                  "stderr: %s", err);
    ck_assert_int_eq(run("eval --model p.nnl --data pandas.csv"), 0);

    /* Semicolons with decimal commas, tabs, spaces; forced delimiter. */
    write_file(path_in("semi.csv"), "a;b;label\n0,5;1,5;0\n-0,5;2,5;1\n");
    ck_assert_int_eq(run("train --data semi.csv --arch dense:2 --epochs 1"), 0);
    write_file(path_in("tab.tsv"), "0.5\t1.5\t0\n-0.5\t2.5\t1\n");
    ck_assert_int_eq(run("train --data tab.tsv --arch dense:2 --epochs 1"), 0);
    write_file(path_in("spaces.txt"), "0.5  1.5 0\n -0.5 2.5  1\n");
    ck_assert_int_eq(run("train --data spaces.txt --arch dense:2 --epochs 1"), 0);
    ck_assert_int_eq(run("train --data spaces.txt --delimiter space --arch dense:2 --epochs 1"), 0);
    ck_assert_int_eq(run("train --data spaces.txt --delimiter pipe --arch dense:2 --epochs 1"), 2);
    ck_assert_msg(strstr(err, "nnlab: train: --delimiter 'pipe' is not one of ',' (comma), ';' (semicolon), tab, space"),
                  "stderr: %s", err);

    /* Header only: status 1 and why; a header and one row trains. */
    write_file(path_in("head.csv"), "a,b,label\n");
    ck_assert_int_eq(run("train --data head.csv --arch dense:2 --epochs 1"), 1);
    ck_assert_msg(strstr(err, "nnlab: train: head.csv:1: no data rows: only a header line"), "stderr: %s", err);
    ck_assert_int_eq(run("predict --model p.nnl --data head.csv"), 1);
    ck_assert_str_eq(out, "");
    write_file(path_in("one.csv"), "a,b,label\n1,2,0\n");
    ck_assert_int_eq(run("datasets convert one.csv -o -"), 0);
    ck_assert_str_eq(out, "a,b,label\n1,2,0\n");

    /* Standard input for --data, standard output for -o; a typo of a bundled name. */
    ck_assert_int_eq(run_with("0.5,1.5,0\n-0.5,2.5,1\n", "train --data - --arch dense:2 --epochs 1"), 0);
    ck_assert_int_eq(run("datasets gen moons --n 5 -o -"), 0);
    ck_assert_msg(!strncmp(out, "# nnlab datasets gen moons", 26), "stdout: %s", out);
    ck_assert_int_eq(run("predict --model p.nnl --data pandas.csv -o pred.csv"), 0);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(run("train --data iirs --arch dense:3"), 1);
    ck_assert_msg(strstr(err, "nnlab: train: no data file or bundled data set 'iirs'; did you mean 'iris'?"),
                  "stderr: %s", err);
    /* A message that names its command (and subcommand) gets no second prefix. */
    ck_assert_int_eq(run("datasets gen moons --n 5"), 2);
    ck_assert_msg(!strncmp(err, "nnlab: datasets gen: ", 21), "stderr: %s", err);
}
END_TEST

/* Unknown names: "did you mean" before the list; a bad NNLAB_THREADS is an error. */
START_TEST(test_did_you_mean)
{
    ck_assert_int_eq(run("train --data iris --arch rellu,dense:3"), 2);
    ck_assert_msg(strstr(err, "unknown layer 'rellu'; did you mean 'relu'? (valid: dense,"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch Dense:16,dense:3"), 2);
    ck_assert_msg(strstr(err, "unknown layer 'Dense'; did you mean 'dense'? (valid:"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch 16,dense:3"), 2);
    ck_assert_msg(strstr(err, "unknown layer '16'; did you mean 'dense:16'? (valid:"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch dense:3 --opt adamm"), 2);
    ck_assert_msg(strstr(err, "unknown optimizer 'adamm'; did you mean 'adam'? (valid:"), "stderr: %s", err);
    ck_assert_int_eq(run("act sigmod"), 2);
    ck_assert_msg(strstr(err, "unknown activation 'sigmod'; did you mean 'sigmoid'? (valid:"), "stderr: %s", err);
    ck_assert_int_eq(run("trian"), 2);
    ck_assert_msg(strstr(err, "unknown command 'trian'; did you mean 'train'? (valid:"), "stderr: %s", err);
    ck_assert_int_eq(run("train --data iris --arch xyz,dense:3"), 2);
    ck_assert_msg(strstr(err, "unknown layer 'xyz' (valid:"), "stderr: %s", err);
    setenv("NNLAB_THREADS", "abc", 1);
    int st = run("datasets");
    unsetenv("NNLAB_THREADS");
    ck_assert_int_eq(st, 2);
    ck_assert_str_eq(err, "nnlab: NNLAB_THREADS='abc' is not a whole number in [1, 4096]\n");
}
END_TEST

START_TEST(test_sigint_saves)
{
    /* Ctrl-C stops after the current batch: status 1, and the model and history trained so far are written. */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && { '%s' train --data digits --arch dense:64,relu,dense:10 --epochs 1000000 --quiet "
             "--save int.nnl --history int.csv > .out 2> .err & pid=$!; sleep 1; kill -INT $pid; wait $pid; }",
             tmp, getenv("NNLAB_BIN"));
    int st = system(cmd);
    ck_assert(WIFEXITED(st));
    slurp(path_in(".err"), err, sizeof err);
    ck_assert_msg(WEXITSTATUS(st) == 1, "status %d: %s", WEXITSTATUS(st), err);
    ck_assert_msg(strstr(err, "interrupted"), "stderr: %s", err);
    ck_assert(exists(path_in("int.nnl")));
    ck_assert(exists(path_in("int.csv")));
    ck_assert_int_eq(run("eval --model int.nnl --data digits"), 0);
}
END_TEST

/* Early stopping says when it stopped and puts back the best epoch's weights; --history appends on --resume;
 * an mse run shows no accuracy. */
START_TEST(test_early_stop_history)
{
    /* A step this large makes the validation loss bounce on moons: patience 1 stops within 30 epochs. */
    const char *a = "--data moons --arch dense:16,relu,dense:2 --opt sgd:lr=0.9,momentum=0.9 --val 0.3 --patience 1 "
                    "--epochs 30 --quiet";
    ck_assert_int_eq(run("train %s", a), 0);
    int stop = 0, best = 0;
    const char *m = strstr(err, "nnlab: train: stopped at epoch ");
    ck_assert_msg(m && sscanf(m, "nnlab: train: stopped at epoch %d, restoring the best weights from epoch %d", &stop,
                              &best) == 2, "stderr: %s", err);
    ck_assert_int_lt(best, stop);
    ck_assert_int_eq(run("train %s --no-restore-best", a), 0);
    ck_assert_msg(strstr(err, "keeping its weights"), "stderr: %s", err);

    /* 2 epochs, then resumed to 4 with the same --history: epochs 1..4 in the file. */
    ck_assert_int_eq(run("train --data moons --arch dense:4,relu,dense:2 --epochs 2 --save r.nnl --history h.csv --quiet"), 0);
    ck_assert_int_eq(run("train --data moons --resume r.nnl --epochs 4 --history h.csv --quiet"), 0);
    char h[4096];
    slurp(path_in("h.csv"), h, sizeof h);
    ck_assert_msg(!strncmp(h, "epoch,loss,acc,val_loss,val_acc,lr,seconds\n1,", 45) && strstr(h, "\n2,") &&
                  strstr(h, "\n3,") && strstr(h, "\n4,") && !strstr(h, "\n5,"), "history: %s", h);

    /* Regression: no accuracy in progress, history or scores; predict prints values. */
    write_file(path_in("reg.csv"), "x,y\n1,2\n2,4.5\n3,6\n4,8.5\n");
    ck_assert_int_eq(run("train --data reg.csv --arch dense:1 --loss mse --epochs 2 --save reg.nnl --history - --val 0.25"), 0);
    ck_assert_msg(!strstr(out, "acc") && !strstr(err, "acc"), "stdout: %s\nstderr: %s", out, err);
    ck_assert_msg(!strncmp(out, "epoch,loss,val_loss,lr,seconds\n1,", 33), "stdout: %s", out);
    ck_assert_int_eq(run("predict --model reg.nnl --data reg.csv"), 0);
    ck_assert_msg(!strncmp(out, "value\n", 6), "stdout: %s", out);
    ck_assert_int_eq(run("eval --model reg.nnl --data reg.csv"), 0);
    ck_assert_msg(!strstr(out, "acc"), "stdout: %s", out);
}
END_TEST

/* ---- resume ---- */

/* 0 if the two files hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", path_in(a), path_in(b));
    int st = system(cmd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

START_TEST(test_resume_bit_identical)
{
    /* 6 epochs in one go == 3 epochs, then --resume up to 6: parameters, optimizer state, dropout generator
     * and the record itself end byte for byte the same, for momentum SGD and for Adam. */
    const char *opts[] = {"sgd:lr=0.05,momentum=0.9,nesterov=1", "adam:lr=0.01"};
    for (int i = 0; i < 2; i++) {
        const char *a = "--arch dense:16,relu,dropout:p=0.1,dense:3 --val 0.2 --standardize --l2 1e-4 "
                        "--clip-value 5 --batch 16 --seed 3 --quiet";
        ck_assert_int_eq(run("train --data %s %s --opt %s --epochs 6 --save full.nnl", spirals, a, opts[i]), 0);
        char full_out[256];
        ck_assert_uint_lt(strlen(out), sizeof full_out);
        memcpy(full_out, out, strlen(out) + 1);
        ck_assert_int_eq(run("train --data %s %s --opt %s --epochs 3 --save half.nnl", spirals, a, opts[i]), 0);
        ck_assert_int_eq(run("train --resume half.nnl --data %s --epochs 6 --quiet", spirals), 0);
        ck_assert_str_eq(out, full_out);
        ck_assert_msg(same_file("full.nnl", "half.nnl"), "%s: resumed model differs", opts[i]);
    }
    /* Errors: other-width data (runtime), options the model fixes, nothing left to train (usage). */
    ck_assert_int_eq(run("train --resume full.nnl --data iris --epochs 8 --quiet"), 1);
    ck_assert_msg(strstr(err, "4 feature columns") && strstr(err, "takes 2"), "%s", err);
    ck_assert_int_eq(run("train --resume full.nnl --data %s --epochs 8 --arch dense:3", spirals), 2);
    ck_assert_msg(strstr(err, "--arch") && strstr(err, "--resume"), "%s", err);
    /* The same command again: the settings may be repeated, and a complete run is left as it is. */
    const char *a = "--arch dense:16,relu,dropout:p=0.1,dense:3 --val 0.2 --standardize --l2 1e-4 "
                    "--clip-value 5 --batch 16 --seed 3 --opt adam:lr=0.01 --epochs 6";
    ck_assert_int_eq(run("train --data %s %s --resume full.nnl --history never.csv", spirals, a), 0);
    ck_assert_msg(strstr(err, "nnlab: train: full.nnl is complete (6 epochs); nothing to do (give --epochs above 6 "
                              "to train on)"), "%s", err);
    ck_assert_int_eq(exists(path_in("never.csv")), 0);
    ck_assert_msg(same_file("full.nnl", "half.nnl"), "a complete run was rewritten");
    ck_assert_int_eq(run("train --data %s %s --resume full.nnl --seed 4", spirals, a), 2);
    ck_assert_msg(strstr(err, "nnlab: train: --seed differs from the run saved in full.nnl: --resume keeps the run's "
                              "settings"), "%s", err);
    ck_assert_int_eq(run("train --resume missing.nnl --data %s --epochs 6", spirals), 1);
    ck_assert_int_eq(run("train --data %s --arch dense:3 --clip-value -1", spirals), 2);
    /* other rows of the same width: a warning, and training goes on */
    ck_assert_int_eq(run("datasets gen spirals --n 120 --classes 3 --seed 9 -o other.csv"), 0);
    ck_assert_int_eq(run("train --resume full.nnl --data other.csv --epochs 7 --save other.nnl --quiet"), 0);
    ck_assert_msg(strstr(err, "warning") && strstr(err, "not the data"), "%s", err);
}
END_TEST

START_TEST(test_sigint_resume)
{
    /* Ctrl-C at an arbitrary batch, then --resume to the recorded target, ends where an uninterrupted run
     * ends: the stop position inside the epoch is part of the saved record. */
    const char *a = "--data digits --arch dense:64,relu,dense:64,relu,dense:10 --opt adam:lr=0.001 --batch 16 "
                    "--epochs 400 --seed 2 --quiet --threads 1";
    char cmd[4096];
    int st = 0;
    /* A signal that lands before the handler is installed (a slow start) kills the run: wait longer. */
    for (const char *const *wait = (const char *const[]){"0.3", "1.5", NULL}; *wait; wait++) {
        snprintf(cmd, sizeof cmd, "cd '%s' && { '%s' train %s --save int.nnl > .out 2> .err & pid=$!; sleep %s; "
                 "kill -INT $pid; wait $pid; }", tmp, getenv("NNLAB_BIN"), a, *wait);
        st = system(cmd);
        ck_assert(WIFEXITED(st));
        if (WEXITSTATUS(st) <= 1) break;
    }
    slurp(path_in(".err"), err, sizeof err);
    if (WEXITSTATUS(st) == 1) {
        ck_assert_msg(strstr(err, "interrupted"), "stderr: %s", err);
        ck_assert_int_eq(run("train --resume int.nnl --data digits --quiet --threads 1"), 0);
    } else {
        /* A machine fast enough to finish first still checks the identity below. */
        ck_assert_msg(WEXITSTATUS(st) == 0, "status %d: %s", WEXITSTATUS(st), err);
    }
    ck_assert_int_eq(run("train %s --save full.nnl", a), 0);
    ck_assert_msg(same_file("full.nnl", "int.nnl"), "interrupted and resumed run differs");
}
END_TEST

/* ---- act ---- */

START_TEST(test_act)
{
    ck_assert_int_eq(run("act relu -- -3 -1 0 2"), 0);
    double x[4], f[4], d[4];
    const char *p = out;
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(sscanf(p, "%lf\t%lf\t%lf", &x[i], &f[i], &d[i]), 3);
        p = strchr(p, '\n') + 1;
    }
    ck_assert_str_eq(p, "");
    const double xs[4] = {-3, -1, 0, 2}, fs[4] = {0, 0, 0, 2};
    for (int i = 0; i < 4; i++) {
        ck_assert(x[i] == xs[i]);
        ck_assert(f[i] == fs[i]);
    }
    ck_assert(d[0] == 0 && d[1] == 0 && d[3] == 1);
    /* Tab-separated, exact form. */
    ck_assert_ptr_nonnull(strstr(out, "2\t2\t1\n"));

    ck_assert_int_eq(run("act elu:alpha=0.5 -- -1"), 0);
    ck_assert_int_eq(sscanf(out, "%lf\t%lf\t%lf", &x[0], &f[0], &d[0]), 3);
    ck_assert_close(f[0], 0.5 * (exp(-1.0) - 1), TOL_PRINT);
    ck_assert_close(d[0], 0.5 * exp(-1.0), TOL_PRINT);

    ck_assert_int_eq(run("act --list"), 0);
    const char *names[] = {"relu", "prelu", "srelu", "apl", "soft_exponential", "gelu", "selu"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(strstr(out, names[i]), "%s missing from act --list", names[i]);
    ck_assert_ptr_nonnull(strstr(out, "monotonic="));

    /* --plot renders through gnuplot; without it the data and script are written and the status is 1. */
    int have_gnuplot = system("command -v gnuplot >/dev/null 2>&1") == 0;
    ck_assert_int_eq(run("act tanh --plot tanh.svg"), have_gnuplot ? 0 : 1);
    ck_assert(exists(path_in("tanh.dat")));
    if (have_gnuplot) ck_assert(exists(path_in("tanh.svg")));

    ck_assert_int_eq(run("act relux 1"), 2);
    ck_assert_msg(strstr(err, "relux") && strstr(err, "sigmoid"), "stderr: %s", err);
    ck_assert_int_eq(run("act relu abc"), 2);
    ck_assert_ptr_nonnull(strstr(err, "abc"));
}
END_TEST

/* ---- datasets ---- */

START_TEST(test_datasets)
{
    ck_assert_int_eq(run("datasets"), 0);
    ck_assert_ptr_nonnull(strstr(out, "name"));
    ck_assert_ptr_nonnull(strstr(out, "iris"));
    ck_assert_int_eq(run("datasets gen moons --n 50 --noise 0.05 --seed 7 -o moons.csv"), 0);
    char buf[1 << 14];
    slurp(path_in("moons.csv"), buf, sizeof buf);
    ck_assert_msg(!strncmp(buf, "# nnlab datasets gen moons --n 50", 33), "file starts: %.60s", buf);
    int lines = 0;
    for (const char *p = buf; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 52); /* comment, header, 50 rows */
    /* The same settings give the same file. */
    ck_assert_int_eq(run("datasets gen moons --n 50 --noise 0.05 --seed 7 -o moons2.csv"), 0);
    char buf2[1 << 14];
    slurp(path_in("moons2.csv"), buf2, sizeof buf2);
    ck_assert_str_eq(buf, buf2);
    int before = count_files();
    ck_assert_int_eq(run("datasets gen moonz --n 50 -o z.csv"), 2);
    ck_assert_ptr_nonnull(strstr(err, "moonz"));
    ck_assert_ptr_nonnull(strstr(err, "spirals"));
    ck_assert_int_eq(run("datasets frob"), 2);
    ck_assert_int_eq(count_files(), before);
}
END_TEST

/* ---- gradcheck ---- */

START_TEST(test_gradcheck)
{
    int rc = run("gradcheck --arch dense:6,tanh,dense:3 --inputs 3 --batch 4 --seed 2");
    ck_assert_msg(rc == 0, "gradcheck failed: %s%s", out, err);
    ck_assert_ptr_nonnull(strstr(out, "layer 0"));
    ck_assert_ptr_nonnull(strstr(out, "inputs"));
    ck_assert(value_of(out, "max_rel_err") <= value_of(out, "tol"));
    rc = run("gradcheck --arch dense:4,sigmoid,dense:1 --double");
    ck_assert_int_eq(rc, sizeof(nn_real) == sizeof(double) ? 0 : 2);
    if (rc == 2) ck_assert_ptr_nonnull(strstr(err, "NNLAB_DOUBLE"));
    ck_assert_int_eq(run("gradcheck --arch dense:4,bogus,dense:1"), 2);
    ck_assert_ptr_nonnull(strstr(err, "bogus"));
}
END_TEST

/* ---- trace ---- */

/* The numbers in the '[...]' after the n markers, found one after the other in out. */
static int numbers_after(double *v, int max, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    const char *p = out;
    for (int i = 0; i < n && p; i++) {
        const char *m = va_arg(ap, const char *);
        p = strstr(p, m);
        if (p) p += strlen(m);
    }
    va_end(ap);
    ck_assert_msg(p != NULL, "marker not found in trace output:\n%s", out);
    int k = 0;
    while (*p && *p != '\n' && *p != '(' && k < max) {
        char *end;
        double x = strtod(p, &end);
        if (end != p) {
            v[k++] = x;
            p = end;
        } else {
            p++;
        }
    }
    return k;
}

static double sigm(double z) { return 1 / (1 + exp(-z)); }

START_TEST(test_trace_by_hand)
{
    /* A 2-2-1 sigmoid net: W1 (inputs x units, row-major), b1, W2, b2. */
    const double x[2] = {0.5, -1}, y = 1, lr = 0.5;
    const double W1[2][2] = {{0.1, 0.2}, {-0.3, 0.4}}, b1[2] = {0.05, -0.05}, W2[2] = {0.7, -0.6}, b2 = 0.1;
    write_file(path_in("w.txt"), "# W1\n0.1, 0.2\n-0.3 0.4\n# b1\n0.05 -0.05\n0.7\n-0.6\n0.1\n");
    int rc = run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1 --label 1 --weights w.txt --lr 0.5 --digits 12");
    ck_assert_msg(rc == 0, "trace failed: %s", err);

    double z1[2], a1[2], z2 = b2;
    for (int j = 0; j < 2; j++) {
        z1[j] = x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j];
        a1[j] = sigm(z1[j]);
        z2 += a1[j] * W2[j];
    }
    double p = sigm(z2), L = -(y * log(p) + (1 - y) * log(1 - p)), dz2 = p - y;
    double dW2[2], da1[2], dadz[2], dz1[2], dW1[2][2], dx[2];
    for (int j = 0; j < 2; j++) {
        dW2[j] = a1[j] * dz2;
        da1[j] = W2[j] * dz2;
        dadz[j] = a1[j] * (1 - a1[j]);
        dz1[j] = da1[j] * dadz[j];
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) dW1[i][j] = x[i] * dz1[j];
        dx[i] = W1[i][0] * dz1[0] + W1[i][1] * dz1[1];
    }

    double v[8];
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nforward", "[0] dense", "\n    z = "), 2);
    ck_assert_close(v[0], z1[0], TOL_PRINT);
    ck_assert_close(v[1], z1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nforward", "[1] sigmoid", "\n    a = "), 2);
    ck_assert_close(v[0], a1[0], TOL_PRINT);
    ck_assert_close(v[1], a1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nforward", "[2] dense", "\n    z = "), 1);
    ck_assert_close(v[0], z2, TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 2, "\nloss sigmoid-bce", "\n    L = "), 1);
    ck_assert_close(v[0], L, TOL_PRINT);

    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "loss head", "\n    dL/dz = "), 1);
    ck_assert_close(v[0], dz2, TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[2] dense", "\n    dL/dW = "), 2);
    ck_assert_close(v[0], dW2[0], TOL_PRINT);
    ck_assert_close(v[1], dW2[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[2] dense", "\n    dL/db = "), 1);
    ck_assert_close(v[0], dz2, TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[2] dense", "\n    dL/dx = "), 2);
    ck_assert_close(v[0], da1[0], TOL_PRINT);
    ck_assert_close(v[1], da1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[1] sigmoid", "\n    dL/da = "), 2);
    ck_assert_close(v[0], da1[0], TOL_PRINT);
    ck_assert_close(v[1], da1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[1] sigmoid", "\n    da/dz = "), 2);
    ck_assert_close(v[0], dadz[0], TOL_PRINT);
    ck_assert_close(v[1], dadz[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[1] sigmoid", "\n    dL/dz = "), 2);
    ck_assert_close(v[0], dz1[0], TOL_PRINT);
    ck_assert_close(v[1], dz1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[0] dense", "\n    dL/dW = "), 4);
    for (int k = 0; k < 4; k++) ck_assert_close(v[k], dW1[k / 2][k % 2], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[0] dense", "\n    dL/db = "), 2);
    ck_assert_close(v[0], dz1[0], TOL_PRINT);
    ck_assert_close(v[1], dz1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nbackward", "[0] dense", "\n    dL/dx = "), 2);
    ck_assert_close(v[0], dx[0], TOL_PRINT);
    ck_assert_close(v[1], dx[1], TOL_PRINT);

    ck_assert_int_eq(numbers_after(v, 8, 3, "\nsgd step", "[0] dense", "\n    W = "), 4);
    for (int k = 0; k < 4; k++) ck_assert_close(v[k], W1[k / 2][k % 2] - lr * dW1[k / 2][k % 2], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nsgd step", "[0] dense", "\n    b = "), 2);
    ck_assert_close(v[0], b1[0] - lr * dz1[0], TOL_PRINT);
    ck_assert_close(v[1], b1[1] - lr * dz1[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nsgd step", "[2] dense", "\n    W = "), 2);
    ck_assert_close(v[0], W2[0] - lr * dW2[0], TOL_PRINT);
    ck_assert_close(v[1], W2[1] - lr * dW2[1], TOL_PRINT);
    ck_assert_int_eq(numbers_after(v, 8, 3, "\nsgd step", "[2] dense", "\n    b = "), 1);
    ck_assert_close(v[0], b2 - lr * dz2, TOL_PRINT);

    /* Markdown tables for course notes. */
    rc = run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1 --label 1 --weights w.txt --format markdown");
    ck_assert_msg(rc == 0, "trace markdown failed: %s", err);
    ck_assert_ptr_nonnull(strstr(out, "### Backward pass"));
    ck_assert_ptr_nonnull(strstr(out, "| unit j |"));
    ck_assert_ptr_nonnull(strstr(out, "|---:"));
    /* mse predicts z itself: the loss table has z_j once, no probability column. */
    rc = run("trace --arch dense:2,tanh,dense:1 --sample 0.5,-1 --label 0.3 --loss mse --format markdown");
    ck_assert_msg(rc == 0, "trace mse markdown failed: %s", err);
    ck_assert_ptr_nonnull(strstr(out, "| output j | z_j | dL/dz_j |"));
}
END_TEST



/* --json: one valid document on stdout with the documented keys, the human text on stderr, the same numbers as
 * the text; regression without any accuracy; class names in eval and predict; errors still on stderr, status 1. */
START_TEST(test_json_output)
{
    ck_assert_int_eq(run("train --data %s --arch dense:16,relu,dense:3 --epochs 3 --save j.nnl --json", spirals), 0);
    ck_assert_msg(json_valid(out), "train --json is not one JSON document:\n%s", out);
    ck_assert(json_str_is(out, "command", "train") && json_str_is(out, "model", "j.nnl"));
    ck_assert(json_str_is(out, "loss", "softmax-xent") && json_str_is(out, "init", "auto"));
    ck_assert_int_eq((int)json_num(out, "epochs"), 3);
    ck_assert_int_eq((int)json_num(out, "rows"), 300);
    ck_assert_int_eq(json_len(out, "history"), 3);
    ck_assert_int_eq((int)json_num(out, "history[2].epoch"), 3);
    ck_assert(json_num(out, "history[0].seconds") >= 0 && fabs(json_num(out, "history[0].lr") - 0.01) < 1e-6);
    ck_assert(!strncmp(json_at(out, "final.val_loss"), "null", 4));
    ck_assert_ptr_nonnull(strstr(err, "epochs=3 train_loss="));
    /* The scores line has 6 digits (%.6g, %.6f), the document every digit. */
    ck_assert_close(json_num(out, "final.loss"), value_of(err, "train_loss"), 1e-5);
    ck_assert_close(json_num(out, "final.acc"), value_of(err, "train_acc"), 1e-5);
    double train_loss = json_num(out, "final.loss"), train_acc = json_num(out, "final.acc");

    ck_assert_int_eq(run("eval --model j.nnl --data %s --json", spirals), 0);
    ck_assert_msg(json_valid(out), "eval --json is not one JSON document:\n%s", out);
    ck_assert(json_str_is(out, "command", "eval") && json_str_is(out, "labels[2]", "2"));
    ck_assert_close(json_num(out, "loss"), train_loss, 1e-12);
    ck_assert_close(json_num(out, "acc"), train_acc, 1e-12);
    ck_assert_ptr_nonnull(strstr(err, "confusion matrix"));
    int total = 0, diag = 0;
    ck_assert_int_eq(json_len(out, "confusion_matrix"), 3);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            char path[64];
            snprintf(path, sizeof path, "confusion_matrix[%d][%d]", i, j);
            int c = (int)json_num(out, path);
            total += c, diag += i == j ? c : 0;
        }
    ck_assert_int_eq(total, 300);
    ck_assert_close(diag / 300.0, train_acc, 1e-12);

    ck_assert_int_eq(run("predict --model j.nnl --data %s --json -o p.json", spirals), 0);
    ck_assert_str_eq(out, "");
    FILE *f = fopen(path_in("p.json"), "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    ck_assert_msg(json_valid(out), "predict --json is not one JSON document");
    ck_assert_int_eq(json_len(out, "predictions"), 300);
    ck_assert_int_eq(json_len(out, "predictions[299].probabilities"), 3);
    ck_assert_ptr_nonnull(json_at(out, "predictions[0].label"));
    ck_assert(!strncmp(json_at(out, "predictions[0].label"), "null", 4));
    double sum = 0;
    for (int j = 0; j < 3; j++) {
        char path[64];
        snprintf(path, sizeof path, "predictions[7].probabilities[%d]", j);
        sum += json_num(out, path);
    }
    ck_assert_close(sum, 1, 1e-5);

    /* Regression: no accuracy anywhere, predicted values instead of classes. */
    write_file(path_in("r.csv"), "a,b,y\n1,2,3.5\n2,1,2.25\n3,3,6.1\n0,1,1.2\n");
    ck_assert_int_eq(run("train --data r.csv --arch dense:4,tanh,dense:1 --loss mse --epochs 2 --save r.nnl --json"), 0);
    ck_assert(json_valid(out) && json_num(out, "classes") == 0);
    ck_assert(json_at(out, "final.loss") && !json_at(out, "final.acc") && !json_at(out, "history[1].acc"));
    ck_assert_ptr_null(strstr(out, "acc"));
    ck_assert_int_eq(run("eval --model r.nnl --data r.csv --json"), 0);
    ck_assert(json_valid(out) && json_at(out, "loss") && !json_at(out, "acc") && !json_at(out, "confusion_matrix"));
    input = path_in("r.csv");
    ck_assert_int_eq(run("predict --model r.nnl --json"), 0);
    input = "/dev/null";
    ck_assert(json_valid(out) && json_at(out, "regression") && !strncmp(json_at(out, "regression"), "true", 4));
    ck_assert_int_eq(json_len(out, "predictions"), 4);
    ck_assert_int_eq(json_len(out, "predictions[3].values"), 1);
    ck_assert_ptr_null(json_at(out, "predictions[0].probabilities"));

    /* Class names reach eval's labels and predict's rows. */
    write_file(path_in("s.csv"), "a,b,name\n1,2,cat\n2,1,dog\n3,3,cat\n0,1,dog\n");
    ck_assert_int_eq(run("train --data s.csv --arch dense:2 --epochs 2 --save s.nnl --json --quiet"), 0);
    ck_assert(json_str_is(out, "class_names[1]", "dog"));
    ck_assert_int_eq(run("eval --model s.nnl --data s.csv --json"), 0);
    ck_assert(json_str_is(out, "labels[0]", "cat") && json_str_is(out, "labels[1]", "dog"));
    ck_assert_int_eq(run("predict --model s.nnl --data s.csv --json"), 0);
    const char *label = json_at(out, "predictions[0].label");
    ck_assert(json_str_is(out, "predictions[0].label", "cat") || json_str_is(out, "predictions[0].label", "dog"));
    ck_assert_ptr_nonnull(label);

    /* Errors: nothing on stdout, the message on stderr, the usual status. */
    ck_assert_int_eq(run("eval --model nope.nnl --data %s --json", spirals), 1);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(err, "nnlab: eval: nope.nnl"));
    ck_assert_int_eq(run("train --data %s --arch dense:3 --json --history -", spirals), 2);
    ck_assert_str_eq(out, "");
    ck_assert_ptr_nonnull(strstr(err, "nnlab: train: --json and --history - both write standard output"));
}
END_TEST
/* --init sets the initialiser of every dense and maxout layer that names none, and a resumed run keeps it. */
START_TEST(test_init_option)
{
    ck_assert_int_eq(run("gradcheck --arch dense:4,tanh,maxout:2:k=2,dense:2:init=zeros --init torch"), 0);
    ck_assert_ptr_nonnull(strstr(out, "gradcheck dense:4:init=torch,tanh,maxout:2:k=2,init=torch,dense:2:init=zeros "));
    ck_assert_int_eq(run("train --data %s --arch dense:8,relu,dense:3 --init keras --epochs 2 --quiet --save m.nnl",
                         spirals), 0);
    ck_assert_int_eq(run("train --resume m.nnl --data %s --arch dense:8,relu,dense:3 --init keras --epochs 3 --quiet",
                         spirals), 0);
    ck_assert_int_eq(run("train --resume m.nnl --data %s --init torch --epochs 4 --quiet", spirals), 2);
    ck_assert_ptr_nonnull(strstr(err, "nnlab: train: --init differs from the run saved in m.nnl"));
    ck_assert_int_eq(run("train --data %s --arch dense:3 --init torh", spirals), 2);
    ck_assert_ptr_nonnull(strstr(err, "nnlab: train: --init: unknown initialiser 'torh'; did you mean 'torch'?"));
}
END_TEST
START_TEST(test_trace_errors)
{
    write_file(path_in("w8.txt"), "1 2 3 4 5 6 7 8\n");
    ck_assert_int_eq(run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1 --label 1 --weights w8.txt"), 1);
    ck_assert_msg(strstr(err, "8 values") && strstr(err, "9 parameters"), "stderr: %s", err);
    write_file(path_in("wbad.txt"), "1 2 3\n4 x 6\n");
    ck_assert_int_eq(run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1 --label 1 --weights wbad.txt"), 1);
    ck_assert_msg(strstr(err, "wbad.txt:2"), "stderr: %s", err);
    ck_assert_int_eq(run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1"), 2);
    ck_assert_int_eq(run("trace --arch dense:2,sigmoid,dense:1 --sample 0.5,-1 --label 1 --format html"), 2);
    ck_assert_ptr_nonnull(strstr(err, "html"));
    /* Seeded weights, softmax head by default for 3 outputs. */
    ck_assert_int_eq(run("trace --arch dense:3,relu,dense:3 --sample 1,2 --label 2 --seed 4"), 0);
    ck_assert_ptr_nonnull(strstr(out, "loss=softmax-xent"));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    /* Generous: the Ctrl-C tests train digits for hundreds of epochs, several times slower under ASan. */
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_version_and_help);
    tcase_add_test(tc, test_unknown_command);
    tcase_add_test(tc, test_unknown_option);
    tcase_add_test(tc, test_train_eval_predict_spirals);
    tcase_add_test(tc, test_train_val_standardize);
    tcase_add_test(tc, test_train_warnings);
    tcase_add_test(tc, test_train_bad_arch);
    tcase_add_test(tc, test_missing_and_malformed_data);
    tcase_add_test(tc, test_damaged_model);
    tcase_add_test(tc, test_predict_rows);
    tcase_add_test(tc, test_user_csv);
    tcase_add_test(tc, test_did_you_mean);
    tcase_add_test(tc, test_early_stop_history);
    tcase_add_test(tc, test_sigint_saves);
    tcase_add_test(tc, test_resume_bit_identical);
    tcase_add_test(tc, test_sigint_resume);
    tcase_add_test(tc, test_act);
    tcase_add_test(tc, test_datasets);
    tcase_add_test(tc, test_gradcheck);
    tcase_add_test(tc, test_trace_by_hand);
    tcase_add_test(tc, test_trace_errors);
    tcase_add_test(tc, test_init_option);
    tcase_add_test(tc, test_json_output);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(make_suite)
