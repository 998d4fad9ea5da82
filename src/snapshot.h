/* SPDX-License-Identifier: MIT */
#ifndef SG_SNAPSHOT_H
#define SG_SNAPSHOT_H
/*
 * The schema-1.1 snapshot: the single read-only result every writer (JSON, Prometheus,
 * Markdown, alerts, action outputs) is rendered from, so no two outputs can disagree.
 *
 * How it all fits: iter.c reads the soak dir into records; analysis.c evaluates the
 * last-N window; sidecar.c reads POST_SOAK_SUMMARY.json and KPI_GATE.json; snapshot.c
 * combines them as the original does (reference 3.11-3.13, D-19); out_*.c render it.
 * Pure: no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "iter.h"

/* A JSON number that may be an integer passed through from POST_SOAK_SUMMARY.json. */
struct sg_jnum {
    bool is_int; /* print i without a decimal point */
    int64_t i;
    double d;    /* used when !is_int; may be non-finite only from an overflowing median */
};

/* The contents of POST_SOAK_SUMMARY.json (D-19), already type-checked. */
struct sg_summary_file {
    bool present;                       /* exists and is truthy: it takes precedence */
    bool has_verdict;                   /* false: verdict "UNKNOWN" */
    enum sg_verdict verdict;
    int64_t pass_count;                 /* default 0 */
    bool freeze_seen;                   /* default false */
    struct sg_jnum mean[SG_KPI_COUNT];  /* rounded to 3 decimals; default 0.0 */
    struct sg_jnum median[SG_KPI_COUNT];
    int64_t guards[SG_GUARD_COUNT];     /* default 0 */
};

struct sg_snapshot {
    bool has_schema;                    /* false: the legacy five-field object (D-19) */
    bool from_summary;                  /* core fields from POST_SOAK_SUMMARY.json */
    enum sg_verdict verdict;
    int64_t pass_count;                 /* pass_count_last8 */
    bool freeze_seen;
    bool freeze_ready;
    struct sg_jnum mean[SG_KPI_COUNT];  /* kpi_last8.<m>.mean */
    struct sg_jnum median[SG_KPI_COUNT];
    int64_t guards[SG_GUARD_COUNT];     /* guards_last8, by enum sg_guard */
    int kpi_gate_parity;                /* -1 null, 0 false, 1 true */
    const char *time_from, *time_to;    /* borrowed; NULL prints null */
    int64_t anomalies_count;
    int64_t signature_loops;
    size_t n_evaluated;                 /* W: iterations evaluated in the window */
};

/*
 * Combines the window evaluation, the optional summary file and the KPI_GATE.json verdict
 * (NULL when it does not count, D-9) into *out. Borrows everything.
 */
void sg_snapshot_make(const struct sg_eval *window, const struct sg_summary_file *summary,
                      const char *kpi_gate_verdict, const struct sg_policy *policy,
                      struct sg_snapshot *out);

/* Guard output keys in snapshot order: cooldown_count, freeze_events, ... */
extern const char *const sg_guard_keys[SG_GUARD_COUNT];

#endif
