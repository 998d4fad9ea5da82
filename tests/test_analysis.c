/* SPDX-License-Identifier: MIT */
/* analysis and stats: statistics, rounding, boundaries, anomalies, loops, time range. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "analysis.h"
#include "config.h"
#include "stats.h"

static struct sg_policy policy(void)
{
    struct sg_config cfg;
    sg_config_init(&cfg);
    return cfg.policy;
}

static struct sg_iter rec(double risk, double maker, double net, double p95)
{
    struct sg_iter it;
    memset(&it, 0, sizeof it);
    it.is_valid = true;
    it.file = "ITER_SUMMARY_1.json";
    it.signature = "na";
    it.kpi[SG_KPI_RISK] = risk;
    it.kpi[SG_KPI_MAKER] = maker;
    it.kpi[SG_KPI_NET] = net;
    it.kpi[SG_KPI_P95] = p95;
    it.kpi_mask = 0xF;
    return it;
}

static struct sg_eval eval_n(struct sg_iter *items, size_t n)
{
    const struct sg_iter *view[64];
    for (size_t i = 0; i < n; i++)
        view[i] = &items[i];
    struct sg_policy p = policy();
    struct sg_eval ev;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_eval_build(view, n, &p, &ev, &err), SG_OK, "%s", err.msg);
    return ev;
}

Test(stats, summary_of_known_values)
{
    const double v[] = {4, 1, 3, 2};
    struct sg_stats_summary s;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_stats_summarize(v, 4, &s, &err), SG_OK);
    cr_assert_eq(s.mean, 2.5);
    cr_assert_eq(s.median, 2.5);
    cr_assert_eq(s.min, 1);
    cr_assert_eq(s.max, 4);
    cr_assert_float_eq(s.stdev, 1.2909944487358056, 1e-15);
    cr_assert_float_eq(s.p95, 3.85, 1e-12); /* h = 2.85: 3 + 0.85 * (4 - 3) */
}

Test(stats, degenerate_inputs_have_defined_results)
{
    struct sg_stats_summary s;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_stats_summarize(NULL, 0, &s, &err), SG_RANGE);
    const double one[] = {7.5};
    struct sg_err e1 = SG_ERR_INIT;
    cr_assert_eq(sg_stats_summarize(one, 1, &s, &e1), SG_OK);
    cr_assert(s.mean == 7.5 && s.median == 7.5 && s.stdev == 0.0 && s.p95 == 7.5);
    const double con[] = {3, 3, 3};
    cr_assert_eq(sg_stats_summarize(con, 3, &s, &e1), SG_OK);
    cr_assert(s.stdev == 0.0 && s.p95 == 3.0);
    const double nan[] = {1, (double)NAN};
    struct sg_err e2 = SG_ERR_INIT;
    cr_assert_eq(sg_stats_summarize(nan, 2, &s, &e2), SG_RANGE);
    const double big[] = {1.7e308, 1.7e308};
    double m;
    struct sg_err e3 = SG_ERR_INIT;
    cr_assert_eq(sg_stats_median(big, 2, &m, &e3), SG_OK);
    cr_assert(isinf(m), "(lo + hi) / 2 overflows in double, as the original");
}

Test(analysis, kpi_means_and_medians_are_rounded_half_even)
{
    struct sg_iter items[2] = {rec(0.3, 0.9, 20.6875, 300), rec(0.3, 0.9, 20.6875, 300)};
    struct sg_eval ev = eval_n(items, 2);
    cr_assert_eq(ev.kpi[SG_KPI_NET].mean, 20.688);
    cr_assert_eq(ev.kpi[SG_KPI_NET].median, 20.688);
    sg_eval_release(&ev);
    struct sg_iter odd[3] = {rec(0.0625, 0.9, 3, 1), rec(0.0625, 0.9, 3, 2), rec(0.0625, 0.9, 3, 9)};
    ev = eval_n(odd, 3);
    cr_assert_eq(ev.kpi[SG_KPI_RISK].mean, 0.062);
    cr_assert_eq(ev.kpi[SG_KPI_P95].median, 2.0);
    cr_assert_eq(ev.kpi[SG_KPI_P95].mean, 4.0);
    sg_eval_release(&ev);
}

Test(analysis, missing_kpi_is_left_out_and_fails_the_pass_check)
{
    struct sg_iter items[2] = {rec(0.3, 0.9, 3, 300), rec(0.5, 0.9, 3, 300)};
    items[1].kpi_mask &= (uint8_t) ~(1u << SG_KPI_RISK);
    struct sg_eval ev = eval_n(items, 2);
    cr_assert_eq(ev.kpi[SG_KPI_RISK].n, 1);
    cr_assert_eq(ev.kpi[SG_KPI_RISK].mean, 0.3);
    cr_assert_eq(ev.pass_count, 1);
    cr_assert_eq(ev.fail_masks[1], 1u << SG_KPI_RISK);
    sg_eval_release(&ev);
    items[0].kpi_mask = 0;
    items[1].kpi_mask = 0;
    ev = eval_n(items, 2);
    cr_assert_eq(ev.kpi[SG_KPI_RISK].mean, 0.0, "no values -> 0.0 as the original");
    sg_eval_release(&ev);
}

Test(analysis, thresholds_are_inclusive)
{
    struct sg_policy p = policy();
    struct sg_iter edge = rec(0.42, 0.85, 2.7, 350);
    cr_assert_eq(sg_eval_fail_mask(&edge, &p), 0);
    struct sg_iter net = rec(0.42, 0.85, 2.69, 350.0);
    cr_assert_eq(sg_eval_fail_mask(&net, &p), 1u << SG_KPI_NET);
    struct sg_iter lat = rec(0.42, 0.85, 2.7, 350.1);
    cr_assert_eq(sg_eval_fail_mask(&lat, &p), 1u << SG_KPI_P95);
}

static size_t jumps(double a, double b)
{
    struct sg_iter items[2] = {rec(a, 0.9, 3, 300), rec(b, 0.9, 3, 300)};
    struct sg_eval ev = eval_n(items, 2);
    size_t n = ev.n_anomalies;
    sg_eval_release(&ev);
    return n;
}

Test(analysis, risk_jump_uses_plain_double_subtraction_d10)
{
    cr_assert_eq(jumps(0.30, 0.45), 1);
    cr_assert_eq(jumps(0.35, 0.50), 1);
    cr_assert_eq(jumps(0.25, 0.40), 1);
    cr_assert_eq(jumps(0.45, 0.60), 0);
    cr_assert_eq(jumps(0.20, 0.35), 0);
    cr_assert_eq(jumps(0.10, 0.25), 0);
    cr_assert_eq(jumps(0.00, 0.15), 0);
    cr_assert_eq(jumps(0.50, 0.30), 0, "only increases count");
}

Test(analysis, spike_and_drop_limits_are_strict_and_missing_never_counts)
{
    struct sg_iter items[4] = {rec(0.3, 0.75, 3, 400), rec(0.3, 0.7499, 3, 400.01),
                               rec(0.3, 0.9, 3, 300), rec(0.3, 0.9, 3, 300)};
    items[2].kpi_mask = 1u << SG_KPI_RISK; /* maker and latency missing */
    struct sg_eval ev = eval_n(items, 4);
    cr_assert_eq(ev.n_anomalies, 2);
    cr_assert_eq(ev.anomalies[0].pos, 1);
    cr_assert_eq(ev.anomalies[0].kind, SG_ANOMALY_LATENCY_SPIKE);
    cr_assert_eq(ev.anomalies[1].kind, SG_ANOMALY_MAKER_DROP);
    sg_eval_release(&ev);
}

Test(analysis, missing_risk_counts_as_zero_in_the_jump_test)
{
    struct sg_iter items[2] = {rec(0.3, 0.9, 3, 300), rec(0.2, 0.9, 3, 300)};
    items[0].kpi_mask &= (uint8_t) ~(1u << SG_KPI_RISK);
    struct sg_eval ev = eval_n(items, 2);
    cr_assert_eq(ev.n_anomalies, 1);
    cr_assert_eq(ev.anomalies[0].kind, SG_ANOMALY_RISK_JUMP);
    cr_assert_eq(ev.anomalies[0].prev, 0.0);
    sg_eval_release(&ev);
}

Test(analysis, loops_include_na_d11)
{
    const char *sigs[] = {"A", "na", "A", "na"};
    struct sg_iter items[4];
    for (int i = 0; i < 4; i++) {
        items[i] = rec(0.3, 0.9, 3, 300);
        items[i].signature = sigs[i];
    }
    struct sg_eval ev = eval_n(items, 4);
    cr_assert_eq(ev.n_loops, 2);
    cr_assert_eq(ev.loops[0], 0);
    cr_assert_eq(ev.loops[1], 1);
    sg_eval_release(&ev);
    const char *aa[] = {"A", "A", "B", "A", "A", "B", "A", "A"};
    struct sg_iter more[8];
    for (int i = 0; i < 8; i++) {
        more[i] = rec(0.3, 0.9, 3, 300);
        more[i].signature = aa[i];
    }
    ev = eval_n(more, 8);
    cr_assert_eq(ev.n_loops, 2);
    sg_eval_release(&ev);
}

Test(analysis, verdict_levels_and_freeze)
{
    struct sg_policy p = policy();
    cr_assert_eq(sg_eval_verdict(8, false, &p), SG_VERDICT_WARN);
    cr_assert_eq(sg_eval_verdict(5, true, &p), SG_VERDICT_WARN);
    cr_assert_eq(sg_eval_verdict(4, true, &p), SG_VERDICT_FAIL);
    p.pass_needs_freeze = false;
    cr_assert_eq(sg_eval_verdict(6, false, &p), SG_VERDICT_PASS);
    cr_assert(sg_eval_freeze_ready(SG_VERDICT_PASS, 6, false, &p));
}

static struct sg_eval times(const char *const *t, size_t n)
{
    static struct sg_iter items[8];
    for (size_t i = 0; i < n; i++) {
        items[i] = rec(0.3, 0.9, 3, 300);
        items[i].runtime_utc = t[i];
    }
    return eval_n(items, n);
}

Test(analysis, time_range_orders_rfc3339_by_instant_d8)
{
    const char *t[] = {"2025-10-16T13:00:00+02:00", "2025-10-16T12:30:00Z",
                       "2025-10-16T10:59:59.5Z", NULL};
    struct sg_eval ev = times(t, 4);
    cr_assert_str_eq(ev.time_from, "2025-10-16T10:59:59.5Z");
    cr_assert_str_eq(ev.time_to, "2025-10-16T12:30:00Z");
    sg_eval_release(&ev);
    const char *u[] = {"2025-10-16T12:00:00Z", "yesterday", "2025-10-16T11:00:00Z"};
    ev = times(u, 3);
    cr_assert_str_eq(ev.time_from, "2025-10-16T11:00:00Z", "byte order when not all parse");
    cr_assert_str_eq(ev.time_to, "yesterday");
    sg_eval_release(&ev);
    const char *none[] = {NULL, NULL};
    ev = times(none, 2);
    cr_assert_null(ev.time_from);
    cr_assert_null(ev.time_to);
    sg_eval_release(&ev);
}

Test(analysis, rfc3339_parser_rejects_impossible_dates)
{
    int64_t s, ns;
    cr_assert(sg_eval_rfc3339("1970-01-01T00:00:00Z", &s, &ns) && s == 0);
    cr_assert(sg_eval_rfc3339("2024-02-29t23:59:60z", &s, &ns));
    cr_assert_not(sg_eval_rfc3339("2023-02-29T00:00:00Z", &s, &ns));
    cr_assert_not(sg_eval_rfc3339("2025-10-16 12:00:00Z", &s, &ns));
    cr_assert_not(sg_eval_rfc3339("2025-10-16T12:00:00", &s, &ns));
    cr_assert(sg_eval_rfc3339("2025-10-16T12:00:00.123456789-05:30", &s, &ns) && ns == 123456789);
}
