/* SPDX-License-Identifier: MIT */
/*
 * Pushgateway client (see push.h): option checks, grouping-key URL with @base64 segments,
 * credential redaction, and the one libcurl PUT.
 */
#include "push.h"

#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "config.h"
#include "version.h"

#define RESPONSE_MAX 4096  /* bytes of a response body kept for the error message */
#define REASON_MAX 200     /* characters of it shown */
#define CONNECT_MAX_S 5    /* connect timeout cap, seconds */

/* Labels the default metric set uses: a grouping-key label of the same name would
 * overwrite them on the gateway and turn distinct series into duplicates. */
static const char *const own_labels[] = {"job",        "stat", "guard",  "verdict", "state",
                                         "repository", "ref",  "sha",    "run_id"};

/* ------------------------------------------------------------------ checks */

bool sg_push_label_name_ok(const char *name, size_t len)
{
    if (len == 0 || (len >= 2 && name[0] == '_' && name[1] == '_'))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

/* Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF. */
static bool utf8_ok(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned char c = *s;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                             : (c & 0xF8) == 0xF0    ? 4 : 0;
        if (n == 0)
            return false;
        uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
        for (size_t i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3Fu);
        }
        static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n;
    }
    return true;
}

static bool is_own_label(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof own_labels / sizeof own_labels[0]; i++)
        if (strlen(own_labels[i]) == len && memcmp(own_labels[i], name, len) == 0)
            return true;
    return false;
}

static enum sg_rc check_url(const char *url, struct sg_err *err)
{
    size_t skip = strncmp(url, "http://", 7) == 0 ? 7 : strncmp(url, "https://", 8) == 0 ? 8 : 0;
    if (skip == 0)
        return sg_err_set(err, SG_USAGE, "--pushgateway: expected an http:// or https:// URL");
    if (url[skip] == '\0' || url[skip] == '/')
        return sg_err_set(err, SG_USAGE, "--pushgateway: the URL has no host");
    for (const char *p = url; *p; p++) {
        if ((unsigned char)*p <= 0x20 || *p == 0x7F)
            return sg_err_set(err, SG_USAGE, "--pushgateway: the URL contains a space or "
                                             "control character");
        if (*p == '?' || *p == '#')
            return sg_err_set(err, SG_USAGE, "--pushgateway: the URL must not have a query "
                                             "or fragment");
    }
    return SG_OK;
}

static enum sg_rc check_label(const struct sg_strlist *labels, size_t i, struct sg_err *err)
{
    const char *kv = labels->items[i];
    const char *eq = strchr(kv, '=');
    if (eq == NULL)
        return sg_err_set(err, SG_USAGE, "--push-label '%s': expected NAME=VALUE", kv);
    size_t len = (size_t)(eq - kv);
    if (!sg_push_label_name_ok(kv, len))
        return sg_err_set(err, SG_USAGE,
                          "--push-label '%s': label name must match [a-zA-Z_][a-zA-Z0-9_]* "
                          "and not start with __", kv);
    if (is_own_label(kv, len))
        return sg_err_set(err, SG_USAGE, "--push-label '%s': label name '%.*s' is reserved "
                                         "(use --push-job for job)", kv, (int)len, kv);
    if (!utf8_ok(eq + 1))
        return sg_err_set(err, SG_USAGE, "--push-label '%.*s': value is not valid UTF-8",
                          (int)len, kv);
    for (size_t j = 0; j < i; j++) {
        const char *other = labels->items[j];
        if (strncmp(other, kv, len) == 0 && other[len] == '=')
            return sg_err_set(err, SG_USAGE, "--push-label: label '%.*s' given twice",
                              (int)len, kv);
    }
    return SG_OK;
}

enum sg_rc sg_push_check_config(const char *url, const char *job, const struct sg_strlist *labels,
                                struct sg_err *err)
{
    if (url && check_url(url, err) != SG_OK)
        return SG_USAGE;
    if (job == NULL || job[0] == '\0')
        return sg_err_set(err, SG_USAGE, "--push-job: the job name must not be empty");
    if (!utf8_ok(job))
        return sg_err_set(err, SG_USAGE, "--push-job: not valid UTF-8");
    for (size_t i = 0; labels && i < labels->n; i++)
        if (check_label(labels, i, err) != SG_OK)
            return SG_USAGE;
    return SG_OK;
}

/* ------------------------------------------------------------------ URL */

void sg_push_base64url(const void *data, size_t len, struct sg_buf *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        sg_buf_addc(out, alphabet[(v >> 18) & 63]);
        sg_buf_addc(out, alphabet[(v >> 12) & 63]);
        sg_buf_addc(out, i + 1 < len ? alphabet[(v >> 6) & 63] : '=');
        sg_buf_addc(out, i + 2 < len ? alphabet[v & 63] : '=');
    }
}

static bool plain_segment_ok(const char *v, size_t len)
{
    if (len == 0 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '~' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* "/<name>/<value>" or "/<name>@base64/<encoded>". */
static void add_pair(struct sg_buf *out, const char *name, size_t name_len, const char *value)
{
    size_t len = strlen(value);
    sg_buf_addc(out, '/');
    sg_buf_add(out, name, name_len);
    if (plain_segment_ok(value, len)) {
        sg_buf_addc(out, '/');
        sg_buf_add(out, value, len);
        return;
    }
    sg_buf_adds(out, "@base64/");
    if (len == 0)
        sg_buf_addc(out, '='); /* the gateway needs one '=' for an empty value */
    else
        sg_push_base64url(value, len, out);
}

void sg_push_url_build(const char *base, const char *job, const struct sg_strlist *labels,
                       struct sg_buf *out)
{
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    sg_buf_add(out, base, blen);
    sg_buf_adds(out, "/metrics");
    add_pair(out, "job", 3, job);
    for (size_t i = 0; labels && i < labels->n; i++) {
        const char *kv = labels->items[i];
        const char *eq = strchr(kv, '=');
        if (eq)
            add_pair(out, kv, (size_t)(eq - kv), eq + 1);
    }
}

void sg_push_redact_url(const char *url, struct sg_buf *out)
{
    const char *auth = strstr(url, "://");
    if (auth == NULL) {
        sg_buf_adds(out, url);
        return;
    }
    auth += 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@')
            at = auth + i;
    if (at == NULL) {
        sg_buf_adds(out, url);
        return;
    }
    sg_buf_add(out, url, (size_t)(auth - url));
    sg_buf_adds(out, "***");
    sg_buf_adds(out, at);
}

/* ------------------------------------------------------------------ libcurl */

static size_t keep_response(char *data, size_t size, size_t n, void *user)
{
    struct sg_buf *resp = user;
    size_t len = size * n;
    size_t room = resp->len < RESPONSE_MAX ? RESPONSE_MAX - resp->len : 0;
    sg_buf_add(resp, data, len < room ? len : room);
    return len; /* read and drop the rest */
}

/* "HTTP 400: <first line of the body, control characters as spaces, capped>". */
static enum sg_rc http_failure(long code, const struct sg_buf *resp, struct sg_err *err)
{
    char reason[REASON_MAX + 1];
    size_t n = 0;
    for (const char *p = sg_buf_str(resp); *p && *p != '\n' && n < REASON_MAX; p++)
        reason[n++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    reason[n] = '\0';
    return sg_err_set(err, SG_NET, "HTTP %ld%s%s", code, n ? ": " : "", reason);
}

static CURLcode setup(CURL *h, const char *url, const char *body, size_t len, int64_t timeout_s,
                      struct curl_slist *headers, char *errbuf, struct sg_buf *resp)
{
    long total = (long)timeout_s;
    long connect = total < CONNECT_MAX_S ? total : CONNECT_MAX_S;
    CURLcode c = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_URL, url);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_TIMEOUT, total);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_USERAGENT, "soak-gate/" SG_VERSION);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_response);
    if (c == CURLE_OK) c = curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    return c;
}

enum sg_rc sg_push_send(const char *url, const char *body, size_t len, int64_t timeout_s,
                        struct sg_err *err)
{
    enum sg_rc rc = SG_OK;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sg_buf resp;
    sg_buf_init(&resp, RESPONSE_MAX + 1);
    struct curl_slist *headers = NULL, *tmp;
    CURL *h = curl_easy_init();
    if (h == NULL)
        return sg_err_set(err, SG_NOMEM, "cannot create a libcurl handle");
    /* "Expect:" stops libcurl from waiting for 100-continue on bodies over 1 KiB. */
    if ((tmp = curl_slist_append(headers, "Content-Type: text/plain; version=0.0.4; "
                                          "charset=utf-8")) != NULL)
        headers = tmp;
    if (tmp == NULL || (tmp = curl_slist_append(headers, "Expect:")) == NULL) {
        rc = sg_err_set(err, SG_NOMEM, "out of memory building the request");
        goto out;
    }
    headers = tmp;
    CURLcode c = setup(h, url, body, len, timeout_s, headers, errbuf, &resp);
    if (c == CURLE_OK)
        c = curl_easy_perform(h);
    if (c != CURLE_OK) {
        rc = sg_err_set(err, SG_NET, "%s", errbuf[0] ? errbuf : curl_easy_strerror(c));
        goto out;
    }
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200 && code != 202)
        rc = http_failure(code, &resp, err);
out:
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    sg_buf_release(&resp);
    return rc;
}
