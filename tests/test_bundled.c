/* test_bundled.c: the bundled data sets: every file loads with its documented shape, and each toy file is remade by the command in its first line (byte for byte in the float build). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"

static const struct bundled {
    const char *name;
    int rows, features, classes;
} sets[] = {
    {"iris", 150, 4, 3},     {"wine", 178, 13, 3}, {"breast_cancer", 569, 30, 2}, {"digits", 1797, 64, 10},
    {"xor", 300, 2, 2},      {"blobs", 300, 2, 2}, {"moons", 300, 2, 2},          {"circles", 300, 2, 2},
    {"spirals", 300, 2, 3},  {"checkerboard", 300, 2, 2},
};

static const char *data_path(const char *name, char *buf, size_t size)
{
    const char *src = getenv("NNLAB_SOURCE_DIR");
    snprintf(buf, size, "%s/data/%s.csv", src ? src : "..", name);
    return buf;
}

/* Whole file into a malloc'd buffer; *n its length. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    b[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return b;
}

START_TEST(shapes)
{
    char p[1024];
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        nn_dataset *d = nn_dataset_load_csv(data_path(sets[i].name, p, sizeof p), -1);
        ck_assert_msg(d != NULL, "%s: %s", sets[i].name, nn_errmsg());
        ck_assert_int_eq(d->rows, sets[i].rows);
        ck_assert_int_eq(d->cols, sets[i].features);
        ck_assert_int_eq(d->nclasses, sets[i].classes);
        nn_dataset_free(d);
    }
}
END_TEST

START_TEST(toy_files_reproducible)
{
    const char *bin = getenv("NNLAB_BIN");
    if (!bin || !*bin) {
        fprintf(stderr, "test_bundled: NNLAB_BIN not set (CLI not built); reproduction not checked\n");
        return;
    }
    char p[1024], tmp[] = "/tmp/nnlab-bundled-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    for (size_t i = 4; i < sizeof sets / sizeof sets[0]; i++) {
        size_t n, m;
        char *want = slurp(data_path(sets[i].name, p, sizeof p), &n);
        const char *prefix = "# nnlab ";
        ck_assert_msg(!strncmp(want, prefix, strlen(prefix)), "%s: first line is not the command", sets[i].name);
        char args[512], cmd[2048], out[600];
        size_t len = strcspn(want + strlen(prefix), "\n");
        ck_assert_uint_lt(len, sizeof args);
        memcpy(args, want + strlen(prefix), len);
        args[len] = 0;
        snprintf(out, sizeof out, "%s/%s.csv", tmp, sets[i].name);
        snprintf(cmd, sizeof cmd, "'%s' %s -o '%s' >/dev/null", bin, args, out);
        int st = system(cmd);
        ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "failed: %s", cmd);
        char *got = slurp(out, &m);
#ifdef NNLAB_DOUBLE
        /* The files hold float values; the double build writes the same points with more digits. */
        (void)got;
        (void)m;
        nn_dataset *a = nn_dataset_load_csv(p, -1), *b = nn_dataset_load_csv(out, -1);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_int_eq(a->rows, b->rows);
        ck_assert_int_eq(a->cols, b->cols);
        for (int k = 0; k < a->rows * a->cols; k++)
            ck_assert_msg((float)a->x[k] == (float)b->x[k], "%s: value %d differs: %.9g vs %.9g", sets[i].name, k,
                          (double)a->x[k], (double)b->x[k]);
        for (int k = 0; k < a->rows; k++) ck_assert(a->y[k] == b->y[k]);
        nn_dataset_free(a);
        nn_dataset_free(b);
#else
        ck_assert_msg(n == m && !memcmp(want, got, n), "%s: '%s' does not remake the bundled file", sets[i].name,
                      args);
#endif
        free(want);
        free(got);
        unlink(out);
    }
    rmdir(tmp);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bundled");
    TCase *t = tcase_create("data");
    tcase_add_test(t, shapes);
    tcase_add_test(t, toy_files_reproducible);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
