/* SPDX-License-Identifier: MIT */
/* Numeric kernels (definitions in stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

static int dbl_cmp(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static enum sg_rc check(const double *v, size_t n, struct sg_err *err)
{
    if (n == 0)
        return sg_err_set(err, SG_RANGE, "no values");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return sg_err_set(err, SG_RANGE, "value %zu is not finite", i);
    return SG_OK;
}

static double *sorted_copy(const double *v, size_t n)
{
    double *s = sg_xcalloc(n, sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, dbl_cmp);
    return s;
}

static double median_of_sorted(const double *s, size_t n)
{
    if (n % 2)
        return s[n / 2];
    return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

enum sg_rc sg_stats_median(const double *v, size_t n, double *out, struct sg_err *err)
{
    enum sg_rc rc = check(v, n, err);
    if (rc != SG_OK)
        return rc;
    double *s = sorted_copy(v, n);
    *out = median_of_sorted(s, n);
    free(s);
    return SG_OK;
}

enum sg_rc sg_stats_summarize(const double *v, size_t n, struct sg_stats_summary *out,
                              struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    enum sg_rc rc = check(v, n, err);
    if (rc == SG_OK)
        rc = sg_num_exact_mean(v, n, &out->mean, err);
    if (rc != SG_OK)
        return rc;
    double *s = sorted_copy(v, n);
    out->n = n;
    out->median = median_of_sorted(s, n);
    out->min = s[0];
    out->max = s[n - 1];
    double h = (double)(n - 1) * 0.95;
    size_t lo = (size_t)floor(h);
    out->p95 = lo + 1 < n ? s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]) : s[lo];
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - out->mean) * (v[i] - out->mean);
    out->stdev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    free(s);
    return SG_OK;
}
