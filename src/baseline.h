/* SPDX-License-Identifier: MIT */
#ifndef SG_BASELINE_H
#define SG_BASELINE_H
/*
 * A previous schema-1.1 snapshot used as the baseline of --compare (D-13). The file is
 * read with the size cap and depth limit of every JSON input (D-5), checked to be a 1.1
 * snapshot (schema_version "1.1" and all eleven keys, so the "schema 1.2" format and the
 * legacy five-field object are refused, BUG-26), and reduced to plain C values; json-c
 * stays inside baseline.c. A baseline problem is never an error of the run: the caller
 * turns the status into a warning (D-13). Never prints, never exits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "err.h"
#include "iter.h"

enum sg_baseline_status {
    SG_BASELINE_OK = 0,
    SG_BASELINE_MISSING,      /* no such file: "Baseline not found: <path>" */
    SG_BASELINE_UNREADABLE,   /* unreadable, too large, not JSON, wrong types */
    SG_BASELINE_WRONG_SCHEMA, /* not "1.1", or one of the eleven keys absent */
};

/* A number of the baseline; has is false for JSON null (a non-finite statistic, D-6). */
struct sg_bnum {
    bool has;
    double d;
};

/* Plain values of a schema-1.1 snapshot. No pointers: a plain value, no release needed. */
struct sg_baseline {
    enum sg_baseline_status status;
    char problem[SG_ERR_MSG_LEN];         /* why it was refused; "" when OK */
    enum sg_verdict verdict;              /* UNKNOWN for any other string */
    int64_t pass_count;                   /* pass_count_last8 */
    bool freeze_ready;
    struct sg_bnum mean[SG_KPI_COUNT];    /* kpi_last8.<m>.mean, by enum sg_kpi */
    struct sg_bnum median[SG_KPI_COUNT];
    int64_t guards[SG_GUARD_COUNT];       /* guards_last8, by enum sg_guard */
    int64_t anomalies_count;
};

/*
 * Parses a baseline from buf[0..len) (buf[len] must be NUL). Always fills *out; returns
 * SG_OK only when out->status is SG_BASELINE_OK, else SG_PARSE / SG_LIMIT / SG_SCHEMA with
 * the reason in both err and out->problem (e.g. `schema_version "1.2"`,
 * `missing key "kpi_last8"`, `kpi_last8.net_bps.mean: expected a number, found a string`).
 */
enum sg_rc sg_baseline_parse_buf(const char *buf, size_t len, int max_depth,
                                 struct sg_baseline *out, struct sg_err *err);

/*
 * Reads and parses the file path under limits. SG_IO with status MISSING or UNREADABLE
 * when the file cannot be read; otherwise as sg_baseline_parse_buf.
 */
enum sg_rc sg_baseline_load(const char *path, const struct sg_iter_limits *limits,
                            struct sg_baseline *out, struct sg_err *err);

#endif
