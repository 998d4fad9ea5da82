/* SPDX-License-Identifier: MIT */
#ifndef SG_ALERTS_H
#define SG_ALERTS_H
/*
 * The gate's alerts (D-21): the glue between the configuration, the snapshot and notify.c.
 *
 *   config ─► sg_alerts_plan_make() ─► destinations + delivery options  (at parse time, so a
 *             missing credential or refused URL is a usage error before any output)
 *   snapshot + window ─► sg_alerts_build() ─► struct sg_alert           (what to say)
 *   verdict + --notify-on ─► sg_alerts_wanted()                         (whether to say it)
 *
 * run.c's notify stage strings these together and calls sg_notify_send(). Pure apart from
 * notify.c's URL parsing: never prints, never reads the environment (the CLI edge puts it in
 * struct sg_alert_env), never touches the network, never decides the verdict.
 */
#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"
#include "config.h"
#include "diag.h"
#include "err.h"
#include "notify.h"
#include "snapshot.h"

#define SG_ALERTS_MAX_DESTS 2 /* one per platform */

/* Where and how to deliver. Owns the destinations; release with sg_alerts_plan_release(). */
struct sg_alerts_plan {
    struct sg_notify_dest dests[SG_ALERTS_MAX_DESTS]; /* in the order first given */
    size_t n_dests;
    struct sg_notify_opts opts; /* borrows ca_file and telegram_api_base from the config */
};

/*
 * Turns --notify, --webhook-url and the environment into destinations. Per platform the
 * credential is --webhook-url when given (only with a single platform), else the
 * environment: SOAK_GATE_SLACK_WEBHOOK_URL, or SOAK_GATE_TELEGRAM_BOT_TOKEN with
 * SOAK_GATE_TELEGRAM_CHAT_ID. Fills *plan (release it even on failure). SG_USAGE for a
 * missing credential, a refused URL, a bad test hook value or --webhook-url without
 * --notify; messages never contain a secret. No platform requested: an empty plan.
 */
enum sg_rc sg_alerts_plan_make(const struct sg_config *cfg, struct sg_alerts_plan *plan,
                               struct sg_err *err);
void sg_alerts_plan_release(struct sg_alerts_plan *plan);

/* sg_alerts_plan_make() and release: the check sg_config_validate() runs. */
enum sg_rc sg_alerts_check(const struct sg_config *cfg, struct sg_err *err);

/* True when verdict v reaches the --notify-on level; never for UNKNOWN (no verdict). */
bool sg_alerts_wanted(enum sg_notify_on on, enum sg_verdict v);

/* "slack" or "telegram". Static string. */
const char *sg_alerts_platform_name(enum sg_notify_platform p);

/* What an alert is made of; everything borrowed. */
struct sg_alerts_facts {
    const struct sg_snapshot *snap;
    const struct sg_eval *eval;          /* the window evaluation (fail masks) */
    const struct sg_iter *const *window; /* the evaluated iterations, eval->n of them */
    const struct sg_policy *policy;
    const struct sg_diags *diags;        /* input problems are counted from these */
    const struct sg_alert_env *env;      /* GITHUB_* for the repo / ref / run link */
};

/*
 * Fills *out (initialised here; release with sg_notify_alert_release()): headline values
 * from the snapshot's KPI means, guards = oscillation + velocity + cooldown, pass count
 * n/W (W unknown on the POST_SOAK_SUMMARY.json path), and detail lines: each failing
 * window iteration with what it failed (the gate's wording, at most
 * SG_EVAL_FAILURES_SHOWN), guard counts, anomalies, input problems, then the source.
 */
void sg_alerts_build(const struct sg_alerts_facts *f, struct sg_alert *out);

#endif
