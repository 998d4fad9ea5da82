/* SPDX-License-Identifier: MIT */
#ifndef SG_GHA_H
#define SG_GHA_H
/*
 * The GitHub Actions edge (`soak-gate action`, what entrypoint.sh runs). Reads every input
 * from INPUT_<NAME> (hyphens kept, as the runner sets them) through the same option table
 * as the CLI, runs the gate, and reports back the way the runner understands: step outputs
 * in GITHUB_OUTPUT, the job-summary page in GITHUB_STEP_SUMMARY, annotations and masks on
 * stdout. Facts and limits: the project's platform notes, section 1.
 *
 * Order on stdout: ::add-mask:: for every secret first; then the run's own log inside
 * ::stop-commands:: (it echoes text from input files, which must never be read as a
 * workflow command); then at most 10 error and 10 warning annotations, escaped.
 * Running outside Actions (no GITHUB_OUTPUT / GITHUB_STEP_SUMMARY) is not an error.
 */
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "run.h"

#define SG_GHA_MAX_ANNOTATIONS 10

/* Environment name of an input: "INPUT_" + upper-cased name, hyphens kept. */
void sg_gha_input_env_name(const char *input, char *out, size_t out_size);

/*
 * Fills cfg from the INPUT_* variables (an unset or empty input means "not given"):
 * the config file first, then every other input. Relative paths are taken relative to
 * GITHUB_WORKSPACE. `summary` is "true" (write the page to GITHUB_STEP_SUMMARY, the
 * default), "false", or a file; `audit: false` skips POST_SOAK_AUDIT.md. Strings are
 * copied into strings. SG_USAGE naming the input on a bad value.
 */
enum sg_rc sg_gha_load_config(struct sg_config *cfg, struct sg_arena *strings,
                              struct sg_err *err);

/* Appends s escaped as annotation data (% CR LF) or as a property (also : and ,). */
void sg_gha_escape_data(struct sg_buf *out, const char *s);
void sg_gha_escape_property(struct sg_buf *out, const char *s);

/* Appends one ::add-mask:: line per line of every secret input and variable. */
void sg_gha_render_masks(struct sg_buf *out);

/*
 * Appends the step outputs for GITHUB_OUTPUT: verdict (PASS, WARN, FAIL or ERROR),
 * freeze_ready, pass_count, anomalies, and snapshot_path, metrics_path, report_path
 * (relative to workspace when inside it; empty when not written) as heredocs with
 * delimiter delim. SG_BUG if a value contains the delimiter (it is random per run).
 */
enum sg_rc sg_gha_render_outputs(const struct sg_outcome *o, const struct sg_config *cfg,
                                 enum sg_exit code, const char *workspace, const char *delim,
                                 struct sg_buf *out, struct sg_err *err);

/* Appends the error and warning annotations for the outcome (at most 10 of each). */
void sg_gha_render_annotations(const struct sg_outcome *o, enum sg_exit code,
                               const char *log, const char *workspace, const char *soak_dir,
                               struct sg_buf *out);

/* The whole action: returns the exit code (D-7). */
int sg_gha_run(FILE *out);

#endif
