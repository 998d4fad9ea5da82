/* SPDX-License-Identifier: MIT */
/*
 * End to end: the built binary on example runs and on hostile inputs, checking exit codes
 * (D-7), messages naming file and JSON path, and that failed runs never leave a partial
 * snapshot behind.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static struct th_run run3(const char *a, const char *b, const char *c, const char *d)
{
    const char *argv[] = {a, b, c, d, NULL};
    return th_run_bin(NULL, NULL, argv);
}

static char *copy_of(const char *src)
{
    char *d = th_mkdtemp();
    th_copy_dir(src, d);
    return d;
}

static const char *const pass_json =
    "{\"summary\": {\"risk_ratio\": 0.3, \"maker_taker_ratio\": 0.9, \"net_bps\": 3.0, "
    "\"p95_latency_ms\": 300}, \"tuning\": {\"freeze_triggered\": true}}";

/* A soak dir with n passing iterations (numbered 1..n). */
static char *passing_dir(int n)
{
    char *d = th_mkdtemp();
    for (int i = 1; i <= n; i++) {
        char *name = th_fmt("ITER_SUMMARY_%d.json", i);
        th_write(d, name, pass_json);
        free(name);
    }
    return d;
}

Test(e2e, examples_exit_0_0_1)
{
    const char *ex[] = {"pass", "warn", "fail"};
    const int want[] = {0, 0, 1};
    const char *verdict[] = {"PASS", "WARN", "FAIL"};
    for (int i = 0; i < 3; i++) {
        char *src = th_fmt("%s/../examples/%s", SG_TESTS_DIR, ex[i]);
        char *d = copy_of(src);
        struct th_run r = run3("gate", "--path", d, NULL);
        cr_assert_eq(r.status, want[i], "%s: exit %d\n%s", ex[i], r.status, r.err);
        char *v = th_fmt("\"verdict\":\"%s\"", verdict[i]);
        cr_assert(th_contains(r.out, v), "%s: %s", ex[i], r.out);
        th_rmtree(d);
    }
}

Test(e2e, fail_on_warn_and_never)
{
    char *d = copy_of(SG_TESTS_DIR "/../examples/warn");
    struct th_run r = run3("gate", "--path", d, "--fail-on=warn");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(th_contains(r.err, "Verdict is WARN (--fail-on warn)"));
    th_rmtree(d);
    d = copy_of(SG_TESTS_DIR "/../examples/fail");
    r = run3("gate", "--path", d, "--fail-on=never");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "FAIL ignored (--fail-on never)"));
    r = run3("snapshot", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "snapshot exits 0 for FAIL");
    th_rmtree(d);
}

Test(e2e, require_freeze_ready_fails_a_warn)
{
    char *d = copy_of(SG_TESTS_DIR "/../examples/warn");
    struct th_run r = run3("gate", "--path", d, "--require-freeze-ready");
    cr_assert_eq(r.status, 1);
    cr_assert(th_contains(r.err, "  - freeze_ready is False"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, empty_dir_is_no_data_exit_2)
{
    char *d = th_mkdtemp();
    struct th_run r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "[ERROR] No data found: missing both POST_SOAK_SUMMARY.json and "
                                 "ITER_SUMMARY_*.json"),
              "%s", r.err);
    cr_assert_str_eq(r.out, "");
    th_rmtree(d);
}

Test(e2e, missing_dir_and_file_path_exit_2)
{
    struct th_run r = run3("gate", "--path", "/nonexistent/soak", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "[ERROR] Path does not exist: /nonexistent/soak"), "%s", r.err);
    char *d = passing_dir(1);
    char *f = th_fmt("%s/ITER_SUMMARY_1.json", d);
    r = run3("snapshot", "--path", f, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "[ERROR] Path is not a directory:"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, glob_characters_in_the_path_are_literal_d3)
{
    char *base = th_mkdtemp();
    char *d = th_fmt("%s/run[1]*?", base);
    cr_assert_eq(mkdir(d, 0700), 0);
    th_write(d, "ITER_SUMMARY_1.json", pass_json);
    struct th_run r = run3("snapshot", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.out, "\"pass_count_last8\":1"));
    th_rmtree(base);
}

Test(e2e, unknown_options_and_bad_values_are_usage_errors)
{
    struct th_run r = run3("gate", "--mock", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "[ERROR] unknown option --mock"), "%s", r.err);
    r = run3("gate", "--fail-on", "sometimes", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "--fail-on: expected one of fail|warn|never"), "%s", r.err);
    r = run3("gate", "--window", "0", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "--window"), "%s", r.err);
    r = run3("gate", "--risk-max", "nan", NULL);
    cr_assert_eq(r.status, 2);
    r = run3("snapshot", "--fail-on", "warn", NULL);
    cr_assert_eq(r.status, 2, "gate-only option refused by snapshot");
    r = run3("frobnicate", NULL, NULL, NULL);
    cr_assert_eq(r.status, 2);
}

Test(e2e, help_and_version)
{
    struct th_run r = run3("--version", NULL, NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(th_contains(r.out, "soak-gate "));
    r = run3("gate", "--help", NULL, NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(th_contains(r.out, "--fail-on LEVEL"));
    cr_assert(th_contains(r.out, "--require-freeze-ready"));
    r = run3("help", "simulate", NULL, NULL);
    cr_assert(th_contains(r.out, "--scenario"));
}

Test(e2e, strict_lists_every_invalid_file_and_writes_nothing)
{
    char *d = passing_dir(10);
    th_write(d, "ITER_SUMMARY_1.json", "{\"summary\": {\"risk_ratio\": \"high\"}}");
    th_write(d, "ITER_SUMMARY_9.json", "{not json");
    struct th_run r = run3("gate", "--path", d, "--strict");
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(th_contains(r.err, "ITER_SUMMARY_1.json: summary.risk_ratio: expected a number"),
              "%s", r.err);
    cr_assert(th_contains(r.err, "ITER_SUMMARY_9.json: invalid JSON at line 1"), "%s", r.err);
    char *snap = th_fmt("%s/POST_SOAK_SNAPSHOT.json", d);
    cr_assert_eq(access(snap, F_OK), -1, "no snapshot under --strict");
    /* Without --strict the bad file in the window is excluded, not back-filled (D-5). */
    r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] ITER_SUMMARY_9.json: excluded: invalid JSON"), "%s", r.err);
    cr_assert(th_contains(r.err, "Pass Count:        7/7"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, unwritable_dir_is_exit_2_and_keeps_the_old_snapshot)
{
    if (geteuid() == 0) {
        /* Root ignores directory permissions; use a path that cannot be a directory. */
        char *d = passing_dir(8);
        char *snap = th_fmt("%s/POST_SOAK_SNAPSHOT.json", d);
        cr_assert_eq(mkdir(snap, 0700), 0);
        struct th_run r = run3("snapshot", "--path", d, NULL);
        cr_assert_eq(r.status, 2, "%s", r.err);
        cr_assert(th_contains(r.err, "[ERROR] cannot write"), "%s", r.err);
        th_rmtree(d);
        return;
    }
    char *d = passing_dir(8);
    th_write(d, "POST_SOAK_SNAPSHOT.json", "previous\n");
    chmod(d, 0500);
    struct th_run r = run3("snapshot", "--path", d, NULL);
    chmod(d, 0700);
    cr_assert_eq(r.status, 2);
    char *old = th_slurp(th_fmt("%s/POST_SOAK_SNAPSHOT.json", d), NULL);
    cr_assert_str_eq(old, "previous\n");
    th_rmtree(d);
}

Test(e2e, fifo_named_like_an_iteration_does_not_block)
{
    char *d = passing_dir(3);
    char *fifo = th_fmt("%s/ITER_SUMMARY_9.json", d);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    struct th_run r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 1, "3 passes of 3 is FAIL; %s", r.err);
    cr_assert(th_contains(r.err, "ITER_SUMMARY_9.json: skipped: not a regular file"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, hostile_files_never_crash)
{
    char *d = passing_dir(2);
    size_t n = 10000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    th_write(d, "ITER_SUMMARY_3.json", deep);
    th_write(d, "ITER_SUMMARY_4.json", "{\"summary\": {\"risk_ratio\": NaN, \"net_bps\": null}}");
    th_write(d, "ITER_SUMMARY_5.json", "{\"summary\": {\"risk_ratio\": 0.3");
    th_write(d, "ITER_SUMMARY_6.json", "");
    th_write(d, "ITER_SUMMARY_7.json", "{\"summary\": {\"p95_latency_ms\": -Infinity}}");
    th_write(d, "ITER_SUMMARY_8.json", "[]");
    struct th_run r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(th_contains(r.err, "ITER_SUMMARY_3.json: excluded: JSON nested deeper than 64"));
    cr_assert(th_contains(r.err,
                          "ITER_SUMMARY_4.json: summary.risk_ratio: NaN is not a valid value"));
    cr_assert(th_contains(r.err, "ITER_SUMMARY_4.json: summary.net_bps: null, treated as missing"));
    cr_assert(th_contains(r.err, "ITER_SUMMARY_5.json: excluded: invalid JSON"));
    cr_assert(th_contains(r.err, "ITER_SUMMARY_6.json: excluded: invalid JSON at line 1, column 1"));
    cr_assert(th_contains(r.err, "ITER_SUMMARY_8.json: excluded: top level"));
    cr_assert_not(th_contains(r.out, "NaN"), "output is valid JSON");
    free(deep);
    th_rmtree(d);
}

Test(e2e, post_soak_summary_takes_precedence_d19)
{
    char *d = passing_dir(8);
    th_write(d, "POST_SOAK_SUMMARY.json",
             "{\"verdict\": \"WARN\", \"pass_count_last8\": 6, \"freeze_seen\": true, \"kpi\": "
             "{\"net_bps\": {\"mean\": 3, \"median\": 2.71828}}, \"guards\": {\"velocity_count\": 2}}");
    struct th_run r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.out, "\"net_bps\":{\"mean\":3,\"median\":2.718}"), "%s", r.out);
    cr_assert(th_contains(r.out, "\"freeze_ready\":true"), "WARN with 6 and a freeze is ready");
    cr_assert(th_contains(r.out, "\"velocity_count\":2"));
    cr_assert(th_contains(r.err, "Pass Count:        6 (from POST_SOAK_SUMMARY.json)"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, summary_alone_gives_the_legacy_five_fields)
{
    char *d = th_mkdtemp();
    th_write(d, "POST_SOAK_SUMMARY.json", "{\"verdict\": \"PASS\", \"pass_count_last8\": 7}");
    struct th_run r = run3("snapshot", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "{\"freeze_seen\":false,\"guards_last8\"", 35) == 0, "%s", r.out);
    cr_assert_not(th_contains(r.out, "schema_version"));
    th_rmtree(d);
}

Test(e2e, invalid_or_verdictless_summary_is_exit_2)
{
    char *d = passing_dir(8);
    th_write(d, "POST_SOAK_SUMMARY.json", "{\"verdict\": \"PASS\", \"kpi\": {\"net_bps\": "
                                          "{\"mean\": \"3\"}}}");
    struct th_run r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "[ERROR] POST_SOAK_SUMMARY.json: kpi.net_bps.mean: expected a "
                                 "number, found a string"),
              "%s", r.err);
    th_write(d, "POST_SOAK_SUMMARY.json", "{\"pass_count_last8\": 7}");
    r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.out, "\"verdict\":\"UNKNOWN\""), "%s", r.out);
    th_write(d, "POST_SOAK_SUMMARY.json", "{}");
    r = run3("gate", "--path", d, NULL);
    cr_assert_eq(r.status, 0, "an empty summary is ignored: %s", r.err);
    th_rmtree(d);
}

Test(e2e, kpi_gate_parity_d9)
{
    char *d = passing_dir(8);
    th_write(d, "KPI_GATE.json", "{\"verdict\": \"PASS\"}");
    struct th_run r = run3("snapshot", "--path", d, NULL);
    cr_assert(th_contains(r.out, "\"kpi_gate_parity\":true"), "%s", r.out);
    th_write(d, "KPI_GATE.json", "{\"verdict\": \"pass\"}");
    r = run3("snapshot", "--path", d, NULL);
    cr_assert(th_contains(r.out, "\"kpi_gate_parity\":false"));
    th_write(d, "KPI_GATE.json", "[1]");
    r = run3("snapshot", "--path", d, NULL);
    cr_assert(th_contains(r.out, "\"kpi_gate_parity\":null"));
    cr_assert(th_contains(r.err, "KPI_GATE.json: expected an object, found an array"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, config_file_sets_thresholds_and_flags_override_it)
{
    char *d = passing_dir(8);
    th_write(d, "cfg.json", "{\"p95_latency_max\": 250, \"window\": 4}");
    char *cfg = th_fmt("%s/cfg.json", d);
    struct th_run r = run3("gate", "--path", d, "--config");
    (void)r;
    const char *argv[] = {"gate", "--path", d, "--config", cfg, NULL};
    r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 1, "latency 300 > 250 fails every iteration: %s", r.err);
    cr_assert(th_contains(r.err, "Pass Count:        0/4"), "%s", r.err);
    const char *argv2[] = {"gate", "--path", d, "--config", cfg, "--p95-latency-max", "300",
                           "--pass-level", "4", "--warn-level", "3", NULL};
    r = th_run_bin(NULL, NULL, argv2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.out, "\"verdict\":\"PASS\""), "%s", r.out);
    th_write(d, "cfg.json", "{\"window\": \"8\"}");
    r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "cfg.json': window: expected an integer, found a string"), "%s",
              r.err);
    th_write(d, "cfg.json", "{\"mock\": true}");
    r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "mock: unknown key"), "%s", r.err);
    th_write(d, "cfg.json", "{\"warn_level\": 7}");
    r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "warn-level (7) is above pass-level (6)"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, simulate_is_deterministic)
{
    char *a = th_mkdtemp(), *b = th_mkdtemp();
    const char *argv1[] = {"simulate", "--out", a, "--iterations", "30", "--seed", "5",
                           "--scenario", "flaky", "--layout", "runner", NULL};
    const char *argv2[] = {"simulate", "--out", b, "--iterations", "30", "--seed", "5",
                           "--scenario", "flaky", "--layout", "runner", NULL};
    cr_assert_eq(th_run_bin(NULL, NULL, argv1).status, 0);
    cr_assert_eq(th_run_bin(NULL, NULL, argv2).status, 0);
    for (int i = 1; i <= 30; i++) {
        char *fa = th_slurp(th_fmt("%s/ITER_SUMMARY_%d.json", a, i), NULL);
        char *fb = th_slurp(th_fmt("%s/ITER_SUMMARY_%d.json", b, i), NULL);
        cr_assert_not_null(fa);
        cr_assert_str_eq(fa, fb);
    }
    struct th_run r = run3("snapshot", "--path", a, NULL);
    cr_assert_eq(r.status, 0, "generated runner-layout files are valid: %s", r.err);
    cr_assert_not(th_contains(r.err, "[WARN]"), "%s", r.err);
    th_rmtree(a);
    th_rmtree(b);
}

/* ------------------------------------------------------------------ drift (issue #7) */

/* simulate --scenario scen --iterations n [--step-at at] into a new temp dir. */
static char *simulated(const char *scen, const char *n, const char *step_at)
{
    char *d = th_mkdtemp();
    const char *argv[] = {"simulate", "--out", d, "--scenario", scen, "--iterations", n,
                          "--seed", "4", step_at ? "--step-at" : NULL, step_at, NULL};
    struct th_run r = th_run_bin(NULL, NULL, argv);
    cr_assert_eq(r.status, 0, "simulate: %s", r.err);
    return d;
}

/* gate --quiet --path d with up to four more arguments (NULL ends them). */
static struct th_run gate_drift(const char *d, const char *a, const char *b, const char *c,
                                const char *e)
{
    const char *argv[] = {"gate", "--quiet", "--path", d, a, b, c, e, NULL};
    return th_run_bin(NULL, NULL, argv);
}

Test(e2e, drift_warn_fail_and_off_on_a_latency_creep)
{
    char *d = simulated("latency-creep", "96", NULL);
    const char *why = "p95_latency_ms drifting up: +";
    struct th_run r = gate_drift(d, "--drift", "warn", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "Verdict:           PASS\n"), "%s", r.err);
    cr_assert(th_contains(r.err, "Drift:             1 KPI degrading over the run (--drift warn)"),
              "%s", r.err);
    cr_assert(th_contains(r.err, why), "%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Soak gate: PASS with drift warning (continuing)"), "%s",
              r.err);
    struct th_run dflt = gate_drift(d, NULL, NULL, NULL, NULL); /* warn is the default */
    cr_assert_eq(dflt.status, 0);
    cr_assert(th_contains(dflt.err, "PASS with drift warning"), "%s", dflt.err);

    r = gate_drift(d, "--drift", "fail", NULL, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(th_contains(r.err, "[FAIL] Soak gate failures:\n  - p95_latency_ms drifting up: +"),
              "%s", r.err);
    cr_assert(th_contains(r.err, "(--drift fail)"), "%s", r.err);

    r = gate_drift(d, "--drift", "fail", "--fail-on", "never"); /* never: a warning only */
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "PASS with drift warning"), "%s", r.err);

    r = gate_drift(d, "--drift", "warn", "--fail-on", "warn"); /* the raised WARN fails */
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(th_contains(r.err, "(--drift warn, --fail-on warn)"), "%s", r.err);

    r = gate_drift(d, "--drift", "off", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not(th_contains(r.err, "rift"), "%s", r.err);
    cr_assert(th_contains(r.err, "[OK] Soak gate: PASS\n"), "%s", r.err);
    char *audit = th_slurp(th_fmt("%s/POST_SOAK_AUDIT.md", d), NULL);
    cr_assert_not(th_contains(audit, "Drift"), "--drift off leaves the audit as before");
    th_rmtree(d);
}

Test(e2e, drift_step_is_reported_at_its_iteration)
{
    char *d = simulated("step", "96", "31");
    struct th_run r = gate_drift(d, "--drift", "fail", NULL, NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(th_contains(r.err, "p95_latency_ms shifted up at iteration 31: +"), "%s", r.err);
    cr_assert(th_contains(r.err, "Verdict:           PASS\n"), "the original still passes");
    th_rmtree(d);
}

Test(e2e, drift_noise_gives_no_drift_reason)
{
    char *d = simulated("noise", "96", NULL);
    struct th_run r = gate_drift(d, "--drift", "fail", NULL, NULL);
    cr_assert_eq(r.status, 0, "noise verdict is WARN, exit 0: %s", r.err);
    cr_assert(th_contains(r.err, "Drift:             none (no KPI degrades significantly)"),
              "%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Soak gate: WARN (continuing)\n"), "%s", r.err);
    th_rmtree(d);
}

Test(e2e, drift_short_run_is_not_enough_data)
{
    char *d = simulated("latency-creep", "11", NULL);
    struct th_run r = gate_drift(d, "--drift", "fail", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "Drift:             not enough data (12 iterations needed)"),
              "%s", r.err);
    th_rmtree(d);
}

Test(e2e, drift_never_changes_the_snapshot)
{
    char *d = simulated("latency-creep", "96", NULL);
    static const char *const modes[] = {"off", "warn", "fail"};
    char *first = NULL;
    for (size_t i = 0; i < 3; i++) {
        struct th_run r = gate_drift(d, "--drift", modes[i], "--drift-p", "0.2");
        cr_assert_lt(r.status, 2, "%s", r.err);
        char *snap = th_slurp(th_fmt("%s/POST_SOAK_SNAPSHOT.json", d), NULL);
        cr_assert_not_null(snap);
        cr_assert_not(th_contains(snap, "drift"), "%s", snap);
        if (first == NULL)
            first = snap;
        cr_assert_str_eq(snap, first, "--drift %s changed the snapshot", modes[i]);
        cr_assert_str_eq(r.out, "", "--quiet");
    }
    struct th_run r = gate_drift(d, "--drift", "sometimes", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "--drift: expected one of off|warn|fail"), "%s", r.err);
    r = gate_drift(d, "--drift-min", "latency=3", NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(th_contains(r.err, "--drift-min: 'latency=3'"), "%s", r.err);
    th_rmtree(d);
}
