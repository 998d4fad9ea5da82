/* SPDX-License-Identifier: MIT */
#ifndef SG_ERR_H
#define SG_ERR_H
/*
 * Error codes and the caller-owned error buffer.
 *
 * Every fallible function returns an enum sg_rc and fills a struct sg_err that its caller
 * owns. The first error set wins; later sets are ignored, so the innermost (most precise)
 * message survives, and sg_err_wrap() adds context on the way up. Nothing here prints.
 */
#include <stdarg.h>

#define SG_RC_MAP(X)                                                                             \
    X(OK, "success")                                                                             \
    X(USAGE, "invalid option or input")                                                          \
    X(IO, "file error")                                                                          \
    X(PARSE, "malformed JSON")                                                                   \
    X(SCHEMA, "unexpected JSON shape")                                                           \
    X(RANGE, "number out of range or not finite")                                                \
    X(LIMIT, "input exceeds a limit")                                                            \
    X(NOMEM, "out of memory")                                                                    \
    X(NET, "webhook delivery failed")                                                            \
    X(BUG, "internal error")                                                                     \
    X(NODATA, "no data to evaluate")

enum sg_rc {
#define SG_RC_ENUM(name, text) SG_##name,
    SG_RC_MAP(SG_RC_ENUM)
#undef SG_RC_ENUM
        SG_RC_COUNT
};

#define SG_ERR_MSG_LEN 512

struct sg_err {
    enum sg_rc rc;             /* SG_OK until the first sg_err_set() */
    char msg[SG_ERR_MSG_LEN];  /* NUL-terminated; "" while rc == SG_OK */
};

#define SG_ERR_INIT {SG_OK, ""}

/* Sets err to OK with an empty message. */
void sg_err_init(struct sg_err *err);

/* Symbolic name ("PARSE") and description of rc; static strings. */
const char *sg_rc_name(enum sg_rc rc);
const char *sg_rc_text(enum sg_rc rc);

/*
 * Records rc and a printf-style message unless an error is already recorded; returns rc
 * either way, so `return sg_err_set(err, SG_IO, "...")` reads naturally. err may be NULL.
 */
enum sg_rc sg_err_set(struct sg_err *err, enum sg_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the recorded message with "<context>: "; no-op when no error is recorded. */
void sg_err_wrap(struct sg_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Aborts with file and line: for states only a bug can reach. */
#define SG_BUG(msg) sg_bug(__FILE__, __LINE__, (msg))
_Noreturn void sg_bug(const char *file, int line, const char *msg);

#endif
