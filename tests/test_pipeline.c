/* SPDX-License-Identifier: MIT */
/*
 * The original's eight regression tests (reference section 10), same names, calling our
 * real functions instead of copies of the formulas. The data set is the original
 * generator's 24-iteration run (vector T24_repo_generator), copied to a temp dir.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "config.h"
#include "helpers.h"
#include "iter.h"

static struct sg_policy policy(void)
{
    struct sg_config cfg;
    sg_config_init(&cfg);
    return cfg.policy;
}

/* A valid iteration record with the four KPIs set and given guard flags. */
static struct sg_iter rec(double risk, double maker, double net, double p95, unsigned guards,
                          const char *sig)
{
    struct sg_iter it;
    memset(&it, 0, sizeof it);
    it.file = "ITER_SUMMARY_1.json";
    it.number = "1";
    it.is_valid = true;
    it.kpi[SG_KPI_RISK] = risk;
    it.kpi[SG_KPI_MAKER] = maker;
    it.kpi[SG_KPI_NET] = net;
    it.kpi[SG_KPI_P95] = p95;
    it.kpi_mask = 0xF;
    it.guard_mask = (uint8_t)guards;
    it.signature = sig;
    return it;
}

static struct sg_eval eval_of(const struct sg_iter *items, size_t n)
{
    const struct sg_iter *view[16];
    for (size_t i = 0; i < n; i++)
        view[i] = &items[i];
    struct sg_policy p = policy();
    struct sg_eval ev;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_eval_build(view, n, &p, &ev, &err), SG_OK, "%s", err.msg);
    return ev;
}

static struct th_run snapshot_of_t24(char **dir)
{
    *dir = th_mkdtemp();
    th_copy_dir(SG_VECTORS_DIR "/T24_repo_generator/input", *dir);
    const char *argv[] = {"snapshot", "--path", *dir, NULL};
    return th_run_bin(NULL, NULL, argv);
}

Test(pipeline, schema_version_present)
{
    char *dir;
    struct th_run r = snapshot_of_t24(&dir);
    cr_assert_eq(r.status, 0);
    cr_assert(th_contains(r.out, "\"schema_version\":\"1.1\""), "%s", r.out);
    th_rmtree(dir);
}

Test(pipeline, freeze_ready_logic)
{
    struct sg_policy p = policy();
    cr_assert(sg_eval_freeze_ready(SG_VERDICT_PASS, 7, true, &p));
    cr_assert_not(sg_eval_freeze_ready(SG_VERDICT_PASS, 5, true, &p));
    cr_assert_not(sg_eval_freeze_ready(SG_VERDICT_PASS, 7, false, &p));
    /* And through the real verdict: 7 passes without a freeze is only WARN, not ready. */
    cr_assert_eq(sg_eval_verdict(7, false, &p), SG_VERDICT_WARN);
    cr_assert_eq(sg_eval_verdict(6, true, &p), SG_VERDICT_PASS);
}

Test(pipeline, guard_counts_accuracy)
{
    struct sg_iter items[3] = {
        rec(0.3, 0.9, 3, 300, 1u << SG_GUARD_VELOCITY, "a"),
        rec(0.3, 0.9, 3, 300, (1u << SG_GUARD_OSCILLATION) | (1u << SG_GUARD_COOLDOWN), "a"),
        rec(0.3, 0.9, 3, 300, 1u << SG_GUARD_FREEZE, "a"),
    };
    struct sg_eval ev = eval_of(items, 3);
    cr_assert_eq(ev.guards[SG_GUARD_OSCILLATION], 1);
    cr_assert_eq(ev.guards[SG_GUARD_VELOCITY], 1);
    cr_assert_eq(ev.guards[SG_GUARD_COOLDOWN], 1);
    cr_assert_eq(ev.guards[SG_GUARD_FREEZE], 1);
    sg_eval_release(&ev);
}

Test(pipeline, anomaly_detection_correctness)
{
    struct sg_iter items[3] = {
        rec(0.35, 0.88, 3, 420, 0, "a"),
        rec(0.52, 0.88, 3, 300, 0, "a"),
        rec(0.40, 0.70, 3, 300, 0, "a"),
    };
    struct sg_eval ev = eval_of(items, 3);
    cr_assert_eq(ev.n_anomalies, 3);
    cr_assert_eq(ev.anomalies[0].kind, SG_ANOMALY_LATENCY_SPIKE);
    cr_assert_eq(ev.anomalies[1].kind, SG_ANOMALY_RISK_JUMP);
    cr_assert_eq(ev.anomalies[2].kind, SG_ANOMALY_MAKER_DROP);
    sg_eval_release(&ev);
}

static size_t loops_of(const char *const *sigs, size_t n)
{
    struct sg_iter items[8];
    for (size_t i = 0; i < n; i++)
        items[i] = rec(0.3, 0.9, 3, 300, 0, sigs[i]);
    struct sg_eval ev = eval_of(items, n);
    size_t loops = ev.n_loops;
    sg_eval_release(&ev);
    return loops;
}

Test(pipeline, signature_loop_detection)
{
    const char *const a[] = {"a", "b", "a", "b", "a"};
    const char *const b[] = {"a", "b", "a", "c"};
    const char *const c[] = {"a", "b", "c", "d"};
    cr_assert_eq(loops_of(a, 5), 3);
    cr_assert_eq(loops_of(b, 4), 1);
    cr_assert_eq(loops_of(c, 4), 0);
}

Test(pipeline, kpi_pass_thresholds)
{
    struct sg_policy p = policy();
    struct sg_iter ok = rec(0.40, 0.90, 3.0, 300, 0, "a");
    struct sg_iter risky = rec(0.45, 0.90, 3.0, 300, 0, "a");
    struct sg_iter taker = rec(0.40, 0.80, 3.0, 300, 0, "a");
    cr_assert_eq(sg_eval_fail_mask(&ok, &p), 0);
    cr_assert_eq(sg_eval_fail_mask(&risky, &p), 1u << SG_KPI_RISK);
    cr_assert_eq(sg_eval_fail_mask(&taker, &p), 1u << SG_KPI_MAKER);
}

Test(pipeline, snapshot_matches_analyzer_verdict)
{
    /* The gate's verdict block and the snapshot JSON come from one value: they must name
     * the same verdict, pass count and freeze_ready (the original's test could not tell). */
    char *dir = th_mkdtemp();
    th_copy_dir(SG_VECTORS_DIR "/F_warn/input", dir);
    const char *argv[] = {"gate", "--path", dir, NULL};
    struct th_run r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 0);
    cr_assert(th_contains(r.out, "\"verdict\":\"WARN\""));
    cr_assert(th_contains(r.out, "\"pass_count_last8\":5"));
    cr_assert(th_contains(r.out, "\"freeze_ready\":false"));
    cr_assert(th_contains(r.err, "Verdict:           WARN\n"), "%s", r.err);
    cr_assert(th_contains(r.err, "Pass Count:        5/8\n"));
    cr_assert(th_contains(r.err, "Freeze Ready:      False\n"));
    th_rmtree(dir);
}

Test(pipeline, all_required_fields_present)
{
    char *dir;
    struct th_run r = snapshot_of_t24(&dir);
    const char *keys[] = {"anomalies_count", "freeze_ready", "freeze_seen", "guards_last8",
                          "kpi_gate_parity", "kpi_last8", "pass_count_last8", "schema_version",
                          "signature_loops", "time_range", "verdict", NULL};
    for (int i = 0; keys[i]; i++) {
        char *k = th_fmt("\"%s\":", keys[i]);
        cr_assert(th_contains(r.out, k), "missing %s", keys[i]);
        free(k);
    }
    th_rmtree(dir);
}
