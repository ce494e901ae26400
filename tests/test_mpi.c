/* test_mpi.c: `mpirun -np N nnlab train` trains the model one process trains (N = 1..4), only rank 0 writes,
 * and a rank that cannot read its data fails every rank with its message on rank 0's stderr, without a hang.
 * `mpirun -np N nnlab compare` (N = 1..3, tuning included) writes the table and report of one process byte for byte,
 * and its errors are printed once. Skipped with a message when nnlab was built without MPI or mpirun is missing. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"

static char dir[256], mpirun[512], err[8192];

static int have_mpi(void)
{
#ifndef NNLAB_TEST_MPI
    fprintf(stderr, "test_mpi: skipped: nnlab was built without MPI (NNLAB_MPI=OFF or MPI not found)\n");
    return 0;
#else
    if (system("command -v mpirun >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_mpi: skipped: mpirun is not installed\n");
        return 0;
    }
    /* Four ranks on two cores need --oversubscribe; CI runs as root; LeakSanitizer would report MPI's own
     * allocations that it keeps until exit. */
    snprintf(mpirun, sizeof mpirun, "ASAN_OPTIONS=detect_leaks=0 timeout 120 mpirun --oversubscribe %s",
             geteuid() == 0 ? "--allow-run-as-root" : "");
    return 1;
#endif
}

/* Runs a shell command in dir with stderr in err[] (stdout discarded unless the command redirects it); returns its
 * exit status. */
static int sh(const char *fmt, ...)
{
    char cmd[4096], full[5000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd '%s' && { %s; } >/dev/null 2>'%s/.err'", dir, cmd, dir);
    int st = system(full);
    char p[300];
    snprintf(p, sizeof p, "%s/.err", dir);
    FILE *f = fopen(p, "r");
    size_t n = f ? fread(err, 1, sizeof err - 1, f) : 0;
    err[n] = '\0';
    if (f) fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The loss column of a history file written by nnlab train --history. */
static int read_losses(const char *name, double *loss, int max)
{
    char p[300], line[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    ck_assert_msg(f != NULL, "%s was not written", name);
    int n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        int e;
        double l;
        if (sscanf(line, "%d,%lf", &e, &l) == 2) loss[n++] = l;
    }
    fclose(f);
    return n;
}

#ifdef NNLAB_DOUBLE
#define TOL_MPI 1e-12
#else
#define TOL_MPI 1e-5
#endif

#define TRAIN "train --data spirals --arch dense:32,tanh,dense:16,relu,dense:3 --opt sgd:lr=0.1,momentum=0.9 " \
              "--batch 30 --epochs 6 --seed 3 --threads 1 --quiet"

START_TEST(ranks_equal_one_process)
{
    if (!have_mpi()) return;
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_int_eq(sh("'%s' " TRAIN " --history h0.csv --save m0.nnl", bin), 0);
    double ref[16], got[16];
    int n = read_losses("h0.csv", ref, 16);
    ck_assert_int_eq(n, 6);
    for (int np = 1; np <= 4; np++) {
        ck_assert_msg(sh("%s -np %d '%s' " TRAIN " --history h%d.csv --save m%d.nnl", mpirun, np, bin, np, np, np) == 0,
                      "%d ranks: %s", np, err);
        char name[32];
        snprintf(name, sizeof name, "h%d.csv", np);
        ck_assert_int_eq(read_losses(name, got, 16), n);
        for (int e = 0; e < n; e++)
            ck_assert_msg(fabs(got[e] - ref[e]) <= TOL_MPI * fabs(ref[e]), "%d ranks, epoch %d: loss %.17g, one "
                          "process %.17g", np, e + 1, got[e], ref[e]);
    }
    /* The saved model is rank 0's and evaluates as the one-process model does, to rounding. */
    ck_assert_int_eq(sh("'%s' eval --model m4.nnl --data spirals", bin), 0);
}
END_TEST

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++) n++;
    return n;
}

START_TEST(failing_rank_fails_all)
{
    if (!have_mpi()) return;
    const char *bin = getenv("NNLAB_BIN");
    int rc = sh("%s -np 1 '%s' " TRAIN " : -np 1 '%s' " TRAIN " --data missing.csv", mpirun, bin, bin);
    ck_assert_msg(rc == 1, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "nnlab: train: rank 1: missing.csv: cannot open") == 1, "%s", err);
    ck_assert_msg(count(err, "missing.csv") == 1, "%s", err);
    /* A message that names its command is relayed without naming it twice. */
    rc = sh("%s -np 1 '%s' " TRAIN " : -np 1 '%s' " TRAIN " --resume missing.nnl", mpirun, bin, bin);
    ck_assert_msg(rc == 1, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "nnlab: train: rank 1: --resume: missing.nnl: cannot open") == 1, "%s", err);
    /* Ranks given different runs (here another validation split) fail with a message, not an MPI abort on
     * mismatched reductions. */
    rc = sh("%s -np 1 '%s' " TRAIN " : -np 1 '%s' " TRAIN " --val 0.5", mpirun, bin, bin);
    ck_assert_msg(rc == 2, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "the workers were given different training runs") == 1, "%s", err);
    /* A warning every rank meets is rank 0's to print. */
    rc = sh("%s -np 2 '%s' train --data wine --arch dense:4,dense:3 --epochs 1 --no-standardize --quiet", mpirun, bin);
    ck_assert_msg(rc == 0, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "differ in scale") == 1, "%s", err);
    /* Every rank meets a usage error; rank 0 alone prints it, every rank exits with status 2. */
    rc = sh("%s -np 2 '%s' train --data moons --bogus", mpirun, bin);
    ck_assert_msg(rc == 2, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "unknown option '--bogus'") == 1, "%s", err);
}
END_TEST

/* Small and quick, but every part of a report: tuning (so the ranks must agree on the chosen rates), several rows
 * and seeds, boundaries of 2-D data. --no-timing leaves out the wall times, the one thing two runs of the same
 * command never share, so that whole files can be compared. */
#define COMPARE "compare --data moons --acts relu,tanh,elu --seeds 3 --epochs 4 --tune-lr --lr-grid 0.1,0.01 " \
                "--tune-seeds 2 --no-timing --quiet"

START_TEST(compare_ranks_equal_one_process)
{
    if (!have_mpi()) return;
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(sh("'%s' " COMPARE " --threads 1 --out one >one.txt", bin) == 0, "one process: %s", err);
    /* Three ranks of two threads each: --threads still sets the runs trained at once inside a rank. */
    for (int np = 1; np <= 3; np++) {
        ck_assert_msg(sh("%s -np %d '%s' " COMPARE " --threads %d --out r%d >r%d.txt", mpirun, np, bin, np == 3 ? 2 : 1,
                         np, np) == 0, "%d ranks: %s", np, err);
        ck_assert_msg(sh("cmp one.txt r%d.txt && diff -r one r%d", np, np) == 0, "%d ranks: the table or a report "
                      "file differs from one process's (diff -r %s/one %s/r%d)", np, dir, dir, np);
    }
    /* The outputs compared are whole reports, not empty ones. */
    ck_assert_int_eq(sh("grep -q 'relu' one.txt && grep -q '\"tuning\": {\"grid\"' one/results.json && "
                        "test -s one/index.html && test -s one/boundary_tanh.rgb"), 0);
    /* Diverged runs travel whole too: their error and the epochs before the overflow. The tanh runs (which saturate
     * rather than overflow) last long enough that rank 1 usually gets relu runs too (how many is up to the timing). */
#define DIVERGE "compare --data moons --acts relu,tanh --opt sgd:lr=1e30 --seeds 4 --epochs 200 --no-timing --quiet --threads 1"
    ck_assert_msg(sh("'%s' " DIVERGE " --out d1 >d1.txt", bin) == 0, "one process: %s", err);
    ck_assert_msg(sh("%s -np 2 '%s' " DIVERGE " --out d2 >d2.txt", mpirun, bin) == 0, "2 ranks: %s", err);
    ck_assert_int_eq(sh("grep -q 'diverged' d1/results.json && cmp d1.txt d2.txt && diff -r d1 d2"), 0);
}
END_TEST

START_TEST(compare_errors_once)
{
    if (!have_mpi()) return;
    const char *bin = getenv("NNLAB_BIN");
    /* Every rank meets a usage error; rank 0 alone prints it, and every rank exits with status 2. */
    int rc = sh("%s -np 3 '%s' compare --data moons --bogus", mpirun, bin);
    ck_assert_msg(rc == 2, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "unknown option '--bogus'") == 1, "%s", err);
    /* One rank cannot read its data: rank 0 prints that rank's message once, every rank exits with status 1. */
    rc = sh("%s -np 1 '%s' " COMPARE " : -np 1 '%s' " COMPARE " --data missing.csv : -np 1 '%s' " COMPARE, mpirun, bin,
            bin, bin);
    ck_assert_msg(rc == 1, "exit status %d (124 is a hang stopped by timeout): %s", rc, err);
    ck_assert_msg(count(err, "nnlab: compare: rank 1: missing.csv: cannot open") == 1, "%s", err);
    ck_assert_msg(count(err, "missing.csv") == 1, "%s", err);
    /* Nothing was written, nor left half-written. */
    ck_assert_int_ne(sh("ls -d nnlab-report*"), 0);
}
END_TEST

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nnlab_mpi_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {}
}

static Suite *mpi_suite(void)
{
    Suite *s = suite_create("mpi");
    TCase *t = tcase_create("mpi");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 300);
    tcase_add_test(t, ranks_equal_one_process);
    tcase_add_test(t, failing_rank_fails_all);
    tcase_add_test(t, compare_ranks_equal_one_process);
    tcase_add_test(t, compare_errors_once);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(mpi_suite)
