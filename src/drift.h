/* SPDX-License-Identifier: MIT */
#ifndef SG_DRIFT_H
#define SG_DRIFT_H
/*
 * Drift inside one soak run: does a KPI degrade slowly (creep) or shift level (step) over
 * the iterations of a single run? Input is one KPI's values y[0..n) in iteration order
 * (missing values already removed by the caller) and optionally their timestamps in hours.
 * Sits between iter (the series) and verdict (the rules): analysis calls sg_drift_eval()
 * once per KPI and a rule reads struct sg_drift_result.
 *
 * Pure: never prints, never exits, keeps no global state and never keeps a pointer it was
 * lent. Every kernel returns an enum sg_rc and writes finite figures only; a statistic that
 * is undefined for the input gives an rc (or a documented finite value), never a NaN.
 *
 * Statistics, in words (STYLE 2.9):
 *
 * - Theil-Sen slope: the median, over all pairs i < j, of (y[j] - y[i]) / (j - i), in KPI
 *   units per iteration. For an even number of pairs the median is the mean of the two
 *   middle slopes. Per hour: the same median over pairs with t[i] != t[j] of
 *   (y[j] - y[i]) / (t[j] - t[i]), i.e. the Theil-Sen slope of y against the timestamps,
 *   in KPI units per hour (not the per-iteration slope times a rate). Exact for
 *   n <= SG_DRIFT_TS_EXACT_MAX (all pairs enumerated). Above that the median is taken over
 *   SG_DRIFT_TS_PAIRS pairs drawn uniformly (i != j, with replacement) from a splitmix64
 *   stream with a fixed seed: deterministic, O(1) in n, and the sampled median's rank
 *   among all pairwise slopes is within about 0.5 / sqrt(SG_DRIFT_TS_PAIRS) = 0.07 % of
 *   the true median rank (one standard deviation); far below the slope's own sampling
 *   error at such n. Cost is bounded by random reads of y, not by n.
 *
 * - Mann-Kendall trend test: S = sum over i < j of sign(y[j] - y[i]). Var(S) is the
 *   tie-corrected variance [n(n-1)(2n+5) - sum over groups of equal values of
 *   t(t-1)(2t+5)] / 18 where t is the group's size. Z = (S - 1) / sqrt(Var) for S > 0,
 *   (S + 1) / sqrt(Var) for S < 0, 0 for S = 0 (continuity correction). p is two-sided,
 *   erfc(|Z| / sqrt 2). When every value is equal, S = Var = 0 and we define Z = 0, p = 1.
 *   S is counted in O(n log n) by a merge sort that counts strict inversions.
 *   Assumes independent observations: autocorrelated series make p too small.
 *
 * - Change point: for every split k with SG_DRIFT_MIN_SEGMENT <= k <= n - SG_DRIFT_MIN_SEGMENT,
 *   "before" is y[0..k) and "after" is y[k..n). Welch's t = (mean_after - mean_before) /
 *   sqrt(v_b / n_b + v_a / n_a) with sample variances (divisor n - 1). The split with the
 *   largest |t| is reported (earliest on ties); its two-sided p uses Student's t with the
 *   Welch-Satterthwaite degrees of freedom; p_adjusted = min(1, p x number of splits
 *   scanned) (Bonferroni, valid for any selection rule). A split where both segments are
 *   constant at different levels is "noise-free": it outranks every finite t (larger
 *   |mean difference| first), and has t = 0 reported, p = p_adjusted = 0. A series with no
 *   level difference at any split (constant) reports the first split with p = 1.
 *
 * - Total change: the change over the run, in KPI units, signed, positive = the KPI went
 *   up. Trend change = Theil-Sen slope per iteration x (n - 1); step change = mean_after -
 *   mean_before at the change point. "Worse change" is the total change when higher is
 *   worse and its negation otherwise; degradation needs worse change > 0 and
 *   >= min_magnitude.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h" /* enum sg_rc, struct sg_err */

#define SG_DRIFT_TS_EXACT_MAX 1024u /* Theil-Sen is exact (all pairs, 523776) up to this n */
#define SG_DRIFT_TS_PAIRS 524288u   /* pairs sampled above it (2^19): ~50 ms at n = 100k */
#define SG_DRIFT_MIN_SEGMENT 6u     /* change point: points on each side of a split */
#define SG_DRIFT_MAX_N 100000000u   /* longest series accepted (SG_LIMIT above) */

/* Theil-Sen slopes of one series. */
struct sg_drift_slope {
    double per_iter;   /* KPI units per iteration; finite */
    double per_hour;   /* KPI units per hour; 0 when !has_per_hour */
    bool has_per_hour; /* timestamps given and at least one pair with t[i] != t[j] */
    bool is_exact;     /* all pairs used (n <= SG_DRIFT_TS_EXACT_MAX) */
};

/* Mann-Kendall trend test. */
struct sg_drift_mk {
    int64_t s;      /* S statistic; |S| <= n(n-1)/2 */
    double var_s;   /* tie-corrected Var(S); >= 0 */
    double z;       /* continuity-corrected; 0 when S == 0 */
    double p_value; /* two-sided, in [0, 1]; 1 when S == 0 */
};

/* Welch t-scan change point. */
struct sg_drift_cp {
    size_t index;       /* first index of the "after" segment */
    double mean_before; /* mean of y[0..index) */
    double mean_after;  /* mean of y[index..n) */
    double t;           /* Welch t, after - before; 0 when is_noise_free */
    double df;          /* Welch-Satterthwaite degrees of freedom; > 0 */
    double p_raw;       /* two-sided p at this split alone, in [0, 1] */
    double p_value;     /* min(1, p_raw x n_splits): corrected for the scan */
    size_t n_splits;    /* splits scanned: n - 2 * SG_DRIFT_MIN_SEGMENT + 1 */
    bool is_noise_free; /* both segments constant, levels differ */
};

/* Options for sg_drift_eval(); fill with sg_drift_opts_init() then adjust. */
struct sg_drift_opts {
    bool higher_is_worse; /* true for latency and risk; false for maker share, net_bps */
    double p_threshold;   /* significance level, in (0, 1); default 0.01 */
    double min_magnitude; /* smallest worse change that counts, KPI units, >= 0; default 0 */
    size_t min_n;         /* shortest series evaluated; >= 2 * SG_DRIFT_MIN_SEGMENT; 12 */
};

enum sg_drift_reason {
    SG_DRIFT_REASON_NOT_ENOUGH_DATA, /* n < opts.min_n: nothing computed */
    SG_DRIFT_REASON_NOT_SIGNIFICANT, /* neither trend p nor change-point p below threshold */
    SG_DRIFT_REASON_TOO_SMALL,       /* significant and worse, but below min_magnitude */
    SG_DRIFT_REASON_NOT_WORSE,       /* significant, but the KPI moved the better way */
    SG_DRIFT_REASON_TREND,           /* degrading: trend evidence fired */
    SG_DRIFT_REASON_STEP,            /* degrading: change-point evidence fired (not trend) */
};

/* Everything sg_drift_eval() found; figures are 0 when reason is NOT_ENOUGH_DATA. */
struct sg_drift_result {
    size_t n;                    /* points evaluated */
    struct sg_drift_slope slope; /* Theil-Sen */
    struct sg_drift_mk mk;       /* Mann-Kendall */
    struct sg_drift_cp cp;       /* change point */
    double trend_change;         /* slope.per_iter x (n - 1), KPI units, signed */
    double step_change;          /* cp.mean_after - cp.mean_before, KPI units, signed */
    double total_change;         /* the change behind the decision: trend_change when the
                                    trend evidence fires, else step_change when the
                                    change-point evidence fires, else trend_change */
    bool trend_fires;            /* mk.p_value < p_threshold and trend worse >= min */
    bool step_fires;             /* cp.p_value < p_threshold and step worse >= min */
    bool is_degrading;           /* trend_fires || step_fires */
    enum sg_drift_reason reason; /* why is_degrading is what it is */
};

/* Synthetic series for validation. */
enum sg_drift_kind {
    SG_DRIFT_KIND_NOISE, /* base + noise */
    SG_DRIFT_KIND_CREEP, /* base + total_change * i / (n - 1) + noise */
    SG_DRIFT_KIND_STEP,  /* base + (i >= step_at ? total_change : 0) + noise */
};

struct sg_drift_synth_spec {
    enum sg_drift_kind kind;
    uint64_t seed;       /* same seed, same series, bit for bit, on every IEEE-754 machine */
    double base;         /* level at iteration 0, KPI units */
    double noise_sd;     /* standard deviation of the Gaussian noise, >= 0 */
    double total_change; /* KPI units; ignored for NOISE */
    size_t step_at;      /* STEP only: first shifted index, <= n */
};

/* ---- lifecycle ---- */

/* Defaults: higher_is_worse = true, p_threshold = 0.01, min_magnitude = 0, min_n = 12. */
void sg_drift_opts_init(struct sg_drift_opts *opts);

/* Human-readable name of a reason ("not enough data", "trend", ...); static string. */
const char *sg_drift_reason_name(enum sg_drift_reason reason);

/* ---- kernels: each borrows its arrays for the call and fills *out on SG_OK ---- */

/*
 * Theil-Sen slope of y[0..n); t_hours may be NULL (then has_per_hour is false).
 * SG_NODATA when n < 2; SG_RANGE when a y or t is not finite; SG_LIMIT when
 * n > SG_DRIFT_MAX_N. Allocates scratch (aborts on out-of-memory, STYLE 2.7).
 */
enum sg_rc sg_drift_theil_sen(const double *y, const double *t_hours, size_t n,
                              struct sg_drift_slope *out, struct sg_err *err);

/* Mann-Kendall test of y[0..n). SG_NODATA when n < 2; SG_RANGE, SG_LIMIT as above. */
enum sg_rc sg_drift_mann_kendall(const double *y, size_t n, struct sg_drift_mk *out,
                                 struct sg_err *err);

/*
 * Welch t-scan change point of y[0..n), O(n). SG_NODATA when n < 2 * SG_DRIFT_MIN_SEGMENT;
 * SG_RANGE, SG_LIMIT as above.
 */
enum sg_rc sg_drift_change_point(const double *y, size_t n, struct sg_drift_cp *out,
                                 struct sg_err *err);

/*
 * Student's t distribution with df > 0 degrees of freedom: *out = P(T <= t). Computed
 * from the regularized incomplete beta function (continued fraction, modified Lentz).
 * SG_RANGE when t or df is not finite or df <= 0; SG_BUG if the fraction fails to converge.
 */
enum sg_rc sg_drift_t_cdf(double t, double df, double *out, struct sg_err *err);

/* Two-sided p-value P(|T| >= |t|) for Student's t with df; same rcs as sg_drift_t_cdf. */
enum sg_rc sg_drift_t_p2(double t, double df, double *out, struct sg_err *err);

/* ---- decision ---- */

/*
 * Runs the three kernels on y[0..n) (t_hours may be NULL) and decides whether the KPI
 * degrades significantly: is_degrading when, for the trend (Mann-Kendall p, trend change)
 * or the change point (corrected p, step change), p < p_threshold and the worse change is
 * > 0 and >= min_magnitude. n < opts->min_n is a result (NOT_ENOUGH_DATA), not an error.
 * SG_USAGE for invalid opts; SG_RANGE for a non-finite y or t; SG_LIMIT for n too large.
 * Fills *out on every return (zeroed on error).
 */
enum sg_rc sg_drift_eval(const double *y, const double *t_hours, size_t n,
                         const struct sg_drift_opts *opts, struct sg_drift_result *out,
                         struct sg_err *err);

/* ---- validation ---- */

/*
 * Writes n synthetic points to out[0..n) (caller-owned). Noise is Gaussian (Marsaglia's
 * polar form of Box-Muller) on splitmix64 with an own log(), so the series depends only on
 * IEEE-754 arithmetic, not on the libm. SG_USAGE for a bad spec (negative or non-finite
 * noise_sd, non-finite base or total_change, step_at > n, unknown kind).
 */
enum sg_rc sg_drift_synth(const struct sg_drift_synth_spec *spec, size_t n, double *out,
                          struct sg_err *err);

#endif
