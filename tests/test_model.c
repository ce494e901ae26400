/* test_model.c: dense, maxout and the loss heads: gradient checks, exact values, shape and spec errors. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include "testutil.h"
#include "loss.h"
#include "model_internal.h"

static void random_batch(nn_real *x, nn_real *y, int rows, int cols, int classes, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (int i = 0; i < rows * cols; i++) x[i] = (nn_real)nn_rng_normal(&r);
    for (int i = 0; i < rows; i++) y[i] = classes ? (nn_real)nn_rng_below(&r, (uint32_t)classes) : (nn_real)nn_rng_normal(&r);
}

/* Gradient check of a whole model on a random batch; every layer and the inputs within TOL_GRAD. */
static void check_model_tol(const char *arch, nn_loss loss, int inputs, int rows, int classes, uint64_t seed,
                            double eps, double tol)
{
    nn_model *m = nn_model_from_spec(inputs, arch, loss, seed);
    ck_assert_msg(m != NULL, "%s: %s", arch, nn_errmsg());
    nn_real x[64 * 16], y[64];
    random_batch(x, y, rows, inputs, classes, seed + 1);
    double err[16], xerr, worst;
    ck_assert_int_eq(nn_model_gradcheck(m, x, y, rows, eps, err, &xerr, &worst), NN_OK);
    for (int i = 0; i < nn_model_nlayers(m); i++)
        ck_assert_msg(err[i] <= tol, "%s (%s, batch %d, seed %d): layer %d relative error %g", arch,
                      nn_loss_name(loss), rows, (int)seed, i + 1, err[i]);
    ck_assert_msg(xerr <= tol, "%s: input relative error %g", arch, xerr);
    nn_model_free(m);
}

static void check_model_eps(const char *arch, nn_loss loss, int inputs, int rows, int classes, uint64_t seed,
                            double eps)
{
    check_model_tol(arch, loss, inputs, rows, classes, seed, eps, TOL_GRAD);
}

static void check_model(const char *arch, nn_loss loss, int inputs, int rows, int classes, uint64_t seed)
{
    check_model_eps(arch, loss, inputs, rows, classes, seed, GRAD_EPS);
}

START_TEST(grad_dense_heads)
{
    int batches[] = {1, 3, 8};
    for (int b = 0; b < 3; b++) {
        check_model("dense:5,dense:4", NN_LOSS_SOFTMAX_XENT, 3, batches[b], 4, 10 + b);
        check_model("dense:3,dense:1", NN_LOSS_SIGMOID_BCE, 4, batches[b], 2, 20 + b);
        check_model("dense:6,dense:2", NN_LOSS_MSE, 2, batches[b], 2, 30 + b); /* one-hot targets */
        check_model("dense:6,dense:1", NN_LOSS_MSE, 2, batches[b], 0, 35 + b);   /* real targets */
        check_model("dense:3", NN_LOSS_MSE, 5, batches[b], 3, 40 + b);
    }
}
END_TEST

START_TEST(grad_maxout)
{
    /* Maxout is piecewise linear: the step must stay below the gap between competing pieces, or the
     * difference quotient straddles a switch of the arg-max (float's default 1e-2 does, here). */
    double eps = GRAD_EPS < 1e-3 ? GRAD_EPS : 1e-3;
    check_model_eps("maxout:4:k=3,dense:3", NN_LOSS_SOFTMAX_XENT, 3, 1, 3, 50, eps);
    check_model_eps("maxout:5,maxout:3:k=4,dense:2", NN_LOSS_SOFTMAX_XENT, 4, 7, 2, 51, eps);
}
END_TEST

START_TEST(grad_regularised_model)
{
    /* Batch normalisation and dropout inside a whole model: the check replays the dropout mask, and leaves the
     * running statistics where they were. */
    const char *arch = "dense:5,batchnorm,tanh,dropout:p=0.3,dense:3";
    check_model(arch, NN_LOSS_SOFTMAX_XENT, 4, 6, 3, 60);
    nn_model *m = nn_model_from_spec(4, arch, NN_LOSS_SOFTMAX_XENT, 61);
    ck_assert_ptr_nonnull(m);
    nn_real x[6 * 4], y[6];
    random_batch(x, y, 6, 4, 3, 62);
    ck_assert_int_eq(nn_model_forward(m, x, 6, 1, NULL), NN_OK); /* moves the running statistics off 0 / 1 */
    size_t ns = nn_model_nstate(m);
    ck_assert_uint_eq(ns, 10);
    nn_real before[10];
    memcpy(before, nn_model_state(m), sizeof before);
    double worst;
    ck_assert_int_eq(nn_model_gradcheck(m, x, y, 6, GRAD_EPS, NULL, NULL, &worst), NN_OK);
    ck_assert_mem_eq(before, nn_model_state(m), sizeof before);
    nn_model_free(m);
}
END_TEST

/* Kinked nets (relu, maxout, hardtanh, srelu) on 20 seeds each, at the step and tolerance `nnlab gradcheck`
 * uses by default: a kink within the step of some pre-activation is common here (without the smaller and
 * one-sided steps, 38 of 40 seeds failed on the first net in float), and must not fail the check. In double
 * the tests' usual 1e-6 step leaves the smallest gradients (1e-6) to rounding; gradcheck's 3e-5 does not. */
START_TEST(grad_kinked_nets)
{
    double eps = sizeof(nn_real) == sizeof(double) ? 3e-5 : 1e-2, tol = sizeof(nn_real) == sizeof(double) ? 1e-5 : 5e-2;
    const char *archs[] = {"dense:16,relu,dense:16,relu,dense:3", "dense:8,relu,maxout:4:k=3,prelu,dense:3",
                           "dense:8,hardtanh,dense:3", "dense:8,srelu,dense:3"};
    for (int a = 0; a < 4; a++)
        for (uint64_t seed = 1; seed <= 20; seed++)
            check_model_tol(archs[a], NN_LOSS_SOFTMAX_XENT, 4, 8, 3, seed, eps, tol);
}
END_TEST

/* A backward made wrong on purpose: the check must catch it on every seed. */
static const nn_layer_ops *true_ops;
static int wrong_kind;
static void wrong_backward(nn_layer *L, const nn_tensor *x, const nn_tensor *dy, nn_tensor *dx)
{
    true_ops->backward(L, x, dy, dx);
    size_t top = 0, btop = L->nweights; /* the weight and the bias with the largest gradient */
    for (size_t k = 1; k < L->nparams; k++) {
        size_t *t = k < L->nweights ? &top : &btop;
        if (fabs((double)L->grad[k]) > fabs((double)L->grad[*t])) *t = k;
    }
    if (wrong_kind == 0)
        for (size_t k = 0; k < L->nparams; k++) L->grad[k] *= (nn_real)1.3; /* every gradient 30 % off */
    else if (wrong_kind == 1) L->grad[top] = 0;                                 /* one weight's gradient lost */
    else if (wrong_kind == 2) L->grad[btop] = -L->grad[btop];                  /* a bias gradient's sign */
    else if (wrong_kind == 3)
        for (int j = 0; j < dx->cols; j++) dx->data[j] = -dx->data[j]; /* dx's sign on the first row */
    else L->grad[top] = (nn_real)NAN;                                  /* a NaN */
}

/* The worst relative error of gradcheck on arch with layer `layer`'s backward made wrong (wrong_kind), on a
 * random batch of 8 rows scaled by `scale`. */
static double wrong_check(const char *arch, int layer, double scale, uint64_t seed)
{
    nn_model *m = nn_model_from_spec(4, arch, NN_LOSS_SOFTMAX_XENT, seed);
    ck_assert_ptr_nonnull(m);
    nn_real x[8 * 4], y[8];
    random_batch(x, y, 8, 4, 3, seed + 1);
    for (int i = 0; i < 8 * 4; i++) x[i] *= (nn_real)scale;
    ck_assert_int_eq(nn_model_build(m), NN_OK);
    nn_layer *L = &m->layers[layer];
    nn_layer_ops wrong = *L->ops;
    true_ops = L->ops;
    wrong.backward = wrong_backward;
    L->ops = &wrong;
    double err[5], xerr, worst;
    ck_assert_int_eq(nn_model_gradcheck(m, x, y, 8, GRAD_EPS, err, &xerr, &worst), NN_OK);
    L->ops = true_ops;
    nn_model_free(m);
    return worst;
}

START_TEST(grad_wrong_backward_fails)
{
    for (wrong_kind = 0; wrong_kind < 5; wrong_kind++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            /* the middle dense layer */
            double worst = wrong_check("dense:16,relu,dense:16,relu,dense:3", 2, 1, seed);
            ck_assert_msg(worst > 5 * TOL_GRAD, "wrong backward %d, seed %d: worst relative error %g", wrong_kind,
                          (int)seed, worst);
        }
    /* Inputs of 4e4: in float the smallest steps round to nothing there (a 0 / 0 quotient), which must not
     * pass a wrong input gradient. */
    wrong_kind = 3;
    ck_assert_msg(wrong_check("dense:3", 0, 4e4, 1) > 5 * TOL_GRAD, "large inputs: a wrong dx passed");
}
END_TEST

START_TEST(maxout_ties_first)
{
    /* Two identical pieces: the gradient must go to piece 0 only. */
    nn_model *m = nn_model_from_spec(1, "maxout:1:k=2", NN_LOSS_MSE, 1);
    nn_real *p = nn_model_params(m); /* W (1 x 2), b (2) */
    p[0] = p[1] = 2;
    p[2] = p[3] = 0;
    nn_real x = 1, y = 0;
    const nn_tensor *out;
    ck_assert_int_eq(nn_model_forward(m, &x, 1, 1, &out), NN_OK);
    ck_assert_close(out->data[0], 2, TOL_VAL);
    ck_assert_int_eq(nn_model_loss(m, &y, NULL, NULL), NN_OK);
    nn_model_zero_grad(m);
    ck_assert_int_eq(nn_model_backward(m), NN_OK);
    nn_real *g = nn_model_grads(m);
    ck_assert_close(g[0], 4, TOL_VAL); /* dL/dW0 = 2 (z - y) x */
    ck_assert_close(g[1], 0, TOL_VAL);
    ck_assert_close(g[2], 4, TOL_VAL);
    ck_assert_close(g[3], 0, TOL_VAL);
    nn_model_free(m);
}
END_TEST

START_TEST(dense_forward_exact)
{
    nn_model *m = nn_model_from_spec(2, "dense:2", NN_LOSS_NONE, 1);
    nn_real *p = nn_model_params(m); /* W = [[1, 2], [3, 4]] (in x out), b = [0.5, -1] */
    nn_real v[] = {1, 2, 3, 4, 0.5, -1};
    memcpy(p, v, sizeof v);
    nn_real x[] = {1, -1, 2, 0.5};
    const nn_tensor *y;
    ck_assert_int_eq(nn_model_forward(m, x, 2, 0, &y), NN_OK);
    ck_assert_close(y->data[0], 1 * 1 - 1 * 3 + 0.5, TOL_VAL);
    ck_assert_close(y->data[1], 1 * 2 - 1 * 4 - 1, TOL_VAL);
    ck_assert_close(y->data[2], 2 * 1 + 0.5 * 3 + 0.5, TOL_VAL);
    ck_assert_close(y->data[3], 2 * 2 + 0.5 * 4 - 1, TOL_VAL);
    nn_model_free(m);
}
END_TEST

START_TEST(softmax_xent_extreme)
{
    nn_tensor *z = nn_tensor_new(2, 3), *dz = nn_tensor_new(2, 3);
    nn_real v[] = {1000, -1000, 0, -1000, 1000, 1000};
    memcpy(z->data, v, sizeof v);
    nn_real y[] = {1, 0};
    double loss;
    int correct;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SOFTMAX_XENT, z, y, dz, &loss, &correct), NN_OK);
    /* row 0: lse = 1000, loss 2000; row 1: lse = 1000 + log 2, loss 2000 + log 2 */
    ck_assert_close(loss, (2000 + 2000 + log(2.0)) / 2, 1e-6);
    ck_assert_int_eq(correct, 0);
    for (int i = 0; i < 6; i++) ck_assert(isfinite(dz->data[i]));
    ck_assert_close(dz->data[0], 0.5, TOL_VAL);  /* (1 - 0) / 2 */
    ck_assert_close(dz->data[1], -0.5, TOL_VAL); /* (0 - 1) / 2 */
    ck_assert_close(dz->data[3], -0.5, TOL_VAL);
    ck_assert_close(dz->data[4], 0.25, TOL_VAL);
    nn_real w[] = {2, 1, 0.5, 0, 0, 0};
    memcpy(z->data, w, sizeof w);
    nn_real yy[] = {0, 2};
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SOFTMAX_XENT, z, yy, NULL, &loss, NULL), NN_OK);
    double lse = log(exp(2.0) + exp(1.0) + exp(0.5));
    ck_assert_close(loss, ((lse - 2) + log(3.0)) / 2, TOL_VAL * 10);
    nn_tensor_free(z);
    nn_tensor_free(dz);
}
END_TEST

START_TEST(bce_extreme)
{
    nn_tensor *z = nn_tensor_new(4, 1), *dz = nn_tensor_new(4, 1);
    nn_real v[] = {100, -100, 100, -100}, y[] = {0, 1, 1, 0};
    memcpy(z->data, v, sizeof v);
    double loss;
    int correct;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SIGMOID_BCE, z, y, dz, &loss, &correct), NN_OK);
    ck_assert_close(loss, 200.0 / 4, 1e-6);
    ck_assert_int_eq(correct, 2);
    ck_assert_close(dz->data[0], 0.25, TOL_VAL);
    ck_assert_close(dz->data[1], -0.25, TOL_VAL);
    ck_assert(fabs(dz->data[2]) < 1e-30 && dz->data[2] <= 0);
    ck_assert(dz->data[3] >= 0 && dz->data[3] < 1e-30);
    /* Teaching values: z = -1, y = 1 -> ln(1 + e) */
    z->rows = dz->rows = 1;
    z->data[0] = -1;
    nn_real t = 1;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SIGMOID_BCE, z, &t, dz, &loss, NULL), NN_OK);
    ck_assert_close(loss, log1p(exp(1.0)), TOL_VAL);
    ck_assert_close(dz->data[0], 1 / (1 + exp(1.0)) - 1, TOL_VAL);
    nn_tensor_free(z);
    nn_tensor_free(dz);
}
END_TEST

START_TEST(mse_exact)
{
    nn_tensor *z = nn_tensor_new(2, 2), *dz = nn_tensor_new(2, 2);
    nn_real v[] = {1, 0, 0.5, 0.25}, y[] = {0, 1};
    memcpy(z->data, v, sizeof v);
    double loss;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_MSE, z, y, dz, &loss, NULL), NN_OK);
    /* targets one-hot: [1,0], [0,1] -> squared errors 0, 0, 0.25, 0.5625 */
    ck_assert_close(loss, (0.25 + 0.5625) / 4, TOL_VAL);
    ck_assert_close(dz->data[2], 2 * 0.5 / 4, TOL_VAL);
    ck_assert_close(dz->data[3], 2 * -0.75 / 4, TOL_VAL);
    nn_tensor_free(z);
    nn_tensor_free(dz);
}
END_TEST

START_TEST(loss_formulas)
{
    /* one text per head, naming its gradient; none has none */
    for (nn_loss l = NN_LOSS_SOFTMAX_XENT; l < NN_LOSS_COUNT; l++)
        ck_assert_msg(strstr(nn_loss_formula(l), "dL/dz"), "%s: '%s'", nn_loss_name(l), nn_loss_formula(l));
    ck_assert_str_eq(nn_loss_formula(NN_LOSS_NONE), "");
    ck_assert_str_eq(nn_loss_formula(NN_LOSS_COUNT), "");
}
END_TEST

START_TEST(bad_labels)
{
    nn_tensor *z = nn_tensor_new(2, 3);
    nn_real y[] = {0, 3};
    double loss;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SOFTMAX_XENT, z, y, NULL, &loss, NULL), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "row 1"));
    y[1] = 1.5;
    ck_assert_int_eq(nn_loss_eval(NN_LOSS_SOFTMAX_XENT, z, y, NULL, &loss, NULL), NN_EINVAL);
    nn_tensor_free(z);
}
END_TEST

START_TEST(shape_errors)
{
    ck_assert_ptr_null(nn_model_new(0, 1));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "input"));
    nn_model *m = nn_model_new(4, 1);
    ck_assert_int_eq(nn_model_add(m, "dense:0"), NN_EINVAL);
    ck_assert_int_eq(nn_model_add(m, "dense"), NN_EINVAL);
    ck_assert_int_eq(nn_model_add(m, "dense:x"), NN_EINVAL);
    ck_assert_int_eq(nn_model_add(m, "dense:3:foo=1"), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "foo"));
    ck_assert_int_eq(nn_model_add(m, "dense:3:init=bogus"), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "bogus"));
    ck_assert_int_eq(nn_model_add(m, "conv:3"), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "conv"));
    ck_assert_int_eq(nn_model_add(m, "dense:3"), NN_OK);
    ck_assert_int_eq(nn_model_set_loss(m, NN_LOSS_SIGMOID_BCE), NN_ESHAPE);
    ck_assert_int_eq(nn_model_add(m, "dense:1"), NN_OK);
    ck_assert_int_eq(nn_model_set_loss(m, NN_LOSS_SIGMOID_BCE), NN_OK);
    ck_assert_int_eq(nn_model_add(m, "dense:2"), NN_ESHAPE);
    ck_assert_int_eq(nn_model_nlayers(m), 2);
    /* forward with no rows, backward before forward, loss without labels */
    nn_real x[8] = {0};
    ck_assert_int_eq(nn_model_forward(m, x, 0, 0, NULL), NN_ESHAPE);
    ck_assert_int_eq(nn_model_backward(m), NN_EINVAL);
    ck_assert_int_eq(nn_model_forward(m, x, 2, 0, NULL), NN_OK);
    ck_assert_int_eq(nn_model_backward(m), NN_EINVAL); /* eval-mode forward records nothing */
    ck_assert_int_eq(nn_model_add(m, "dense:1"), NN_EINVAL); /* built */
    nn_model_free(m);
    nn_model_free(NULL);
    /* A data set of the wrong width fails at evaluation with a shape error. */
    m = nn_model_from_spec(3, "dense:2", NN_LOSS_SOFTMAX_XENT, 1);
    nn_dataset *d = nn_dataset_new(4, 5);
    double l;
    ck_assert_int_eq(nn_evaluate(m, d, 0, &l, NULL), NN_ESHAPE);
    nn_dataset_free(d);
    nn_model_free(m);
}
END_TEST

START_TEST(softmax_head_refused)
{
    /* The Keras habit (softmax, then categorical cross-entropy) is refused with the reason and the fix. */
    ck_assert_ptr_null(nn_model_from_spec(4, "dense:8,relu,dense:3,softmax", NN_LOSS_SOFTMAX_XENT, 1));
    ck_assert_msg(strstr(nn_errmsg(), "already applies softmax") && strstr(nn_errmsg(), "remove it"), "%s",
                  nn_errmsg());
    ck_assert_ptr_null(nn_model_from_spec(4, "dense:3,log_softmax", NN_LOSS_SOFTMAX_XENT, 1));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "log_softmax"));
    /* Either order: the loss first, the layer after: refused at the first use. */
    nn_model *m = nn_model_new(4, 1);
    ck_assert_int_eq(nn_model_set_loss(m, NN_LOSS_SOFTMAX_XENT), NN_OK);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:3,softmax"), NN_OK);
    ck_assert_ptr_null(nn_model_params(m));
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "already applies softmax"));
    ck_assert_int_eq(nn_model_set_loss(m, NN_LOSS_MSE), NN_OK); /* softmax outputs under mse are legitimate */
    ck_assert_ptr_nonnull(nn_model_params(m));
    ck_assert_int_eq(nn_model_set_loss(m, NN_LOSS_SOFTMAX_XENT), NN_EINVAL);
    ck_assert_int_eq(nn_model_loss_kind(m), NN_LOSS_MSE);
    nn_model_free(m);
}
END_TEST

START_TEST(arch_grammar)
{
    nn_model *m = nn_model_new(2, 1);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:8,maxout:4:k=3,dense:3"), NN_OK);
    char spec[256];
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, "dense:8,maxout:4:k=3,dense:3");
    ck_assert_int_eq(nn_model_outputs(m), 3);
    ck_assert_uint_eq(nn_model_nparams(m), (2 * 8 + 8) + (8 * 12 + 12) + (4 * 3 + 3));
    nn_model_free(m);
    m = nn_model_new(2, 1);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:8,,dense:3"), NN_EINVAL);
    nn_model_free(m);
    m = nn_model_new(2, 1);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:8,"), NN_EINVAL);
    nn_model_free(m);
    m = nn_model_new(2, 1);
    ck_assert_int_eq(nn_model_add_arch(m, "dense:8:init=he_uniform,dense:1:init=zeros"), NN_OK);
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, "dense:8:init=he_uniform,dense:1:init=zeros");
    nn_real *p = nn_model_params(m);
    for (int i = 0; i < 9; i++) ck_assert(p[8 * 3 + i] == 0);
    nn_model_free(m);
}
END_TEST

START_TEST(init_scales)
{
    /* Xavier uniform for a linear layer: every weight within sqrt(6 / (fan_in + fan_out)). */
    nn_model *m = nn_model_from_spec(100, "dense:50", NN_LOSS_NONE, 3);
    nn_real *p = nn_model_params(m);
    double a = sqrt(6.0 / 150), s2 = 0;
    for (int i = 0; i < 5000; i++) {
        ck_assert(fabs(p[i]) <= a);
        s2 += p[i] * p[i];
    }
    ck_assert_close(s2 / 5000, a * a / 3, 0.1);
    nn_model_free(m);
    m = nn_model_from_spec(200, "dense:100:init=he_normal", NN_LOSS_NONE, 3);
    p = nn_model_params(m);
    s2 = 0;
    for (int i = 0; i < 20000; i++) s2 += p[i] * p[i];
    ck_assert_close(s2 / 20000, 2.0 / 200, 0.05);
    nn_model_free(m);
}
END_TEST

/* Every value within +-bound, the largest near it, and their mean square within `margin` (relative) of a uniform's bound^2 / 3. */
static void check_uniform(const nn_real *v, size_t n, double bound, double margin)
{
    double s2 = 0, top = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(fabs(v[i]) <= bound, "value %zu = %g beyond the bound %g", i, (double)v[i], bound);
        top = fmax(top, fabs(v[i]));
        s2 += (double)v[i] * v[i];
    }
    /* n draws all below (1 - 30/n) of the bound happen with probability e^-30. */
    ck_assert_msg(top >= bound * (1 - 30.0 / n), "largest value %g, bound %g", top, bound);
    /* The mean square of n uniform draws has a relative spread of sqrt(0.8 / n): margins here are >= 5 of those. */
    ck_assert_msg(fabs(s2 / n / (bound * bound / 3) - 1) < margin, "mean square %g, expected %g", s2 / n,
                  bound * bound / 3);
}

/* init=torch is torch.nn.Linear's reset_parameters: W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); init=keras is
 * Dense's glorot_uniform kernel and zero bias. The same for maxout, whose fans are inputs and units. */
START_TEST(init_frameworks)
{
    /* 100 inputs and 400 weight columns each: dense 400 units, maxout 100 units of 4 pieces (fan_out 100). */
    static const struct {
        const char *spec;
        double wbound; /* weights in +-wbound */
        int torch_bias; /* biases in +-0.1 (1/sqrt(fan_in)), else all 0 */
    } cases[] = {
        {"dense:400:init=torch", 0.1, 1},
        {"dense:400:init=keras", 0.10954451150103323 /* sqrt(6 / 500) */, 0},
        {"maxout:100:k=4,init=torch", 0.1, 1},
        {"maxout:100:k=4,init=keras", 0.17320508075688773 /* sqrt(6 / 200) */, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        nn_model *m = nn_model_from_spec(100, cases[c].spec, NN_LOSS_NONE, 5);
        ck_assert_msg(m != NULL, "%s: %s", cases[c].spec, nn_errmsg());
        nn_real *p = nn_model_params(m);
        check_uniform(p, 40000, cases[c].wbound, 0.05);
        if (cases[c].torch_bias) check_uniform(p + 40000, 400, 0.1, 0.3);
        else
            for (int j = 0; j < 400; j++) ck_assert(p[40000 + j] == 0);
        nn_model_free(m);
    }
}
END_TEST

/* nn_model_set_init (the CLI's --init) fills in the layers with weights that name no initialiser; the spec it
 * leaves behind builds the same model, and survives a model file. */
START_TEST(set_init_round_trip)
{
    const char *arch = "dense:8,relu,dense:4:init=zeros,maxout:3:k=2,batchnorm,dense:2:init=auto";
    const char *want = "dense:8:init=torch,relu,dense:4:init=zeros,maxout:3:k=2,init=torch,batchnorm,dense:2:init=torch";
    nn_model *m = nn_model_from_spec(5, arch, NN_LOSS_SOFTMAX_XENT, 9);
    ck_assert_int_eq(nn_model_set_init(m, NN_INIT_AUTO), NN_OK);
    char spec[512], back[512];
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, "dense:8,relu,dense:4:init=zeros,maxout:3:k=2,batchnorm,dense:2");
    ck_assert_int_eq(nn_model_set_init(m, NN_INIT_TORCH), NN_OK);
    nn_model_spec(m, spec, sizeof spec);
    ck_assert_str_eq(spec, want);
    nn_model *r = nn_model_from_spec(5, spec, NN_LOSS_SOFTMAX_XENT, 9);
    ck_assert_ptr_nonnull(r);
    nn_model_spec(r, back, sizeof back);
    ck_assert_str_eq(back, want);
    size_t n = nn_model_nparams(m);
    const nn_real *a = nn_model_params(m), *b = nn_model_params(r);
    for (size_t i = 0; i < n; i++) ck_assert(a[i] == b[i]);
    /* Its weights are drawn at the first use: setting it afterwards would change nothing. */
    ck_assert_int_eq(nn_model_set_init(m, NN_INIT_KERAS), NN_EINVAL);
    nn_model *l = nn_test_save_load(m);
    nn_model_spec(l, back, sizeof back);
    ck_assert_str_eq(back, want);
    const nn_real *c = nn_model_params(l);
    for (size_t i = 0; i < n; i++) ck_assert(a[i] == c[i]);
    nn_model_free(l);
    nn_model_free(r);
    nn_model_free(m);
    nn_init i;
    ck_assert_int_eq(nn_init_parse("keras", &i), NN_OK);
    ck_assert_int_eq(i, NN_INIT_KERAS);
    ck_assert_str_eq(nn_init_name(NN_INIT_TORCH), "torch");
    ck_assert_int_eq(nn_init_parse("torh", &i), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "did you mean 'torch'?"));
    m = nn_model_new(3, 1);
    ck_assert_int_eq(nn_model_add(m, "batchnorm:init=torch"), NN_EINVAL);
    ck_assert_int_eq(nn_model_add(m, "relu:init=torch"), NN_EINVAL);
    ck_assert_int_eq(nn_model_add(m, "dense:3:init=torch,foo=1"), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "valid: init, l1, l2"));
    nn_model_free(m);
}
END_TEST

/* Layer kinds and activations are asked of the library, not read from kind strings. */
START_TEST(layer_types)
{
    nn_model *m = nn_model_from_spec(3, "dense:4,elu:alpha=0.5,maxout:3:k=2,batchnorm,dropout:p=0.1,dense:2,softmax",
                                     NN_LOSS_NONE, 1);
    ck_assert_ptr_nonnull(m);
    static const nn_layer_type want[] = {NN_LAYER_DENSE, NN_LAYER_ACT, NN_LAYER_MAXOUT, NN_LAYER_BATCHNORM,
                                         NN_LAYER_DROPOUT, NN_LAYER_DENSE, NN_LAYER_SOFTMAX};
    ck_assert_int_eq(nn_model_nlayers(m), 7);
    for (int i = 0; i < 7; i++) ck_assert_int_eq(nn_model_layer_type(m, i), want[i]);
    ck_assert_int_eq(nn_model_layer_type(m, 7), NN_LAYER_NONE);
    ck_assert_int_eq(nn_model_layer_type(m, -1), NN_LAYER_NONE);
    nn_act a;
    ck_assert(nn_model_layer_act(m, 1, &a));
    ck_assert_int_eq(a.id, NN_ACT_ELU);
    ck_assert(a.p[0] == (nn_real)0.5);
    ck_assert(!nn_model_layer_act(m, 0, &a) && !nn_model_layer_act(m, 9, NULL));
    nn_model_free(m);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *t = tcase_create("core");
    tcase_add_test(t, grad_dense_heads);
    tcase_add_test(t, layer_types);
    tcase_add_test(t, grad_maxout);
    tcase_add_test(t, grad_kinked_nets);
    tcase_add_test(t, grad_wrong_backward_fails);
    tcase_add_test(t, grad_regularised_model);
    tcase_add_test(t, maxout_ties_first);
    tcase_add_test(t, dense_forward_exact);
    tcase_add_test(t, softmax_xent_extreme);
    tcase_add_test(t, bce_extreme);
    tcase_add_test(t, mse_exact);
    tcase_add_test(t, loss_formulas);
    tcase_add_test(t, bad_labels);
    tcase_add_test(t, shape_errors);
    tcase_add_test(t, softmax_head_refused);
    tcase_add_test(t, arch_grammar);
    tcase_add_test(t, init_scales);
    tcase_add_test(t, init_frameworks);
    tcase_add_test(t, set_init_round_trip);
    suite_add_tcase(s, t);
    return s;
}

NN_TEST_MAIN(model_suite)
