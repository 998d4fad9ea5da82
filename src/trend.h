/* SPDX-License-Identifier: MIT */
#ifndef SG_TREND_H
#define SG_TREND_H
/*
 * Drift of every KPI over the whole run (issue #7): the series of one KPI is the valid
 * iterations of the run view where the KPI is present, in order, with their positions;
 * drift.c judges it (Theil-Sen, Mann-Kendall, change point) against the rules built from
 * --drift-p and --drift-min. The reports stage builds one struct sg_trend after the
 * whole-run evaluation; the audit, the job summary, the Prometheus file and the gate read
 * it. Never part of the schema-1.1 snapshot.
 *
 * Direction: risk_ratio and p95_latency_ms are worse when rising, maker_taker_ratio and
 * net_bps when falling. Per-hour slopes need an RFC 3339 runtime_utc on every point of
 * the series; otherwise only the per-iteration slope is given.
 *
 * Pure: never prints, never exits, keeps no pointer it was lent beyond the view's
 * iteration numbers (borrowed from the iteration set, which outlives the trend).
 */
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "drift.h"
#include "err.h"
#include "iter.h"

#define SG_TREND_MIN_N 12          /* shorter series: "not enough data" */
#define SG_TREND_DEFAULT_MIN 0.05  /* default --drift-min: this share of the KPI threshold */

/* The resolved drift rules: significance level and minimum magnitude per KPI. */
struct sg_trend_rules {
    double p_threshold;          /* in (0, 1) */
    double min[SG_KPI_COUNT];    /* smallest worse change over the run, KPI units, >= 0 */
};

/* One KPI's series and what drift.c found. */
struct sg_trend_kpi {
    size_t n;                    /* points: valid iterations with the KPI present */
    size_t *pos;                 /* n positions in the run view, ascending (owned) */
    double *y;                   /* n values, KPI units (owned) */
    bool has_hours;              /* every point has an RFC 3339 runtime_utc */
    bool higher_is_worse;        /* risk, latency */
    double min_magnitude;        /* from the rules, KPI units */
    struct sg_drift_result res;  /* res.reason NOT_ENOUGH_DATA when n < SG_TREND_MIN_N */
    const char *cp_number;       /* iteration number of the change point's first "after"
                                    point; NULL when not evaluated (borrowed) */
};

/* Owned by the caller; release with sg_trend_release. */
struct sg_trend {
    bool is_on;                       /* --drift is not off; false: everything else zero */
    enum sg_drift_mode mode;
    struct sg_trend_rules rules;
    struct sg_trend_kpi kpi[SG_KPI_COUNT];
    size_t n_degrading;               /* KPIs with res.is_degrading */
};

void sg_trend_init(struct sg_trend *t);
void sg_trend_release(struct sg_trend *t);

/* True for KPIs that get worse when rising (risk_ratio, p95_latency_ms). */
bool sg_trend_higher_is_worse(enum sg_kpi k);

/*
 * The rules from cfg: --drift-p, and for each KPI the --drift-min entry ("KPI=VALUE",
 * VALUE >= 0 in KPI units; several per value separated by commas or newlines; the last
 * entry for a KPI wins) or SG_TREND_DEFAULT_MIN times
 * the absolute value of the KPI's threshold. SG_USAGE naming the option on a bad value.
 */
enum sg_rc sg_trend_rules_make(const struct sg_config *cfg, struct sg_trend_rules *out,
                               struct sg_err *err);

/*
 * Judges every KPI over view[0..n) (valid iterations, in order) under cfg. With --drift
 * off only sets is_on false. Fills *out (release it even on failure). SG_USAGE for bad
 * rules; SG_RANGE / SG_LIMIT only from drift.c on impossible input.
 */
enum sg_rc sg_trend_build(const struct sg_iter *const *view, size_t n,
                          const struct sg_config *cfg, struct sg_trend *out, struct sg_err *err);

/*
 * Appends why KPI k is degrading, one line without newline:
 * "p95_latency_ms drifting up: +41.2 ms over the run (Mann-Kendall p=3e-07)" or
 * "net_bps shifted down at iteration 49: -0.31 (mean 3.21 -> 2.9, change-point p=2e-09)".
 * Appends nothing when the KPI is not degrading.
 */
void sg_trend_describe(const struct sg_trend *t, enum sg_kpi k, struct sg_buf *out);

/*
 * Which evidence explains the KPI best: true for the level shift when the change point
 * fires and is more significant than the trend (or the trend does not fire), else the
 * trend. A step also tilts the Theil-Sen line, whose change over the run then overstates
 * it; the shift's before/after means describe it exactly.
 */
bool sg_trend_is_step(const struct sg_trend_kpi *q);

/* The change behind the KPI's result, KPI units, signed: the shift's when
 * sg_trend_is_step, else res.total_change. */
double sg_trend_change(const struct sg_trend_kpi *q);

/* Appends a signed change in KPI units with 3 significant digits ("+41.2", "-0.0312"). */
void sg_trend_fmt_change(struct sg_buf *out, double v);

/* Appends a p-value with 1 significant digit ("3e-07", "0.004", "1"). */
void sg_trend_fmt_p(struct sg_buf *out, double p);

/* True when no KPI has enough points for the drift tests (all "not enough data"). */
bool sg_trend_all_short(const struct sg_trend *t);

#endif
