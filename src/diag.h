/* SPDX-License-Identifier: MIT */
#ifndef SG_DIAG_H
#define SG_DIAG_H
/*
 * Diagnostics: non-fatal problems as data (STYLE 2.7). A skipped file, a value treated as
 * missing or a failed webhook becomes one entry here and appears in every output (stderr,
 * audit, job summary, annotations). The list is bounded: past SG_DIAG_MAX entries only a
 * count of the dropped ones is kept. Pure: never prints.
 */
#include <stdbool.h>
#include <stddef.h>

#define SG_DIAG_MAX 1000

enum sg_diag_level {
    SG_DIAG_WARN = 0,
    SG_DIAG_ERROR,
};

enum sg_diag_kind {
    SG_DIAG_GENERAL = 0,
    SG_DIAG_EXCLUDED,    /* an iteration file left out of the evaluation */
    SG_DIAG_VALUE,       /* a value treated as missing */
    SG_DIAG_NAME,        /* a directory entry ignored or reordered */
};

struct sg_diag {
    enum sg_diag_level level;
    enum sg_diag_kind kind;
    char *subject; /* owned: a file name such as "ITER_SUMMARY_7.json", or "" */
    char *text;    /* owned: the problem, e.g. "excluded: invalid JSON at line 3, column 14" */
    size_t order;  /* sort key used to merge lists built in parallel */
    size_t seq;    /* insertion number in the list it was first added to: the tie-break */
};

struct sg_diags {
    struct sg_diag *items; /* owned array of n items */
    size_t n;
    size_t cap;
    size_t n_dropped; /* entries not stored because the list was full */
    size_t n_added;   /* entries ever added, for seq */
};

void sg_diags_init(struct sg_diags *d);
void sg_diags_release(struct sg_diags *d);
/* Appends a copy of subject and the formatted text (subject may be NULL). */
void sg_diags_add(struct sg_diags *d, enum sg_diag_level level, enum sg_diag_kind kind,
                  size_t order, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Moves every entry of src to the end of dst, then sorts dst stably by order. */
void sg_diags_merge(struct sg_diags *dst, struct sg_diags *src);
/* Number of entries of a kind (stored ones only). */
size_t sg_diags_count(const struct sg_diags *d, enum sg_diag_kind kind);

#endif
