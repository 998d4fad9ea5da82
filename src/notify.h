/* SPDX-License-Identifier: MIT */
#ifndef SG_NOTIFY_H
#define SG_NOTIFY_H
/*
 * Slack / Telegram alerts (decisions D-21, reference-behavior §4.3).
 *
 * Three layers, last in the data flow (snapshot → notify):
 *   1. a pure message model, struct sg_alert, that the gate fills from its verdict;
 *   2. pure builders: the original's one-line headline, the Slack Block Kit payload, the
 *      Telegram sendMessage payload, destination parsing with the URL policy, redaction;
 *   3. delivery, sg_notify_post()/sg_notify_send(): libcurl POST with timeouts, bounded
 *      retries and a capped response body. libcurl lives only in notify.c.
 *
 * Never prints, never exits, never reads the environment or decides the verdict. The
 * webhook URL, bot token and chat id are secrets: no message this module produces contains
 * them ("[REDACTED]" stands in), including text that comes from libcurl or the service.
 * curl_global_init() is the caller's job (main, or a test suite's init).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* ----------------------------------------------------------------------------------------
 * Message model
 * ------------------------------------------------------------------------------------- */

enum sg_alert_verdict { SG_ALERT_PASS, SG_ALERT_WARN, SG_ALERT_FAIL };

#define SG_ALERT_MAX_DETAILS 1000 /* further detail lines are only counted */

/* One alert. Owns every string it points to; release with sg_notify_alert_release(). */
struct sg_alert {
    enum sg_alert_verdict verdict;
    double risk_mean;            /* shown with 2 decimals; missing values are passed as 0 */
    double maker_taker_mean;     /* 2 decimals */
    double net_bps_mean;         /* 2 decimals */
    double p95_latency_ms_mean;  /* 0 decimals + "ms" */
    int64_t guards;              /* oscillation + velocity + cooldown (freeze excluded) */
    size_t n_pass;               /* passing iterations in the window */
    size_t window;               /* W, iterations evaluated; 0 = unknown (D-18) */
    char **details;              /* owned lines: failed KPIs, guards, anomalies, deltas */
    size_t n_details;            /* <= SG_ALERT_MAX_DETAILS */
    size_t n_details_dropped;    /* lines refused because the list was full */
    char *repo;                  /* owned, optional ("owner/name") */
    char *ref;                   /* owned, optional ("refs/heads/main") */
    char *run_url;               /* owned, optional (link to the CI run) */
};

/* Fills a as an empty FAIL alert with zero values. Allocates nothing. */
void sg_notify_alert_init(struct sg_alert *a);
/* Frees every string and leaves a initialised. Accepts NULL or a zeroed struct. */
void sg_notify_alert_release(struct sg_alert *a);
/* Appends a copy of line (borrowed for the call); counts it as dropped when full. */
void sg_notify_alert_add_detail(struct sg_alert *a, const char *line);
/* printf-style variant of sg_notify_alert_add_detail(). */
void sg_notify_alert_add_detailf(struct sg_alert *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Replaces repo, ref and run_url with copies of the arguments (each may be NULL). */
void sg_notify_alert_set_source(struct sg_alert *a, const char *repo, const char *ref,
                                const char *run_url);

/* "PASS", "WARN" or "FAIL". Static string. */
const char *sg_notify_verdict_word(enum sg_alert_verdict v);

/*
 * Appends the original's single line to out, e.g.
 *   Soak [FAIL] FAIL | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | guards=0
 * Values are rounded as printf("%.2f") / printf("%.0f") do: correctly, on the exact binary
 * value, ties to even (0.305 → "0.30" because 0.305 is stored as 0.30499…). Non-finite
 * values print as Python does ("nan", "inf", "-inf"). Returns SG_OK or SG_LIMIT.
 */
enum sg_rc sg_notify_headline(const struct sg_alert *a, struct sg_buf *out, struct sg_err *err);

/* ----------------------------------------------------------------------------------------
 * Payloads (pure). JSON is ASCII-only: every non-ASCII character is a \uXXXX escape
 * (invalid UTF-8 becomes \ufffd), as the original's json.dumps(ensure_ascii=True).
 * ------------------------------------------------------------------------------------- */

#define SG_NOTIFY_SLACK_SECTION_MAX 3000   /* bytes of mrkdwn per section (Slack: chars) */
#define SG_NOTIFY_TELEGRAM_TEXT_MAX 4000   /* bytes of HTML text; Telegram allows 4096 chars */

/*
 * Appends the Slack incoming-webhook body: {"text": headline, "blocks": [headline section,
 * details section, optional source context]}. Text has only & < > escaped (&amp; &lt; &gt;),
 * so "<!channel>" in a detail cannot ping anyone. Section texts are cut to whole lines and
 * at most SG_NOTIFY_SLACK_SECTION_MAX bytes, with a "… N more lines" marker.
 */
enum sg_rc sg_notify_build_slack(const struct sg_alert *a, struct sg_buf *out,
                                 struct sg_err *err);

/*
 * Appends the Telegram sendMessage body {"chat_id": chat_id, "text": …, "parse_mode":
 * "HTML"} (chat_id borrowed, sent as a JSON string). The text is HTML-escaped (& < >) and
 * kept under SG_NOTIFY_TELEGRAM_TEXT_MAX bytes, cut only between whole characters and
 * entities, with a truncation marker.
 */
enum sg_rc sg_notify_build_telegram(const struct sg_alert *a, const char *chat_id,
                                    struct sg_buf *out, struct sg_err *err);

/* ----------------------------------------------------------------------------------------
 * Destinations and options
 * ------------------------------------------------------------------------------------- */

enum sg_notify_platform { SG_NOTIFY_SLACK, SG_NOTIFY_TELEGRAM };

/* Where to post. Owns its strings (all secret); release with sg_notify_dest_release(). */
struct sg_notify_dest {
    enum sg_notify_platform platform;
    char *url;            /* POST URL; Telegram: <base>/bot<token>/sendMessage */
    char *token;          /* Telegram bot token; NULL for Slack */
    char *chat_id;        /* Telegram chat id ("-100…" or "@channel"); NULL for Slack */
    bool is_http_allowed; /* the policy accepted plain http (loopback host) */
};

typedef void (*sg_notify_sleep_fn)(void *ctx, long ms);

/* Delivery knobs. sg_notify_opts_init() gives the D-21 values; tests shorten them. */
struct sg_notify_opts {
    long connect_timeout_ms;      /* per attempt; default 5000 */
    long timeout_ms;              /* whole attempt; default 10000 */
    int max_attempts;             /* 1..10; default 3 */
    long max_retry_after_s;       /* longer server-requested waits stop retrying; 30 */
    long backoff_ms[2];           /* waits without a server hint: 1000, then 2000 */
    const char *ca_file;          /* borrowed; CURLOPT_CAINFO (SSL_CERT_FILE); NULL: default */
    const char *telegram_api_base;/* borrowed; e.g. "http://127.0.0.1:8080"; NULL: default */
    sg_notify_sleep_fn sleep_fn;  /* NULL: nanosleep */
    void *sleep_ctx;              /* passed to sleep_fn */
};

/* Fills o with the defaults above. */
void sg_notify_opts_init(struct sg_notify_opts *o);

/*
 * The URL policy: https:// to any host, http:// only to a loopback host (127.0.0.0/8,
 * [::1], localhost); no user info, no other scheme. Sets *is_http (may be NULL) when the
 * URL is loopback http. SG_USAGE otherwise; the message never contains the URL.
 */
enum sg_rc sg_notify_check_url(const char *url, bool *is_http, struct sg_err *err);

/* Fills *out for a Slack webhook URL (borrowed) after the policy check. SG_USAGE. */
enum sg_rc sg_notify_dest_slack(const char *webhook_url, struct sg_notify_dest *out,
                                struct sg_err *err);

/*
 * Fills *out for Telegram. token_or_url is either the bot token, or the original's full URL
 * https://api.telegram.org/bot<token>/sendMessage?chat_id=<id> from which the token, the
 * chat id and the API base are taken. chat_id may be NULL when the URL carries it; given
 * both, they must agree. opts->telegram_api_base (may be NULL) replaces the base. All
 * arguments are borrowed. SG_USAGE for a missing or malformed part or a refused URL.
 */
enum sg_rc sg_notify_dest_telegram(const char *token_or_url, const char *chat_id,
                                   const struct sg_notify_opts *opts,
                                   struct sg_notify_dest *out, struct sg_err *err);

/* Frees the strings and zeroes d. Accepts NULL or a zeroed struct. */
void sg_notify_dest_release(struct sg_notify_dest *d);

/*
 * Appends text to out with every occurrence of each secret replaced by "[REDACTED]".
 * secrets is NULL-terminated; NULL entries end it, and secrets shorter than 4 bytes are
 * skipped (they would shred ordinary numbers). Longer secrets are replaced first.
 */
enum sg_rc sg_notify_redact(const char *text, const char *const *secrets, struct sg_buf *out);

/* ----------------------------------------------------------------------------------------
 * Delivery
 * ------------------------------------------------------------------------------------- */

#define SG_NOTIFY_BODY_CAP ((size_t)64 << 10) /* response bytes kept; the rest is discarded */

/* What happened; every string is redacted. Filled by sg_notify_post()/sg_notify_send(). */
struct sg_notify_result {
    bool is_delivered;
    int n_attempts;            /* HTTP requests started */
    long http_status;          /* last HTTP status; 0 when no response arrived */
    size_t response_bytes;     /* body bytes of the last response, including discarded */
    bool is_body_capped;       /* the last body exceeded SG_NOTIFY_BODY_CAP */
    char service_error[256];   /* "invalid_payload", Telegram description, curl text; or "" */
};

/*
 * POSTs body (borrowed JSON) to dest. Checks the URL policy first (SG_USAGE, no I/O).
 * Retries on 429, 5xx and connection errors (including timeouts) as D-21 says. Success is a
 * 2xx, and for Telegram also "ok": true in the body. Fills *res (always initialised first).
 * Returns SG_OK, SG_USAGE, SG_NOMEM (libcurl could not start) or SG_NET with a message
 * naming the platform, HTTP status and the service's error text, never a secret.
 */
enum sg_rc sg_notify_post(const struct sg_notify_dest *dest, const char *body,
                          const struct sg_notify_opts *opts, struct sg_notify_result *res,
                          struct sg_err *err);

/* Builds the platform's payload for a and posts it with sg_notify_post(). */
enum sg_rc sg_notify_send(const struct sg_notify_dest *dest, const struct sg_alert *a,
                          const struct sg_notify_opts *opts, struct sg_notify_result *res,
                          struct sg_err *err);

#endif
