/* SPDX-License-Identifier: MIT */
/* Error code table and the first-error-wins message buffer. */
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rc_names[] = {
#define SG_RC_NAME(name, text) #name,
    SG_RC_MAP(SG_RC_NAME)
#undef SG_RC_NAME
};

static const char *const rc_texts[] = {
#define SG_RC_TEXT(name, text) text,
    SG_RC_MAP(SG_RC_TEXT)
#undef SG_RC_TEXT
};

void sg_err_init(struct sg_err *err)
{
    err->rc = SG_OK;
    err->msg[0] = '\0';
}

const char *sg_rc_name(enum sg_rc rc)
{
    return (unsigned)rc < SG_RC_COUNT ? rc_names[rc] : "UNKNOWN";
}

const char *sg_rc_text(enum sg_rc rc)
{
    return (unsigned)rc < SG_RC_COUNT ? rc_texts[rc] : "unknown error";
}

enum sg_rc sg_err_set(struct sg_err *err, enum sg_rc rc, const char *fmt, ...)
{
    if (err == NULL || err->rc != SG_OK)
        return rc;
    err->rc = rc;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        err->msg[0] = '\0';
    return rc;
}

void sg_err_wrap(struct sg_err *err, const char *fmt, ...)
{
    if (err == NULL || err->rc == SG_OK)
        return;
    char ctx[SG_ERR_MSG_LEN];
    char old[SG_ERR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    memcpy(old, err->msg, sizeof old);
    /* Truncation is acceptable here: the message is for people and stays NUL-terminated. */
    size_t cl = strlen(ctx), ol = strlen(old), cap = sizeof err->msg - 1;
    size_t k = cl < cap ? cl : cap;
    memcpy(err->msg, ctx, k);
    if (k + 2 <= cap) {
        memcpy(err->msg + k, ": ", 2);
        k += 2;
    }
    size_t m = ol < cap - k ? ol : cap - k;
    memcpy(err->msg + k, old, m);
    err->msg[k + m] = '\0';
}

void sg_bug(const char *file, int line, const char *msg)
{
    fprintf(stderr, "soak-gate: BUG at %s:%d: %s\n", file, line, msg);
    abort();
}
