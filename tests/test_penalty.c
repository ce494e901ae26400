/* test_penalty.c: L1/L2 weight penalties, global (nn_fit_opts) and per layer (spec keys l1=, l2=): loss, gradient, specs, errors. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#define IN 3
#define OUT 2
#define ROWS 4

static void batch(nn_real *x, nn_real *y)
{
    for (int i = 0; i < ROWS * IN; i++) x[i] = (nn_real)(0.3 * i - 1.1);
    for (int i = 0; i < ROWS; i++) y[i] = (nn_real)(i % OUT);
}

/* Loss and gradient of one step of a model built from arch (lr 0, so nothing moves). */
static double step_of(const char *arch, nn_real *grads, nn_real *params, size_t *n)
{
    nn_model *m = nn_model_from_spec(IN, arch, NN_LOSS_SOFTMAX_XENT, 5);
    ck_assert_msg(m != NULL, "%s: %s", arch, nn_errmsg());
    nn_optim *o = nn_optim_sgd(0, 0, 0, 0, 0);
    nn_real x[ROWS * IN], y[ROWS];
    batch(x, y);
    double loss;
    ck_assert_int_eq(nn_train_step(m, o, x, y, ROWS, &loss), NN_OK);
    *n = nn_model_nparams(m);
    memcpy(grads, nn_model_grads(m), *n * sizeof *grads);
    memcpy(params, nn_model_params(m), *n * sizeof *params);
    nn_optim_free(o);
    nn_model_free(m);
    return loss;
}

static double sgn(double v) { return (v > 0) - (v < 0); }

START_TEST(per_layer_loss_and_gradient)
{
    /* Same seed, same weights: the penalised model differs by exactly l1*sum|w| + l2*sum w^2 and its gradient. */
    nn_real g0[64], p0[64], g1[64], p1[64];
    size_t n0, n1;
    double plain = step_of("dense:2", g0, p0, &n0);
    double pen = step_of("dense:2:l1=0.01,l2=0.5", g1, p1, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert_mem_eq(p0, p1, n0 * sizeof *p0);
    size_t nw = IN * OUT;
    double s1 = 0, s2 = 0;
    for (size_t k = 0; k < nw; k++) {
        s1 += fabs((double)p0[k]);
        s2 += (double)p0[k] * p0[k];
        double want = g0[k] + 0.01 * sgn(p0[k]) + 2 * 0.5 * p0[k];
        ck_assert_msg(fabs(g1[k] - want) < TOL_GRAD, "weight %zu: %g vs %g", k, (double)g1[k], want);
    }
    for (size_t k = nw; k < n0; k++) ck_assert(g1[k] == g0[k]); /* biases are not penalised */
    ck_assert_double_eq_tol(pen, plain + 0.01 * s1 + 0.5 * s2, 1e-5);
}
END_TEST

START_TEST(layer_overrides_global)
{
    /* Global l2 on every weight; the first layer's own l2=0 exempts it. */
    const char *arch = "dense:4:l2=0,tanh,dense:2";
    nn_model *m = nn_model_from_spec(IN, arch, NN_LOSS_SOFTMAX_XENT, 9);
    nn_model *ref = nn_model_from_spec(IN, "dense:4,tanh,dense:2", NN_LOSS_SOFTMAX_XENT, 9);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(ref);
    nn_real x[ROWS * IN], y[ROWS];
    batch(x, y);
    nn_dataset d = {.rows = ROWS, .cols = IN, .x = x, .y = y, .nclasses = OUT};
    nn_fit_opts fo = nn_fit_defaults();
    fo.epochs = 1;
    fo.batch_size = ROWS;
    fo.shuffle = 0;
    fo.l2 = 0.25;
    nn_optim *o = nn_optim_sgd(0, 0, 0, 0, 0), *o2 = nn_optim_sgd(0, 0, 0, 0, 0);
    nn_history h, h2;
    ck_assert_int_eq(nn_fit(m, o, &d, &fo, &h), NN_OK);
    fo.l2 = 0;
    ck_assert_int_eq(nn_fit(ref, o2, &d, &fo, &h2), NN_OK);
    size_t n1, n2;
    const nn_real *w2 = nn_model_layer_params(ref, 2, &n2);
    nn_model_layer_params(m, 0, &n1);
    double s2 = 0;
    for (int k = 0; k < 4 * OUT; k++) s2 += (double)w2[k] * w2[k];
    ck_assert_double_eq_tol(h.epochs[0].loss, h2.epochs[0].loss + 0.25 * s2, 1e-5);
    const nn_real *ga = nn_model_layer_grads(m, 0, &n1), *gb = nn_model_layer_grads(ref, 0, &n2);
    ck_assert_mem_eq(ga, gb, n1 * sizeof *ga);
    nn_history_free(&h);
    nn_history_free(&h2);
    nn_optim_free(o);
    nn_optim_free(o2);
    nn_model_free(m);
    nn_model_free(ref);
}
END_TEST

START_TEST(spec_round_trip)
{
    nn_model *m = nn_model_from_spec(IN, "dense:4:init=he_normal,l2=1e-4,relu,maxout:2:k=3,l1=0.001,dense:2",
                                     NN_LOSS_SOFTMAX_XENT, 1);
    ck_assert_msg(m != NULL, "%s", nn_errmsg());
    char spec[512];
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, "dense:4:init=he_normal,l2=0.0001,relu,maxout:2:k=3,l1=0.001,dense:2");
    nn_model *back = nn_test_save_load(m);
    char spec2[512];
    nn_model_spec(back, spec2, sizeof spec2);
    ck_assert_str_eq(spec, spec2);
    nn_model_free(back);
    nn_model_free(m);
    m = nn_model_from_spec(IN, "dense:4:l1=0.5", NN_LOSS_SOFTMAX_XENT, 1);
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, "dense:4:l1=0.5");
    nn_model_free(m);
}
END_TEST

START_TEST(bad_penalties)
{
    const char *bad[] = {"dense:4:l2=-1", "dense:4:l1=abc", "dropout:p=0.5,l2=0.1", "batchnorm:l1=0.1", "relu:l2=0.1"};
    const char *want[] = {"l2", "l1", "weights", "weights", "l2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nn_model *m = nn_model_new(IN, 1);
        ck_assert_int_eq(nn_model_add_arch(m, bad[i]), NN_EINVAL);
        ck_assert_msg(strstr(nn_errmsg(), want[i]) != NULL, "%s: %s", bad[i], nn_errmsg());
        nn_model_free(m);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("penalty");
    TCase *t = tcase_create("penalty");
    tcase_add_test(t, per_layer_loss_and_gradient);
    tcase_add_test(t, layer_overrides_global);
    tcase_add_test(t, spec_round_trip);
    tcase_add_test(t, bad_penalties);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(make_suite)
