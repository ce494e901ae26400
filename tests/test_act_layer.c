/* test_act_layer.c: the activation and softmax layers through the layer interface: parameter and input gradients, rrelu's slopes. */
#include <string.h>
#include "testutil.h"
#include "layer.h"

enum { ROWS = 5, COLS = 4 };

typedef struct fixture {
    nn_layer L;
    nn_real *param, *grad;
    nn_tensor x, dy, dx;
    nn_rng rng;
} fixture;

static void setup_layer(fixture *f, const char *spec)
{
    memset(f, 0, sizeof *f);
    f->L.in = COLS;
    if (!strcmp(spec, "softmax") || !strcmp(spec, "log_softmax")) {
        nn_spec sp;
        ck_assert_int_eq(nn_spec_parse(spec, &sp), NN_OK);
        ck_assert_int_eq((spec[0] == 's' ? nn_softmax_create : nn_log_softmax_create)(&f->L, &sp), NN_OK);
    } else {
        nn_act a;
        ck_assert_msg(nn_act_parse(spec, &a) == NN_OK, "%s: %s", spec, nn_errmsg());
        ck_assert_int_eq(nn_act_layer_create(&f->L, &a), NN_OK);
    }
    ck_assert_int_eq(f->L.out, COLS);
    f->param = calloc(f->L.nparams + 1, sizeof(nn_real));
    f->grad = calloc(f->L.nparams + 1, sizeof(nn_real));
    f->L.param = f->param;
    f->L.grad = f->grad;
    ck_assert_int_eq(nn_tensor_resize(&f->L.y, ROWS, COLS), NN_OK);
    ck_assert_int_eq(nn_tensor_resize(&f->x, ROWS, COLS), NN_OK);
    ck_assert_int_eq(nn_tensor_resize(&f->dy, ROWS, COLS), NN_OK);
    ck_assert_int_eq(nn_tensor_resize(&f->dx, ROWS, COLS), NN_OK);
    nn_rng_seed(&f->rng, 7);
    if (f->L.ops->init) f->L.ops->init(&f->L, &f->rng, NN_INIT_AUTO);
    for (int i = 0; i < ROWS * COLS; i++) {
        f->x.data[i] = (nn_real)(3.0 * nn_rng_uniform(&f->rng) - 1.5);
        f->dy.data[i] = (nn_real)(nn_rng_uniform(&f->rng) - 0.5);
    }
}

static void teardown_layer(fixture *f)
{
    free(f->L.cfg);
    free(f->L.aux);
    free(f->param);
    free(f->grad);
    nn_tensor_release(&f->L.y);
    nn_tensor_release(&f->x);
    nn_tensor_release(&f->dy);
    nn_tensor_release(&f->dx);
}

/* The scalar objective sum(y * dy), whose gradient backward computes. */
static double objective(fixture *f)
{
    nn_rng r = f->rng;
    ck_assert_int_eq(f->L.ops->forward(&f->L, &f->x, 1, &r), NN_OK);
    double s = 0;
    for (int i = 0; i < ROWS * COLS; i++) s += (double)f->L.y.data[i] * f->dy.data[i];
    return s;
}

static void check_grad(nn_real *v, nn_real g, fixture *f, const char *what, int i)
{
    nn_real v0 = *v;
    double h = (double)GRAD_EPS * fmax(1, fabs((double)v0));
    *v = (nn_real)(v0 + h);
    double hp = (double)*v - v0, fp = objective(f);
    *v = (nn_real)(v0 - h);
    double hm = v0 - (double)*v, fm = objective(f);
    *v = v0;
    double num = (fp - fm) / (hp + hm);
    ck_assert_msg(fabs(g - num) <= TOL_GRAD * fmax(1, fabs(num)), "%s %d: backward %.10g, numeric %.10g", what, i,
                  (double)g, num);
}

/* Gradients of every parameter and every input against central differences. */
static void gradcheck(const char *spec, size_t want_params)
{
    fixture f;
    setup_layer(&f, spec);
    ck_assert_uint_eq(f.L.nparams, want_params);
    objective(&f);
    memset(f.grad, 0, f.L.nparams * sizeof(nn_real));
    f.L.ops->backward(&f.L, &f.x, &f.dy, &f.dx);
    nn_tensor dx = {0};
    ck_assert_int_eq(nn_tensor_resize(&dx, ROWS, COLS), NN_OK);
    memcpy(dx.data, f.dx.data, sizeof(nn_real) * ROWS * COLS);
    for (size_t k = 0; k < f.L.nparams; k++) check_grad(&f.param[k], f.grad[k], &f, spec, (int)k);
    for (int i = 0; i < ROWS * COLS; i++) check_grad(&f.x.data[i], dx.data[i], &f, "input", i);
    /* backward adds into grad, and dx = NULL gives the same parameter gradients */
    nn_real *g1 = malloc((f.L.nparams + 1) * sizeof(nn_real));
    memcpy(g1, f.grad, f.L.nparams * sizeof(nn_real));
    objective(&f);
    f.L.ops->backward(&f.L, &f.x, &f.dy, NULL);
    for (size_t k = 0; k < f.L.nparams; k++) ck_assert_close(f.grad[k], 2 * (double)g1[k], 8 * NN_REAL_EPS);
    free(g1);
    nn_tensor_release(&dx);
    teardown_layer(&f);
}

START_TEST(test_param_grads)
{
    /* parameter values chosen so that no input of the batch sits within a step of a kink */
    gradcheck("prelu", 1);
    gradcheck("prelu:shared=0,alpha=0.1", COLS);
    gradcheck("swish:learn=1,beta=1.3", 1);
    gradcheck("silu:learn=1,shared=0", COLS);
    gradcheck("srelu:t_l=-0.77,a_l=0.3,t_r=0.83,a_r=1.7", 4 * COLS);
    gradcheck("srelu:shared=1,t_l=-0.57,a_l=0.3,t_r=0.93,a_r=0.4", 4);
    gradcheck("apl:S=2,a1=0.3,b1=0.61,a2=-0.4,b2=-0.47", 4 * COLS);
    gradcheck("apl:S=3,a1=0.2,b1=0.71,a2=0.5,b2=-0.23,a3=-0.1,b3=1.17,shared=1", 6);
    gradcheck("soft_exponential:alpha=0.4", COLS);
    gradcheck("soft_exponential:alpha=-0.2,shared=1", 1);
    gradcheck("soft_exponential", COLS);
    /* fixed functions: no parameters, input gradient only */
    gradcheck("gelu", 0);
    gradcheck("elu:alpha=0.7", 0);
    gradcheck("prelu:learn=0", 0);
    gradcheck("softmax", 0);
    gradcheck("log_softmax", 0);
}
END_TEST

START_TEST(test_init_and_format)
{
    fixture f;
    setup_layer(&f, "srelu:t_l=-1,a_l=0.1");
    /* parameter-major: t_l of every unit, then a_l, t_r, a_r */
    for (int j = 0; j < COLS; j++) {
        ck_assert(f.param[j] == -1);
        ck_assert(f.param[COLS + j] == (nn_real)0.1);
        ck_assert(f.param[2 * COLS + j] == 1);
        ck_assert(f.param[3 * COLS + j] == 1);
    }
    char buf[128];
    f.L.ops->format(&f.L, buf, sizeof buf);
    ck_assert_str_eq(buf, "srelu:t_l=-1,a_l=0.1");
    ck_assert_str_eq(f.L.ops->kind, "act");
    ck_assert_int_eq(f.L.ops->wants_init(&f.L), NN_INIT_HE_NORMAL);
    ck_assert_uint_eq(f.L.nstate, 0);
    ck_assert_uint_eq(f.L.nweights, 0);
    teardown_layer(&f);
    setup_layer(&f, "selu");
    ck_assert_uint_eq(f.L.nparams, 0);
    ck_assert_int_eq(f.L.ops->wants_init(&f.L), NN_INIT_LECUN_NORMAL);
    teardown_layer(&f);
    setup_layer(&f, "log_softmax");
    f.L.ops->format(&f.L, buf, sizeof buf);
    ck_assert_str_eq(buf, "log_softmax");
    teardown_layer(&f);
    /* softmax takes no parameters */
    nn_spec sp;
    nn_layer L = {0};
    L.in = 3;
    ck_assert_int_eq(nn_spec_parse("softmax:axis=1", &sp), NN_OK);
    ck_assert_int_eq(nn_softmax_create(&L, &sp), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "softmax takes no parameters"));
    ck_assert_int_eq(nn_spec_parse("log_softmax:2", &sp), NN_OK);
    ck_assert_int_eq(nn_log_softmax_create(&L, &sp), NN_EINVAL);
    nn_act relu = nn_act_default(NN_ACT_RELU);
    relu.learn = 1;
    ck_assert_int_eq(nn_act_layer_create(&L, &relu), NN_EINVAL);
    ck_assert_ptr_nonnull(strstr(nn_errmsg(), "learn"));
}
END_TEST

START_TEST(test_softmax_rows)
{
    fixture f;
    setup_layer(&f, "softmax");
    f.x.data[0] = 1000; /* max-shifted: no overflow */
    f.x.data[1] = -1000;
    nn_rng r = f.rng;
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 0, &r), NN_OK);
    for (int i = 0; i < ROWS; i++) {
        double s = 0;
        for (int j = 0; j < COLS; j++) {
            nn_real y = f.L.y.data[i * COLS + j];
            ck_assert(y >= 0 && y <= 1);
            s += y;
        }
        ck_assert_close(s, 1, 4 * NN_REAL_EPS);
    }
    ck_assert_close(f.L.y.data[0], 1, NN_REAL_EPS);
    /* values against the formula on a plain row */
    nn_real *x1 = f.x.data + COLS;
    double m = -1e300, z = 0;
    for (int j = 0; j < COLS; j++) m = fmax(m, x1[j]);
    for (int j = 0; j < COLS; j++) z += exp(x1[j] - m);
    for (int j = 0; j < COLS; j++) ck_assert_close(f.L.y.data[COLS + j], exp(x1[j] - m) / z, TOL_VAL * 4);
    teardown_layer(&f);
    setup_layer(&f, "log_softmax");
    f.x.data[0] = 1000;
    r = f.rng;
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 0, &r), NN_OK);
    for (int i = 0; i < ROWS; i++) {
        double s = 0;
        for (int j = 0; j < COLS; j++) s += exp(f.L.y.data[i * COLS + j]);
        ck_assert_close(s, 1, 8 * NN_REAL_EPS);
    }
    teardown_layer(&f);
}
END_TEST

START_TEST(test_rrelu)
{
    fixture f;
    setup_layer(&f, "rrelu:lower=0.1,upper=0.3");
    for (int i = 0; i < ROWS * COLS; i++) f.x.data[i] = (nn_real)(i % 2 ? -1 - i : 1 + i); /* half negative */
    nn_rng r;
    nn_rng_seed(&r, 99);
    nn_real s1[ROWS * COLS], s2[ROWS * COLS];
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 1, &r), NN_OK);
    for (int i = 0; i < ROWS * COLS; i++) {
        s1[i] = f.L.y.data[i] / f.x.data[i];
        if (f.x.data[i] > 0) ck_assert(s1[i] == 1);
        else ck_assert_msg(s1[i] >= (nn_real)0.1 - 1e-6 && s1[i] <= (nn_real)0.3 + 1e-6, "slope %g", (double)s1[i]);
    }
    /* backward uses the slopes forward drew */
    f.L.ops->backward(&f.L, &f.x, &f.dy, &f.dx);
    for (int i = 0; i < ROWS * COLS; i++) ck_assert_close(f.dx.data[i], (double)f.dy.data[i] * s1[i], 4 * NN_REAL_EPS);
    /* the next call draws new slopes */
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 1, &r), NN_OK);
    int differ = 0;
    for (int i = 0; i < ROWS * COLS; i++) {
        s2[i] = f.L.y.data[i] / f.x.data[i];
        differ += s2[i] != s1[i];
    }
    ck_assert_int_ge(differ, ROWS * COLS / 2 - 1);
    /* the same seed repeats them */
    nn_rng_seed(&r, 99);
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 1, &r), NN_OK);
    for (int i = 0; i < ROWS * COLS; i++) ck_assert(f.L.y.data[i] / f.x.data[i] == s1[i]);
    /* eval mode: the mean slope, and backward follows */
    ck_assert_int_eq(f.L.ops->forward(&f.L, &f.x, 0, &r), NN_OK);
    for (int i = 0; i < ROWS * COLS; i++)
        ck_assert_close(f.L.y.data[i], f.x.data[i] > 0 ? f.x.data[i] : 0.2 * f.x.data[i], 4 * NN_REAL_EPS);
    f.L.ops->backward(&f.L, &f.x, &f.dy, &f.dx);
    for (int i = 0; i < ROWS * COLS; i++)
        ck_assert_close(f.dx.data[i], (f.x.data[i] > 0 ? 1 : 0.2) * f.dy.data[i], 4 * NN_REAL_EPS);
    /* slopes over many draws fill [lower, upper] */
    double lo = 1, hi = 0;
    for (int t = 0; t < 200; t++) {
        f.L.ops->forward(&f.L, &f.x, 1, &r);
        for (int i = 1; i < ROWS * COLS; i += 2) {
            double s = (double)f.L.y.data[i] / f.x.data[i];
            lo = fmin(lo, s);
            hi = fmax(hi, s);
        }
    }
    ck_assert(lo >= 0.1 - 1e-6 && lo < 0.11 && hi <= 0.3 + 1e-6 && hi > 0.29);
    teardown_layer(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("act_layer");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_param_grads);
    tcase_add_test(tc, test_init_and_format);
    tcase_add_test(tc, test_softmax_rows);
    tcase_add_test(tc, test_rrelu);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(suite)
