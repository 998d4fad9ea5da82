/* SPDX-License-Identifier: MIT */
#ifndef SG_RUN_H
#define SG_RUN_H
/*
 * The pipeline behind `snapshot` and `gate`: config -> iterations -> window evaluation ->
 * snapshot -> outputs -> exit code. See run.c for the whole story.
 */
#include <stdio.h>

#include "config.h"

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

/*
 * Runs cmd with cfg, printing the snapshot JSON on out and messages on errs. Returns the
 * exit code; never exits.
 */
enum sg_exit sg_run(const struct sg_config *cfg, enum sg_command cmd, FILE *out, FILE *errs);

#endif
