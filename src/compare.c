/* SPDX-License-Identifier: MIT */
/*
 * The --compare model and its text and JSON forms (D-13). Percent changes are relative to
 * |baseline| with an explicit sign taken from the delta, so a negative baseline gives
 * "+256.9%" where the original printed "+-256.9%" (BUG-14); a zero baseline has no
 * percent ("n/a") but keeps its row and its absolute delta.
 */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "output.h"

/* Lower is better for risk and latency, higher for maker share and net edge (D-13). */
static const bool kpi_lower_better[SG_KPI_COUNT] = {true, false, false, true};

const char *sg_cmp_mark_name(enum sg_cmp_mark m)
{
    switch (m) {
    case SG_CMP_UNCHANGED:
        return "unchanged";
    case SG_CMP_BETTER:
        return "better";
    case SG_CMP_WORSE:
        return "worse";
    case SG_CMP_CHANGED:
        return "changed";
    case SG_CMP_NA:
        break;
    }
    return "n/a";
}

/* ------------------------------------------------------------------ rules */

static enum sg_rc parse_rule(const char *s, size_t len, struct sg_regress_rules *r,
                             bool *is_kpi, struct sg_err *err)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp)
        return sg_err_set(err, SG_USAGE, "--max-regression: bad entry '%.*s'", (int)len, s);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *eq = strchr(tmp, '='), *pct = eq ? eq + 1 : tmp;
    int kpi = -1;
    if (eq) {
        *eq = '\0';
        for (int k = 0; k < SG_KPI_COUNT; k++)
            if (strcmp(tmp, sg_kpi_names[k]) == 0)
                kpi = k;
        if (kpi < 0)
            return sg_err_set(err, SG_USAGE,
                              "--max-regression: unknown KPI '%s' (expected risk_ratio, "
                              "maker_taker_ratio, net_bps or p95_latency_ms)", tmp);
    }
    size_t pl = strlen(pct);
    if (pl > 0 && pct[pl - 1] == '%')
        pct[pl - 1] = '\0';
    double v;
    struct sg_err perr = SG_ERR_INIT;
    if (sg_num_parse_double(pct, &v, &perr) != SG_OK || v < 0)
        return sg_err_set(err, SG_USAGE,
                          "--max-regression: '%.*s': expected PCT or KPI=PCT with PCT >= 0",
                          (int)len, s);
    *is_kpi = kpi >= 0;
    for (int k = 0; k < SG_KPI_COUNT; k++)
        if (k == kpi || kpi < 0)
            r->max_pct[k] = v;
    return SG_OK;
}

enum sg_rc sg_compare_rules_parse(const struct sg_strlist *list, struct sg_regress_rules *out,
                                  struct sg_err *err)
{
    struct sg_regress_rules global, per;
    for (int k = 0; k < SG_KPI_COUNT; k++)
        global.max_pct[k] = per.max_pct[k] = out->max_pct[k] = -1.0;
    for (size_t i = 0; i < list->n; i++) {
        for (const char *p = list->items[i];;) {
            size_t n = strcspn(p, ",\n");
            struct sg_regress_rules one;
            bool is_kpi = false;
            for (int k = 0; k < SG_KPI_COUNT; k++)
                one.max_pct[k] = -1.0;
            if (n > 0 && parse_rule(p, n, &one, &is_kpi, err) != SG_OK)
                return SG_USAGE;
            for (int k = 0; k < SG_KPI_COUNT; k++)
                if (one.max_pct[k] >= 0)
                    (is_kpi ? &per : &global)->max_pct[k] = one.max_pct[k];
            if (p[n] == '\0')
                break;
            p += n + 1;
        }
    }
    for (int k = 0; k < SG_KPI_COUNT; k++)
        out->max_pct[k] = per.max_pct[k] >= 0 ? per.max_pct[k] : global.max_pct[k];
    return SG_OK;
}

/* ------------------------------------------------------------------ rows */

static void finish_numeric(struct sg_cmp_row *r)
{
    if (!r->has_base || !r->has_cur) {
        r->mark = SG_CMP_NA;
        return;
    }
    r->delta = r->cur - r->base;
    r->has_pct = r->base != 0.0;
    if (r->has_pct)
        r->pct = r->delta * 100.0 / fabs(r->base);
    if (r->delta == 0.0)
        r->mark = SG_CMP_UNCHANGED;
    else
        r->mark = (r->delta < 0) == r->lower_is_better ? SG_CMP_BETTER : SG_CMP_WORSE;
}

static struct sg_cmp_row *add_row(struct sg_compare *c, enum sg_cmp_kind kind, const char *name,
                                  const char *suffix)
{
    struct sg_cmp_row *r = &c->rows[c->n_rows++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    snprintf(r->name, sizeof r->name, "%s%s", name, suffix);
    r->has_base = r->has_cur = true;
    return r;
}

static void set_cur_stat(struct sg_cmp_row *r, const struct sg_jnum *n)
{
    r->cur = n->is_int ? (double)n->i : n->d;
    r->has_cur = isfinite(r->cur);
}

static void add_kpi_rows(struct sg_compare *c, const struct sg_snapshot *s,
                         const struct sg_baseline *b)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        for (int med = 0; med < 2; med++) {
            struct sg_cmp_row *r = add_row(c, SG_CMP_NUMBER, sg_kpi_names[k],
                                           med ? ".median" : ".mean");
            const struct sg_bnum *bn = med ? &b->median[k] : &b->mean[k];
            r->lower_is_better = kpi_lower_better[k];
            r->has_base = bn->has;
            r->base = bn->d;
            set_cur_stat(r, med ? &s->median[k] : &s->mean[k]);
            finish_numeric(r);
        }
    }
}

static void add_count(struct sg_compare *c, const char *name, int64_t base, int64_t cur,
                      bool lower_better)
{
    struct sg_cmp_row *r = add_row(c, SG_CMP_COUNT, name, "");
    r->lower_is_better = lower_better;
    r->base = (double)base;
    r->cur = (double)cur;
    finish_numeric(r);
}

static int verdict_rank(enum sg_verdict v)
{
    return v == SG_VERDICT_PASS ? 2 : v == SG_VERDICT_WARN ? 1 : v == SG_VERDICT_FAIL ? 0 : -1;
}

static void add_flag_rows(struct sg_compare *c, const struct sg_snapshot *s,
                          const struct sg_baseline *b)
{
    struct sg_cmp_row *r = add_row(c, SG_CMP_BOOL, "freeze_ready", "");
    r->base = b->freeze_ready;
    r->cur = s->freeze_ready;
    r->mark = r->base == r->cur ? SG_CMP_UNCHANGED : s->freeze_ready ? SG_CMP_BETTER
                                                                      : SG_CMP_WORSE;
    r = add_row(c, SG_CMP_VERDICT, "verdict", "");
    r->base_v = b->verdict;
    r->cur_v = s->verdict;
    int rb = verdict_rank(b->verdict), rc = verdict_rank(s->verdict);
    if (b->verdict == s->verdict)
        r->mark = SG_CMP_UNCHANGED;
    else if (rb < 0 || rc < 0)
        r->mark = SG_CMP_CHANGED;
    else
        r->mark = rc > rb ? SG_CMP_BETTER : SG_CMP_WORSE;
}

/* The gate rule: a KPI mean worsening by more than its limit, in percent of |baseline|. */
static void apply_rules(struct sg_compare *c)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        c->regress[k] = SG_REGRESS_OFF;
        if (c->rules.max_pct[k] < 0)
            continue;
        const struct sg_cmp_row *r = &c->rows[2 * k]; /* <kpi>.mean */
        if (c->status != SG_BASELINE_OK || !r->has_pct) {
            c->regress[k] = SG_REGRESS_NA;
            continue;
        }
        c->worsened_pct[k] = r->lower_is_better ? r->pct : -r->pct;
        c->regress[k] = c->worsened_pct[k] > c->rules.max_pct[k] ? SG_REGRESS_FAILED
                                                                  : SG_REGRESS_OK;
        c->n_regressions += c->regress[k] == SG_REGRESS_FAILED;
    }
}

void sg_compare_build(const struct sg_snapshot *snap, const struct sg_baseline *base,
                      const struct sg_regress_rules *rules, struct sg_compare *out)
{
    memset(out, 0, sizeof *out);
    out->status = base->status;
    out->rules = *rules;
    if (base->status == SG_BASELINE_OK) {
        add_kpi_rows(out, snap, base);
        add_count(out, "pass_count_last8", base->pass_count, snap->pass_count, false);
        for (int g = 0; g < SG_GUARD_COUNT; g++)
            add_count(out, sg_guard_keys[g], base->guards[g], snap->guards[g], true);
        add_count(out, "anomalies_count", base->anomalies_count, snap->anomalies_count, true);
        add_flag_rows(out, snap, base);
    }
    apply_rules(out);
}

/* ------------------------------------------------------------------ formatting */

void sg_compare_fmt_delta(struct sg_buf *out, double v)
{
    sg_buf_addf(out, "%c%.3f", signbit(v) ? '-' : '+', fabs(v));
}

void sg_compare_fmt_pct(struct sg_buf *out, const struct sg_cmp_row *r)
{
    if (!r->has_pct)
        sg_buf_adds(out, "n/a");
    else
        sg_buf_addf(out, "%c%.1f%%", r->pct < 0 ? '-' : '+', fabs(r->pct));
}

void sg_compare_fmt_value(struct sg_buf *out, const struct sg_cmp_row *r, bool current)
{
    bool has = current ? r->has_cur : r->has_base;
    double v = current ? r->cur : r->base;
    switch (r->kind) {
    case SG_CMP_NUMBER:
        if (has)
            sg_buf_addf(out, "%.3f", v);
        else
            sg_buf_adds(out, "null");
        return;
    case SG_CMP_COUNT:
        sg_buf_addf(out, "%.0f", v);
        return;
    case SG_CMP_BOOL:
        sg_buf_adds(out, v != 0.0 ? "true" : "false");
        return;
    case SG_CMP_VERDICT:
        sg_buf_adds(out, sg_verdict_name(current ? r->cur_v : r->base_v));
        return;
    }
}

static void text_rules(const struct sg_compare *c, struct sg_buf *out)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        char lim[SG_NUM_BUFSZ];
        sg_num_format(lim, c->rules.max_pct[k]);
        switch (c->regress[k]) {
        case SG_REGRESS_OFF:
            break;
        case SG_REGRESS_OK:
            sg_buf_addf(out, "  [OK] %s.mean: within the %s%% regression limit\n",
                        sg_kpi_names[k], lim);
            break;
        case SG_REGRESS_FAILED:
            sg_buf_addf(out, "  [FAIL] %s.mean: worsened by %.1f%% (limit %s%%)\n",
                        sg_kpi_names[k], c->worsened_pct[k], lim);
            break;
        case SG_REGRESS_NA:
            sg_buf_addf(out, "  [WARN] %s.mean: %s; the --max-regression rule cannot apply\n",
                        sg_kpi_names[k],
                        c->status != SG_BASELINE_OK ? "no baseline"
                        : !c->rows[2 * k].has_base || !c->rows[2 * k].has_cur
                            ? "no value to compare"
                            : "baseline is 0");
            break;
        }
    }
}

void sg_compare_render_text(const struct sg_compare *c, struct sg_buf *out)
{
    if (c->n_rows > 0)
        sg_buf_adds(out, "\nBaseline vs Current:\n");
    for (size_t i = 0; i < c->n_rows; i++) {
        const struct sg_cmp_row *r = &c->rows[i];
        sg_buf_addf(out, "  %s: ", r->name);
        sg_compare_fmt_value(out, r, false);
        sg_buf_adds(out, " \xe2\x86\x92 ");
        sg_compare_fmt_value(out, r, true);
        if ((r->kind == SG_CMP_NUMBER || r->kind == SG_CMP_COUNT) && r->mark != SG_CMP_NA) {
            sg_buf_adds(out, " (");
            sg_compare_fmt_pct(out, r);
            sg_buf_adds(out, ", ");
            if (r->kind == SG_CMP_COUNT)
                sg_buf_addf(out, "%+.0f", r->delta);
            else
                sg_compare_fmt_delta(out, r->delta);
            sg_buf_addc(out, ')');
        }
        sg_buf_addf(out, " %s\n", sg_cmp_mark_name(r->mark));
    }
    text_rules(c, out);
}

/* ------------------------------------------------------------------ JSON */

static const char *const status_names[] = {"ok", "missing", "unreadable", "wrong_schema"};
static const char *const kind_names[] = {"number", "count", "boolean", "verdict"};
static const char *const regress_names[] = {"off", "ok", "failed", "not_applicable"};

static void json_double(struct sg_buf *out, bool has, double d)
{
    struct sg_jnum n = {false, 0, d};
    if (has)
        sg_out_json_number(out, &n);
    else
        sg_buf_adds(out, "null");
}

/* Rounds to `decimals` places through the correctly rounded "%.*f" (deterministic). */
static double rounded(double v, int decimals)
{
    char tmp[64];
    double r = v;
    struct sg_err ignored = SG_ERR_INIT;
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (sg_num_parse_double(tmp, &r, &ignored) != SG_OK)
        return v;
    return r;
}

static void json_side(struct sg_buf *out, const struct sg_cmp_row *r, bool current)
{
    bool has = current ? r->has_cur : r->has_base;
    double v = current ? r->cur : r->base;
    if (r->kind == SG_CMP_VERDICT)
        sg_out_json_string(out, sg_verdict_name(current ? r->cur_v : r->base_v));
    else if (r->kind == SG_CMP_BOOL)
        sg_buf_adds(out, v != 0.0 ? "true" : "false");
    else if (r->kind == SG_CMP_COUNT)
        sg_buf_addf(out, "%.0f", v);
    else
        json_double(out, has, v);
}

static void json_row(struct sg_buf *out, const struct sg_cmp_row *r)
{
    bool numeric = r->kind == SG_CMP_NUMBER || r->kind == SG_CMP_COUNT;
    bool has_delta = numeric && r->mark != SG_CMP_NA;
    sg_buf_adds(out, "{\"name\":");
    sg_out_json_string(out, r->name);
    sg_buf_addf(out, ",\"kind\":\"%s\",\"better\":", kind_names[r->kind]);
    if (numeric)
        sg_buf_adds(out, r->lower_is_better ? "\"lower\"" : "\"higher\"");
    else
        sg_buf_adds(out, r->kind == SG_CMP_BOOL ? "\"true\"" : "\"PASS\"");
    sg_buf_adds(out, ",\"baseline\":");
    json_side(out, r, false);
    sg_buf_adds(out, ",\"current\":");
    json_side(out, r, true);
    sg_buf_adds(out, ",\"delta\":");
    if (has_delta && r->kind == SG_CMP_COUNT)
        sg_buf_addf(out, "%.0f", r->delta);
    else
        json_double(out, has_delta, rounded(r->delta, 3));
    sg_buf_adds(out, ",\"percent\":");
    json_double(out, has_delta && r->has_pct, rounded(r->pct, 1));
    sg_buf_addf(out, ",\"change\":\"%s\"}", sg_cmp_mark_name(r->mark));
}

static void json_rules(struct sg_buf *out, const struct sg_compare *c)
{
    const char *sep = "";
    sg_buf_adds(out, "\"max_regression\":[");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (c->regress[k] == SG_REGRESS_OFF)
            continue;
        sg_buf_addf(out, "%s{\"kpi\":\"%s\",\"limit_percent\":", sep, sg_kpi_names[k]);
        json_double(out, true, c->rules.max_pct[k]);
        sg_buf_adds(out, ",\"worsened_percent\":");
        json_double(out, c->regress[k] != SG_REGRESS_NA, rounded(c->worsened_pct[k], 1));
        sg_buf_addf(out, ",\"status\":\"%s\"}", regress_names[c->regress[k]]);
        sep = ",";
    }
    sg_buf_addf(out, "],\"regression_failed\":%s", c->n_regressions ? "true" : "false");
}

void sg_compare_render_json(const struct sg_compare *c, const char *baseline_path,
                            const char *problem, struct sg_buf *out)
{
    sg_buf_adds(out, "{\"schema\":\"soak-gate/compare/1\",\"baseline\":{\"path\":");
    sg_out_json_string(out, baseline_path);
    sg_buf_addf(out, ",\"status\":\"%s\",\"problem\":", status_names[c->status]);
    if (problem && problem[0])
        sg_out_json_string(out, problem);
    else
        sg_buf_adds(out, "null");
    sg_buf_adds(out, "},\"rows\":[");
    for (size_t i = 0; i < c->n_rows; i++) {
        if (i)
            sg_buf_addc(out, ',');
        json_row(out, &c->rows[i]);
    }
    sg_buf_adds(out, "],");
    json_rules(out, c);
    sg_buf_adds(out, "}\n");
}
