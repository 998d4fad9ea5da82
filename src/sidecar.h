/* SPDX-License-Identifier: MIT */
#ifndef SG_SIDECAR_H
#define SG_SIDECAR_H
/*
 * The two optional files next to the iterations: POST_SOAK_SUMMARY.json (D-19) and
 * KPI_GATE.json (D-9). json-c stays inside sidecar.c. Never prints; problems that do not
 * stop the run become diagnostics.
 */
#include "arena.h"
#include "diag.h"
#include "err.h"
#include "iter.h"
#include "snapshot.h"

/*
 * Reads dir/POST_SOAK_SUMMARY.json into *out. A missing file gives present = false; an
 * unreadable, unparsable or falsy one a warning and present = false; a field of the wrong
 * type SG_SCHEMA with a message naming it ("kpi.net_bps.mean: expected a number, found a
 * string"), which stops the run (exit 2).
 */
enum sg_rc sg_sidecar_load_summary(const char *dir, const struct sg_iter_limits *limits,
                                   struct sg_summary_file *out, struct sg_diags *diags,
                                   struct sg_err *err);

/*
 * The buffer entry point behind sg_sidecar_load_summary (buf[len] must be NUL): the bytes
 * of a POST_SOAK_SUMMARY.json that exists, with the same outcomes (invalid JSON or a falsy
 * value: a warning and present = false; a bad field: SG_SCHEMA).
 */
enum sg_rc sg_sidecar_parse_summary(const char *buf, size_t len, int max_depth,
                                    struct sg_summary_file *out, struct sg_diags *diags,
                                    struct sg_err *err);

/*
 * The verdict of dir/KPI_GATE.json as D-9 uses it: NULL when the file is missing,
 * unreadable, invalid, falsy, not an object (with a warning) or has no non-empty verdict;
 * else the verdict text (copied into arena; a truthy non-string verdict gives a text that
 * equals no verdict name).
 */
const char *sg_sidecar_kpi_gate(const char *dir, const struct sg_iter_limits *limits,
                                struct sg_arena *arena, struct sg_diags *diags);

#endif
