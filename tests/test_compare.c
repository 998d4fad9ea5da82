/* SPDX-License-Identifier: MIT */
/* compare and baseline: D-13 loading, percent/delta rules, --max-regression and exit codes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "compare.h"
#include "helpers.h"

#define T24 SG_VECTORS_DIR "/T24_repo_generator"
#define BASE11 SG_FIXTURES_DIR "/baselines/t24-schema11.json"

static enum sg_rc parse(const char *json, struct sg_baseline *b, struct sg_err *err)
{
    return sg_baseline_parse_buf(json, strlen(json), 64, b, err);
}

/* A schema-1.1 snapshot with the given p95 mean (text). */
static char *snapshot_with_p95(const char *p95)
{
    return th_fmt("{\"anomalies_count\":0,\"freeze_ready\":true,\"freeze_seen\":true,"
                  "\"guards_last8\":{\"cooldown_count\":1,\"freeze_events\":3,"
                  "\"oscillation_count\":0,\"velocity_count\":1},\"kpi_gate_parity\":null,"
                  "\"kpi_last8\":{\"maker_taker_ratio\":{\"mean\":0.9,\"median\":0.9},"
                  "\"net_bps\":{\"mean\":3.138,\"median\":3.15},\"p95_latency_ms\":{\"mean\":%s,"
                  "\"median\":null},\"risk_ratio\":{\"mean\":0.41,\"median\":0.41}},"
                  "\"pass_count_last8\":6,\"schema_version\":\"1.1\",\"signature_loops\":2,"
                  "\"time_range\":{\"from\":null,\"to\":null},\"verdict\":\"PASS\"}",
                  p95);
}

Test(baseline, loads_a_schema_11_snapshot_with_a_null_statistic)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    char *j = snapshot_with_p95("-5");
    cr_assert_eq(parse(j, &b, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(b.status, SG_BASELINE_OK);
    cr_assert(b.mean[SG_KPI_P95].has && b.mean[SG_KPI_P95].d == -5.0);
    cr_assert(!b.median[SG_KPI_P95].has, "null median must be 'no value'");
    cr_assert_eq(b.verdict, SG_VERDICT_PASS);
    cr_assert_eq(b.guards[SG_GUARD_FREEZE], 3);
    free(j);
}

Test(baseline, rejects_schema_12)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(parse("{\"schema_version\":\"1.2\",\"pass_count_last8\":3}", &b, &err),
                 SG_SCHEMA);
    cr_assert_eq(b.status, SG_BASELINE_WRONG_SCHEMA);
    cr_assert_str_eq(b.problem, "schema_version \"1.2\"");
}

Test(baseline, rejects_the_legacy_vector_baseline_without_schema_version)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    struct sg_iter_limits lim = SG_ITER_LIMITS_DEFAULT;
    cr_assert_eq(sg_baseline_load(T24 "/compare_baseline.json", &lim, &b, &err), SG_SCHEMA);
    cr_assert_eq(b.status, SG_BASELINE_WRONG_SCHEMA);
    cr_assert_str_eq(b.problem, "no schema_version");
}

Test(baseline, rejects_a_missing_key)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    char *j = snapshot_with_p95("1");
    char *cut = strstr(j, "\"signature_loops\":2,");
    memmove(cut, cut + strlen("\"signature_loops\":2,"), strlen(cut) - 19);
    cr_assert_eq(parse(j, &b, &err), SG_SCHEMA);
    cr_assert_str_eq(b.problem, "missing key \"signature_loops\"");
    free(j);
}

Test(baseline, rejects_malformed_json_and_wrong_types_as_unreadable)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(parse("{\"schema_version\":", &b, &err), SG_PARSE);
    cr_assert_eq(b.status, SG_BASELINE_UNREADABLE);
    cr_assert(th_contains(b.problem, "line 1"), "%s", b.problem);
    char *j = snapshot_with_p95("\"305\"");
    sg_err_init(&err);
    cr_assert_eq(parse(j, &b, &err), SG_SCHEMA);
    cr_assert_eq(b.status, SG_BASELINE_UNREADABLE);
    cr_assert_str_eq(b.problem, "kpi_last8.p95_latency_ms.mean: expected a number, found a string");
    free(j);
}

Test(baseline, reports_a_missing_file)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    struct sg_iter_limits lim = SG_ITER_LIMITS_DEFAULT;
    cr_assert_eq(sg_baseline_load("/nonexistent/b.json", &lim, &b, &err), SG_IO);
    cr_assert_eq(b.status, SG_BASELINE_MISSING);
}

/* ------------------------------------------------------------------ comparison */

static struct sg_snapshot t24_snapshot(void)
{
    struct sg_snapshot s;
    memset(&s, 0, sizeof s);
    const double mean[] = {0.41, 0.9, 3.138, 305.0}, med[] = {0.41, 0.9, 3.15, 305.0};
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        s.mean[k] = (struct sg_jnum){false, 0, mean[k]};
        s.median[k] = (struct sg_jnum){false, 0, med[k]};
    }
    s.verdict = SG_VERDICT_PASS;
    s.pass_count = 6;
    s.freeze_ready = true;
    s.guards[SG_GUARD_FREEZE] = 3;
    return s;
}

static char *render_text(const struct sg_compare *c)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_compare_render_text(c, &b);
    return sg_buf_detach(&b, NULL);
}

Test(compare, negative_baseline_gets_a_plain_sign_and_zero_baseline_na)
{
    struct sg_baseline b;
    struct sg_err err = SG_ERR_INIT;
    struct sg_iter_limits lim = SG_ITER_LIMITS_DEFAULT;
    cr_assert_eq(sg_baseline_load(BASE11, &lim, &b, &err), SG_OK, "%s", err.msg);
    struct sg_snapshot s = t24_snapshot();
    struct sg_regress_rules none = {{-1, -1, -1, -1}};
    struct sg_compare c;
    sg_compare_build(&s, &b, &none, &c);
    char *t = render_text(&c);
    cr_assert(th_contains(t, "\nBaseline vs Current:\n"), "%s", t);
    cr_assert(th_contains(t, "  net_bps.mean: -2.000 \xe2\x86\x92 3.138 (+256.9%, +5.138) better\n"), "%s", t);
    cr_assert(!th_contains(t, "+-"), "sign printed twice: %s", t);
    cr_assert(th_contains(t, "  maker_taker_ratio.mean: 0.000 \xe2\x86\x92 0.900 (n/a, +0.900) better\n"), "%s", t);
    cr_assert(th_contains(t, "  risk_ratio.mean: 0.500 \xe2\x86\x92 0.410 (-18.0%, -0.090) better\n"), "%s", t);
    cr_assert(th_contains(t, "  p95_latency_ms.mean: 305.000 \xe2\x86\x92 305.000 (+0.0%, +0.000) unchanged\n"), "%s", t);
    cr_assert(th_contains(t, "  verdict: WARN \xe2\x86\x92 PASS better\n"), "%s", t);
    cr_assert(th_contains(t, "  freeze_ready: false \xe2\x86\x92 true better\n"), "%s", t);
    cr_assert(th_contains(t, "  freeze_events: 1 \xe2\x86\x92 3 (+200.0%, +2) worse\n"), "%s", t);
    cr_assert_eq(c.n_rows, 16);
    free(t);
}

Test(compare, verdict_order_is_fail_warn_pass)
{
    struct sg_baseline b;
    memset(&b, 0, sizeof b);
    b.verdict = SG_VERDICT_PASS;
    struct sg_snapshot s = t24_snapshot();
    s.verdict = SG_VERDICT_WARN;
    struct sg_regress_rules none = {{-1, -1, -1, -1}};
    struct sg_compare c;
    sg_compare_build(&s, &b, &none, &c);
    cr_assert_eq(c.rows[c.n_rows - 1].mark, SG_CMP_WORSE);
}

Test(compare, rules_parse_global_and_per_kpi_in_any_order)
{
    struct sg_strlist l = {{"p95_latency_ms=10", "5%,net_bps=0"}, 2};
    struct sg_regress_rules r;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_compare_rules_parse(&l, &r, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(r.max_pct[SG_KPI_P95], 10.0);
    cr_assert_eq(r.max_pct[SG_KPI_RISK], 5.0);
    cr_assert_eq(r.max_pct[SG_KPI_NET], 0.0);
}

Test(compare, rejects_bad_max_regression_entries)
{
    const char *bad[] = {"latency=5", "-1", "abc", "p95_latency_ms=", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct sg_strlist l = {{bad[i]}, 1};
        struct sg_regress_rules r;
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_compare_rules_parse(&l, &r, &err), SG_USAGE, "'%s' accepted", bad[i]);
        cr_assert(th_contains(err.msg, "--max-regression"), "%s", err.msg);
    }
}

/* ------------------------------------------------------------------ end to end */

struct e2e {
    char *dir;
    struct th_run r;
};

static struct e2e gate_t24(const char *baseline_json, const char *const *extra)
{
    struct e2e e = {th_mkdtemp(), {0, NULL, NULL}};
    char *run = th_fmt("%s/run", e.dir);
    mkdir(run, 0755);
    th_copy_dir(T24 "/input", run);
    if (baseline_json)
        th_write(e.dir, "base.json", baseline_json);
    const char *argv[16] = {"gate", "--path", "run", "--quiet", "--compare", "base.json"};
    size_t n = 6;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    const char *env[] = {"SOAK_GATE_NOW=1760623200", NULL};
    e.r = th_run_bin(e.dir, env, argv);
    free(run);
    return e;
}

static void e2e_free(struct e2e *e)
{
    th_run_free(&e->r);
    th_rmtree(e->dir);
    free(e->dir);
}

Test(compare_e2e, regression_just_under_the_limit_passes)
{
    char *b = snapshot_with_p95("250.0"); /* 305 vs 250: worsened by exactly 22.0 % */
    const char *extra[] = {"--max-regression", "p95_latency_ms=22.1", NULL};
    struct e2e e = gate_t24(b, extra);
    cr_assert_eq(e.r.status, 0, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "[OK] p95_latency_ms.mean: within the 22.1% regression limit"),
              "%s", e.r.err);
    e2e_free(&e);
    free(b);
}

Test(compare_e2e, regression_exactly_at_the_limit_passes)
{
    char *b = snapshot_with_p95("250.0");
    const char *extra[] = {"--max-regression", "p95_latency_ms=22", NULL};
    struct e2e e = gate_t24(b, extra);
    cr_assert_eq(e.r.status, 0, "stderr: %s", e.r.err);
    e2e_free(&e);
    free(b);
}

Test(compare_e2e, regression_just_over_the_limit_fails_naming_the_kpi)
{
    char *b = snapshot_with_p95("250.0");
    const char *extra[] = {"--max-regression", "5", "--max-regression", "p95_latency_ms=21.9",
                           NULL};
    struct e2e e = gate_t24(b, extra);
    cr_assert_eq(e.r.status, 1, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "  - p95_latency_ms mean worsened by 22.0% against the "
                                   "baseline (limit 21.9%)"),
              "%s", e.r.err);
    char *js = th_fmt("%s/run/POST_SOAK_COMPARE.json", e.dir);
    char *j = th_slurp(js, NULL);
    cr_assert(th_contains(j, "{\"kpi\":\"p95_latency_ms\",\"limit_percent\":21.9,"
                             "\"worsened_percent\":22.0,\"status\":\"failed\"}"),
              "%s", j);
    cr_assert(th_contains(j, "\"regression_failed\":true}"), "%s", j);
    free(j);
    free(js);
    e2e_free(&e);
    free(b);
}

Test(compare_e2e, zero_baseline_cannot_apply_the_rule_and_says_so)
{
    char *b = snapshot_with_p95("0");
    const char *extra[] = {"--max-regression", "p95_latency_ms=1", NULL};
    struct e2e e = gate_t24(b, extra);
    cr_assert_eq(e.r.status, 0, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "  p95_latency_ms.mean: 0.000 \xe2\x86\x92 305.000 (n/a, "
                                   "+305.000) worse"),
              "%s", e.r.err);
    cr_assert(th_contains(e.r.err, "[WARN] p95_latency_ms.mean: baseline is 0; the "
                                   "--max-regression rule cannot apply"),
              "%s", e.r.err);
    e2e_free(&e);
    free(b);
}

Test(compare_e2e, missing_baseline_warns_and_keeps_the_exit_code)
{
    const char *extra[] = {"--max-regression", "1", NULL};
    struct e2e e = gate_t24(NULL, extra);
    cr_assert_eq(e.r.status, 0, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "[WARN] Baseline not found: "), "%s", e.r.err);
    cr_assert(th_contains(e.r.err, "/base.json\n"), "%s", e.r.err);
    char *p = th_fmt("%s/run/POST_SOAK_AUDIT.md", e.dir);
    char *a = th_slurp(p, NULL);
    cr_assert(th_contains(a, "**Comparison skipped:** baseline not found"), "%s", a);
    free(a);
    free(p);
    e2e_free(&e);
}

Test(compare_e2e, malformed_and_schema_12_baselines_warn_and_keep_the_exit_code)
{
    struct e2e e = gate_t24("{\"verdict\": \"PASS\",", NULL);
    cr_assert_eq(e.r.status, 0, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "[WARN] Could not load baseline snapshot: invalid JSON"),
              "%s", e.r.err);
    e2e_free(&e);
    e = gate_t24("{\"schema_version\":\"1.2\"}", NULL);
    cr_assert_eq(e.r.status, 0);
    cr_assert(th_contains(e.r.err, "is not a schema 1.1 snapshot (schema_version \"1.2\"); "
                                   "comparison skipped"),
              "%s", e.r.err);
    e2e_free(&e);
}

Test(compare_e2e, bad_max_regression_is_a_usage_error)
{
    const char *extra[] = {"--max-regression", "latency=3", NULL};
    struct e2e e = gate_t24(NULL, extra);
    cr_assert_eq(e.r.status, 2, "stderr: %s", e.r.err);
    cr_assert(th_contains(e.r.err, "unknown KPI 'latency'"), "%s", e.r.err);
    e2e_free(&e);
}
