/* SPDX-License-Identifier: MIT */
#ifndef SG_RUN_H
#define SG_RUN_H
/*
 * The pipeline behind `snapshot` and `gate`: config -> iterations -> window evaluation ->
 * snapshot -> outputs -> exit code. See run.c for the whole story.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis.h"
#include "config.h"
#include "diag.h"

enum sg_command {
    SG_CMD_SNAPSHOT = 0, /* the original extractor: exit 0 for every verdict */
    SG_CMD_GATE,         /* the gate: exit per D-7 */
};

/* Exit codes (D-7). */
enum sg_exit {
    SG_EXIT_OK = 0,      /* PASS or WARN (or any verdict for snapshot / --fail-on never) */
    SG_EXIT_FAIL = 1,    /* FAIL, or a gate rule failed */
    SG_EXIT_ERROR = 2,   /* could not evaluate */
};

#define SG_OUTCOME_MAX_REASONS 8

/* What a run decided, for the action edge (outputs, annotations). Owned by the caller. */
struct sg_outcome {
    bool has_verdict;          /* a snapshot with a gateable verdict was written */
    enum sg_verdict verdict;
    bool freeze_ready;
    int64_t pass_count;
    size_t n_evaluated;        /* W */
    bool from_summary;         /* pass count from POST_SOAK_SUMMARY.json */
    int64_t anomalies;
    char reasons[SG_OUTCOME_MAX_REASONS][256]; /* why the gate failed (exit 1) */
    size_t n_reasons;
    struct sg_diags diags;     /* input problems and other warnings, in file order */
};

void sg_outcome_init(struct sg_outcome *o);
void sg_outcome_release(struct sg_outcome *o);

/*
 * Runs cmd with cfg, printing the snapshot JSON on out and messages on errs. Returns the
 * exit code; never exits. When outcome is not NULL it is filled (release it).
 */
enum sg_exit sg_run(const struct sg_config *cfg, enum sg_command cmd, FILE *out, FILE *errs,
                    struct sg_outcome *outcome);

#endif
