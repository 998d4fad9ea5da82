/* SPDX-License-Identifier: MIT */
#ifndef SG_REPORT_H
#define SG_REPORT_H
/*
 * The reports stage of the pipeline, run by sg_run() after the snapshot is written:
 * evaluates the whole run with the same sg_eval_build as the window (D-1), loads and
 * compares the --compare baseline (D-13), prints the comparison on stderr, and writes
 * POST_SOAK_COMPARE.json and POST_SOAK_AUDIT.md atomically into the soak dir and appends
 * the job summary (--summary). Rendering is out_md.c and compare.c; this module only
 * wires them to files. Never exits.
 */
#include <stdbool.h>
#include <stdio.h>

#include "analysis.h"
#include "baseline.h"
#include "compare.h"
#include "config.h"
#include "iter.h"
#include "snapshot.h"

/* What the stage reads; all borrowed from sg_run's context. */
struct sg_report_in {
    const struct sg_config *cfg;
    const struct sg_iterset *set;
    const struct sg_snapshot *snap;
    const struct sg_eval *window;
    const struct sg_iter *const *window_view;
    size_t window_first;
    const char *abs_dir;  /* the soak dir made absolute, for messages */
    bool want_audit;      /* gate without --no-audit, or --audit */
};

/* What the stage keeps for the exit-code decision. Release with sg_reports_release. */
struct sg_reports {
    const struct sg_iter **run_view; /* owned array of the whole run's valid iterations */
    struct sg_eval run;
    bool has_compare;                /* --compare was given */
    struct sg_baseline base;
    struct sg_compare cmp;
};

void sg_reports_init(struct sg_reports *r);
void sg_reports_release(struct sg_reports *r);

/*
 * Runs the stage, printing warnings and "[OK] ... written" lines on errs. Returns SG_OK,
 * or the rc of an output that could not be written (after printing why): exit 2 (D-7).
 * A missing or refused baseline is only a warning.
 */
enum sg_rc sg_reports_run(const struct sg_report_in *in, struct sg_reports *r, FILE *errs);


#endif
