/* SPDX-License-Identifier: MIT */
/*
 * Slack / Telegram alerts: message model, payload builders, destination policy, redaction
 * and delivery (D-21). Everything above the "Delivery" banner is pure; libcurl is used
 * below it and, for the URL policy, its URL parser (the same parser the transfer uses, so
 * the host we vet is the host libcurl connects to).
 *
 * Payload JSON is written by hand into an sg_buf rather than with json-c: the bytes must
 * be exact (golden tests), ASCII-only with lower-case \u escapes like every other JSON we
 * write (D-20), and json-c would emit raw UTF-8 and escape "/". Telegram's *response*, on
 * the other hand, is read with json-c (depth-limited, strict tokener): a hand-written
 * reader for arbitrary server JSON is where parsers go wrong. This is the one use of json-c
 * outside iter/baseline/out_json and it never leaves this file.
 */
#include "notify.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "version.h"
#include "xalloc.h"

#define REDACTED "[REDACTED]"
#define MARK_RESERVE 64      /* bytes kept free for the truncation marker */
#define FOOTER_FIELD_MAX 300 /* bytes of each escaped repo/ref/run_url */
#define TELEGRAM_DEFAULT_BASE "https://api.telegram.org"
#define SECRET_MIN_LEN 4

/* ========================================================================================
 * Message model
 * ===================================================================================== */

void sg_notify_alert_init(struct sg_alert *a)
{
    memset(a, 0, sizeof *a);
    a->verdict = SG_ALERT_FAIL;
}

void sg_notify_alert_release(struct sg_alert *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n_details; i++)
        free(a->details[i]);
    free(a->details);
    free(a->repo);
    free(a->ref);
    free(a->run_url);
    sg_notify_alert_init(a);
}

void sg_notify_alert_add_detail(struct sg_alert *a, const char *line)
{
    if (a->n_details >= SG_ALERT_MAX_DETAILS) {
        a->n_details_dropped++;
        return;
    }
    a->details = sg_xreallocarray(a->details, a->n_details + 1, sizeof *a->details);
    a->details[a->n_details++] = sg_xstrdup(line);
}

void sg_notify_alert_add_detailf(struct sg_alert *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        sg_notify_alert_add_detail(a, small);
        return;
    }
    /* Long line: format again into a buffer of the exact size. */
    char *big = sg_xmalloc(n < 0 ? 1 : (size_t)n + 1);
    big[0] = '\0';
    if (n >= 0) {
        va_start(ap, fmt);
        (void)vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    sg_notify_alert_add_detail(a, big);
    free(big);
}

static char *dup_or_null(const char *s)
{
    return s ? sg_xstrdup(s) : NULL;
}

void sg_notify_alert_set_source(struct sg_alert *a, const char *repo, const char *ref,
                                const char *run_url)
{
    free(a->repo);
    free(a->ref);
    free(a->run_url);
    a->repo = dup_or_null(repo);
    a->ref = dup_or_null(ref);
    a->run_url = dup_or_null(run_url);
}

const char *sg_notify_verdict_word(enum sg_alert_verdict v)
{
    switch (v) {
    case SG_ALERT_PASS:
        return "PASS";
    case SG_ALERT_WARN:
        return "WARN";
    case SG_ALERT_FAIL:
        return "FAIL";
    }
    return "FAIL"; /* unreachable for valid enums; fail closed */
}

/* printf("%.*f") for finite d; Python's spelling for the rest (glibc would say "-nan"). */
static void add_fixed(struct sg_buf *b, double d, int decimals)
{
    if (isnan(d))
        sg_buf_adds(b, "nan");
    else if (isinf(d))
        sg_buf_adds(b, d < 0 ? "-inf" : "inf");
    else
        sg_buf_addf(b, "%.*f", decimals, d);
}

enum sg_rc sg_notify_headline(const struct sg_alert *a, struct sg_buf *out, struct sg_err *err)
{
    const char *w = sg_notify_verdict_word(a->verdict);
    sg_buf_addf(out, "Soak [%s] %s | risk=", w, w);
    add_fixed(out, a->risk_mean, 2);
    sg_buf_adds(out, " | mt=");
    add_fixed(out, a->maker_taker_mean, 2);
    sg_buf_adds(out, " | net=");
    add_fixed(out, a->net_bps_mean, 2);
    sg_buf_adds(out, " | latency=");
    add_fixed(out, a->p95_latency_ms_mean, 0);
    sg_buf_addf(out, "ms | guards=%" PRId64, a->guards);
    return sg_buf_rc(out, err);
}

/* ========================================================================================
 * Text escaping: UTF-8 units, JSON strings, & < > entities with a byte budget
 * ===================================================================================== */

/*
 * Length of the UTF-8 unit at s (NUL-terminated) and its code point. An invalid or
 * truncated sequence, an overlong form or a surrogate is one byte of U+FFFD, so every
 * input splits into units and a cut between units never lands inside a character.
 */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07u, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* also stops at the NUL */
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

/* Appends s as a JSON string: ASCII only, lower-case \u escapes, U+FFFD for bad UTF-8. */
static void json_str(struct sg_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    sg_buf_addc(b, '"');
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        switch (cp) {
        case '"': sg_buf_adds(b, "\\\""); continue;
        case '\\': sg_buf_adds(b, "\\\\"); continue;
        case '\n': sg_buf_adds(b, "\\n"); continue;
        case '\r': sg_buf_adds(b, "\\r"); continue;
        case '\t': sg_buf_adds(b, "\\t"); continue;
        case '\b': sg_buf_adds(b, "\\b"); continue;
        case '\f': sg_buf_adds(b, "\\f"); continue;
        default: break;
        }
        if (cp >= 0x20 && cp < 0x7F)
            sg_buf_addc(b, (char)cp);
        else if (cp < 0x10000)
            sg_buf_addf(b, "\\u%04" PRIx32, cp);
        else
            sg_buf_addf(b, "\\u%04" PRIx32 "\\u%04" PRIx32, 0xD800 + ((cp - 0x10000) >> 10),
                        0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
    sg_buf_addc(b, '"');
}

/* Appends raw bytes only if b stays within limit bytes. */
static bool add_within(struct sg_buf *b, const char *s, size_t len, size_t limit)
{
    if (b->len + len > limit)
        return false;
    sg_buf_add(b, s, len);
    return true;
}

/*
 * Appends s with & < > as entities (Slack mrkdwn and Telegram HTML agree on these three),
 * unit by unit, while b stays within limit bytes. Returns false when s did not fit whole;
 * the cut is then between units, never inside an entity or a UTF-8 sequence.
 */
static bool esc_within(struct sg_buf *b, const char *s, size_t limit)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_next(p, &cp);
        const char *unit = (const char *)p;
        size_t len = n;
        if (cp == '&')
            unit = "&amp;", len = 5;
        else if (cp == '<')
            unit = "&lt;", len = 4;
        else if (cp == '>')
            unit = "&gt;", len = 4;
        else if (cp == 0xFFFD && n == 1)
            unit = "\xEF\xBF\xBD", len = 3; /* keep the text valid UTF-8 */
        if (!add_within(b, unit, len, limit))
            return false;
        p += n;
    }
    return true;
}

/* ========================================================================================
 * Payloads
 * ===================================================================================== */

static void add_pass_count(const struct sg_alert *a, struct sg_buf *t)
{
    if (a->window)
        sg_buf_addf(t, "Pass Count: %zu/%zu", a->n_pass, a->window);
    else
        sg_buf_addf(t, "Pass Count: %zu (from POST_SOAK_SUMMARY.json)", a->n_pass);
}

/*
 * Appends "\n• line" for each detail while t stays within max bytes (less the marker
 * reserve). A line that does not fit whole is cut and ends in "…"; the lines after it are
 * counted in a "… N more lines not shown" marker, as are lines the model dropped.
 */
static void add_details(const struct sg_alert *a, struct sg_buf *t, size_t max)
{
    size_t limit = max > MARK_RESERVE ? max - MARK_RESERVE : 0;
    size_t more = a->n_details_dropped;
    for (size_t i = 0; i < a->n_details; i++) {
        if (!add_within(t, "\n\xE2\x80\xA2 ", 5, limit)) {
            more += a->n_details - i;
            break;
        }
        if (!esc_within(t, a->details[i], limit)) {
            sg_buf_adds(t, "\xE2\x80\xA6");
            more += a->n_details - i - 1;
            break;
        }
    }
    if (more)
        sg_buf_addf(t, "\n\xE2\x80\xA6 %zu more line%s not shown", more, more == 1 ? "" : "s");
}

/* "Repo: x | Ref: y | Run: z" for the fields present, each escaped and capped; may be "". */
static void add_footer(const struct sg_alert *a, struct sg_buf *t)
{
    const char *names[] = {"Repo: ", "Ref: ", "Run: "};
    const char *vals[] = {a->repo, a->ref, a->run_url};
    for (size_t i = 0; i < 3; i++) {
        if (vals[i] == NULL || vals[i][0] == '\0')
            continue;
        if (t->len)
            sg_buf_adds(t, " | ");
        sg_buf_adds(t, names[i]);
        if (!esc_within(t, vals[i], t->len + FOOTER_FIELD_MAX))
            sg_buf_adds(t, "\xE2\x80\xA6");
    }
}

static void add_mrkdwn_section(struct sg_buf *out, const char *text)
{
    sg_buf_adds(out, "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":");
    json_str(out, text);
    sg_buf_adds(out, "}}");
}

enum sg_rc sg_notify_build_slack(const struct sg_alert *a, struct sg_buf *out,
                                 struct sg_err *err)
{
    struct sg_buf head, esc, text, foot;
    sg_buf_init(&head, 0);
    sg_buf_init(&esc, 0);
    sg_buf_init(&text, 0);
    sg_buf_init(&foot, 0);
    enum sg_rc rc = sg_notify_headline(a, &head, err);
    if (rc != SG_OK)
        goto out;
    /* The headline is digits and fixed words; escaping it is for form's sake only. */
    (void)esc_within(&esc, sg_buf_str(&head), SG_NOTIFY_SLACK_SECTION_MAX - 2);
    sg_buf_adds(out, "{\"text\":");
    json_str(out, sg_buf_str(&esc));
    sg_buf_addf(&text, "*%s*", sg_buf_str(&esc));
    sg_buf_adds(out, ",\"blocks\":[");
    add_mrkdwn_section(out, sg_buf_str(&text));
    sg_buf_reset(&text);
    add_pass_count(a, &text);
    add_details(a, &text, SG_NOTIFY_SLACK_SECTION_MAX);
    sg_buf_addc(out, ',');
    add_mrkdwn_section(out, sg_buf_str(&text));
    add_footer(a, &foot);
    if (foot.len) {
        sg_buf_adds(out, ",{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":");
        json_str(out, sg_buf_str(&foot));
        sg_buf_adds(out, "}]}");
    }
    sg_buf_adds(out, "]}");
    rc = sg_buf_rc(out, err);
out:
    sg_buf_release(&head);
    sg_buf_release(&esc);
    sg_buf_release(&text);
    sg_buf_release(&foot);
    return rc;
}

enum sg_rc sg_notify_build_telegram(const struct sg_alert *a, const char *chat_id,
                                    struct sg_buf *out, struct sg_err *err)
{
    struct sg_buf head, text, foot;
    sg_buf_init(&head, 0);
    sg_buf_init(&text, 0);
    sg_buf_init(&foot, 0);
    enum sg_rc rc = sg_notify_headline(a, &head, err);
    if (rc != SG_OK)
        goto out;
    add_footer(a, &foot);
    sg_buf_adds(&text, "<b>");
    (void)esc_within(&text, sg_buf_str(&head), SG_NOTIFY_TELEGRAM_TEXT_MAX / 2);
    sg_buf_adds(&text, "</b>\n");
    add_pass_count(a, &text);
    /* The footer is at most ~1 KiB, so the details always keep most of the budget. */
    add_details(a, &text, SG_NOTIFY_TELEGRAM_TEXT_MAX - foot.len - 1);
    if (foot.len) {
        sg_buf_addc(&text, '\n');
        sg_buf_add(&text, foot.data, foot.len);
    }
    sg_buf_adds(out, "{\"chat_id\":");
    json_str(out, chat_id ? chat_id : "");
    sg_buf_adds(out, ",\"text\":");
    json_str(out, sg_buf_str(&text));
    sg_buf_adds(out, ",\"parse_mode\":\"HTML\"}");
    rc = sg_buf_rc(out, err);
out:
    sg_buf_release(&head);
    sg_buf_release(&text);
    sg_buf_release(&foot);
    return rc;
}

/* ========================================================================================
 * Destinations: URL policy, Slack, Telegram
 * ===================================================================================== */

/* Strict dotted quad a.b.c.d (decimal, 0..255) with a == 127. */
static bool is_loopback_v4(const char *h)
{
    unsigned first = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0;
        int digits = 0;
        while (isdigit((unsigned char)*h)) {
            v = v * 10 + (unsigned)(*h++ - '0');
            if (++digits > 3)
                return false;
        }
        if (digits == 0 || v > 255)
            return false;
        if (part == 0)
            first = v;
        if (part < 3 && *h++ != '.')
            return false;
    }
    return *h == '\0' && first == 127;
}

static bool is_loopback_host(const char *h)
{
    return strcasecmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 || strcmp(h, "::1") == 0 ||
           is_loopback_v4(h);
}

/* Fetches one URL part as a new curl string (curl_free) or NULL when absent. */
/* *out = a part of u (free with curl_free), or NULL when absent; returns *out. Writing
 * through out (not returning a local) also keeps gcc 12 -O3 from a false
 * -Wdangling-pointer report at the callers. */
static char *url_part(CURLU *u, CURLUPart what, char **out)
{
    *out = NULL;
    if (curl_url_get(u, what, out, 0) != CURLUE_OK)
        *out = NULL;
    return *out;
}

enum sg_rc sg_notify_check_url(const char *url, bool *is_http, struct sg_err *err)
{
    if (is_http)
        *is_http = false;
    if (url == NULL || url[0] == '\0')
        return sg_err_set(err, SG_USAGE, "no destination URL given");
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7F)
            return sg_err_set(err, SG_USAGE, "destination URL contains a space, control or "
                                             "non-ASCII character");
    /* libcurl's own parser, so the host we vet is the host the transfer will use. */
    CURLU *u = curl_url();
    if (u == NULL)
        return sg_err_set(err, SG_NOMEM, "out of memory parsing the destination URL");
    enum sg_rc rc = SG_OK;
    char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        url_part(u, CURLUPART_SCHEME, &scheme) == NULL ||
        url_part(u, CURLUPART_HOST, &host) == NULL) {
        rc = sg_err_set(err, SG_USAGE, "destination URL is malformed");
        goto out;
    }
    url_part(u, CURLUPART_USER, &user);
    url_part(u, CURLUPART_PASSWORD, &pass);
    if (user || pass) {
        rc = sg_err_set(err, SG_USAGE, "destination URL must not contain user info");
    } else if (strcmp(scheme, "https") == 0) {
        rc = SG_OK;
    } else if (strcmp(scheme, "http") == 0 && is_loopback_host(host)) {
        if (is_http)
            *is_http = true;
    } else {
        rc = sg_err_set(err, SG_USAGE,
                        "destination URL must use https:// (http:// only to a loopback host), "
                        "not %s://",
                        scheme);
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(pass);
    curl_url_cleanup(u);
    return rc;
}

void sg_notify_dest_release(struct sg_notify_dest *d)
{
    if (d == NULL)
        return;
    free(d->url);
    free(d->token);
    free(d->chat_id);
    memset(d, 0, sizeof *d);
}

enum sg_rc sg_notify_dest_slack(const char *webhook_url, struct sg_notify_dest *out,
                                struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    out->platform = SG_NOTIFY_SLACK;
    bool is_http = false;
    enum sg_rc rc = sg_notify_check_url(webhook_url, &is_http, err);
    if (rc != SG_OK) {
        sg_err_wrap(err, "slack");
        return rc;
    }
    out->url = sg_xstrdup(webhook_url);
    out->is_http_allowed = is_http;
    return SG_OK;
}

/* Bot tokens look like 123456:ABC-def_ghi; anything else could bend the URL path. */
static bool valid_token(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 256)
        return false;
    for (; *t; t++)
        if (!isalnum((unsigned char)*t) && *t != ':' && *t != '_' && *t != '-')
            return false;
    return true;
}

/* A numeric chat id (-1001234567890) or a public @channel_name. */
static bool valid_chat_id(const char *c)
{
    size_t n = strlen(c);
    if (c[0] == '@') {
        if (n < 2 || n > 65)
            return false;
        for (c++; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '_')
                return false;
        return true;
    }
    if (c[0] == '-')
        c++, n--;
    if (n == 0 || n > 20)
        return false;
    for (; *c; c++)
        if (!isdigit((unsigned char)*c))
            return false;
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into a new string; NULL for a bad escape or an encoded NUL. */
static char *pct_decode(const char *s, size_t len)
{
    char *d = sg_xmalloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            d[k++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
        int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(d);
            return NULL;
        }
        d[k++] = (char)(hi * 16 + lo);
        i += 2;
    }
    d[k] = '\0';
    return d;
}

/* The (decoded) value of chat_id in a raw query "a=b&chat_id=c"; new string or NULL. */
static char *query_chat_id(const char *q)
{
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len > 8 && strncmp(q, "chat_id=", 8) == 0)
            return pct_decode(q + 8, len - 8);
        q = end ? end + 1 : NULL;
    }
    return NULL;
}

/*
 * Splits the original's full URL <base>/bot<token>/sendMessage?chat_id=<id> into new
 * strings: *base ("scheme://host[:port][/prefix]"), *token and *chat (NULL if absent).
 */
static enum sg_rc split_telegram_url(const char *url, char **base, char **token, char **chat,
                                     struct sg_err *err)
{
    static const char tail[] = "/sendMessage";
    CURLU *u = curl_url();
    if (u == NULL)
        return sg_err_set(err, SG_NOMEM, "out of memory parsing the URL");
    enum sg_rc rc = SG_OK;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        url_part(u, CURLUPART_SCHEME, &scheme) == NULL ||
        url_part(u, CURLUPART_HOST, &host) == NULL ||
        url_part(u, CURLUPART_PATH, &path) == NULL) {
        rc = sg_err_set(err, SG_USAGE, "URL is malformed");
        goto out;
    }
    url_part(u, CURLUPART_PORT, &port);
    url_part(u, CURLUPART_QUERY, &query);
    size_t plen = strlen(path), tlen = sizeof tail - 1;
    const char *bot = NULL;
    if (plen > tlen && strcmp(path + plen - tlen, tail) == 0) {
        path[plen - tlen] = '\0';
        for (const char *p = strstr(path, "/bot"); p; p = strstr(p + 1, "/bot"))
            bot = p;
    }
    if (bot == NULL || (*token = pct_decode(bot + 4, strlen(bot + 4))) == NULL) {
        rc = sg_err_set(err, SG_USAGE, "URL is not of the form <base>/bot<token>/sendMessage");
        goto out;
    }
    *chat = query_chat_id(query);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_buf_addf(&b, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
    sg_buf_add(&b, path, (size_t)(bot - path));
    *base = sg_buf_detach(&b, NULL);
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return rc;
}

/* Picks the chat id: the explicit one, the URL's, or an error when both differ/neither. */
static enum sg_rc pick_chat_id(const char *given, const char *from_url, const char **out,
                               struct sg_err *err)
{
    bool has_given = given && given[0];
    if (has_given && from_url && strcmp(given, from_url) != 0)
        return sg_err_set(err, SG_USAGE, "chat id given both separately and in the URL, "
                                         "with different values");
    *out = has_given ? given : from_url;
    if (*out == NULL || (*out)[0] == '\0')
        return sg_err_set(err, SG_USAGE, "no chat id given");
    if (!valid_chat_id(*out))
        return sg_err_set(err, SG_USAGE,
                          "chat id is malformed (expected -?digits or @channel_name)");
    return SG_OK;
}

enum sg_rc sg_notify_dest_telegram(const char *token_or_url, const char *chat_id,
                                   const struct sg_notify_opts *opts,
                                   struct sg_notify_dest *out, struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    out->platform = SG_NOTIFY_TELEGRAM;
    char *base = NULL, *token = NULL, *url_chat = NULL;
    const char *chat = NULL;
    struct sg_buf url;
    sg_buf_init(&url, 0);
    enum sg_rc rc = SG_OK;
    if (token_or_url == NULL || token_or_url[0] == '\0') {
        rc = sg_err_set(err, SG_USAGE, "no bot token given");
        goto out;
    }
    if (strstr(token_or_url, "://")) {
        if ((rc = split_telegram_url(token_or_url, &base, &token, &url_chat, err)) != SG_OK)
            goto out;
    } else {
        token = sg_xstrdup(token_or_url);
    }
    if (!valid_token(token)) {
        rc = sg_err_set(err, SG_USAGE, "bot token is malformed (expected <digits>:<letters, "
                                       "digits, _ or ->)");
        goto out;
    }
    if ((rc = pick_chat_id(chat_id, url_chat, &chat, err)) != SG_OK)
        goto out;
    const char *b = opts && opts->telegram_api_base ? opts->telegram_api_base
                    : base                           ? base
                                                     : TELEGRAM_DEFAULT_BASE;
    size_t blen = strlen(b);
    while (blen && b[blen - 1] == '/')
        blen--;
    sg_buf_add(&url, b, blen);
    sg_buf_addf(&url, "/bot%s/sendMessage", token);
    if ((rc = sg_notify_check_url(sg_buf_str(&url), &out->is_http_allowed, err)) != SG_OK)
        goto out;
    out->url = sg_buf_detach(&url, NULL);
    out->token = token;
    token = NULL;
    out->chat_id = sg_xstrdup(chat);
out:
    if (rc != SG_OK) {
        sg_err_wrap(err, "telegram");
        sg_notify_dest_release(out);
        out->platform = SG_NOTIFY_TELEGRAM;
    }
    free(base);
    free(token);
    free(url_chat);
    sg_buf_release(&url);
    return rc;
}

/* ========================================================================================
 * Redaction
 * ===================================================================================== */

enum sg_rc sg_notify_redact(const char *text, const char *const *secrets, struct sg_buf *out)
{
    const char *p = text ? text : "";
    while (*p) {
        size_t best = 0;
        for (size_t i = 0; secrets && secrets[i]; i++) {
            size_t n = strlen(secrets[i]);
            if (n >= SECRET_MIN_LEN && n > best && strncmp(p, secrets[i], n) == 0)
                best = n;
        }
        if (best) {
            sg_buf_adds(out, REDACTED);
            p += best;
        } else {
            sg_buf_addc(out, *p++);
        }
    }
    return out->is_over ? SG_LIMIT : SG_OK;
}

/* Copies the redacted src into dst[cap]; cutting redacted text cannot reveal a secret. */
static void put_redacted(char *dst, size_t cap, const char *src, const char *const *secrets)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    (void)sg_notify_redact(src, secrets, &b);
    size_t n = b.len < cap - 1 ? b.len : cap - 1;
    memcpy(dst, sg_buf_str(&b), n);
    dst[n] = '\0';
    sg_buf_release(&b);
}

#define N_SECRETS 6

/* The destination's secrets, NULL-terminated: URL, URL path, token, its secret half, chat. */
static void dest_secrets(const struct sg_notify_dest *d, const char *v[N_SECRETS + 1])
{
    size_t n = 0;
    if (d->url) {
        v[n++] = d->url;
        const char *s = strstr(d->url, "://");
        const char *path = s ? strchr(s + 3, '/') : NULL;
        if (path)
            v[n++] = path;
    }
    if (d->token) {
        v[n++] = d->token;
        const char *c = strchr(d->token, ':');
        if (c && c[1])
            v[n++] = c + 1;
    }
    if (d->chat_id)
        v[n++] = d->chat_id;
    v[n] = NULL;
}

/* ========================================================================================
 * Delivery (libcurl)
 * ===================================================================================== */

void sg_notify_opts_init(struct sg_notify_opts *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 10000;
    o->max_attempts = 3;
    o->max_retry_after_s = 30;
    o->backoff_ms[0] = 1000;
    o->backoff_ms[1] = 2000;
}

static const char *platform_name(enum sg_notify_platform p)
{
    return p == SG_NOTIFY_TELEGRAM ? "telegram" : "slack";
}

static void sleep_default(void *ctx, long ms)
{
    (void)ctx;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One attempt's response: the capped body and the Retry-After header. */
struct reply {
    struct sg_buf body;   /* first SG_NOTIFY_BODY_CAP bytes (its max) */
    size_t n_bytes;       /* every body byte seen */
    bool is_capped;       /* bytes were discarded */
    long retry_after_s;   /* Retry-After in seconds; -1: none, or an HTTP-date */
};

/* Keeps reading past the cap (so the status and timing stay normal) but stores no more. */
static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t len = size * n;
    size_t room = SG_NOTIFY_BODY_CAP - r->body.len;
    size_t take = len < room ? len : room;
    r->n_bytes += len;
    if (take)
        (void)sg_buf_add(&r->body, p, take);
    if (take < len)
        r->is_capped = true;
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    static const char name[] = "retry-after:";
    struct reply *r = ud;
    size_t len = size * n, i = sizeof name - 1;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response, e.g. after a 100 */
        r->retry_after_s = -1;
        return len;
    }
    if (len < i || strncasecmp(p, name, i) != 0)
        return len;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    long v = 0;
    size_t digits = 0;
    for (; i < len && isdigit((unsigned char)p[i]); i++, digits++)
        v = digits < 9 ? v * 10 + (p[i] - '0') : 1000000000L; /* huge: surely > the limit */
    while (i < len && isspace((unsigned char)p[i]))
        i++;
    r->retry_after_s = digits && i == len ? v : -1;
    return len;
}

/* First line of a service's text, printable ASCII only, at most cap-1 (and 200) bytes. */
static void service_text(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    while (*src == ' ' || *src == '\t' || *src == '\r' || *src == '\n')
        src++;
    for (; *src && *src != '\n' && *src != '\r' && n + 1 < cap && n < 200; src++)
        dst[n++] = (*src >= 0x20 && *src < 0x7F) ? *src : '?';
    while (n && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

struct tg_reply {
    bool is_ok;            /* "ok": true */
    long retry_after_s;    /* parameters.retry_after; -1 when absent */
    char description[201]; /* service_text() of "description" */
};

/* Reads Telegram's reply {"ok":…,"description":…,"parameters":{"retry_after":…}}. */
static void parse_telegram(const struct sg_buf *body, struct tg_reply *t)
{
    t->is_ok = false;
    t->retry_after_s = -1;
    t->description[0] = '\0';
    json_tokener *tok = body->len ? json_tokener_new_ex(16) : NULL;
    if (tok == NULL)
        return;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, body->data, (int)body->len);
    size_t end = json_tokener_get_parse_end(tok);
    while (end < body->len && isspace((unsigned char)body->data[end]))
        end++;
    json_object *v = NULL, *params = NULL;
    if (root && end == body->len && json_object_is_type(root, json_type_object)) {
        if (json_object_object_get_ex(root, "ok", &v) && json_object_is_type(v, json_type_boolean))
            t->is_ok = json_object_get_boolean(v);
        if (json_object_object_get_ex(root, "description", &v) &&
            json_object_is_type(v, json_type_string))
            service_text(t->description, sizeof t->description, json_object_get_string(v));
        if (json_object_object_get_ex(root, "parameters", &params) &&
            json_object_object_get_ex(params, "retry_after", &v) &&
            json_object_is_type(v, json_type_int)) {
            int64_t s = json_object_get_int64(v);
            t->retry_after_s = s < 0 ? -1 : s > 1000000000 ? 1000000000L : (long)s;
        }
    }
    json_object_put(root);
    json_tokener_free(tok);
}

/* Every setopt is checked (STYLE 2.8); the first failure ends the setup. */
#define SETOPT(h, opt, val)                                                                      \
    do {                                                                                         \
        CURLcode c_ = curl_easy_setopt((h), (opt), (val));                                       \
        if (c_ != CURLE_OK)                                                                      \
            return c_;                                                                           \
    } while (0)

static CURLcode configure(CURL *h, const struct sg_notify_dest *d, bool is_http,
                          const char *body, const struct sg_notify_opts *o,
                          struct curl_slist *hdrs, struct reply *r, char *errbuf)
{
    const char *protocols = is_http ? "http,https" : "https";
    SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(h, CURLOPT_URL, d->url);
    SETOPT(h, CURLOPT_PROTOCOLS_STR, protocols);
    SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L); /* a 3xx is a failure, never followed */
    SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    SETOPT(h, CURLOPT_VERBOSE, 0L); /* verbose output would print the URL */
    SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SETOPT(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    SETOPT(h, CURLOPT_HTTPHEADER, hdrs);
    SETOPT(h, CURLOPT_POSTFIELDS, body);
    SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    SETOPT(h, CURLOPT_USERAGENT, "soak-gate/" SG_VERSION);
    SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(h, CURLOPT_WRITEDATA, r);
    SETOPT(h, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(h, CURLOPT_HEADERDATA, r);
    if (o->ca_file)
        SETOPT(h, CURLOPT_CAINFO, o->ca_file);
    /* Proxies from the environment are honoured, except for loopback http: a proxy's
     * loopback is not ours. */
    if (is_http)
        SETOPT(h, CURLOPT_NOPROXY, "*");
    return CURLE_OK;
}

/* Transport failures worth another attempt: the service may be reachable in a moment. */
static bool is_transient(CURLcode cc)
{
    return cc == CURLE_COULDNT_RESOLVE_PROXY || cc == CURLE_COULDNT_RESOLVE_HOST ||
           cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT ||
           cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
           cc == CURLE_PARTIAL_FILE || cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_HTTP2 ||
           cc == CURLE_HTTP2_STREAM;
}

enum try_kind { TRY_OK, TRY_AGAIN, TRY_STOP };

/*
 * Judges one attempt and records it in *res (service text redacted). *hint_s is the wait
 * the server asked for (Telegram's parameters.retry_after, else Retry-After) or -1.
 */
static enum try_kind judge(const struct sg_notify_dest *d, CURLcode cc, long status,
                           const struct reply *r, const char *errbuf,
                           const char *const *secrets, struct sg_notify_result *res,
                           long *hint_s)
{
    char text[256];
    struct tg_reply tg = {false, -1, ""};
    res->http_status = cc == CURLE_OK ? status : 0;
    res->response_bytes = r->n_bytes;
    res->is_body_capped = r->is_capped;
    *hint_s = -1;
    if (cc != CURLE_OK) {
        /* A full buffer may end in a cut-off secret that redaction cannot recognise. */
        bool is_whole = errbuf[0] && strlen(errbuf) < CURL_ERROR_SIZE - 1;
        service_text(text, sizeof text, is_whole ? errbuf : curl_easy_strerror(cc));
        put_redacted(res->service_error, sizeof res->service_error, text, secrets);
        return is_transient(cc) ? TRY_AGAIN : TRY_STOP;
    }
    if (d->platform == SG_NOTIFY_TELEGRAM) {
        parse_telegram(&r->body, &tg);
        memcpy(text, tg.description, sizeof tg.description);
        *hint_s = tg.retry_after_s;
    } else {
        service_text(text, sizeof text, sg_buf_str(&r->body));
    }
    if (*hint_s < 0)
        *hint_s = r->retry_after_s;
    bool is_2xx = status >= 200 && status < 300;
    if (is_2xx && (d->platform == SG_NOTIFY_SLACK || tg.is_ok)) {
        res->service_error[0] = '\0';
        return TRY_OK;
    }
    if (is_2xx && text[0] == '\0')
        (void)snprintf(text, sizeof text, "reply lacks \"ok\": true");
    if (status >= 300 && status < 400)
        (void)snprintf(text, sizeof text, "redirects are not followed");
    put_redacted(res->service_error, sizeof res->service_error, text, secrets);
    return status == 429 || (status >= 500 && status < 600) ? TRY_AGAIN : TRY_STOP;
}

/* Sets err (SG_NET) from the last attempt; the message is redacted once more as a whole. */
static enum sg_rc fail_net(const struct sg_notify_dest *d, const struct sg_notify_result *res,
                           const char *note, const char *const *secrets, struct sg_err *err)
{
    char raw[SG_ERR_MSG_LEN], clean[SG_ERR_MSG_LEN];
    const char *svc = res->service_error;
    int n = res->n_attempts;
    if (res->http_status)
        (void)snprintf(raw, sizeof raw, "%s: delivery failed after %d attempt%s: HTTP %ld%s%s%s",
                       platform_name(d->platform), n, n == 1 ? "" : "s", res->http_status,
                       svc[0] ? ": " : "", svc, note);
    else
        (void)snprintf(raw, sizeof raw, "%s: delivery failed after %d attempt%s: %s%s",
                       platform_name(d->platform), n, n == 1 ? "" : "s",
                       svc[0] ? svc : "no response", note);
    put_redacted(clean, sizeof clean, raw, secrets);
    return sg_err_set(err, SG_NET, "%s", clean);
}

static void reply_reset(struct reply *r, char *errbuf)
{
    sg_buf_reset(&r->body);
    r->n_bytes = 0;
    r->is_capped = false;
    r->retry_after_s = -1;
    errbuf[0] = '\0';
}

/* The retry loop of D-21 on a configured handle. */
static enum sg_rc run_attempts(CURL *h, const struct sg_notify_dest *d,
                               const struct sg_notify_opts *o, struct reply *r, char *errbuf,
                               const char *const *secrets, struct sg_notify_result *res,
                               struct sg_err *err)
{
    char note[96] = "";
    sg_notify_sleep_fn sleep_fn = o->sleep_fn ? o->sleep_fn : sleep_default;
    for (int i = 1; i <= o->max_attempts; i++) {
        long status = 0, hint_s = -1;
        reply_reset(r, errbuf);
        res->n_attempts = i;
        CURLcode cc = curl_easy_perform(h);
        if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
            status = 0;
        enum try_kind kind = judge(d, cc, status, r, errbuf, secrets, res, &hint_s);
        if (kind == TRY_OK) {
            res->is_delivered = true;
            return SG_OK;
        }
        if (kind == TRY_STOP || i == o->max_attempts)
            break;
        if (hint_s > o->max_retry_after_s) {
            (void)snprintf(note, sizeof note, " (asked to retry after %ld s, over the %ld s limit)",
                           hint_s, o->max_retry_after_s);
            break;
        }
        sleep_fn(o->sleep_ctx, hint_s >= 0 ? hint_s * 1000 : o->backoff_ms[i == 1 ? 0 : 1]);
    }
    return fail_net(d, res, note, secrets, err);
}

static enum sg_rc check_post_args(const struct sg_notify_dest *d, const char *body,
                                  const struct sg_notify_opts *o, struct sg_err *err)
{
    if (d == NULL || d->url == NULL || body == NULL)
        return sg_err_set(err, SG_USAGE, "notify: no destination or no payload");
    if (o->max_attempts < 1 || o->max_attempts > 10 || o->timeout_ms <= 0 ||
        o->connect_timeout_ms <= 0 || o->backoff_ms[0] < 0 || o->backoff_ms[1] < 0)
        return sg_err_set(err, SG_USAGE, "%s: invalid delivery options (attempts 1..10, "
                                         "positive timeouts)",
                          platform_name(d->platform));
    if (d->platform == SG_NOTIFY_TELEGRAM && (d->token == NULL || d->chat_id == NULL))
        return sg_err_set(err, SG_USAGE, "telegram: destination lacks token or chat id");
    return SG_OK;
}

enum sg_rc sg_notify_post(const struct sg_notify_dest *dest, const char *body,
                          const struct sg_notify_opts *opts, struct sg_notify_result *res,
                          struct sg_err *err)
{
    struct sg_notify_opts defaults;
    sg_notify_opts_init(&defaults);
    const struct sg_notify_opts *o = opts ? opts : &defaults;
    memset(res, 0, sizeof *res);
    enum sg_rc rc = check_post_args(dest, body, o, err);
    if (rc != SG_OK)
        return rc;
    bool is_http = false; /* vetted again here: nothing goes out unless the policy says so */
    if ((rc = sg_notify_check_url(dest->url, &is_http, err)) != SG_OK) {
        sg_err_wrap(err, "%s", platform_name(dest->platform));
        return rc;
    }
    const char *secrets[N_SECRETS + 1];
    dest_secrets(dest, secrets);
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    struct reply r;
    sg_buf_init(&r.body, SG_NOTIFY_BODY_CAP);
    struct curl_slist *hdrs = NULL, *tmp = NULL;
    CURL *h = curl_easy_init();
    /* "Expect:" stops libcurl from waiting for a 100 Continue on larger bodies. */
    if (h == NULL || (tmp = curl_slist_append(NULL, "Content-Type: application/json")) == NULL ||
        (hdrs = tmp, tmp = curl_slist_append(hdrs, "Expect:")) == NULL) {
        rc = sg_err_set(err, SG_NOMEM, "%s: out of memory starting libcurl",
                        platform_name(dest->platform));
        goto out;
    }
    hdrs = tmp;
    CURLcode cc = configure(h, dest, is_http, body, o, hdrs, &r, errbuf);
    if (cc != CURLE_OK) {
        rc = sg_err_set(err, cc == CURLE_OUT_OF_MEMORY ? SG_NOMEM : SG_NET,
                        "%s: cannot set up the request: %s", platform_name(dest->platform),
                        curl_easy_strerror(cc));
        goto out;
    }
    rc = run_attempts(h, dest, o, &r, errbuf, secrets, res, err);
out:
    curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    sg_buf_release(&r.body);
    return rc;
}

enum sg_rc sg_notify_send(const struct sg_notify_dest *dest, const struct sg_alert *a,
                          const struct sg_notify_opts *opts, struct sg_notify_result *res,
                          struct sg_err *err)
{
    memset(res, 0, sizeof *res);
    if (dest == NULL || a == NULL)
        return sg_err_set(err, SG_USAGE, "notify: no destination or no alert");
    struct sg_buf body;
    sg_buf_init(&body, 0);
    enum sg_rc rc = dest->platform == SG_NOTIFY_TELEGRAM
                        ? sg_notify_build_telegram(a, dest->chat_id, &body, err)
                        : sg_notify_build_slack(a, &body, err);
    if (rc == SG_OK)
        rc = sg_notify_post(dest, sg_buf_str(&body), opts, res, err);
    sg_buf_release(&body);
    return rc;
}
