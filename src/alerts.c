/* SPDX-License-Identifier: MIT */
/*
 * Alerts: configuration → destinations, snapshot → message (see alerts.h). Credentials are
 * only handed on to notify.c, which owns the URL policy and redaction; no message built
 * here quotes one.
 */
#include "alerts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "num.h"

/* ------------------------------------------------------------------ the plan */

const char *sg_alerts_platform_name(enum sg_notify_platform p)
{
    return p == SG_NOTIFY_TELEGRAM ? "telegram" : "slack";
}

/* The distinct platforms of --notify, in the order first given. */
static size_t platforms(const struct sg_strlist *l, enum sg_notify_platform *out)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        enum sg_notify_platform p =
            strcmp(l->items[i], "telegram") == 0 ? SG_NOTIFY_TELEGRAM : SG_NOTIFY_SLACK;
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen = seen || out[j] == p;
        if (!seen && n < SG_ALERTS_MAX_DESTS)
            out[n++] = p;
    }
    return n;
}

/* A test hook's number, or SG_USAGE naming the variable (its value is not secret). */
static enum sg_rc hook_ms(const char *text, const char *name, int64_t min, int64_t max,
                          long *out, struct sg_err *err)
{
    int64_t v;
    if (text == NULL)
        return SG_OK;
    if (sg_num_parse_i64(text, min, max, &v, err) != SG_OK) {
        sg_err_wrap(err, "%s", name);
        err->rc = SG_USAGE;
        return SG_USAGE;
    }
    *out = (long)v;
    return SG_OK;
}

/* D-21 delivery options, with the CA bundle and the test hooks of the environment. */
static enum sg_rc make_opts(const struct sg_alert_env *env, struct sg_notify_opts *o,
                            struct sg_err *err)
{
    sg_notify_opts_init(o);
    o->ca_file = env->ca_file;
    o->telegram_api_base = env->telegram_api_base;
    long timeout_ms = 0, backoff_ms = -1;
    if (hook_ms(env->timeout_ms, "SOAK_GATE_NOTIFY_TIMEOUT_MS", 1, 600000, &timeout_ms,
                err) != SG_OK ||
        hook_ms(env->backoff_ms, "SOAK_GATE_NOTIFY_BACKOFF_MS", 0, 60000, &backoff_ms,
                err) != SG_OK)
        return SG_USAGE;
    if (timeout_ms > 0) {
        o->timeout_ms = timeout_ms;
        if (o->connect_timeout_ms > timeout_ms)
            o->connect_timeout_ms = timeout_ms;
    }
    if (backoff_ms >= 0) { /* keeps D-21's 1:2 shape: first wait, then twice as long */
        o->backoff_ms[0] = backoff_ms;
        o->backoff_ms[1] = 2 * backoff_ms;
    }
    return SG_OK;
}

/* One platform's destination; flag_url is --webhook-url when it serves this platform. */
static enum sg_rc make_dest(const struct sg_alert_env *env, enum sg_notify_platform p,
                            const char *flag_url, const struct sg_notify_opts *o,
                            struct sg_notify_dest *d, struct sg_err *err)
{
    if (p == SG_NOTIFY_SLACK) {
        const char *url = flag_url ? flag_url : env->slack_webhook_url;
        if (url == NULL)
            return sg_err_set(err, SG_USAGE, "slack needs a webhook URL: set "
                                             "SOAK_GATE_SLACK_WEBHOOK_URL (or --webhook-url)");
        return sg_notify_dest_slack(url, d, err);
    }
    const char *tok = flag_url ? flag_url : env->telegram_bot_token;
    if (tok == NULL)
        return sg_err_set(err, SG_USAGE,
                          "telegram needs SOAK_GATE_TELEGRAM_BOT_TOKEN and "
                          "SOAK_GATE_TELEGRAM_CHAT_ID (or --webhook-url with the full bot URL)");
    return sg_notify_dest_telegram(tok, env->telegram_chat_id, o, d, err);
}

enum sg_rc sg_alerts_plan_make(const struct sg_config *cfg, struct sg_alerts_plan *plan,
                               struct sg_err *err)
{
    memset(plan, 0, sizeof *plan);
    sg_notify_opts_init(&plan->opts);
    enum sg_notify_platform want[SG_ALERTS_MAX_DESTS];
    size_t n = platforms(&cfg->notify, want);
    if (n == 0 && cfg->webhook_url)
        return sg_err_set(err, SG_USAGE, "--webhook-url needs --notify slack|telegram");
    if (n > 1 && cfg->webhook_url)
        return sg_err_set(err, SG_USAGE,
                          "--webhook-url names one destination; to alert both platforms put "
                          "the credentials in the SOAK_GATE_* environment variables");
    if (n == 0)
        return SG_OK;
    if (make_opts(&cfg->alert_env, &plan->opts, err) != SG_OK)
        return SG_USAGE;
    for (size_t i = 0; i < n; i++) {
        enum sg_rc rc = make_dest(&cfg->alert_env, want[i], cfg->webhook_url, &plan->opts,
                                  &plan->dests[plan->n_dests], err);
        if (rc != SG_OK) {
            sg_err_wrap(err, "--notify");
            return rc;
        }
        plan->n_dests++;
    }
    return SG_OK;
}

void sg_alerts_plan_release(struct sg_alerts_plan *plan)
{
    for (size_t i = 0; i < plan->n_dests; i++)
        sg_notify_dest_release(&plan->dests[i]);
    plan->n_dests = 0;
}

enum sg_rc sg_alerts_check(const struct sg_config *cfg, struct sg_err *err)
{
    struct sg_alerts_plan plan;
    enum sg_rc rc = sg_alerts_plan_make(cfg, &plan, err);
    sg_alerts_plan_release(&plan);
    return rc;
}

bool sg_alerts_wanted(enum sg_notify_on on, enum sg_verdict v)
{
    switch (v) {
    case SG_VERDICT_FAIL:
        return true;
    case SG_VERDICT_WARN:
        return on != SG_NOTIFY_ON_FAIL;
    case SG_VERDICT_PASS:
        return on == SG_NOTIFY_ON_ALWAYS;
    case SG_VERDICT_UNKNOWN:
        break;
    }
    return false;
}

/* ------------------------------------------------------------------ the message */

static double jnum_value(const struct sg_jnum *j)
{
    return j->is_int ? (double)j->i : j->d;
}

/* One line per failing window iteration, as the gate's "Failing iterations" block. */
static void add_failures(const struct sg_alerts_facts *f, struct sg_alert *a)
{
    const struct sg_eval *ev = f->eval;
    size_t shown = 0, failing = ev->n - ev->pass_count;
    struct sg_buf line;
    sg_buf_init(&line, 0);
    for (size_t i = 0; i < ev->n && shown < SG_EVAL_FAILURES_SHOWN; i++) {
        if (ev->fail_masks[i] == 0)
            continue;
        shown++;
        sg_buf_reset(&line);
        sg_buf_addf(&line, "%s: ", f->window[i]->file);
        sg_eval_describe_failure(f->window[i], ev->fail_masks[i], f->policy, &line);
        sg_notify_alert_add_detail(a, sg_buf_str(&line));
    }
    if (failing > shown)
        sg_notify_alert_add_detailf(a, "... and %zu more failing iterations", failing - shown);
    sg_buf_release(&line);
}

/* The repo / ref / run link from GITHUB_*; the link only when all its parts are known. */
static void set_source(const struct sg_alert_env *env, struct sg_alert *a)
{
    char *run_url = NULL;
    if (env->server_url && env->repository && env->run_id) {
        struct sg_buf b;
        sg_buf_init(&b, 0);
        sg_buf_addf(&b, "%s/%s/actions/runs/%s", env->server_url, env->repository,
                    env->run_id);
        run_url = sg_buf_detach(&b, NULL);
    }
    sg_notify_alert_set_source(a, env->repository, env->ref_name, run_url);
    free(run_url);
}

void sg_alerts_build(const struct sg_alerts_facts *f, struct sg_alert *a)
{
    const struct sg_snapshot *s = f->snap;
    const int64_t *g = s->guards;
    sg_notify_alert_init(a);
    a->verdict = s->verdict == SG_VERDICT_PASS   ? SG_ALERT_PASS
                 : s->verdict == SG_VERDICT_WARN ? SG_ALERT_WARN
                                                 : SG_ALERT_FAIL;
    a->risk_mean = jnum_value(&s->mean[SG_KPI_RISK]);
    a->maker_taker_mean = jnum_value(&s->mean[SG_KPI_MAKER]);
    a->net_bps_mean = jnum_value(&s->mean[SG_KPI_NET]);
    a->p95_latency_ms_mean = jnum_value(&s->mean[SG_KPI_P95]);
    a->guards = g[SG_GUARD_OSCILLATION] + g[SG_GUARD_VELOCITY] + g[SG_GUARD_COOLDOWN];
    a->n_pass = s->pass_count > 0 ? (size_t)s->pass_count : 0;
    a->window = s->from_summary ? 0 : s->n_evaluated;
    if (!s->from_summary)
        add_failures(f, a);
    sg_notify_alert_add_detailf(a, "Guards: oscillation=%lld velocity=%lld cooldown=%lld "
                                   "freeze=%lld",
                                (long long)g[SG_GUARD_OSCILLATION],
                                (long long)g[SG_GUARD_VELOCITY],
                                (long long)g[SG_GUARD_COOLDOWN], (long long)g[SG_GUARD_FREEZE]);
    sg_notify_alert_add_detailf(a, "Anomalies: %lld", (long long)s->anomalies_count);
    size_t n_excl = sg_diags_count(f->diags, SG_DIAG_EXCLUDED);
    size_t n_val = sg_diags_count(f->diags, SG_DIAG_VALUE);
    sg_notify_alert_add_detailf(a, "Input problems: %zu file%s excluded, %zu value%s treated "
                                   "as missing",
                                n_excl, n_excl == 1 ? "" : "s", n_val, n_val == 1 ? "" : "s");
    set_source(f->env, a);
}
