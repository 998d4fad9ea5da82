/* SPDX-License-Identifier: MIT */
/*
 * report: the built binary end to end. Golden POST_SOAK_AUDIT.md and job summaries for
 * the simulate examples and the T24 / RUNPY vectors (SG_UPDATE_GOLDEN=1 rewrites them),
 * audit/snapshot agreement, hostile input strings, and when the audit is written.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

#define NOW "SOAK_GATE_NOW=1760623200"

struct run {
    char *dir;   /* temp dir; the soak dir is dir/run */
    struct th_run r;
};

static char *in_dir(const struct run *r, const char *name)
{
    return th_fmt("%s/%s", r->dir, name);
}

static struct run fresh(void)
{
    struct run r = {th_mkdtemp(), {0, NULL, NULL}};
    char *run = in_dir(&r, "run");
    mkdir(run, 0755);
    free(run);
    return r;
}

static void simulate(struct run *r, const char *scenario)
{
    const char *argv[] = {"simulate", "--out", "run", "--scenario", scenario, "--seed", "7",
                          NULL};
    struct th_run s = th_run_bin(r->dir, NULL, argv);
    cr_assert_eq(s.status, 0, "simulate: %s", s.err);
    th_run_free(&s);
}

static void gate(struct run *r, const char *const *extra)
{
    const char *argv[16] = {"gate", "--path", "run", "--quiet", "--summary", "summary.md"};
    size_t n = 6;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    const char *env[] = {NOW, NULL};
    r->r = th_run_bin(r->dir, env, argv);
}

static char *slurp_in(const struct run *r, const char *name)
{
    char *p = in_dir(r, name);
    char *s = th_slurp(p, NULL);
    cr_assert(s != NULL, "%s was not written; stderr: %s", p, r->r.err);
    free(p);
    return s;
}

static void check_goldens(struct run *r, const char *name)
{
    char *audit = slurp_in(r, "run/POST_SOAK_AUDIT.md");
    char *sum = slurp_in(r, "summary.md");
    char *ga = th_fmt("%s/POST_SOAK_AUDIT.md", name), *gs = th_fmt("%s/summary.md", name);
    th_golden_check(ga, audit);
    th_golden_check(gs, sum);
    free(ga);
    free(gs);
    free(audit);
    free(sum);
}

static void done(struct run *r)
{
    th_run_free(&r->r);
    th_rmtree(r->dir);
    free(r->dir);
}

/* ------------------------------------------------------------------ golden files */

static void golden_sim(const char *scenario, int want_rc)
{
    struct run r = fresh();
    simulate(&r, scenario);
    gate(&r, NULL);
    cr_assert_eq(r.r.status, want_rc, "%s: stderr %s", scenario, r.r.err);
    char *name = th_fmt("sim-%s", scenario);
    check_goldens(&r, name);
    free(name);
    done(&r);
}

Test(report, golden_audit_and_summary_for_simulated_pass)
{
    golden_sim("pass", 0);
}

Test(report, golden_audit_and_summary_for_simulated_warn)
{
    golden_sim("warn", 0);
}

Test(report, golden_audit_and_summary_for_simulated_fail)
{
    golden_sim("fail", 1);
}

Test(report, golden_audit_and_summary_for_t24_with_its_baseline)
{
    struct run r = fresh();
    char *run = in_dir(&r, "run");
    th_copy_dir(SG_VECTORS_DIR "/T24_repo_generator/input", run);
    const char *extra[] = {"--compare", SG_FIXTURES_DIR "/baselines/t24-schema11.json",
                           "--max-regression", "10", NULL};
    gate(&r, extra);
    cr_assert_eq(r.r.status, 0, "stderr %s", r.r.err);
    /* The baseline path is absolute and machine-specific: neutralise it before comparing. */
    char *audit = slurp_in(&r, "run/POST_SOAK_AUDIT.md");
    char *sum = slurp_in(&r, "summary.md");
    char *cmp = slurp_in(&r, "run/POST_SOAK_COMPARE.json");
    const char *fx = SG_FIXTURES_DIR;
    for (char **s = (char *[]){audit, sum, cmp, NULL}; *s; s++)
        for (char *p; (p = strstr(*s, fx)) != NULL;)
            memmove(p, p + strlen(fx) - 1, strlen(p + strlen(fx) - 1) + 1), p[0] = '@';
    th_golden_check("t24/POST_SOAK_AUDIT.md", audit);
    th_golden_check("t24/summary.md", sum);
    th_golden_check("t24/POST_SOAK_COMPARE.json", cmp);
    free(audit);
    free(sum);
    free(cmp);
    free(run);
    done(&r);
}

Test(report, golden_audit_and_summary_for_the_runner_layout_vector)
{
    struct run r = fresh();
    char *run = in_dir(&r, "run");
    th_copy_dir(SG_VECTORS_DIR "/RUNPY_mock_10iter/input", run);
    gate(&r, NULL);
    cr_assert_eq(r.r.status, 1, "stderr %s", r.r.err);
    check_goldens(&r, "runpy");
    free(run);
    done(&r);
}

/* ------------------------------------------------------------------ agreement (D-1) */

/* Reads "<key><value>" from the audit, e.g. after "- Pass count: ". */
static char *audit_field(const char *audit, const char *key)
{
    const char *p = strstr(audit, key);
    cr_assert(p != NULL, "audit has no '%s'", key);
    p += strlen(key);
    return th_fmt("%.*s", (int)strcspn(p, "\n"), p);
}

static void check_agreement(const char *scenario)
{
    struct run r = fresh();
    simulate(&r, scenario);
    gate(&r, NULL);
    char *audit = slurp_in(&r, "run/POST_SOAK_AUDIT.md");
    char *snap = slurp_in(&r, "run/POST_SOAK_SNAPSHOT.json");
    json_object *j = json_tokener_parse(snap), *v;
    cr_assert(j != NULL);
    json_object_object_get_ex(j, "verdict", &v);
    char *want_v = th_fmt(" %s** (", json_object_get_string(v));
    char *got_v = audit_field(audit, "## 8. Verdict and next actions\n\n- Verdict: ");
    cr_assert(th_contains(got_v, want_v), "%s: audit verdict '%s', snapshot %s", scenario,
              got_v, want_v);
    json_object_object_get_ex(j, "pass_count_last8", &v);
    char *want_pc = th_fmt("%d/8", json_object_get_int(v));
    char *got_pc = audit_field(audit, "- Pass count: ");
    cr_assert_str_eq(got_pc, want_pc, "%s: pass count", scenario);
    json_object_object_get_ex(j, "freeze_ready", &v);
    char *got_fr = audit_field(audit, "- freeze\\_ready: ");
    cr_assert_str_eq(got_fr, json_object_get_boolean(v) ? "true" : "false", "%s", scenario);
    json_object_put(j);
    free(want_v), free(got_v), free(want_pc), free(got_pc), free(got_fr);
    free(audit);
    free(snap);
    done(&r);
}

Test(report, audit_verdict_pass_count_and_freeze_ready_match_the_snapshot)
{
    check_agreement("pass");
    check_agreement("warn");
    check_agreement("fail");
    check_agreement("flaky");
}

/* ------------------------------------------------------------------ hostile strings */

#define HOSTILE "x|y<script>alert(1)</script>\\n::error::owned `rm -rf` ../../etc/passwd & done"

static void hostile_run(struct run *r)
{
    char *run = in_dir(r, "run");
    th_copy_dir(SG_VECTORS_DIR "/T24_repo_generator/input", run);
    char *f = th_fmt("{\"summary\":{\"risk_ratio\":0.3,\"maker_taker_ratio\":0.9,\"net_bps\":3,"
                     "\"p95_latency_ms\":900,\"runtime_utc\":\"%s\"},\"tuning\":{\"signature\":"
                     "\"%s\",\"freeze_triggered\":true,\"freeze_reason\":\"%s\"}}",
                     HOSTILE, HOSTILE, HOSTILE);
    th_write(run, "ITER_SUMMARY_23.json", f);
    th_write(run, "ITER_SUMMARY_x|<b>\n::warning::y.json", "{}");
    th_write(run, "ITER_SUMMARY_22.json", "{\"summary\": [\"<script>|\"]}");
    free(f);
    free(run);
}

/* Every row of a table has as many unescaped '|' as its header. */
static void check_tables(const char *md, const char *what)
{
    size_t want = 0, line = 0;
    for (const char *p = md; *p; line++) {
        size_t len = strcspn(p, "\n"), pipes = 0;
        for (size_t i = 0; i < len; i++)
            pipes += p[i] == '|';
        cr_assert(!(len >= 2 && p[0] == ':' && p[1] == ':'), "%s line %zu starts with '::'",
                  what, line + 1);
        if (p[0] == '|') {
            if (want == 0)
                want = pipes;
            cr_assert_eq(pipes, want, "%s line %zu has %zu '|', the table %zu: %.*s", what,
                         line + 1, pipes, want, (int)len, p);
        } else {
            want = 0;
        }
        p += len + (p[len] == '\n');
    }
}

Test(report, hostile_strings_are_escaped_in_audit_and_summary)
{
    struct run r = fresh();
    hostile_run(&r);
    gate(&r, NULL);
    cr_assert_neq(r.r.status, 2, "stderr %s", r.r.err);
    char *audit = slurp_in(&r, "run/POST_SOAK_AUDIT.md");
    char *sum = slurp_in(&r, "summary.md");
    const char *docs[] = {audit, sum}, *names[] = {"audit", "summary"};
    for (int i = 0; i < 2; i++) {
        cr_assert(!th_contains(docs[i], "<script>"), "%s has raw <script>", names[i]);
        cr_assert(!th_contains(docs[i], "<b>"), "%s has raw <b>", names[i]);
        cr_assert(!th_contains(docs[i], "\n::"), "%s has a line starting with ::", names[i]);
        cr_assert(!th_contains(docs[i], " `rm"), "%s has an unescaped backtick", names[i]);
        check_tables(docs[i], names[i]);
    }
    cr_assert(th_contains(audit, "x&#124;y&lt;script&gt;alert(1)&lt;/script&gt; ::error::owned "
                                 "\\`rm -rf\\` ../../etc/passwd &amp; done"),
              "freeze reason not shown escaped");
    cr_assert(th_contains(sum, "ITER_SUMMARY_x&#124;&lt;b&gt; ::warning::y.json"),
              "file name not shown escaped in the summary");
    free(audit);
    free(sum);
    done(&r);
}

/* ------------------------------------------------------------------ when the audit is written */

Test(report, snapshot_writes_no_audit_unless_asked)
{
    struct run r = fresh();
    simulate(&r, "pass");
    const char *argv[] = {"snapshot", "--path", "run", NULL};
    struct th_run s = th_run_bin(r.dir, NULL, argv);
    cr_assert_eq(s.status, 0);
    char *p = in_dir(&r, "run/POST_SOAK_AUDIT.md");
    cr_assert_null(th_slurp(p, NULL), "snapshot wrote an audit");
    th_run_free(&s);
    const char *argv2[] = {"snapshot", "--path", "run", "--audit", NULL};
    s = th_run_bin(r.dir, NULL, argv2);
    char *a = th_slurp(p, NULL);
    cr_assert_not_null(a, "--audit wrote no audit: %s", s.err);
    free(a);
    th_run_free(&s);
    free(p);
    done(&r);
}

Test(report, gate_no_audit_skips_the_audit)
{
    struct run r = fresh();
    simulate(&r, "pass");
    const char *extra[] = {"--no-audit", NULL};
    gate(&r, extra);
    char *p = in_dir(&r, "run/POST_SOAK_AUDIT.md");
    cr_assert_null(th_slurp(p, NULL), "--no-audit wrote an audit");
    free(p);
    done(&r);
}

Test(report, summary_is_appended_not_replaced)
{
    struct run r = fresh();
    simulate(&r, "pass");
    th_write(r.dir, "summary.md", "previous step\n");
    gate(&r, NULL);
    char *s = slurp_in(&r, "summary.md");
    cr_assert(strncmp(s, "previous step\n## soak-gate: ", 28) == 0, "%.60s", s);
    free(s);
    done(&r);
}
