/* SPDX-License-Identifier: MIT */
#ifndef SG_STATS_H
#define SG_STATS_H
/*
 * Numeric kernels on const double arrays. Pure: no I/O, no allocation visible to callers
 * (scratch memory is freed before returning). Every input value must be finite; a NaN or
 * infinity gives SG_RANGE, never a NaN result. Definitions:
 *
 *  - mean: the exact arithmetic mean (error-free sum, one correctly rounded division),
 *    what Python's statistics.mean returns (reference 3.1).
 *  - median: the middle value of the sorted values for odd n; for even n the two middle
 *    values lo and hi combined as (lo + hi) / 2 in double arithmetic, as the original.
 *  - stdev: the sample standard deviation (divisor n - 1), two-pass; 0 for n = 1.
 *  - p95: linear interpolation between closest ranks (Hyndman & Fan type 7, the default of
 *    numpy and R): h = (n - 1) * 0.95, x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]).
 *  - min, max: the extremes.
 * All of them are undefined for n = 0: the kernels return SG_RANGE then.
 */
#include <stddef.h>

#include "err.h"

struct sg_stats_summary {
    size_t n;
    double mean, median, min, max, stdev, p95;
};

/* Fills *out with every statistic above for v[0..n). SG_RANGE for n = 0 or a non-finite v. */
enum sg_rc sg_stats_summarize(const double *v, size_t n, struct sg_stats_summary *out,
                              struct sg_err *err);

/* Median only (sorts a private copy). SG_RANGE for n = 0 or a non-finite v. */
enum sg_rc sg_stats_median(const double *v, size_t n, double *out, struct sg_err *err);

#endif
