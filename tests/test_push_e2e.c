/* SPDX-License-Identifier: MIT */
/*
 * Round trip through a real Prometheus Pushgateway on 127.0.0.1: each test starts its own
 * gateway ($SG_PUSHGATEWAY) on a free port, waits until /-/ready answers (bounded), runs
 * the built binary with --pushgateway, reads /metrics back with libcurl and compares every
 * soakgate_* series and label with the .prom file the same run wrote. The gateway is
 * stopped by its PID in the suite's .fini (and gets SIGTERM if the test process dies).
 *
 * Not configured ($SG_PUSHGATEWAY empty): exit 77, which ctest reports as skipped.
 * Configured but not executable: a failure.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "helpers.h"

#define READY_WAIT_MS 15000 /* the gateway is usually ready in < 1.5 s */

static pid_t gw_pid = -1;
static int gw_port;

/* ------------------------------------------------------------------ HTTP and process */

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    sg_buf_add(user, data, size * n);
    return size * n;
}

/* GET url (2 s timeout); the status code, or -1 when the connection failed. */
static long http_get(const char *url, struct sg_buf *body)
{
    CURL *h = curl_easy_init();
    cr_assert_not_null(h);
    long code = -1;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_PROXY, ""); /* loopback only, whatever the environment says */
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    return code;
}

static int free_port(void)
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

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void stop_gateway(void)
{
    if (gw_pid <= 0)
        return;
    kill(gw_pid, SIGTERM);
    for (int i = 0; i < 50; i++) { /* up to 5 s, then SIGKILL */
        if (waitpid(gw_pid, NULL, WNOHANG) == gw_pid) {
            gw_pid = -1;
            return;
        }
        sleep_ms(100);
    }
    kill(gw_pid, SIGKILL);
    waitpid(gw_pid, NULL, 0);
    gw_pid = -1;
}

static void start_gateway(void)
{
    const char *gw = getenv("SG_PUSHGATEWAY");
    gw_port = free_port();
    char *listen = th_fmt("--web.listen-address=127.0.0.1:%d", gw_port);
    gw_pid = fork();
    cr_assert(gw_pid >= 0);
    if (gw_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive a crashed test */
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        /* Debian's build persists to /var/lib by default: keep this gateway in memory. */
        execl(gw, gw, listen, "--persistence.file=", (char *)NULL);
        _exit(127);
    }
    free(listen);
    char *ready = th_fmt("http://127.0.0.1:%d/-/ready", gw_port);
    for (int waited = 0;; waited += 100) {
        struct sg_buf body;
        sg_buf_init(&body, 0);
        long code = http_get(ready, &body);
        sg_buf_release(&body);
        if (code == 200)
            break;
        int st;
        if (waitpid(gw_pid, &st, WNOHANG) == gw_pid) {
            gw_pid = -1;
            cr_assert_fail("%s exited during start-up (status %d)", gw, st);
        }
        if (waited >= READY_WAIT_MS) {
            stop_gateway();
            cr_assert_fail("%s not ready after %d ms", gw, READY_WAIT_MS);
        }
        sleep_ms(100);
    }
    free(ready);
}

TestSuite(push_e2e, .init = start_gateway, .fini = stop_gateway, .timeout = 90);

/* ------------------------------------------------------------------ exposition parsing */

struct sample {
    char name[96];
    char labels[1024]; /* "k=v\n" pairs sorted by name, values unescaped */
    double value;
};

struct samples {
    struct sample items[256];
    size_t n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads {k="v",...}; p is at '{'. Returns the position after '}'. */
static const char *parse_labels(const char *p, const char *extra, char out[1024])
{
    char pairs[32][256];
    const char *sorted[32];
    size_t n = 0;
    for (const char *e = extra; e && *e; e += strlen(e) + 1) /* extra: "k=v\0k=v\0\0" */
        snprintf(pairs[n++], sizeof pairs[0], "%s", e);
    for (p++; *p && *p != '}';) {
        size_t k = strcspn(p, "=");
        cr_assert(p[k] == '=' && p[k + 1] == '"' && n < 32, "bad labels at %s", p);
        size_t len = (size_t)snprintf(pairs[n], sizeof pairs[0], "%.*s=", (int)k, p);
        for (p += k + 2; *p && *p != '"'; p++) {
            char c = *p;
            if (c == '\\') {
                c = *++p == 'n' ? '\n' : *p;
            }
            cr_assert_lt(len, sizeof pairs[0] - 1);
            pairs[n][len++] = c;
        }
        pairs[n++][len] = '\0';
        cr_assert(*p == '"');
        p++;
        if (*p == ',')
            p++;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = pairs[i];
    qsort(sorted, n, sizeof sorted[0], cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(out, sorted[i], 1023 - strlen(out));
        strncat(out, "\n", 1023 - strlen(out));
    }
    return *p ? p + 1 : p;
}

/* The soakgate_* samples of text; extra labels are added to every sample. */
static void parse_samples(const char *text, const char *extra, struct samples *out)
{
    out->n = 0;
    for (const char *line = text, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next == '\n')
            next++;
        if (strncmp(line, "soakgate_", 9) != 0)
            continue;
        cr_assert_lt(out->n, 256);
        struct sample *s = &out->items[out->n++];
        size_t k = strcspn(line, "{ ");
        snprintf(s->name, sizeof s->name, "%.*s", (int)k, line);
        const char *p = line + k;
        if (*p == '{')
            p = parse_labels(p, extra, s->labels);
        else
            parse_labels("{}", extra, s->labels);
        s->value = strtod(p, NULL);
    }
}

static const struct sample *find(const struct samples *in, const struct sample *want)
{
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->items[i].name, want->name) == 0 &&
            strcmp(in->items[i].labels, want->labels) == 0)
            return &in->items[i];
    return NULL;
}

/* ------------------------------------------------------------------ tests */

static char *vector_copy(const char *name)
{
    char *dir = th_mkdtemp();
    char *src = th_fmt("%s/%s/input", SG_VECTORS_DIR, name);
    th_copy_dir(src, dir);
    free(src);
    return dir;
}

static char *gateway_metrics(void)
{
    char *url = th_fmt("http://127.0.0.1:%d/metrics", gw_port);
    struct sg_buf body;
    sg_buf_init(&body, 0);
    cr_assert_eq(http_get(url, &body), 200);
    free(url);
    return sg_buf_detach(&body, NULL);
}

static const char *const run_env[] = {
    "GITHUB_REPOSITORY=octo/soak-gate", "GITHUB_REF=refs/heads/we\"ird\\branch",
    "GITHUB_SHA=0123456789abcdef0123456789abcdef01234567", "GITHUB_RUN_ID=31337",
    "SOAK_GATE_NOW=1760630400", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", NULL};

static struct th_run push(const char *dir, const char *base_path, const char *const *more)
{
    const char *argv[24] = {"gate", "--quiet", "--path", dir, "--prometheus", "--push-timeout",
                            "10", "--pushgateway"};
    size_t n = 8;
    char *gw = th_fmt("http://127.0.0.1:%d%s", gw_port, base_path);
    argv[n++] = gw;
    for (; more && *more && n < 23; more++)
        argv[n++] = *more;
    argv[n] = NULL;
    struct th_run r = th_run_bin(NULL, run_env, argv);
    free(gw);
    return r;
}

Test(push_e2e, every_series_and_label_arrives_with_the_grouping_key)
{
    char *dir = vector_copy("T24_repo_generator");
    const char *more[] = {"--push-job", "soak/nightly", "--push-label", "instance=runner-1",
                          "--push-label", "branch=feature/prom", "--push-label", "empty=", NULL};
    struct th_run r = push(dir, "", more);
    cr_assert_eq(r.status, 0, "stderr:\n%s", r.err);
    cr_assert(th_contains(r.err, "[OK] Metrics pushed to Pushgateway: http://127.0.0.1:"),
              "%s", r.err);
    cr_assert(th_contains(r.err, "/metrics/job@base64/c29hay9uaWdodGx5/instance/runner-1"
                                 "/branch@base64/ZmVhdHVyZS9wcm9t/empty@base64/="), "%s", r.err);
    th_run_free(&r);

    char *path = th_fmt("%s/POST_SOAK_METRICS.prom", dir);
    char *local = th_slurp(path, NULL), *remote = gateway_metrics();
    static struct samples want, got;
    parse_samples(local, "job=soak/nightly\0instance=runner-1\0branch=feature/prom\0empty=\0",
                  &want);
    parse_samples(remote, NULL, &got);
    /* 29 snapshot samples + 24 drift samples (4 KPIs: points, slope, change, 2 p-values,
     * degrading), so the drift series are checked through the round trip too. */
    cr_assert_eq(want.n, 53, "T24 has 53 soakgate_ samples, found %zu", want.n);
    cr_assert_eq(got.n, want.n, "gateway has %zu soakgate_ series, file %zu:\n%s", got.n,
                 want.n, remote);
    for (size_t i = 0; i < want.n; i++) {
        const struct sample *g = find(&got, &want.items[i]);
        cr_assert_not_null(g, "missing %s{%s} in:\n%s", want.items[i].name, want.items[i].labels,
                           remote);
        cr_assert(g->value == want.items[i].value, "%s: %.17g != %.17g", g->name, g->value,
                  want.items[i].value);
    }
    cr_assert(th_contains(remote, "ref=\"refs/heads/we\\\"ird\\\\branch\""), "%s", remote);
    cr_assert(th_contains(remote, "push_failure_time_seconds{branch=\"feature/prom\",empty=\"\","
                                  "instance=\"runner-1\",job=\"soak/nightly\"} 0"), "%s", remote);
    free(local);
    free(remote);
    free(path);
    th_rmtree(dir);
    free(dir);
}

Test(push_e2e, a_second_push_replaces_the_group)
{
    char *pass = vector_copy("T24_repo_generator"), *warn = vector_copy("F_warn");
    struct th_run r = push(pass, "/", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);
    r = push(warn, "/", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);
    char *remote = gateway_metrics();
    cr_assert(th_contains(remote, "soakgate_verdict{instance=\"\",job=\"soak-gate\","
                                  "verdict=\"WARN\"} 1"), "%s", remote);
    cr_assert(th_contains(remote, "soakgate_verdict{instance=\"\",job=\"soak-gate\","
                                  "verdict=\"PASS\"} 0"), "%s", remote);
    free(remote);
    th_rmtree(pass);
    th_rmtree(warn);
    free(pass);
    free(warn);
}

Test(push_e2e, an_http_error_warns_or_exits_2_with_push_strict)
{
    char *dir = vector_copy("T24_repo_generator");
    struct th_run r = push(dir, "/no/such/prefix", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(th_contains(r.err, "[WARN] Pushgateway push failed: ") &&
                  th_contains(r.err, ": HTTP 404"), "%s", r.err);
    th_run_free(&r);
    const char *strict[] = {"--push-strict", NULL};
    r = push(dir, "/no/such/prefix", strict);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(th_contains(r.err, "[ERROR] Pushgateway push failed: "), "%s", r.err);
    th_run_free(&r);
    th_rmtree(dir);
    free(dir);
}

/* ------------------------------------------------------------------ main */

int main(int argc, char *argv[])
{
    const char *gw = getenv("SG_PUSHGATEWAY");
    if (gw == NULL || gw[0] == '\0') {
        fprintf(stderr, "NOTE: Pushgateway not configured; set SG_PUSHGATEWAY (apt-get install "
                        "prometheus-pushgateway) to run the push round trip. Skipping.\n");
        return 77;
    }
    if (access(gw, X_OK) != 0) {
        fprintf(stderr, "FAIL: SG_PUSHGATEWAY=%s is not executable: %s\n", gw, strerror(errno));
        return 1;
    }
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true))
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    return result;
}
