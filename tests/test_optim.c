/* test_optim.c: optimizers against hand-worked and double-precision references, schedules, specs, clipping, state resume. */
#include <string.h>
#include "testutil.h"
#include "optim/optim_internal.h"

/* A float run drifts from the double reference by a few ulps per step. */
#ifdef NNLAB_DOUBLE
#define TOL_OPT 1e-12
#else
#define TOL_OPT 2e-5
#endif

#define MAXN 8

static nn_optim *parse_ok(const char *spec)
{
    nn_optim *o = nn_optim_parse(spec);
    ck_assert_msg(o != NULL, "%s: %s", spec, nn_errmsg());
    return o;
}

/* ---- SGD against numbers worked out by hand from the formula in optim.h ---- */

/* Steps `spec` with the constant gradient g from p0 and checks p after each of the steps. */
static void sgd_case(const char *spec, double p0, double g, const double *want, int steps)
{
    nn_optim *o = parse_ok(spec);
    nn_real p[1] = {(nn_real)p0}, gr[1] = {(nn_real)g};
    for (int t = 0; t < steps; t++) {
        ck_assert_int_eq(nn_optim_step(o, p, gr, 1), NN_OK);
        ck_assert_msg(fabs(p[0] - want[t]) <= TOL_OPT * fmax(1, fabs(want[t])), "%s step %d: p = %.17g, expected %.17g",
                      spec, t + 1, (double)p[0], want[t]);
    }
    nn_optim_free(o);
}

START_TEST(sgd_plain)
{
    /* p -= 0.1 g, three times, on a vector. */
    nn_optim *o = parse_ok("sgd:lr=0.1");
    nn_real p[3] = {1, -2, 0.5}, g[3] = {0.5, 1, -2};
    for (int t = 0; t < 3; t++) ck_assert_int_eq(nn_optim_step(o, p, g, 3), NN_OK);
    ck_assert_close(p[0], 0.85, TOL_OPT);  /* 1 - 3 * 0.05 */
    ck_assert_close(p[1], -2.3, TOL_OPT);  /* -2 - 3 * 0.1 */
    ck_assert_close(p[2], 1.1, TOL_OPT);   /* 0.5 + 3 * 0.2 */
    size_t len;
    long steps;
    ck_assert_ptr_null(nn_optim_state(o, &len, &steps));
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(steps, 3);
    nn_optim_free(o);
}
END_TEST

START_TEST(sgd_momentum)
{
    /* b: 0.5, 0.9*0.5+0.5 = 0.95, 0.9*0.95+0.5 = 1.355; p: 1-0.05, 0.95-0.095, 0.855-0.1355 */
    const double a[] = {0.95, 0.855, 0.7195};
    sgd_case("sgd:lr=0.1,momentum=0.9", 1, 0.5, a, 3);
    /* b: -1, -1.9, -2.71; p: 2.1, 2.29, 2.561 */
    const double b[] = {2.1, 2.29, 2.561};
    sgd_case("sgd:lr=0.1,momentum=0.9", 2, -1, b, 3);
}
END_TEST

START_TEST(sgd_dampening)
{
    /* The first buffer is g undamped: b = 0.5, then 0.9*0.5+0.5*0.5 = 0.7, 0.9*0.7+0.25 = 0.88. */
    const double a[] = {0.95, 0.88, 0.792};
    sgd_case("sgd:lr=0.1,momentum=0.9,dampening=0.5", 1, 0.5, a, 3);
}
END_TEST

START_TEST(sgd_nesterov)
{
    /* b = 0.5, 0.95, 1.355; step g + 0.9 b = 0.95, 1.355, 1.7195. */
    const double a[] = {0.905, 0.7695, 0.59755};
    sgd_case("sgd:lr=0.1,momentum=0.9,nesterov=1", 1, 0.5, a, 3);
    sgd_case("sgd:lr=0.1,momentum=0.9,nesterov=true", 1, 0.5, a, 3);
    nn_optim *o = nn_optim_sgd(0.1, 0.9, 0, 0, 1);
    ck_assert_ptr_nonnull(o);
    nn_real p[1] = {1}, g[1] = {0.5};
    for (int t = 0; t < 3; t++) nn_optim_step(o, p, g, 1);
    ck_assert_close(p[0], 0.59755, TOL_OPT);
    nn_optim_free(o);
}
END_TEST

START_TEST(sgd_weight_decay)
{
    /* g + 0.1 p: 0.6, 0.5+0.094 = 0.594, 0.5+0.08806 = 0.58806. */
    const double a[] = {0.94, 0.8806, 0.821794};
    sgd_case("sgd:lr=0.1,weight_decay=0.1", 1, 0.5, a, 3);
    /* With momentum 0.9: b = 0.6, 0.54+0.594 = 1.134, 1.0206+0.58266 = 1.60326. */
    const double b[] = {0.94, 0.8266, 0.666274};
    sgd_case("sgd:lr=0.1,momentum=0.9,weight_decay=0.1", 1, 0.5, b, 3);
}
END_TEST

/* ---- Adaptive optimizers against a double reference of the documented formula ---- */

typedef struct ref {
    double p[MAXN], s1[MAXN], s2[MAXN], s3[MAXN];
    long t;
} ref;

static const double P0[MAXN] = {0.5, -1.25, 2, 0.125, -0.75, 1.5, -3, 0.01};

/* A gradient that changes sign and size from step to step, never depending on p. */
static double grad_at(int t, int i) { return sin(1.0 + 0.7 * i + 1.3 * t) * (0.2 + 0.3 * i); }

typedef void (*ref_step)(ref *r, const double *g, const double *hp);

static void ref_adagrad(ref *r, const double *g, const double *hp)
{
    double lr = hp[0], lr_decay = hp[1], wd = hp[2], eps = hp[4];
    double clr = lr / (1 + (r->t - 1) * lr_decay);
    for (int i = 0; i < MAXN; i++) {
        double d = g[i] + wd * r->p[i];
        r->s1[i] += d * d;
        r->p[i] -= clr * d / (sqrt(r->s1[i]) + eps);
    }
}

static void ref_rmsprop(ref *r, const double *g, const double *hp)
{
    double lr = hp[0], alpha = hp[1], eps = hp[2], wd = hp[3], mom = hp[4];
    int centered = hp[5] != 0;
    for (int i = 0; i < MAXN; i++) {
        double d = g[i] + wd * r->p[i];
        r->s1[i] = alpha * r->s1[i] + (1 - alpha) * d * d;
        double v = r->s1[i];
        if (centered) {
            r->s2[i] = alpha * r->s2[i] + (1 - alpha) * d;
            v -= r->s2[i] * r->s2[i];
        }
        if (mom > 0) {
            r->s3[i] = mom * r->s3[i] + d / (sqrt(v) + eps);
            r->p[i] -= lr * r->s3[i];
        } else {
            r->p[i] -= lr * d / (sqrt(v) + eps);
        }
    }
}

/* hp: lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled */
static void ref_adam(ref *r, const double *g, const double *hp)
{
    double lr = hp[0], b1 = hp[1], b2 = hp[2], eps = hp[3], wd = hp[4];
    int ams = hp[5] != 0, decoupled = hp[6] != 0;
    for (int i = 0; i < MAXN; i++) {
        double d = g[i];
        if (decoupled) r->p[i] -= lr * wd * r->p[i];
        else d += wd * r->p[i];
        r->s1[i] = b1 * r->s1[i] + (1 - b1) * d;
        r->s2[i] = b2 * r->s2[i] + (1 - b2) * d * d;
        double mhat = r->s1[i] / (1 - pow(b1, (double)r->t)), v = r->s2[i];
        if (ams) {
            r->s3[i] = fmax(r->s3[i], v);
            v = r->s3[i];
        }
        double vhat = v / (1 - pow(b2, (double)r->t));
        r->p[i] -= lr * mhat / (sqrt(vhat) + eps);
    }
}

static void compare_run(const char *spec, ref_step fn, const double *hp, double init, int steps)
{
    nn_optim *o = parse_ok(spec);
    nn_real p[MAXN], g[MAXN];
    ref r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < MAXN; i++) {
        p[i] = (nn_real)P0[i];
        r.p[i] = P0[i];
        r.s1[i] = init;
    }
    for (int t = 1; t <= steps; t++) {
        double gd[MAXN];
        for (int i = 0; i < MAXN; i++) {
            g[i] = (nn_real)grad_at(t, i);
            gd[i] = g[i];
        }
        r.t = t;
        fn(&r, gd, hp);
        ck_assert_int_eq(nn_optim_step(o, p, g, MAXN), NN_OK);
        for (int i = 0; i < MAXN; i++)
            ck_assert_msg(fabs(p[i] - r.p[i]) <= TOL_OPT * fmax(1, fabs(r.p[i])),
                          "%s step %d p[%d] = %.17g, reference %.17g", spec, t, i, (double)p[i], r.p[i]);
    }
    nn_optim_free(o);
}

START_TEST(adagrad_matches)
{
    const double d[] = {0.01, 0, 0, 0, 1e-10};
    compare_run("adagrad", ref_adagrad, d, 0, 6);
    const double h[] = {0.1, 0.05, 0.02, 0.3, 1e-6};
    compare_run("adagrad:lr=0.1,lr_decay=0.05,weight_decay=0.02,initial_accumulator_value=0.3,eps=1e-6",
                ref_adagrad, h, 0.3, 7);
}
END_TEST

START_TEST(rmsprop_matches)
{
    const double plain[] = {0.01, 0.99, 1e-8, 0, 0, 0};
    compare_run("rmsprop", ref_rmsprop, plain, 0, 6);
    const double wd[] = {0.02, 0.9, 1e-6, 0.1, 0, 0};
    compare_run("rmsprop:lr=0.02,alpha=0.9,eps=1e-6,weight_decay=0.1", ref_rmsprop, wd, 0, 6);
    const double cen[] = {0.01, 0.9, 1e-8, 0, 0, 1};
    compare_run("rmsprop:alpha=0.9,centered=1", ref_rmsprop, cen, 0, 6);
    const double mom[] = {0.01, 0.95, 1e-8, 0, 0.8, 0};
    compare_run("rmsprop:alpha=0.95,momentum=0.8", ref_rmsprop, mom, 0, 6);
    const double both[] = {0.005, 0.9, 1e-7, 0.01, 0.5, 1};
    compare_run("rmsprop:lr=0.005,alpha=0.9,eps=1e-7,weight_decay=0.01,momentum=0.5,centered=true", ref_rmsprop,
                both, 0, 7);
}
END_TEST

START_TEST(adam_matches)
{
    const double d[] = {1e-3, 0.9, 0.999, 1e-8, 0, 0, 0};
    compare_run("adam", ref_adam, d, 0, 6);
    const double h[] = {0.01, 0.8, 0.99, 1e-6, 0.05, 0, 0};
    compare_run("adam:lr=0.01,betas=0.8/0.99,eps=1e-6,weight_decay=0.05", ref_adam, h, 0, 7);
    compare_run("adam:lr=0.01,beta1=0.8,beta2=0.99,eps=1e-6,weight_decay=0.05", ref_adam, h, 0, 7);
}
END_TEST

START_TEST(adamw_matches)
{
    const double d[] = {1e-3, 0.9, 0.999, 1e-8, 1e-2, 0, 1};
    compare_run("adamw", ref_adam, d, 0, 6);
    const double h[] = {0.05, 0.9, 0.95, 1e-8, 0.2, 0, 1};
    compare_run("adamw:lr=0.05,betas=0.9/0.95,weight_decay=0.2", ref_adam, h, 0, 8);
}
END_TEST

START_TEST(amsgrad_matches)
{
    /* beta2 = 0.5 forgets fast, so v falls below its running maximum and vmax matters. */
    const double a[] = {0.01, 0.9, 0.5, 1e-8, 0, 1, 0};
    compare_run("adam:lr=0.01,betas=0.9/0.5,amsgrad=1", ref_adam, a, 0, 8);
    const double w[] = {0.01, 0.9, 0.5, 1e-8, 0.1, 1, 1};
    compare_run("adamw:lr=0.01,betas=0.9/0.5,weight_decay=0.1,amsgrad=true", ref_adam, w, 0, 8);
    /* Without amsgrad the same run differs, so the test above does look at vmax. */
    nn_optim *x = parse_ok("adam:lr=0.01,betas=0.9/0.5,amsgrad=1"), *y = parse_ok("adam:lr=0.01,betas=0.9/0.5");
    nn_real px[MAXN], py[MAXN], g[MAXN];
    for (int i = 0; i < MAXN; i++) px[i] = py[i] = (nn_real)P0[i];
    for (int t = 1; t <= 8; t++) {
        for (int i = 0; i < MAXN; i++) g[i] = (nn_real)grad_at(t, i);
        nn_optim_step(x, px, g, MAXN);
        nn_optim_step(y, py, g, MAXN);
    }
    ck_assert(memcmp(px, py, sizeof px) != 0);
    nn_optim_free(x);
    nn_optim_free(y);
}
END_TEST

/* ---- schedules ---- */

static void lr_at(nn_optim *o, int epoch, double want)
{
    nn_optim_set_epoch(o, epoch);
    ck_assert_msg(fabs(nn_optim_lr(o) - want) <= 1e-12 * fmax(1, fabs(want)), "epoch %d: lr %.17g, expected %.17g",
                  epoch, nn_optim_lr(o), want);
}

START_TEST(schedules)
{
    nn_optim *o = parse_ok("sgd:lr=0.1");
    nn_schedule s;
    ck_assert_int_eq(nn_schedule_parse("constant", &s), NN_OK);
    ck_assert_int_eq(s.kind, NN_SCHED_CONSTANT);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    lr_at(o, 0, 0.1);
    lr_at(o, 7, 0.1);

    ck_assert_int_eq(nn_schedule_parse("step:step_size=3,gamma=0.5", &s), NN_OK);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    lr_at(o, 0, 0.1);
    lr_at(o, 2, 0.1);
    lr_at(o, 3, 0.05);
    lr_at(o, 5, 0.05);
    lr_at(o, 6, 0.025);
    lr_at(o, 9, 0.0125);
    ck_assert_int_eq(nn_schedule_parse("step", &s), NN_OK);
    ck_assert_int_eq(s.step_size, 10);
    ck_assert(s.gamma == 0.1);

    ck_assert_int_eq(nn_schedule_parse("exp:gamma=0.9", &s), NN_OK);
    ck_assert_int_eq(s.kind, NN_SCHED_EXP);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    lr_at(o, 0, 0.1);
    lr_at(o, 1, 0.09);
    lr_at(o, 3, 0.0729);
    ck_assert_int_eq(nn_schedule_parse("exponential", &s), NN_OK);
    ck_assert_int_eq(s.kind, NN_SCHED_EXP);
    ck_assert(s.gamma == 0.95);

    ck_assert_int_eq(nn_schedule_parse("cosine:t_max=10,eta_min=0.01", &s), NN_OK);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    lr_at(o, 0, 0.1);
    lr_at(o, 2, 0.01 + 0.09 * (1 + 0.80901699437494742) / 2); /* cos(pi/5) */
    lr_at(o, 5, 0.055);
    lr_at(o, 10, 0.01);
    ck_assert(nn_optim_base_lr(o) == 0.1);

    /* t_max = 0: the number of epochs, once known; until then the base rate. */
    ck_assert_int_eq(nn_schedule_parse("cosine", &s), NN_OK);
    ck_assert_int_eq(s.t_max, 0);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    lr_at(o, 5, 0.1);
    nn_optim_set_horizon(o, 20);
    lr_at(o, 10, 0.05);
    lr_at(o, 20, 0);

    /* The step uses the scheduled rate. */
    ck_assert_int_eq(nn_schedule_parse("step:step_size=1,gamma=0.5", &s), NN_OK);
    ck_assert_int_eq(nn_optim_set_schedule(o, &s), NN_OK);
    nn_optim_set_epoch(o, 2);
    nn_real p[1] = {1}, g[1] = {1};
    nn_optim_step(o, p, g, 1);
    ck_assert_close(p[0], 1 - 0.025, TOL_OPT);
    ck_assert_str_eq(nn_optim_name(o), "sgd");
    nn_optim_free(o);
}
END_TEST

START_TEST(schedule_errors)
{
    nn_schedule s = {NN_SCHED_EXP, 7, 0.5, 3, 0.25}, keep = s;
    const char *bad[][2] = {
        {"linear", "valid: constant"}, {"step:step_size=0", "step_size"}, {"step:gamma=0", "gamma"},
        {"exp:gamma=-1", "gamma"},     {"cosine:t_max=-1", "t_max"},      {"cosine:eta_min=-0.1", "eta_min"},
        {"step:foo=1", "foo"},          {"constant:gamma=1", "gamma"},     {"exp:t_max=3", "t_max"},
        {"step:step_size=x", "step_size"}, {"", "name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(nn_schedule_parse(bad[i][0], &s) == NN_EINVAL, "'%s' accepted", bad[i][0]);
        ck_assert_msg(strstr(nn_errmsg(), bad[i][1]) != NULL, "'%s': message '%s' lacks '%s'", bad[i][0],
                      nn_errmsg(), bad[i][1]);
        ck_assert(memcmp(&s, &keep, sizeof s) == 0);
    }
    nn_optim *o = parse_ok("sgd");
    nn_schedule z = {NN_SCHED_STEP, 0, 0.1, 0, 0};
    ck_assert_int_eq(nn_optim_set_schedule(o, &z), NN_EINVAL);
    z.step_size = 2, z.gamma = 0;
    ck_assert_int_eq(nn_optim_set_schedule(o, &z), NN_EINVAL);
    z.kind = NN_SCHED_COSINE, z.t_max = -1;
    ck_assert_int_eq(nn_optim_set_schedule(o, &z), NN_EINVAL);
    ck_assert(nn_optim_lr(o) == 0.01);
    nn_optim_free(o);
}
END_TEST

/* ---- specs ---- */

START_TEST(format_round_trip)
{
    const char *cases[][2] = {
        {"sgd", "sgd:lr=0.01,momentum=0,dampening=0,weight_decay=0,nesterov=0"},
        {"sgd:lr=0.1,momentum=0.9,nesterov=true", "sgd:lr=0.1,momentum=0.9,dampening=0,weight_decay=0,nesterov=1"},
        {"adagrad", "adagrad:lr=0.01,lr_decay=0,weight_decay=0,initial_accumulator_value=0,eps=1e-10"},
        {"rmsprop:centered=1,momentum=0.5",
         "rmsprop:lr=0.01,alpha=0.99,eps=1e-08,weight_decay=0,momentum=0.5,centered=1"},
        {"adam", "adam:lr=0.001,betas=0.9/0.999,eps=1e-08,weight_decay=0,amsgrad=0"},
        {"adam:beta2=0.99,amsgrad=1", "adam:lr=0.001,betas=0.9/0.99,eps=1e-08,weight_decay=0,amsgrad=1"},
        {"adamw:lr=0.003,betas=0.85/0.95", "adamw:lr=0.003,betas=0.85/0.95,eps=1e-08,weight_decay=0.01,amsgrad=0"},
        {"adamw:lr=0.1234567890123456789", "adamw:lr=0.12345678901234568,betas=0.9/0.999,eps=1e-08,weight_decay=0.01,amsgrad=0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nn_optim *o = parse_ok(cases[i][0]);
        char buf[256], again[256];
        int n = nn_optim_format(o, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i][1]);
        ck_assert_int_eq(n, (int)strlen(buf));
        nn_optim *q = parse_ok(buf);
        nn_optim_format(q, again, sizeof again);
        ck_assert_str_eq(again, buf);
        ck_assert(nn_optim_base_lr(q) == nn_optim_base_lr(o));
        /* A short buffer still gets the full length back and a terminated prefix. */
        char small[10];
        ck_assert_int_eq(nn_optim_format(o, small, sizeof small), n);
        ck_assert_uint_eq(strlen(small), sizeof small - 1);
        ck_assert_int_eq(strncmp(small, buf, sizeof small - 1), 0);
        ck_assert_int_eq(nn_optim_format(o, NULL, 0), n);
        nn_optim_free(o);
        nn_optim_free(q);
    }
}
END_TEST

START_TEST(bad_specs)
{
    const char *bad[][2] = {
        {"sgdx:lr=1", "valid: sgd, adagrad, rmsprop, adam, adamw"},
        {"sgd:foo=1", "valid: lr, momentum, dampening, weight_decay, nesterov"},
        {"adam:momentum=0.9", "valid: lr, betas, beta1, beta2, eps, weight_decay, amsgrad"},
        {"sgd:lr=-1", "lr"},
        {"sgd:lr=abc", "lr"},
        {"sgd:lr=inf", "lr"},
        {"sgd:momentum=-0.5", "momentum"},
        {"sgd:dampening=2", "dampening"},
        {"sgd:weight_decay=-1", "weight_decay"},
        {"sgd:nesterov=1", "nesterov"},
        {"sgd:momentum=0.9,dampening=0.1,nesterov=1", "nesterov"},
        {"sgd:nesterov=maybe", "nesterov"},
        {"sgd:lr=0.1,lr=0.2", "twice"},
        {"sgd:0.1", "key=value"},
        {"adagrad:lr_decay=-1", "lr_decay"},
        {"adagrad:initial_accumulator_value=-1", "initial_accumulator_value"},
        {"adagrad:eps=-1e-10", "eps"},
        {"rmsprop:alpha=1.5", "alpha"},
        {"rmsprop:centered=2", "centered"},
        {"adam:betas=0.9/1", "beta2"},
        {"adam:betas=1/0.9", "beta1"},
        {"adam:betas=0.9", "betas"},
        {"adam:betas=0.9/x", "betas"},
        {"adam:beta1=-0.1", "beta1"},
        {"adam:beta2=1", "beta2"},
        {"adam:betas=0.9/0.99,beta1=0.8", "twice"},
        {"adam:eps=-1", "eps"},
        {"adamw:weight_decay=-0.01", "weight_decay"},
        {"adam:amsgrad=yes", "amsgrad"},
        {"", "name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nn_errclear();
        nn_optim *o = nn_optim_parse(bad[i][0]);
        ck_assert_msg(o == NULL, "'%s' accepted", bad[i][0]);
        ck_assert_msg(strstr(nn_errmsg(), bad[i][1]) != NULL, "'%s': message '%s' lacks '%s'", bad[i][0],
                      nn_errmsg(), bad[i][1]);
    }
    ck_assert_ptr_null(nn_optim_parse(NULL));
    ck_assert_ptr_null(nn_optim_sgd(0.1, 0, 0, 0, 1));
    ck_assert_ptr_null(nn_optim_sgd(-0.1, 0, 0, 0, 0));
    ck_assert_ptr_null(nn_optim_sgd(NAN, 0, 0, 0, 0));
    ck_assert_ptr_null(nn_optim_adam(1e-3, 0.9, 1.0, 1e-8, 0, 0));
    ck_assert(strstr(nn_errmsg(), "beta2") != NULL);
    ck_assert_ptr_null(nn_optim_rmsprop(1e-2, 0.99, -1, 0, 0, 0));
    ck_assert_ptr_null(nn_optim_adagrad(1e-2, 0, 0, -1, 1e-10));
    nn_optim *o = nn_optim_adamw(1e-3, 0.9, 0.999, 1e-8, 0.01, 1);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(nn_optim_name(o), "adamw");
    ck_assert_int_eq(nn_optim_step(o, NULL, NULL, 3), NN_EINVAL);
    ck_assert_int_eq(nn_optim_step(NULL, NULL, NULL, 0), NN_EINVAL);
    nn_optim_free(o);
    nn_optim_free(NULL);
}
END_TEST

/* ---- clipping ---- */

START_TEST(clip_norm)
{
    nn_real g[2] = {3, 4};
    ck_assert_close(nn_clip_grad_norm(g, 2, 1.0), 5.0, 1e-12);
    ck_assert_close(g[0], 0.6, 1e-5);
    ck_assert_close(g[1], 0.8, 1e-5);

    nn_real big[1000];
    for (int i = 0; i < 1000; i++) big[i] = (nn_real)sin(0.37 * i + 1);
    double before = 0, after = 0;
    for (int i = 0; i < 1000; i++) before += (double)big[i] * big[i];
    ck_assert_close(nn_clip_grad_norm(big, 1000, 2.5), sqrt(before), 1e-6);
    for (int i = 0; i < 1000; i++) after += (double)big[i] * big[i];
    ck_assert_close(sqrt(after), 2.5, 1e-5);

    /* Below the limit nothing changes. */
    nn_real h[3] = {0.1f, -0.2f, 0.3f}, copy[3];
    memcpy(copy, h, sizeof h);
    ck_assert_close(nn_clip_grad_norm(h, 3, 10), sqrt((double)h[0] * h[0] + (double)h[1] * h[1] + (double)h[2] * h[2]),
                    1e-12);
    ck_assert(memcmp(h, copy, sizeof h) == 0);
    ck_assert(nn_clip_grad_norm(h, 0, 1) == 0);
    /* Just below the limit is still below: the coefficient 6 / 5 is not applied. */
    nn_real e[2] = {3, 4};
    nn_clip_grad_norm(e, 2, 6);
    ck_assert(e[0] == 3 && e[1] == 4);
    /* At the limit torch still scales, by max_norm / (norm + 1e-6). */
    nn_clip_grad_norm(e, 2, 5);
    ck_assert_close(e[1], 4 * (5 / (5 + 1e-6)), TOL_OPT);
    ck_assert(e[1] < 4);

    ck_assert(isnan(nn_clip_grad_norm(h, 3, -1)));
    ck_assert(strstr(nn_errmsg(), "max_norm") != NULL);
    ck_assert(memcmp(h, copy, sizeof h) == 0);
}
END_TEST

START_TEST(clip_value)
{
    nn_real g[5] = {-3, 0.5f, 2, -0.1f, 1};
    nn_clip_grad_value(g, 5, 1.0);
    const nn_real want[5] = {-1, 0.5f, 1, -0.1f, 1};
    ck_assert(memcmp(g, want, sizeof g) == 0);
    nn_clip_grad_value(g, 5, -1);
    ck_assert(strstr(nn_errmsg(), "clip") != NULL);
    ck_assert(memcmp(g, want, sizeof g) == 0);
}
END_TEST

/* ---- state: save, restore, resume ---- */

static void run_steps(nn_optim *o, nn_real *p, int from, int to)
{
    nn_real g[MAXN];
    for (int t = from; t < to; t++) {
        for (int i = 0; i < MAXN; i++) g[i] = (nn_real)grad_at(t, i);
        ck_assert_int_eq(nn_optim_step(o, p, g, MAXN), NN_OK);
    }
}

START_TEST(resume_bit_identical)
{
    const char *specs[] = {"sgd:lr=0.1,momentum=0.9,nesterov=1", "sgd:lr=0.1,momentum=0.9,dampening=0.3",
                           "adagrad:lr=0.1,lr_decay=0.1,initial_accumulator_value=0.1",
                           "rmsprop:momentum=0.5,centered=1", "adam:amsgrad=1,weight_decay=0.01",
                           "adamw:lr=0.01", "sgd:lr=0.1"};
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        nn_real a[MAXN], b[MAXN];
        for (int i = 0; i < MAXN; i++) a[i] = b[i] = (nn_real)P0[i];
        nn_optim *whole = parse_ok(specs[k]);
        run_steps(whole, a, 0, 10);

        nn_optim *first = parse_ok(specs[k]);
        run_steps(first, b, 0, 4);
        size_t len;
        long steps;
        const nn_real *st = nn_optim_state(first, &len, &steps);
        ck_assert_int_eq(steps, 4);
        nn_real saved[4 * MAXN];
        ck_assert_uint_le(len, sizeof saved / sizeof saved[0]);
        if (len) memcpy(saved, st, len * sizeof *st);
        /* Stepping the old optimizer further must not touch what was saved. */
        char spec[256];
        nn_optim_format(first, spec, sizeof spec);
        nn_optim_free(first);

        nn_optim *second = parse_ok(spec);
        ck_assert_int_eq(nn_optim_restore(second, MAXN, len ? saved : NULL, len, steps), NN_OK);
        const nn_real *before = nn_optim_state(second, NULL, NULL);
        run_steps(second, b, 4, 10);
        ck_assert_msg(memcmp(a, b, sizeof a) == 0, "%s: resumed run differs", specs[k]);
        ck_assert_ptr_eq(nn_optim_state(second, NULL, NULL), before); /* no reallocation while stepping */
        size_t l1, l2;
        long s1, s2;
        const nn_real *x = nn_optim_state(whole, &l1, &s1), *y = nn_optim_state(second, &l2, &s2);
        ck_assert_uint_eq(l1, l2);
        ck_assert_int_eq(s1, s2);
        if (l1) ck_assert(memcmp(x, y, l1 * sizeof *x) == 0);
        nn_optim_free(whole);
        nn_optim_free(second);
    }
}
END_TEST

START_TEST(state_layout_and_errors)
{
    const struct { const char *spec; size_t slots; } c[] = {
        {"sgd", 0}, {"sgd:momentum=0.5", 1}, {"adagrad", 1}, {"rmsprop", 1}, {"rmsprop:centered=1", 2},
        {"rmsprop:momentum=0.1", 2}, {"rmsprop:centered=1,momentum=0.1", 3}, {"adam", 2}, {"adamw:amsgrad=1", 3},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        nn_optim *o = parse_ok(c[k].spec);
        size_t len = 99;
        long steps = 99;
        ck_assert_ptr_null(nn_optim_state(o, &len, &steps));
        ck_assert_uint_eq(len, 0);
        ck_assert_int_eq(steps, 0);
        nn_real p[MAXN] = {0}, g[MAXN] = {0};
        nn_optim_step(o, p, g, 5);
        nn_optim_state(o, &len, &steps);
        ck_assert_msg(len == 5 * c[k].slots, "%s: state of %zu", c[k].spec, len);
        ck_assert_int_eq(steps, 1);
        nn_real junk[64] = {0};
        ck_assert_int_eq(nn_optim_restore(o, 5, junk, len + 1, 3), NN_EINVAL);
        ck_assert(strstr(nn_errmsg(), "does not fit") != NULL);
        ck_assert_int_eq(nn_optim_restore(o, 5, junk, len, -1), NN_EINVAL);
        /* A different parameter count starts the state afresh. */
        nn_optim_step(o, p, g, 6);
        nn_optim_state(o, &len, &steps);
        ck_assert_uint_eq(len, 6 * c[k].slots);
        ck_assert_int_eq(steps, 1);
        nn_optim_free(o);
    }
    /* Adagrad's sum starts at initial_accumulator_value. */
    nn_optim *o = parse_ok("adagrad:initial_accumulator_value=0.5");
    nn_real p[2] = {0}, g[2] = {0};
    nn_optim_step(o, p, g, 2);
    const nn_real *st = nn_optim_state(o, NULL, NULL);
    ck_assert(st[0] == (nn_real)0.5 && st[1] == (nn_real)0.5);
    nn_optim_free(o);
}
END_TEST

START_TEST(reset_forgets)
{
    nn_real a[MAXN], b[MAXN];
    for (int i = 0; i < MAXN; i++) a[i] = b[i] = (nn_real)P0[i];
    nn_optim *o = parse_ok("adam:lr=0.01"), *fresh = parse_ok("adam:lr=0.01");
    nn_real junk[MAXN];
    memcpy(junk, a, sizeof junk);
    run_steps(o, junk, 0, 5);
    nn_optim_reset(o);
    size_t len;
    long steps;
    ck_assert_ptr_null(nn_optim_state(o, &len, &steps));
    ck_assert_int_eq(steps, 0);
    run_steps(o, a, 0, 4);
    run_steps(fresh, b, 0, 4);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    nn_optim_free(o);
    nn_optim_free(fresh);
}
END_TEST

static Suite *optim_suite(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sgd_plain);
    tcase_add_test(tc, sgd_momentum);
    tcase_add_test(tc, sgd_dampening);
    tcase_add_test(tc, sgd_nesterov);
    tcase_add_test(tc, sgd_weight_decay);
    tcase_add_test(tc, adagrad_matches);
    tcase_add_test(tc, rmsprop_matches);
    tcase_add_test(tc, adam_matches);
    tcase_add_test(tc, adamw_matches);
    tcase_add_test(tc, amsgrad_matches);
    tcase_add_test(tc, schedules);
    tcase_add_test(tc, schedule_errors);
    tcase_add_test(tc, format_round_trip);
    tcase_add_test(tc, bad_specs);
    tcase_add_test(tc, clip_norm);
    tcase_add_test(tc, clip_value);
    tcase_add_test(tc, resume_bit_identical);
    tcase_add_test(tc, state_layout_and_errors);
    tcase_add_test(tc, reset_forgets);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(optim_suite)
