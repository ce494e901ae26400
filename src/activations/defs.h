/* defs.h: every activation, one block each in the order of NN_ACT_LIST: parameters (defaults, valid ranges), f and f' side by side, the learnable ones' parameter gradient, then the record. Included once, by kernels.c. */
#ifndef NNLAB_ACT_DEFS_H
#define NNLAB_ACT_DEFS_H

#include "act_internal.h"

/* A block reads:
 *   static const nn_act_param_info NAME_params[] = {{key, default, doc, valid range}, ...};
 *   F(NAME)  { return f(x) with p[k] the k-th parameter; }
 *   DF(NAME) { return f'(x) (y = f(x) is at hand); }
 *   DP(NAME) { learnable only: df/dp[lead + k] into gp[k]; return f'(x); }
 *   NN_ACT_KERNELS(NAME) generates the loops, and the record says the rest.
 * Valid ranges (lo, hi, lo_open, hi_open, lo_key) are data, checked by nn_act_parse; they are designated, so that a
 * key's other names can follow them (`.aliases = "alpha"`) and every field left out is 0 or NULL: */
#define ANY .lo = -INFINITY, .hi = INFINITY, .lo_key = -1
#define ABOVE(v) .lo = (v), .hi = INFINITY, .lo_open = 1, .lo_key = -1   /* > v */
#define ATLEAST(v) .lo = (v), .hi = INFINITY, .lo_key = -1               /* >= v */
#define ATLEAST_KEY(k) .lo = -INFINITY, .hi = INFINITY, .lo_key = (k)    /* >= parameter k */
#define ABOVE_KEY(k) .lo = -INFINITY, .hi = INFINITY, .lo_open = 1, .lo_key = (k) /* > parameter k */

#if defined(__GNUC__)
#define NN_UNUSED __attribute__((unused))
#else
#define NN_UNUSED
#endif
#define F(name) static inline nn_real name##_f(NN_UNUSED nn_real x, NN_UNUSED const nn_real *p)
#define DF(name) \
    static inline nn_real name##_df(NN_UNUSED nn_real x, NN_UNUSED nn_real y, NN_UNUSED const nn_real *p)
#define DP(name) static inline nn_real name##_dp(nn_real x, const nn_real *p, nn_real *gp)

#define PARAMS(arr) .nparams = (int)(sizeof arr / sizeof arr[0]), .params = arr
#define LOOPS(name) .forward = name##_forward, .backward = name##_backward
#define UNIT_LOOPS(name) .unit_forward = name##_unit_forward, .unit_backward = name##_unit_backward
#define XU NN_INIT_XAVIER_UNIFORM
#define HE NN_INIT_HE_NORMAL

/* ---- identity ---------------------------------------------------------------------------------------- */
F(identity) { return x; }
DF(identity) { return 1; }
NN_ACT_KERNELS(identity)
static const nn_act_record identity_record = {
    .info = {.name = "identity", .formula = "x", .derivative = "1", .range = "(-inf, inf)", .monotonic = 1,
             .zero_centred = 1, .source = "linear unit", .init = XU, .kinks = ""},
    LOOPS(identity)};

/* ---- binary_step ------------------------------------------------------------------------------------- */
F(binary_step) { return x >= 0 ? (nn_real)1 : (nn_real)0; }
DF(binary_step) { return 0; }
NN_ACT_KERNELS(binary_step)
static const nn_act_record binary_step_record = {
    .info = {.name = "binary_step", .formula = "1 if x >= 0 else 0", .derivative = "0 (everywhere, by convention)",
             .range = "{0, 1}", .monotonic = 1, .saturating = 1, .source = "Heaviside step (perceptron)", .init = XU,
             .kinks = "0"},
    LOOPS(binary_step)};

/* ---- sigmoid ----------------------------------------------------------------------------------------- */
F(sigmoid) { return nn_sigm(x); }
DF(sigmoid) { return y * (1 - y); }
NN_ACT_KERNELS(sigmoid)
static const nn_act_record sigmoid_record = {
    .info = {.name = "sigmoid", .formula = "1 / (1 + exp(-x))", .derivative = "f(x) (1 - f(x))", .range = "(0, 1)",
             .monotonic = 1, .saturating = 1, .source = "logistic function; torch.sigmoid", .init = XU, .kinks = ""},
    LOOPS(sigmoid)};

/* ---- tanh -------------------------------------------------------------------------------------------- */
F(tanh) { return R_TANH(x); }
DF(tanh) { return 1 - y * y; }
NN_ACT_KERNELS(tanh)
static const nn_act_record tanh_record = {
    .info = {.name = "tanh", .formula = "tanh(x)", .derivative = "1 - f(x)^2", .range = "(-1, 1)", .monotonic = 1,
             .zero_centred = 1, .saturating = 1, .source = "torch.tanh", .init = XU, .kinks = ""},
    LOOPS(tanh)};

/* ---- arctan ------------------------------------------------------------------------------------------ */
F(arctan) { return R_ATAN(x); }
/* 1/(1+x^2) as q^2/(q^2+1), q = 1/x, for large |x|: no overflow */
DF(arctan) { return R_FABS(x) > 1 ? 1 / (x * (x + 1 / x)) : 1 / (1 + x * x); }
NN_ACT_KERNELS(arctan)
static const nn_act_record arctan_record = {
    .info = {.name = "arctan", .formula = "atan(x)", .derivative = "1 / (1 + x^2)", .range = "(-pi/2, pi/2)",
             .monotonic = 1, .zero_centred = 1, .saturating = 1, .source = "inverse tangent", .init = XU,
             .kinks = ""},
    LOOPS(arctan)};

/* ---- softsign ---------------------------------------------------------------------------------------- */
F(softsign) { return x / (1 + R_FABS(x)); }
DF(softsign) { return 1 / ((1 + R_FABS(x)) * (1 + R_FABS(x))); }
NN_ACT_KERNELS(softsign)
static const nn_act_record softsign_record = {
    .info = {.name = "softsign", .formula = "x / (1 + |x|)", .derivative = "1 / (1 + |x|)^2", .range = "(-1, 1)",
             .monotonic = 1, .zero_centred = 1, .saturating = 1, .source = "Bergstra et al. 2009; torch.nn.Softsign",
             .init = XU, .kinks = ""},
    LOOPS(softsign)};

/* ---- isru -------------------------------------------------------------------------------------------- */
/* 1 / sqrt(1 + al x^2) without overflowing x^2: for |x| > 1 as q / sqrt(q^2 + al), q = 1/|x|. */
static inline nn_real isr(nn_real x, nn_real al)
{
    nn_real ax = R_FABS(x), q = 1 / (ax > 1 ? ax : 1);
    nn_real near = 1 / R_SQRT(1 + al * x * x), far = q / R_SQRT(q * q + al);
    return ax > 1 ? far : near;
}
static const nn_act_param_info isru_params[] = {
    {"alpha", 1.0, "curvature: the output tends to +-1/sqrt(alpha)", ABOVE(0)}};
F(isru) { return x * isr(x, p[0]); }
DF(isru) { return isr(x, p[0]) * isr(x, p[0]) * isr(x, p[0]); }
NN_ACT_KERNELS(isru)
static const nn_act_record isru_record = {
    .info = {.name = "isru", .formula = "x / sqrt(1 + alpha x^2)", .derivative = "(1 / sqrt(1 + alpha x^2))^3",
             .range = "(-1/sqrt(alpha), 1/sqrt(alpha))", .monotonic = 1, .zero_centred = 1, .saturating = 1,
             .source = "Carlile et al. 2017 (ISRLU paper)", .init = XU, PARAMS(isru_params), .kinks = ""},
    LOOPS(isru)};

/* ---- bent_identity ----------------------------------------------------------------------------------- */
/* sqrt(x^2 + 1) without overflow. */
static inline nn_real hyp1(nn_real x)
{
    nn_real ax = R_FABS(x), q = 1 / (ax > 1 ? ax : 1);
    return ax > 1 ? ax * R_SQRT(1 + q * q) : R_SQRT(1 + x * x);
}
/* (sqrt(x^2+1) - 1)/2 + x; near 0 as x^2 / (2 (h + 1)) to avoid cancellation. */
F(bent_identity)
{
    nn_real h = hyp1(x);
    return (R_FABS(x) > 1 ? (h - 1) / 2 : x * x / (2 * (h + 1))) + x;
}
DF(bent_identity) { return x / (2 * hyp1(x)) + 1; }
NN_ACT_KERNELS(bent_identity)
static const nn_act_record bent_identity_record = {
    .info = {.name = "bent_identity", .formula = "(sqrt(x^2 + 1) - 1) / 2 + x",
             .derivative = "x / (2 sqrt(x^2 + 1)) + 1", .range = "(-inf, inf)", .monotonic = 1,
             .source = "bent identity", .init = XU, .kinks = ""},
    LOOPS(bent_identity)};

/* ---- sinusoid ---------------------------------------------------------------------------------------- */
F(sinusoid) { return R_SIN(x); }
DF(sinusoid) { return R_COS(x); }
NN_ACT_KERNELS(sinusoid)
static const nn_act_record sinusoid_record = {
    .info = {.name = "sinusoid", .formula = "sin(x)", .derivative = "cos(x)", .range = "[-1, 1]", .zero_centred = 1,
             .source = "Parascandolo et al. 2016", .init = XU, .kinks = ""},
    LOOPS(sinusoid)};

/* ---- sinc -------------------------------------------------------------------------------------------- */
F(sinc) { return x != 0 ? R_SIN(x) / x : (nn_real)1; }
/* sinc'(x) = (cos x - sin(x)/x) / x cancels near 0: there its Taylor series to x^13. */
DF(sinc)
{
    nn_real x2 = x * x;
    nn_real s = x * (-(nn_real)1 / 3 + x2 * ((nn_real)1 / 30 + x2 * (-(nn_real)1 / 840 + x2 * ((nn_real)1 / 45360 +
                x2 * (-(nn_real)1 / 3991680 + x2 * ((nn_real)1 / 518918400 + x2 * (-(nn_real)1 / 93405312000.0)))))));
    nn_real d = (R_COS(x) - R_SIN(x) / (x != 0 ? x : 1)) / (x != 0 ? x : 1);
    return R_FABS(x) < (nn_real)0.5 ? s : d;
}
NN_ACT_KERNELS(sinc)
static const nn_act_record sinc_record = {
    .info = {.name = "sinc", .formula = "1 if x = 0 else sin(x) / x",
             .derivative = "0 if x = 0 else cos(x)/x - sin(x)/x^2", .range = "[~-0.217234, 1]",
             .source = "unnormalised sinc", .init = XU, .kinks = ""},
    LOOPS(sinc)};

/* ---- gaussian ---------------------------------------------------------------------------------------- */
F(gaussian) { return R_EXP(-x * x); }
DF(gaussian) { return -2 * x * y; }
NN_ACT_KERNELS(gaussian)
static const nn_act_record gaussian_record = {
    .info = {.name = "gaussian", .formula = "exp(-x^2)", .derivative = "-2 x exp(-x^2)", .range = "(0, 1]",
             .saturating = 1, .source = "radial basis", .init = XU, .kinks = ""},
    LOOPS(gaussian)};

/* ---- relu -------------------------------------------------------------------------------------------- */
F(relu) { return x < 0 ? (nn_real)0 : x; } /* NaN passes through, as in torch */
DF(relu) { return x > 0 ? (nn_real)1 : (nn_real)0; }
NN_ACT_KERNELS(relu)
static const nn_act_record relu_record = {
    .info = {.name = "relu", .formula = "max(0, x)", .derivative = "1 if x > 0 else 0", .range = "[0, inf)",
             .monotonic = 1, .source = "Nair & Hinton 2010; torch.nn.ReLU", .init = HE, .kinks = "0"},
    LOOPS(relu)};

/* ---- leaky_relu -------------------------------------------------------------------------------------- */
static const nn_act_param_info leaky_relu_params[] = {{"negative_slope", 0.01, "slope for x <= 0", ANY, .aliases = "alpha"}};
F(leaky_relu) { return x > 0 ? x : p[0] * x; }
DF(leaky_relu) { return x > 0 ? (nn_real)1 : p[0]; }
NN_ACT_KERNELS(leaky_relu)
static const nn_act_record leaky_relu_record = {
    .info = {.name = "leaky_relu", .formula = "x if x > 0 else negative_slope x",
             .derivative = "1 if x > 0 else negative_slope", .range = "(-inf, inf)", .monotonic = 1,
             .source = "Maas et al. 2013; torch.nn.LeakyReLU", .init = HE, PARAMS(leaky_relu_params), .kinks = "0"},
    LOOPS(leaky_relu)};

/* ---- relu6 ------------------------------------------------------------------------------------------- */
F(relu6) { return x < 0 ? (nn_real)0 : x > 6 ? (nn_real)6 : x; }
DF(relu6) { return x > 0 && x < 6 ? (nn_real)1 : (nn_real)0; }
NN_ACT_KERNELS(relu6)
static const nn_act_record relu6_record = {
    .info = {.name = "relu6", .formula = "min(max(0, x), 6)", .derivative = "1 if 0 < x < 6 else 0",
             .range = "[0, 6]", .monotonic = 1, .saturating = 1, .source = "Krizhevsky 2010; torch.nn.ReLU6",
             .init = HE, .kinks = "0, 6"},
    LOOPS(relu6)};

/* ---- thresholded_relu -------------------------------------------------------------------------------- */
static const nn_act_param_info thresholded_relu_params[] = {{"theta", 1.0, "threshold (Keras)", ATLEAST(0), .aliases = "threshold"}};
F(thresholded_relu) { return x > p[0] ? x : (nn_real)0; }
DF(thresholded_relu) { return x > p[0] ? (nn_real)1 : (nn_real)0; }
NN_ACT_KERNELS(thresholded_relu)
static const nn_act_record thresholded_relu_record = {
    .info = {.name = "thresholded_relu", .formula = "x if x > theta else 0", .derivative = "1 if x > theta else 0",
             .range = "{0} u (theta, inf)", .source = "Konda et al. 2014; keras ThresholdedReLU", .init = HE,
             PARAMS(thresholded_relu_params), .kinks = "theta"},
    LOOPS(thresholded_relu)};

/* ---- elu --------------------------------------------------------------------------------------------- */
static const nn_act_param_info elu_params[] = {{"alpha", 1.0, "scale of the negative part", ANY}};
F(elu) { return x > 0 ? x : p[0] * R_EXPM1(x); }
DF(elu) { return x > 0 ? (nn_real)1 : p[0] * R_EXP(x); }
NN_ACT_KERNELS(elu)
static const nn_act_record elu_record = {
    .info = {.name = "elu", .formula = "x if x > 0 else alpha (exp(x) - 1)", .derivative = "1 if x > 0 else alpha exp(x)",
             .range = "(-alpha, inf)", .monotonic = 1, .source = "Clevert et al. 2015; torch.nn.ELU", .init = HE,
             PARAMS(elu_params), .kinks = "0"},
    LOOPS(elu)};

/* ---- selu -------------------------------------------------------------------------------------------- */
static const nn_act_param_info selu_params[] = {
    {"alpha", 1.6732632423543772848170429916717, "scale of the negative part (fixed point of Klambauer et al.)", ANY},
    {"scale", 1.0507009873554804934193349852946, "lambda, the overall scale", ANY}};
F(selu) { return p[1] * (x > 0 ? x : p[0] * R_EXPM1(x)); }
DF(selu) { return x > 0 ? p[1] : p[1] * p[0] * R_EXP(x); }
NN_ACT_KERNELS(selu)
static const nn_act_record selu_record = {
    .info = {.name = "selu", .formula = "scale (x if x > 0 else alpha (exp(x) - 1))",
             .derivative = "scale if x > 0 else scale alpha exp(x)", .range = "(-scale alpha, inf)", .monotonic = 1,
             .zero_centred = 1, .source = "Klambauer et al. 2017; torch.nn.SELU", .init = NN_INIT_LECUN_NORMAL,
             PARAMS(selu_params), .kinks = "0"},
    LOOPS(selu)};

/* ---- celu -------------------------------------------------------------------------------------------- */
static const nn_act_param_info celu_params[] = {
    {"alpha", 1.0, "scale and smoothness of the negative part", ABOVE(0)}};
F(celu) { return x > 0 ? x : p[0] * R_EXPM1(x / p[0]); }
DF(celu) { return x > 0 ? (nn_real)1 : R_EXP(x / p[0]); }
NN_ACT_KERNELS(celu)
static const nn_act_record celu_record = {
    .info = {.name = "celu", .formula = "max(0, x) + min(0, alpha (exp(x / alpha) - 1))",
             .derivative = "1 if x > 0 else exp(x / alpha)", .range = "(-alpha, inf)", .monotonic = 1,
             .source = "Barron 2017; torch.nn.CELU", .init = HE, PARAMS(celu_params), .kinks = "0"},
    LOOPS(celu)};

/* ---- isrlu ------------------------------------------------------------------------------------------- */
static const nn_act_param_info isrlu_params[] = {
    {"alpha", 1.0, "curvature of the negative part: it tends to -1/sqrt(alpha)", ABOVE(0)}};
F(isrlu) { return x >= 0 ? x : x * isr(x, p[0]); }
DF(isrlu) { return x >= 0 ? (nn_real)1 : isr(x, p[0]) * isr(x, p[0]) * isr(x, p[0]); }
NN_ACT_KERNELS(isrlu)
static const nn_act_record isrlu_record = {
    .info = {.name = "isrlu", .formula = "x if x >= 0 else x / sqrt(1 + alpha x^2)",
             .derivative = "1 if x >= 0 else (1 / sqrt(1 + alpha x^2))^3", .range = "(-1/sqrt(alpha), inf)",
             .monotonic = 1, .source = "Carlile et al. 2017", .init = HE, PARAMS(isrlu_params), .kinks = "0"},
    LOOPS(isrlu)};

/* ---- rrelu ------------------------------------------------------------------------------------------- */
static const nn_act_param_info rrelu_params[] = {{"lower", 1.0 / 8.0, "lowest random slope", ATLEAST(0)},
                                                 {"upper", 1.0 / 3.0, "highest random slope", ATLEAST_KEY(0)}};
/* inference: the mean slope (computed outside the branch, so that the loop computes it once) */
F(rrelu)
{
    const nn_real m = (p[0] + p[1]) / 2;
    return x > 0 ? x : m * x;
}
DF(rrelu)
{
    const nn_real m = (p[0] + p[1]) / 2;
    return x > 0 ? (nn_real)1 : m;
}
NN_ACT_KERNELS(rrelu)
/* training, as torch: slope ~ U(lower, upper) for x <= 0. One draw per element whatever its sign, so the
 * stream advances the same way for every batch of the same shape. */
static void rrelu_train(const nn_real *p, const nn_real *x, nn_real *y, nn_real *slope, size_t n, nn_rng *rng)
{
    double lo = p[0], span = (double)p[1] - lo;
    for (size_t i = 0; i < n; i++) slope[i] = (nn_real)(lo + span * nn_rng_uniform(rng));
    for (size_t i = 0; i < n; i++) {
        slope[i] = x[i] <= 0 ? slope[i] : 1;
        y[i] = x[i] * slope[i];
    }
}
static const nn_act_record rrelu_record = {
    .info = {.name = "rrelu",
             .formula = "x if x > 0 else a x; a ~ U(lower, upper) when training, (lower+upper)/2 otherwise",
             .derivative = "1 if x > 0 else a", .range = "(-inf, inf)", .monotonic = 1,
             .source = "Xu et al. 2015; torch.nn.RReLU", .init = HE, PARAMS(rrelu_params), .kinks = "0"},
    LOOPS(rrelu), .train_forward = rrelu_train};

/* ---- softplus ---------------------------------------------------------------------------------------- */
static const nn_act_param_info softplus_params[] = {
    {"beta", 1.0, "sharpness", ABOVE(0)}, {"threshold", 20.0, "above beta*x > threshold the output is x", ANY}};
/* log1p(exp(bx)) as max(bx, 0) + log1p(exp(-|bx|)): the same value, finite for any threshold */
F(softplus)
{
    return p[0] * x > p[1] ? x : ((p[0] * x > 0 ? p[0] * x : 0) + R_LOG1P(R_EXP(-R_FABS(p[0] * x)))) / p[0];
}
DF(softplus) { return p[0] * x > p[1] ? (nn_real)1 : nn_sigm(p[0] * x); }
NN_ACT_KERNELS(softplus)
static const nn_act_record softplus_record = {
    .info = {.name = "softplus", .formula = "x if beta x > threshold else log(1 + exp(beta x)) / beta",
             .derivative = "1 if beta x > threshold else sigmoid(beta x)", .range = "(0, inf)", .monotonic = 1,
             .source = "Dugas et al. 2001; torch.nn.Softplus", .init = HE, PARAMS(softplus_params),
             .kinks = "threshold / beta"},
    LOOPS(softplus)};

/* ---- silu (swish), learnable ------------------------------------------------------------------------- */
static const nn_act_param_info silu_params[] = {{"beta", 1.0, "x * sigmoid(beta x); trained with learn=1", ANY}};
F(silu) { return x * nn_sigm(p[0] * x); }
DF(silu)
{
    nn_real s = nn_sigm(p[0] * x);
    return s + p[0] * x * s * (1 - s);
}
DP(silu)
{
    nn_real b = p[0], s = nn_sigm(b * x), t = s * (1 - s);
    gp[0] = x * x * t;
    return s + b * x * t;
}
NN_ACT_KERNELS(silu)
NN_ACT_UNIT_KERNELS(silu, 0)
static const nn_act_record silu_record = {
    .info = {.name = "silu", .formula = "x sigmoid(beta x)", .derivative = "s + beta x s (1 - s), s = sigmoid(beta x)",
             .range = "[~-0.278/beta, inf)", .learnable = 1, .learn = 0, .shared = 1,
             .source = "Elfwing et al. 2017; Ramachandran et al. 2017 (swish, learnable beta); torch.nn.SiLU",
             .init = HE, PARAMS(silu_params), .kinks = ""},
    LOOPS(silu), UNIT_LOOPS(silu)};

/* ---- gelu -------------------------------------------------------------------------------------------- */
static const nn_act_param_info gelu_params[] = {{"approximate", 0.0,
                                                 "none (0): exact erf form; tanh (1): tanh approximation", 0, 1, 0, 0,
                                                 -1, NN_ACT_PARAM_CHOICE, "none|tanh", NULL}};
#define GELU_K0 ((nn_real)0.7978845608028654) /* sqrt(2/pi) */
#define GELU_K1 ((nn_real)0.044715)
#define INV_SQRT2 ((nn_real)0.70710678118654752)
#define INV_SQRT2PI ((nn_real)0.39894228040143268)
/* 1 + tanh(u) = 2 sigmoid(2u): no cancellation for negative x. Beyond |x| = 1e4 the sigmoid is exactly 0
 * or 1 in both real types, so clamping x there keeps x^3 finite without changing the result. */
static inline nn_real gelu_tanh_s(nn_real x, nn_real *xc2)
{
    nn_real xc = x > 10000 ? 10000 : x < -10000 ? -10000 : x;
    *xc2 = xc * xc;
    return nn_sigm(2 * GELU_K0 * (xc + GELU_K1 * xc * *xc2));
}
/* exact form: 1 + erf(x/sqrt2) = erfc(-x/sqrt2), accurate where erf is near -1 */
F(gelu)
{
    nn_real c2;
    return p[0] != 0 ? x * gelu_tanh_s(x, &c2) : (nn_real)0.5 * x * R_ERFC(-x * INV_SQRT2);
}
DF(gelu)
{
    nn_real c2, s;
    if (p[0] == 0) return (nn_real)0.5 * R_ERFC(-x * INV_SQRT2) + x * INV_SQRT2PI * R_EXP(-(nn_real)0.5 * x * x);
    s = gelu_tanh_s(x, &c2);
    return s + 2 * x * s * (1 - s) * GELU_K0 * (1 + 3 * GELU_K1 * c2);
}
NN_ACT_KERNELS(gelu)
static const nn_act_record gelu_record = {
    .info = {.name = "gelu",
             .formula = "x Phi(x) = x/2 (1 + erf(x/sqrt 2)); tanh: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
             .derivative = "Phi(x) + x phi(x)", .range = "[~-0.17, inf)",
             .source = "Hendrycks & Gimpel 2016; torch.nn.GELU", .init = HE, PARAMS(gelu_params), .kinks = ""},
    LOOPS(gelu)};

/* ---- mish -------------------------------------------------------------------------------------------- */
/* through n = e^x (e^x + 2): tanh(softplus(x)) = n / (n + 2), exact to rounding for every x */
static inline nn_real mish_t(nn_real x, nn_real *n_out, nn_real *e_out)
{
    nn_real e = R_EXP(x < 20 ? x : 20), n = e * (e + 2);
    *n_out = n;
    *e_out = e;
    return x < 20 ? n / (n + 2) : 1;
}
F(mish)
{
    nn_real n, e;
    return x * mish_t(x, &n, &e);
}
/* t + x sigmoid(x) (1 - t^2), with 1 - t^2 = 4 (n + 1) / (n + 2)^2 and sigmoid(x) = e / (1 + e) */
DF(mish)
{
    nn_real n, e, t = mish_t(x, &n, &e);
    return x < 20 ? t + x * (e / (1 + e)) * 4 * (n + 1) / ((n + 2) * (n + 2)) : (nn_real)1;
}
NN_ACT_KERNELS(mish)
static const nn_act_record mish_record = {
    .info = {.name = "mish", .formula = "x tanh(softplus(x))",
             .derivative = "t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))", .range = "[~-0.309, inf)",
             .source = "Misra 2019; torch.nn.Mish", .init = HE, .kinks = ""},
    LOOPS(mish)};

/* ---- logsigmoid -------------------------------------------------------------------------------------- */
F(logsigmoid) { return (x < 0 ? x : 0) - R_LOG1P(R_EXP(-R_FABS(x))); }
DF(logsigmoid) { return nn_sigm(-x); }
NN_ACT_KERNELS(logsigmoid)
static const nn_act_record logsigmoid_record = {
    .info = {.name = "logsigmoid", .formula = "log(sigmoid(x)) = -softplus(-x)", .derivative = "sigmoid(-x)",
             .range = "(-inf, 0)", .monotonic = 1, .source = "torch.nn.LogSigmoid", .init = XU, .kinks = ""},
    LOOPS(logsigmoid)};

/* ---- tanhshrink -------------------------------------------------------------------------------------- */
F(tanhshrink) { return x - R_TANH(x); }
DF(tanhshrink) { return R_TANH(x) * R_TANH(x); }
NN_ACT_KERNELS(tanhshrink)
static const nn_act_record tanhshrink_record = {
    .info = {.name = "tanhshrink", .formula = "x - tanh(x)", .derivative = "tanh(x)^2", .range = "(-inf, inf)",
             .monotonic = 1, .zero_centred = 1, .source = "torch.nn.Tanhshrink", .init = XU, .kinks = ""},
    LOOPS(tanhshrink)};

/* ---- softshrink -------------------------------------------------------------------------------------- */
static const nn_act_param_info softshrink_params[] = {{"lambda", 0.5, "half-width of the dead zone", ATLEAST(0), .aliases = "lambd|threshold"}};
F(softshrink) { return x > p[0] ? x - p[0] : x < -p[0] ? x + p[0] : (nn_real)0; }
DF(softshrink) { return x >= -p[0] && x <= p[0] ? (nn_real)0 : (nn_real)1; }
NN_ACT_KERNELS(softshrink)
static const nn_act_record softshrink_record = {
    .info = {.name = "softshrink", .formula = "x - lambda if x > lambda, x + lambda if x < -lambda, else 0",
             .derivative = "0 if -lambda <= x <= lambda else 1", .range = "(-inf, inf)", .monotonic = 1,
             .zero_centred = 1, .source = "Donoho 1995; torch.nn.Softshrink", .init = XU,
             PARAMS(softshrink_params), .kinks = "-lambda, lambda"},
    LOOPS(softshrink)};

/* ---- hardshrink -------------------------------------------------------------------------------------- */
static const nn_act_param_info hardshrink_params[] = {{"lambda", 0.5, "half-width of the dead zone", ATLEAST(0), .aliases = "lambd|threshold"}};
F(hardshrink) { return x >= -p[0] && x <= p[0] ? (nn_real)0 : x; }
DF(hardshrink) { return x >= -p[0] && x <= p[0] ? (nn_real)0 : (nn_real)1; }
NN_ACT_KERNELS(hardshrink)
static const nn_act_record hardshrink_record = {
    .info = {.name = "hardshrink", .formula = "0 if -lambda <= x <= lambda else x",
             .derivative = "0 if -lambda <= x <= lambda else 1", .range = "{0} u |x| > lambda", .zero_centred = 1,
             .source = "torch.nn.Hardshrink", .init = XU, PARAMS(hardshrink_params), .kinks = "-lambda, lambda"},
    LOOPS(hardshrink)};

/* ---- hardtanh ---------------------------------------------------------------------------------------- */
static const nn_act_param_info hardtanh_params[] = {{"min_val", -1.0, "lower limit", ANY},
                                                    {"max_val", 1.0, "upper limit", ABOVE_KEY(0)}};
F(hardtanh) { return x < p[0] ? p[0] : x > p[1] ? p[1] : x; }
DF(hardtanh) { return x <= p[0] || x >= p[1] ? (nn_real)0 : (nn_real)1; }
NN_ACT_KERNELS(hardtanh)
static const nn_act_record hardtanh_record = {
    .info = {.name = "hardtanh", .formula = "min(max(x, min_val), max_val)",
             .derivative = "1 if min_val < x < max_val else 0", .range = "[min_val, max_val]", .monotonic = 1,
             .zero_centred = 1, .saturating = 1, .source = "Collobert 2004; torch.nn.Hardtanh", .init = XU,
             PARAMS(hardtanh_params), .kinks = "min_val, max_val"},
    LOOPS(hardtanh)};

/* ---- hardsigmoid ------------------------------------------------------------------------------------- */
F(hardsigmoid) { return (x < -3 ? (nn_real)0 : x > 3 ? (nn_real)6 : x + 3) / 6; }
DF(hardsigmoid) { return x > -3 && x < 3 ? (nn_real)1 / 6 : (nn_real)0; }
NN_ACT_KERNELS(hardsigmoid)
static const nn_act_record hardsigmoid_record = {
    .info = {.name = "hardsigmoid", .formula = "relu6(x + 3) / 6", .derivative = "1/6 if -3 < x < 3 else 0",
             .range = "[0, 1]", .monotonic = 1, .saturating = 1,
             .source = "Courbariaux et al. 2015; torch.nn.Hardsigmoid", .init = XU, .kinks = "-3, 3"},
    LOOPS(hardsigmoid)};

/* ---- hardswish --------------------------------------------------------------------------------------- */
F(hardswish) { return x * ((x < -3 ? (nn_real)0 : x > 3 ? (nn_real)6 : x + 3) / 6); }
DF(hardswish) { return x < -3 ? (nn_real)0 : x <= 3 ? x / 3 + (nn_real)0.5 : (nn_real)1; }
NN_ACT_KERNELS(hardswish)
static const nn_act_record hardswish_record = {
    .info = {.name = "hardswish", .formula = "x relu6(x + 3) / 6", .derivative = "0 if x < -3, x/3 + 1/2 if x <= 3, else 1",
             .range = "[-0.375, inf)", .source = "Howard et al. 2019 (MobileNetV3); torch.nn.Hardswish", .init = HE,
             .kinks = "-3, 3"},
    LOOPS(hardswish)};

/* ---- prelu, learnable -------------------------------------------------------------------------------- */
static const nn_act_param_info prelu_params[] = {{"alpha", 0.25, "slope for x <= 0 (trained)", ANY, .aliases = "init"}};
F(prelu) { return x > 0 ? x : p[0] * x; }
DF(prelu) { return x > 0 ? (nn_real)1 : p[0]; }
DP(prelu)
{
    gp[0] = x > 0 ? 0 : x;
    return x > 0 ? (nn_real)1 : p[0];
}
NN_ACT_KERNELS(prelu)
NN_ACT_UNIT_KERNELS(prelu, 0)
static const nn_act_record prelu_record = {
    .info = {.name = "prelu", .formula = "x if x > 0 else alpha x",
             .derivative = "1 if x > 0 else alpha; d/dalpha: 0 if x > 0 else x", .range = "(-inf, inf)",
             .monotonic = 1, .learnable = 1, .learn = 1, .shared = 1, /* one alpha, as torch.nn.PReLU() */
             .source = "He et al. 2015; torch.nn.PReLU", .init = HE, PARAMS(prelu_params), .kinks = "0"},
    LOOPS(prelu), UNIT_LOOPS(prelu)};

/* ---- srelu, learnable -------------------------------------------------------------------------------- */
static const nn_act_param_info srelu_params[] = {{"t_l", 0.0, "left threshold", ANY, .aliases = "t_left"},
                                                 {"a_l", 0.2, "slope left of t_l", ANY, .aliases = "a_left"},
                                                 {"t_r", 1.0, "right threshold", ATLEAST_KEY(0), .aliases = "t_right"},
                                                 {"a_r", 1.0, "slope right of t_r", ANY, .aliases = "a_right"}};
/* p = t_l, a_l, t_r, a_r */
F(srelu) { return x <= p[0] ? p[0] + p[1] * (x - p[0]) : x >= p[2] ? p[2] + p[3] * (x - p[2]) : x; }
DF(srelu) { return x <= p[0] ? p[1] : x >= p[2] ? p[3] : (nn_real)1; }
DP(srelu)
{
    int left = x <= p[0], right = !left && x >= p[2];
    gp[0] = left ? 1 - p[1] : 0;
    gp[1] = left ? x - p[0] : 0;
    gp[2] = right ? 1 - p[3] : 0;
    gp[3] = right ? x - p[2] : 0;
    return left ? p[1] : right ? p[3] : (nn_real)1;
}
NN_ACT_KERNELS(srelu)
NN_ACT_UNIT_KERNELS(srelu, 0)
static const nn_act_record srelu_record = {
    .info = {.name = "srelu", .formula = "t_l + a_l (x - t_l) if x <= t_l, t_r + a_r (x - t_r) if x >= t_r, else x",
             .derivative = "a_l if x <= t_l, a_r if x >= t_r, else 1", .range = "(-inf, inf)", .learnable = 1,
             .learn = 1, .shared = 0, /* per unit, as in the paper */
             .source = "Jin et al. 2016; keras-contrib SReLU", .init = HE, PARAMS(srelu_params),
             .kinks = "t_l, t_r"},
    LOOPS(srelu), UNIT_LOOPS(srelu)};

/* ---- apl, learnable ---------------------------------------------------------------------------------- */
/* p[0] = S, then a_s, b_s interleaved: p[2s-1] = a_s, p[2s] = b_s. Distinct b_s defaults keep the hinges
 * from moving in lock-step. */
static const nn_act_param_info apl_params[] = {
    {"S", 1, "number of hinges", 1, (NN_ACT_MAXP - 1) / 2, 0, 0, -1, NN_ACT_PARAM_INT, NULL, NULL},
    {"a1", 0, "slope of hinge 1", ANY}, {"b1", 0.0, "location of hinge 1", ANY},
    {"a2", 0, "slope of hinge 2", ANY}, {"b2", 0.5, "location of hinge 2", ANY},
    {"a3", 0, "slope of hinge 3", ANY}, {"b3", 1.0, "location of hinge 3", ANY},
    {"a4", 0, "slope of hinge 4", ANY}, {"b4", 1.5, "location of hinge 4", ANY},
    {"a5", 0, "slope of hinge 5", ANY}, {"b5", 2.0, "location of hinge 5", ANY},
    {"a6", 0, "slope of hinge 6", ANY}, {"b6", 2.5, "location of hinge 6", ANY},
    {"a7", 0, "slope of hinge 7", ANY}, {"b7", 3.0, "location of hinge 7", ANY},
    {"a8", 0, "slope of hinge 8", ANY}, {"b8", 3.5, "location of hinge 8", ANY}};
static inline int apl_hinges(const nn_real *p)
{
    return p[0] < 1 ? 0 : p[0] > (NN_ACT_MAXP - 1) / 2 ? (NN_ACT_MAXP - 1) / 2 : (int)p[0];
}
F(apl)
{
    nn_real acc = x > 0 ? x : 0;
    for (int s = 0, S = apl_hinges(p); s < S; s++) {
        nn_real h = p[2 * s + 2] - x;
        acc += p[2 * s + 1] * (h > 0 ? h : 0);
    }
    return acc;
}
DF(apl)
{
    nn_real d = x > 0 ? 1 : 0;
    for (int s = 0, S = apl_hinges(p); s < S; s++) d -= p[2 * s + 2] - x > 0 ? p[2 * s + 1] : 0;
    return d;
}
DP(apl)
{
    for (int s = 0, S = apl_hinges(p); s < S; s++) {
        nn_real h = p[2 * s + 2] - x;
        gp[2 * s] = h > 0 ? h : 0;                  /* d/da_s */
        gp[2 * s + 1] = h > 0 ? p[2 * s + 1] : 0;   /* d/db_s */
    }
    return apl_df(x, 0, p);
}
NN_ACT_KERNELS(apl)
NN_ACT_UNIT_KERNELS(apl, 1)
static const nn_act_record apl_record = {
    .info = {.name = "apl", .formula = "max(0, x) + sum_s a_s max(0, b_s - x)",
             .derivative = "[x > 0] - sum_s a_s [x < b_s]", .range = "(-inf, inf)", .learnable = 1, .learn = 1,
             .shared = 0, .source = "Agostinelli et al. 2014", .init = HE, PARAMS(apl_params), .kinks = "0, b_s"},
    LOOPS(apl), UNIT_LOOPS(apl), .lead = 1, .pairs = 1};

/* ---- soft_exponential, learnable --------------------------------------------------------------------- */
static const nn_act_param_info soft_exponential_params[] = {
    {"alpha", 0.0, "< 0 logarithmic, 0 identity, > 0 exponential (trained)", ANY}};
/* f(alpha, x) with df/dx and df/dalpha (Godfrey & Gashler 2015). */
static inline nn_real softexp(nn_real al, nn_real x, nn_real *fx, nn_real *fa)
{
    if (al > 0) {
        /* df/dalpha = 1 + x^2 g(z), g(z) = (e^z (z - 1) + 1) / z^2, z = alpha x; series where that cancels */
        nn_real z = al * x, e = R_EXP(z), g;
        if (R_FABS(z) < (nn_real)0.1)
            g = (nn_real)0.5 + z * ((nn_real)1 / 3 + z * ((nn_real)1 / 8 + z * ((nn_real)1 / 30 + z * ((nn_real)1 / 144 +
                z * ((nn_real)1 / 840 + z * ((nn_real)1 / 5760 + z * ((nn_real)1 / 45360 + z * ((nn_real)1 / 403200))))))));
        else
            g = (e * (z - 1) + 1) / (z * z);
        *fx = e;
        *fa = 1 + x * x * g;
        return R_EXPM1(z) / al + al;
    }
    if (al < 0) {
        nn_real w = -al * (x + al), u = 1 + w;
        if (!(u > NN_REAL_MIN)) {
            /* outside the domain (1 - alpha (x + alpha) <= 0): the log's argument is clamped to the smallest
             * normal number, so f stays finite and flat there */
            *fx = 0;
            *fa = R_LOG(NN_REAL_MIN) / (al * al);
            return -R_LOG(NN_REAL_MIN) / al;
        }
        /* df/dalpha = (x + alpha)^2 h(w) + 1/u, h(w) = (log1p(w) - w/u) / w^2 (series for small |w|) */
        nn_real h;
        if (R_FABS(w) < (nn_real)0.1) {
            h = 0;
            for (int k = 17; k >= 2; k--) h = h * w + (k % 2 ? -1 : 1) * (nn_real)(k - 1) / (nn_real)k;
        } else {
            h = (R_LOG1P(w) - w / u) / (w * w);
        }
        *fx = 1 / u;
        *fa = (x + al) * (x + al) * h + 1 / u;
        return -R_LOG1P(w) / al;
    }
    *fx = 1;
    *fa = 1 + x * x / 2;
    return x;
}
F(soft_exponential)
{
    nn_real fx, fa;
    return softexp(p[0], x, &fx, &fa);
}
DF(soft_exponential)
{
    nn_real fx, fa;
    softexp(p[0], x, &fx, &fa);
    return fx;
}
DP(soft_exponential)
{
    nn_real fx;
    softexp(p[0], x, &fx, &gp[0]);
    return fx;
}
NN_ACT_KERNELS(soft_exponential)
NN_ACT_UNIT_KERNELS(soft_exponential, 0)
static const nn_act_record soft_exponential_record = {
    .info = {.name = "soft_exponential",
             .formula = "-log(1 - alpha (x + alpha)) / alpha if alpha < 0, x if alpha = 0, "
                        "(exp(alpha x) - 1) / alpha + alpha if alpha > 0",
             .derivative = "1 / (1 - alpha (x + alpha)) if alpha < 0, exp(alpha x) if alpha >= 0",
             .range = "(-inf, inf) (alpha > 0: (alpha - 1/alpha, inf))", .monotonic = 1, .learnable = 1, .learn = 1,
             .shared = 0, .source = "Godfrey & Gashler 2015", .init = XU, PARAMS(soft_exponential_params),
             .kinks = ""},
    LOOPS(soft_exponential), UNIT_LOOPS(soft_exponential)};

#endif
