/* SPDX-License-Identifier: MIT */
#ifndef SG_OUTPUT_H
#define SG_OUTPUT_H
/*
 * Writers: each renders the one read-only snapshot (and, for reports, the evaluated run)
 * into a struct sg_buf; run.c writes the buffer with sg_fsx_write_atomic. Renderers are
 * pure: no I/O, no clock (times come in as arguments), deterministic bytes.
 *
 * Adding an output format: write out_<fmt>.c with a sg_out_<fmt>_render() declared here,
 * add it to src/CMakeLists.txt, give it golden-file tests, call it from run.c, and
 * document it in the README's Outputs section.
 */
#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "snapshot.h"

/* ------------------------------------------------------------------ JSON (out_json.c) */

/*
 * The snapshot as the original prints it (D-20): keys sorted, compact (or Python-style
 * 2-space indentation with pretty), ASCII-only, one trailing newline; non-finite numbers
 * as null (D-6); the legacy five-field object when snap->has_schema is false.
 */
enum sg_rc sg_out_json_render(const struct sg_snapshot *snap, bool pretty, struct sg_buf *out,
                              struct sg_err *err);

/* Appends s as a JSON string literal, ASCII-only with \uXXXX escapes (D-20). */
void sg_out_json_string(struct sg_buf *out, const char *s);

/* Appends a number: integers plainly, doubles in repr form, non-finite as null. */
void sg_out_json_number(struct sg_buf *out, const struct sg_jnum *n);

/* ------------------------------------------------------------------ Prometheus (out_prom.c) */

#define SG_PROM_FILE_NAME "POST_SOAK_METRICS.prom"

/*
 * The snapshot as Prometheus text exposition 0.0.4 (D-14). SG_PROM_NAMES_DEFAULT: the
 * promtool-clean soakgate_* gauge families, with run (borrowed; NULL or empty fields
 * leave labels out) on soakgate_run_info and now (Unix seconds) as
 * soakgate_last_evaluation_timestamp_seconds. SG_PROM_NAMES_LEGACY: the original's ten
 * metrics byte for byte (reference 4.2); run and now are unused. Appends to out.
 */
enum sg_rc sg_out_prom_render(const struct sg_snapshot *snap, enum sg_prom_names names,
                              const struct sg_run_labels *run, int64_t now, struct sg_buf *out,
                              struct sg_err *err);

struct sg_trend;

/*
 * The drift families of the default name set (soakgate_drift_*, README "Prometheus"),
 * appended after sg_out_prom_render's: per KPI (label kpi = the soakgate_kpi_* suffix, so
 * p95 latency is in seconds) the points evaluated, and for KPIs with enough data the
 * Theil-Sen slope per iteration, the change over the run, the trend and change-point
 * p-values (label test) and 0/1 degrading. Nothing when drift is off (t->is_on false).
 */
enum sg_rc sg_out_prom_drift_render(const struct sg_trend *t, struct sg_buf *out,
                                    struct sg_err *err);

/* Appends s escaped as a label value (\\, \", \n); invalid UTF-8 bytes become U+FFFD. */
void sg_out_prom_label_value(struct sg_buf *out, const char *s);

#endif
