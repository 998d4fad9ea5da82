/* SPDX-License-Identifier: MIT */
#ifndef SG_OUT_MD_H
#define SG_OUT_MD_H
/*
 * Markdown writers (out_md.c): the analyzer report POST_SOAK_AUDIT.md (D-1) and the
 * GitHub job summary. Both render from one struct sg_md_input: the snapshot (verdict,
 * pass count, freeze_ready always come from it), the window evaluation, the whole-run
 * evaluation built by the same sg_eval_build (D-1), the iteration set (file names,
 * per-iteration values, diagnostics), the configuration (thresholds, D-15; the time
 * cfg->now) and the optional baseline comparison.
 *
 * Every string that comes from an input file goes through sg_md_escape(), so it cannot
 * break a table, inject HTML or start a line (and so a workflow command). Pure: no I/O,
 * no clock, deterministic bytes; linear in the number of iterations.
 */
#include <stdbool.h>
#include <stddef.h>

#include "analysis.h"
#include "buf.h"
#include "compare.h"
#include "config.h"
#include "err.h"
#include "iter.h"
#include "snapshot.h"

/* Everything the writers read; all borrowed. */
struct sg_md_input {
    const struct sg_config *cfg;
    const struct sg_iterset *set;
    const struct sg_snapshot *snap;
    const struct sg_eval *window;             /* the last-N window */
    const struct sg_iter *const *window_view; /* window->n iterations */
    size_t window_first;                      /* index of the window's first file in set */
    const struct sg_eval *run;                /* the whole run */
    const struct sg_iter *const *run_view;    /* run->n iterations */
    const struct sg_compare *cmp;             /* NULL without --compare */
    const char *baseline_path;                /* as given to --compare */
    const char *baseline_problem;             /* why it was refused, or "" */
    const char *const *artifacts;             /* file names written into the soak dir */
    size_t n_artifacts;
};

/* The job summary's hard cap: below GitHub's 1 MiB per step (platform-facts 1.5). */
#define SG_MD_SUMMARY_MAX ((size_t)1000 * 1000)

/*
 * Appends s as inert Markdown text for a table cell or a line: `&`, `<`, `>` become HTML
 * entities, `|` becomes `&#124;`, line breaks and other control characters become spaces,
 * Markdown punctuation (\ ` * [ ] # ! ~ and word-boundary _) is backslash-escaped, a
 * leading `:` becomes `&#58;`, and invalid UTF-8 becomes U+FFFD. At most max_bytes of s
 * are used; a longer s ends in "…".
 */
void sg_md_escape(struct sg_buf *out, const char *s, size_t max_bytes);

/*
 * Appends a sparkline (▁▂▃▄▅▆▇█) of KPI k over the iterations of view that have it: one
 * character per iteration, or, with more than width values, one per bucket of consecutive
 * values (their mean), buckets split evenly. A constant series gives "─" characters,
 * no value "n/a".
 */
void sg_md_sparkline(struct sg_buf *out, const struct sg_iter *const *view, size_t n,
                     enum sg_kpi k, size_t width);

/* POST_SOAK_AUDIT.md. SG_LIMIT when out's maximum is too small. */
enum sg_rc sg_out_md_audit_render(const struct sg_md_input *in, struct sg_buf *out,
                                  struct sg_err *err);

/*
 * The job summary, at most max_bytes long: when the full text is longer, it is cut at a
 * line boundary, open <details> blocks are closed and a truncation note is appended.
 */
enum sg_rc sg_out_md_summary_render(const struct sg_md_input *in, size_t max_bytes,
                                    struct sg_buf *out, struct sg_err *err);

#endif
