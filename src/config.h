/* SPDX-License-Identifier: MIT */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H
/*
 * The configuration: one struct sg_config filled, in this order, from the defaults (the
 * original's values), a JSON config file (--config), command-line flags or action inputs.
 * Every option is a row of one table (config.c) shared by the CLI, the config file and the
 * action, so the three can never drift apart. Validated once, then read-only.
 * Never prints, never exits.
 *
 * Adding an option: add the field here, one row to the table in config.c (name, type,
 * where it is allowed, help text), a line in the README's option reference, and, when the
 * action should expose it, an input in action.yml (a test checks that they agree).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "iter.h"

/* What the verdict depends on (D-15). Defaults are the original's. */
struct sg_policy {
    double risk_max;        /* pass iff risk_ratio <= this (0.42) */
    double maker_min;       /* pass iff maker_taker_ratio >= this (0.85) */
    double net_min;         /* pass iff net_bps >= this (2.7) */
    double p95_max;         /* pass iff p95_latency_ms <= this (350) */
    int64_t pass_level;     /* PASS needs at least this many passing iterations (6) */
    int64_t warn_level;     /* WARN needs at least this many (5) */
    bool pass_needs_freeze; /* PASS also needs a freeze in the window (true) */
    double spike_ms;        /* latency spike iff p95_latency_ms > this (400) */
    double jump;            /* risk jump iff risk - previous risk > this (0.15) */
    double drop;            /* maker/taker drop iff maker_taker_ratio < this (0.75) */
    int64_t window;         /* iterations evaluated: the last N files (8) */
};

enum sg_fail_on {
    SG_FAIL_ON_FAIL = 0, /* exit 1 on FAIL (default) */
    SG_FAIL_ON_WARN,     /* exit 1 on WARN and FAIL */
    SG_FAIL_ON_NEVER,    /* exit 0 for every computed verdict */
};

/* --drift: what a KPI degrading over the whole run does to the gate (README "Drift"). */
enum sg_drift_mode {
    SG_DRIFT_OFF = 0, /* no drift analysis at all */
    SG_DRIFT_WARN,    /* a warning: the gate shows at least WARN, exit 0 (default) */
    SG_DRIFT_FAIL,    /* a failure reason: exit 1 */
};

enum sg_prom_names {
    SG_PROM_NAMES_DEFAULT = 0, /* promtool-clean soakgate_* families (D-14) */
    SG_PROM_NAMES_LEGACY,      /* the original's ten metrics, byte for byte */
};

/* A repeatable option's values (SG_OPT_LIST), in the order given. Strings borrowed. */
#define SG_STRLIST_MAX 16
struct sg_strlist {
    const char *items[SG_STRLIST_MAX];
    size_t n; /* <= SG_STRLIST_MAX; one more value is SG_USAGE */
};

/* ---- alerts (--notify, D-21) ---------------------------------------------------------- */

enum sg_notify_on {
    SG_NOTIFY_ON_FAIL = 0, /* alert on FAIL only */
    SG_NOTIFY_ON_WARN,     /* on WARN and FAIL (default, as the original) */
    SG_NOTIFY_ON_ALWAYS,   /* on every computed verdict */
};

/*
 * What the CLI edge reads from the environment for alerts; NULL when unset or empty.
 * Borrowed from environ. The first three are secrets: never printed, never written.
 */
struct sg_alert_env {
    const char *slack_webhook_url;  /* SOAK_GATE_SLACK_WEBHOOK_URL */
    const char *telegram_bot_token; /* SOAK_GATE_TELEGRAM_BOT_TOKEN (or the full bot URL) */
    const char *telegram_chat_id;   /* SOAK_GATE_TELEGRAM_CHAT_ID */
    const char *ca_file;            /* SOAK_GATE_CA_FILE, else SSL_CERT_FILE */
    const char *telegram_api_base;  /* test hook SOAK_GATE_TELEGRAM_API_BASE */
    const char *timeout_ms;         /* test hook SOAK_GATE_NOTIFY_TIMEOUT_MS, unparsed */
    const char *backoff_ms;         /* test hook SOAK_GATE_NOTIFY_BACKOFF_MS, unparsed */
    const char *server_url;         /* GITHUB_SERVER_URL, for the run link */
    const char *repository;         /* GITHUB_REPOSITORY ("owner/name") */
    const char *ref_name;           /* GITHUB_REF_NAME */
    const char *run_id;             /* GITHUB_RUN_ID */
};

/* Low-cardinality labels of the CI run (GITHUB_*), read at the edge; NULL when unset. */
struct sg_run_labels {
    const char *repository; /* GITHUB_REPOSITORY, "owner/name" */
    const char *ref;        /* GITHUB_REF, "refs/heads/main" */
    const char *sha;        /* GITHUB_SHA */
    const char *run_id;     /* GITHUB_RUN_ID */
};

struct sg_config {
    const char *path;         /* soak dir (D-12 default artifacts/soak/latest) */
    const char *config_file;  /* --config, or NULL */
    struct sg_policy policy;
    struct sg_iter_limits limits;
    bool pretty;              /* indent the JSON on stdout */
    bool quiet;               /* gate: no JSON on stdout */
    bool strict;              /* any invalid iteration file is an error (exit 2) */
    bool require_freeze_ready;/* gate: freeze_ready false fails (exit 1) */
    enum sg_fail_on fail_on;
    bool want_audit;          /* --audit: also `snapshot` writes POST_SOAK_AUDIT.md */
    bool want_prometheus;     /* write POST_SOAK_METRICS.prom */
    enum sg_prom_names prom_names;
    const char *summary_file; /* append the job-summary Markdown here, or NULL */
    const char *compare;      /* baseline snapshot, or NULL */
    int64_t now;              /* evaluation time, seconds since the epoch (set at the edge) */
    /* reports (audit, job summary, --compare) */
    bool no_audit;            /* gate: do not write POST_SOAK_AUDIT.md */
    struct sg_strlist max_regression; /* --max-regression entries (compare.h parses them) */
    /* alerts (D-21) */
    struct sg_strlist notify;       /* --notify platforms ("slack", "telegram"), as given */
    enum sg_notify_on notify_on;    /* --notify-on (default warn) */
    bool notify_strict;             /* a failed delivery exits 2 */
    const char *webhook_url;        /* --webhook-url (secret), or NULL */
    struct sg_alert_env alert_env;  /* set at the edge */
    /* prom: Prometheus file and Pushgateway */
    struct sg_run_labels run_labels; /* Prometheus run_info labels (set at the edge) */
    const char *pushgateway;  /* --pushgateway base URL, or NULL */
    const char *push_job;     /* job of the grouping key (default "soak-gate") */
    struct sg_strlist push_labels; /* "name=value" grouping-key labels */
    bool push_strict;         /* a failed push exits 2 */
    int64_t push_timeout_s;   /* whole push, seconds (default 10) */
    /* drift over the whole run (trend.h) */
    enum sg_drift_mode drift; /* --drift (default warn) */
    double drift_p;           /* --drift-p: significance level, in (0, 1) (default 0.01) */
    struct sg_strlist drift_min; /* --drift-min KPI=VALUE entries (trend.h parses them) */
};

/* Fills cfg with the defaults. Allocates nothing. */
void sg_config_init(struct sg_config *cfg);

/* Where an option may be given. */
enum sg_option_where {
    SG_OPT_CLI = 1 << 0,    /* a command-line flag */
    SG_OPT_FILE = 1 << 1,   /* a key of the --config JSON file */
    SG_OPT_ACTION = 1 << 2, /* an action input */
    SG_OPT_GATE = 1 << 3,   /* only for `gate` (and `action`), not `snapshot` */
    SG_OPT_PATH = 1 << 4,   /* a file or directory: relative action inputs are taken
                               relative to GITHUB_WORKSPACE */
};

enum sg_option_type {
    SG_OPT_BOOL = 0, /* flag without value; "true"/"false" in the file and the action */
    SG_OPT_DOUBLE,
    SG_OPT_INT,
    SG_OPT_STRING,
    SG_OPT_ENUM,     /* one of choices ("fail|warn|never") */
    SG_OPT_LIST,     /* repeatable string appended to a struct sg_strlist; choices optional;
                        a JSON array of strings in the config file */
};

struct sg_option {
    const char *name;    /* flag name without "--", action input name, config key (with _) */
    enum sg_option_type type;
    unsigned where;      /* enum sg_option_where bits */
    const char *metavar; /* for --help; NULL for booleans */
    const char *choices; /* SG_OPT_ENUM: "a|b|c"; SG_OPT_LIST: the same, or NULL for any */
    const char *help;
    int64_t min, max;    /* SG_OPT_INT range */
    size_t offset;       /* of the field in struct sg_config */
};

/* The option table, terminated by a row with name NULL. */
const struct sg_option *sg_config_options(void);
/* The row named name (with "-" or "_" separators), or NULL. */
const struct sg_option *sg_config_find(const char *name);

/*
 * Sets one option from its text value (CLI and action). Booleans take "true"/"false"
 * (or NULL meaning true). The text is borrowed for the lifetime of cfg (argv and environ
 * outlive it). SG_USAGE naming the option on a bad value.
 */
enum sg_rc sg_config_set(struct sg_config *cfg, const struct sg_option *opt, const char *value,
                         struct sg_err *err);

/*
 * Reads a JSON config file: an object whose keys are option names with "_" (or "-"),
 * restricted to options allowed in files. Unknown keys, wrong types and bad values are
 * SG_USAGE naming the file and key. Strings are copied into *strings (an arena the
 * caller owns and keeps alive as long as cfg).
 */
enum sg_rc sg_config_load_file(struct sg_config *cfg, const char *path, struct sg_arena *strings,
                               struct sg_err *err);

/* The buffer entry point behind sg_config_load_file (buf[len] must be NUL); name is the
 * file name used in messages. */
enum sg_rc sg_config_load_buf(struct sg_config *cfg, const char *buf, size_t len,
                              const char *name, struct sg_arena *strings, struct sg_err *err);

/* Cross-field checks (window >= 1, warn level <= pass level, ...). SG_USAGE. */
enum sg_rc sg_config_validate(const struct sg_config *cfg, struct sg_err *err);

#endif
