/* test_io.c: saving and loading models: identical predictions, exact specs, damaged files refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static const char *path = "test_io_model.nnl";

static long file_bytes(unsigned char *buf, long cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    long n = (long)fread(buf, 1, (size_t)cap, f);
    fclose(f);
    return n;
}

static void write_bytes(const unsigned char *buf, long n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(buf, 1, (size_t)n, f);
    fclose(f);
}

static nn_model *trained(void)
{
    nn_dataset *d = nn_dataset_generate("moons", 100, 2, 0.1, 1);
    nn_model *m = nn_model_from_spec(2, "dense:8,elu:alpha=0.5,maxout:4:k=2,dense:2", NN_LOSS_SOFTMAX_XENT, 5);
    ck_assert_msg(m != NULL, "%s", nn_errmsg());
    nn_real mean[2], std[2];
    nn_dataset_fit_standardize(d, mean, std);
    ck_assert_int_eq(nn_model_set_scaling(m, mean, std), NN_OK);
    nn_optim *o = nn_optim_parse("sgd:lr=0.1,momentum=0.9");
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = 3;
    ck_assert_int_eq(nn_fit(m, o, d, &f, NULL), NN_OK);
    nn_optim_free(o);
    nn_dataset_free(d);
    return m;
}

START_TEST(round_trip)
{
    nn_model *m = trained();
    ck_assert_int_eq(nn_model_save(m, path), NN_OK);
    nn_model *l = nn_model_load(path);
    ck_assert_msg(l != NULL, "%s", nn_errmsg());
    char a[256], b[256];
    nn_model_spec(m, a, sizeof a);
    nn_model_spec(l, b, sizeof b);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(b, "elu:alpha=0.5"));
    ck_assert_int_eq(nn_model_loss_kind(l), NN_LOSS_SOFTMAX_XENT);
    ck_assert_int_eq(nn_model_scaling(l, NULL, NULL), 1);
    ck_assert(!memcmp(nn_model_params(m), nn_model_params(l), nn_model_nparams(m) * sizeof(nn_real)));
    nn_real x[20], pm[20], pl[20];
    for (int i = 0; i < 20; i++) x[i] = (nn_real)(i - 10) / 7;
    ck_assert_int_eq(nn_model_predict(m, x, 10, NULL, pm), NN_OK);
    ck_assert_int_eq(nn_model_predict(l, x, 10, NULL, pl), NN_OK);
    ck_assert(!memcmp(pm, pl, sizeof pm));
    nn_model_free(l);
    nn_model_free(m);
}
END_TEST

START_TEST(damaged_files)
{
    static unsigned char buf[1 << 16], copy[1 << 16];
    nn_model *m = trained();
    ck_assert_int_eq(nn_model_save(m, path), NN_OK);
    long n = file_bytes(buf, sizeof buf);
    ck_assert(n > 100);
    /* truncated at several points */
    long cuts[] = {0, 5, 12, 40, n / 2, n - 1};
    for (int i = 0; i < 6; i++) {
        write_bytes(buf, cuts[i]);
        ck_assert_ptr_null(nn_model_load(path));
        ck_assert_msg(strstr(nn_errmsg(), path) != NULL, "message '%s'", nn_errmsg());
    }
    /* every single bit flip in the body is caught */
    for (long at = 8; at < n; at += 7) {
        memcpy(copy, buf, (size_t)n);
        copy[at] ^= 0x10;
        write_bytes(copy, n);
        ck_assert_msg(nn_model_load(path) == NULL, "flip at byte %ld was accepted", at);
    }
    /* another version */
    memcpy(copy, buf, (size_t)n);
    copy[8] = 3;
    write_bytes(copy, n);
    ck_assert_ptr_null(nn_model_load(path));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "version 3"));
    /* not a model at all, and a missing file */
    write_bytes((const unsigned char *)"hello world, not a model", 24);
    ck_assert_ptr_null(nn_model_load(path));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "not an nnlab model"));
    remove(path);
    ck_assert_ptr_null(nn_model_load(path));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "cannot open"));
    /* saving into a missing directory fails cleanly */
    ck_assert_int_eq(nn_model_save(m, "/nonexistent-dir/x.nnl"), NN_EIO);
    nn_model_free(m);
}
END_TEST

START_TEST(resume_with_optimizer)
{
    /* 4 epochs straight == 2 epochs, save with optimizer state, load, resume at epoch 2 up to 4. */
    nn_dataset *d = nn_dataset_generate("spirals", 90, 3, 0.1, 1);
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = 4;
    f.seed = 11;
    nn_model *a = nn_model_from_spec(2, "dense:8,tanh,dense:3", NN_LOSS_SOFTMAX_XENT, 2);
    nn_optim *oa = nn_optim_parse("sgd:lr=0.1,momentum=0.9");
    ck_assert_int_eq(nn_fit(a, oa, d, &f, NULL), NN_OK);

    nn_model *b = nn_model_from_spec(2, "dense:8,tanh,dense:3", NN_LOSS_SOFTMAX_XENT, 2);
    nn_optim *ob = nn_optim_parse("sgd:lr=0.1,momentum=0.9");
    f.epochs = 2;
    ck_assert_int_eq(nn_fit(b, ob, d, &f, NULL), NN_OK);
    ck_assert_int_eq(nn_model_save_with(b, ob, path), NN_OK);
    nn_optim *oc = NULL;
    nn_model *c = nn_model_load_with(path, &oc);
    ck_assert_msg(c != NULL && oc != NULL, "%s", nn_errmsg());
    f.initial_epoch = 2;
    f.epochs = 4;
    ck_assert_int_eq(nn_fit(c, oc, d, &f, NULL), NN_OK);
    ck_assert(!memcmp(nn_model_params(a), nn_model_params(c), nn_model_nparams(a) * sizeof(nn_real)));
    remove(path);
    nn_optim_free(oa);
    nn_optim_free(ob);
    nn_optim_free(oc);
    nn_model_free(a);
    nn_model_free(b);
    nn_model_free(c);
    nn_dataset_free(d);
}
END_TEST

/* Stops the run after batch `at` of epoch `epoch`, as Ctrl-C would. */
typedef struct stop_at {
    int epoch, batch;
} stop_at;

static int stop_cb(int epoch, int batch, int nb, double loss, void *user)
{
    (void)nb;
    (void)loss;
    const stop_at *s = user;
    return epoch == s->epoch && batch == s->batch;
}

START_TEST(resume_mid_epoch)
{
    /* A run stopped inside an epoch, saved with its optimizer and resumed at the next batch, ends where an
     * uninterrupted run ends: Adam's moments and step count, dropout's generator and the shuffle all carry. */
    const char *arch = "dense:8,relu,dropout:p=0.2,dense:3";
    nn_dataset *d = nn_dataset_generate("spirals", 90, 3, 0.1, 1);
    nn_fit_opts f = nn_fit_defaults();
    f.epochs = 3;
    f.batch_size = 16;
    f.seed = 4;
    nn_model *a = nn_model_from_spec(2, arch, NN_LOSS_SOFTMAX_XENT, 2);
    nn_optim *oa = nn_optim_parse("adam:lr=0.01");
    ck_assert_int_eq(nn_fit(a, oa, d, &f, NULL), NN_OK);

    nn_model *b = nn_model_from_spec(2, arch, NN_LOSS_SOFTMAX_XENT, 2);
    nn_optim *ob = nn_optim_parse("adam:lr=0.01");
    stop_at at = {1, 2};
    f.on_batch = stop_cb;
    f.user = &at;
    ck_assert_int_eq(nn_fit(b, ob, d, &f, NULL), NN_EINTR);
    ck_assert_int_eq(nn_model_set_meta(b, "epoch=1\nbatch=2\n"), NN_OK);
    ck_assert_int_eq(nn_model_save_with(b, ob, path), NN_OK);
    nn_optim *oc = NULL;
    nn_model *c = nn_model_load_with(path, &oc);
    ck_assert_msg(c != NULL && oc != NULL, "%s", nn_errmsg());
    ck_assert_str_eq(nn_model_meta(c), "epoch=1\nbatch=2\n");
    f.on_batch = NULL;
    f.initial_epoch = 1;
    f.initial_batch = 3;
    ck_assert_int_eq(nn_fit(c, oc, d, &f, NULL), NN_OK);
    ck_assert(!memcmp(nn_model_params(a), nn_model_params(c), nn_model_nparams(a) * sizeof(nn_real)));
    /* past the last batch of the epoch is an error, not a silent skip */
    f.initial_batch = 6;
    ck_assert_int_eq(nn_fit(c, oc, d, &f, NULL), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "initial batch"));
    remove(path);
    nn_optim_free(oa);
    nn_optim_free(ob);
    nn_optim_free(oc);
    nn_model_free(a);
    nn_model_free(b);
    nn_model_free(c);
    nn_dataset_free(d);
}
END_TEST

START_TEST(metadata)
{
    nn_model *m = nn_model_from_spec(2, "dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_str_eq(nn_model_meta(m), "");
    ck_assert_int_eq(nn_model_set_meta(m, "data=xor\nseed=3\n"), NN_OK);
    ck_assert_int_eq(nn_model_save(m, path), NN_OK);
    nn_model *b = nn_model_load(path);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(nn_model_meta(b), "data=xor\nseed=3\n");
    ck_assert_int_eq(nn_model_set_meta(b, NULL), NN_OK);
    ck_assert_str_eq(nn_model_meta(b), "");
    char *big = malloc(NN_META_MAX + 2);
    memset(big, 'x', NN_META_MAX + 1);
    big[NN_META_MAX + 1] = 0;
    ck_assert_int_eq(nn_model_set_meta(b, big), NN_EINVAL);
    free(big);
    remove(path);
    nn_model_free(m);
    nn_model_free(b);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *t = tcase_create("save-load");
    tcase_add_test(t, round_trip);
    tcase_add_test(t, damaged_files);
    tcase_add_test(t, resume_with_optimizer);
    tcase_add_test(t, resume_mid_epoch);
    tcase_add_test(t, metadata);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(io_suite)
