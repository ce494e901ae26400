/* test_io.c: saving and loading models: identical predictions, exact specs, damaged files refused. */
#include <stdio.h>
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
    copy[8] = 2;
    write_bytes(copy, n);
    ck_assert_ptr_null(nn_model_load(path));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "version 2"));
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

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *t = tcase_create("save-load");
    tcase_add_test(t, round_trip);
    tcase_add_test(t, damaged_files);
    tcase_add_test(t, resume_with_optimizer);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(io_suite)
