/* SPDX-License-Identifier: MIT */
/*
 * alerts: --notify end to end through the built binary against the loopback test server
 * (support/httpd.c), plus the pure rules of alerts.c. Every run is checked for the test
 * secrets in stdout, stderr and every file of the soak dir. Deliveries use the
 * SOAK_GATE_NOTIFY_TIMEOUT_MS / SOAK_GATE_NOTIFY_BACKOFF_MS hooks, so a retrying failure
 * takes milliseconds; only 127.0.0.1 is ever contacted.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alerts.h"
#include "helpers.h"
#include "httpd.h"

#define SLACK_PATH "/services/T0SECRET/B0SECRET/XSECRETxyz"
#define TOKEN "123456:SECRETtokenABCdef"
#define CHAT "-1009876543210"
#define MAX_ENV 24
#define MAX_ARGS 16

TestSuite(alerts, .timeout = 60);

/* ---- helpers ------------------------------------------------------------------------ */

static const char *const secrets[] = {"T0SECRET", "B0SECRET", "XSECRETxyz", "SECRETtoken",
                                      "9876543210", "/services/", "/bot123456"};

static void assert_clean(const char *what, const char *text)
{
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        cr_assert(text == NULL || strstr(text, secrets[i]) == NULL, "%s leaks '%s':\n%s", what,
                  secrets[i], text);
}

/* No secret in stdout, stderr, or any file (recursively) under dir. */
static void assert_no_secrets_in_dir(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d != NULL, "cannot list %s", dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = th_fmt("%s/%s", dir, de->d_name);
        struct stat st;
        cr_assert_eq(lstat(p, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            assert_no_secrets_in_dir(p);
        } else {
            char *text = th_slurp(p, NULL);
            assert_clean(p, text);
            free(text);
        }
        free(p);
    }
    closedir(d);
}

static void assert_no_secrets(const struct th_run *r, const char *dir)
{
    assert_clean("stdout", r->out);
    assert_clean("stderr", r->err);
    assert_no_secrets_in_dir(dir);
}

static char *example(const char *name)
{
    char *src = th_fmt("%s/../examples/%s", SG_TESTS_DIR, name);
    char *d = th_mkdtemp();
    th_copy_dir(src, d);
    free(src);
    return d;
}

/* A hermetic environment: no inherited credentials or CI variables, fast deliveries. */
struct env {
    const char *v[MAX_ENV + 1];
    size_t n;
};

static void env_init(struct env *e)
{
    static const char *const base[] = {
        "SOAK_GATE_SLACK_WEBHOOK_URL", "SOAK_GATE_TELEGRAM_BOT_TOKEN",
        "SOAK_GATE_TELEGRAM_CHAT_ID",  "SOAK_GATE_TELEGRAM_API_BASE",
        "SOAK_GATE_CA_FILE",           "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",           "GITHUB_REF_NAME",
        "GITHUB_RUN_ID",               "SOAK_GATE_NOTIFY_TIMEOUT_MS=3000",
        "SOAK_GATE_NOTIFY_BACKOFF_MS=1"};
    e->n = 0;
    for (size_t i = 0; i < sizeof base / sizeof *base; i++)
        e->v[e->n++] = base[i];
    e->v[e->n] = NULL;
}

static void env_add(struct env *e, const char *kv)
{
    cr_assert(e->n < MAX_ENV);
    e->v[e->n++] = kv;
    e->v[e->n] = NULL;
}

/* Runs `<cmd> --path dir` followed by the NULL-terminated extra arguments. */
static struct th_run run_cmd(const char *cmd, const char *dir, const struct env *e,
                             const char *const *extra)
{
    const char *argv[MAX_ARGS + 1] = {cmd, "--path", dir};
    size_t n = 3;
    for (; extra && *extra; extra++) {
        cr_assert(n < MAX_ARGS);
        argv[n++] = *extra;
    }
    argv[n] = NULL;
    return th_run_bin(NULL, e->v, argv);
}

static struct th_httpd *ok_server(void)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 200, .body = "ok"};
    return th_httpd_start(&step, 1);
}

static struct th_httpd *telegram_server(void)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 200,
                                 .body = "{\"ok\":true,\"result\":{\"message_id\":1}}"};
    return th_httpd_start(&step, 1);
}

static bool has_snapshot(const char *dir)
{
    char *p = th_fmt("%s/POST_SOAK_SNAPSHOT.json", dir);
    struct stat st;
    bool yes = stat(p, &st) == 0;
    free(p);
    return yes;
}

static const char *json_str_of(json_object *o, const char *key)
{
    json_object *v = NULL;
    cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
    cr_assert(json_object_is_type(v, json_type_string), "%s is not a string", key);
    return json_object_get_string(v);
}

/* ---- what is sent ------------------------------------------------------------------- */

static const char *const fail_slack_body =
    "{\"text\":\"Soak [FAIL] FAIL | risk=0.42 | mt=0.88 | net=3.11 | latency=303ms | "
    "guards=2\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":"
    "\"*Soak [FAIL] FAIL | risk=0.42 | mt=0.88 | net=3.11 | latency=303ms | guards=2*\"}},"
    "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Pass Count: 3/8\\n"
    "\\u2022 ITER_SUMMARY_17.json: risk_ratio 0.475 &gt; 0.42\\n"
    "\\u2022 ITER_SUMMARY_19.json: risk_ratio 0.488 &gt; 0.42\\n"
    "\\u2022 ITER_SUMMARY_21.json: risk_ratio 0.478 &gt; 0.42\\n"
    "\\u2022 ITER_SUMMARY_22.json: maker_taker_ratio 0.71 &lt; 0.85, p95_latency_ms 412.0 "
    "&gt; 350.0\\n"
    "\\u2022 ITER_SUMMARY_23.json: risk_ratio 0.474 &gt; 0.42\\n"
    "\\u2022 Guards: oscillation=0 velocity=1 cooldown=1 freeze=2\\n"
    "\\u2022 Anomalies: 2\\n"
    "\\u2022 Input problems: 0 files excluded, 0 values treated as missing\"}}]}";

Test(alerts, fail_example_posts_one_exact_block_kit_message_to_slack)
{
    struct th_httpd *srv = ok_server();
    char *dir = example("fail");
    char *url = th_httpd_url(srv, SLACK_PATH);
    struct env e;
    env_init(&e);
    const char *args[] = {"--notify", "slack", "--webhook-url", url, NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(srv);
    cr_assert_eq(r.status, 1, "exit %d\n%s", r.status, r.err);
    cr_assert(th_contains(r.err, "[OK] Notification sent to slack\n"), "%s", r.err);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    const struct th_httpd_req *rq = th_httpd_request(srv, 0);
    cr_assert_str_eq(rq->method, "POST");
    cr_assert_str_eq(rq->target, SLACK_PATH);
    cr_assert(th_contains(rq->headers, "Content-Type: application/json"), "%s", rq->headers);
    cr_assert_str_eq(rq->body, fail_slack_body);
    /* The gate's block names the same failing iterations with the same words. */
    cr_assert(th_contains(r.err, "  ITER_SUMMARY_22.json: maker_taker_ratio 0.71 < 0.85, "
                                 "p95_latency_ms 412.0 > 350.0\n"),
              "%s", r.err);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
}

Test(alerts, warn_example_sends_telegram_json_with_chat_id_and_html)
{
    struct th_httpd *srv = telegram_server();
    char *dir = example("warn");
    char *base = th_httpd_url(srv, "");
    char *base_kv = th_fmt("SOAK_GATE_TELEGRAM_API_BASE=%s", base);
    struct env e;
    env_init(&e);
    env_add(&e, "SOAK_GATE_TELEGRAM_BOT_TOKEN=" TOKEN);
    env_add(&e, "SOAK_GATE_TELEGRAM_CHAT_ID=" CHAT);
    env_add(&e, base_kv);
    const char *args[] = {"--notify", "telegram", NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(srv);
    cr_assert_eq(r.status, 0, "exit %d\n%s", r.status, r.err);
    cr_assert(th_contains(r.err, "[OK] Notification sent to telegram\n"), "%s", r.err);
    cr_assert_eq(th_httpd_n_requests(srv), 1);
    const struct th_httpd_req *rq = th_httpd_request(srv, 0);
    cr_assert_str_eq(rq->target, "/bot" TOKEN "/sendMessage");
    json_object *body = json_tokener_parse(rq->body);
    cr_assert(body != NULL, "not JSON: %s", rq->body);
    cr_assert_str_eq(json_str_of(body, "chat_id"), CHAT);
    cr_assert_str_eq(json_str_of(body, "parse_mode"), "HTML");
    const char *text = json_str_of(body, "text");
    cr_assert(strncmp(text, "<b>Soak [WARN] WARN | risk=", 27) == 0, "%s", text);
    cr_assert(th_contains(text, "\nPass Count: 5/8\n"), "%s", text);
    json_object_put(body);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(base_kv);
    free(base);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
}

/* Runs example ex with Slack and the extra arguments; returns the number of requests. */
static size_t slack_requests(const char *ex, const char *cmd, const char *const *extra,
                             int want_exit, char **body)
{
    struct th_httpd *srv = ok_server();
    char *dir = example(ex);
    char *url = th_httpd_url(srv, SLACK_PATH);
    char *url_kv = th_fmt("SOAK_GATE_SLACK_WEBHOOK_URL=%s", url);
    struct env e;
    env_init(&e);
    env_add(&e, url_kv);
    const char *args[MAX_ARGS] = {"--notify", "slack"};
    size_t n = 2;
    for (; extra && *extra; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    struct th_run r = run_cmd(cmd, dir, &e, args);
    th_httpd_stop(srv);
    cr_assert_eq(r.status, want_exit, "%s %s: exit %d\n%s", cmd, ex, r.status, r.err);
    size_t got = th_httpd_n_requests(srv);
    if (got == 0)
        cr_assert(!th_contains(r.err, "Notification"), "%s", r.err);
    if (body)
        *body = got ? strdup(th_httpd_request(srv, 0)->body) : NULL;
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url_kv);
    free(url);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
    return got;
}

Test(alerts, pass_sends_nothing_by_default)
{
    cr_assert_eq(slack_requests("pass", "gate", NULL, 0, NULL), 0);
}

Test(alerts, pass_with_notify_on_always_sends_one)
{
    const char *extra[] = {"--notify-on", "always", NULL};
    char *body = NULL;
    cr_assert_eq(slack_requests("pass", "gate", extra, 0, &body), 1);
    cr_assert(strncmp(body, "{\"text\":\"Soak [PASS] PASS | risk=", 32) == 0, "%s", body);
    free(body);
}

Test(alerts, warn_with_notify_on_fail_sends_nothing)
{
    const char *extra[] = {"--notify-on=fail", NULL};
    cr_assert_eq(slack_requests("warn", "gate", extra, 0, NULL), 0);
}

Test(alerts, snapshot_command_alerts_too_and_still_exits_0)
{
    cr_assert_eq(slack_requests("fail", "snapshot", NULL, 0, NULL), 1);
}

Test(alerts, ci_variables_add_repo_ref_and_run_link)
{
    struct th_httpd *srv = ok_server();
    char *dir = example("fail");
    char *url = th_httpd_url(srv, SLACK_PATH);
    char *url_kv = th_fmt("SOAK_GATE_SLACK_WEBHOOK_URL=%s", url);
    struct env e;
    env_init(&e);
    env_add(&e, url_kv);
    env_add(&e, "GITHUB_SERVER_URL=https://github.com");
    env_add(&e, "GITHUB_REPOSITORY=acme/bot");
    env_add(&e, "GITHUB_REF_NAME=main");
    env_add(&e, "GITHUB_RUN_ID=42");
    const char *args[] = {"--notify", "slack", "--quiet", NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(srv);
    cr_assert_eq(th_httpd_n_requests(srv), 1, "%s", r.err);
    cr_assert(th_contains(th_httpd_request(srv, 0)->body,
                          "{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":"
                          "\"Repo: acme/bot | Ref: main | Run: "
                          "https://github.com/acme/bot/actions/runs/42\"}]}"),
              "%s", th_httpd_request(srv, 0)->body);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url_kv);
    free(url);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
}

Test(alerts, both_platforms_get_one_request_each)
{
    struct th_httpd *slack = ok_server(), *tg = telegram_server();
    char *dir = example("fail");
    char *url = th_httpd_url(slack, SLACK_PATH);
    char *base = th_httpd_url(tg, "");
    char *url_kv = th_fmt("SOAK_GATE_SLACK_WEBHOOK_URL=%s", url);
    char *base_kv = th_fmt("SOAK_GATE_TELEGRAM_API_BASE=%s", base);
    struct env e;
    env_init(&e);
    env_add(&e, url_kv);
    env_add(&e, base_kv);
    env_add(&e, "SOAK_GATE_TELEGRAM_BOT_TOKEN=" TOKEN);
    env_add(&e, "SOAK_GATE_TELEGRAM_CHAT_ID=" CHAT);
    const char *args[] = {"--notify", "slack", "--notify", "telegram", NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(slack);
    th_httpd_stop(tg);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_eq(th_httpd_n_requests(slack), 1);
    cr_assert_eq(th_httpd_n_requests(tg), 1);
    cr_assert(th_contains(r.err, "[OK] Notification sent to slack\n[OK] Notification sent to "
                                 "telegram\n"),
              "%s", r.err);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url_kv);
    free(base_kv);
    free(url);
    free(base);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(slack);
    th_httpd_free(tg);
}

/* ---- delivery failures -------------------------------------------------------------- */

/* FAIL example, Slack answering 500 every time; returns the run (caller frees). */
static struct th_run failing_slack(const char *extra, size_t *n_requests)
{
    struct th_httpd_step step = {.action = TH_HTTPD_REPLY, .status = 500, .body = "rollup_error"};
    struct th_httpd *srv = th_httpd_start(&step, 1);
    char *dir = example("fail");
    char *url = th_httpd_url(srv, SLACK_PATH);
    char *url_kv = th_fmt("SOAK_GATE_SLACK_WEBHOOK_URL=%s", url);
    struct env e;
    env_init(&e);
    env_add(&e, url_kv);
    const char *args[] = {"--notify", "slack", extra, NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(srv);
    *n_requests = th_httpd_n_requests(srv);
    assert_no_secrets(&r, dir);
    free(url_kv);
    free(url);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
    return r;
}

Test(alerts, three_500s_warn_and_leave_the_exit_code_alone)
{
    size_t n = 0;
    struct th_run r = failing_slack(NULL, &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(r.status, 1, "the FAIL example exits 1, not %d\n%s", r.status, r.err);
    cr_assert(th_contains(r.err, "[WARN] Notification to slack failed: HTTP 500: rollup_error "
                                 "(after 3 attempts)\n"),
              "%s", r.err);
    cr_assert(th_contains(r.err, "  - Verdict is FAIL\n"), "%s", r.err);
    th_run_free(&r);
}

Test(alerts, notify_strict_turns_a_failed_delivery_into_exit_2)
{
    size_t n = 0;
    struct th_run r = failing_slack("--notify-strict", &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(r.status, 2, "exit %d\n%s", r.status, r.err);
    cr_assert(th_contains(r.err, "[ERROR] Notification to slack failed: HTTP 500: rollup_error "
                                 "(after 3 attempts) (--notify-strict)\n"),
              "%s", r.err);
    th_run_free(&r);
}

Test(alerts, a_refused_connection_warns_without_a_status)
{
    char *url = th_fmt("http://127.0.0.1:%d" SLACK_PATH, th_closed_port());
    char *dir = example("warn");
    struct env e;
    env_init(&e);
    const char *args[] = {"--notify", "slack", "--webhook-url", url, NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Notification to slack failed: "), "%s", r.err);
    cr_assert(th_contains(r.err, "(after 3 attempts)\n"), "%s", r.err);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url);
    th_rmtree(dir);
    free(dir);
}

/* ---- usage errors before any output (D-21) ------------------------------------------ */

/* Runs the FAIL example with env and args; asserts exit 2, no stdout, no snapshot. */
static void assert_refused(const struct env *e, const char *const *args, const char *msg)
{
    char *dir = example("fail");
    struct th_run r = run_cmd("gate", dir, e, args);
    cr_assert_eq(r.status, 2, "exit %d\n%s", r.status, r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert(!has_snapshot(dir), "a snapshot was written");
    cr_assert(!th_contains(r.err, "Snapshot written"), "%s", r.err);
    cr_assert(th_contains(r.err, msg), "want '%s' in:\n%s", msg, r.err);
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    th_rmtree(dir);
    free(dir);
}

Test(alerts, a_missing_credential_is_a_usage_error_before_any_output)
{
    struct env e;
    env_init(&e);
    const char *slack[] = {"--notify", "slack", NULL};
    assert_refused(&e, slack, "[ERROR] --notify: slack needs a webhook URL: set "
                              "SOAK_GATE_SLACK_WEBHOOK_URL");
    const char *telegram[] = {"--notify", "telegram", NULL};
    env_add(&e, "SOAK_GATE_TELEGRAM_BOT_TOKEN=" TOKEN); /* the chat id is missing */
    assert_refused(&e, telegram, "no chat id given");
}

Test(alerts, a_url_the_policy_refuses_is_a_usage_error_before_any_output)
{
    struct env e;
    env_init(&e);
    const char *args[] = {"--notify", "slack", "--webhook-url", "http://10.1.2.3/hook", NULL};
    assert_refused(&e, args, "must use https:// (http:// only to a loopback host)");
    env_add(&e, "SOAK_GATE_TELEGRAM_BOT_TOKEN=" TOKEN);
    env_add(&e, "SOAK_GATE_TELEGRAM_CHAT_ID=" CHAT);
    env_add(&e, "SOAK_GATE_TELEGRAM_API_BASE=http://10.1.2.3");
    const char *tg[] = {"--notify", "telegram", NULL};
    assert_refused(&e, tg, "must use https://");
}

Test(alerts, rejects_webhook_url_for_two_platforms_or_none_and_unknown_platforms)
{
    struct env e;
    env_init(&e);
    const char *two[] = {"--notify", "slack", "--notify", "telegram", "--webhook-url",
                         "https://hooks.slack.com/services/T0SECRET/B0SECRET/XSECRETxyz", NULL};
    assert_refused(&e, two, "--webhook-url names one destination");
    const char *none[] = {"--webhook-url",
                          "https://hooks.slack.com/services/T0SECRET/B0SECRET/XSECRETxyz", NULL};
    assert_refused(&e, none, "--webhook-url needs --notify slack|telegram");
    const char *email[] = {"--notify", "email", NULL};
    assert_refused(&e, email, "--notify: expected one of slack|telegram, got 'email'");
    env_add(&e, "SOAK_GATE_SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0SECRET/x");
    env_add(&e, "SOAK_GATE_NOTIFY_TIMEOUT_MS=soon");
    const char *slack[] = {"--notify", "slack", NULL};
    assert_refused(&e, slack, "SOAK_GATE_NOTIFY_TIMEOUT_MS");
}

/* ---- config file and pure rules ----------------------------------------------------- */

Test(alerts, config_file_takes_notify_as_an_array)
{
    struct th_httpd *srv = ok_server();
    char *dir = example("warn");
    char *cfgdir = th_mkdtemp();
    th_write(cfgdir, "c.json", "{\"notify\": [\"slack\", \"slack\"], \"notify_on\": \"always\"}");
    char *cfg = th_fmt("%s/c.json", cfgdir);
    char *url = th_httpd_url(srv, SLACK_PATH);
    char *url_kv = th_fmt("SOAK_GATE_SLACK_WEBHOOK_URL=%s", url);
    struct env e;
    env_init(&e);
    env_add(&e, url_kv);
    const char *args[] = {"--config", cfg, NULL};
    struct th_run r = run_cmd("gate", dir, &e, args);
    th_httpd_stop(srv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(th_httpd_n_requests(srv), 1, "a platform named twice is alerted once");
    assert_no_secrets(&r, dir);
    th_run_free(&r);
    free(url_kv);
    free(url);
    free(cfg);
    th_rmtree(cfgdir);
    free(cfgdir);
    th_rmtree(dir);
    free(dir);
    th_httpd_free(srv);
}

Test(alerts, notify_on_levels_select_verdicts)
{
    static const struct {
        enum sg_notify_on on;
        bool pass, warn, fail;
    } rows[] = {{SG_NOTIFY_ON_FAIL, false, false, true},
                {SG_NOTIFY_ON_WARN, false, true, true},
                {SG_NOTIFY_ON_ALWAYS, true, true, true}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        cr_assert_eq(sg_alerts_wanted(rows[i].on, SG_VERDICT_PASS), rows[i].pass, "row %zu", i);
        cr_assert_eq(sg_alerts_wanted(rows[i].on, SG_VERDICT_WARN), rows[i].warn, "row %zu", i);
        cr_assert_eq(sg_alerts_wanted(rows[i].on, SG_VERDICT_FAIL), rows[i].fail, "row %zu", i);
        cr_assert_not(sg_alerts_wanted(rows[i].on, SG_VERDICT_UNKNOWN), "row %zu", i);
    }
}
