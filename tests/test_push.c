/* SPDX-License-Identifier: MIT */
/*
 * push: @base64 encoding, grouping-key URLs, credential redaction, option checks, and the
 * binary's behaviour when the Pushgateway cannot be reached (a closed port on 127.0.0.1).
 * The round trip through a real Pushgateway is in test_push_e2e.c.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "helpers.h"
#include "push.h"

static char *b64(const char *s, size_t len)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_push_base64url(s, len, &b);
    return sg_buf_detach(&b, NULL);
}

static struct sg_strlist list(const char *a, const char *b, const char *c)
{
    struct sg_strlist l = {{a, b, c}, 0};
    l.n = c ? 3 : b ? 2 : a ? 1 : 0;
    return l;
}

static char *url(const char *base, const char *job, const struct sg_strlist *labels)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_push_url_build(base, job, labels, &b);
    return sg_buf_detach(&b, NULL);
}

static char *redacted(const char *u)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_push_redact_url(u, &b);
    return sg_buf_detach(&b, NULL);
}

/* ------------------------------------------------------------------ base64 */

Test(push, base64url_matches_the_rfc4648_test_vectors)
{
    static const char *const rows[][2] = {{"", ""},          {"f", "Zg=="},
                                          {"fo", "Zm8="},    {"foo", "Zm9v"},
                                          {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                          {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *e = b64(rows[i][0], strlen(rows[i][0]));
        cr_assert_str_eq(e, rows[i][1], "base64url(\"%s\")", rows[i][0]);
        free(e);
    }
}

Test(push, base64url_uses_the_url_safe_alphabet)
{
    char *e = b64("\xfb\xff\xbf", 3); /* "+/+/" in the standard alphabet */
    cr_assert_str_eq(e, "-_-_");
    free(e);
    e = b64("/var/tmp", 8);
    cr_assert_str_eq(e, "L3Zhci90bXA=");
    free(e);
}

/* ------------------------------------------------------------------ URLs */

Test(push, url_keeps_plain_values_and_strips_trailing_slashes)
{
    struct sg_strlist l = list("instance=runner-1", "env=ci.main_~x", NULL);
    char *u = url("http://gw:9091//", "soak-gate", &l);
    cr_assert_str_eq(u, "http://gw:9091/metrics/job/soak-gate/instance/runner-1/env/ci.main_~x");
    free(u);
}

Test(push, url_base64_encodes_slashes_empty_values_and_dot_segments)
{
    struct sg_strlist l = list("branch=feature/x", "empty=", "dir=..");
    char *u = url("https://gw", "nightly/soak", &l);
    cr_assert_str_eq(u, "https://gw/metrics/job@base64/bmlnaHRseS9zb2Fr"
                        "/branch@base64/ZmVhdHVyZS94/empty@base64/=/dir@base64/Li4=");
    free(u);
}

Test(push, url_base64_encodes_spaces_percent_and_non_ascii)
{
    struct sg_strlist l = list("who=a b", "p=50%", "n=Προ");
    char *u = url("http://gw", "j", &l);
    cr_assert_str_eq(u, "http://gw/metrics/job/j/who@base64/YSBi/p@base64/NTAl"
                        "/n@base64/zqDPgc6_");
    free(u);
}

Test(push, redaction_hides_user_and_password)
{
    static const char *const rows[][2] = {
        {"http://user:s3cret@gw:9091/metrics", "http://***@gw:9091/metrics"},
        {"https://token@gw", "https://***@gw"},
        {"http://a:b@c@gw/x@y", "http://***@gw/x@y"},
        {"http://gw:9091/p@th", "http://gw:9091/p@th"},
        {"http://gw", "http://gw"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *r = redacted(rows[i][0]);
        cr_assert_str_eq(r, rows[i][1], "redact(%s)", rows[i][0]);
        free(r);
    }
}

/* ------------------------------------------------------------------ option checks */

static void rejects(const char *u, const char *job, const char *label, const char *msg_part)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_strlist l = list(label, NULL, NULL);
    cr_assert_eq(sg_push_check_config(u, job, &l, &err), SG_USAGE, "accepted %s %s %s",
                 u ? u : "-", job, label ? label : "-");
    cr_assert(strstr(err.msg, msg_part), "message '%s' lacks '%s'", err.msg, msg_part);
}

Test(push, rejects_bad_label_names)
{
    rejects(NULL, "j", "9lives=x", "[a-zA-Z_][a-zA-Z0-9_]*");
    rejects(NULL, "j", "__name=x", "not start with __");
    rejects(NULL, "j", "bad-name=x", "label name must match");
    rejects(NULL, "j", "=x", "label name must match");
    rejects(NULL, "j", "novalue", "expected NAME=VALUE");
    rejects(NULL, "j", "job=x", "reserved");
    rejects(NULL, "j", "verdict=x", "reserved");
    rejects(NULL, "j", "v=\xff", "not valid UTF-8");
}

Test(push, rejects_duplicate_labels)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_strlist l = list("a=1", "b=2", "a=3");
    cr_assert_eq(sg_push_check_config(NULL, "j", &l, &err), SG_USAGE);
    cr_assert(strstr(err.msg, "label 'a' given twice"), "%s", err.msg);
}

Test(push, rejects_bad_urls_and_jobs)
{
    rejects("ftp://gw", "j", NULL, "http:// or https://");
    rejects("gw:9091", "j", NULL, "http:// or https://");
    rejects("http://", "j", NULL, "no host");
    rejects("http://gw/?x=1", "j", NULL, "query or fragment");
    rejects("http://gw /", "j", NULL, "space or control");
    rejects("http://gw", "", NULL, "must not be empty");
}

Test(push, accepts_valid_labels_and_urls)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_strlist l = list("_x=", "instance=a/b", "Env_2=Προ");
    cr_assert_eq(sg_push_check_config("https://u:p@gw:9091/prefix/", "soak/nightly", &l, &err),
                 SG_OK, "%s", err.msg);
    cr_assert(sg_push_label_name_ok("a", 1));
    cr_assert(sg_push_label_name_ok("_", 1));
    cr_assert_not(sg_push_label_name_ok("__", 2));
    cr_assert_not(sg_push_label_name_ok("", 0));
}

Test(push, push_label_is_repeatable_and_validated_with_the_config)
{
    struct sg_config cfg;
    struct sg_err err = SG_ERR_INIT;
    sg_config_init(&cfg);
    const struct sg_option *o = sg_config_find("push-label");
    cr_assert_not_null(o);
    cr_assert_eq(sg_config_set(&cfg, o, "a=1", &err), SG_OK);
    cr_assert_eq(sg_config_set(&cfg, o, "b=2", &err), SG_OK);
    cr_assert_eq(cfg.push_labels.n, 2);
    cr_assert_str_eq(cfg.push_labels.items[1], "b=2");
    cr_assert_eq(sg_config_validate(&cfg, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(sg_config_set(&cfg, o, "__c=3", &err), SG_OK);
    cr_assert_eq(sg_config_validate(&cfg, &err), SG_USAGE);
    cr_assert(strstr(err.msg, "--push-label '__c=3'"), "%s", err.msg);
}

Test(push, config_file_takes_push_labels_as_an_array_or_a_string)
{
    char *dir = th_mkdtemp();
    th_write(dir, "a.json", "{\"push_label\": [\"instance=ci\", \"branch=feature/x\"], "
                            "\"prometheus\": true, \"prometheus_names\": \"legacy\", "
                            "\"push_job\": \"nightly\", \"push_timeout\": 3}");
    th_write(dir, "b.json", "{\"push_label\": \"instance=ci\"}");
    th_write(dir, "c.json", "{\"push_label\": [\"ok=1\", 7]}");
    char *a = th_fmt("%s/a.json", dir), *b = th_fmt("%s/b.json", dir), *c = th_fmt("%s/c.json", dir);
    struct sg_config cfg;
    struct sg_arena strings;
    struct sg_err err = SG_ERR_INIT;
    sg_arena_init(&strings);
    sg_config_init(&cfg);
    cr_assert_eq(sg_config_load_file(&cfg, a, &strings, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(cfg.push_labels.n, 2);
    cr_assert_str_eq(cfg.push_labels.items[1], "branch=feature/x");
    cr_assert(cfg.want_prometheus && cfg.prom_names == SG_PROM_NAMES_LEGACY);
    cr_assert_str_eq(cfg.push_job, "nightly");
    cr_assert_eq(cfg.push_timeout_s, 3);
    sg_config_init(&cfg);
    cr_assert_eq(sg_config_load_file(&cfg, b, &strings, &err), SG_OK, "%s", err.msg);
    cr_assert_eq(cfg.push_labels.n, 1);
    sg_config_init(&cfg);
    cr_assert_eq(sg_config_load_file(&cfg, c, &strings, &err), SG_USAGE);
    cr_assert(strstr(err.msg, "push-label[1]: push-label: expected a string, found a number"), "%s", err.msg);
    sg_arena_release(&strings);
    th_rmtree(dir);
    free(a);
    free(b);
    free(c);
    free(dir);
}

/* ------------------------------------------------------------------ the binary */

/* A 127.0.0.1 port that nothing listens on (bound, read, closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
              getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

static char *vector_copy(const char *name)
{
    char *dir = th_mkdtemp();
    char *src = th_fmt("%s/%s/input", SG_VECTORS_DIR, name);
    th_copy_dir(src, dir);
    free(src);
    return dir;
}

static const char *const quiet_env[] = {"GITHUB_REPOSITORY", "GITHUB_REF", "GITHUB_SHA",
                                        "GITHUB_RUN_ID", "SOAK_GATE_NOW=1700000000", NULL};

static struct th_run gate_push(const char *dir, const char *gw, bool strict)
{
    const char *argv[] = {"gate", "--quiet", "--path", dir, "--pushgateway", gw,
                          "--push-timeout", "5", strict ? "--push-strict" : NULL, NULL};
    return th_run_bin(NULL, quiet_env, argv);
}

Test(push, unreachable_gateway_warns_and_keeps_the_exit_code)
{
    char *dir = vector_copy("T24_repo_generator");
    char *gw = th_fmt("http://ci:hunter2@127.0.0.1:%d/", closed_port());
    struct th_run r = gate_push(dir, gw, false);
    cr_assert_eq(r.status, 0, "PASS stays exit 0; stderr:\n%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Pushgateway push failed: http://***@127.0.0.1:"),
              "%s", r.err);
    cr_assert_not(th_contains(r.err, "hunter2"), "credentials printed:\n%s", r.err);
    th_run_free(&r);

    th_rmtree(dir);
    free(dir);
    dir = vector_copy("RUNPY_mock_10iter");
    r = gate_push(dir, gw, false);
    cr_assert_eq(r.status, 1, "FAIL stays exit 1; stderr:\n%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Pushgateway push failed:"), "%s", r.err);
    th_run_free(&r);
    th_rmtree(dir);
    free(dir);
    free(gw);
}

Test(push, push_strict_turns_a_failed_push_into_exit_2)
{
    const char *vectors[] = {"T24_repo_generator", "RUNPY_mock_10iter"}; /* PASS, FAIL */
    char *gw = th_fmt("http://127.0.0.1:%d", closed_port());
    for (size_t i = 0; i < 2; i++) {
        char *dir = vector_copy(vectors[i]);
        struct th_run r = gate_push(dir, gw, true);
        cr_assert_eq(r.status, 2, "%s: 2 wins (D-7); stderr:\n%s", vectors[i], r.err);
        cr_assert(th_contains(r.err, "[ERROR] Pushgateway push failed:"), "%s", r.err);
        th_run_free(&r);
        th_rmtree(dir);
        free(dir);
    }
    free(gw);
}

Test(push, bad_push_label_is_a_usage_error_before_anything_is_written)
{
    char *dir = vector_copy("T24_repo_generator");
    const char *argv[] = {"gate", "--path", dir, "--prometheus", "--pushgateway",
                          "http://127.0.0.1:1", "--push-label", "bad-name=x", NULL};
    struct th_run r = th_run_bin(NULL, quiet_env, argv);
    cr_assert_eq(r.status, 2, "stderr:\n%s", r.err);
    cr_assert(th_contains(r.err, "--push-label 'bad-name=x'"), "%s", r.err);
    char *snap = th_fmt("%s/POST_SOAK_SNAPSHOT.json", dir);
    char *prom = th_fmt("%s/POST_SOAK_METRICS.prom", dir);
    cr_assert(access(snap, F_OK) != 0 && access(prom, F_OK) != 0, "an output was written");
    th_run_free(&r);
    th_rmtree(dir);
    free(snap);
    free(prom);
    free(dir);
}
