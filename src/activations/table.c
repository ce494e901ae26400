/* table.c: the activation table (formulas, derivatives, properties, parameters) and spec strings: lookup, parse, format, defaults. */
#include <stdio.h>
#include <string.h>
#include "act_internal.h"

static const nn_act_param_info p_alpha1[] = {{"alpha", 1.0, "scale of the negative part"}};
static const nn_act_param_info p_isru[] = {{"alpha", 1.0, "curvature: the output tends to +-1/sqrt(alpha); > 0"}};
static const nn_act_param_info p_celu[] = {{"alpha", 1.0, "scale and smoothness of the negative part; > 0"}};
static const nn_act_param_info p_leaky[] = {{"negative_slope", 0.01, "slope for x <= 0"}};
static const nn_act_param_info p_thr[] = {{"theta", 1.0, "threshold (Keras); >= 0"}};
static const nn_act_param_info p_selu[] = {
    {"alpha", 1.6732632423543772848170429916717, "scale of the negative part (fixed point of Klambauer et al.)"},
    {"scale", 1.0507009873554804934193349852946, "lambda, the overall scale"}};
static const nn_act_param_info p_rrelu[] = {{"lower", 1.0 / 8.0, "lowest random slope; >= 0"},
                                            {"upper", 1.0 / 3.0, "highest random slope; >= lower"}};
static const nn_act_param_info p_softplus[] = {{"beta", 1.0, "sharpness; > 0"},
                                               {"threshold", 20.0, "above beta*x > threshold the output is x"}};
static const nn_act_param_info p_silu[] = {{"beta", 1.0, "x * sigmoid(beta x); trained with learn=1"}};
static const nn_act_param_info p_gelu[] = {{"approximate", 0.0, "none (0): exact erf form; tanh (1): tanh approximation"}};
static const nn_act_param_info p_lambda[] = {{"lambda", 0.5, "half-width of the dead zone; >= 0"}};
static const nn_act_param_info p_hardtanh[] = {{"min_val", -1.0, "lower limit"},
                                               {"max_val", 1.0, "upper limit; > min_val"}};
static const nn_act_param_info p_prelu[] = {{"alpha", 0.25, "slope for x <= 0 (trained)"}};
static const nn_act_param_info p_srelu[] = {{"t_l", 0.0, "left threshold"},
                                            {"a_l", 0.2, "slope left of t_l"},
                                            {"t_r", 1.0, "right threshold; >= t_l"},
                                            {"a_r", 1.0, "slope right of t_r"}};
/* p[0] = S, then a_s, b_s interleaved: p[2s-1] = a_s, p[2s] = b_s. Distinct b_s defaults keep the hinges
 * from moving in lock-step. */
static const nn_act_param_info p_apl[] = {
    {"S", 1, "number of hinges, 1..8"},
    {"a1", 0, "slope of hinge 1"}, {"b1", 0.0, "location of hinge 1"},
    {"a2", 0, "slope of hinge 2"}, {"b2", 0.5, "location of hinge 2"},
    {"a3", 0, "slope of hinge 3"}, {"b3", 1.0, "location of hinge 3"},
    {"a4", 0, "slope of hinge 4"}, {"b4", 1.5, "location of hinge 4"},
    {"a5", 0, "slope of hinge 5"}, {"b5", 2.0, "location of hinge 5"},
    {"a6", 0, "slope of hinge 6"}, {"b6", 2.5, "location of hinge 6"},
    {"a7", 0, "slope of hinge 7"}, {"b7", 3.0, "location of hinge 7"},
    {"a8", 0, "slope of hinge 8"}, {"b8", 3.5, "location of hinge 8"}};
static const nn_act_param_info p_softexp[] = {{"alpha", 0.0, "< 0 logarithmic, 0 identity, > 0 exponential (trained)"}};

#define NP(a) (int)(sizeof a / sizeof a[0]), a
#define NOP 0, NULL
#define XU NN_INIT_XAVIER_UNIFORM
#define HE NN_INIT_HE_NORMAL

static const nn_act_info table[NN_ACT_COUNT] = {
    [NN_ACT_IDENTITY] = {"identity", "x", "1", "(-inf, inf)", 1, 1, 0, 0, "linear unit", XU, NOP},
    [NN_ACT_BINARY_STEP] = {"binary_step", "1 if x >= 0 else 0", "0 (everywhere, by convention)", "{0, 1}", 1, 0, 1,
                            0, "Heaviside step (perceptron)", XU, NOP},
    [NN_ACT_SIGMOID] = {"sigmoid", "1 / (1 + exp(-x))", "f(x) (1 - f(x))", "(0, 1)", 1, 0, 1, 0,
                        "logistic function; torch.sigmoid", XU, NOP},
    [NN_ACT_TANH] = {"tanh", "tanh(x)", "1 - f(x)^2", "(-1, 1)", 1, 1, 1, 0, "torch.tanh", XU, NOP},
    [NN_ACT_ARCTAN] = {"arctan", "atan(x)", "1 / (1 + x^2)", "(-pi/2, pi/2)", 1, 1, 1, 0, "inverse tangent", XU, NOP},
    [NN_ACT_SOFTSIGN] = {"softsign", "x / (1 + |x|)", "1 / (1 + |x|)^2", "(-1, 1)", 1, 1, 1, 0,
                         "Bergstra et al. 2009; torch.nn.Softsign", XU, NOP},
    [NN_ACT_ISRU] = {"isru", "x / sqrt(1 + alpha x^2)", "(1 / sqrt(1 + alpha x^2))^3",
                     "(-1/sqrt(alpha), 1/sqrt(alpha))", 1, 1, 1, 0, "Carlile et al. 2017 (ISRLU paper)", XU,
                     NP(p_isru)},
    [NN_ACT_BENT_IDENTITY] = {"bent_identity", "(sqrt(x^2 + 1) - 1) / 2 + x", "x / (2 sqrt(x^2 + 1)) + 1",
                              "(-inf, inf)", 1, 0, 0, 0, "bent identity", XU, NOP},
    [NN_ACT_SINUSOID] = {"sinusoid", "sin(x)", "cos(x)", "[-1, 1]", 0, 1, 0, 0, "Parascandolo et al. 2016", XU, NOP},
    [NN_ACT_SINC] = {"sinc", "1 if x = 0 else sin(x) / x", "0 if x = 0 else cos(x)/x - sin(x)/x^2",
                     "[~-0.217234, 1]", 0, 0, 0, 0, "unnormalised sinc", XU, NOP},
    [NN_ACT_GAUSSIAN] = {"gaussian", "exp(-x^2)", "-2 x exp(-x^2)", "(0, 1]", 0, 0, 1, 0, "radial basis", XU, NOP},
    [NN_ACT_RELU] = {"relu", "max(0, x)", "1 if x > 0 else 0", "[0, inf)", 1, 0, 0, 0,
                     "Nair & Hinton 2010; torch.nn.ReLU", HE, NOP},
    [NN_ACT_LEAKY_RELU] = {"leaky_relu", "x if x > 0 else negative_slope x",
                           "1 if x > 0 else negative_slope", "(-inf, inf)", 1, 0, 0, 0,
                           "Maas et al. 2013; torch.nn.LeakyReLU", HE, NP(p_leaky)},
    [NN_ACT_RELU6] = {"relu6", "min(max(0, x), 6)", "1 if 0 < x < 6 else 0", "[0, 6]", 1, 0, 1, 0,
                      "Krizhevsky 2010; torch.nn.ReLU6", HE, NOP},
    [NN_ACT_THRESHOLDED_RELU] = {"thresholded_relu", "x if x > theta else 0", "1 if x > theta else 0",
                                 "{0} u (theta, inf)", 0, 0, 0, 0, "Konda et al. 2014; keras ThresholdedReLU",
                                 HE, NP(p_thr)},
    [NN_ACT_ELU] = {"elu", "x if x > 0 else alpha (exp(x) - 1)", "1 if x > 0 else alpha exp(x)",
                    "(-alpha, inf)", 1, 0, 0, 0, "Clevert et al. 2015; torch.nn.ELU", HE, NP(p_alpha1)},
    [NN_ACT_SELU] = {"selu", "scale (x if x > 0 else alpha (exp(x) - 1))",
                     "scale if x > 0 else scale alpha exp(x)", "(-scale alpha, inf)", 1, 1, 0, 0,
                     "Klambauer et al. 2017; torch.nn.SELU", NN_INIT_LECUN_NORMAL, NP(p_selu)},
    [NN_ACT_CELU] = {"celu", "max(0, x) + min(0, alpha (exp(x / alpha) - 1))", "1 if x > 0 else exp(x / alpha)",
                     "(-alpha, inf)", 1, 0, 0, 0, "Barron 2017; torch.nn.CELU", HE, NP(p_celu)},
    [NN_ACT_ISRLU] = {"isrlu", "x if x >= 0 else x / sqrt(1 + alpha x^2)",
                      "1 if x >= 0 else (1 / sqrt(1 + alpha x^2))^3", "(-1/sqrt(alpha), inf)", 1, 0, 0, 0,
                      "Carlile et al. 2017", HE, NP(p_isru)},
    [NN_ACT_RRELU] = {"rrelu", "x if x > 0 else a x; a ~ U(lower, upper) when training, (lower+upper)/2 otherwise",
                      "1 if x > 0 else a", "(-inf, inf)", 1, 0, 0, 0, "Xu et al. 2015; torch.nn.RReLU", HE,
                      NP(p_rrelu)},
    [NN_ACT_SOFTPLUS] = {"softplus", "x if beta x > threshold else log(1 + exp(beta x)) / beta",
                         "1 if beta x > threshold else sigmoid(beta x)", "(0, inf)", 1, 0, 0, 0,
                         "Dugas et al. 2001; torch.nn.Softplus", HE, NP(p_softplus)},
    [NN_ACT_SILU] = {"silu", "x sigmoid(beta x)", "s + beta x s (1 - s), s = sigmoid(beta x)",
                     "[~-0.278/beta, inf)", 0, 0, 0, 1,
                     "Elfwing et al. 2017; Ramachandran et al. 2017 (swish, learnable beta); torch.nn.SiLU", HE,
                     NP(p_silu)},
    [NN_ACT_GELU] = {"gelu",
                     "x Phi(x) = x/2 (1 + erf(x/sqrt 2)); tanh: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
                     "Phi(x) + x phi(x)", "[~-0.17, inf)", 0, 0, 0, 0,
                     "Hendrycks & Gimpel 2016; torch.nn.GELU", HE, NP(p_gelu)},
    [NN_ACT_MISH] = {"mish", "x tanh(softplus(x))", "t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))",
                     "[~-0.309, inf)", 0, 0, 0, 0, "Misra 2019; torch.nn.Mish", HE, NOP},
    [NN_ACT_LOGSIGMOID] = {"logsigmoid", "log(sigmoid(x)) = -softplus(-x)", "sigmoid(-x)", "(-inf, 0)", 1, 0, 0, 0,
                           "torch.nn.LogSigmoid", XU, NOP},
    [NN_ACT_TANHSHRINK] = {"tanhshrink", "x - tanh(x)", "tanh(x)^2", "(-inf, inf)", 1, 1, 0, 0,
                           "torch.nn.Tanhshrink", XU, NOP},
    [NN_ACT_SOFTSHRINK] = {"softshrink", "x - lambda if x > lambda, x + lambda if x < -lambda, else 0",
                           "0 if -lambda <= x <= lambda else 1", "(-inf, inf)", 1, 1, 0, 0,
                           "Donoho 1995; torch.nn.Softshrink", XU, NP(p_lambda)},
    [NN_ACT_HARDSHRINK] = {"hardshrink", "0 if -lambda <= x <= lambda else x", "0 if -lambda <= x <= lambda else 1",
                           "{0} u |x| > lambda", 0, 1, 0, 0, "torch.nn.Hardshrink", XU, NP(p_lambda)},
    [NN_ACT_HARDTANH] = {"hardtanh", "min(max(x, min_val), max_val)", "1 if min_val < x < max_val else 0",
                         "[min_val, max_val]", 1, 1, 1, 0, "Collobert 2004; torch.nn.Hardtanh", XU,
                         NP(p_hardtanh)},
    [NN_ACT_HARDSIGMOID] = {"hardsigmoid", "relu6(x + 3) / 6", "1/6 if -3 < x < 3 else 0", "[0, 1]", 1, 0, 1, 0,
                            "Courbariaux et al. 2015; torch.nn.Hardsigmoid", XU, NOP},
    [NN_ACT_HARDSWISH] = {"hardswish", "x relu6(x + 3) / 6", "0 if x < -3, x/3 + 1/2 if x <= 3, else 1",
                          "[-0.375, inf)", 0, 0, 0, 0, "Howard et al. 2019 (MobileNetV3); torch.nn.Hardswish", HE,
                          NOP},
    [NN_ACT_PRELU] = {"prelu", "x if x > 0 else alpha x", "1 if x > 0 else alpha; d/dalpha: 0 if x > 0 else x",
                      "(-inf, inf)", 1, 0, 0, 1, "He et al. 2015; torch.nn.PReLU", HE, NP(p_prelu)},
    [NN_ACT_SRELU] = {"srelu", "t_l + a_l (x - t_l) if x <= t_l, t_r + a_r (x - t_r) if x >= t_r, else x",
                      "a_l if x <= t_l, a_r if x >= t_r, else 1", "(-inf, inf)", 0, 0, 0, 1,
                      "Jin et al. 2016; keras-contrib SReLU", HE, NP(p_srelu)},
    [NN_ACT_APL] = {"apl", "max(0, x) + sum_s a_s max(0, b_s - x)",
                    "[x > 0] - sum_s a_s [x < b_s]", "(-inf, inf)", 0, 0, 0, 1, "Agostinelli et al. 2014", HE,
                    NP(p_apl)},
    [NN_ACT_SOFT_EXPONENTIAL] = {"soft_exponential",
                                 "-log(1 - alpha (x + alpha)) / alpha if alpha < 0, x if alpha = 0, "
                                 "(exp(alpha x) - 1) / alpha + alpha if alpha > 0",
                                 "1 / (1 - alpha (x + alpha)) if alpha < 0, exp(alpha x) if alpha >= 0",
                                 "(-inf, inf) (alpha > 0: (alpha - 1/alpha, inf))", 1, 0, 0, 1,
                                 "Godfrey & Gashler 2015", XU, NP(p_softexp)},
};

/* learn/shared defaults of the learnable functions; every other function is fixed (learn 0, shared 1). */
static void learn_defaults(nn_act_id id, int *learn, int *shared)
{
    *learn = 0;
    *shared = 1;
    switch (id) {
    case NN_ACT_PRELU: *learn = 1; break;                         /* one alpha, as torch.nn.PReLU() */
    case NN_ACT_SRELU: case NN_ACT_APL: case NN_ACT_SOFT_EXPONENTIAL: /* per unit, as in the papers */
        *learn = 1;
        *shared = 0;
        break;
    default: break;
    }
}

const nn_act_info *nn_act_info_of(nn_act_id id)
{
    if ((int)id < 0 || id >= NN_ACT_COUNT) return NULL;
    return &table[id];
}

int nn_act_lookup(const char *name)
{
    if (!name) return -1;
    if (!strcmp(name, "swish")) return NN_ACT_SILU;
    for (int i = 0; i < NN_ACT_COUNT; i++)
        if (!strcmp(name, table[i].name)) return i;
    return -1;
}

nn_act nn_act_default(nn_act_id id)
{
    nn_act a;
    memset(&a, 0, sizeof a);
    if ((int)id < 0 || id >= NN_ACT_COUNT) id = NN_ACT_IDENTITY;
    const nn_act_info *I = &table[id];
    a.id = id;
    a.np = I->nparams;
    for (int k = 0; k < I->nparams; k++) a.p[k] = (nn_real)I->params[k].def;
    if (id == NN_ACT_APL) a.np = 1 + 2 * (int)I->params[0].def;
    learn_defaults(id, &a.learn, &a.shared);
    return a;
}

static nn_status unknown_key(const nn_act_info *I, const char *key)
{
    char valid[256] = "";
    size_t n = 0;
    if (I->nparams == 0 && !I->learnable)
        return nn_fail(NN_EINVAL, "%s: unknown parameter '%s' (%s takes no parameters)", I->name, key, I->name);
    for (int k = 0; k < I->nparams && n < sizeof valid; k++)
        n += (size_t)snprintf(valid + n, sizeof valid - n, "%s%s", k ? ", " : "", I->params[k].name);
    if (I->learnable && n < sizeof valid) snprintf(valid + n, sizeof valid - n, "%slearn, shared", n ? ", " : "");
    return nn_fail(NN_EINVAL, "%s: unknown parameter '%s' (valid: %s)", I->name, key, valid);
}

/* Constraints a definition needs; errors name the parameter and its value. */
static nn_status check_values(const nn_act_info *I, const nn_act *a)
{
    const nn_real *p = a->p;
    const char *f = I->name;
    switch (a->id) {
    case NN_ACT_ISRU: case NN_ACT_ISRLU: case NN_ACT_CELU:
        if (!(p[0] > 0)) return nn_fail(NN_EINVAL, "%s: alpha=%g must be > 0", f, (double)p[0]);
        break;
    case NN_ACT_THRESHOLDED_RELU:
        if (p[0] < 0) return nn_fail(NN_EINVAL, "%s: theta=%g must be >= 0", f, (double)p[0]);
        break;
    case NN_ACT_RRELU:
        if (p[0] < 0) return nn_fail(NN_EINVAL, "%s: lower=%g must be >= 0", f, (double)p[0]);
        if (p[1] < p[0])
            return nn_fail(NN_EINVAL, "%s: upper=%g must be >= lower=%g", f, (double)p[1], (double)p[0]);
        break;
    case NN_ACT_SOFTPLUS:
        if (!(p[0] > 0)) return nn_fail(NN_EINVAL, "%s: beta=%g must be > 0", f, (double)p[0]);
        break;
    case NN_ACT_SOFTSHRINK: case NN_ACT_HARDSHRINK:
        if (p[0] < 0) return nn_fail(NN_EINVAL, "%s: lambda=%g must be >= 0", f, (double)p[0]);
        break;
    case NN_ACT_HARDTANH:
        if (!(p[1] > p[0]))
            return nn_fail(NN_EINVAL, "%s: max_val=%g must be > min_val=%g", f, (double)p[1], (double)p[0]);
        break;
    case NN_ACT_SRELU:
        if (p[2] < p[0]) return nn_fail(NN_EINVAL, "%s: t_r=%g must be >= t_l=%g", f, (double)p[2], (double)p[0]);
        break;
    default: break;
    }
    return NN_OK;
}

nn_status nn_act_parse(const char *text, nn_act *out)
{
    nn_spec sp;
    if (nn_spec_parse(text, &sp) != NN_OK) return NN_EINVAL;
    int id = nn_act_lookup(sp.name);
    if (id < 0) {
        char valid[640] = "";
        size_t n = 0;
        for (int i = 0; i < NN_ACT_COUNT && n < sizeof valid; i++)
            n += (size_t)snprintf(valid + n, sizeof valid - n, "%s, ", table[i].name);
        if (n < sizeof valid) snprintf(valid + n, sizeof valid - n, "swish");
        return nn_fail(NN_EINVAL, "unknown activation '%s' (valid: %s)", sp.name, valid);
    }
    const nn_act_info *I = &table[id];
    if (sp.npos)
        return nn_fail(NN_EINVAL, "%s: unexpected field '%s' in '%s' (parameters are key=value)", I->name,
                       sp.pos[0], sp.text);
    nn_act a = nn_act_default((nn_act_id)id);
    unsigned long seen = 0; /* bit k: params[k]; NN_ACT_MAXP, +1: learn, shared */
    int maxk = -1;          /* highest APL parameter given, checked against S at the end */
    for (int i = 0; i < sp.nkv; i++) {
        const char *key = sp.key[i], *val = sp.val[i];
        int k = -1;
        if (I->learnable && !strcmp(key, "learn")) k = NN_ACT_MAXP;
        else if (I->learnable && !strcmp(key, "shared")) k = NN_ACT_MAXP + 1;
        else
            for (int j = 0; j < I->nparams; j++)
                if (!strcmp(key, I->params[j].name)) k = j;
        if (k < 0) return unknown_key(I, key);
        if (seen & (1UL << k)) return nn_fail(NN_EINVAL, "%s: parameter '%s' given twice", I->name, key);
        seen |= 1UL << k;
        long v;
        double d;
        if (k >= NN_ACT_MAXP) {
            if (nn_parse_int(I->name, key, val, 0, 1, &v) != NN_OK) return NN_EINVAL;
            *(k == NN_ACT_MAXP ? &a.learn : &a.shared) = (int)v;
        } else if (id == NN_ACT_GELU) {
            if (!strcmp(val, "none") || !strcmp(val, "0")) a.p[0] = 0;
            else if (!strcmp(val, "tanh") || !strcmp(val, "1")) a.p[0] = 1;
            else return nn_fail(NN_EINVAL, "gelu: approximate=%s is not 'none' or 'tanh'", val);
        } else if (id == NN_ACT_APL && k == 0) {
            if (nn_parse_int(I->name, key, val, 1, (NN_ACT_MAXP - 1) / 2, &v) != NN_OK) return NN_EINVAL;
            a.p[0] = (nn_real)v;
            a.np = 1 + 2 * (int)v;
        } else {
            if (nn_parse_real(I->name, key, val, &d) != NN_OK) return NN_EINVAL;
            a.p[k] = (nn_real)d;
            if (k > maxk) maxk = k;
        }
    }
    if (id == NN_ACT_APL && maxk >= a.np)
        return nn_fail(NN_EINVAL, "apl: %s given but S=%d (hinges a1..a%d, b1..b%d)", I->params[maxk].name,
                       (a.np - 1) / 2, (a.np - 1) / 2, (a.np - 1) / 2);
    if (check_values(I, &a) != NN_OK) return NN_EINVAL;
    *out = a;
    return NN_OK;
}

int nn_act_format(const nn_act *a, char *buf, size_t size)
{
    const nn_act_info *I = nn_act_info_of(a->id);
    if (!I) return snprintf(buf, size, "?");
    nn_act d = nn_act_default(a->id);
    char tmp[NN_SPEC_MAXLEN];
    size_t n = (size_t)snprintf(tmp, sizeof tmp, "%s", I->name);
    char sep = ':';
    int np = a->np < I->nparams ? a->np : I->nparams;
    for (int k = 0; k < np && n < sizeof tmp; k++) {
        if (a->p[k] == d.p[k]) continue;
        if (a->id == NN_ACT_GELU)
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%capproximate=%s", sep, a->p[0] != 0 ? "tanh" : "none");
        else if (a->id == NN_ACT_APL && k == 0)
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%cS=%d", sep, (int)a->p[0]);
        else
            n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%c%s=" NN_REAL_FMT, sep, I->params[k].name,
                                  (double)a->p[k]);
        sep = ',';
    }
    if (I->learnable && a->learn != d.learn && n < sizeof tmp) {
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%clearn=%d", sep, a->learn ? 1 : 0);
        sep = ',';
    }
    if (I->learnable && a->shared != d.shared && n < sizeof tmp)
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%cshared=%d", sep, a->shared ? 1 : 0);
    return snprintf(buf, size, "%s", tmp);
}
