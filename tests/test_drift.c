/* SPDX-License-Identifier: MIT */
/* drift: Theil-Sen, Mann-Kendall, change point, Student's t, the decision and the generator. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "err.h"

#define SG_EPS 1e-12      /* values computed in a few exact-ish operations */
#define SG_P_EPS 1e-9     /* p-values against references derived in the comments */
#define SG_TABLE_EPS 1e-4 /* p-values against printed t tables (4 significant digits) */

#define SYNTH_SEED42_FIRST 0x1.f8c80e851c08cp-2 /* first value of seed 42, standard normal */
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void assert_near(double got, double want, double eps, const char *what)
{
    cr_assert(fabs(got - want) <= eps, "%s = %.17g, want %.17g (eps %g)", what, got, want, eps);
}

/* ================================================================ Theil-Sen */

Test(drift, theil_sen_of_an_exact_line_is_its_slope)
{
    double y[7];
    for (size_t i = 0; i < N_ELEMS(y); i++)
        y[i] = 2.0 * (double)i + 1.0;
    struct sg_drift_slope s;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, N_ELEMS(y), &s, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(s.per_iter, 2.0, "slope %.17g", s.per_iter);
    cr_assert(s.is_exact);
    cr_assert(!s.has_per_hour);
    cr_assert_eq(s.per_hour, 0.0);
}

Test(drift, theil_sen_ignores_one_outlier)
{
    /* y = 2i + 1 but y[4] = 100: 6 of the 21 pair slopes involve it, the other 15 are 2. */
    double y[] = {1, 3, 5, 7, 100, 11, 13};
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, N_ELEMS(y), &s, NULL), SG_OK);
    cr_assert_eq(s.per_iter, 2.0, "slope %.17g", s.per_iter);
}

Test(drift, theil_sen_with_ties_takes_the_middle_pair_slope)
{
    /*
     * y = {1,1,1,2,2,2}: 15 pairs. 6 within-group pairs have slope 0; the 9 cross pairs
     * have 1/(j-i) for j-i in {3,2,1,4,3,2,5,4,3}. Sorted: 0 x6, 1/5, 1/4, 1/4, 1/3 x3,
     * 1/2 x2, 1. The 8th of 15 is 1/4.
     */
    double y[] = {1, 1, 1, 2, 2, 2};
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, N_ELEMS(y), &s, NULL), SG_OK);
    cr_assert_eq(s.per_iter, 0.25, "slope %.17g", s.per_iter);
}

Test(drift, theil_sen_with_an_even_pair_count_averages_the_middle_two)
{
    /* y = {0,1,3,2}: slopes 1, 1.5, 2/3, 2, 0.5, -1 -> sorted -1,0.5,2/3,1,1.5,2 -> (2/3+1)/2. */
    double y[] = {0, 1, 3, 2};
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, N_ELEMS(y), &s, NULL), SG_OK);
    assert_near(s.per_iter, 5.0 / 6.0, SG_EPS, "slope");
}

Test(drift, theil_sen_of_two_points_is_their_difference)
{
    double y[] = {3.5, 1.0};
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, 2, &s, NULL), SG_OK);
    cr_assert_eq(s.per_iter, -2.5);
}

Test(drift, theil_sen_rejects_zero_and_one_point)
{
    double y[] = {1.0};
    struct sg_drift_slope s;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, 0, &s, &err), SG_NODATA);
    cr_assert(strstr(err.msg, "needs 2 points") != NULL, "msg: %s", err.msg);
    cr_assert_eq(sg_drift_theil_sen(y, NULL, 1, &s, NULL), SG_NODATA);
    cr_assert_eq(s.per_iter, 0.0);
}

Test(drift, theil_sen_per_hour_is_the_slope_against_timestamps)
{
    /* Half an hour per iteration, y = 2i + 1: 2 per iteration is 4 per hour. */
    double y[10], t[10];
    for (size_t i = 0; i < 10; i++) {
        y[i] = 2.0 * (double)i + 1.0;
        t[i] = 0.5 * (double)i;
    }
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, t, 10, &s, NULL), SG_OK);
    cr_assert(s.has_per_hour);
    cr_assert_eq(s.per_hour, 4.0, "per hour %.17g", s.per_hour);
}

Test(drift, theil_sen_per_hour_is_unavailable_when_all_timestamps_are_equal)
{
    double y[] = {1, 2, 3}, t[] = {5, 5, 5};
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, t, 3, &s, NULL), SG_OK);
    cr_assert(!s.has_per_hour);
    cr_assert_eq(s.per_hour, 0.0);
    cr_assert_eq(s.per_iter, 1.0);
}

Test(drift, theil_sen_above_the_exact_limit_samples_close_to_the_exact_median)
{
    /* n = 3000 noisy creep; exact median by brute force over all 4,498,500 pairs. */
    enum { N = 3000 };
    double *y = malloc(N * sizeof *y);
    struct sg_drift_synth_spec spec = {SG_DRIFT_KIND_CREEP, 7, 0.0, 1.0, 3.0, 0};
    cr_assert_eq(sg_drift_synth(&spec, N, y, NULL), SG_OK);
    size_t m = (size_t)N * (N - 1) / 2, k = 0;
    double *all = malloc(m * sizeof *all);
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            all[k++] = (y[j] - y[i]) / (double)(j - i);
    struct sg_drift_slope s;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, N, &s, NULL), SG_OK);
    cr_assert(!s.is_exact);
    /* Rank of the sampled median among all pairs: within 0.3 % of the middle (~4 sd). */
    size_t below = 0;
    for (size_t i = 0; i < m; i++)
        below += all[i] < s.per_iter;
    double rank_ratio = (double)below / (double)m;
    cr_assert(fabs(rank_ratio - 0.5) < 0.003, "sampled median at rank ratio %.6f", rank_ratio);
    free(all);
    free(y);
}

Test(drift, theil_sen_rejects_a_nan)
{
    double y[] = {1, NAN, 3};
    struct sg_drift_slope s;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_theil_sen(y, NULL, 3, &s, &err), SG_RANGE);
    cr_assert(strstr(err.msg, "y[1] is not finite") != NULL, "msg: %s", err.msg);
    cr_assert_eq(s.per_iter, 0.0);
}

/* ================================================================ Mann-Kendall */

Test(drift, mann_kendall_of_a_tied_series_matches_the_hand_count)
{
    /*
     * y = {2,1,2,3,3,4}, sign(y[j]-y[i]) summed over j > i, row by row:
     *   i=0 (2): -1, 0, +1, +1, +1 = 2      i=1 (1): +1 x4 = 4
     *   i=2 (2): +1, +1, +1 = 3             i=3 (3): 0, +1 = 1      i=4 (3): +1 = 1
     * S = 11. Ties: two groups of size 2 (the 2s and the 3s), each 2*1*9 = 18, sum 36.
     * Var(S) = (6*5*17 - 36) / 18 = (510 - 36) / 18 = 26.333...
     * Z = (11 - 1) / sqrt(26.333...) = 1.9487094073848927
     * p = erfc(Z / sqrt 2) = 0.051330137700318995
     */
    double y[] = {2, 1, 2, 3, 3, 4};
    struct sg_drift_mk mk;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_mann_kendall(y, N_ELEMS(y), &mk, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(mk.s, 11, "S = %lld", (long long)mk.s);
    assert_near(mk.var_s, 474.0 / 18.0, SG_EPS, "Var(S)");
    assert_near(mk.z, 1.9487094073848927, SG_EPS, "Z");
    assert_near(mk.p_value, 0.051330137700318995, SG_P_EPS, "p");
}

Test(drift, mann_kendall_of_one_to_five_has_p_0_0275)
{
    /*
     * y = 1..5: all 10 pairs rise, S = 10; Var = 5*4*15/18 = 16.667; Z = 9/4.0825 = 2.2045;
     * p = erfc(2.2045/sqrt 2) = 0.027486336111510353.
     */
    double y[] = {1, 2, 3, 4, 5};
    struct sg_drift_mk mk;
    cr_assert_eq(sg_drift_mann_kendall(y, 5, &mk, NULL), SG_OK);
    cr_assert_eq(mk.s, 10);
    assert_near(mk.p_value, 0.027486336111510353, SG_P_EPS, "p");
}

Test(drift, mann_kendall_of_a_falling_series_is_negative)
{
    double y[] = {5, 4, 3, 2, 1};
    struct sg_drift_mk mk;
    cr_assert_eq(sg_drift_mann_kendall(y, 5, &mk, NULL), SG_OK);
    cr_assert_eq(mk.s, -10);
    assert_near(mk.z, -2.2045407685048604, SG_EPS, "Z");
}

Test(drift, mann_kendall_of_a_constant_series_is_no_trend)
{
    double y[] = {4, 4, 4, 4, 4, 4};
    struct sg_drift_mk mk;
    cr_assert_eq(sg_drift_mann_kendall(y, 6, &mk, NULL), SG_OK);
    cr_assert_eq(mk.s, 0);
    cr_assert_eq(mk.var_s, 0.0);
    cr_assert_eq(mk.z, 0.0);
    cr_assert_eq(mk.p_value, 1.0);
}

Test(drift, mann_kendall_rejects_short_and_nan_input)
{
    double y[] = {1, INFINITY};
    struct sg_drift_mk mk;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_mann_kendall(y, 1, &mk, NULL), SG_NODATA);
    cr_assert_eq(sg_drift_mann_kendall(y, 2, &mk, &err), SG_RANGE);
    cr_assert(strstr(err.msg, "not finite") != NULL, "msg: %s", err.msg);
}

static long long brute_force_s(const double *y, size_t n)
{
    long long s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            s += (y[j] > y[i]) - (y[j] < y[i]);
    return s;
}

Test(drift, mann_kendall_s_matches_the_quadratic_count_on_2000_points_with_ties)
{
    enum { N = 2000 };
    double y[N];
    struct sg_drift_synth_spec spec = {SG_DRIFT_KIND_CREEP, 11, 0.0, 1.0, 0.5, 0};
    cr_assert_eq(sg_drift_synth(&spec, N, y, NULL), SG_OK);
    for (size_t i = 0; i < N; i++)
        y[i] = round(y[i] * 4.0); /* coarse values: many ties */
    struct sg_drift_mk mk;
    cr_assert_eq(sg_drift_mann_kendall(y, N, &mk, NULL), SG_OK);
    cr_assert_eq((long long)mk.s, brute_force_s(y, N), "S = %lld", (long long)mk.s);
}

Test(drift, mann_kendall_runs_on_100k_points)
{
    enum { N = 100000 };
    double *y = malloc(N * sizeof *y);
    for (size_t i = 0; i < N; i++)
        y[i] = (double)(i / 3); /* rising, in tie groups of 3 */
    struct sg_drift_mk mk;
    cr_assert_eq(sg_drift_mann_kendall(y, N, &mk, NULL), SG_OK);
    /* All pairs rise except the 3 pairs inside each of the 33333 full groups (+1 single). */
    long long pairs = (long long)N * (N - 1) / 2;
    cr_assert_eq((long long)mk.s, pairs - 3LL * 33333, "S = %lld", (long long)mk.s);
    cr_assert_eq(mk.p_value, 0.0);
    free(y);
}

/* ================================================================ Student's t */

Test(drift, t_cdf_matches_the_closed_forms_for_one_and_two_degrees_of_freedom)
{
    /* df = 1 (Cauchy): 1/2 + atan(t)/pi. df = 2: 1/2 + t / (2 sqrt(2 + t^2)). */
    const double ts[] = {-30.0, -2.5, -1.0, 0.0, 0.3, 1.0, 4.0, 100.0};
    for (size_t i = 0; i < N_ELEMS(ts); i++) {
        double c1 = 0.0, c2 = 0.0, t = ts[i];
        cr_assert_eq(sg_drift_t_cdf(t, 1.0, &c1, NULL), SG_OK);
        cr_assert_eq(sg_drift_t_cdf(t, 2.0, &c2, NULL), SG_OK);
        assert_near(c1, 0.5 + atan(t) / acos(-1.0), SG_EPS, "cdf df=1");
        assert_near(c2, 0.5 + t / (2.0 * sqrt(2.0 + t * t)), SG_EPS, "cdf df=2");
    }
}

Test(drift, t_two_sided_p_matches_table_values)
{
    /*
     * Tables: t(0.975, 10) = 2.228 and t(0.975, 5) for p = 0.0301 at t = 3. References by
     * Simpson integration of the t density (200000 panels): p(2.228, 10) =
     * 0.0500117718171, p(3, 5) = 0.0300992478975, p(1.96, 1e6) = 0.0499960681.
     */
    double p = 0.0;
    cr_assert_eq(sg_drift_t_p2(2.228, 10.0, &p, NULL), SG_OK);
    assert_near(p, 0.05, SG_TABLE_EPS, "p(2.228, 10) vs table");
    assert_near(p, 0.050011771817099704, SG_P_EPS, "p(2.228, 10)");
    cr_assert_eq(sg_drift_t_p2(-3.0, 5.0, &p, NULL), SG_OK);
    assert_near(p, 0.030099247897477643, SG_P_EPS, "p(-3, 5)");
    cr_assert_eq(sg_drift_t_p2(1.96, 1e6, &p, NULL), SG_OK);
    assert_near(p, 0.05, SG_TABLE_EPS, "p(1.96, 1e6) vs normal");
    assert_near(p, 0.04999606810475443, SG_P_EPS, "p(1.96, 1e6)");
}

Test(drift, t_p_is_one_at_zero_and_tiny_far_out)
{
    double p = 0.0;
    cr_assert_eq(sg_drift_t_p2(0.0, 7.0, &p, NULL), SG_OK);
    cr_assert_eq(p, 1.0);
    cr_assert_eq(sg_drift_t_p2(1e6, 3.0, &p, NULL), SG_OK);
    cr_assert(p >= 0.0 && p < 1e-15, "p = %g", p);
}

Test(drift, t_rejects_bad_arguments)
{
    double p = 0.0;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_t_p2(NAN, 3.0, &p, &err), SG_RANGE);
    cr_assert(strstr(err.msg, "student t") != NULL, "msg: %s", err.msg);
    cr_assert_eq(sg_drift_t_cdf(1.0, 0.0, &p, NULL), SG_RANGE);
    cr_assert_eq(sg_drift_t_cdf(1.0, -2.0, &p, NULL), SG_RANGE);
}

/* ================================================================ change point */

Test(drift, change_point_finds_a_clean_step_exactly)
{
    double y[20];
    for (size_t i = 0; i < 20; i++)
        y[i] = i < 13 ? 10.0 : 15.0;
    struct sg_drift_cp cp;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_change_point(y, 20, &cp, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(cp.index, 13);
    cr_assert_eq(cp.mean_before, 10.0);
    cr_assert_eq(cp.mean_after, 15.0);
    cr_assert(cp.is_noise_free);
    cr_assert_eq(cp.p_value, 0.0);
    cr_assert_eq(cp.n_splits, 9); /* splits 6..14 */
}

Test(drift, change_point_finds_a_noisy_step_with_its_means)
{
    /* Alternating 1, 2 (mean 1.5) for 12 points, then 11, 12 for 12 points (mean 11.5). */
    double y[24];
    for (size_t i = 0; i < 24; i++)
        y[i] = (i % 2 ? 2.0 : 1.0) + (i >= 12 ? 10.0 : 0.0);
    struct sg_drift_cp cp;
    cr_assert_eq(sg_drift_change_point(y, 24, &cp, NULL), SG_OK);
    cr_assert_eq(cp.index, 12);
    assert_near(cp.mean_before, 1.5, SG_EPS, "before");
    assert_near(cp.mean_after, 11.5, SG_EPS, "after");
    cr_assert(!cp.is_noise_free);
    /* t = 10 / sqrt(2 * (3/11)/12) = 46.9; p tiny even after x13 splits. */
    assert_near(cp.t, 10.0 / sqrt(2.0 * (3.0 / 11.0) / 12.0), 1e-9, "t");
    cr_assert(cp.p_value < 1e-12, "p = %g", cp.p_value);
}

Test(drift, change_point_of_a_constant_series_is_no_change)
{
    double y[16];
    for (size_t i = 0; i < 16; i++)
        y[i] = 0.1;
    struct sg_drift_cp cp;
    cr_assert_eq(sg_drift_change_point(y, 16, &cp, NULL), SG_OK);
    cr_assert_eq(cp.index, SG_DRIFT_MIN_SEGMENT);
    cr_assert_eq(cp.mean_before, 0.1);
    cr_assert_eq(cp.mean_after, 0.1);
    cr_assert_eq(cp.p_value, 1.0);
    cr_assert(!cp.is_noise_free);
}

Test(drift, change_point_needs_two_minimum_segments)
{
    double y[11] = {0};
    struct sg_drift_cp cp;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_change_point(y, 11, &cp, &err), SG_NODATA);
    cr_assert(strstr(err.msg, "needs 12 points") != NULL, "msg: %s", err.msg);
}

/* ================================================================ decision */

static struct sg_drift_opts opts_with(bool higher_is_worse, double min_magnitude)
{
    struct sg_drift_opts o;
    sg_drift_opts_init(&o);
    o.higher_is_worse = higher_is_worse;
    o.min_magnitude = min_magnitude;
    return o;
}

Test(drift, eval_below_the_minimum_run_is_not_enough_data)
{
    double y[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    struct sg_drift_opts o = opts_with(true, 0.0);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 11, &o, &r, NULL), SG_OK);
    cr_assert_eq(r.reason, SG_DRIFT_REASON_NOT_ENOUGH_DATA);
    cr_assert(!r.is_degrading);
    cr_assert_str_eq(sg_drift_reason_name(r.reason), "not enough data");
}

Test(drift, eval_flags_rising_latency_as_a_degrading_trend)
{
    double y[30];
    for (size_t i = 0; i < 30; i++)
        y[i] = 300.0 + 1.5 * (double)i + (i % 3 ? 0.5 : -0.5);
    struct sg_drift_opts o = opts_with(true, 17.5);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 30, &o, &r, NULL), SG_OK);
    cr_assert(r.is_degrading);
    cr_assert_eq(r.reason, SG_DRIFT_REASON_TREND);
    cr_assert(r.trend_fires);
    assert_near(r.total_change, r.slope.per_iter * 29.0, SG_EPS, "total change");
    cr_assert(r.total_change > 40.0, "total %g", r.total_change);
}

Test(drift, eval_calls_the_same_rise_in_maker_share_not_worse)
{
    double y[30];
    for (size_t i = 0; i < 30; i++)
        y[i] = 0.4 + 0.01 * (double)i;
    struct sg_drift_opts o = opts_with(false, 0.02);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 30, &o, &r, NULL), SG_OK);
    cr_assert(!r.is_degrading);
    cr_assert_eq(r.reason, SG_DRIFT_REASON_NOT_WORSE);
}

Test(drift, eval_calls_a_significant_but_small_rise_too_small)
{
    double y[30];
    for (size_t i = 0; i < 30; i++)
        y[i] = 0.2 + 0.0001 * (double)i;
    struct sg_drift_opts o = opts_with(true, 0.021);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 30, &o, &r, NULL), SG_OK);
    cr_assert(!r.is_degrading);
    cr_assert_eq(r.reason, SG_DRIFT_REASON_TOO_SMALL);
}

Test(drift, eval_flags_a_late_drop_in_net_bps_as_a_step)
{
    /* Flat with alternating noise, then a drop of 6 in the last 6 points: MK is weak. */
    double y[60];
    for (size_t i = 0; i < 60; i++)
        y[i] = 5.0 + (i % 2 ? 0.3 : -0.3) - (i >= 54 ? 6.0 : 0.0);
    struct sg_drift_opts o = opts_with(false, 2.0);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 60, &o, &r, NULL), SG_OK);
    cr_assert(r.is_degrading);
    cr_assert_eq(r.cp.index, 54);
    cr_assert(r.step_fires);
    cr_assert(!r.trend_fires, "mk p = %g", r.mk.p_value); /* p = 0.038: not below 0.01 */
    cr_assert_eq(r.reason, SG_DRIFT_REASON_STEP);
    assert_near(r.total_change, -6.0, 1e-9, "total change");
}

Test(drift, eval_of_a_constant_series_is_not_significant)
{
    double y[20];
    for (size_t i = 0; i < 20; i++)
        y[i] = 42.0;
    struct sg_drift_opts o = opts_with(true, 0.0);
    struct sg_drift_result r;
    cr_assert_eq(sg_drift_eval(y, NULL, 20, &o, &r, NULL), SG_OK);
    cr_assert(!r.is_degrading);
    cr_assert_eq(r.reason, SG_DRIFT_REASON_NOT_SIGNIFICANT);
    cr_assert_eq(r.total_change, 0.0);
}

Test(drift, eval_rejects_nan_and_bad_options)
{
    double y[20] = {0};
    y[7] = NAN;
    struct sg_drift_opts o = opts_with(true, 0.0);
    struct sg_drift_result r;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_eval(y, NULL, 20, &o, &r, &err), SG_RANGE);
    cr_assert(strstr(err.msg, "y[7]") != NULL, "msg: %s", err.msg);
    cr_assert(!r.is_degrading);
    y[7] = 0.0;
    o.p_threshold = 1.5;
    cr_assert_eq(sg_drift_eval(y, NULL, 20, &o, &r, NULL), SG_USAGE);
    o = opts_with(true, -1.0);
    cr_assert_eq(sg_drift_eval(y, NULL, 20, &o, &r, NULL), SG_USAGE);
    o = opts_with(true, 0.0);
    o.min_n = 5;
    cr_assert_eq(sg_drift_eval(y, NULL, 20, &o, &r, NULL), SG_USAGE);
    double t[20] = {0};
    t[3] = INFINITY;
    o = opts_with(true, 0.0);
    cr_assert_eq(sg_drift_eval(y, t, 20, &o, &r, NULL), SG_RANGE);
}

Test(drift, eval_runs_on_100k_points)
{
    enum { N = 100000 };
    double *y = malloc(N * sizeof *y);
    struct sg_drift_synth_spec spec = {SG_DRIFT_KIND_CREEP, 3, 350.0, 5.0, 20.0, 0};
    cr_assert_eq(sg_drift_synth(&spec, N, y, NULL), SG_OK);
    struct sg_drift_opts o = opts_with(true, 17.5);
    struct sg_drift_result r;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_eval(y, NULL, N, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_assert(r.is_degrading);
    assert_near(r.trend_change, 20.0, 0.5, "trend change");
    free(y);
}

/* ================================================================ generator + validation */

Test(drift, synth_is_reproducible_and_standard_normal)
{
    enum { N = 100000 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    struct sg_drift_synth_spec spec = {SG_DRIFT_KIND_NOISE, 42, 0.0, 1.0, 0.0, 0};
    cr_assert_eq(sg_drift_synth(&spec, N, a, NULL), SG_OK);
    cr_assert_eq(sg_drift_synth(&spec, N, b, NULL), SG_OK);
    cr_assert(memcmp(a, b, N * sizeof *a) == 0);
    double sum = 0.0, sumsq = 0.0;
    for (size_t i = 0; i < N; i++) {
        sum += a[i];
        sumsq += a[i] * a[i];
    }
    double mean = sum / N, sd = sqrt(sumsq / N - mean * mean);
    cr_assert(fabs(mean) < 0.015, "mean %g", mean); /* 4.7 standard errors */
    cr_assert(fabs(sd - 1.0) < 0.015, "sd %g", sd);
    /* Pinned bits: a change here changes every published validation figure. */
    cr_assert_eq(a[0], SYNTH_SEED42_FIRST, "a[0] = %a", a[0]);
    free(a);
    free(b);
}

Test(drift, synth_shapes_creep_and_step_without_noise)
{
    double y[5];
    struct sg_drift_synth_spec creep = {SG_DRIFT_KIND_CREEP, 1, 10.0, 0.0, 4.0, 0};
    cr_assert_eq(sg_drift_synth(&creep, 5, y, NULL), SG_OK);
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(y[i], 10.0 + (double)i, "creep[%zu] = %g", i, y[i]);
    struct sg_drift_synth_spec step = {SG_DRIFT_KIND_STEP, 1, 1.0, 0.0, 2.0, 3};
    cr_assert_eq(sg_drift_synth(&step, 5, y, NULL), SG_OK);
    cr_assert(y[2] == 1.0 && y[3] == 3.0 && y[4] == 3.0);
    step.step_at = 6;
    cr_assert_eq(sg_drift_synth(&step, 5, y, NULL), SG_USAGE);
    step.noise_sd = -1.0;
    step.step_at = 0;
    cr_assert_eq(sg_drift_synth(&step, 5, y, NULL), SG_USAGE);
}

/* Share of 200 seeds flagged as degrading (noise sd 1, change 5 sd, min magnitude 2 sd). */
static double flag_rate(enum sg_drift_kind kind, size_t n)
{
    double *y = malloc(n * sizeof *y);
    struct sg_drift_opts o = opts_with(true, 2.0);
    size_t flagged = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        struct sg_drift_synth_spec spec = {kind, seed * 1000 + n, 100.0, 1.0, 5.0, n / 2};
        struct sg_drift_result r;
        cr_assert_eq(sg_drift_synth(&spec, n, y, NULL), SG_OK);
        cr_assert_eq(sg_drift_eval(y, NULL, n, &o, &r, NULL), SG_OK);
        flagged += r.is_degrading;
    }
    free(y);
    return (double)flagged / 200.0;
}

Test(drift, validation_meets_detection_and_false_alarm_targets, .timeout = 120)
{
    const size_t lengths[] = {24, 96, 500};
    for (size_t i = 0; i < N_ELEMS(lengths); i++) {
        size_t n = lengths[i];
        double fa = flag_rate(SG_DRIFT_KIND_NOISE, n);
        cr_assert(fa <= 0.01, "n=%zu false alarms %.3f", n, fa);
        if (n < 96)
            continue;
        double creep = flag_rate(SG_DRIFT_KIND_CREEP, n), step = flag_rate(SG_DRIFT_KIND_STEP, n);
        cr_assert(creep >= 0.95, "n=%zu creep detection %.3f", n, creep);
        cr_assert(step >= 0.95, "n=%zu step detection %.3f", n, step);
    }
}
