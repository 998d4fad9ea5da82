/* SPDX-License-Identifier: MIT */
/*
 * trend: whole-run drift per KPI on in-memory runs. The series (missing KPIs skipped,
 * positions kept, fewer than 12 points not judged), per-hour slopes with and without
 * timestamps, the rules (--drift-p, --drift-min, defaults), the gate rule at p and
 * magnitude just below and above the limits, the wording, the Prometheus families and the
 * audit section (golden files for a creep and a noise example).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "drift.h"
#include "helpers.h"
#include "out_md.h"
#include "output.h"
#include "trend.h"

#define MAX_ITERS 128

/* An in-memory run: iterations with every KPI at a healthy level, 5 minutes apart. */
struct fake_run {
    struct sg_iter items[MAX_ITERS];
    const struct sg_iter *view[MAX_ITERS];
    char numbers[MAX_ITERS][24];
    char times[MAX_ITERS][48];
    size_t n;
};

static void fake_init(struct fake_run *r, size_t n, bool with_times)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        struct sg_iter *it = &r->items[i];
        snprintf(r->numbers[i], sizeof r->numbers[i], "%zu", i + 1);
        snprintf(r->times[i], sizeof r->times[i], "2025-10-16T%02zu:%02zu:00Z", 10 + i * 5 / 60,
                 i * 5 % 60);
        it->file = "ITER_SUMMARY_n.json";
        it->number = r->numbers[i];
        it->signature = "na";
        it->is_valid = true;
        it->runtime_utc = with_times ? r->times[i] : NULL;
        double v[SG_KPI_COUNT] = {0.36, 0.9, 3.2, 290.0};
        memcpy(it->kpi, v, sizeof v);
        it->kpi_mask = 0xF;
        r->view[i] = it;
    }
}

/* Sets KPI k of every iteration from y[0..n). */
static void fake_set(struct fake_run *r, enum sg_kpi k, const double *y)
{
    for (size_t i = 0; i < r->n; i++)
        r->items[i].kpi[k] = y[i];
}

static void synth(enum sg_drift_kind kind, uint64_t seed, double base, double sd, double change,
                  size_t n, double *out)
{
    struct sg_drift_synth_spec spec = {kind, seed, base, sd, change, n / 2};
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_drift_synth(&spec, n, out, &err), SG_OK, "%s", err.msg);
}

static void build(const struct fake_run *r, const struct sg_config *cfg, struct sg_trend *t)
{
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_trend_build(r->view, r->n, cfg, t, &err), SG_OK, "%s", err.msg);
}

static char *describe(const struct sg_trend *t, enum sg_kpi k)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_trend_describe(t, k, &b);
    char *s = strdup(sg_buf_str(&b));
    sg_buf_release(&b);
    return th_keep(s);
}

/* ------------------------------------------------------------------ rules */

Test(trend, default_minimums_are_5_percent_of_the_thresholds)
{
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend_rules rules;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_trend_rules_make(&cfg, &rules, &err), SG_OK);
    cr_assert_float_eq(rules.min[SG_KPI_RISK], 0.021, 1e-12);
    cr_assert_float_eq(rules.min[SG_KPI_MAKER], 0.0425, 1e-12);
    cr_assert_float_eq(rules.min[SG_KPI_NET], 0.135, 1e-12);
    cr_assert_float_eq(rules.min[SG_KPI_P95], 17.5, 1e-12);
    cr_assert_float_eq(rules.p_threshold, 0.01, 0);
    cfg.policy.p95_max = 100.0; /* the default follows the threshold */
    cfg.drift_min.items[cfg.drift_min.n++] = "net_bps=0.5";
    cfg.drift_min.items[cfg.drift_min.n++] = "risk_ratio=0.01,maker_taker_ratio=0.02";
    cr_assert_eq(sg_trend_rules_make(&cfg, &rules, &err), SG_OK);
    cr_assert_float_eq(rules.min[SG_KPI_P95], 5.0, 1e-12);
    cr_assert_float_eq(rules.min[SG_KPI_NET], 0.5, 0);
    cr_assert_float_eq(rules.min[SG_KPI_RISK], 0.01, 0);
    cr_assert_float_eq(rules.min[SG_KPI_MAKER], 0.02, 0);
}

Test(trend, rejects_bad_drift_min_and_drift_p)
{
    static const char *const bad[] = {"p95=3", "p95_latency_ms", "p95_latency_ms=-1",
                                      "p95_latency_ms=abc", "=1", "risk_ratio=nan",
                                      "net_bps=1,p95=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct sg_config cfg;
        sg_config_init(&cfg);
        cfg.drift_min.items[cfg.drift_min.n++] = bad[i];
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_config_validate(&cfg, &err), SG_USAGE, "%s", bad[i]);
        cr_assert(th_contains(err.msg, "--drift-min"), "%s: %s", bad[i], err.msg);
    }
    static const double bad_p[] = {0.0, 1.0, -0.1, 2.0};
    for (size_t i = 0; i < sizeof bad_p / sizeof bad_p[0]; i++) {
        struct sg_config cfg;
        sg_config_init(&cfg);
        cfg.drift_p = bad_p[i];
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_config_validate(&cfg, &err), SG_USAGE);
        cr_assert(th_contains(err.msg, "--drift-p"), "%s", err.msg);
    }
}

Test(trend, drift_off_judges_nothing)
{
    struct fake_run r;
    fake_init(&r, 40, true);
    struct sg_config cfg;
    sg_config_init(&cfg);
    cfg.drift = SG_DRIFT_OFF;
    struct sg_trend t;
    build(&r, &cfg, &t);
    cr_assert(!t.is_on);
    cr_assert_eq(t.kpi[SG_KPI_P95].n, 0);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_out_prom_drift_render(&t, &b, &err), SG_OK);
    cr_assert_eq(b.len, 0);
    sg_buf_release(&b);
    sg_trend_release(&t);
}

/* ------------------------------------------------------------------ series */

Test(trend, fewer_than_12_points_is_not_enough_data)
{
    struct sg_config cfg;
    sg_config_init(&cfg);
    double y[12];
    for (size_t i = 0; i < 12; i++)
        y[i] = 250.0 + 10.0 * (double)i; /* a steep creep */
    for (size_t n = 11; n <= 12; n++) {
        struct fake_run r;
        fake_init(&r, n, false);
        fake_set(&r, SG_KPI_P95, y);
        struct sg_trend t;
        build(&r, &cfg, &t);
        enum sg_drift_reason want =
            n < SG_TREND_MIN_N ? SG_DRIFT_REASON_NOT_ENOUGH_DATA : SG_DRIFT_REASON_TREND;
        cr_assert_eq(t.kpi[SG_KPI_P95].res.reason, want, "n=%zu", n);
        cr_assert_eq(t.n_degrading, n < SG_TREND_MIN_N ? 0u : 1u);
        cr_assert_eq(t.kpi[SG_KPI_P95].cp_number == NULL, n < SG_TREND_MIN_N);
        sg_trend_release(&t);
    }
}

Test(trend, iterations_missing_the_kpi_are_left_out_with_positions_kept)
{
    struct fake_run r;
    fake_init(&r, 36, false);
    double y[36];
    synth(SG_DRIFT_KIND_STEP, 5, 270.0, 2.0, 40.0, 36, y);
    fake_set(&r, SG_KPI_P95, y);
    for (size_t i = 0; i < 36; i += 3) /* every third iteration lacks p95 */
        r.items[i].kpi_mask &= (uint8_t)~(1u << SG_KPI_P95);
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    const struct sg_trend_kpi *q = &t.kpi[SG_KPI_P95];
    cr_assert_eq(q->n, 24);
    cr_assert_eq(t.kpi[SG_KPI_RISK].n, 36);
    for (size_t j = 0; j < q->n; j++) {
        cr_assert_eq(q->pos[j], j / 2 * 3 + 1 + j % 2);
        cr_assert_float_eq(q->y[j], y[q->pos[j]], 0);
    }
    /* The step is at run position 18 (iteration 19), the 13th point of the series. */
    cr_assert_eq(q->res.cp.index, 12);
    cr_assert_str_eq(q->cp_number, "20"); /* position 18 lacks p95: first after is 19 */
    cr_assert(q->res.is_degrading);
    sg_trend_release(&t);
}

Test(trend, per_hour_slope_needs_a_timestamp_on_every_point)
{
    double y[24];
    synth(SG_DRIFT_KIND_CREEP, 9, 270.0, 1.0, 46.0, 24, y);
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct fake_run r;
    fake_init(&r, 24, true);
    fake_set(&r, SG_KPI_P95, y);
    struct sg_trend t;
    build(&r, &cfg, &t);
    const struct sg_drift_slope *s = &t.kpi[SG_KPI_P95].res.slope;
    cr_assert(t.kpi[SG_KPI_P95].has_hours && s->has_per_hour);
    cr_assert_float_eq(s->per_hour, 12.0 * s->per_iter, 1e-9); /* 12 iterations an hour */
    sg_trend_release(&t);

    r.items[7].runtime_utc = NULL; /* one point without a time: no per-hour slope */
    build(&r, &cfg, &t);
    cr_assert(!t.kpi[SG_KPI_P95].has_hours && !t.kpi[SG_KPI_P95].res.slope.has_per_hour);
    cr_assert(t.kpi[SG_KPI_P95].res.is_degrading);
    sg_trend_release(&t);

    r.items[7].runtime_utc = "yesterday"; /* not RFC 3339: the same */
    build(&r, &cfg, &t);
    cr_assert(!t.kpi[SG_KPI_P95].res.slope.has_per_hour);
    sg_trend_release(&t);
}

/* ------------------------------------------------------------------ the gate rule */

/* A short, noisy creep of maker share (worse when falling), judged under cfg. */
static void maker_creep(struct fake_run *r)
{
    double y[14];
    synth(SG_DRIFT_KIND_CREEP, 21, 0.92, 0.01, -0.03, 14, y);
    fake_init(r, 14, false);
    fake_set(r, SG_KPI_MAKER, y);
}

Test(trend, significance_just_below_and_above_drift_p)
{
    struct fake_run r;
    maker_creep(&r);
    struct sg_config cfg;
    sg_config_init(&cfg);
    cfg.drift_min.items[cfg.drift_min.n++] = "maker_taker_ratio=0";
    cfg.drift_p = 0.5;
    struct sg_trend t;
    build(&r, &cfg, &t);
    const struct sg_drift_result *res = &t.kpi[SG_KPI_MAKER].res;
    double p = fmin(res->mk.p_value, res->cp.p_value);
    cr_assert(p > 1e-6 && p < 0.1, "p=%g", p);
    sg_trend_release(&t);

    cfg.drift_p = p * 1.001; /* p just below the level: degrading */
    build(&r, &cfg, &t);
    cr_assert(t.kpi[SG_KPI_MAKER].res.is_degrading);
    cr_assert_eq(t.n_degrading, 1);
    sg_trend_release(&t);

    cfg.drift_p = p * 0.999; /* p just above: not significant */
    build(&r, &cfg, &t);
    cr_assert(!t.kpi[SG_KPI_MAKER].res.is_degrading);
    cr_assert_eq(t.kpi[SG_KPI_MAKER].res.reason, SG_DRIFT_REASON_NOT_SIGNIFICANT);
    sg_trend_release(&t);
}

Test(trend, magnitude_just_under_and_over_drift_min)
{
    struct fake_run r;
    maker_creep(&r);
    struct sg_config cfg;
    sg_config_init(&cfg);
    cfg.drift_p = 0.5; /* both tests significant: the magnitude decides */
    struct sg_trend t;
    cfg.drift_min.items[0] = "maker_taker_ratio=0";
    cfg.drift_min.n = 1;
    build(&r, &cfg, &t);
    const struct sg_drift_result *res = &t.kpi[SG_KPI_MAKER].res;
    double worse = fmax(-res->trend_change, -res->step_change);
    cr_assert(worse > 0.01, "worse=%g", worse);
    sg_trend_release(&t);

    char *under = th_fmt("maker_taker_ratio=%.17g", worse * 0.999);
    char *over = th_fmt("maker_taker_ratio=%.17g", worse * 1.001);
    cfg.drift_min.items[0] = under;
    build(&r, &cfg, &t);
    cr_assert(t.kpi[SG_KPI_MAKER].res.is_degrading);
    sg_trend_release(&t);
    cfg.drift_min.items[0] = over;
    build(&r, &cfg, &t);
    cr_assert(!t.kpi[SG_KPI_MAKER].res.is_degrading);
    cr_assert_eq(t.kpi[SG_KPI_MAKER].res.reason, SG_DRIFT_REASON_TOO_SMALL);
    sg_trend_release(&t);
}

Test(trend, improving_kpis_are_not_degrading)
{
    struct fake_run r;
    fake_init(&r, 48, false);
    double y[48];
    synth(SG_DRIFT_KIND_CREEP, 3, 330.0, 2.0, -60.0, 48, y); /* latency falling */
    fake_set(&r, SG_KPI_P95, y);
    synth(SG_DRIFT_KIND_STEP, 4, 3.0, 0.05, 0.5, 48, y); /* net bps rising */
    fake_set(&r, SG_KPI_NET, y);
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    cr_assert_eq(t.n_degrading, 0);
    cr_assert_eq(t.kpi[SG_KPI_P95].res.reason, SG_DRIFT_REASON_NOT_WORSE);
    cr_assert_eq(t.kpi[SG_KPI_NET].res.reason, SG_DRIFT_REASON_NOT_WORSE);
    sg_trend_release(&t);
}

Test(trend, describes_a_trend_and_a_level_shift)
{
    struct fake_run r;
    fake_init(&r, 96, false);
    double y[96];
    synth(SG_DRIFT_KIND_CREEP, 11, 270.0, 8.0, 40.0, 96, y);
    fake_set(&r, SG_KPI_P95, y);
    synth(SG_DRIFT_KIND_STEP, 12, 3.2, 0.12, -0.6, 96, y);
    fake_set(&r, SG_KPI_NET, y);
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    cr_assert_eq(t.n_degrading, 2);
    char *p95 = describe(&t, SG_KPI_P95), *net = describe(&t, SG_KPI_NET);
    cr_assert(strncmp(p95, "p95_latency_ms drifting up: +", 29) == 0, "%s", p95);
    cr_assert(th_contains(p95, " ms over the run (Mann-Kendall p="), "%s", p95);
    cr_assert(strncmp(net, "net_bps shifted down at iteration 49: -0.", 41) == 0, "%s", net);
    cr_assert(th_contains(net, ", change-point p="), "%s", net);
    cr_assert_str_eq(describe(&t, SG_KPI_RISK), "");
    sg_trend_release(&t);
}

Test(trend, number_formats)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_trend_fmt_change(&b, 41.2345);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_change(&b, -0.031234);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_change(&b, -0.0);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_p(&b, 3.14e-7);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_p(&b, 0.0042);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_p(&b, 1.0);
    sg_buf_addc(&b, ' ');
    sg_trend_fmt_p(&b, 0.0);
    cr_assert_str_eq(sg_buf_str(&b), "+41.2 -0.0312 0 3e-07 0.004 1 0");
    sg_buf_release(&b);
}

/* ------------------------------------------------------------------ outputs */

Test(trend, prometheus_series_are_per_kpi_in_base_units)
{
    struct fake_run r;
    fake_init(&r, 96, false);
    double y[96];
    synth(SG_DRIFT_KIND_CREEP, 11, 270.0, 8.0, 40.0, 96, y);
    fake_set(&r, SG_KPI_P95, y);
    r.items[3].kpi_mask = 0x7; /* p95 missing once */
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_out_prom_drift_render(&t, &b, &err), SG_OK);
    const char *s = sg_buf_str(&b);
    cr_assert(th_contains(s, "soakgate_drift_evaluated_iterations{kpi=\"p95_latency_seconds\"} 95\n"));
    cr_assert(th_contains(s, "soakgate_drift_degrading{kpi=\"p95_latency_seconds\"} 1\n"), "%s", s);
    cr_assert(th_contains(s, "soakgate_drift_degrading{kpi=\"risk_ratio\"} 0\n"));
    cr_assert(th_contains(s, "soakgate_drift_p_value{kpi=\"net_bps\",test=\"change\"} "));
    cr_assert(th_contains(s, "# TYPE soakgate_drift_slope gauge\n"));
    /* The p95 slope is in seconds per iteration: about 0.4 ms = 0.0004 s. */
    const char *slope = strstr(s, "soakgate_drift_slope{kpi=\"p95_latency_seconds\"} ");
    cr_assert_not_null(slope);
    double v = strtod(strchr(slope, '}') + 2, NULL);
    cr_assert(v > 0.0002 && v < 0.0007, "slope %g", v);
    sg_buf_release(&b);
    sg_trend_release(&t);
}

Test(trend, prometheus_has_only_the_point_counts_without_enough_data)
{
    struct fake_run r;
    fake_init(&r, 8, false);
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_out_prom_drift_render(&t, &b, &err), SG_OK);
    cr_assert(th_contains(sg_buf_str(&b), "soakgate_drift_evaluated_iterations{kpi=\"net_bps\"} 8"));
    cr_assert(!th_contains(sg_buf_str(&b), "soakgate_drift_slope"));
    sg_buf_release(&b);
    sg_trend_release(&t);
}

Test(trend, sparkline_marks_the_change_point)
{
    double y[8] = {1, 1, 1, 1, 5, 5, 5, 5};
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_md_drift_sparkline(&b, y, 8, 4, 60);
    cr_assert_str_eq(sg_buf_str(&b), "▁▁▁▁┃████");
    sg_buf_reset(&b);
    sg_md_drift_sparkline(&b, y, 8, 0, 60); /* no mark */
    cr_assert_str_eq(sg_buf_str(&b), "▁▁▁▁████");
    sg_buf_reset(&b);
    sg_md_drift_sparkline(&b, y, 8, 4, 4); /* two values a bucket */
    cr_assert_str_eq(sg_buf_str(&b), "▁▁┃██");
    sg_buf_release(&b);
}

/* The audit's drift section for a 96-iteration run with p95 from kind, noise sd 8 ms. */
static void golden_section(enum sg_drift_kind kind, const char *golden)
{
    struct fake_run r;
    fake_init(&r, 96, true);
    double y[96];
    synth(kind, 17, 270.0, 8.0, 40.0, 96, y);
    fake_set(&r, SG_KPI_P95, y);
    synth(SG_DRIFT_KIND_NOISE, 18, 0.36, 0.012, 0, 96, y);
    fake_set(&r, SG_KPI_RISK, y);
    r.items[10].kpi_mask = 0xB; /* net_bps missing once */
    struct sg_config cfg;
    sg_config_init(&cfg);
    struct sg_trend t;
    build(&r, &cfg, &t);
    struct sg_md_input in = {.cfg = &cfg, .drift = &t};
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_out_md_drift_section(&b, &in, 9);
    sg_out_md_drift_summary(&b, &in);
    th_golden_check(golden, sg_buf_str(&b));
    sg_buf_release(&b);
    sg_trend_release(&t);
}

Test(trend, golden_audit_section_for_a_creep)
{
    golden_section(SG_DRIFT_KIND_CREEP, "drift/creep.md");
}

Test(trend, golden_audit_section_for_noise)
{
    golden_section(SG_DRIFT_KIND_NOISE, "drift/noise.md");
}
