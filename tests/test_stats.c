/* test_stats.c: the statistics of nnlab compare (src/cli/stats.c) on constructed inputs: t quantiles and
 * intervals against published values, the paired t-test against closed forms, ties and rank groups. */
#include "testutil.h"
#include "cli/stats.h"
#include "cli/stats.c"

START_TEST(test_t_quantiles)
{
    /* t(0.975, df) as printed in every table (and by R's qt). */
    static const struct { double df, q; } known[] = {{1, 12.706204736174703}, {2, 4.302652729749464},
                                                     {4, 2.7764451051977934}, {9, 2.2621571627982053},
                                                     {29, 2.0452296421327034}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        ck_assert_close(stats_t_quantile(0.975, known[i].df), known[i].q, 1e-9);
    /* Large df: the normal quantile (the difference is about 2.4e-7 at df 1e7). */
    ck_assert_close(stats_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6);
    /* Closed forms: df 1 is Cauchy, df 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
    for (double t = -30; t <= 30; t += 0.7) {
        ck_assert_close(stats_t_cdf(t, 1), 0.5 + atan(t) / (4 * atan(1.0)), 1e-12);
        ck_assert_close(stats_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-12);
    }
    ck_assert_close(stats_t_quantile(0.025, 9), -2.2621571627982053, 1e-9);
    ck_assert(stats_t_quantile(0.5, 3) == 0);
    ck_assert(isnan(stats_t_quantile(1, 3)) && isnan(stats_t_quantile(0.5, 0)));
}
END_TEST

START_TEST(test_interval)
{
    /* 1..5: mean 3, std sqrt(2.5), half-width t(0.975, 4) * std / sqrt(5). */
    double v[] = {1, 2, 3, 4, 5, NAN};
    stats_summary s = stats_summarise(v, 6);
    ck_assert_int_eq(s.n, 5);
    ck_assert_close(s.mean, 3, 1e-15);
    ck_assert_close(s.std, sqrt(2.5), 1e-15);
    ck_assert_close(s.ci, 2.7764451051977934 * sqrt(2.5) / sqrt(5), 1e-9);
    /* One value: a mean, no spread (shown as '-', never as +-0). */
    s = stats_summarise(v + 2, 1);
    ck_assert_int_eq(s.n, 1);
    ck_assert(s.mean == 3 && isnan(s.std) && isnan(s.ci));
    s = stats_summarise(v + 5, 1);
    ck_assert(s.n == 0 && isnan(s.mean));
}
END_TEST

START_TEST(test_paired)
{
    /* Differences 1, 2, 4: t = sqrt(7) on 2 degrees of freedom, p = 1 - sqrt(7) / 3 exactly. */
    double a[] = {11, 12, 14}, b[] = {10, 10, 10}, t;
    ck_assert_close(stats_paired_t(a, b, 3, &t), 1 - sqrt(7) / 3, 1e-12);
    ck_assert_close(t, sqrt(7), 1e-12);
    /* Identical results: no evidence of a difference; a constant shift: all of it; one pair: no test. */
    double c[] = {0.9, 0.95, 0.85}, d[] = {0.8, 0.85, 0.75};
    ck_assert(stats_paired_t(c, c, 3, NULL) == 1);
    ck_assert(stats_paired_t(c, d, 3, NULL) == 0);
    ck_assert(isnan(stats_paired_t(c, d, 1, NULL)));
}
END_TEST

START_TEST(test_groups)
{
    /* Ten seeds. A and B differ by noise only (a tie); C is 0.1 below A on every seed but for a little noise
     * (significant); D equals C exactly (tied with C, not with A). */
    double A[10], B[10], C[10], D[10];
    for (int i = 0; i < 10; i++) {
        double noise = ((i * 7) % 5 - 2) * 0.01;
        A[i] = 0.9 + 0.02 * (i % 3);
        B[i] = A[i] + noise;
        C[i] = A[i] - 0.1 + 0.3 * noise;
        D[i] = C[i];
    }
    const double *v[] = {C, A, D, B};
    int order[] = {1, 3, 0, 2}, group[4];
    double p[4];
    ck_assert_int_eq(stats_rank_groups(v, 4, 10, order, 0.05, group, p), 2);
    ck_assert_int_eq(group[1], 1);
    ck_assert_int_eq(group[3], 1);
    ck_assert_int_eq(group[0], 2);
    ck_assert_int_eq(group[2], 2);
    ck_assert(isnan(p[1]) && p[3] >= 0.05 && p[0] < 1e-6 && p[2] < 1e-6);
    /* One seed: nothing can be told apart, so every configuration ties with the best. */
    ck_assert_int_eq(stats_rank_groups(v, 4, 1, order, 0.05, group, p), 1);
    for (int j = 0; j < 4; j++) ck_assert_int_eq(group[j], 1);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_t_quantiles);
    tcase_add_test(tc, test_interval);
    tcase_add_test(tc, test_paired);
    tcase_add_test(tc, test_groups);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(stats_suite)
