/* SPDX-License-Identifier: MIT */
/*
 * The configuration and its option table (see config.h). The table maps every option to
 * a field by offset, so the CLI, the config file and the action share one setter.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "arena.h"
#include "buf.h"
#include "compare.h"
#include "fsx.h"
#include "jsonx.h"
#include "num.h"
#include "push.h"
#include "trend.h"

#define F(field) offsetof(struct sg_config, field)
#define CLI_FILE_ACT (SG_OPT_CLI | SG_OPT_FILE | SG_OPT_ACTION)
#define GATE_ALL (CLI_FILE_ACT | SG_OPT_GATE)

/* clang-format off */
static const struct sg_option rows[] = {
    {"path", SG_OPT_STRING, SG_OPT_CLI | SG_OPT_ACTION | SG_OPT_PATH, "DIR", NULL,
      "soak directory with ITER_SUMMARY_<n>.json files (default artifacts/soak/latest)", 0, 0, F(path)},
    {"config", SG_OPT_STRING, SG_OPT_CLI | SG_OPT_ACTION | SG_OPT_PATH, "FILE", NULL,
      "JSON file with option values (keys as option names with _)", 0, 0, F(config_file)},
    {"pretty", SG_OPT_BOOL, SG_OPT_CLI, NULL, NULL,
      "indent the JSON printed on stdout (the file stays compact)", 0, 0, F(pretty)},
    {"quiet", SG_OPT_BOOL, SG_OPT_CLI | SG_OPT_GATE, NULL, NULL,
      "do not print the snapshot JSON on stdout", 0, 0, F(quiet)},
    {"strict", SG_OPT_BOOL, CLI_FILE_ACT, NULL, NULL,
      "any invalid iteration file is an error (exit 2, no snapshot written)", 0, 0, F(strict)},
    {"fail-on", SG_OPT_ENUM, GATE_ALL, "LEVEL", "fail|warn|never",
      "exit 1 on FAIL (fail, default), on WARN too (warn), or never", 0, 0, F(fail_on)},
    {"require-freeze-ready", SG_OPT_BOOL, GATE_ALL, NULL, NULL,
      "also fail (exit 1) when freeze_ready is false", 0, 0, F(require_freeze_ready)},
    {"risk-max", SG_OPT_DOUBLE, CLI_FILE_ACT, "X", NULL,
      "an iteration passes only if risk_ratio <= X (default 0.42)", 0, 0, F(policy.risk_max)},
    {"maker-taker-min", SG_OPT_DOUBLE, CLI_FILE_ACT, "X", NULL,
      "... and maker_taker_ratio >= X (default 0.85)", 0, 0, F(policy.maker_min)},
    {"net-bps-min", SG_OPT_DOUBLE, CLI_FILE_ACT, "X", NULL,
      "... and net_bps >= X (default 2.7)", 0, 0, F(policy.net_min)},
    {"p95-latency-max", SG_OPT_DOUBLE, CLI_FILE_ACT, "MS", NULL,
      "... and p95_latency_ms <= MS (default 350)", 0, 0, F(policy.p95_max)},
    {"pass-level", SG_OPT_INT, CLI_FILE_ACT, "N", NULL,
      "PASS needs at least N passing iterations in the window (default 6)", 0, 1000000, F(policy.pass_level)},
    {"warn-level", SG_OPT_INT, CLI_FILE_ACT, "N", NULL,
      "WARN needs at least N passing iterations (default 5)", 0, 1000000, F(policy.warn_level)},
    {"pass-needs-freeze", SG_OPT_ENUM, CLI_FILE_ACT, "BOOL", "true|false",
      "PASS also needs a freeze event in the window (default true)", 0, 0, F(policy.pass_needs_freeze)},
    {"latency-spike-ms", SG_OPT_DOUBLE, CLI_FILE_ACT, "MS", NULL,
      "anomaly: p95_latency_ms > MS (default 400)", 0, 0, F(policy.spike_ms)},
    {"risk-jump", SG_OPT_DOUBLE, CLI_FILE_ACT, "X", NULL,
      "anomaly: risk_ratio rises by more than X from the previous iteration (default 0.15)", 0, 0, F(policy.jump)},
    {"maker-taker-drop", SG_OPT_DOUBLE, CLI_FILE_ACT, "X", NULL,
      "anomaly: maker_taker_ratio < X (default 0.75)", 0, 0, F(policy.drop)},
    {"window", SG_OPT_INT, CLI_FILE_ACT, "N", NULL,
      "evaluate the last N iteration files (default 8)", 1, 1000000, F(policy.window)},
    {"max-file-bytes", SG_OPT_INT, CLI_FILE_ACT, "N", NULL,
      "largest JSON file read (default 16777216)", 2, (int64_t)1 << 40, F(limits.max_file_bytes)},
    {"max-depth", SG_OPT_INT, CLI_FILE_ACT, "N", NULL,
      "deepest JSON nesting accepted (default 64)", 1, 10000, F(limits.max_depth)},
    {"threads", SG_OPT_INT, SG_OPT_CLI | SG_OPT_FILE, "N", NULL,
      "parser threads (default: one per CPU, at most 8)", 0, 8, F(limits.n_threads)},
    /* reports: audit, job summary, baseline comparison */
    {"audit", SG_OPT_BOOL, CLI_FILE_ACT, NULL, NULL,
      "write DIR/POST_SOAK_AUDIT.md (gate does by default)", 0, 0, F(want_audit)},
    {"no-audit", SG_OPT_BOOL, SG_OPT_CLI | SG_OPT_FILE | SG_OPT_GATE, NULL, NULL,
      "do not write DIR/POST_SOAK_AUDIT.md", 0, 0, F(no_audit)},
    {"summary", SG_OPT_STRING, CLI_FILE_ACT | SG_OPT_PATH, "FILE", NULL,
      "append a GitHub-flavoured Markdown job summary (< 1 MiB) to FILE", 0, 0, F(summary_file)},
    {"compare", SG_OPT_STRING, CLI_FILE_ACT | SG_OPT_PATH, "BASELINE", NULL,
      "compare with a schema-1.1 baseline snapshot; writes DIR/POST_SOAK_COMPARE.json", 0, 0, F(compare)},
    {"max-regression", SG_OPT_LIST, GATE_ALL, "[KPI=]PCT", NULL,
      "fail when a KPI mean worsens by more than PCT % against the baseline (repeatable)", 0, 0, F(max_regression)},
    /* alerts (D-21); credentials preferably from the environment, see README "Alerts" */
    {"notify", SG_OPT_LIST, CLI_FILE_ACT, "PLATFORM", "slack|telegram",
      "send an alert to slack or telegram (repeatable, to alert both)", 0, 0, F(notify)},
    {"notify-on", SG_OPT_ENUM, CLI_FILE_ACT, "LEVEL", "fail|warn|always",
      "alert on FAIL (fail), on WARN and FAIL (warn, default), or on every verdict", 0, 0, F(notify_on)},
    {"notify-strict", SG_OPT_BOOL, CLI_FILE_ACT, NULL, NULL,
      "a failed alert delivery exits 2 (default: a warning only)", 0, 0, F(notify_strict)},
    {"webhook-url", SG_OPT_STRING, SG_OPT_CLI | SG_OPT_ACTION, "URL", NULL,
      "Slack webhook or full Telegram bot URL (secret: prefer SOAK_GATE_* variables)", 0, 0, F(webhook_url)},
    /* prom: Prometheus file and Pushgateway */
    {"prometheus", SG_OPT_BOOL, CLI_FILE_ACT, NULL, NULL,
      "also write POST_SOAK_METRICS.prom (Prometheus text format) into the soak dir", 0, 0, F(want_prometheus)},
    {"prometheus-names", SG_OPT_ENUM, CLI_FILE_ACT, "SET", "default|legacy",
      "metric names: promtool-clean soakgate_* (default) or the original's ten (legacy)", 0, 0, F(prom_names)},
    {"pushgateway", SG_OPT_STRING, CLI_FILE_ACT, "URL",  NULL,
      "also PUT the soakgate_* metrics to this Prometheus Pushgateway", 0, 0, F(pushgateway)},
    {"push-job", SG_OPT_STRING, CLI_FILE_ACT, "NAME", NULL,
      "Pushgateway job name (default soak-gate)", 0, 0, F(push_job)},
    {"push-label", SG_OPT_LIST, CLI_FILE_ACT, "NAME=VALUE", NULL,
      "extra Pushgateway grouping-key label (repeatable)", 0, 0, F(push_labels)},
    {"push-strict", SG_OPT_BOOL, CLI_FILE_ACT, NULL, NULL,
      "a failed push exits 2 (default: a warning only)", 0, 0, F(push_strict)},
    {"push-timeout", SG_OPT_INT, CLI_FILE_ACT, "SECONDS", NULL,
      "give up on the push after SECONDS (default 10)", 1, 600, F(push_timeout_s)},
    /* drift over the whole run (trend.c) */
    {"drift", SG_OPT_ENUM, CLI_FILE_ACT, "MODE", "off|warn|fail",
      "a KPI degrading over the whole run: warning (warn, default), exit 1 (fail), or not analysed (off)", 0, 0, F(drift)},
    {"drift-p", SG_OPT_DOUBLE, CLI_FILE_ACT, "P", NULL,
      "drift is significant when the trend or change-point p-value is below P (default 0.01)", 0, 0, F(drift_p)},
    {"drift-min", SG_OPT_LIST, CLI_FILE_ACT, "KPI=VALUE", NULL,
      "smallest worse change over the run that counts, in KPI units (repeatable; default 5% of the threshold)", 0, 0, F(drift_min)},
    {NULL, SG_OPT_BOOL, 0, NULL, NULL, NULL, 0, 0, 0},
};
/* clang-format on */

void sg_config_init(struct sg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = "artifacts/soak/latest";
    cfg->policy = (struct sg_policy){.risk_max = 0.42,
                                     .maker_min = 0.85,
                                     .net_min = 2.7,
                                     .p95_max = 350.0,
                                     .pass_level = 6,
                                     .warn_level = 5,
                                     .pass_needs_freeze = true,
                                     .spike_ms = 400.0,
                                     .jump = 0.15,
                                     .drop = 0.75,
                                     .window = 8};
    cfg->limits = (struct sg_iter_limits)SG_ITER_LIMITS_DEFAULT;
    cfg->fail_on = SG_FAIL_ON_FAIL;
    cfg->notify_on = SG_NOTIFY_ON_WARN;
    cfg->push_job = "soak-gate";
    cfg->push_timeout_s = 10;
    cfg->drift = SG_DRIFT_WARN;
    cfg->drift_p = 0.01;
}

const struct sg_option *sg_config_options(void)
{
    return rows;
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

const struct sg_option *sg_config_find(const char *name)
{
    for (const struct sg_option *o = rows; o->name; o++)
        if (same_name(o->name, name))
            return o;
    return NULL;
}

/* Index of value among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *value)
{
    int i = 0;
    size_t vl = strlen(value);
    for (const char *p = choices; *p; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == vl && memcmp(p, value, n) == 0)
            return i;
        if (!bar)
            break;
        p = bar + 1;
    }
    return -1;
}

static enum sg_rc bad_number(const struct sg_option *o, const char *value, struct sg_err *err)
{
    if (value == NULL)
        sg_err_set(err, SG_USAGE, "missing value");
    sg_err_wrap(err, "--%s", o->name);
    err->rc = SG_USAGE;
    return SG_USAGE;
}

enum sg_rc sg_config_set(struct sg_config *cfg, const struct sg_option *o, const char *value,
                         struct sg_err *err)
{
    char *field = (char *)cfg + o->offset;
    switch (o->type) {
    case SG_OPT_BOOL:
        if (value == NULL || strcmp(value, "true") == 0)
            *(bool *)(void *)field = true;
        else if (strcmp(value, "false") == 0)
            *(bool *)(void *)field = false;
        else
            return sg_err_set(err, SG_USAGE, "--%s: expected true or false, got '%s'", o->name,
                              value);
        return SG_OK;
    case SG_OPT_DOUBLE: {
        double d;
        if (value == NULL || sg_num_parse_double(value, &d, err) != SG_OK)
            return bad_number(o, value, err);
        *(double *)(void *)field = d;
        return SG_OK;
    }
    case SG_OPT_INT: {
        int64_t v;
        if (value == NULL || sg_num_parse_i64(value, o->min, o->max, &v, err) != SG_OK)
            return bad_number(o, value, err);
        *(int64_t *)(void *)field = v;
        return SG_OK;
    }
    case SG_OPT_STRING:
        if (value == NULL || value[0] == '\0')
            return sg_err_set(err, SG_USAGE, "--%s: missing value", o->name);
        *(const char **)(void *)field = value;
        return SG_OK;
    case SG_OPT_LIST: {
        struct sg_strlist *l = (struct sg_strlist *)(void *)field;
        if (value == NULL || value[0] == '\0')
            return sg_err_set(err, SG_USAGE, "--%s: missing value", o->name);
        if (o->choices && choice_index(o->choices, value) < 0)
            return sg_err_set(err, SG_USAGE, "--%s: expected one of %s, got '%s'", o->name,
                              o->choices, value);
        if (l->n == SG_STRLIST_MAX)
            return sg_err_set(err, SG_USAGE, "--%s: given more than %d times", o->name,
                              SG_STRLIST_MAX);
        l->items[l->n++] = value;
        return SG_OK;
    }
    case SG_OPT_ENUM: {
        int i = value ? choice_index(o->choices, value) : -1;
        if (i < 0)
            return sg_err_set(err, SG_USAGE, "--%s: expected one of %s, got '%s'", o->name,
                              o->choices, value ? value : "");
        /* The only enum-typed bool: "true|false" lists false second. */
        if (strcmp(o->choices, "true|false") == 0)
            *(bool *)(void *)field = i == 0;
        else
            *(int *)(void *)field = i;
        return SG_OK;
    }
    }
    return sg_err_set(err, SG_BUG, "option type");
}

/* The JSON value as the text a flag would carry, checking the JSON type first. */
static enum sg_rc file_value_text(const struct sg_option *o, json_object *v, struct sg_arena *strings,
                                  const char **text, struct sg_err *err)
{
    bool ok;
    switch (o->type) {
    case SG_OPT_BOOL:
        ok = json_object_is_type(v, json_type_boolean);
        *text = ok && json_object_get_boolean(v) ? "true" : "false";
        break;
    case SG_OPT_INT:
        ok = json_object_is_type(v, json_type_int);
        *text = ok ? sg_arena_strdup(strings, json_object_to_json_string(v)) : NULL;
        break;
    case SG_OPT_DOUBLE:
        ok = sg_jsonx_is_number(v) && isfinite(json_object_get_double(v));
        *text = ok ? sg_arena_strdup(strings, json_object_to_json_string(v)) : NULL;
        break;
    case SG_OPT_ENUM:
    case SG_OPT_LIST:
    case SG_OPT_STRING:
        /* No fall-through between labels: clang does not read the comment form. */
        if (o->type == SG_OPT_ENUM && strcmp(o->choices, "true|false") == 0 &&
            json_object_is_type(v, json_type_boolean)) {
            ok = true;
            *text = json_object_get_boolean(v) ? "true" : "false";
            break;
        }
        ok = json_object_is_type(v, json_type_string);
        *text = ok ? sg_arena_strdup(strings, json_object_get_string(v)) : NULL;
        break;
    default:
        ok = false;
    }
    if (!ok)
        return sg_err_set(err, SG_USAGE, "%s: expected %s, found %s", o->name,
                          o->type == SG_OPT_BOOL                                ? "a boolean"
                          : o->type == SG_OPT_INT                               ? "an integer"
                          : o->type == SG_OPT_DOUBLE                            ? "a finite number"
                          : o->type == SG_OPT_ENUM && o->choices[0] == 't'      ? "a boolean"
                                                                                : "a string",
                          sg_jsonx_type_name(v));
    return SG_OK;
}

/* A repeatable option given as a JSON array: every element as if given once. */
static enum sg_rc apply_file_list(struct sg_config *cfg, const struct sg_option *o,
                                  json_object *arr, struct sg_arena *strings, struct sg_err *err)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        const char *text = NULL;
        json_object *item = json_object_array_get_idx(arr, i);
        enum sg_rc rc = file_value_text(o, item, strings, &text, err);
        if (rc == SG_OK)
            rc = sg_config_set(cfg, o, text, err);
        if (rc != SG_OK) {
            sg_err_wrap(err, "%s[%zu]", o->name, i);
            err->rc = SG_USAGE;
            return SG_USAGE;
        }
    }
    return SG_OK;
}

static enum sg_rc apply_file_object(struct sg_config *cfg, json_object *root,
                                    struct sg_arena *strings, struct sg_err *err)
{
    if (!json_object_is_type(root, json_type_object))
        return sg_err_set(err, SG_USAGE, "top level: expected an object, found %s",
                          sg_jsonx_type_name(root));
    json_object_object_foreach(root, key, val)
    {
        const struct sg_option *o = sg_config_find(key);
        if (o == NULL || !(o->where & SG_OPT_FILE))
            return sg_err_set(err, SG_USAGE, "%s: unknown key", key);
        if (o->type == SG_OPT_LIST && json_object_is_type(val, json_type_array)) {
            enum sg_rc rc = apply_file_list(cfg, o, val, strings, err);
            if (rc != SG_OK)
                return rc;
            continue;
        }
        const char *text = NULL;
        enum sg_rc rc = file_value_text(o, val, strings, &text, err);
        if (rc == SG_OK)
            rc = sg_config_set(cfg, o, text, err);
        if (rc != SG_OK)
            return rc;
    }
    return SG_OK;
}

enum sg_rc sg_config_load_buf(struct sg_config *cfg, const char *buf, size_t len,
                              const char *name, struct sg_arena *strings, struct sg_err *err)
{
    json_object *root = NULL;
    enum sg_rc rc = sg_jsonx_parse(buf, len, (int)cfg->limits.max_depth, &root, err);
    if (rc == SG_OK)
        rc = apply_file_object(cfg, root, strings, err);
    json_object_put(root);
    if (rc != SG_OK) {
        sg_err_wrap(err, "config file '%s'", name);
        err->rc = SG_USAGE;
        return SG_USAGE;
    }
    return SG_OK;
}

enum sg_rc sg_config_load_file(struct sg_config *cfg, const char *path, struct sg_arena *strings,
                               struct sg_err *err)
{
    struct sg_buf buf;
    sg_buf_init(&buf, (size_t)cfg->limits.max_file_bytes + 1);
    enum sg_rc rc = sg_fsx_read(path, (size_t)cfg->limits.max_file_bytes, &buf, err);
    if (rc == SG_OK) {
        rc = sg_config_load_buf(cfg, sg_buf_str(&buf), buf.len, path, strings, err);
    } else {
        sg_err_wrap(err, "config file '%s'", path);
        err->rc = SG_USAGE;
        rc = SG_USAGE;
    }
    sg_buf_release(&buf);
    return rc;
}

enum sg_rc sg_config_validate(const struct sg_config *cfg, struct sg_err *err)
{
    const struct sg_policy *p = &cfg->policy;
    if (p->warn_level > p->pass_level)
        return sg_err_set(err, SG_USAGE, "warn-level (%lld) is above pass-level (%lld)",
                          (long long)p->warn_level, (long long)p->pass_level);
    if (p->window < 1)
        return sg_err_set(err, SG_USAGE, "window must be at least 1");
    struct sg_regress_rules rules;
    if (sg_compare_rules_parse(&cfg->max_regression, &rules, err) != SG_OK)
        return SG_USAGE;
    if (sg_push_check_config(cfg->pushgateway, cfg->push_job, &cfg->push_labels, err) != SG_OK)
        return SG_USAGE;
    if (sg_alerts_check(cfg, err) != SG_OK) /* D-21: refused before any output */
        return SG_USAGE;
    struct sg_trend_rules drift;
    if (sg_trend_rules_make(cfg, &drift, err) != SG_OK)
        return SG_USAGE;
    return SG_OK;
}
