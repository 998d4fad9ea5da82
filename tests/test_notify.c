/* SPDX-License-Identifier: MIT */
/*
 * notify: headline, payloads, URL policy, redaction, and delivery against the loopback
 * test server (support/httpd.c). Network tests only touch 127.0.0.1, use short timeouts and
 * an injected sleep except the one that checks a real Retry-After wait.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "helpers.h"
#include "httpd.h"
#include "notify.h"

#define SLACK_PATH "/services/T0SECRET/B0SECRET/XSECRETxyz"
#define TOKEN "123456:SECRETtokenABCdef"
#define CHAT "-1009876543210"

static void suite_init(void)
{
    cr_assert_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
}

static void suite_fini(void)
{
    curl_global_cleanup();
}

TestSuite(notify, .init = suite_init, .fini = suite_fini);

/* ---- helpers ------------------------------------------------------------------------ */

/* Every message this module produces must be free of the test secrets. */
static void assert_clean(const char *what, const char *text)
{
    static const char *const needles[] = {"T0SECRET", "B0SECRET", "XSECRETxyz", "SECRETtoken",
                                          "9876543210", "/services/", "/bot123456"};
    for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
        cr_assert(strstr(text, needles[i]) == NULL, "%s leaks '%s': %s", what, needles[i], text);
}

static void assert_all_clean(const struct sg_err *err, const struct sg_notify_result *res)
{
    assert_clean("err.msg", err->msg);
    assert_clean("result.service_error", res->service_error);
}

static void sample_alert(struct sg_alert *a, enum sg_alert_verdict v)
{
    sg_notify_alert_init(a);
    a->verdict = v;
    a->risk_mean = 0.3;
    a->maker_taker_mean = 0.9;
    a->net_bps_mean = 2.0;
    a->p95_latency_ms_mean = 300.0;
    a->guards = 0;
    a->n_pass = 5;
    a->window = 8;
    sg_notify_alert_add_detail(a, "risk_mean 0.30 > 0.25 (FAIL)");
    sg_notify_alert_add_detail(a, "guards: oscillation=1 velocity=0 cooldown=2");
}

static char *headline_of(double risk, double mt, double net, double lat, int64_t guards)
{
    struct sg_alert a;
    sg_notify_alert_init(&a);
    a.risk_mean = risk, a.maker_taker_mean = mt, a.net_bps_mean = net;
    a.p95_latency_ms_mean = lat, a.guards = guards;
    struct sg_buf b;
    sg_buf_init(&b, 0);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_headline(&a, &b, &err), SG_OK);
    sg_notify_alert_release(&a);
    return sg_buf_detach(&b, NULL);
}

static char *build(const struct sg_alert *a, enum sg_notify_platform p, const char *chat)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    struct sg_err err = SG_ERR_INIT;
    enum sg_rc rc = p == SG_NOTIFY_SLACK ? sg_notify_build_slack(a, &b, &err)
                                         : sg_notify_build_telegram(a, chat, &b, &err);
    cr_assert_eq(rc, SG_OK, "build: %s", err.msg);
    return sg_buf_detach(&b, NULL);
}

/* Parses JSON strictly with json-c; the caller puts the result. */
static json_object *parse_json(const char *text)
{
    json_tokener *tok = json_tokener_new_ex(32);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text));
    cr_assert(o != NULL && json_tokener_get_parse_end(tok) == strlen(text), "invalid JSON: %s",
              text);
    json_tokener_free(tok);
    return o;
}

static const char *jpath_str(json_object *o, const char *k1, const char *k2)
{
    json_object *v = NULL;
    cr_assert(json_object_object_get_ex(o, k1, &v));
    if (k2)
        cr_assert(json_object_object_get_ex(v, k2, &v));
    return json_object_get_string(v);
}

static bool is_ascii_json(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
            return false;
    return true;
}

/* Telegram's length: UTF-16 units after entity parsing; tags count nothing. */
static size_t telegram_length(const char *html)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)html; *p;) {
        if (*p == '<') {
            const char *end = strchr((const char *)p, '>');
            cr_assert(end != NULL, "unclosed tag");
            p = (const unsigned char *)end + 1;
            continue;
        }
        if (*p == '&') {
            const char *semi = strchr((const char *)p, ';');
            cr_assert(semi != NULL, "cut entity");
            size_t len = (size_t)(semi - (const char *)p) + 1;
            cr_assert(len == 5 || len == 4, "unexpected entity length %zu", len);
            p += len, n++;
            continue;
        }
        size_t seq = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        for (size_t i = 1; i < seq; i++)
            cr_assert((p[i] & 0xC0) == 0x80, "broken UTF-8 sequence");
        n += seq == 4 ? 2 : 1;
        p += seq;
    }
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sleeps {
    long ms[8];
    int n;
};

static void record_sleep(void *ctx, long ms)
{
    struct sleeps *s = ctx;
    if (s->n < 8)
        s->ms[s->n++] = ms;
}

/* Short timeouts and a recorded (not real) sleep: network tests stay well under a second. */
static void fast_opts(struct sg_notify_opts *o, struct sleeps *s)
{
    sg_notify_opts_init(o);
    o->connect_timeout_ms = 1000;
    o->timeout_ms = 2000;
    o->sleep_fn = record_sleep;
    o->sleep_ctx = s;
}

static void slack_dest(struct th_httpd *srv, struct sg_notify_dest *d)
{
    char *url = th_httpd_url(srv, SLACK_PATH);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_slack(url, d, &err), SG_OK, "%s", err.msg);
    free(url);
}

static void telegram_dest(struct th_httpd *srv, struct sg_notify_dest *d)
{
    char *url = th_httpd_url(srv, "/bot" TOKEN "/sendMessage?chat_id=" CHAT);
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_telegram(url, NULL, NULL, d, &err), SG_OK, "%s", err.msg);
    free(url);
}

/* ---- headline ----------------------------------------------------------------------- */

Test(notify, headline_is_the_original_line)
{
    char *h = headline_of(0.3, 0.9, 2.0, 300.0, 0);
    cr_assert_str_eq(h, "Soak [FAIL] FAIL | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | "
                        "guards=0");
    free(h);
}

Test(notify, headline_names_each_verdict_twice)
{
    static const char *const want[] = {"Soak [PASS] PASS |", "Soak [WARN] WARN |",
                                       "Soak [FAIL] FAIL |"};
    for (int v = SG_ALERT_PASS; v <= SG_ALERT_FAIL; v++) {
        struct sg_alert a;
        sg_notify_alert_init(&a);
        a.verdict = (enum sg_alert_verdict)v;
        struct sg_buf b;
        sg_buf_init(&b, 0);
        cr_assert_eq(sg_notify_headline(&a, &b, NULL), SG_OK);
        cr_assert(strncmp(sg_buf_str(&b), want[v], strlen(want[v])) == 0, "%s", sg_buf_str(&b));
        sg_buf_release(&b);
    }
}

Test(notify, headline_rounds_the_binary_value_like_printf,
     .description = "0.305 is stored as 0.30499.. and 0.315 as 0.31500..01; exact ties "
                    "(0.125, 299.5, 300.5) go to even, as Python's format() does")
{
    static const struct {
        double risk, lat;
        const char *want;
    } rows[] = {
        {0.305, 299.5, "risk=0.30 | mt=0.00 | net=0.00 | latency=300ms"},
        {0.315, 300.5, "risk=0.32 | mt=0.00 | net=0.00 | latency=300ms"},
        {0.125, 0.5, "risk=0.12 | mt=0.00 | net=0.00 | latency=0ms"},
        {2.675, 1.5, "risk=2.67 | mt=0.00 | net=0.00 | latency=2ms"},
        {-0.305, -0.4, "risk=-0.30 | mt=0.00 | net=0.00 | latency=-0ms"},
        {-0.001, -1.5, "risk=-0.00 | mt=0.00 | net=0.00 | latency=-2ms"},
        {1e6, 12345.49, "risk=1000000.00 | mt=0.00 | net=0.00 | latency=12345ms"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *h = headline_of(rows[i].risk, 0.0, 0.0, rows[i].lat, 0);
        cr_assert(strstr(h, rows[i].want) != NULL, "row %zu: got '%s', want '%s'", i, h,
                  rows[i].want);
        free(h);
    }
}

Test(notify, headline_spells_non_finite_values_like_python)
{
    char *h = headline_of((double)NAN, -(double)NAN, (double)INFINITY, -(double)INFINITY, -3);
    cr_assert_str_eq(h, "Soak [FAIL] FAIL | risk=nan | mt=nan | net=inf | latency=-infms | "
                        "guards=-3");
    free(h);
}

/* ---- payloads ----------------------------------------------------------------------- */

Test(notify, slack_payload_for_fail_is_exact)
{
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_FAIL);
    char *got = build(&a, SG_NOTIFY_SLACK, NULL);
    cr_assert_str_eq(
        got,
        "{\"text\":\"Soak [FAIL] FAIL | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | "
        "guards=0\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":"
        "\"*Soak [FAIL] FAIL | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | guards=0*\"}},"
        "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Pass Count: 5/8\\n"
        "\\u2022 risk_mean 0.30 &gt; 0.25 (FAIL)\\n\\u2022 guards: oscillation=1 velocity=0 "
        "cooldown=2\"}}]}");
    json_object_put(parse_json(got));
    free(got);
    sg_notify_alert_release(&a);
}

Test(notify, slack_payload_for_warn_with_source_is_exact)
{
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_WARN);
    sg_notify_alert_set_source(&a, "acme/bot", "refs/heads/main",
                               "https://github.com/acme/bot/actions/runs/1?a=1&b=2");
    char *got = build(&a, SG_NOTIFY_SLACK, NULL);
    cr_assert_str_eq(
        got,
        "{\"text\":\"Soak [WARN] WARN | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | "
        "guards=0\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":"
        "\"*Soak [WARN] WARN | risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | guards=0*\"}},"
        "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Pass Count: 5/8\\n"
        "\\u2022 risk_mean 0.30 &gt; 0.25 (FAIL)\\n\\u2022 guards: oscillation=1 velocity=0 "
        "cooldown=2\"}},{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":"
        "\"Repo: acme/bot | Ref: refs/heads/main | Run: "
        "https://github.com/acme/bot/actions/runs/1?a=1&amp;b=2\"}]}]}");
    json_object_put(parse_json(got));
    free(got);
    sg_notify_alert_release(&a);
}

Test(notify, telegram_payload_for_fail_is_exact)
{
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_FAIL);
    char *got = build(&a, SG_NOTIFY_TELEGRAM, CHAT);
    cr_assert_str_eq(got, "{\"chat_id\":\"-1009876543210\",\"text\":\"<b>Soak [FAIL] FAIL | "
                          "risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | guards=0</b>\\n"
                          "Pass Count: 5/8\\n\\u2022 risk_mean 0.30 &gt; 0.25 (FAIL)\\n\\u2022 "
                          "guards: oscillation=1 velocity=0 cooldown=2\",\"parse_mode\":"
                          "\"HTML\"}");
    json_object_put(parse_json(got));
    free(got);
    sg_notify_alert_release(&a);
}

Test(notify, telegram_payload_for_warn_with_source_is_exact)
{
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_WARN);
    a.window = 0; /* pass count from POST_SOAK_SUMMARY.json (D-18) */
    sg_notify_alert_set_source(&a, "acme/bot", NULL, "https://ci.example/run?x=1&y=2");
    char *got = build(&a, SG_NOTIFY_TELEGRAM, "@soak_alerts");
    cr_assert_str_eq(got, "{\"chat_id\":\"@soak_alerts\",\"text\":\"<b>Soak [WARN] WARN | "
                          "risk=0.30 | mt=0.90 | net=2.00 | latency=300ms | guards=0</b>\\n"
                          "Pass Count: 5 (from POST_SOAK_SUMMARY.json)\\n\\u2022 risk_mean 0.30 "
                          "&gt; 0.25 (FAIL)\\n\\u2022 guards: oscillation=1 velocity=0 "
                          "cooldown=2\\nRepo: acme/bot | Run: https://ci.example/run?x=1&amp;y=2"
                          "\",\"parse_mode\":\"HTML\"}");
    json_object_put(parse_json(got));
    free(got);
    sg_notify_alert_release(&a);
}

static const char hostile[] = "<!channel> <b>bold</b> & \"q\" back\\slash\nnew\rline\ttab\x01";

/* Checks one payload's text for the hostile line, already decoded from JSON by json-c. */
static void check_hostile_text(const char *text)
{
    cr_assert(strstr(text, "<!channel>") == NULL, "raw <!channel>: %s", text);
    cr_assert(strstr(text, "<b>bold") == NULL, "raw <b>: %s", text);
    cr_assert(strstr(text, "&lt;!channel&gt; &lt;b&gt;bold&lt;/b&gt; &amp; \"q\" back\\slash\n"
                           "new\rline\ttab\x01") != NULL,
              "escaped line missing: %s", text);
}

Test(notify, hostile_strings_arrive_escaped_in_both_payloads)
{
    struct sg_alert a;
    sg_notify_alert_init(&a);
    sg_notify_alert_add_detail(&a, hostile);
    char *slack = build(&a, SG_NOTIFY_SLACK, NULL);
    char *tg = build(&a, SG_NOTIFY_TELEGRAM, "\"; DROP");
    cr_assert(is_ascii_json(slack) && is_ascii_json(tg), "raw control/non-ASCII in JSON");
    cr_assert(strstr(slack, "\\\"q\\\" back\\\\slash\\nnew\\rline\\ttab\\u0001") != NULL, "%s",
              slack);
    json_object *s = parse_json(slack), *t = parse_json(tg), *blocks = NULL;
    cr_assert(json_object_object_get_ex(s, "blocks", &blocks));
    json_object *details = json_object_array_get_idx(blocks, 1);
    check_hostile_text(jpath_str(details, "text", "text"));
    check_hostile_text(jpath_str(t, "text", NULL));
    cr_assert_str_eq(jpath_str(t, "chat_id", NULL), "\"; DROP");
    json_object_put(s);
    json_object_put(t);
    free(slack);
    free(tg);
    sg_notify_alert_release(&a);
}

Test(notify, non_ascii_is_escaped_and_invalid_utf8_replaced)
{
    struct sg_alert a;
    sg_notify_alert_init(&a);
    sg_notify_alert_add_detail(&a, "caf\xC3\xA9 \xF0\x9F\x94\xA5 bad\xFF\xC3 end");
    char *got = build(&a, SG_NOTIFY_SLACK, NULL);
    cr_assert(strstr(got, "caf\\u00e9 \\ud83d\\udd25 bad\\ufffd\\ufffd end") != NULL, "%s", got);
    json_object_put(parse_json(got));
    free(got);
    sg_notify_alert_release(&a);
}

Test(notify, telegram_text_stays_under_4096_on_a_huge_detail_list)
{
    struct sg_alert a;
    sg_notify_alert_init(&a);
    for (int i = 0; i < SG_ALERT_MAX_DETAILS + 50; i++)
        sg_notify_alert_add_detailf(&a, "kpi_%04d <&> \xC3\xA9\xF0\x9F\x94\xA5 over threshold", i);
    cr_assert_eq(a.n_details, SG_ALERT_MAX_DETAILS);
    cr_assert_eq(a.n_details_dropped, 50);
    char *got = build(&a, SG_NOTIFY_TELEGRAM, CHAT);
    json_object *o = parse_json(got);
    const char *text = jpath_str(o, "text", NULL);
    size_t n = telegram_length(text);
    cr_assert(n > 2000 && n < 4096, "telegram length %zu", n);
    cr_assert(strlen(text) <= SG_NOTIFY_TELEGRAM_TEXT_MAX, "%zu bytes", strlen(text));
    cr_assert(strstr(text, "more lines not shown") != NULL, "no truncation marker");
    json_object_put(o);
    free(got);
    sg_notify_alert_release(&a);
}

Test(notify, a_single_huge_line_is_cut_between_characters)
{
    struct sg_buf line;
    sg_buf_init(&line, 0);
    for (int i = 0; i < 3000; i++)
        sg_buf_adds(&line, i % 2 ? "\xC3\xA9" : "&");
    struct sg_alert a;
    sg_notify_alert_init(&a);
    sg_notify_alert_add_detail(&a, sg_buf_str(&line));
    sg_notify_alert_add_detail(&a, "second");
    char *tg = build(&a, SG_NOTIFY_TELEGRAM, CHAT);
    char *slack = build(&a, SG_NOTIFY_SLACK, NULL);
    json_object *t = parse_json(tg), *s = parse_json(slack), *blocks = NULL;
    const char *text = jpath_str(t, "text", NULL);
    (void)telegram_length(text); /* asserts no cut entity or UTF-8 sequence */
    cr_assert(strstr(text, "\xE2\x80\xA6\n\xE2\x80\xA6 1 more line not shown") != NULL, "%s",
              text + strlen(text) - 60);
    cr_assert(json_object_object_get_ex(s, "blocks", &blocks));
    const char *sect = jpath_str(json_object_array_get_idx(blocks, 1), "text", "text");
    cr_assert(strlen(sect) <= SG_NOTIFY_SLACK_SECTION_MAX, "slack section %zu", strlen(sect));
    (void)telegram_length(sect);
    json_object_put(t);
    json_object_put(s);
    free(tg);
    free(slack);
    sg_notify_alert_release(&a);
    sg_buf_release(&line);
}

/* ---- URL policy and destinations ---------------------------------------------------- */

Test(notify, policy_accepts_https_and_loopback_http)
{
    static const struct {
        const char *url;
        bool is_http;
    } ok[] = {
        {"https://hooks.slack.com/services/T/B/X", false},
        {"HTTPS://api.telegram.org/bot1:a/sendMessage", false},
        {"http://127.0.0.1:8080/hook", true},
        {"http://127.9.8.7/", true},
        {"http://localhost:1/x", true},
        {"http://[::1]:9/x", true},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        struct sg_err err = SG_ERR_INIT;
        bool is_http = !ok[i].is_http;
        cr_assert_eq(sg_notify_check_url(ok[i].url, &is_http, &err), SG_OK, "%s: %s", ok[i].url,
                     err.msg);
        cr_assert_eq(is_http, ok[i].is_http, "%s", ok[i].url);
    }
}

Test(notify, rejects_plain_http_to_other_hosts_and_odd_urls)
{
    static const char *const bad[] = {
        "http://10.0.0.1/hook", "http://example.com", "http://127.0.0.1.evil.com/",
        "http://127.0.0.1@evil.com/", "https://user:pw@hooks.slack.com/x", "ftp://127.0.0.1/",
        "file:///etc/passwd", "hooks.slack.com/services/x", "https://hooks.slack.com/a b",
        "", "http://[::2]/", "http://128.0.0.1/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_notify_check_url(bad[i], NULL, &err), SG_USAGE, "accepted '%s'", bad[i]);
        cr_assert(bad[i][0] == '\0' || strstr(err.msg, bad[i]) == NULL, "URL echoed: %s",
                  err.msg);
    }
}

Test(notify, rejects_a_slack_url_before_any_network_use)
{
    struct sg_notify_dest d;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_slack("http://10.0.0.1/services/T0SECRET/B0SECRET/XSECRETxyz", &d,
                                      &err),
                 SG_USAGE);
    cr_assert(strstr(err.msg, "slack: ") == err.msg, "%s", err.msg);
    cr_assert(strstr(err.msg, "https://") != NULL, "%s", err.msg);
    assert_clean("err.msg", err.msg);
    cr_assert_null(d.url);
    /* sg_notify_post re-checks a hand-made destination and sends nothing. */
    char url[] = "http://example.com" SLACK_PATH;
    struct sg_notify_dest forged = {SG_NOTIFY_SLACK, url, NULL, NULL, true};
    struct sg_notify_result res;
    struct sg_err err2 = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&forged, "{}", NULL, &res, &err2), SG_USAGE);
    cr_assert_eq(res.n_attempts, 0);
    assert_all_clean(&err2, &res);
}

Test(notify, telegram_full_url_yields_token_chat_and_base)
{
    struct sg_notify_dest d;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_telegram("https://api.telegram.org/bot" TOKEN
                                         "/sendMessage?chat_id=" CHAT,
                                         NULL, NULL, &d, &err),
                 SG_OK, "%s", err.msg);
    cr_assert_eq(d.platform, SG_NOTIFY_TELEGRAM);
    cr_assert_str_eq(d.token, TOKEN);
    cr_assert_str_eq(d.chat_id, CHAT);
    cr_assert_str_eq(d.url, "https://api.telegram.org/bot" TOKEN "/sendMessage");
    cr_assert_not(d.is_http_allowed);
    sg_notify_dest_release(&d);
    /* Percent-encoded @channel, a prefix path and an extra query parameter. */
    cr_assert_eq(sg_notify_dest_telegram("https://tg.example:8443/api/bot" TOKEN
                                         "/sendMessage?x=1&chat_id=%40soak_ch",
                                         NULL, NULL, &d, &err),
                 SG_OK, "%s", err.msg);
    cr_assert_str_eq(d.chat_id, "@soak_ch");
    cr_assert_str_eq(d.url, "https://tg.example:8443/api/bot" TOKEN "/sendMessage");
    sg_notify_dest_release(&d);
}

Test(notify, telegram_token_and_chat_separately_with_a_base_override)
{
    struct sg_notify_opts o;
    sg_notify_opts_init(&o);
    o.telegram_api_base = "http://127.0.0.1:9/";
    struct sg_notify_dest d;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_telegram(TOKEN, CHAT, &o, &d, &err), SG_OK, "%s", err.msg);
    cr_assert_str_eq(d.url, "http://127.0.0.1:9/bot" TOKEN "/sendMessage");
    cr_assert(d.is_http_allowed);
    sg_notify_dest_release(&d);
    cr_assert_eq(sg_notify_dest_telegram(TOKEN, CHAT, NULL, &d, &err), SG_OK);
    cr_assert_str_eq(d.url, "https://api.telegram.org/bot" TOKEN "/sendMessage");
    sg_notify_dest_release(&d);
}

Test(notify, rejects_malformed_or_ambiguous_telegram_destinations)
{
    static const struct {
        const char *token_or_url, *chat, *want;
    } bad[] = {
        {"", CHAT, "no bot token"},
        {TOKEN, NULL, "no chat id"},
        {"123:abc/../x", CHAT, "bot token is malformed"},
        {TOKEN, "12ab", "chat id is malformed"},
        {"https://api.telegram.org/bot" TOKEN "/sendMessage?chat_id=1111", "2222", "different"},
        {"https://api.telegram.org/bot" TOKEN "/getMe?chat_id=" CHAT, NULL, "not of the form"},
        {"http://api.telegram.org/bot" TOKEN "/sendMessage?chat_id=" CHAT, NULL, "https://"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct sg_notify_dest d;
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_notify_dest_telegram(bad[i].token_or_url, bad[i].chat, NULL, &d, &err),
                     SG_USAGE, "row %zu accepted", i);
        cr_assert(strstr(err.msg, bad[i].want) != NULL, "row %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, "telegram: ") == err.msg, "row %zu: %s", i, err.msg);
        assert_clean("err.msg", err.msg);
        cr_assert_null(d.url);
    }
}

Test(notify, redact_replaces_every_secret_longest_first)
{
    const char *secrets[] = {"abcd", "abcdefgh", "42", NULL};
    struct sg_buf b;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_notify_redact("x abcdefgh y abcd z 42 abcdabcd", secrets, &b), SG_OK);
    cr_assert_str_eq(sg_buf_str(&b), "x [REDACTED] y [REDACTED] z 42 [REDACTED][REDACTED]");
    sg_buf_release(&b);
}

/* ---- delivery against the loopback server ------------------------------------------- */

static const char *header_of(const struct th_httpd_req *rq, const char *name)
{
    for (const char *p = rq->headers; p && *p;) {
        if (strncasecmp(p, name, strlen(name)) == 0 && p[strlen(name)] == ':')
            return p + strlen(name) + 1;
        const char *eol = strstr(p, "\r\n");
        p = eol ? eol + 2 : NULL;
    }
    return NULL;
}

Test(notify, slack_delivers_the_payload_as_a_json_post)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 200, .body = "ok"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_FAIL);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_send(&d, &a, &o, &res, &err), SG_OK, "%s", err.msg);
    th_httpd_stop(srv);
    cr_assert(res.is_delivered);
    cr_assert_eq(res.n_attempts, 1);
    cr_assert_eq(res.http_status, 200);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    const struct th_httpd_req *rq = th_httpd_request(srv, 0);
    cr_assert_str_eq(rq->method, "POST");
    cr_assert_str_eq(rq->target, SLACK_PATH);
    const char *ct = header_of(rq, "Content-Type");
    cr_assert(ct && strncmp(ct, " application/json\r\n", 19) == 0, "content-type: %s", ct);
    char *want = build(&a, SG_NOTIFY_SLACK, NULL);
    cr_assert_str_eq(rq->body, want);
    free(want);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    sg_notify_alert_release(&a);
    th_httpd_free(srv);
}

Test(notify, a_429_with_retry_after_1_is_waited_out_for_real, .timeout = 30)
{
    struct th_httpd_step steps[] = {
        {.action = TH_HTTPD_REPLY, .status = 429, .headers = "Retry-After: 1\r\n",
         .body = "rate_limited"},
        {.action = TH_HTTPD_REPLY, .status = 200, .body = "ok"},
    };
    struct th_httpd *srv = th_httpd_start(steps, 2);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    sg_notify_opts_init(&o); /* the real sleep */
    o.timeout_ms = 3000;
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    double t0 = now_s();
    cr_assert_eq(sg_notify_post(&d, "{\"text\":\"x\"}", &o, &res, &err), SG_OK, "%s", err.msg);
    double elapsed = now_s() - t0;
    th_httpd_stop(srv);
    cr_assert(res.is_delivered);
    cr_assert_eq(res.n_attempts, 2);
    cr_assert_eq(th_httpd_n_requests(srv), 2);
    cr_assert(elapsed >= 0.95 && elapsed < 10.0, "elapsed %.3f s", elapsed);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, three_500s_fail_after_exactly_three_attempts_with_1s_then_2s_waits)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 500, .body = "rollup_error"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert_eq(th_httpd_n_requests(srv), 3);
    cr_assert_eq(res.n_attempts, 3);
    cr_assert_not(res.is_delivered);
    cr_assert_eq(sl.n, 2);
    cr_assert_eq(sl.ms[0], 1000);
    cr_assert_eq(sl.ms[1], 2000);
    cr_assert_str_eq(err.msg, "slack: delivery failed after 3 attempts: HTTP 500: rollup_error");
    cr_assert_str_eq(res.service_error, "rollup_error");
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, a_retry_after_over_30s_stops_retrying)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 429,
                                 .headers = "Retry-After: 120\r\n"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    cr_assert_eq(sl.n, 0);
    cr_assert(strstr(err.msg, "HTTP 429") && strstr(err.msg, "120 s"), "%s", err.msg);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, telegram_delivers_with_chat_id_in_the_body)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 200,
                                 .body = "{\"ok\":true,\"result\":{\"message_id\":7}}"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_alert a;
    sample_alert(&a, SG_ALERT_WARN);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_send(&d, &a, &o, &res, &err), SG_OK, "%s", err.msg);
    th_httpd_stop(srv);
    cr_assert(res.is_delivered);
    const struct th_httpd_req *rq = th_httpd_request(srv, 0);
    cr_assert_str_eq(rq->target, "/bot" TOKEN "/sendMessage");
    json_object *body = parse_json(rq->body);
    cr_assert_str_eq(jpath_str(body, "chat_id", NULL), CHAT);
    cr_assert_str_eq(jpath_str(body, "parse_mode", NULL), "HTML");
    json_object_put(body);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    sg_notify_alert_release(&a);
    th_httpd_free(srv);
}

Test(notify, telegram_400_chat_not_found_fails_naming_the_description)
{
    struct th_httpd_step step = {
        .action = TH_HTTPD_REPLY, .status = 400,
        .body = "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    cr_assert_eq(res.http_status, 400);
    cr_assert_str_eq(err.msg, "telegram: delivery failed after 1 attempt: HTTP 400: "
                              "Bad Request: chat not found");
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, telegram_200_without_ok_true_is_a_failure)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 200,
                                 .body = "{\"ok\":false}"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert(strstr(err.msg, "HTTP 200") && strstr(err.msg, "\"ok\": true"), "%s", err.msg);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, telegram_retry_after_in_the_body_sets_the_wait)
{
    struct th_httpd_step steps[] = {
        {.action = TH_HTTPD_REPLY, .status = 429,
         .body = "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry "
                 "after 7\",\"parameters\":{\"retry_after\":7}}"},
        {.action = TH_HTTPD_REPLY, .status = 200, .body = "{\"ok\":true}"},
    };
    struct th_httpd *srv = th_httpd_start(steps, 2);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_OK, "%s", err.msg);
    th_httpd_stop(srv);
    cr_assert_eq(res.n_attempts, 2);
    cr_assert_eq(sl.n, 1);
    cr_assert_eq(sl.ms[0], 7000);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, a_secret_echoed_by_the_service_is_redacted)
{
    struct th_httpd_step step = {
        .action = TH_HTTPD_REPLY, .status = 401,
        .body = "{\"ok\":false,\"description\":\"Unauthorized: bot " TOKEN " in chat " CHAT
                " via /bot" TOKEN "/sendMessage\"}"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert(strstr(err.msg, "Unauthorized: bot [REDACTED] in chat [REDACTED]") != NULL, "%s",
              err.msg);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, connection_refused_fails_after_retries)
{
    char *url = th_fmt("http://127.0.0.1:%d%s", th_closed_port(), SLACK_PATH);
    struct sg_notify_dest d;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_dest_slack(url, &d, &err), SG_OK);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    cr_assert_eq(res.n_attempts, 3);
    cr_assert_eq(res.http_status, 0);
    cr_assert_eq(sl.n, 2);
    cr_assert(strstr(err.msg, "slack: delivery failed after 3 attempts: ") == err.msg, "%s",
              err.msg);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    free(url);
}

Test(notify, a_server_that_never_answers_is_given_up_within_the_timeout, .timeout = 30)
{
    struct th_httpd_step step = {.action = TH_HTTPD_HANG};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    o.timeout_ms = 300;
    o.max_attempts = 2;
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    double t0 = now_s();
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    double elapsed = now_s() - t0;
    th_httpd_stop(srv);
    cr_assert(elapsed >= 0.55 && elapsed < 3.0, "elapsed %.3f s", elapsed);
    cr_assert_eq(res.n_attempts, 2);
    cr_assert_eq(th_httpd_n_requests(srv), 2);
    cr_assert(strstr(err.msg, "timed out") != NULL, "%s", err.msg);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, a_10_mib_response_is_capped_without_harm, .timeout = 30)
{
    struct th_httpd_step step = {.action = TH_HTTPD_HUGE, .status = 200};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    o.timeout_ms = 10000;
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_OK, "%s", err.msg);
    th_httpd_stop(srv);
    cr_assert(res.is_body_capped);
    cr_assert_eq(res.response_bytes, TH_HTTPD_HUGE_BYTES);
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, a_huge_telegram_error_body_is_capped_and_fails_cleanly, .timeout = 30)
{
    struct th_httpd_step step = {.action = TH_HTTPD_HUGE, .status = 400};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    telegram_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    o.timeout_ms = 10000;
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert(res.is_body_capped);
    cr_assert_str_eq(err.msg, "telegram: delivery failed after 1 attempt: HTTP 400");
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}

Test(notify, a_302_redirect_is_not_followed)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REDIRECT};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    struct sg_notify_dest d;
    slack_dest(srv, &d);
    struct sg_notify_opts o;
    struct sleeps sl = {{0}, 0};
    fast_opts(&o, &sl);
    struct sg_notify_result res;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_notify_post(&d, "{}", &o, &res, &err), SG_NET);
    th_httpd_stop(srv);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    cr_assert_eq(res.http_status, 302);
    cr_assert_str_eq(err.msg, "slack: delivery failed after 1 attempt: HTTP 302: redirects are "
                              "not followed");
    assert_all_clean(&err, &res);
    sg_notify_dest_release(&d);
    th_httpd_free(srv);
}
