/* stats.h: the statistics of nnlab compare, free of everything else so that tests can check them on constructed
 * inputs: mean, standard deviation and Student-t 95% interval over seeds, the paired t-test, rank groups. */
#ifndef NNLAB_CLI_STATS_H
#define NNLAB_CLI_STATS_H

/* Summary of the finite values of a sample (NaN and infinities are left out; n counts the rest). */
typedef struct stats_summary {
    double mean; /* NaN when n is 0 */
    double std;  /* sample standard deviation (n - 1 in the denominator); NaN when n < 2 */
    double ci;   /* half-width of the 95% confidence interval of the mean, t(0.975, n-1) * std / sqrt(n); NaN when n < 2 */
    int n;
} stats_summary;

stats_summary stats_summarise(const double *v, int n);

/* Student's t distribution with df > 0 degrees of freedom (df need not be an integer): P(T <= t), and the t with
 * P(T <= t) = p for 0 < p < 1 (NaN outside). Exact to about 1e-12, through the regularised incomplete beta
 * function. */
double stats_t_cdf(double t, double df);
double stats_t_quantile(double p, double df);

/* Paired two-sided t-test of a[i] - b[i] over the i where both are finite: the p-value (1 when every difference is 0,
 * 0 when they are all the same non-zero value), or NaN with fewer than two pairs. *t_out gets the statistic when
 * not NULL. */
double stats_paired_t(const double *a, const double *b, int n, double *t_out);

/* Rank groups of k configurations, each measured on the same n seeds (v[j][i]: configuration j, seed i; higher is
 * better). order lists the configurations best first (by mean). Group 1 is the best and every configuration whose
 * paired t-test against it gives p >= alpha; group 2 is the best of the rest and those not significantly different
 * from it, and so on. A comparison without two complete pairs counts as not different. group[j] gets j's group
 * (from 1), p_best[j] the p-value of j against the best (NaN for the best itself). Returns the number of groups. */
int stats_rank_groups(const double *const *v, int k, int n, const int *order, double alpha, int *group, double *p_best);

#endif
