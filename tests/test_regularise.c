/* test_regularise.c: dropout, alpha dropout and batch normalisation through the layer interface: statistics, masks, gradients, running statistics, specs. */
#include <string.h>
#include "testutil.h"
#include "layer.h"

/* Relative tolerance of batch-norm values against a double-precision reference: the float kernel rounds
 * mean, invstd, alpha and shift separately, a few ulps of O(1) values. */
#ifdef NNLAB_DOUBLE
#define TOL_BN 1e-12
#else
#define TOL_BN 2e-5
#endif

/* A layer with its own parameter, gradient and state arrays, as the model would bind them. */
typedef struct lay {
    nn_layer L;
    nn_real *param, *grad, *state;
} lay;

static nn_layer_ctor ctor_of(const char *name)
{
    if (!strcmp(name, "dropout")) return nn_dropout_create;
    if (!strcmp(name, "alpha_dropout")) return nn_alpha_dropout_create;
    if (!strcmp(name, "batchnorm")) return nn_batchnorm_create;
    return NULL;
}

/* Constructor status for spec on `in` inputs; the layer is freed again on success. */
static nn_status try_create(const char *spec, int in)
{
    nn_spec sp;
    nn_layer L;
    memset(&L, 0, sizeof L);
    L.in = in;
    nn_status s = nn_spec_parse(spec, &sp);
    if (s != NN_OK) return s;
    s = ctor_of(sp.name)(&L, &sp);
    if (s == NN_OK) {
        free(L.cfg);
    }
    return s;
}

static void lay_make(lay *t, const char *spec, int in, int rows)
{
    nn_spec sp;
    memset(t, 0, sizeof *t);
    ck_assert_int_eq(nn_spec_parse(spec, &sp), NN_OK);
    t->L.in = in;
    nn_layer_ctor ctor = ctor_of(sp.name);
    ck_assert_ptr_nonnull(ctor);
    ck_assert_msg(ctor(&t->L, &sp) == NN_OK, "%s: %s", spec, nn_errmsg());
    ck_assert_int_eq(t->L.out, in);
    t->param = calloc(t->L.nparams + 1, sizeof(nn_real));
    t->grad = calloc(t->L.nparams + 1, sizeof(nn_real));
    t->state = calloc(t->L.nstate + 1, sizeof(nn_real));
    t->L.param = t->param;
    t->L.grad = t->grad;
    t->L.state = t->state;
    ck_assert_int_eq(nn_tensor_resize(&t->L.y, rows, in), NN_OK);
    if (t->L.ops->init) {
        nn_rng r;
        nn_rng_seed(&r, 1);
        t->L.ops->init(&t->L, &r, NN_INIT_AUTO);
    }
}

static void lay_free(lay *t)
{
    free(t->L.cfg);
    free(t->L.aux);
    nn_tensor_release(&t->L.y);
    free(t->param);
    free(t->grad);
    free(t->state);
}

static void fill_uniform(nn_tensor *t, int rows, int cols, double lo, double hi, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    ck_assert_int_eq(nn_tensor_resize(t, rows, cols), NN_OK);
    for (size_t i = 0; i < (size_t)rows * cols; i++) t->data[i] = (nn_real)(lo + (hi - lo) * nn_rng_uniform(&r));
}

static void fill_normal(nn_tensor *t, int rows, int cols, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    ck_assert_int_eq(nn_tensor_resize(t, rows, cols), NN_OK);
    for (size_t i = 0; i < (size_t)rows * cols; i++) t->data[i] = (nn_real)nn_rng_normal(&r);
}

enum { BIG_ROWS = 100, BIG_COLS = 1000 }; /* 100k units for the statistical checks */

/* ---------------------------------------------------------------- dropout */

START_TEST(dropout_statistics)
{
    const double p = 0.3;
    lay t;
    nn_tensor x = {0}, dy = {0}, dx = {0};
    lay_make(&t, "dropout:p=0.3", BIG_COLS, BIG_ROWS);
    ck_assert_uint_eq(t.L.nparams, 0);
    ck_assert_uint_eq(t.L.nstate, 0);
    fill_uniform(&x, BIG_ROWS, BIG_COLS, 0.5, 1.5, 11); /* never 0: a zero output means dropped */
    nn_rng rng;
    nn_rng_seed(&rng, 42);
    ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 1, &rng), NN_OK);
    size_t n = (size_t)BIG_ROWS * BIG_COLS, kept = 0;
    nn_real scale = (nn_real)1 / (nn_real)(1 - p);
    double sx = 0, sy = 0;
    for (size_t i = 0; i < n; i++) {
        nn_real y = t.L.y.data[i];
        if (y != 0) {
            kept++;
            ck_assert_msg(y == x.data[i] * scale, "kept unit %zu: %g != %g * %g", i, (double)y, (double)x.data[i],
                          (double)scale);
        }
        sx += x.data[i];
        sy += y;
    }
    /* sd of the kept fraction sqrt(p(1-p)/n) = 0.00145: 7 sd */
    ck_assert_msg(fabs((double)kept / n - (1 - p)) < 0.01, "kept fraction %g, expected %g", (double)kept / n, 1 - p);
    /* inverted dropout keeps the expectation: sd of the mean ratio ~ sqrt(p/((1-p) n)) = 0.002 */
    ck_assert_msg(fabs(sy / sx - 1) < 0.015, "mean of output / mean of input = %g", sy / sx);

    /* backward applies the same mask and scale */
    fill_uniform(&dy, BIG_ROWS, BIG_COLS, -1, 1, 12);
    ck_assert_int_eq(nn_tensor_resize(&dx, BIG_ROWS, BIG_COLS), NN_OK);
    t.L.ops->backward(&t.L, &x, &dy, &dx);
    for (size_t i = 0; i < n; i++) {
        nn_real want = t.L.y.data[i] != 0 ? dy.data[i] * scale : 0;
        ck_assert_msg(dx.data[i] == want, "dx[%zu] = %g, expected %g", i, (double)dx.data[i], (double)want);
    }
    t.L.ops->backward(&t.L, &x, &dy, NULL); /* no input gradient wanted: nothing to do, nothing to crash */
    nn_tensor_release(&x);
    nn_tensor_release(&dy);
    nn_tensor_release(&dx);
    lay_free(&t);
}
END_TEST

START_TEST(dropout_eval_identity)
{
    const char *specs[] = {"dropout", "dropout:p=0.9", "alpha_dropout", "alpha_dropout:p=0.2"};
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        lay t;
        nn_tensor x = {0};
        lay_make(&t, specs[s], 7, 5);
        fill_normal(&x, 5, 7, 3);
        nn_rng rng, rng0;
        nn_rng_seed(&rng, 9);
        rng0 = rng;
        ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 0, &rng), NN_OK);
        ck_assert(memcmp(t.L.y.data, x.data, 35 * sizeof(nn_real)) == 0);
        ck_assert_msg(memcmp(&rng, &rng0, sizeof rng) == 0, "%s: evaluation drew random numbers", specs[s]);
        nn_tensor_release(&x);
        lay_free(&t);
    }
}
END_TEST

/* p = 0 in training is the identity and draws nothing, as in torch. */
START_TEST(dropout_p0_identity)
{
    const char *specs[] = {"dropout:p=0", "alpha_dropout:p=0"};
    for (size_t s = 0; s < 2; s++) {
        lay t;
        nn_tensor x = {0}, dy = {0}, dx = {0};
        lay_make(&t, specs[s], 6, 4);
        fill_normal(&x, 4, 6, 5);
        fill_normal(&dy, 4, 6, 6);
        ck_assert_int_eq(nn_tensor_resize(&dx, 4, 6), NN_OK);
        nn_rng rng, rng0;
        nn_rng_seed(&rng, 9);
        rng0 = rng;
        ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 1, &rng), NN_OK);
        ck_assert(memcmp(t.L.y.data, x.data, 24 * sizeof(nn_real)) == 0);
        ck_assert(memcmp(&rng, &rng0, sizeof rng) == 0);
        t.L.ops->backward(&t.L, &x, &dy, &dx);
        ck_assert(memcmp(dx.data, dy.data, 24 * sizeof(nn_real)) == 0);
        nn_tensor_release(&x);
        nn_tensor_release(&dy);
        nn_tensor_release(&dx);
        lay_free(&t);
    }
}
END_TEST

/* Output of a training forward of spec on fixed input with generator seed. */
static void masked(const char *spec, uint64_t seed, nn_real *out, int rows, int cols)
{
    lay t;
    nn_tensor x = {0};
    lay_make(&t, spec, cols, rows);
    fill_uniform(&x, rows, cols, 0.5, 1.5, 21);
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 1, &rng), NN_OK);
    memcpy(out, t.L.y.data, (size_t)rows * cols * sizeof(nn_real));
    nn_tensor_release(&x);
    lay_free(&t);
}

START_TEST(dropout_seeds)
{
    enum { R = 8, C = 16 };
    const char *specs[] = {"dropout", "alpha_dropout:p=0.3"};
    for (size_t s = 0; s < 2; s++) {
        nn_real a[R * C], b[R * C], c[R * C];
        masked(specs[s], 100, a, R, C);
        masked(specs[s], 100, b, R, C);
        masked(specs[s], 101, c, R, C);
        ck_assert_msg(memcmp(a, b, sizeof a) == 0, "%s: same seed, different masks", specs[s]);
        ck_assert_msg(memcmp(a, c, sizeof a) != 0, "%s: different seeds, same mask", specs[s]);
    }
}
END_TEST

/* ---------------------------------------------------------------- alpha dropout */

static void alpha_case(double p)
{
    char spec[64];
    snprintf(spec, sizeof spec, "alpha_dropout:p=%g", p);
    lay t;
    nn_tensor x = {0}, dy = {0}, dx = {0};
    lay_make(&t, spec, BIG_COLS, BIG_ROWS);
    fill_normal(&x, BIG_ROWS, BIG_COLS, 31);
    nn_rng rng;
    nn_rng_seed(&rng, 77);
    ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 1, &rng), NN_OK);
    size_t n = (size_t)BIG_ROWS * BIG_COLS, kept = 0;
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) s1 += t.L.y.data[i];
    double mean = s1 / n;
    for (size_t i = 0; i < n; i++) s2 += (t.L.y.data[i] - mean) * (t.L.y.data[i] - mean);
    double var = s2 / n;
    /* sd of the mean ~ 1/sqrt(n) = 0.003, of the variance ~ sqrt(2/n)*(1 + excess) < 0.01 */
    ck_assert_msg(fabs(mean) < 0.02, "%s: mean %g, expected 0", spec, mean);
    ck_assert_msg(fabs(var - 1) < 0.04, "%s: variance %g, expected 1", spec, var);

    /* With dy = 1, dx is the factor of every unit: a where kept, 0 where dropped. */
    double a = 1 / sqrt((1 - p) * (1 + p * 1.7580993408473766 * 1.7580993408473766));
    double b = a * 1.7580993408473766 * p;
    ck_assert_int_eq(nn_tensor_resize(&dy, BIG_ROWS, BIG_COLS), NN_OK);
    ck_assert_int_eq(nn_tensor_resize(&dx, BIG_ROWS, BIG_COLS), NN_OK);
    for (size_t i = 0; i < n; i++) dy.data[i] = 1;
    t.L.ops->backward(&t.L, &x, &dy, &dx);
    for (size_t i = 0; i < n; i++) {
        double y = t.L.y.data[i], want;
        if (dx.data[i] != 0) {
            kept++;
            ck_assert_close(dx.data[i], a, TOL_VAL);
            want = a * x.data[i] + b;
        } else {
            want = a * -1.7580993408473766 + b; /* the dropped value a alpha' + b */
        }
        ck_assert_msg(fabs(y - want) <= 4 * TOL_VAL * fmax(1, fabs(want)), "%s: y[%zu] = %.10g, expected %.10g", spec,
                      i, y, want);
    }
    ck_assert_msg(fabs((double)kept / n - (1 - p)) < 0.01, "%s: kept fraction %g", spec, (double)kept / n);
    nn_tensor_release(&x);
    nn_tensor_release(&dy);
    nn_tensor_release(&dx);
    lay_free(&t);
}

START_TEST(alpha_dropout_self_normalising)
{
    alpha_case(0.1);
    alpha_case(0.05);
    alpha_case(0.5);
}
END_TEST

/* ---------------------------------------------------------------- batchnorm */

enum { BR = 6, BC = 4 };

typedef struct bn_fix {
    lay t;
    nn_tensor x, w, dx;
} bn_fix;

static void bn_setup(bn_fix *f, const char *spec)
{
    memset(f, 0, sizeof *f);
    lay_make(&f->t, spec, BC, BR);
    ck_assert_uint_eq(f->t.L.nparams, 2 * BC);
    ck_assert_uint_eq(f->t.L.nstate, 2 * BC);
    for (int j = 0; j < BC; j++) {
        ck_assert(f->t.param[j] == 1 && f->t.param[BC + j] == 0);
        ck_assert(f->t.state[j] == 0 && f->t.state[BC + j] == 1);
    }
    /* features with different scales and offsets, and non-trivial gamma and beta */
    fill_uniform(&f->x, BR, BC, -1.5, 1.5, 41);
    for (int r = 0; r < BR; r++)
        for (int j = 0; j < BC; j++) f->x.data[r * BC + j] = f->x.data[r * BC + j] * (nn_real)(j + 1) + (nn_real)(j - 1);
    nn_rng rng;
    nn_rng_seed(&rng, 43);
    for (int j = 0; j < BC; j++) {
        f->t.param[j] = (nn_real)(0.5 + nn_rng_uniform(&rng));
        f->t.param[BC + j] = (nn_real)(nn_rng_uniform(&rng) - 0.5);
    }
    fill_uniform(&f->w, BR, BC, -1, 1, 44);
    ck_assert_int_eq(nn_tensor_resize(&f->dx, BR, BC), NN_OK);
}

static void bn_teardown(bn_fix *f)
{
    nn_tensor_release(&f->x);
    nn_tensor_release(&f->w);
    nn_tensor_release(&f->dx);
    lay_free(&f->t);
}

/* loss = sum(w .* y) after a training forward */
static double bn_loss(bn_fix *f)
{
    nn_rng rng;
    nn_rng_seed(&rng, 0);
    ck_assert_int_eq(f->t.L.ops->forward(&f->t.L, &f->x, 1, &rng), NN_OK);
    double s = 0;
    for (int i = 0; i < BR * BC; i++) s += (double)f->w.data[i] * f->t.L.y.data[i];
    return s;
}

static void bn_check(bn_fix *f, nn_real *v, double g, const char *what, int i)
{
    nn_real v0 = *v;
    double h = (double)GRAD_EPS * fmax(1, fabs((double)v0));
    *v = (nn_real)(v0 + h);
    double hp = (double)*v - v0, fp = bn_loss(f);
    *v = (nn_real)(v0 - h);
    double hm = v0 - (double)*v, fm = bn_loss(f);
    *v = v0;
    double num = (fp - fm) / (hp + hm);
    ck_assert_msg(fabs(g - num) <= TOL_GRAD * fmax(1, fabs(num)), "%s %d: backward %.10g, numeric %.10g", what, i, g,
                  num);
}

START_TEST(batchnorm_gradients)
{
    bn_fix f;
    bn_setup(&f, "batchnorm");
    /* gradients are added: start from a known non-zero value */
    for (int k = 0; k < 2 * BC; k++) f.t.grad[k] = (nn_real)0.25;
    bn_loss(&f);
    f.t.L.ops->backward(&f.t.L, &f.x, &f.w, &f.dx);
    nn_real g[2 * BC], gx[BR * BC];
    for (int k = 0; k < 2 * BC; k++) g[k] = f.t.grad[k];
    memcpy(gx, f.dx.data, sizeof gx);
    /* backward without dx gives the same parameter gradients */
    for (int k = 0; k < 2 * BC; k++) f.t.grad[k] = 0;
    f.t.L.ops->backward(&f.t.L, &f.x, &f.w, NULL);
    for (int k = 0; k < 2 * BC; k++) ck_assert_close((double)f.t.grad[k] + 0.25, g[k], TOL_VAL);

    for (int i = 0; i < BR * BC; i++) bn_check(&f, &f.x.data[i], gx[i], "dx", i);
    for (int j = 0; j < BC; j++) bn_check(&f, &f.t.param[j], (double)g[j] - 0.25, "dgamma", j);
    for (int j = 0; j < BC; j++) bn_check(&f, &f.t.param[BC + j], (double)g[BC + j] - 0.25, "dbeta", j);
    /* The normalised output's input gradient sums to 0 over the batch for every feature. */
    for (int j = 0; j < BC; j++) {
        double s = 0, sa = 0;
        for (int r = 0; r < BR; r++) s += gx[r * BC + j], sa += fabs((double)gx[r * BC + j]);
        ck_assert_msg(fabs(s) <= 1e-5 * sa + 1e-12, "feature %d: sum of dx = %g", j, s);
    }
    bn_teardown(&f);
}
END_TEST

/* Training output and running statistics after one step against a double-precision reference. */
static void bn_step_case(const char *spec, double momentum, double eps)
{
    bn_fix f;
    bn_setup(&f, spec);
    nn_real rm0[BC], rv0[BC];
    for (int j = 0; j < BC; j++) { /* start away from the defaults so both terms of the update count */
        f.t.state[j] = rm0[j] = (nn_real)(0.1 * j - 0.2);
        f.t.state[BC + j] = rv0[j] = (nn_real)(0.5 + 0.25 * j);
    }
    bn_loss(&f);
    for (int j = 0; j < BC; j++) {
        double m = 0, ss = 0;
        for (int r = 0; r < BR; r++) m += f.x.data[r * BC + j];
        m /= BR;
        for (int r = 0; r < BR; r++) ss += (f.x.data[r * BC + j] - m) * (f.x.data[r * BC + j] - m);
        double var = ss / BR, unbiased = ss / (BR - 1), gamma = f.t.param[j], beta = f.t.param[BC + j];
        for (int r = 0; r < BR; r++) {
            double want = gamma * (f.x.data[r * BC + j] - m) / sqrt(var + eps) + beta;
            ck_assert_close(f.t.L.y.data[r * BC + j], want, TOL_BN);
        }
        ck_assert_close(f.t.state[j], (1 - momentum) * rm0[j] + momentum * m, TOL_BN);
        ck_assert_close(f.t.state[BC + j], (1 - momentum) * rv0[j] + momentum * unbiased, TOL_BN);
    }
    bn_teardown(&f);
}

START_TEST(batchnorm_running_statistics)
{
    bn_step_case("batchnorm", 0.1, 1e-5);
    bn_step_case("batchnorm:momentum=0.3,eps=0.01", 0.3, 0.01);
    bn_step_case("batchnorm:momentum=0", 0, 1e-5);
    bn_step_case("batchnorm:momentum=1", 1, 1e-5);
}
END_TEST

START_TEST(batchnorm_evaluation)
{
    lay t;
    nn_tensor x = {0};
    lay_make(&t, "batchnorm:eps=0.001", BC, 1);
    fill_uniform(&x, 1, BC, -2, 2, 51); /* a batch of one row is fine outside training */
    for (int j = 0; j < BC; j++) {
        t.param[j] = (nn_real)(1.5 - 0.25 * j);
        t.param[BC + j] = (nn_real)(0.1 * j);
        t.state[j] = (nn_real)(0.3 * j - 0.5);
        t.state[BC + j] = (nn_real)(0.2 + j);
    }
    nn_real saved[2 * BC];
    memcpy(saved, t.state, sizeof saved);
    nn_rng rng;
    nn_rng_seed(&rng, 0);
    ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 0, &rng), NN_OK);
    for (int j = 0; j < BC; j++) {
        double want = (double)t.param[j] * (x.data[j] - (double)t.state[j]) / sqrt((double)t.state[BC + j] + 0.001) +
                      t.param[BC + j];
        ck_assert_close(t.L.y.data[j], want, TOL_BN);
    }
    ck_assert_msg(memcmp(saved, t.state, sizeof saved) == 0, "evaluation changed the running statistics");

    /* Training on a single row is an error, as in torch, and leaves the state alone. */
    nn_errclear();
    ck_assert_int_eq(t.L.ops->forward(&t.L, &x, 1, &rng), NN_EINVAL);
    ck_assert_msg(strstr(nn_errmsg(), "more than 1 value") != NULL, "message: %s", nn_errmsg());
    ck_assert(memcmp(saved, t.state, sizeof saved) == 0);
    nn_tensor_release(&x);
    lay_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- specs */

static void bad(const char *spec, const char *needle)
{
    nn_errclear();
    ck_assert_msg(try_create(spec, 3) == NN_EINVAL, "'%s' accepted", spec);
    ck_assert_msg(strstr(nn_errmsg(), needle) != NULL, "'%s': message '%s' does not name '%s'", spec, nn_errmsg(),
                  needle);
}

START_TEST(bad_specs)
{
    bad("dropout:p=1", "p=1");
    bad("dropout:p=-0.1", "p=-0.1");
    bad("dropout:p=1.5", "p=");
    bad("dropout:p=nan", "p=");
    bad("dropout:p=x", "p=x");
    bad("dropout:q=0.1", "'q'");
    bad("dropout:0.5", "dropout[:p=P]");
    bad("alpha_dropout:p=1", "p=1");
    bad("alpha_dropout:p=-0.1", "p=-0.1");
    bad("alpha_dropout:rate=0.1", "'rate'");
    bad("batchnorm:momentum=1.5", "momentum=1.5");
    bad("batchnorm:momentum=-0.1", "momentum=-0.1");
    bad("batchnorm:eps=0", "eps=0");
    bad("batchnorm:eps=-1e-5", "eps=-1e-5");
    bad("batchnorm:affine=0", "'affine'");
    bad("batchnorm:16", "batchnorm[:");
}
END_TEST

static void round_trip(const char *spec, const char *want)
{
    lay t;
    char buf[NN_SPEC_MAXLEN], again[NN_SPEC_MAXLEN];
    lay_make(&t, spec, 3, 2);
    t.L.ops->format(&t.L, buf, sizeof buf);
    ck_assert_msg(!strcmp(buf, want), "'%s' formats as '%s', expected '%s'", spec, buf, want);
    lay_free(&t);
    lay_make(&t, buf, 3, 2);
    t.L.ops->format(&t.L, again, sizeof again);
    ck_assert_str_eq(again, buf);
    lay_free(&t);
}

START_TEST(format_round_trip)
{
    round_trip("dropout", "dropout");
    round_trip("dropout:p=0.5", "dropout");
    round_trip("dropout:p=0.1", "dropout:p=0.1");
    round_trip("dropout:p=0", "dropout:p=0");
    round_trip("dropout:p=0.123456789012345678", "dropout:p=0.12345678901234568");
    round_trip("alpha_dropout", "alpha_dropout");
    round_trip("alpha_dropout:p=0.5", "alpha_dropout");
    round_trip("alpha_dropout:p=0.1", "alpha_dropout:p=0.1");
    round_trip("batchnorm", "batchnorm");
    round_trip("batchnorm:momentum=0.1,eps=1e-5", "batchnorm");
    round_trip("batchnorm:eps=1e-3", "batchnorm:eps=0.001");
    round_trip("batchnorm:momentum=0.01:eps=2e-5", "batchnorm:momentum=0.01,eps=2e-05");
}
END_TEST

static Suite *regularise_suite(void)
{
    Suite *s = suite_create("regularise");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dropout_statistics);
    tcase_add_test(tc, dropout_eval_identity);
    tcase_add_test(tc, dropout_p0_identity);
    tcase_add_test(tc, dropout_seeds);
    tcase_add_test(tc, alpha_dropout_self_normalising);
    tcase_add_test(tc, batchnorm_gradients);
    tcase_add_test(tc, batchnorm_running_statistics);
    tcase_add_test(tc, batchnorm_evaluation);
    tcase_add_test(tc, bad_specs);
    tcase_add_test(tc, format_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(regularise_suite)
