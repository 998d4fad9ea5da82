/* SPDX-License-Identifier: MIT */
/* Bounded growable text buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static size_t buf_max(const struct sg_buf *b)
{
    return b->max ? b->max : SG_BUF_DEFAULT_MAX;
}

void sg_buf_init(struct sg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->is_over = false;
}

void sg_buf_release(struct sg_buf *b)
{
    size_t max = b->max;
    free(b->data);
    sg_buf_init(b, max);
}

void sg_buf_reset(struct sg_buf *b)
{
    b->len = 0;
    b->is_over = false;
    if (b->data)
        b->data[0] = '\0';
}

static enum sg_rc grow(struct sg_buf *b, size_t extra)
{
    if (b->is_over)
        return SG_LIMIT;
    if (extra > buf_max(b) - b->len) {
        b->is_over = true;
        return SG_LIMIT;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return SG_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    b->data = sg_xreallocarray(b->data, cap, 1);
    b->cap = cap;
    return SG_OK;
}

enum sg_rc sg_buf_reserve(struct sg_buf *b, size_t extra)
{
    if (extra > ((size_t)-1) / 2 - b->len)
        return SG_LIMIT;
    size_t need = b->len + extra + 1;
    if (need > b->cap) {
        b->data = sg_xreallocarray(b->data, need, 1);
        b->cap = need;
    }
    return SG_OK;
}

enum sg_rc sg_buf_add(struct sg_buf *b, const void *data, size_t len)
{
    if (grow(b, len) != SG_OK)
        return SG_LIMIT;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return SG_OK;
}

enum sg_rc sg_buf_adds(struct sg_buf *b, const char *s)
{
    return sg_buf_add(b, s, strlen(s));
}

enum sg_rc sg_buf_addc(struct sg_buf *b, char c)
{
    return sg_buf_add(b, &c, 1);
}

enum sg_rc sg_buf_addn(struct sg_buf *b, char c, size_t n)
{
    if (grow(b, n) != SG_OK)
        return SG_LIMIT;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SG_OK;
}

enum sg_rc sg_buf_addf(struct sg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->is_over = true;
        return SG_LIMIT;
    }
    if ((size_t)n < sizeof small)
        return sg_buf_add(b, small, (size_t)n);
    if (grow(b, (size_t)n) != SG_OK)
        return SG_LIMIT;
    va_start(ap, fmt);
    int m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n) {
        b->data[b->len] = '\0';
        b->is_over = true;
        return SG_LIMIT;
    }
    b->len += (size_t)n;
    return SG_OK;
}

enum sg_rc sg_buf_rc(const struct sg_buf *b, struct sg_err *err)
{
    if (!b->is_over)
        return SG_OK;
    return sg_err_set(err, SG_LIMIT, "output exceeds %zu bytes", buf_max(b));
}

const char *sg_buf_str(const struct sg_buf *b)
{
    return b->data ? b->data : "";
}

char *sg_buf_detach(struct sg_buf *b, size_t *len)
{
    char *p = b->data ? b->data : sg_xstrdup("");
    if (len)
        *len = b->len;
    sg_buf_init(b, b->max);
    return p;
}
