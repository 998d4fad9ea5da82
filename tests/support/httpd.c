/* SPDX-License-Identifier: MIT */
/* Scripted loopback HTTP/1.1 server for the notify tests (see httpd.h). */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 50
#define READ_DEADLINE_MS 5000  /* a request must arrive within this */
#define WRITE_DEADLINE_MS 30000
#define HOLD_DEADLINE_MS 60000 /* HANG never holds longer, even without stop */
#define REQ_MAX_BYTES ((size_t)1 << 20)

struct th_httpd {
    int lfd;
    int port;
    struct th_httpd_step *script;
    size_t n_steps;
    pthread_t thread;
    bool is_joined;
    atomic_bool stop;
    pthread_mutex_t lock;
    struct th_httpd_req reqs[TH_HTTPD_MAX_REQUESTS];
    size_t n_reqs;
};

static void *xmalloc_or_abort(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd in POLL_MS slices; false on stop, deadline or poll error. */
static bool wait_fd(struct th_httpd *s, int fd, short events, long deadline)
{
    while (!atomic_load(&s->stop) && now_ms() < deadline) {
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, POLL_MS);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return false;
    }
    return false;
}

static bool send_all(struct th_httpd *s, int fd, const char *p, size_t len, long deadline)
{
    while (len) {
        if (!wait_fd(s, fd, POLLOUT, deadline))
            return false;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Content-Length from a raw header block; 0 when absent. */
static size_t content_length(const char *headers)
{
    for (const char *p = headers; p && *p;) {
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            return (size_t)strtoul(p + 15, NULL, 10);
        const char *eol = strstr(p, "\r\n");
        p = eol ? eol + 2 : NULL;
    }
    return 0;
}

/* Reads one request into rq; false when the peer went away or it was too slow or big. */
static bool read_request(struct th_httpd *s, int fd, struct th_httpd_req *rq)
{
    size_t cap = 8192, len = 0, need = 0, head = 0;
    char *buf = xmalloc_or_abort(cap + 1);
    long deadline = now_ms() + READ_DEADLINE_MS;
    for (;;) {
        if (head && len >= need)
            break;
        if (len == cap) {
            if (cap >= REQ_MAX_BYTES)
                goto fail;
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL)
                abort();
            buf = nb;
        }
        if (!wait_fd(s, fd, POLLIN, deadline))
            goto fail;
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            goto fail;
        len += (size_t)n;
        buf[len] = '\0';
        char *end = head ? NULL : strstr(buf, "\r\n\r\n");
        if (end) {
            head = (size_t)(end - buf) + 4;
            buf[head - 2] = '\0'; /* temporarily end the header block for parsing */
            need = head + content_length(buf);
            buf[head - 2] = '\r';
        }
    }
    char *sp1 = strchr(buf, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    char *eol = strstr(buf, "\r\n");
    if (sp1 == NULL || sp2 == NULL || sp2 > eol || (size_t)(sp1 - buf) >= sizeof rq->method)
        goto fail;
    memcpy(rq->method, buf, (size_t)(sp1 - buf));
    rq->method[sp1 - buf] = '\0';
    rq->target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    rq->headers = strndup(eol + 2, head - 2 - (size_t)(eol + 2 - buf));
    rq->body_len = len - head;
    rq->body = strndup(buf + head, rq->body_len);
    free(buf);
    return rq->target && rq->headers && rq->body;
fail:
    free(buf);
    return false;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void send_head(struct th_httpd *s, int fd, int status, const char *extra, size_t body_len)
{
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     status, reason(status), body_len, extra ? extra : "");
    if (n > 0 && (size_t)n < sizeof head)
        (void)send_all(s, fd, head, (size_t)n, now_ms() + WRITE_DEADLINE_MS);
}

static void hold(struct th_httpd *s, int fd)
{
    long deadline = now_ms() + HOLD_DEADLINE_MS;
    char sink[512];
    while (wait_fd(s, fd, POLLIN, deadline))
        if (recv(fd, sink, sizeof sink, 0) <= 0)
            return; /* the client gave up */
}

static void send_huge(struct th_httpd *s, int fd, int status)
{
    static char chunk[64 << 10];
    memset(chunk, 'x', sizeof chunk);
    send_head(s, fd, status, NULL, TH_HTTPD_HUGE_BYTES);
    long deadline = now_ms() + WRITE_DEADLINE_MS;
    for (size_t sent = 0; sent < TH_HTTPD_HUGE_BYTES; sent += sizeof chunk)
        if (!send_all(s, fd, chunk, sizeof chunk, deadline))
            return;
}

static void answer(struct th_httpd *s, int fd, const struct th_httpd_step *st)
{
    const char *body = st->body ? st->body : "";
    switch (st->action) {
    case TH_HTTPD_REPLY:
        send_head(s, fd, st->status, st->headers, strlen(body));
        (void)send_all(s, fd, body, strlen(body), now_ms() + WRITE_DEADLINE_MS);
        break;
    case TH_HTTPD_HANG:
        hold(s, fd);
        break;
    case TH_HTTPD_HUGE:
        send_huge(s, fd, st->status);
        break;
    case TH_HTTPD_REDIRECT:
        send_head(s, fd, 302, "Location: /moved\r\n", 0);
        break;
    }
}

static void serve_one(struct th_httpd *s, int fd)
{
    struct th_httpd_req rq;
    memset(&rq, 0, sizeof rq);
    if (!read_request(s, fd, &rq)) {
        free(rq.target);
        free(rq.headers);
        free(rq.body);
        return;
    }
    pthread_mutex_lock(&s->lock);
    size_t idx = s->n_reqs;
    if (idx < TH_HTTPD_MAX_REQUESTS)
        s->reqs[s->n_reqs++] = rq;
    pthread_mutex_unlock(&s->lock);
    if (idx >= TH_HTTPD_MAX_REQUESTS) { /* over budget: drop without an answer */
        free(rq.target);
        free(rq.headers);
        free(rq.body);
        return;
    }
    answer(s, fd, &s->script[idx < s->n_steps ? idx : s->n_steps - 1]);
}

static void *serve(void *arg)
{
    struct th_httpd *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {s->lfd, POLLIN, 0};
        if (poll(&p, 1, POLL_MS) <= 0)
            continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve_one(s, fd);
        close(fd);
    }
    return NULL;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0; /* the kernel picks a free port; read it back below */
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0)
        abort();
    *port = ntohs(a.sin_port);
    return fd;
}

struct th_httpd *th_httpd_start(const struct th_httpd_step *script, size_t n_steps)
{
    if (n_steps == 0)
        abort();
    struct th_httpd *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    s->script = xmalloc_or_abort(n_steps * sizeof *script);
    memcpy(s->script, script, n_steps * sizeof *script);
    s->n_steps = n_steps;
    atomic_init(&s->stop, false);
    pthread_mutex_init(&s->lock, NULL);
    s->lfd = listen_loopback(&s->port);
    if (pthread_create(&s->thread, NULL, serve, s) != 0)
        abort();
    return s;
}

int th_httpd_port(const struct th_httpd *s)
{
    return s->port;
}

char *th_httpd_url(const struct th_httpd *s, const char *path)
{
    size_t n = strlen(path) + 40;
    char *u = xmalloc_or_abort(n);
    snprintf(u, n, "http://127.0.0.1:%d%s", s->port, path);
    return u;
}

void th_httpd_stop(struct th_httpd *s)
{
    if (s->is_joined)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->lfd);
    s->is_joined = true;
}

size_t th_httpd_n_requests(struct th_httpd *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->n_reqs;
    pthread_mutex_unlock(&s->lock);
    return n;
}

const struct th_httpd_req *th_httpd_request(struct th_httpd *s, size_t i)
{
    return i < th_httpd_n_requests(s) ? &s->reqs[i] : NULL;
}

void th_httpd_free(struct th_httpd *s)
{
    if (s == NULL)
        return;
    th_httpd_stop(s);
    for (size_t i = 0; i < s->n_reqs; i++) {
        free(s->reqs[i].target);
        free(s->reqs[i].headers);
        free(s->reqs[i].body);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->script);
    free(s);
}

int th_closed_port(void)
{
    int port;
    int fd = listen_loopback(&port);
    close(fd);
    return port;
}
