/* SPDX-License-Identifier: MIT */
/*
 * Markdown for drift over the whole run (trend.h): the audit's drift section (a table of
 * slopes, p-values and change points, sparklines marking the change, the findings) and
 * the job summary's drift lines. Pure, deterministic bytes; part of the out_md family.
 */
#include "out_md.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

#define DRIFT_SPARK_WIDTH 60
#define WARN_SIGN "\xe2\x9a\xa0\xef\xb8\x8f" /* ⚠️ */

static const char *const bars[8] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
                                    "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
                                    "\xe2\x96\x87", "\xe2\x96\x88"};

/* ------------------------------------------------------------------ sparkline */

/* Bucket means of y[0..n) into w buckets (the j-th value goes to bucket j * w / n). */
static double *bucket_means(const double *y, size_t n, size_t w)
{
    double *pts = sg_xcalloc(w, sizeof *pts);
    size_t *cnt = sg_xcalloc(w, sizeof *cnt);
    for (size_t j = 0; j < n; j++) {
        size_t b = (size_t)((uint64_t)j * w / n);
        pts[b] += y[j];
        cnt[b]++;
    }
    for (size_t b = 0; b < w; b++)
        pts[b] /= (double)cnt[b];
    free(cnt);
    return pts;
}

void sg_md_drift_sparkline(struct sg_buf *out, const double *y, size_t n, size_t mark,
                           size_t width)
{
    if (n == 0 || width == 0) {
        sg_buf_adds(out, "n/a");
        return;
    }
    size_t w = n < width ? n : width;
    double *pts = bucket_means(y, n, w);
    double lo = pts[0], hi = pts[0];
    for (size_t b = 1; b < w; b++) {
        lo = pts[b] < lo ? pts[b] : lo;
        hi = pts[b] > hi ? pts[b] : hi;
    }
    /* The first bucket holding a point at or after mark. */
    size_t mark_b = mark > 0 && mark < n ? (size_t)(((uint64_t)mark * w + n - 1) / n) : SIZE_MAX;
    for (size_t b = 0; b < w; b++) {
        if (b == mark_b)
            sg_buf_adds(out, "\xe2\x94\x83"); /* ┃ */
        if (!(hi > lo) || !isfinite(hi - lo)) {
            sg_buf_adds(out, "\xe2\x94\x80"); /* ─ */
            continue;
        }
        double level = (pts[b] - lo) / (hi - lo) * 7.0 + 0.5;
        sg_buf_adds(out, bars[level >= 7.0 ? 7 : (int)level]);
    }
    free(pts);
}

/* ------------------------------------------------------------------ audit section */

static void slope_cell(struct sg_buf *out, const struct sg_trend_kpi *q, bool per_hour)
{
    const struct sg_drift_slope *s = &q->res.slope;
    if (per_hour && !s->has_per_hour)
        sg_buf_adds(out, "n/a");
    else
        sg_trend_fmt_change(out, per_hour ? s->per_hour : s->per_iter);
}

static void result_cell(struct sg_buf *out, const struct sg_trend_kpi *q)
{
    if (!q->res.is_degrading) {
        sg_buf_adds(out, sg_drift_reason_name(q->res.reason));
        return;
    }
    sg_buf_adds(out, sg_trend_is_step(q) ? WARN_SIGN " degrading level shift"
                                         : WARN_SIGN " degrading trend");
}

static void kpi_row(struct sg_buf *out, const struct sg_trend *t, int k)
{
    const struct sg_trend_kpi *q = &t->kpi[k];
    const struct sg_drift_result *r = &q->res;
    sg_buf_addf(out, "| %s | %zu | ", sg_kpi_names[k], q->n);
    if (r->reason == SG_DRIFT_REASON_NOT_ENOUGH_DATA) {
        sg_buf_adds(out, "n/a | n/a | n/a | n/a | n/a | n/a | ");
    } else {
        slope_cell(out, q, false);
        sg_buf_adds(out, " | ");
        slope_cell(out, q, true);
        sg_buf_adds(out, " | ");
        sg_trend_fmt_p(out, r->mk.p_value);
        sg_buf_addf(out, " | iteration %s: %.4g \xe2\x86\x92 %.4g | ", q->cp_number,
                    r->cp.mean_before, r->cp.mean_after);
        sg_trend_fmt_p(out, r->cp.p_value);
        sg_buf_adds(out, " | ");
        sg_trend_fmt_change(out, sg_trend_change(q));
        sg_buf_adds(out, " | ");
    }
    sg_buf_addf(out, "%.4g | ", q->min_magnitude);
    result_cell(out, q);
    sg_buf_adds(out, " |\n");
}

static void sparkline_rows(struct sg_buf *out, const struct sg_trend *t)
{
    sg_buf_adds(out, "| KPI | whole run (\xe2\x94\x83 marks a significant change point) |\n"
                     "|---|---|\n");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        const struct sg_trend_kpi *q = &t->kpi[k];
        bool marked = q->res.reason != SG_DRIFT_REASON_NOT_ENOUGH_DATA &&
                      q->res.cp.p_value < t->rules.p_threshold;
        sg_buf_addf(out, "| %s | ", sg_kpi_names[k]);
        sg_md_drift_sparkline(out, q->y, q->n, marked ? q->res.cp.index : 0, DRIFT_SPARK_WIDTH);
        sg_buf_adds(out, " |\n");
    }
}

/* One "- ⚠ <reason>" line per degrading KPI. */
static void degrading_list(struct sg_buf *out, const struct sg_trend *t)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (!t->kpi[k].res.is_degrading)
            continue;
        sg_buf_adds(out, "- " WARN_SIGN " ");
        sg_trend_describe(t, (enum sg_kpi)k, out);
        sg_buf_addc(out, '\n');
    }
}

static void findings(struct sg_buf *out, const struct sg_trend *t)
{
    if (t->n_degrading == 0) {
        sg_buf_adds(out, "No KPI degrades significantly over the run.\n");
        return;
    }
    degrading_list(out, t);
    sg_buf_addf(out, "\nGate rule: `--drift %s` (%s).\n", t->mode == SG_DRIFT_FAIL ? "fail" : "warn",
                t->mode == SG_DRIFT_FAIL ? "a degrading KPI fails the gate, exit 1"
                                         : "a degrading KPI raises the gate to at least WARN, exit 0");
}

void sg_out_md_drift_section(struct sg_buf *out, const struct sg_md_input *in, int number)
{
    const struct sg_trend *t = in->drift;
    if (t == NULL)
        return;
    sg_buf_addf(out, "## %d. Drift over the whole run\n\n", number);
    sg_buf_adds(out, "Each KPI's series is the valid iterations of the whole run where it is "
                     "present. Theil\xe2\x80\x93Sen slope, Mann\xe2\x80\x93Kendall trend test "
                     "(p) and the Welch change-point scan (Bonferroni-corrected p); degrading "
                     "means p < ");
    sg_trend_fmt_p(out, t->rules.p_threshold);
    sg_buf_addf(out, " and a worse change of at least the minimum (KPI units). Fewer than %d "
                     "points: not enough data.\n\n", SG_TREND_MIN_N);
    sg_buf_adds(out, "| KPI | points | slope / iteration | slope / hour | trend p | "
                     "change point (mean before \xe2\x86\x92 after) | change p | change over the "
                     "run | minimum | result |\n"
                     "|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
    for (int k = 0; k < SG_KPI_COUNT; k++)
        kpi_row(out, t, k);
    sg_buf_addc(out, '\n');
    sparkline_rows(out, t);
    sg_buf_addc(out, '\n');
    findings(out, t);
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ job summary */

void sg_out_md_drift_summary(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_trend *t = in->drift;
    if (t == NULL)
        return;
    if (t->n_degrading == 0) {
        if (sg_trend_all_short(t))
            sg_buf_addf(out, "**Drift (whole run):** not enough data (%d iterations needed)\n\n",
                        SG_TREND_MIN_N);
        else
            sg_buf_adds(out, "**Drift (whole run):** no KPI degrades significantly\n\n");
        return;
    }
    sg_buf_addf(out, "**Drift (whole run, `--drift %s`):**\n\n",
                t->mode == SG_DRIFT_FAIL ? "fail" : "warn");
    degrading_list(out, t);
    sg_buf_addc(out, '\n');
}
