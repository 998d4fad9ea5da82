/* SPDX-License-Identifier: MIT */
#ifndef SG_BUF_H
#define SG_BUF_H
/*
 * Bounded, growable, NUL-terminated text buffer (in the manner of git's strbuf and curl's
 * dynbuf). Every writer renders into one of these. A buffer has a hard maximum size; an
 * append that would pass it fails with SG_LIMIT and makes the buffer "over": later appends
 * are ignored, so a renderer may append freely and check sg_buf_rc() once at the end.
 * Never prints, never exits (allocation failure aborts through xalloc).
 */
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SG_BUF_DEFAULT_MAX ((size_t)256 << 20) /* 256 MiB */

struct sg_buf {
    char *data;    /* owned; NULL until the first append; always NUL-terminated after one */
    size_t len;    /* bytes used, excluding the NUL */
    size_t cap;    /* bytes allocated */
    size_t max;    /* hard limit on len; 0 means SG_BUF_DEFAULT_MAX */
    bool is_over;  /* an append failed: contents are incomplete */
};

/* Fills b as empty with the given maximum (0: default). Allocates nothing. */
void sg_buf_init(struct sg_buf *b, size_t max);
/* Frees the contents and leaves b initialised with the same max. Accepts a zeroed struct. */
void sg_buf_release(struct sg_buf *b);
/* Empties b, keeping its allocation and clearing is_over. */
void sg_buf_reset(struct sg_buf *b);

/* Appends; each returns SG_OK or SG_LIMIT (and then marks b over). */
enum sg_rc sg_buf_add(struct sg_buf *b, const void *data, size_t len);
enum sg_rc sg_buf_adds(struct sg_buf *b, const char *s);
enum sg_rc sg_buf_addc(struct sg_buf *b, char c);
enum sg_rc sg_buf_addf(struct sg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends c n times. */
enum sg_rc sg_buf_addn(struct sg_buf *b, char c, size_t n);

/*
 * Makes room for extra more bytes plus the NUL without changing the contents, so a reader
 * can fill data + len directly (and then update len and the NUL itself). Capacity only:
 * the maximum is not checked here. SG_LIMIT only on size overflow.
 */
enum sg_rc sg_buf_reserve(struct sg_buf *b, size_t extra);

/* SG_LIMIT (with a message naming the limit) if any append failed, else SG_OK. */
enum sg_rc sg_buf_rc(const struct sg_buf *b, struct sg_err *err);
/* The contents as a C string; "" for an untouched buffer. Borrowed from b. */
const char *sg_buf_str(const struct sg_buf *b);
/* Takes the contents out (caller frees), leaving b empty. Never NULL. */
char *sg_buf_detach(struct sg_buf *b, size_t *len);

#endif
