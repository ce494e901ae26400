/* kernels.c: nn_act_forward / nn_act_backward / nn_act_eval: one switch per call, then a tight loop per function. */
#include <string.h>
#include "act_internal.h"

/* One specialised loop per function: v is x[i], the expression is y[i] (forward) or f'(x[i]) (backward). */
#define FWD(expr)                                   \
    for (size_t i = 0; i < n; i++) {                \
        const nn_real v = x[i];                     \
        y[i] = (expr);                              \
    }                                               \
    break
#define BWD(expr)                                   \
    for (size_t i = 0; i < n; i++) {                \
        const nn_real v = x[i], fy = y[i];          \
        (void)v;                                    \
        (void)fy;                                   \
        dx[i] = (expr) * dy[i];                     \
    }                                               \
    break

/* 1 / sqrt(1 + al v^2) without overflowing v^2: for |v| > 1 as q / sqrt(q^2 + al), q = 1/|v|. */
static inline nn_real isr(nn_real v, nn_real al)
{
    nn_real av = R_FABS(v), q = 1 / (av > 1 ? av : 1);
    nn_real near = 1 / R_SQRT(1 + al * v * v), far = q / R_SQRT(q * q + al);
    return av > 1 ? far : near;
}

/* sqrt(v^2 + 1) without overflow. */
static inline nn_real hyp1(nn_real v)
{
    nn_real av = R_FABS(v), q = 1 / (av > 1 ? av : 1);
    return av > 1 ? av * R_SQRT(1 + q * q) : R_SQRT(1 + v * v);
}

/* (sqrt(v^2+1) - 1)/2 + v; near 0 as v^2 / (2 (h + 1)) to avoid cancellation. */
static inline nn_real bent(nn_real v)
{
    nn_real h = hyp1(v);
    return (R_FABS(v) > 1 ? (h - 1) / 2 : v * v / (2 * (h + 1))) + v;
}

/* sinc'(v) = (cos v - sin(v)/v) / v cancels near 0: there its Taylor series to v^13. */
static inline nn_real dsinc(nn_real v)
{
    nn_real v2 = v * v;
    nn_real s = v * (-(nn_real)1 / 3 + v2 * ((nn_real)1 / 30 + v2 * (-(nn_real)1 / 840 + v2 * ((nn_real)1 / 45360 +
                v2 * (-(nn_real)1 / 3991680 + v2 * ((nn_real)1 / 518918400 + v2 * (-(nn_real)1 / 93405312000.0)))))));
    nn_real d = (R_COS(v) - R_SIN(v) / (v != 0 ? v : 1)) / (v != 0 ? v : 1);
    return R_FABS(v) < (nn_real)0.5 ? s : d;
}

/* mish through n = e^x (e^x + 2): tanh(softplus(x)) = n / (n + 2), exact to rounding for every x. */
static inline nn_real mish_t(nn_real v, nn_real *n_out, nn_real *e_out)
{
    nn_real e = R_EXP(v < 20 ? v : 20), n = e * (e + 2);
    *n_out = n;
    *e_out = e;
    return v < 20 ? n / (n + 2) : 1;
}

#define GELU_K0 ((nn_real)0.7978845608028654) /* sqrt(2/pi) */
#define GELU_K1 ((nn_real)0.044715)
#define INV_SQRT2 ((nn_real)0.70710678118654752)
#define INV_SQRT2PI ((nn_real)0.39894228040143268)

/* 1 + tanh(u) = 2 sigmoid(2u): no cancellation for negative x. Beyond |x| = 1e4 the sigmoid is exactly 0
 * or 1 in both real types, so clamping x there keeps x^3 finite without changing the result. */
static inline nn_real gelu_tanh_s(nn_real v, nn_real *vc2)
{
    nn_real vc = v > 10000 ? 10000 : v < -10000 ? -10000 : v;
    *vc2 = vc * vc;
    return nn_sigm(2 * GELU_K0 * (vc + GELU_K1 * vc * *vc2));
}

void nn_act_forward(const nn_act *a, const nn_real *x, nn_real *y, size_t n)
{
    const nn_real p0 = a->p[0], p1 = a->p[1];
    switch (a->id) {
    case NN_ACT_IDENTITY:
        if (y != x) memmove(y, x, n * sizeof *y);
        break;
    case NN_ACT_BINARY_STEP: FWD(v >= 0 ? (nn_real)1 : (nn_real)0);
    case NN_ACT_SIGMOID: FWD(nn_sigm(v));
    case NN_ACT_TANH: FWD(R_TANH(v));
    case NN_ACT_ARCTAN: FWD(R_ATAN(v));
    case NN_ACT_SOFTSIGN: FWD(v / (1 + R_FABS(v)));
    case NN_ACT_ISRU: FWD(v * isr(v, p0));
    case NN_ACT_BENT_IDENTITY: FWD(bent(v));
    case NN_ACT_SINUSOID: FWD(R_SIN(v));
    case NN_ACT_SINC: FWD(v != 0 ? R_SIN(v) / v : (nn_real)1);
    case NN_ACT_GAUSSIAN: FWD(R_EXP(-v * v));
    case NN_ACT_RELU: FWD(v < 0 ? (nn_real)0 : v); /* NaN passes through, as in torch */
    case NN_ACT_LEAKY_RELU: case NN_ACT_PRELU: FWD(v > 0 ? v : p0 * v);
    case NN_ACT_RELU6: FWD(v < 0 ? (nn_real)0 : v > 6 ? (nn_real)6 : v);
    case NN_ACT_THRESHOLDED_RELU: FWD(v > p0 ? v : (nn_real)0);
    case NN_ACT_ELU: FWD(v > 0 ? v : p0 * R_EXPM1(v));
    case NN_ACT_SELU: FWD(p1 * (v > 0 ? v : p0 * R_EXPM1(v)));
    case NN_ACT_CELU: FWD(v > 0 ? v : p0 * R_EXPM1(v / p0));
    case NN_ACT_ISRLU: FWD(v >= 0 ? v : v * isr(v, p0));
    case NN_ACT_RRELU: {
        const nn_real m = (p0 + p1) / 2;
        FWD(v > 0 ? v : m * v);
    }
    case NN_ACT_SOFTPLUS: {
        /* log1p(exp(bx)) as max(bx, 0) + log1p(exp(-|bx|)): the same value, finite for any threshold */
        FWD(p0 * v > p1 ? v : ((p0 * v > 0 ? p0 * v : 0) + R_LOG1P(R_EXP(-R_FABS(p0 * v)))) / p0);
    }
    case NN_ACT_SILU: FWD(v * nn_sigm(p0 * v));
    case NN_ACT_GELU:
        if (p0 != 0) {
            nn_real c2;
            FWD(v * gelu_tanh_s(v, &c2));
        }
        /* 1 + erf(x/sqrt2) = erfc(-x/sqrt2): accurate where erf is near -1 */
        FWD((nn_real)0.5 * v * R_ERFC(-v * INV_SQRT2));
    case NN_ACT_MISH: {
        nn_real nn, e;
        FWD(v * mish_t(v, &nn, &e));
    }
    case NN_ACT_LOGSIGMOID: FWD((v < 0 ? v : 0) - R_LOG1P(R_EXP(-R_FABS(v))));
    case NN_ACT_TANHSHRINK: FWD(v - R_TANH(v));
    case NN_ACT_SOFTSHRINK: FWD(v > p0 ? v - p0 : v < -p0 ? v + p0 : (nn_real)0);
    case NN_ACT_HARDSHRINK: FWD(v >= -p0 && v <= p0 ? (nn_real)0 : v);
    case NN_ACT_HARDTANH: FWD(v < p0 ? p0 : v > p1 ? p1 : v);
    case NN_ACT_HARDSIGMOID: FWD((v < -3 ? (nn_real)0 : v > 3 ? (nn_real)6 : v + 3) / 6);
    case NN_ACT_HARDSWISH: FWD(v * ((v < -3 ? (nn_real)0 : v > 3 ? (nn_real)6 : v + 3) / 6));
    case NN_ACT_SRELU: case NN_ACT_APL: case NN_ACT_SOFT_EXPONENTIAL: {
        /* one parameter set: the per-unit kernel with one column */
        nn_act_unit_forward(a, a->p + nn_act_learn_first(a), 1, x, y, n);
        break;
    }
    default: break;
    }
}

void nn_act_backward(const nn_act *a, const nn_real *x, const nn_real *y, const nn_real *dy, nn_real *dx, size_t n)
{
    const nn_real p0 = a->p[0], p1 = a->p[1];
    switch (a->id) {
    case NN_ACT_IDENTITY:
        if (dx != dy) memmove(dx, dy, n * sizeof *dx);
        break;
    case NN_ACT_BINARY_STEP: BWD((nn_real)0);
    case NN_ACT_SIGMOID: BWD(fy * (1 - fy));
    case NN_ACT_TANH: BWD(1 - fy * fy);
    case NN_ACT_ARCTAN: {
        /* 1/(1+v^2) as q^2/(q^2+1), q = 1/v, for large |v|: no overflow */
        BWD(R_FABS(v) > 1 ? 1 / (v * (v + 1 / v)) : 1 / (1 + v * v));
    }
    case NN_ACT_SOFTSIGN: BWD(1 / ((1 + R_FABS(v)) * (1 + R_FABS(v))));
    case NN_ACT_ISRU: BWD(isr(v, p0) * isr(v, p0) * isr(v, p0));
    case NN_ACT_BENT_IDENTITY: BWD(v / (2 * hyp1(v)) + 1);
    case NN_ACT_SINUSOID: BWD(R_COS(v));
    case NN_ACT_SINC: BWD(dsinc(v));
    case NN_ACT_GAUSSIAN: BWD(-2 * v * fy);
    case NN_ACT_RELU: BWD(v > 0 ? (nn_real)1 : (nn_real)0);
    case NN_ACT_LEAKY_RELU: case NN_ACT_PRELU: BWD(v > 0 ? (nn_real)1 : p0);
    case NN_ACT_RELU6: BWD(v > 0 && v < 6 ? (nn_real)1 : (nn_real)0);
    case NN_ACT_THRESHOLDED_RELU: BWD(v > p0 ? (nn_real)1 : (nn_real)0);
    case NN_ACT_ELU: BWD(v > 0 ? (nn_real)1 : p0 * R_EXP(v));
    case NN_ACT_SELU: BWD(v > 0 ? p1 : p1 * p0 * R_EXP(v));
    case NN_ACT_CELU: BWD(v > 0 ? (nn_real)1 : R_EXP(v / p0));
    case NN_ACT_ISRLU: BWD(v >= 0 ? (nn_real)1 : isr(v, p0) * isr(v, p0) * isr(v, p0));
    case NN_ACT_RRELU: {
        const nn_real m = (p0 + p1) / 2;
        BWD(v > 0 ? (nn_real)1 : m);
    }
    case NN_ACT_SOFTPLUS: BWD(p0 * v > p1 ? (nn_real)1 : nn_sigm(p0 * v));
    case NN_ACT_SILU: {
        nn_real s;
        BWD((s = nn_sigm(p0 * v), s + p0 * v * s * (1 - s)));
    }
    case NN_ACT_GELU:
        if (p0 != 0) {
            nn_real s, c2;
            BWD((s = gelu_tanh_s(v, &c2), s + 2 * v * s * (1 - s) * GELU_K0 * (1 + 3 * GELU_K1 * c2)));
        }
        BWD((nn_real)0.5 * R_ERFC(-v * INV_SQRT2) + v * INV_SQRT2PI * R_EXP(-(nn_real)0.5 * v * v));
    case NN_ACT_MISH: {
        /* t + x sigmoid(x) (1 - t^2), with 1 - t^2 = 4 (n + 1) / (n + 2)^2 and sigmoid(x) = e / (1 + e) */
        nn_real nn, e, t;
        BWD((t = mish_t(v, &nn, &e), v < 20 ? t + v * (e / (1 + e)) * 4 * (nn + 1) / ((nn + 2) * (nn + 2))
                                            : (nn_real)1));
    }
    case NN_ACT_LOGSIGMOID: BWD(nn_sigm(-v));
    case NN_ACT_TANHSHRINK: BWD(R_TANH(v) * R_TANH(v));
    case NN_ACT_SOFTSHRINK: case NN_ACT_HARDSHRINK: BWD(v >= -p0 && v <= p0 ? (nn_real)0 : (nn_real)1);
    case NN_ACT_HARDTANH: BWD(v <= p0 || v >= p1 ? (nn_real)0 : (nn_real)1);
    case NN_ACT_HARDSIGMOID: BWD(v > -3 && v < 3 ? (nn_real)1 / 6 : (nn_real)0);
    case NN_ACT_HARDSWISH: BWD(v < -3 ? (nn_real)0 : v <= 3 ? v / 3 + (nn_real)0.5 : (nn_real)1);
    case NN_ACT_SRELU: case NN_ACT_APL: case NN_ACT_SOFT_EXPONENTIAL: {
        nn_real G[NN_ACT_MAXP] = {0}; /* parameter gradients: not wanted here */
        nn_act_unit_backward(a, a->p + nn_act_learn_first(a), 1, x, dy, dx, G, n);
        break;
    }
    default: break;
    }
}

nn_real nn_act_eval(const nn_act *a, nn_real x, nn_real *dfdx)
{
    nn_real y, one = 1;
    nn_act_forward(a, &x, &y, 1);
    if (dfdx) nn_act_backward(a, &x, &y, &one, dfdx, 1);
    return y;
}
