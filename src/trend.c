/* SPDX-License-Identifier: MIT */
/*
 * trend: drift of every KPI over the whole run. Builds each KPI's series from the run
 * view (missing values left out, positions kept), resolves --drift-p / --drift-min and
 * hands the series to sg_drift_eval(). Definitions are in trend.h.
 */
#include "trend.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "num.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ rules */

void sg_trend_init(struct sg_trend *t)
{
    memset(t, 0, sizeof *t);
}

void sg_trend_release(struct sg_trend *t)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        free(t->kpi[k].pos);
        free(t->kpi[k].y);
    }
    sg_trend_init(t);
}

bool sg_trend_higher_is_worse(enum sg_kpi k)
{
    return k == SG_KPI_RISK || k == SG_KPI_P95;
}

static double threshold_of(const struct sg_policy *p, int k)
{
    switch (k) {
    case SG_KPI_RISK:
        return p->risk_max;
    case SG_KPI_MAKER:
        return p->maker_min;
    case SG_KPI_NET:
        return p->net_min;
    default:
        return p->p95_max;
    }
}

/* One "KPI=VALUE" entry, s[0..len), into min[]. */
static enum sg_rc parse_one_min(const char *entry, size_t len, double *min, struct sg_err *err)
{
    char s[64];
    if (len == 0 || len >= sizeof s)
        return sg_err_set(err, SG_USAGE, "--drift-min: bad entry '%.*s'", (int)len, entry);
    memcpy(s, entry, len);
    s[len] = '\0';
    const char *eq = strchr(s, '=');
    int kpi = -1;
    for (int k = 0; eq && k < SG_KPI_COUNT; k++)
        if (strlen(sg_kpi_names[k]) == (size_t)(eq - s) &&
            strncmp(s, sg_kpi_names[k], (size_t)(eq - s)) == 0)
            kpi = k;
    if (kpi < 0)
        return sg_err_set(err, SG_USAGE,
                          "--drift-min: '%s': expected KPI=VALUE with KPI one of risk_ratio, "
                          "maker_taker_ratio, net_bps, p95_latency_ms", s);
    double v;
    struct sg_err perr = SG_ERR_INIT;
    if (sg_num_parse_double(eq + 1, &v, &perr) != SG_OK || !(v >= 0.0))
        return sg_err_set(err, SG_USAGE, "--drift-min: '%s': VALUE must be a number >= 0", s);
    min[kpi] = v;
    return SG_OK;
}

/* A --drift-min value: entries separated by commas or newlines, as --max-regression. */
static enum sg_rc parse_min(const char *s, double *min, struct sg_err *err)
{
    for (;;) {
        size_t n = strcspn(s, ",\n");
        if (n > 0 && parse_one_min(s, n, min, err) != SG_OK)
            return SG_USAGE;
        if (s[n] == '\0')
            return SG_OK;
        s += n + 1;
    }
}

enum sg_rc sg_trend_rules_make(const struct sg_config *cfg, struct sg_trend_rules *out,
                               struct sg_err *err)
{
    out->p_threshold = cfg->drift_p;
    if (!(cfg->drift_p > 0.0 && cfg->drift_p < 1.0))
        return sg_err_set(err, SG_USAGE, "--drift-p: %g is not in (0, 1)", cfg->drift_p);
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        double lim = fabs(threshold_of(&cfg->policy, k));
        out->min[k] = isfinite(lim) ? SG_TREND_DEFAULT_MIN * lim : 0.0;
    }
    for (size_t i = 0; i < cfg->drift_min.n; i++)
        if (parse_min(cfg->drift_min.items[i], out->min, err) != SG_OK)
            return SG_USAGE;
    return SG_OK;
}

/* ------------------------------------------------------------------ series */

/* Hours since the first point; false when any runtime_utc is missing or not RFC 3339. */
static bool hours_of(const struct sg_iter *const *view, const size_t *pos, size_t n,
                     double *hours)
{
    int64_t sec0 = 0, ns0 = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t sec, ns;
        const char *when = view[pos[i]]->runtime_utc;
        if (when == NULL || !sg_eval_rfc3339(when, &sec, &ns))
            return false;
        if (i == 0) {
            sec0 = sec;
            ns0 = ns;
        }
        hours[i] = (double)(sec - sec0) / 3600.0 + (double)(ns - ns0) / 3.6e12;
    }
    return true;
}

static enum sg_rc judge_kpi(const struct sg_iter *const *view, size_t n, enum sg_kpi k,
                            const struct sg_trend_rules *rules, struct sg_trend_kpi *out,
                            struct sg_err *err)
{
    out->pos = sg_xreallocarray(NULL, n > 0 ? n : 1, sizeof *out->pos);
    out->y = sg_xreallocarray(NULL, n > 0 ? n : 1, sizeof *out->y);
    for (size_t i = 0; i < n; i++) {
        if (!sg_iter_has(view[i], k))
            continue;
        out->pos[out->n] = i;
        out->y[out->n++] = view[i]->kpi[k];
    }
    out->higher_is_worse = sg_trend_higher_is_worse(k);
    out->min_magnitude = rules->min[k];
    struct sg_drift_opts opts;
    sg_drift_opts_init(&opts);
    opts.higher_is_worse = out->higher_is_worse;
    opts.p_threshold = rules->p_threshold;
    opts.min_magnitude = rules->min[k];
    opts.min_n = SG_TREND_MIN_N;
    double *hours = sg_xreallocarray(NULL, out->n > 0 ? out->n : 1, sizeof *hours);
    out->has_hours = out->n > 0 && hours_of(view, out->pos, out->n, hours);
    enum sg_rc rc = sg_drift_eval(out->y, out->has_hours ? hours : NULL, out->n, &opts,
                                  &out->res, err);
    free(hours);
    if (rc == SG_OK && out->res.reason != SG_DRIFT_REASON_NOT_ENOUGH_DATA)
        out->cp_number = view[out->pos[out->res.cp.index]]->number;
    if (rc != SG_OK)
        sg_err_wrap(err, "drift of %s", sg_kpi_names[k]);
    return rc;
}

enum sg_rc sg_trend_build(const struct sg_iter *const *view, size_t n,
                          const struct sg_config *cfg, struct sg_trend *out, struct sg_err *err)
{
    sg_trend_init(out);
    out->mode = cfg->drift;
    if (cfg->drift == SG_DRIFT_OFF)
        return SG_OK;
    out->is_on = true;
    if (sg_trend_rules_make(cfg, &out->rules, err) != SG_OK)
        return SG_USAGE;
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        enum sg_rc rc = judge_kpi(view, n, (enum sg_kpi)k, &out->rules, &out->kpi[k], err);
        if (rc != SG_OK)
            return rc;
        out->n_degrading += out->kpi[k].res.is_degrading;
    }
    return SG_OK;
}

/* ------------------------------------------------------------------ text */

void sg_trend_fmt_change(struct sg_buf *out, double v)
{
    if (v == 0.0 || !isfinite(v))
        sg_buf_adds(out, isfinite(v) ? "0" : "n/a");
    else
        sg_buf_addf(out, "%+.3g", v);
}

void sg_trend_fmt_p(struct sg_buf *out, double p)
{
    if (p == 0.0 || p >= 1.0)
        sg_buf_adds(out, p == 0.0 ? "0" : "1");
    else
        sg_buf_addf(out, "%.1g", p);
}

bool sg_trend_is_step(const struct sg_trend_kpi *q)
{
    const struct sg_drift_result *r = &q->res;
    return r->step_fires && (!r->trend_fires || r->cp.p_value < r->mk.p_value);
}

double sg_trend_change(const struct sg_trend_kpi *q)
{
    return sg_trend_is_step(q) ? q->res.step_change : q->res.total_change;
}

/* A level (a mean, always finite) with 4 significant digits. */
static void fmt_level(struct sg_buf *out, double v)
{
    sg_buf_addf(out, "%.4g", v);
}

void sg_trend_describe(const struct sg_trend *t, enum sg_kpi k, struct sg_buf *out)
{
    const struct sg_trend_kpi *q = &t->kpi[k];
    const struct sg_drift_result *r = &q->res;
    if (!t->is_on || !r->is_degrading)
        return;
    double change = sg_trend_change(q);
    const char *dir = change > 0 ? "up" : "down";
    const char *unit = k == SG_KPI_P95 ? " ms" : "";
    sg_buf_adds(out, sg_kpi_names[k]);
    if (!sg_trend_is_step(q)) {
        sg_buf_addf(out, " drifting %s: ", dir);
        sg_trend_fmt_change(out, change);
        sg_buf_addf(out, "%s over the run (Mann-Kendall p=", unit);
        sg_trend_fmt_p(out, r->mk.p_value);
        sg_buf_adds(out, ")");
        return;
    }
    sg_buf_addf(out, " shifted %s at iteration %s: ", dir, q->cp_number ? q->cp_number : "?");
    sg_trend_fmt_change(out, change);
    sg_buf_addf(out, "%s (mean ", unit);
    fmt_level(out, r->cp.mean_before);
    sg_buf_adds(out, " -> ");
    fmt_level(out, r->cp.mean_after);
    sg_buf_adds(out, ", change-point p=");
    sg_trend_fmt_p(out, r->cp.p_value);
    sg_buf_adds(out, ")");
}

bool sg_trend_all_short(const struct sg_trend *t)
{
    for (int k = 0; k < SG_KPI_COUNT; k++)
        if (t->kpi[k].res.reason != SG_DRIFT_REASON_NOT_ENOUGH_DATA)
            return false;
    return true;
}
