/* SPDX-License-Identifier: MIT */
/*
 * The original's window computations (reference 3.1-3.10) over a view of iterations.
 * Every rule here has its reference section beside it; thresholds come from the policy
 * (D-15), whose defaults are the original's constants.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

const char *sg_verdict_name(enum sg_verdict v)
{
    switch (v) {
    case SG_VERDICT_PASS:
        return "PASS";
    case SG_VERDICT_WARN:
        return "WARN";
    case SG_VERDICT_FAIL:
        return "FAIL";
    case SG_VERDICT_UNKNOWN:
        break;
    }
    return "UNKNOWN";
}

void sg_eval_init(struct sg_eval *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->verdict = SG_VERDICT_FAIL;
}

void sg_eval_release(struct sg_eval *ev)
{
    free(ev->fail_masks);
    free(ev->anomalies);
    free(ev->loops);
    sg_eval_init(ev);
}

/* 3.3: inclusive thresholds; a missing KPI fails. */
uint8_t sg_eval_fail_mask(const struct sg_iter *it, const struct sg_policy *p)
{
    unsigned m = 0;
    if (!sg_iter_has(it, SG_KPI_RISK) || !(it->kpi[SG_KPI_RISK] <= p->risk_max))
        m |= 1u << SG_KPI_RISK;
    if (!sg_iter_has(it, SG_KPI_MAKER) || !(it->kpi[SG_KPI_MAKER] >= p->maker_min))
        m |= 1u << SG_KPI_MAKER;
    if (!sg_iter_has(it, SG_KPI_NET) || !(it->kpi[SG_KPI_NET] >= p->net_min))
        m |= 1u << SG_KPI_NET;
    if (!sg_iter_has(it, SG_KPI_P95) || !(it->kpi[SG_KPI_P95] <= p->p95_max))
        m |= 1u << SG_KPI_P95;
    return (uint8_t)m;
}

enum sg_rc sg_eval_describe_failure(const struct sg_iter *it, uint8_t mask,
                                    const struct sg_policy *p, struct sg_buf *out)
{
    static const char *const cmp[SG_KPI_COUNT] = {">", "<", "<", ">"};
    const double limit[SG_KPI_COUNT] = {p->risk_max, p->maker_min, p->net_min, p->p95_max};
    const char *sep = "";
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (!(((unsigned)mask >> k) & 1u))
            continue;
        char v[SG_NUM_BUFSZ], l[SG_NUM_BUFSZ];
        if (!sg_iter_has(it, (enum sg_kpi)k)) {
            sg_buf_addf(out, "%s%s missing", sep, sg_kpi_names[k]);
        } else {
            sg_num_format(v, it->kpi[k]);
            sg_num_format(l, limit[k]);
            sg_buf_addf(out, "%s%s %s %s %s", sep, sg_kpi_names[k], v, cmp[k], l);
        }
        sep = ", ";
    }
    return sg_buf_rc(out, NULL);
}

/* 3.5 */
enum sg_verdict sg_eval_verdict(int64_t pass_count, bool freeze_seen, const struct sg_policy *p)
{
    if (pass_count >= p->pass_level && (freeze_seen || !p->pass_needs_freeze))
        return SG_VERDICT_PASS;
    if (pass_count >= p->warn_level)
        return SG_VERDICT_WARN;
    return SG_VERDICT_FAIL;
}

/* 3.6 */
bool sg_eval_freeze_ready(enum sg_verdict v, int64_t pass_count, bool freeze_seen,
                          const struct sg_policy *p)
{
    return (v == SG_VERDICT_PASS || v == SG_VERDICT_WARN) && pass_count >= p->pass_level &&
           (freeze_seen || !p->pass_needs_freeze);
}

/* 3.1: exact mean and median of the present values, each rounded to 3 decimals. */
static enum sg_rc eval_kpis(const struct sg_iter *const *view, size_t n, struct sg_eval *ev,
                            struct sg_err *err)
{
    double *vals = sg_xcalloc(n ? n : 1, sizeof *vals);
    enum sg_rc rc = SG_OK;
    for (int k = 0; k < SG_KPI_COUNT && rc == SG_OK; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (sg_iter_has(view[i], (enum sg_kpi)k))
                vals[m++] = view[i]->kpi[k];
        struct sg_kpi_eval *ke = &ev->kpi[k];
        ke->n = m;
        if (m == 0)
            continue;
        rc = sg_stats_summarize(vals, m, &ke->full, err);
        ke->mean = sg_num_round3(ke->full.mean);
        ke->median = sg_num_round3(ke->full.median);
    }
    free(vals);
    return rc;
}

/* 3.9: spikes and drops need the KPI present (D-15); a missing risk counts as 0 in jumps. */
static void eval_anomalies(const struct sg_iter *const *view, size_t n,
                           const struct sg_policy *p, struct sg_eval *ev)
{
    size_t cap = 0;
    double prev_risk = 0.0;
    for (size_t i = 0; i < n; i++) {
        const struct sg_iter *it = view[i];
        double risk = sg_iter_has(it, SG_KPI_RISK) ? it->kpi[SG_KPI_RISK] : 0.0;
        struct sg_anomaly found[3];
        size_t nf = 0;
        if (sg_iter_has(it, SG_KPI_P95) && it->kpi[SG_KPI_P95] > p->spike_ms)
            found[nf++] = (struct sg_anomaly){SG_ANOMALY_LATENCY_SPIKE, i, it->kpi[SG_KPI_P95], 0};
        if (i > 0 && risk - prev_risk > p->jump)
            found[nf++] = (struct sg_anomaly){SG_ANOMALY_RISK_JUMP, i, risk, prev_risk};
        if (sg_iter_has(it, SG_KPI_MAKER) && it->kpi[SG_KPI_MAKER] < p->drop)
            found[nf++] = (struct sg_anomaly){SG_ANOMALY_MAKER_DROP, i, it->kpi[SG_KPI_MAKER], 0};
        prev_risk = risk;
        if (nf == 0)
            continue;
        if (ev->n_anomalies + nf > cap) {
            cap = cap ? cap * 2 : 16;
            ev->anomalies = sg_xreallocarray(ev->anomalies, cap, sizeof *ev->anomalies);
        }
        memcpy(ev->anomalies + ev->n_anomalies, found, nf * sizeof found[0]);
        ev->n_anomalies += nf;
    }
}

/* 3.10: j counts when sig[j] == sig[j+2] and sig[j] != sig[j+1]; "na" takes part (D-11). */
static void eval_loops(const struct sg_iter *const *view, size_t n, struct sg_eval *ev)
{
    size_t cap = 0;
    for (size_t j = 0; j + 2 < n; j++) {
        const char *a = view[j]->signature, *b = view[j + 1]->signature,
                   *c = view[j + 2]->signature;
        if (strcmp(a, c) != 0 || strcmp(a, b) == 0)
            continue;
        if (ev->n_loops == cap) {
            cap = cap ? cap * 2 : 8;
            ev->loops = sg_xreallocarray(ev->loops, cap, sizeof *ev->loops);
        }
        ev->loops[ev->n_loops++] = j;
    }
}

/* ------------------------------------------------------------------ time range (D-8) */

static bool digits(const char *s, int n, int64_t *out)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

bool sg_eval_rfc3339(const char *s, int64_t *seconds, int64_t *nanos)
{
    int64_t y, mo, d, h, mi, se, oh = 0, om = 0, ns = 0;
    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (*p >= '0' && *p <= '9') {
            if (nd < 9)
                ns = ns * 10 + (*p - '0');
            nd++;
            p++;
        }
        if (nd == 0)
            return false;
        for (; nd < 9; nd++)
            ns *= 10;
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2, &oh) &&
               p[3] == ':' && digits(p + 4, 2, &om)) {
        sign = *p == '+' ? 1 : -1;
    } else {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60 ||
        oh > 23 || om > 59)
        return false;
    *seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
               sign * (oh * 3600 + om * 60);
    *nanos = ns;
    return true;
}

static void eval_time_range(const struct sg_iter *const *view, size_t n, struct sg_eval *ev)
{
    bool all_rfc = true;
    const char *lo = NULL, *hi = NULL;
    int64_t lo_s = 0, lo_ns = 0, hi_s = 0, hi_ns = 0;
    for (size_t i = 0; i < n && all_rfc; i++) {
        const char *t = view[i]->runtime_utc;
        int64_t s, ns;
        if (t == NULL)
            continue;
        if (!sg_eval_rfc3339(t, &s, &ns)) {
            all_rfc = false;
            break;
        }
        if (lo == NULL || s < lo_s || (s == lo_s && (ns < lo_ns || (ns == lo_ns && strcmp(t, lo) < 0)))) {
            lo = t;
            lo_s = s;
            lo_ns = ns;
        }
        if (hi == NULL || s > hi_s || (s == hi_s && (ns > hi_ns || (ns == hi_ns && strcmp(t, hi) > 0)))) {
            hi = t;
            hi_s = s;
            hi_ns = ns;
        }
    }
    if (!all_rfc) { /* byte order, as the original */
        lo = hi = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *t = view[i]->runtime_utc;
            if (t == NULL)
                continue;
            if (lo == NULL || strcmp(t, lo) < 0)
                lo = t;
            if (hi == NULL || strcmp(t, hi) > 0)
                hi = t;
        }
    }
    ev->time_from = lo;
    ev->time_to = hi;
}

enum sg_rc sg_eval_build(const struct sg_iter *const *view, size_t n,
                         const struct sg_policy *policy, struct sg_eval *ev, struct sg_err *err)
{
    sg_eval_init(ev);
    ev->n = n;
    ev->fail_masks = sg_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        ev->fail_masks[i] = sg_eval_fail_mask(view[i], policy);
        ev->pass_count += ev->fail_masks[i] == 0;
        for (int g = 0; g < SG_GUARD_COUNT; g++)
            ev->guards[g] += sg_iter_flag(view[i], (enum sg_guard)g);
    }
    ev->freeze_seen = ev->guards[SG_GUARD_FREEZE] > 0;
    ev->verdict = sg_eval_verdict((int64_t)ev->pass_count, ev->freeze_seen, policy);
    ev->freeze_ready =
        sg_eval_freeze_ready(ev->verdict, (int64_t)ev->pass_count, ev->freeze_seen, policy);
    eval_anomalies(view, n, policy, ev);
    eval_loops(view, n, ev);
    eval_time_range(view, n, ev);
    return eval_kpis(view, n, ev, err);
}

const struct sg_iter **sg_eval_view(const struct sg_iter *items, size_t first, size_t end,
                                    size_t *n)
{
    const struct sg_iter **v = sg_xcalloc(end > first ? end - first : 1, sizeof *v);
    size_t m = 0;
    for (size_t i = first; i < end; i++)
        if (items[i].is_valid)
            v[m++] = &items[i];
    *n = m;
    return v;
}
