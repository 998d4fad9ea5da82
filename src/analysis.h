/* SPDX-License-Identifier: MIT */
#ifndef SG_ANALYSIS_H
#define SG_ANALYSIS_H
/*
 * What the original computes over a sequence of iterations (reference section 3), on a
 * "view": an ordered array of valid iterations. The snapshot uses the view of the last-N
 * window; the audit report also builds one for the whole run, with the same code, so the
 * two can never disagree (D-1). Pure: no I/O, no printing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "iter.h"
#include "stats.h"

enum sg_verdict {
    SG_VERDICT_PASS = 0,
    SG_VERDICT_WARN,
    SG_VERDICT_FAIL,
    SG_VERDICT_UNKNOWN, /* only from a POST_SOAK_SUMMARY.json without a verdict (D-19) */
};

/* "PASS", "WARN", "FAIL", "UNKNOWN". */
const char *sg_verdict_name(enum sg_verdict v);

enum sg_anomaly_kind {
    SG_ANOMALY_LATENCY_SPIKE = 0, /* p95_latency_ms > spike_ms */
    SG_ANOMALY_RISK_JUMP,         /* risk - previous risk > jump */
    SG_ANOMALY_MAKER_DROP,        /* maker_taker_ratio < drop */
};

struct sg_anomaly {
    enum sg_anomaly_kind kind;
    size_t pos;   /* index in the view */
    double value; /* the KPI value (for a jump: this iteration's risk, 0 when missing) */
    double prev;  /* a jump's previous risk (0 when missing); 0 otherwise */
};

struct sg_kpi_eval {
    size_t n;                     /* iterations where the KPI is present */
    double mean, median;          /* rounded to 3 decimals (D-20); 0.0 when n == 0 */
    struct sg_stats_summary full; /* unrounded statistics; all zero when n == 0 */
};

/* Owned by the caller; release with sg_eval_release. */
struct sg_eval {
    size_t n;                           /* iterations evaluated (W) */
    struct sg_kpi_eval kpi[SG_KPI_COUNT];
    size_t guards[SG_GUARD_COUNT];      /* iterations with each flag truthy */
    size_t pass_count;                  /* iterations passing all four thresholds */
    bool freeze_seen;                   /* guards[SG_GUARD_FREEZE] > 0 */
    enum sg_verdict verdict;
    bool freeze_ready;
    uint8_t *fail_masks;                /* n entries; bit k: KPI k failed its threshold */
    struct sg_anomaly *anomalies;       /* in view order */
    size_t n_anomalies;
    size_t *loops;                      /* position j of each A,B,A at j, j+1, j+2 */
    size_t n_loops;
    const char *time_from, *time_to;    /* borrowed from the iterations; NULL when none */
};

void sg_eval_init(struct sg_eval *ev);
void sg_eval_release(struct sg_eval *ev);

/*
 * Evaluates view[0..n) (valid iterations, in order) under policy. Fills *ev (release it
 * even on failure). Cannot fail on finite input; SG_RANGE only on a bug-level NaN.
 */
enum sg_rc sg_eval_build(const struct sg_iter *const *view, size_t n,
                         const struct sg_policy *policy, struct sg_eval *ev, struct sg_err *err);

/* Bit mask of the KPIs that it fails (a missing KPI fails), reference 3.3 / D-15. */
uint8_t sg_eval_fail_mask(const struct sg_iter *it, const struct sg_policy *policy);

/* Failing iterations listed in a report (gate block, alert); the rest are only counted. */
#define SG_EVAL_FAILURES_SHOWN 20

/*
 * Appends what an iteration failed, from its fail mask: "risk_ratio 0.5 > 0.42, net_bps
 * missing" (numbers in the canonical format, no newline). The one wording of the gate's
 * "Failing iterations" block and the alert details. SG_OK or SG_LIMIT from out.
 */
enum sg_rc sg_eval_describe_failure(const struct sg_iter *it, uint8_t mask,
                                    const struct sg_policy *policy, struct sg_buf *out);

/* PASS / WARN / FAIL from a pass count and freeze_seen (reference 3.5, D-15). */
enum sg_verdict sg_eval_verdict(int64_t pass_count, bool freeze_seen,
                                const struct sg_policy *policy);

/* freeze_ready from a verdict, pass count and freeze_seen (reference 3.6, D-15). */
bool sg_eval_freeze_ready(enum sg_verdict v, int64_t pass_count, bool freeze_seen,
                          const struct sg_policy *policy);

/*
 * Collects the valid iterations of items[first..end) as a view: a new array of pointers
 * (free it) and its length in *n.
 */
const struct sg_iter **sg_eval_view(const struct sg_iter *items, size_t first, size_t end,
                                    size_t *n);

/*
 * D-8: true when every string parses as an RFC 3339 date-time; then *instant_cmp orders
 * a and b by instant. Exposed for tests.
 */
bool sg_eval_rfc3339(const char *s, int64_t *seconds, int64_t *nanos);

#endif
