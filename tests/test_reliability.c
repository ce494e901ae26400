/* test_reliability.c: files survive concurrency, kills, full disks and odd targets; nothing unloadable is saved;
 * hostile input is refused (docs/reliability.md). */
#define _GNU_SOURCE /* mknod, mkdtemp */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "model_internal.h"
#include "testutil.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nnlab_rel_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
    return n;
}

/* Files in dir whose name holds ".tmp.": leftovers of a save. */
static int temporaries(void)
{
    char cmd[600], out[64];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '\\.tmp\\.' > '%s.count'", dir, dir);
    if (system(cmd) == -1) return -1;
    snprintf(cmd, sizeof cmd, "%s.count", dir);
    slurp(cmd, out, sizeof out);
    unlink(cmd);
    return atoi(out);
}

static nn_model *small_model(uint64_t seed)
{
    nn_model *m = nn_model_from_spec(3, "dense:16,relu,dense:2", NN_LOSS_SOFTMAX_XENT, seed);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(nn_model_build(m), NN_OK);
    return m;
}

/* The file at path holds exactly the bytes of file a or of file b. */
static int same_as_one(const char *path, const char *a, const char *b)
{
    static char x[1 << 16], y[1 << 16], z[1 << 16];
    size_t n = slurp(path, x, sizeof x), na = slurp(a, y, sizeof y), nb = slurp(b, z, sizeof z);
    return (n == na && !memcmp(x, y, n)) || (n == nb && !memcmp(x, z, n));
}

START_TEST(test_atomic_basics)
{
    nn_atomic *a;
    ck_assert_int_eq(nn_atomic_open(in_dir("f.txt"), &a), NN_OK);
    fputs("hello\n", nn_atomic_file(a));
    ck_assert_ptr_nonnull(strstr(nn_atomic_tmpname(a), "f.txt.tmp."));
    ck_assert_int_eq(nn_atomic_commit(a), NN_OK);
    char buf[64];
    slurp(in_dir("f.txt"), buf, sizeof buf);
    ck_assert_str_eq(buf, "hello\n");
    /* Abort leaves the old content and no temporary. */
    ck_assert_int_eq(nn_atomic_open(in_dir("f.txt"), &a), NN_OK);
    fputs("other\n", nn_atomic_file(a));
    nn_atomic_abort(a);
    nn_atomic_abort(NULL);
    slurp(in_dir("f.txt"), buf, sizeof buf);
    ck_assert_str_eq(buf, "hello\n");
    ck_assert_int_eq(temporaries(), 0);
    /* A symlink survives; its target gets the new content. */
    ck_assert_int_eq(symlink("f.txt", in_dir("link")), 0);
    ck_assert_int_eq(nn_atomic_open(in_dir("link"), &a), NN_OK);
    fputs("via link\n", nn_atomic_file(a));
    ck_assert_int_eq(nn_atomic_commit(a), NN_OK);
    struct stat st;
    ck_assert_int_eq(lstat(in_dir("link"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    slurp(in_dir("f.txt"), buf, sizeof buf);
    ck_assert_str_eq(buf, "via link\n");
    /* A directory, a FIFO and /dev/full are not regular files: refused, left alone. */
    ck_assert_int_eq(mkdir(in_dir("d"), 0755), 0);
    ck_assert_int_eq(nn_atomic_open(in_dir("d"), &a), NN_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(mkfifo(in_dir("fifo"), 0644), 0);
    ck_assert_int_eq(nn_atomic_open(in_dir("fifo"), &a), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "is not a regular file"));
    ck_assert_int_eq(lstat(in_dir("fifo"), &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    nn_model *m = small_model(1);
    ck_assert_int_eq(nn_model_save(m, "/dev/full"), NN_EINVAL);
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    nn_model_free(m);
}
END_TEST

/* A device node the test makes itself (mknod needs root); saving onto it must leave it a device. */
START_TEST(test_device_target)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_device_target: skipped: mknod needs root\n");
        return;
    }
    ck_assert_int_eq(mknod(in_dir("null"), S_IFCHR | 0666, makedev(1, 3)), 0);
    nn_model *m = small_model(1);
    ck_assert_int_eq(nn_model_save(m, in_dir("null")), NN_EINVAL);
    struct stat st;
    ck_assert_int_eq(stat(in_dir("null"), &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    nn_model_free(m);
}
END_TEST

/* A write error (here EFBIG from a file-size limit, as ENOSPC from a full disk) is reported with its reason;
 * the target keeps its old content and no temporary is left. */
START_TEST(test_write_error)
{
    nn_model *m = small_model(1);
    ck_assert_int_eq(nn_model_save(m, in_dir("m.nnl")), NN_OK);
    char before[1 << 16], after[1 << 16];
    size_t n = slurp(in_dir("m.nnl"), before, sizeof before);
    nn_model *big = nn_model_from_spec(3, "dense:512,relu,dense:2", NN_LOSS_SOFTMAX_XENT, 2);
    ck_assert_int_eq(nn_model_build(big), NN_OK);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    nn_status s = nn_model_save(big, in_dir("m.nnl"));
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(s, NN_EIO);
    ck_assert_msg(strstr(nn_errmsg(), strerror(EFBIG)), "message '%s' lacks the reason", nn_errmsg());
    ck_assert_uint_eq(slurp(in_dir("m.nnl"), after, sizeof after), n);
    ck_assert(!memcmp(before, after, n));
    ck_assert_int_eq(temporaries(), 0);
    /* The same through the CSV writer, whose number formatting used to clobber errno ("Success"). */
    nn_dataset *d = nn_dataset_generate("spirals", 2000, 3, 0.1, 1);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    s = nn_dataset_save_csv(d, in_dir("d.csv"), NULL);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(s, NN_EIO);
    ck_assert_msg(strstr(nn_errmsg(), strerror(EFBIG)), "message '%s' lacks the reason", nn_errmsg());
    ck_assert_int_eq(access(in_dir("d.csv"), F_OK), -1);
    ck_assert_int_eq(temporaries(), 0);
    signal(SIGXFSZ, SIG_DFL);
    nn_dataset_free(d);
    nn_model_free(big);
    nn_model_free(m);
}
END_TEST

START_TEST(test_readonly_dir)
{
    if (geteuid() == 0) {
        fprintf(stderr, "test_readonly_dir: skipped: root writes into read-only directories\n");
        return;
    }
    nn_model *m = small_model(1);
    ck_assert_int_eq(nn_model_save(m, in_dir("m.nnl")), NN_OK);
    ck_assert_int_eq(chmod(dir, 0555), 0);
    nn_model *m2 = small_model(2);
    ck_assert_int_eq(nn_model_save(m2, in_dir("m.nnl")), NN_EIO);
    chmod(dir, 0755);
    nn_model *back = nn_model_load(in_dir("m.nnl"));
    ck_assert_ptr_nonnull(back);
    ck_assert(!memcmp(nn_model_params(back), nn_model_params(m), nn_model_nparams(m) * sizeof(nn_real)));
    nn_model_free(back);
    nn_model_free(m2);
    nn_model_free(m);
}
END_TEST

/* Two processes saving different models to one path, many times: the result is always one complete file. */
START_TEST(test_concurrent_saves)
{
    nn_model *m[2] = {small_model(1), small_model(2)};
    ck_assert_int_eq(nn_model_save(m[0], in_dir("a.nnl")), NN_OK);
    ck_assert_int_eq(nn_model_save(m[1], in_dir("b.nnl")), NN_OK);
    for (int trial = 0; trial < 10; trial++) {
        pid_t pid[2];
        for (int k = 0; k < 2; k++) {
            if ((pid[k] = fork()) == 0) {
                int bad = 0;
                for (int i = 0; i < 20; i++) bad |= nn_model_save(m[k], in_dir("same.nnl")) != NN_OK;
                _exit(bad);
            }
        }
        for (int k = 0; k < 2; k++) {
            int st;
            ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
            ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        ck_assert(same_as_one(in_dir("same.nnl"), in_dir("a.nnl"), in_dir("b.nnl")));
    }
    ck_assert_int_eq(temporaries(), 0);
    nn_model_free(m[0]);
    nn_model_free(m[1]);
}
END_TEST

/* kill -9 at random moments of a save loop: the target is always the old or the new complete file. */
START_TEST(test_kill_during_save)
{
    nn_model *m[2] = {small_model(1), small_model(2)};
    ck_assert_int_eq(nn_model_save(m[0], in_dir("a.nnl")), NN_OK);
    ck_assert_int_eq(nn_model_save(m[1], in_dir("b.nnl")), NN_OK);
    ck_assert_int_eq(nn_model_save(m[0], in_dir("t.nnl")), NN_OK);
    srand(7);
    for (int trial = 0; trial < 20; trial++) {
        pid_t pid = fork();
        if (pid == 0)
            for (int i = 0;; i++) nn_model_save(m[i & 1], in_dir("t.nnl"));
        struct timespec ts = {0, (long)(rand() % 20000) * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        ck_assert(same_as_one(in_dir("t.nnl"), in_dir("a.nnl"), in_dir("b.nnl")));
        nn_model *back = nn_model_load(in_dir("t.nnl"));
        ck_assert_msg(back != NULL, "%s", nn_errmsg());
        nn_model_free(back);
    }
    nn_model_free(m[0]);
    nn_model_free(m[1]);
}
END_TEST

/* A directory swapped in as a whole: the old one's files are gone, the new ones all there. */
START_TEST(test_atomic_dir)
{
    char tmp[600];
    const char *out = in_dir("report");
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(nn_atomic_dir_open(out, tmp, sizeof tmp), NN_OK);
        char name[700];
        snprintf(name, sizeof name, "%s/file%d", tmp, round);
        FILE *f = fopen(name, "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
        ck_assert_int_eq(nn_atomic_dir_commit(tmp, out), NN_OK);
        for (int k = 0; k <= round; k++) {
            snprintf(name, sizeof name, "%s/file%d", out, k);
            ck_assert_int_eq(access(name, F_OK) == 0, k == round);
        }
    }
    ck_assert_int_eq(temporaries(), 0);
    ck_assert_int_eq(nn_atomic_dir_open(in_dir("report/file2"), tmp, sizeof tmp), NN_EINVAL);
}
END_TEST

/* The last update overflows: nn_fit says so, and nothing non-finite is saved. */
START_TEST(test_final_update_overflow)
{
    nn_dataset *d = nn_dataset_generate("spirals", 64, 2, 0.1, 1);
    nn_model *m = nn_model_from_spec(2, "dense:1", NN_LOSS_MSE, 1);
#ifdef NNLAB_DOUBLE
    nn_optim *o = nn_optim_parse("sgd:lr=1e307");
#else
    nn_optim *o = nn_optim_parse("sgd:lr=3e38");
#endif
    ck_assert_ptr_nonnull(o);
    for (int i = 0; i < d->rows; i++) d->y[i] = 1e9f * (nn_real)(i + 1);
    d->nclasses = 0;
    nn_fit_opts fo = nn_fit_defaults();
    fo.epochs = 1;
    fo.batch_size = d->rows;
    ck_assert_int_eq(nn_fit(m, o, d, &fo, NULL), NN_ENONFINITE);
    ck_assert_int_eq(nn_model_check_save(m), NN_ENONFINITE);
    ck_assert_int_eq(nn_model_save(m, in_dir("m.nnl")), NN_ENONFINITE);
    ck_assert_int_eq(access(in_dir("m.nnl"), F_OK), -1);
    nn_optim_free(o);
    nn_model_free(m);
    nn_dataset_free(d);
}
END_TEST

/* Values a model file cannot hold are refused when parsed; tiny ones (underflow) are fine. */
START_TEST(test_parse_range)
{
    nn_model *m = nn_model_from_spec(2, "dense:4,hardtanh:min_val=-1e39,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
#ifdef NNLAB_DOUBLE
    ck_assert_ptr_nonnull(m);
#else
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "beyond the range"));
#endif
    nn_model_free(m);
    m = nn_model_from_spec(2, "dense:4,elu:alpha=1e-320,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_msg(m != NULL, "%s", nn_errmsg());
    nn_model_free(m);
    ck_assert_ptr_null(nn_model_from_spec(2, "dense:4,elu:alpha=1e999,dense:2", NN_LOSS_SOFTMAX_XENT, 1));
    /* Too long a spec for the file: refused before any training. */
    char spec[6000] = "";
    for (int i = 0; i < 700; i++) strcat(spec, "dense:2,");
    strcat(spec, "dense:2");
    m = nn_model_from_spec(2, spec, NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(nn_model_check_save(m), NN_EINVAL);
    ck_assert_int_eq(nn_model_save(m, in_dir("long.nnl")), NN_EINVAL);
    nn_model_free(m);
}
END_TEST

START_TEST(test_csv_roundtrips)
{
    /* Whole-number targets of a regression set stay a regression set. */
    nn_dataset *d = nn_dataset_generate("spirals", 30, 2, 0.1, 1);
    d->nclasses = 0;
    ck_assert_int_eq(nn_dataset_save_csv(d, in_dir("r.csv"), NULL), NN_OK);
    nn_dataset *back = nn_dataset_load_csv(in_dir("r.csv"), -1);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(back->nclasses, 0);
    nn_dataset_free(back);
    nn_dataset_free(d);
    /* A NUL byte in a cell is refused, not cut. */
    FILE *f = fopen(in_dir("nul.csv"), "wb");
    fwrite("a,b\n1,0\n2\0" "5,1\n", 1, 15, f);
    fclose(f);
    ck_assert_ptr_null(nn_dataset_load_csv(in_dir("nul.csv"), -1));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), ":3: a NUL byte"));
}
END_TEST

/* Runs the CLI in dir; returns the exit status, stderr into err. */
static int cli(char *err, size_t size, const char *args)
{
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(bin && *bin, "NNLAB_BIN is not set");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >/dev/null 2>.err </dev/null", dir, bin, args);
    int st = system(cmd);
    slurp(in_dir(".err"), err, size);
    ck_assert(st != -1 && WIFEXITED(st));
    return WEXITSTATUS(st);
}

START_TEST(test_cli_gaps)
{
    char err[4096];
    const char *base = "train --data spirals --arch dense:8,relu,dense:3 --epochs 1 --quiet";
    char args[512];
    snprintf(args, sizeof args, "%s --seed ' -1'", base);
    ck_assert_int_eq(cli(err, sizeof err, args), 2);
    snprintf(args, sizeof args, "%s --l2 1e-320", base);
    ck_assert_int_eq(cli(err, sizeof err, args), 0);
    snprintf(args, sizeof args, "%s --save m.nnl --history m.nnl", base);
    ck_assert_int_eq(cli(err, sizeof err, args), 2);
    ck_assert_ptr_nonnull(strstr(err, "same file"));
    /* A last update that overflows: exit 1, nothing saved. */
#ifdef NNLAB_DOUBLE
    snprintf(args, sizeof args, "%s --batch 300 --opt sgd:lr=1e300 --save m.nnl", base);
#else
    snprintf(args, sizeof args, "%s --batch 300 --opt sgd:lr=1e30 --save m.nnl", base);
#endif
    ck_assert_int_eq(cli(err, sizeof err, args), 1);
    ck_assert_int_eq(access(in_dir("m.nnl"), F_OK), -1);
    ck_assert_int_eq(cli(err, sizeof err, "datasets gen moons -o /dev/null"), 1);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    /* predict refuses what the CSV loader refuses. */
    ck_assert_int_eq(cli(err, sizeof err, "train --data spirals --arch dense:4,relu,dense:3 --epochs 1 --quiet "
                                          "--save p.nnl"), 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && printf '1,2\\nnan,1\\n' | '%s' predict --model p.nnl >/dev/null 2>&1",
             dir, getenv("NNLAB_BIN"));
    int st = system(cmd);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}
END_TEST

/* A forged header names a huge architecture in a few bytes, its checksum recomputed: refused by the file's size,
 * before anything is allocated, and within a small memory budget. */
START_TEST(test_forged_size)
{
    unsigned char f[256];
    size_t n = 0;
    const char *spec = "dense:16777216,relu,dense:16777216";
    uint32_t head[] = {2, 4, 2, 1, 0, (uint32_t)strlen(spec)};
    memcpy(f, "NNLABMDL", 8), n = 8;
    for (int i = 0; i < 6; i++, n += 4)
        for (int b = 0; b < 4; b++) f[n + b] = (unsigned char)(head[i] >> (8 * b));
    memcpy(f + n, spec, strlen(spec)), n += strlen(spec);
    memset(f + n, 0, 24), n += 24;
    uint32_t crc = nn_crc32(0, f, n);
    for (int b = 0; b < 4; b++) f[n++] = (unsigned char)(crc >> (8 * b));
    FILE *o = fopen(in_dir("forged.nnl"), "wb");
    fwrite(f, 1, n, o);
    fclose(o);
    nn_set_memory_limit(64 << 20);
    ck_assert_ptr_null(nn_model_load(in_dir("forged.nnl")));
    ck_assert_msg(strstr(nn_errmsg(), "bytes left in the file"), "%s", nn_errmsg());
    /* A model specified too large for the budget: refused up front with the size it needs. */
    nn_model *m = nn_model_from_spec(2, "dense:4096,relu,dense:4096,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_gt(nn_model_memory(m, 32), 64 << 20);
    ck_assert_ptr_null(nn_model_params(m));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "would need about"));
    nn_model_free(m);
    /* Fine parameters, too large a batch: refused at the forward, the model still usable on small ones. */
    m = nn_model_from_spec(2, "dense:8192,relu,dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_ptr_nonnull(nn_model_params(m));
    static nn_real x[2 * 4096];
    ck_assert_int_eq(nn_model_forward(m, x, 4096, 0, NULL), NN_ENOMEM);
    ck_assert_int_eq(nn_model_forward(m, x, 8, 0, NULL), NN_OK);
    nn_model_free(m);
    nn_set_memory_limit(0);
    ck_assert_uint_gt(nn_memory_limit(), 64 << 20);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("reliability");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_atomic_basics);
    tcase_add_test(tc, test_device_target);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_readonly_dir);
    tcase_add_test(tc, test_concurrent_saves);
    tcase_add_test(tc, test_kill_during_save);
    tcase_add_test(tc, test_atomic_dir);
    tcase_add_test(tc, test_final_update_overflow);
    tcase_add_test(tc, test_parse_range);
    tcase_add_test(tc, test_csv_roundtrips);
    tcase_add_test(tc, test_cli_gaps);
    tcase_add_test(tc, test_forged_size);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(suite)
