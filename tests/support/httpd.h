/* SPDX-License-Identifier: MIT */
#ifndef SG_TEST_HTTPD_H
#define SG_TEST_HTTPD_H
/*
 * A tiny HTTP/1.1 server for tests: 127.0.0.1, an ephemeral port, one thread, one request
 * per connection ("Connection: close"). It records every request and answers from a
 * script. Everything is bounded: at most TH_HTTPD_MAX_REQUESTS recorded requests, request
 * size, poll timeouts of 50 ms, and per-connection deadlines; th_httpd_stop() joins.
 * Never talks to anything but loopback.
 */
#include <stdbool.h>
#include <stddef.h>

#define TH_HTTPD_MAX_REQUESTS 32
#define TH_HTTPD_HUGE_BYTES ((size_t)10 << 20) /* body size of TH_HTTPD_HUGE */

enum th_httpd_action {
    TH_HTTPD_REPLY,    /* status, headers, body */
    TH_HTTPD_HANG,     /* read the request, never answer; hold until the peer or stop */
    TH_HTTPD_HUGE,     /* status + a TH_HTTPD_HUGE_BYTES body of 'x' */
    TH_HTTPD_REDIRECT, /* 302 with Location: /moved */
};

/* One scripted answer. Request i gets step i, the last step repeats. Strings borrowed. */
struct th_httpd_step {
    enum th_httpd_action action;
    int status;          /* REPLY / HUGE */
    const char *headers; /* extra lines, each ending "\r\n"; may be NULL */
    const char *body;    /* REPLY; NULL means empty */
};

/* A recorded request; strings are owned by the server. */
struct th_httpd_req {
    char method[16];
    char *target;   /* path and query */
    char *headers;  /* raw header block, lines separated by "\r\n" */
    char *body;     /* NUL-terminated copy */
    size_t body_len;
};

struct th_httpd;

/* Starts a server with a copy of script[0..n_steps) (n_steps >= 1). Aborts on failure. */
struct th_httpd *th_httpd_start(const struct th_httpd_step *script, size_t n_steps);
int th_httpd_port(const struct th_httpd *s);
/* "http://127.0.0.1:<port><path>" as a new string. */
char *th_httpd_url(const struct th_httpd *s, const char *path);
/* Stops accepting, ends any held connection, joins the thread. Idempotent. */
void th_httpd_stop(struct th_httpd *s);
/* Requests recorded so far (call after stop for a stable answer). */
size_t th_httpd_n_requests(struct th_httpd *s);
const struct th_httpd_req *th_httpd_request(struct th_httpd *s, size_t i);
/* Stops if needed and frees everything. Accepts NULL. */
void th_httpd_free(struct th_httpd *s);

/* A loopback port with no listener (bound, then closed), for "connection refused". */
int th_closed_port(void);

#endif
