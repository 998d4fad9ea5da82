/* SPDX-License-Identifier: MIT */
#ifndef SG_PUSH_H
#define SG_PUSH_H
/*
 * Prometheus Pushgateway client: builds the grouping-key URL
 * (<base>/metrics/job/<job>{/<label>/<value>}, with @base64 segments where a value needs
 * them) and PUTs an already rendered text exposition there (libcurl stays inside push.c).
 *
 * Where it sits: config.c calls sg_push_check_config() while validating options, so a bad
 * --push-label is a usage error before anything is written; run.c renders the default
 * metric set (out_prom.c) and hands it to sg_push_send(). Everything but sg_push_send() is
 * pure. Never prints, never exits, never decides the exit code, never keeps a pointer it
 * was lent. URLs may carry credentials (user:pass@): show them only through
 * sg_push_redact_url().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct sg_buf;
struct sg_strlist;

/* True when name[0..len) is a valid label name: [a-zA-Z_][a-zA-Z0-9_]*, not "__...". */
bool sg_push_label_name_ok(const char *name, size_t len);

/*
 * Checks the push options: url (may be NULL: no push) is http:// or https:// with a host
 * and no query or fragment; job is non-empty UTF-8; every label is "name=value" with a
 * valid name that is neither "job", a duplicate, nor a label soak-gate's metrics use
 * (the grouping key overwrites those), and a UTF-8 value. SG_USAGE naming the culprit.
 */
enum sg_rc sg_push_check_config(const char *url, const char *job, const struct sg_strlist *labels,
                                struct sg_err *err);

/* Appends data[0..len) in RFC 4648 section 5 base64 (URL- and filename-safe, padded). */
void sg_push_base64url(const void *data, size_t len, struct sg_buf *out);

/*
 * Appends the push URL: base without trailing slashes, "/metrics/job/<job>", then
 * "/<name>/<value>" per label. A job or value that is empty, "." or "..", or holds any
 * byte outside [A-Za-z0-9._~-] is written as "<name>@base64/<base64url>" ("=" when
 * empty). labels must have passed sg_push_check_config(); borrows everything.
 */
void sg_push_url_build(const char *base, const char *job, const struct sg_strlist *labels,
                       struct sg_buf *out);

/* Appends url with any user:password@ part replaced by "***@". */
void sg_push_redact_url(const char *url, struct sg_buf *out);

/*
 * PUTs body[0..len) to url as text/plain version 0.0.4: connect and total timeouts
 * (timeout_s), no redirects, http and https only, no signals. Success is HTTP 200 or 202;
 * anything else is SG_NET with libcurl's reason or "HTTP <code>: <first line of the
 * response>" (never the URL). Needs curl_global_init() done by main.
 */
enum sg_rc sg_push_send(const char *url, const char *body, size_t len, int64_t timeout_s,
                        struct sg_err *err);

#endif
