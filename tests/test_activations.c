/* test_activations.c: the activation table: values against the formulas, derivatives by central differences, identities, overflow, specs. */
#include <float.h>
#include <stdio.h>
#include <string.h>
#include "testutil.h"
#include "activations/act_internal.h"

/* Every function once with its defaults, then non-default parameters (also the round-trip set). */
static const char *const nondefault[] = {
    "isru:alpha=0.5", "leaky_relu:negative_slope=0.2", "thresholded_relu:theta=0.5", "elu:alpha=0.7",
    "selu:alpha=1.5,scale=1.1", "celu:alpha=2", "isrlu:alpha=3", "rrelu:lower=0.1,upper=0.3",
    "softplus:beta=2,threshold=10", "silu:beta=1.5", "swish:beta=0.7,learn=1", "gelu:approximate=tanh",
    "softshrink:lambda=0.3", "hardshrink:lambda=1.2", "hardtanh:min_val=-2,max_val=0.5",
    "prelu:alpha=0.1,shared=0", "prelu:learn=0", "srelu:t_l=-1,a_l=0.1,t_r=2,a_r=0.5",
    "apl:S=3,a1=0.2,b1=-0.5,a2=-0.3,b2=1,a3=0.1,b3=2", "soft_exponential:alpha=0.4",
    "soft_exponential:alpha=-0.3", "silu:learn=1,shared=0", "apl:S=8,a8=0.5", "elu:alpha=0.1"};
#define NND (int)(sizeof nondefault / sizeof nondefault[0])

static nn_act act_n(int i)
{
    if (i < NN_ACT_COUNT) return nn_act_default((nn_act_id)i);
    nn_act a;
    ck_assert_int_eq(nn_act_parse(nondefault[i - NN_ACT_COUNT], &a), NN_OK);
    return a;
}

static double sig(double x) { return 1 / (1 + exp(-x)); }

/* The definitions, straight from the docs, in double. */
static double ref(const nn_act *a, double x)
{
    double p0 = a->p[0], p1 = a->p[1];
    switch (a->id) {
    case NN_ACT_IDENTITY: return x;
    case NN_ACT_BINARY_STEP: return x >= 0 ? 1 : 0;
    case NN_ACT_SIGMOID: return sig(x);
    case NN_ACT_TANH: return tanh(x);
    case NN_ACT_ARCTAN: return atan(x);
    case NN_ACT_SOFTSIGN: return x / (1 + fabs(x));
    case NN_ACT_ISRU: return x / sqrt(1 + p0 * x * x);
    case NN_ACT_BENT_IDENTITY: return (sqrt(x * x + 1) - 1) / 2 + x;
    case NN_ACT_SINUSOID: return sin(x);
    case NN_ACT_SINC: return x == 0 ? 1 : sin(x) / x;
    case NN_ACT_GAUSSIAN: return exp(-x * x);
    case NN_ACT_RELU: return x > 0 ? x : 0;
    case NN_ACT_LEAKY_RELU: case NN_ACT_PRELU: return x > 0 ? x : p0 * x;
    case NN_ACT_RELU6: return fmin(fmax(x, 0), 6);
    case NN_ACT_THRESHOLDED_RELU: return x > p0 ? x : 0;
    case NN_ACT_ELU: return x > 0 ? x : p0 * (exp(x) - 1);
    case NN_ACT_SELU: return p1 * (x > 0 ? x : p0 * (exp(x) - 1));
    case NN_ACT_CELU: return fmax(0, x) + fmin(0, p0 * (exp(x / p0) - 1));
    case NN_ACT_ISRLU: return x >= 0 ? x : x / sqrt(1 + p0 * x * x);
    case NN_ACT_RRELU: return x > 0 ? x : (p0 + p1) / 2 * x;
    case NN_ACT_SOFTPLUS: return p0 * x > p1 ? x : log1p(exp(p0 * x)) / p0;
    case NN_ACT_SILU: return x * sig(p0 * x);
    case NN_ACT_GELU:
        if (p0 != 0) return 0.5 * x * (1 + tanh(sqrt(2 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
        return 0.5 * x * (1 + erf(x / sqrt(2)));
    case NN_ACT_MISH: return x * tanh(log1p(exp(x)));
    case NN_ACT_LOGSIGMOID: return log(sig(x));
    case NN_ACT_TANHSHRINK: return x - tanh(x);
    case NN_ACT_SOFTSHRINK: return x > p0 ? x - p0 : x < -p0 ? x + p0 : 0;
    case NN_ACT_HARDSHRINK: return fabs(x) > p0 ? x : 0;
    case NN_ACT_HARDTANH: return fmin(fmax(x, p0), p1);
    case NN_ACT_HARDSIGMOID: return fmin(fmax(x + 3, 0), 6) / 6;
    case NN_ACT_HARDSWISH: return x * fmin(fmax(x + 3, 0), 6) / 6;
    case NN_ACT_SRELU: {
        double tl = p0, al = p1, tr = a->p[2], ar = a->p[3];
        return x <= tl ? tl + al * (x - tl) : x >= tr ? tr + ar * (x - tr) : x;
    }
    case NN_ACT_APL: {
        double y = fmax(0, x);
        for (int s = 1; 2 * s < a->np; s++) y += a->p[2 * s - 1] * fmax(0, -x + a->p[2 * s]);
        return y;
    }
    case NN_ACT_SOFT_EXPONENTIAL:
        if (p0 < 0) return -log(1 - p0 * (x + p0)) / p0;
        if (p0 == 0) return x;
        return (exp(p0 * x) - 1) / p0 + p0;
    default: ck_abort_msg("no reference for %d", (int)a->id);
    }
    return 0;
}

/* Points where f or f' jumps: gradient checks keep their stencil away from them. */
static int near_kink(const nn_act *a, double x, double h)
{
    double k[20];
    int nk = 0;
    double p0 = a->p[0], p1 = a->p[1];
    switch (a->id) {
    case NN_ACT_BINARY_STEP: case NN_ACT_RELU: case NN_ACT_LEAKY_RELU: case NN_ACT_PRELU: case NN_ACT_ELU:
    case NN_ACT_SELU: case NN_ACT_CELU: case NN_ACT_ISRLU: case NN_ACT_RRELU:
        k[nk++] = 0;
        break;
    case NN_ACT_RELU6: k[nk++] = 0, k[nk++] = 6; break;
    case NN_ACT_THRESHOLDED_RELU: k[nk++] = p0; break;
    case NN_ACT_SOFTPLUS: k[nk++] = p1 / p0; break;
    case NN_ACT_SOFTSHRINK: case NN_ACT_HARDSHRINK: k[nk++] = p0, k[nk++] = -p0; break;
    case NN_ACT_HARDTANH: k[nk++] = p0, k[nk++] = p1; break;
    case NN_ACT_HARDSIGMOID: case NN_ACT_HARDSWISH: k[nk++] = 3, k[nk++] = -3; break;
    case NN_ACT_SRELU: k[nk++] = p0, k[nk++] = a->p[2]; break;
    case NN_ACT_APL:
        k[nk++] = 0;
        for (int s = 1; 2 * s < a->np; s++) k[nk++] = a->p[2 * s];
        break;
    case NN_ACT_SOFT_EXPONENTIAL:
        /* edge of the domain, where f' = 1/u grows without bound: no stencil fits there */
        if (p0 < 0 && x < 1 / p0 - p0 + 0.5) return 1;
        break;
    default: break;
    }
    for (int i = 0; i < nk; i++)
        if (fabs(x - k[i]) < 3 * h) return 1;
    return 0;
}

START_TEST(test_values)
{
    static const double xs[] = {-3.7, -1.3, -0.4, 0.3, 0.9, 2.2, 4.5, 7.5};
    for (int i = 0; i < NN_ACT_COUNT + NND; i++) {
        nn_act a = act_n(i);
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            nn_real x = (nn_real)xs[k], y = nn_act_eval(&a, x, NULL);
            double want = ref(&a, (double)x);
            if (isnan(want)) continue; /* soft_exponential outside its domain: test_soft_exponential */
            ck_assert_msg(fabs(y - want) <= TOL_VAL * 4 * fmax(1, fabs(want)), "%s (#%d) at %g: %.17g, want %.17g",
                          nn_act_info_of(a.id)->name, i, (double)x, (double)y, want);
        }
        /* the vector form agrees with the scalar form, also in place */
        nn_real v[8], w[8];
        for (int k = 0; k < 8; k++) v[k] = w[k] = (nn_real)xs[k];
        nn_act_forward(&a, v, v, 8);
        for (int k = 0; k < 8; k++) ck_assert_msg(v[k] == nn_act_eval(&a, w[k], NULL), "%s at %g: %.9g vs %.9g", nn_act_info_of(a.id)->name, (double)w[k], (double)v[k], (double)nn_act_eval(&a, w[k], NULL));
    }
}
END_TEST

START_TEST(test_gradients)
{
    for (int i = 0; i < NN_ACT_COUNT + NND; i++) {
        nn_act a = act_n(i);
        int checked = 0;
        for (int k = 0; k < 96; k++) {
            double xd = -6.0 + 12.0 * (k + 0.37) / 96;
            double h = GRAD_EPS * fmax(1, fabs(xd));
            if (near_kink(&a, xd, h)) continue;
            nn_real x = (nn_real)xd, xp = (nn_real)(xd + h), xm = (nn_real)(xd - h), d;
            nn_act_eval(&a, x, &d);
            double fd = ((double)nn_act_eval(&a, xp, NULL) - (double)nn_act_eval(&a, xm, NULL)) / ((double)xp - xm);
            ck_assert_msg(fabs(d - fd) <= TOL_GRAD * fmax(1, fabs(fd)), "%s (#%d) at %g: f' = %.10g, numeric %.10g",
                          nn_act_info_of(a.id)->name, i, xd, (double)d, fd);
            /* vector backward: dx = f' dy, in place over dy */
            nn_real y = nn_act_eval(&a, x, NULL), g = (nn_real)-1.5;
            nn_act_backward(&a, &x, &y, &g, &g, 1);
            ck_assert_close(g, -1.5 * (double)d, 4 * NN_REAL_EPS);
            checked++;
        }
        ck_assert_int_ge(checked, 50);
    }
}
END_TEST

/* The derivative in float is checked against the double formula too: a looser stencil cannot hide a slip. */
START_TEST(test_gradients_exact)
{
    for (int i = 0; i < NN_ACT_COUNT + NND; i++) {
        nn_act a = act_n(i);
        for (int k = 0; k < 50; k++) {
            double xd = -5.0 + 10.0 * (k + 0.5) / 50, h = 1e-5 * fmax(1, fabs(xd));
            if (near_kink(&a, xd, 1e-3)) continue;
            nn_real x = (nn_real)xd, d;
            nn_act_eval(&a, x, &d);
            double fd = (ref(&a, (double)x + h) - ref(&a, (double)x - h)) / (2 * h);
            ck_assert_msg(fabs(d - fd) <= 1e-5 * fmax(1, fabs(fd)), "%s (#%d) at %g: f' = %.10g, want %.10g",
                          nn_act_info_of(a.id)->name, i, xd, (double)d, fd);
        }
    }
}
END_TEST

static nn_act P(const char *spec)
{
    nn_act a;
    ck_assert_msg(nn_act_parse(spec, &a) == NN_OK, "%s: %s", spec, nn_errmsg());
    return a;
}

START_TEST(test_identities)
{
    nn_act sg = P("sigmoid"), th = P("tanh"), selu = P("selu"), elu = P("elu:alpha=1.6732632423543772848170429916717");
    nn_act silu = P("silu"), sp = P("softplus"), sw = P("swish");
    ck_assert_int_eq(sw.id, NN_ACT_SILU);
    for (int k = 0; k < 60; k++) {
        nn_real x = (nn_real)(-7.0 + 14.0 * k / 59), ds, dt, d;
        nn_real s = nn_act_eval(&sg, x, &ds), t = nn_act_eval(&th, x, &dt);
        ck_assert_close(t, 2 * (double)nn_act_eval(&sg, 2 * x, NULL) - 1, 4 * TOL_VAL);
        ck_assert_close(ds, (double)s * (1 - (double)s), 4 * TOL_VAL);
        ck_assert_close(dt, 1 - (double)t * t, 4 * TOL_VAL);
        ck_assert_close(nn_act_eval(&selu, x, NULL), 1.0507009873554804934193349852946 * nn_act_eval(&elu, x, NULL),
                        4 * TOL_VAL);
        ck_assert_close(nn_act_eval(&silu, x, NULL), (double)x * nn_act_eval(&sg, x, NULL), 4 * TOL_VAL);
        nn_act_eval(&sp, x, &d);
        ck_assert_close(d, s, 4 * TOL_VAL);
    }
    /* kink conventions (torch) */
    nn_real d;
    nn_act_eval(&(nn_act){.id = NN_ACT_RELU}, 0, &d);
    ck_assert(d == 0);
    nn_act lr = P("leaky_relu");
    nn_act_eval(&lr, 0, &d);
    ck_assert(d == lr.p[0]);
    nn_act r6 = P("relu6"), ht = P("hardtanh"), bs = P("binary_step");
    nn_act_eval(&r6, 6, &d);
    ck_assert(d == 0);
    nn_act_eval(&ht, 1, &d);
    ck_assert(d == 0);
    ck_assert(nn_act_eval(&bs, 0, &d) == 1 && d == 0);
    nn_act e = P("elu:alpha=0.5");
    nn_act_eval(&e, 0, &d);
    ck_assert(d == (nn_real)0.5);
    /* sinc is smooth through 0 */
    nn_act sc = P("sinc");
    ck_assert(nn_act_eval(&sc, 0, &d) == 1 && d == 0);
    nn_act_eval(&sc, (nn_real)1e-4, &d);
    ck_assert_close(d, -1e-4 / 3, 1e-6);
    nn_act_eval(&sc, (nn_real)0.4999, &d);
    ck_assert_close(d, (cos(0.4999) - sin(0.4999) / 0.4999) / 0.4999, 4 * TOL_VAL);
    /* rrelu without a layer is its eval mode: the mean slope */
    nn_act rr = P("rrelu");
    ck_assert_close(nn_act_eval(&rr, -2, NULL), -2 * (1.0 / 8 + 1.0 / 3) / 2, TOL_VAL);
}
END_TEST

START_TEST(test_overflow)
{
    static const double xs[] = {88, -88, 100, -100, 1e4, -1e4, 1e30, -1e30, 1e38, -1e38};
    for (int i = 0; i < NN_ACT_COUNT; i++) {
        nn_act a = act_n(i);
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            nn_real x = (nn_real)xs[k], d, y = nn_act_eval(&a, x, &d);
            ck_assert_msg(isfinite(y) && isfinite(d), "%s at %g: f = %g, f' = %g", nn_act_info_of(a.id)->name,
                          xs[k], (double)y, (double)d);
        }
    }
    nn_real d;
    ck_assert(nn_act_eval(&(nn_act){.id = NN_ACT_SOFTPLUS, .np = 2, .p = {1, 20}}, 100, &d) == 100 && d == 1);
    nn_act sp = P("softplus:threshold=1000");
    ck_assert_close(nn_act_eval(&sp, 100, &d), 100, TOL_VAL);
    ck_assert_close(d, 1, TOL_VAL);
    nn_act sg = P("sigmoid"), ls = P("logsigmoid"), g = P("gelu"), gt = P("gelu:approximate=tanh"), m = P("mish");
    nn_real s = nn_act_eval(&sg, -100, &d);
    ck_assert(s > 0 && d >= 0);
    nn_real s50 = nn_act_eval(&sg, -50, NULL);
    ck_assert_close(s50 / exp(-50.0), 1, TOL_VAL); /* relative: the tail is right, not just tiny */
    ck_assert(nn_act_eval(&ls, -100, &d) == -100 && d == 1);
    ck_assert_close(nn_act_eval(&ls, 100, NULL), 0, TOL_VAL);
    ck_assert(nn_act_eval(&g, 100, &d) == 100 && d == 1);
    ck_assert(nn_act_eval(&g, -100, &d) == 0 && d == 0);
    ck_assert(nn_act_eval(&gt, -100, &d) == 0 && d == 0);
    ck_assert(nn_act_eval(&gt, 100, &d) == 100 && d == 1);
    ck_assert(nn_act_eval(&m, 100, &d) == 100 && d == 1);
    ck_assert(fabs(nn_act_eval(&m, -100, &d)) < 1e-38 && fabs(d) < 1e-38);
    /* gelu's left tail keeps its relative accuracy (erfc, not 1 + erf) */
    double want = 0.5 * -6 * erfc(6 / sqrt(2));
    ck_assert_close(nn_act_eval(&g, -6, NULL) / want, 1, 1e-5);
    nn_act e = P("elu"), se = P("selu"), ce = P("celu:alpha=0.5");
    ck_assert_close(nn_act_eval(&e, -100, NULL), -1, TOL_VAL);
    ck_assert_close(nn_act_eval(&se, -100, NULL), -1.6732632423543772 * 1.0507009873554805, TOL_VAL);
    ck_assert_close(nn_act_eval(&ce, -100, NULL), -0.5, TOL_VAL);
    nn_act is = P("isru:alpha=4");
    ck_assert_close(nn_act_eval(&is, (nn_real)1e30, NULL), 0.5, TOL_VAL);
    nn_act bi = P("bent_identity");
    ck_assert_close(nn_act_eval(&bi, (nn_real)1e30, NULL), 1.5e30, TOL_VAL);
    ck_assert_close(nn_act_eval(&bi, (nn_real)1e-4, NULL) / (1e-4 + 0.25e-8), 1, TOL_VAL);
}
END_TEST

START_TEST(test_soft_exponential)
{
    /* alpha < 0: defined for 1 - alpha (x + alpha) > 0, i.e. x > 1/alpha - alpha = -3.0333 for alpha = -0.3 */
    nn_act a = P("soft_exponential:alpha=-0.3");
    nn_real d, inside = nn_act_eval(&a, (nn_real)-3.03, &d);
    ck_assert(isfinite(inside) && inside < -20 && d > 100);
    double rmin = sizeof(nn_real) == 4 ? FLT_MIN : DBL_MIN;
    for (int k = 0; k < 3; k++) {
        nn_real x = (nn_real)(-3.04 - k * 10), y = nn_act_eval(&a, x, &d);
        ck_assert(isfinite(y) && d == 0);
        ck_assert_close(y, -log(rmin) / (double)a.p[0], TOL_VAL);
        ck_assert(y <= inside);
    }
    /* alpha = 0 is the identity and alpha > 0 the exponential branch (f(x) = exp(x) for alpha = 1) */
    nn_act z = P("soft_exponential");
    ck_assert(nn_act_eval(&z, (nn_real)1.25, &d) == (nn_real)1.25 && d == 1);
    nn_act o = P("soft_exponential:alpha=1");
    ck_assert_close(nn_act_eval(&o, 2, &d), exp(2.0), TOL_VAL);
    ck_assert_close(d, exp(2.0), TOL_VAL);
    nn_act m = P("soft_exponential:alpha=-1");
    ck_assert_close(nn_act_eval(&m, 2, NULL), log(2.0), TOL_VAL);
}
END_TEST

static void bad(const char *spec, const char *needle)
{
    nn_act a = nn_act_default(NN_ACT_TANH), before = a;
    nn_errclear();
    ck_assert_msg(nn_act_parse(spec, &a) == NN_EINVAL, "'%s' was accepted", spec);
    ck_assert_msg(strstr(nn_errmsg(), needle) != NULL, "'%s': message '%s' lacks '%s'", spec, nn_errmsg(), needle);
    ck_assert(!memcmp(&a, &before, sizeof a));
}

START_TEST(test_bad_specs)
{
    bad("relux", "unknown activation 'relux'");
    bad("relux", "leaky_relu");
    bad("relux", "soft_exponential");
    bad("elu:beta=1", "'beta'");
    bad("elu:beta=1", "alpha");
    bad("relu:alpha=1", "'alpha'");
    bad("elu:alpha=abc", "alpha=abc");
    bad("elu:alpha=inf", "alpha");
    bad("elu:alpha=1,alpha=2", "alpha");
    bad("rrelu:lower=-0.1", "lower=-0.1");
    bad("rrelu:lower=0.3,upper=0.2", "upper=0.2");
    bad("celu:alpha=0", "alpha=0");
    bad("celu:alpha=-1", "alpha=-1");
    bad("isru:alpha=0", "alpha");
    bad("softplus:beta=0", "beta");
    bad("hardtanh:min_val=1,max_val=1", "max_val");
    bad("softshrink:lambda=-1", "lambda");
    bad("apl:S=0", "S=0");
    bad("apl:S=9", "S=9");
    bad("apl:S=2,a3=1", "a3");
    bad("srelu:t_l=2,t_r=1", "t_r");
    bad("gelu:approximate=fast", "approximate=fast");
    bad("relu:learn=1", "'learn'");
    bad("prelu:learn=2", "learn=2");
    bad("prelu:shared=x", "shared");
    bad("tanh:3", "'3'");
    bad("", "");
}
END_TEST

START_TEST(test_round_trip)
{
    char buf[512];
    for (int i = 0; i < NN_ACT_COUNT + NND; i++) {
        nn_act a = act_n(i), b;
        int n = nn_act_format(&a, buf, sizeof buf);
        ck_assert_int_eq(n, (int)strlen(buf));
        ck_assert_msg(nn_act_parse(buf, &b) == NN_OK, "%s: %s", buf, nn_errmsg());
        ck_assert_msg(!memcmp(&a, &b, sizeof a), "round trip of %s", buf);
        if (i < NN_ACT_COUNT) ck_assert_str_eq(buf, nn_act_info_of(a.id)->name); /* defaults print bare */
    }
    /* values that need every digit */
    nn_act a = P("elu"), b;
    a.p[0] = (nn_real)1 / 3;
    nn_act_format(&a, buf, sizeof buf);
    ck_assert_int_eq(nn_act_parse(buf, &b), NN_OK);
    ck_assert(b.p[0] == a.p[0]);
    nn_act g = P("gelu:approximate=tanh");
    nn_act_format(&g, buf, sizeof buf);
    ck_assert_str_eq(buf, "gelu:approximate=tanh");
    nn_act sr = P("srelu:t_l=-1,a_l=0.1");
    nn_act_format(&sr, buf, sizeof buf);
    ck_assert_str_eq(buf, "srelu:t_l=-1,a_l=0.1");
}
END_TEST

START_TEST(test_table)
{
    for (int i = 0; i < NN_ACT_COUNT; i++) {
        const nn_act_info *I = nn_act_info_of((nn_act_id)i);
        ck_assert_ptr_nonnull(I);
        ck_assert_int_eq(nn_act_lookup(I->name), i);
        ck_assert(I->formula && *I->formula && I->derivative && *I->derivative && I->range && I->source);
        ck_assert(I->init != NN_INIT_AUTO);
        ck_assert_int_le(I->nparams, NN_ACT_MAXP);
    }
    ck_assert_ptr_null(nn_act_info_of(NN_ACT_COUNT));
    ck_assert_int_eq(nn_act_lookup("nope"), -1);
    ck_assert_int_eq(nn_act_info_of(NN_ACT_RELU)->init, NN_INIT_HE_NORMAL);
    ck_assert_int_eq(nn_act_info_of(NN_ACT_SELU)->init, NN_INIT_LECUN_NORMAL);
    ck_assert_int_eq(nn_act_info_of(NN_ACT_TANH)->init, NN_INIT_XAVIER_UNIFORM);
    ck_assert(nn_act_info_of(NN_ACT_PRELU)->learnable && nn_act_info_of(NN_ACT_SILU)->learnable);
    ck_assert(!nn_act_info_of(NN_ACT_ELU)->learnable);
    nn_act p = nn_act_default(NN_ACT_PRELU), s = nn_act_default(NN_ACT_SRELU), w = nn_act_default(NN_ACT_SILU);
    ck_assert(p.learn == 1 && p.shared == 1 && p.p[0] == (nn_real)0.25);
    ck_assert(s.learn == 1 && s.shared == 0 && s.np == 4);
    ck_assert(w.learn == 0);
    nn_act apl = P("apl:S=2");
    ck_assert_int_eq(apl.np, 5);
}
END_TEST

/* Every record's kernels exist, and the learnable ones have per-unit kernels. */
START_TEST(test_records)
{
    for (int i = 0; i < NN_ACT_COUNT; i++) {
        const nn_act_record *R = nn_act_record_of((nn_act_id)i);
        ck_assert_ptr_eq(&R->info, nn_act_info_of((nn_act_id)i));
        ck_assert(R->forward && R->backward);
        ck_assert_msg(!R->info.learnable == !R->unit_forward && !R->unit_forward == !R->unit_backward, "%s",
                      R->info.name);
        ck_assert(R->info.kinks);
        /* every default lies in its declared range */
        nn_act a = nn_act_default((nn_act_id)i), b;
        char spec[NN_ACT_MAXP * 40];
        nn_act_format(&a, spec, sizeof spec);
        ck_assert_msg(nn_act_parse(spec, &b) == NN_OK, "%s: %s", spec, nn_errmsg());
        for (int k = 0; k < R->info.nparams; k++) {
            const nn_act_param_info *p = &R->info.params[k];
            ck_assert(p->kind != NN_ACT_PARAM_CHOICE || p->choices);
            ck_assert_msg(p->lo_key < k, "%s.%s: a bound names a later parameter", R->info.name, p->name);
        }
    }
}
END_TEST


/* The other frameworks' names of a key (the records' aliases) parse to the same function, format back to nnlab's
 * key, and count as the key when given twice. */
START_TEST(test_param_aliases)
{
    static const char *const same[][2] = {
        {"leaky_relu:alpha=0.3", "leaky_relu:negative_slope=0.3"},
        {"thresholded_relu:threshold=0.5", "thresholded_relu:theta=0.5"},
        {"softshrink:lambd=0.2", "softshrink:lambda=0.2"},
        {"hardshrink:threshold=0.7", "hardshrink:lambda=0.7"},
        {"prelu:init=0.1", "prelu:alpha=0.1"},
        {"srelu:t_left=-1,a_left=0.1,t_right=2,a_right=0.5", "srelu:t_l=-1,a_l=0.1,t_r=2,a_r=0.5"},
    };
    int checked = 0;
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        nn_act a, b;
        char fa[256], fb[256];
        ck_assert_msg(nn_act_parse(same[i][0], &a) == NN_OK, "%s: %s", same[i][0], nn_errmsg());
        ck_assert_int_eq(nn_act_parse(same[i][1], &b), NN_OK);
        ck_assert_int_eq(a.id, b.id);
        ck_assert_int_eq(a.np, b.np);
        for (int k = 0; k < a.np; k++) ck_assert(a.p[k] == b.p[k]);
        nn_act_format(&a, fa, sizeof fa);
        nn_act_format(&b, fb, sizeof fb);
        ck_assert_str_eq(fa, fb);
        checked++;
    }
    ck_assert_int_eq(checked, 6);
    nn_act a;
    ck_assert_int_eq(nn_act_parse("leaky_relu:negative_slope=0.2,alpha=0.3", &a), NN_EINVAL);
    ck_assert_str_eq(nn_errmsg(), "leaky_relu: parameter 'alpha' given twice (it is another name of "
                                  "'negative_slope')");
}
END_TEST
/* s with '|' escaped as a markdown cell has it. */
static void md(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 3 < size; s++) {
        if (*s == '|') out[n++] = '\\';
        out[n++] = *s;
    }
    out[n] = '\0';
}

/* docs/activations.md has a table row for every record, with its formulas and parameters, and its plot. */
START_TEST(test_docs_list_every_record)
{
    const char *src = getenv("NNLAB_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/activations.md", src ? src : "..");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f, "cannot open %s", path);
    static char doc[1 << 17];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    for (int i = 0; i < NN_ACT_COUNT; i++) {
        const nn_act_info *I = nn_act_info_of((nn_act_id)i);
        char key[128], cell[512];
        snprintf(key, sizeof key, "\n| %s | ", I->name);
        const char *row = strstr(doc, key);
        ck_assert_msg(row, "docs/activations.md: no table row for %s", I->name);
        const char *end = strchr(row + 1, '\n');
        size_t len = end ? (size_t)(end - row) : strlen(row);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)len, row);
        md(I->formula, cell, sizeof cell);
        ck_assert_msg(strstr(line, cell), "docs/activations.md: %s's row lacks its formula '%s'", I->name, cell);
        md(I->derivative, cell, sizeof cell);
        ck_assert_msg(strstr(line, cell), "docs/activations.md: %s's row lacks its derivative '%s'", I->name, cell);
        for (int k = 0; k < I->nparams; k++) {
            snprintf(cell, sizeof cell, "%s=", I->params[k].name);
            ck_assert_msg(strstr(line, cell), "docs/activations.md: %s's row lacks parameter %s", I->name,
                          I->params[k].name);
        }
        for (int k = 0; k < I->nparams; k++) {
            const char *al = I->params[k].aliases;
            if (!al) continue;
            /* The alias table: a row "| `NAME` | ..." naming the key and each of its other names. */
            snprintf(key, sizeof key, "\n| `%s` | ", I->name);
            const char *arow = strstr(doc, key);
            ck_assert_msg(arow, "docs/activations.md: no alias row for %s", I->name);
            const char *aend = strchr(arow + 1, '\n');
            snprintf(line, sizeof line, "%.*s", (int)(aend ? (size_t)(aend - arow) : strlen(arow)), arow);
            snprintf(cell, sizeof cell, "`%s`", I->params[k].name);
            ck_assert_msg(strstr(line, cell), "docs/activations.md: %s's alias row lacks key %s", I->name, cell);
            for (const char *c = al; *c;) {
                size_t len = strcspn(c, "|");
                snprintf(cell, sizeof cell, "`%.*s`", (int)len, c);
                ck_assert_msg(strstr(line, cell), "docs/activations.md: %s's alias row lacks %s", I->name, cell);
                c += len + (c[len] == '|');
            }
        }
        snprintf(cell, sizeof cell, "(plots/%s.svg)", I->name);
        ck_assert_msg(strstr(doc, cell), "docs/activations.md: no gallery plot for %s", I->name);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("activations");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_records);
    tcase_add_test(tc, test_docs_list_every_record);
    tcase_add_test(tc, test_param_aliases);
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_gradients);
    tcase_add_test(tc, test_gradients_exact);
    tcase_add_test(tc, test_identities);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_soft_exponential);
    tcase_add_test(tc, test_bad_specs);
    tcase_add_test(tc, test_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(suite)
