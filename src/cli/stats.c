/* stats.c: Student-t intervals and the paired t-test of nnlab compare (see stats.h and docs/compare.md). */
#include <math.h>
#include <stddef.h>
#include "stats.h"

stats_summary stats_summarise(const double *v, int n)
{
    stats_summary s = {NAN, NAN, NAN, 0};
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) sum += v[i], s.n++;
    if (!s.n) return s;
    s.mean = sum / s.n;
    if (s.n < 2) return s;
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - s.mean) * (v[i] - s.mean);
    s.std = sqrt(ss / (s.n - 1));
    s.ci = stats_t_quantile(0.975, s.n - 1) * s.std / sqrt(s.n);
    return s;
}

/* The continued fraction of the incomplete beta function (modified Lentz), converging for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m, num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        for (int k = 0; k < 2; k++) {
            d = 1 + num * d;
            c = 1 + num / c;
            if (fabs(d) < tiny) d = tiny;
            if (fabs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        }
        if (fabs(d * c - 1) < 1e-16) break;
    }
    return h;
}

/* The regularised incomplete beta function I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2)) return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0)) return NAN;
    if (isinf(t)) return t > 0 ? 1 : 0;
    /* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2). */
    double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
    return t > 0 ? 1 - tail : tail;
}

double stats_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0)) return NAN;
    if (p == 0.5) return 0;
    if (p < 0.5) return -stats_t_quantile(1 - p, df);
    /* The cdf is increasing: bisection to the last bit (the tails of df 1 reach far, so the bracket grows first). */
    double lo = 0, hi = 2;
    while (stats_t_cdf(hi, df) < p && hi < 1e300) lo = hi, hi *= 2;
    for (int i = 0; i < 2000 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (stats_t_cdf(mid, df) < p) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double stats_paired_t(const double *a, const double *b, int n, double *t_out)
{
    double sum = 0, ss = 0;
    int m = 0;
    if (t_out) *t_out = NAN;
    for (int i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i])) sum += a[i] - b[i], m++;
    if (m < 2) return NAN;
    double mean = sum / m;
    for (int i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i])) ss += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
    double se = sqrt(ss / (m - 1) / m);
    /* Differences that do not vary: identical (no evidence of a difference) or a constant shift (all the evidence). */
    if (!(se > 1e-12 * fabs(mean))) {
        if (t_out) *t_out = mean == 0 ? 0 : copysign(INFINITY, mean);
        return mean == 0 ? 1 : 0;
    }
    double t = mean / se;
    if (t_out) *t_out = t;
    return 2 * stats_t_cdf(-fabs(t), m - 1);
}

int stats_rank_groups(const double *const *v, int k, int n, const int *order, double alpha, int *group, double *p_best)
{
    int groups = 0;
    for (int j = 0; j < k; j++) group[j] = 0;
    for (int i = 0; i < k; i++) {
        int j = order[i];
        p_best[j] = i == 0 ? NAN : stats_paired_t(v[order[0]], v[j], n, NULL);
    }
    for (int i = 0; i < k; i++) {
        int ref = order[i];
        if (group[ref]) continue;
        group[ref] = ++groups;
        for (int q = i + 1; q < k; q++) {
            int j = order[q];
            if (group[j]) continue;
            double p = stats_paired_t(v[ref], v[j], n, NULL);
            if (!(p < alpha)) group[j] = groups;
        }
    }
    return groups;
}
