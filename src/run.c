/* SPDX-License-Identifier: MIT */
/*
 * The pipeline. sg_run() checks the soak dir, loads every iteration file into compact
 * records (iter.c), reads POST_SOAK_SUMMARY.json (sidecar.c), stops with exit 2 under
 * --strict when any file is invalid, evaluates the last-N window (analysis.c), combines
 * the result with KPI_GATE.json into the snapshot (snapshot.c), prints every diagnostic,
 * renders and writes POST_SOAK_SNAPSHOT.json atomically (out_json.c, fsx.c), prints the
 * JSON, writes POST_SOAK_METRICS.prom and pushes to a Pushgateway when asked (out_prom.c,
 * push.c), sends the --notify alerts (alerts.c, notify.c), and for `gate` prints the
 * verdict block and decides the exit code (D-7). The reports stage also judges drift over
 * the whole run (trend.c); it never changes the snapshot, only the gate (--drift).
 * Everything after the snapshot is computed from that one value, so no two outputs can
 * disagree. Start reading at sg_run().
 */
#include "run.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "analysis.h"
#include "buf.h"
#include "diag.h"
#include "fsx.h"
#include "iter.h"
#include "num.h"
#include "output.h"
#include "push.h"
#include "report.h"
#include "sidecar.h"
#include "snapshot.h"
#include "trend.h"

#define BANNER "================================================================================"
#define SNAPSHOT_NAME "POST_SOAK_SNAPSHOT.json"

/* Everything one run holds; released by ctx_release. */
struct ctx {
    const struct sg_config *cfg;
    FILE *out, *errs;
    char *abs_dir;                /* the soak dir made absolute, for messages */
    struct sg_iterset set;
    struct sg_summary_file summary;
    struct sg_arena strings;
    const struct sg_iter **window; /* valid iterations of the window */
    size_t n_window;
    size_t window_first;          /* index of the window's first file in set.items */
    struct sg_eval eval;
    struct sg_snapshot snap;
    struct sg_reports rep;        /* audit, job summary, --compare (report.c) */
    struct sg_outcome outcome;    /* what the caller gets back */
};

static void ctx_release(struct ctx *c)
{
    free(c->abs_dir);
    sg_iterset_release(&c->set);
    sg_arena_release(&c->strings);
    free((void *)c->window);
    sg_eval_release(&c->eval);
    sg_reports_release(&c->rep);
}

static void print_diags(struct ctx *c, const struct sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct sg_diag *x = &d->items[i];
        fprintf(c->errs, "[%s] %s%s%s\n", x->level == SG_DIAG_ERROR ? "ERROR" : "WARN",
                x->subject, x->subject[0] ? ": " : "", x->text);
    }
    if (d->n_dropped)
        fprintf(c->errs, "[WARN] %zu more problems not shown\n", d->n_dropped);
}

/* ------------------------------------------------------------------ stages */

static enum sg_exit check_dir(struct ctx *c)
{
    enum sg_fsx_kind k = sg_fsx_kind(c->cfg->path);
    if (k == SG_FSX_MISSING) {
        fprintf(c->errs, "[ERROR] Path does not exist: %s\n", c->abs_dir);
        return SG_EXIT_ERROR;
    }
    if (k != SG_FSX_DIR) {
        fprintf(c->errs, "[ERROR] Path is not a directory: %s\n", c->abs_dir);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}

static enum sg_exit load(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    if (sg_iterset_load(c->cfg->path, &c->cfg->limits, &c->set, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    if (sg_sidecar_load_summary(c->cfg->path, &c->cfg->limits, &c->summary, &c->set.diags,
                                &err) != SG_OK) {
        print_diags(c, &c->set.diags);
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    if (c->cfg->strict && c->set.n_invalid > 0) {
        print_diags(c, &c->set.diags);
        fprintf(c->errs, "[ERROR] --strict: %zu invalid iteration file%s; no snapshot written\n",
                c->set.n_invalid, c->set.n_invalid == 1 ? "" : "s");
        for (size_t i = 0; i < c->set.n_items; i++)
            if (!c->set.items[i].is_valid)
                fprintf(c->errs, "[ERROR] %s: %s\n", c->set.items[i].file,
                        c->set.items[i].problem);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}

static enum sg_exit evaluate(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    c->window_first = sg_iterset_window_start(&c->set, (size_t)c->cfg->policy.window);
    c->window = sg_eval_view(c->set.items, c->window_first, c->set.n_items, &c->n_window);
    if (sg_eval_build(c->window, c->n_window, &c->cfg->policy, &c->eval, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    print_diags(c, &c->set.diags);
    if (!c->summary.present && c->n_window == 0) {
        fprintf(c->errs,
                "[ERROR] No data found: missing both POST_SOAK_SUMMARY.json and "
                "ITER_SUMMARY_*.json");
        if (c->set.n_items > 0)
            fprintf(c->errs, " (every iteration file in the window was excluded)");
        fputc('\n', c->errs);
        return SG_EXIT_ERROR;
    }
    struct sg_diags kdiags;
    sg_diags_init(&kdiags);
    const char *kv = sg_sidecar_kpi_gate(c->cfg->path, &c->cfg->limits, &c->strings, &kdiags);
    print_diags(c, &kdiags);
    sg_diags_merge(&c->set.diags, &kdiags);
    sg_snapshot_make(&c->eval, &c->summary, kv, &c->cfg->policy, &c->snap);
    return SG_EXIT_OK;
}

static enum sg_exit write_snapshot(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_buf compact, pretty;
    sg_buf_init(&compact, 0);
    sg_buf_init(&pretty, 0);
    enum sg_exit rc = SG_EXIT_OK;
    char *path = sg_fsx_join(c->cfg->path, SNAPSHOT_NAME);
    char *abs = sg_fsx_join(c->abs_dir, SNAPSHOT_NAME);
    if (sg_out_json_render(&c->snap, false, &compact, &err) != SG_OK ||
        sg_fsx_write_atomic(path, compact.data, compact.len, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        rc = SG_EXIT_ERROR;
        goto out;
    }
    if (!c->cfg->quiet) {
        const struct sg_buf *show = &compact;
        if (c->cfg->pretty) {
            sg_out_json_render(&c->snap, true, &pretty, &err);
            show = &pretty;
        }
        fwrite(show->data, 1, show->len, c->out);
        fflush(c->out);
    }
    fprintf(c->errs, "\n[OK] Snapshot written to: %s\n", abs);
out:
    free(path);
    free(abs);
    sg_buf_release(&compact);
    sg_buf_release(&pretty);
    return rc;
}

/* Reports stage (report.c): POST_SOAK_AUDIT.md, --compare, --summary. */
static enum sg_exit write_reports(struct ctx *c, enum sg_command cmd)
{
    const struct sg_report_in in = {
        .cfg = c->cfg, .set = &c->set, .snap = &c->snap, .window = &c->eval,
        .window_view = c->window, .window_first = c->window_first, .abs_dir = c->abs_dir,
        .want_audit = c->cfg->want_audit || (cmd == SG_CMD_GATE && !c->cfg->no_audit)};
    return sg_reports_run(&in, &c->rep, c->errs) == SG_OK ? SG_EXIT_OK : SG_EXIT_ERROR;
}

/* ------------------------------------------------------------------ Prometheus */

/* --prometheus: POST_SOAK_METRICS.prom, written atomically (D-14). */
static enum sg_exit write_prometheus(struct ctx *c)
{
    if (!c->cfg->want_prometheus)
        return SG_EXIT_OK;
    struct sg_err err = SG_ERR_INIT;
    struct sg_buf text;
    sg_buf_init(&text, 0);
    enum sg_exit rc = SG_EXIT_OK;
    char *path = sg_fsx_join(c->cfg->path, SG_PROM_FILE_NAME);
    char *abs = sg_fsx_join(c->abs_dir, SG_PROM_FILE_NAME);
    if (sg_out_prom_render(&c->snap, c->cfg->prom_names, &c->cfg->run_labels, c->cfg->now,
                           &text, &err) != SG_OK ||
        (c->cfg->prom_names == SG_PROM_NAMES_DEFAULT &&
         sg_out_prom_drift_render(&c->rep.drift, &text, &err) != SG_OK) ||
        sg_fsx_write_atomic(path, text.data, text.len, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        rc = SG_EXIT_ERROR;
    } else {
        fprintf(c->errs, "[OK] Prometheus metrics written to: %s\n", abs);
    }
    free(path);
    free(abs);
    sg_buf_release(&text);
    return rc;
}

/* --pushgateway: PUT the default metric set. A failure only warns unless --push-strict. */
static enum sg_exit push_metrics(struct ctx *c)
{
    const struct sg_config *cfg = c->cfg;
    if (cfg->pushgateway == NULL)
        return SG_EXIT_OK;
    struct sg_err err = SG_ERR_INIT;
    struct sg_buf text, url, shown;
    sg_buf_init(&text, 0);
    sg_buf_init(&url, 0);
    sg_buf_init(&shown, 0);
    sg_push_url_build(cfg->pushgateway, cfg->push_job, &cfg->push_labels, &url);
    sg_push_redact_url(sg_buf_str(&url), &shown);
    enum sg_rc rc = sg_out_prom_render(&c->snap, SG_PROM_NAMES_DEFAULT, &cfg->run_labels,
                                       cfg->now, &text, &err);
    if (rc == SG_OK)
        rc = sg_out_prom_drift_render(&c->rep.drift, &text, &err);
    if (rc == SG_OK)
        rc = sg_buf_rc(&url, &err);
    if (rc == SG_OK)
        rc = sg_push_send(sg_buf_str(&url), sg_buf_str(&text), text.len, cfg->push_timeout_s,
                          &err);
    if (rc == SG_OK)
        fprintf(c->errs, "[OK] Metrics pushed to Pushgateway: %s\n", sg_buf_str(&shown));
    else if (cfg->push_strict)
        fprintf(c->errs, "[ERROR] Pushgateway push failed: %s: %s (--push-strict)\n",
                sg_buf_str(&shown), err.msg);
    else
        fprintf(c->errs, "[WARN] Pushgateway push failed: %s: %s\n", sg_buf_str(&shown),
                err.msg);
    sg_buf_release(&text);
    sg_buf_release(&url);
    sg_buf_release(&shown);
    return rc != SG_OK && cfg->push_strict ? SG_EXIT_ERROR : SG_EXIT_OK;
}

/* ------------------------------------------------------------------ alerts (D-21) */

/* Why a delivery failed, from the redacted result: "HTTP 500: rollup_error (after 3
 * attempts)". Falls back to err's text (also secret-free) when nothing was sent. */
static void failure_text(const struct sg_notify_result *res, const struct sg_err *err,
                         struct sg_buf *out)
{
    const char *svc = res->service_error;
    int n = res->n_attempts;
    if (n == 0)
        sg_buf_adds(out, err->msg);
    else if (res->http_status)
        sg_buf_addf(out, "HTTP %ld%s%s", res->http_status, svc[0] ? ": " : "", svc);
    else
        sg_buf_adds(out, svc[0] ? svc : "no response");
    if (n > 0)
        sg_buf_addf(out, " (after %d attempt%s)", n, n == 1 ? "" : "s");
}

/* Delivers one alert; reports the outcome on stderr and a failure as a diagnostic. */
static bool deliver(struct ctx *c, const struct sg_notify_dest *d, const struct sg_alert *a,
                    const struct sg_notify_opts *opts)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_notify_result res;
    const char *name = sg_alerts_platform_name(d->platform);
    if (sg_notify_send(d, a, opts, &res, &err) == SG_OK) {
        fprintf(c->errs, "[OK] Notification sent to %s\n", name);
        return true;
    }
    bool strict = c->cfg->notify_strict;
    struct sg_buf why;
    sg_buf_init(&why, 0);
    failure_text(&res, &err, &why);
    fprintf(c->errs, "[%s] Notification to %s failed: %s%s\n", strict ? "ERROR" : "WARN", name,
            sg_buf_str(&why), strict ? " (--notify-strict)" : "");
    sg_diags_add(&c->set.diags, strict ? SG_DIAG_ERROR : SG_DIAG_WARN, SG_DIAG_GENERAL,
                 SIZE_MAX, name, "notification failed: %s", sg_buf_str(&why));
    sg_buf_release(&why);
    return false;
}

/* --notify: one alert per platform when the verdict reaches --notify-on (nothing without a
 * verdict). A failed delivery warns; with --notify-strict it exits 2 (D-7). */
static enum sg_exit send_alerts(struct ctx *c)
{
    const struct sg_config *cfg = c->cfg;
    if (cfg->notify.n == 0 || !sg_alerts_wanted(cfg->notify_on, c->snap.verdict))
        return SG_EXIT_OK;
    struct sg_err err = SG_ERR_INIT;
    struct sg_alerts_plan plan;
    if (sg_alerts_plan_make(cfg, &plan, &err) != SG_OK) { /* validated at parse time */
        sg_alerts_plan_release(&plan);
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    struct sg_alert alert;
    const struct sg_alerts_facts facts = {&c->snap, &c->eval, c->window, &cfg->policy,
                                          &c->set.diags, &cfg->alert_env};
    sg_alerts_build(&facts, &alert);
    size_t n_failed = 0;
    for (size_t i = 0; i < plan.n_dests; i++)
        n_failed += !deliver(c, &plan.dests[i], &alert, &plan.opts);
    sg_notify_alert_release(&alert);
    sg_alerts_plan_release(&plan);
    return n_failed > 0 && cfg->notify_strict ? SG_EXIT_ERROR : SG_EXIT_OK;
}

/* ------------------------------------------------------------------ the gate */

static void describe_failures(struct ctx *c)
{
    size_t shown = 0, failing = c->eval.n - c->eval.pass_count;
    if (failing == 0 || c->snap.from_summary)
        return;
    struct sg_buf line;
    sg_buf_init(&line, 0);
    fprintf(c->errs, "Failing iterations (window):\n");
    for (size_t i = 0; i < c->n_window && shown < SG_EVAL_FAILURES_SHOWN; i++) {
        uint8_t m = c->eval.fail_masks[i];
        if (m == 0)
            continue;
        shown++;
        sg_buf_reset(&line);
        sg_eval_describe_failure(c->window[i], m, &c->cfg->policy, &line);
        fprintf(c->errs, "  %s: %s\n", c->window[i]->file, sg_buf_str(&line));
    }
    if (failing > shown)
        fprintf(c->errs, "  ... and %zu more\n", failing - shown);
    sg_buf_release(&line);
}

/* The verdict block's drift lines (nothing under --drift off). */
static void drift_lines(struct ctx *c)
{
    const struct sg_trend *t = &c->rep.drift;
    if (!t->is_on)
        return;
    if (t->n_degrading == 0) {
        if (sg_trend_all_short(t))
            fprintf(c->errs, "Drift:             not enough data (%d iterations needed)\n",
                    SG_TREND_MIN_N);
        else
            fprintf(c->errs, "Drift:             none (no KPI degrades significantly)\n");
        return;
    }
    fprintf(c->errs, "Drift:             %zu KPI%s degrading over the run (--drift %s)\n",
            t->n_degrading, t->n_degrading == 1 ? "" : "s",
            t->mode == SG_DRIFT_FAIL ? "fail" : "warn");
    struct sg_buf line;
    sg_buf_init(&line, 0);
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sg_buf_reset(&line);
        sg_trend_describe(t, (enum sg_kpi)k, &line);
        if (line.len > 0)
            fprintf(c->errs, "  - %s\n", sg_buf_str(&line));
    }
    sg_buf_release(&line);
}

static void verdict_block(struct ctx *c)
{
    const struct sg_snapshot *s = &c->snap;
    fprintf(c->errs, "\n%s\nFINAL VERDICT\n%s\n", BANNER, BANNER);
    fprintf(c->errs, "Verdict:           %s\n", sg_verdict_name(s->verdict));
    fprintf(c->errs, "Freeze Ready:      %s\n", s->freeze_ready ? "True" : "False");
    if (s->from_summary)
        fprintf(c->errs, "Pass Count:        %lld (from POST_SOAK_SUMMARY.json)\n",
                (long long)s->pass_count);
    else
        fprintf(c->errs, "Pass Count:        %lld/%zu\n", (long long)s->pass_count,
                s->n_evaluated);
    drift_lines(c);
    fprintf(c->errs, "%s\n", BANNER);
    describe_failures(c);
    size_t n_excl = sg_diags_count(&c->set.diags, SG_DIAG_EXCLUDED);
    size_t n_val = sg_diags_count(&c->set.diags, SG_DIAG_VALUE);
    if (n_excl || n_val)
        fprintf(c->errs, "Input problems: %zu file%s excluded, %zu value%s treated as missing\n",
                n_excl, n_excl == 1 ? "" : "s", n_val, n_val == 1 ? "" : "s");
}

/* D-7: collects the failure reasons and returns the exit code. */
static void add_reason(struct sg_outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_reason(struct sg_outcome *o, const char *fmt, ...)
{
    if (o->n_reasons >= SG_OUTCOME_MAX_REASONS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->reasons[o->n_reasons++], sizeof o->reasons[0], fmt, ap);
    va_end(ap);
}

/* One reason per degrading KPI: its description and the rule, "(--drift fail)". */
static void add_drift_reasons(struct ctx *c, const char *rule)
{
    struct sg_buf line;
    sg_buf_init(&line, 0);
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sg_buf_reset(&line);
        sg_trend_describe(&c->rep.drift, (enum sg_kpi)k, &line);
        if (line.len > 0)
            add_reason(&c->outcome, "%s (%s)", sg_buf_str(&line), rule);
    }
    sg_buf_release(&line);
}

/* The gate rules that fail (D-7, --max-regression, --drift), as reason texts in c->outcome. */
static void collect_reasons(struct ctx *c)
{
    const struct sg_config *cfg = c->cfg;
    const struct sg_snapshot *s = &c->snap;
    struct sg_outcome *o = &c->outcome;
    if (cfg->fail_on == SG_FAIL_ON_NEVER)
        return;
    if (s->verdict == SG_VERDICT_FAIL)
        add_reason(o, "Verdict is FAIL");
    if (s->verdict == SG_VERDICT_WARN && cfg->fail_on == SG_FAIL_ON_WARN)
        add_reason(o, "Verdict is WARN (--fail-on warn)");
    if (cfg->require_freeze_ready && !s->freeze_ready)
        add_reason(o, "freeze_ready is False");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (c->rep.cmp.regress[k] != SG_REGRESS_FAILED)
            continue;
        char lim[SG_NUM_BUFSZ];
        sg_num_format(lim, c->rep.cmp.rules.max_pct[k]);
        add_reason(o, "%s mean worsened by %.1f%% against the baseline (limit %s%%)",
                   sg_kpi_names[k], c->rep.cmp.worsened_pct[k], lim);
    }
    /* --drift fail fails; --drift warn raises the gate to WARN, which fails under --fail-on
     * warn (the same as a WARN verdict would). */
    if (cfg->drift == SG_DRIFT_FAIL)
        add_drift_reasons(c, "--drift fail");
    else if (cfg->fail_on == SG_FAIL_ON_WARN)
        add_drift_reasons(c, "--drift warn, --fail-on warn");
}

static enum sg_exit decide(struct ctx *c)
{
    const struct sg_snapshot *s = &c->snap;
    if (s->verdict == SG_VERDICT_UNKNOWN) {
        fprintf(c->errs, "\n[ERROR] Verdict is UNKNOWN: POST_SOAK_SUMMARY.json has no verdict\n");
        return SG_EXIT_ERROR;
    }
    collect_reasons(c);
    if (c->outcome.n_reasons > 0) {
        fprintf(c->errs, "\n[FAIL] Soak gate failures:\n");
        for (size_t i = 0; i < c->outcome.n_reasons; i++)
            fprintf(c->errs, "  - %s\n", c->outcome.reasons[i]);
        return SG_EXIT_FAIL;
    }
    /* No failure: degrading KPIs are warnings (--drift warn, or fail under --fail-on
     * never); they go to the outcome reasons, so the action annotates them, exit 0. */
    add_drift_reasons(c, c->cfg->drift == SG_DRIFT_FAIL ? "--drift fail, --fail-on never"
                                                        : "--drift warn");
    bool drifting = c->outcome.n_reasons > 0;
    if (s->verdict == SG_VERDICT_PASS && drifting)
        fprintf(c->errs, "\n[WARN] Soak gate: PASS with drift warning (continuing)\n");
    else if (s->verdict == SG_VERDICT_PASS)
        fprintf(c->errs, "\n[OK] Soak gate: PASS\n");
    else if (s->verdict == SG_VERDICT_WARN)
        fprintf(c->errs, "\n[WARN] Soak gate: WARN%s (continuing)\n",
                drifting ? " with drift warning" : "");
    else
        fprintf(c->errs, "\n[WARN] Soak gate: FAIL ignored (--fail-on never)\n");
    return SG_EXIT_OK;
}

/* Copies what the action edge needs out of the context. */
static void fill_outcome(struct ctx *c, bool has_snapshot)
{
    struct sg_outcome *o = &c->outcome;
    o->has_verdict = has_snapshot && c->snap.verdict != SG_VERDICT_UNKNOWN;
    o->verdict = c->snap.verdict;
    o->freeze_ready = c->snap.freeze_ready;
    o->pass_count = c->snap.pass_count;
    o->n_evaluated = c->snap.n_evaluated;
    o->from_summary = c->snap.from_summary;
    o->anomalies = c->snap.anomalies_count;
    sg_diags_merge(&o->diags, &c->set.diags);
}

void sg_outcome_init(struct sg_outcome *o)
{
    memset(o, 0, sizeof *o);
    sg_diags_init(&o->diags);
}

void sg_outcome_release(struct sg_outcome *o)
{
    sg_diags_release(&o->diags);
    sg_outcome_init(o);
}

enum sg_exit sg_run(const struct sg_config *cfg, enum sg_command cmd, FILE *out, FILE *errs,
                    struct sg_outcome *outcome)
{
    struct ctx c = {.cfg = cfg, .out = out, .errs = errs};
    sg_iterset_init(&c.set);
    sg_arena_init(&c.strings);
    sg_eval_init(&c.eval);
    sg_reports_init(&c.rep);
    sg_outcome_init(&c.outcome);
    c.abs_dir = sg_fsx_absolute(cfg->path);
    enum sg_exit rc = check_dir(&c);
    if (rc == SG_EXIT_OK)
        rc = load(&c);
    if (rc == SG_EXIT_OK)
        rc = evaluate(&c);
    if (rc == SG_EXIT_OK)
        rc = write_snapshot(&c);
    bool has_snapshot = rc == SG_EXIT_OK;
    /* Alerts before the reports, so a failed delivery shows in the audit and summary. */
    enum sg_exit alert_rc = rc == SG_EXIT_OK ? send_alerts(&c) : SG_EXIT_OK;
    if (rc == SG_EXIT_OK)
        rc = write_reports(&c, cmd);
    if (rc == SG_EXIT_OK)
        rc = write_prometheus(&c);
    enum sg_exit push_rc = rc == SG_EXIT_OK ? push_metrics(&c) : SG_EXIT_OK;
    if (rc == SG_EXIT_OK && cmd == SG_CMD_GATE) {
        verdict_block(&c);
        rc = decide(&c);
    } else if (rc == SG_EXIT_OK && c.snap.verdict == SG_VERDICT_UNKNOWN) {
        fprintf(errs, "[ERROR] Verdict is UNKNOWN: POST_SOAK_SUMMARY.json has no verdict\n");
        rc = SG_EXIT_ERROR;
    }
    if (push_rc > rc) /* D-7: 2 wins over 1 */
        rc = push_rc;
    if (alert_rc > rc) /* D-7: 2 wins over 1 */
        rc = alert_rc;
    fill_outcome(&c, has_snapshot);
    if (outcome) {
        sg_outcome_release(outcome);
        *outcome = c.outcome;
    } else {
        sg_outcome_release(&c.outcome);
    }
    ctx_release(&c);
    return rc;
}
