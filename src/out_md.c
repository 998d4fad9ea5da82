/* SPDX-License-Identifier: MIT */
/*
 * Markdown writers: POST_SOAK_AUDIT.md (D-1, modelled on the V1 analyzer's eight sections,
 * reference 6.1) and the GitHub job summary (platform-facts 1.5). Whole-run figures and
 * window figures are computed by the same sg_eval_build and labelled as such; the verdict,
 * pass count and freeze_ready are read from the snapshot only.
 */
#include "out_md.h"
#include "civil.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "xalloc.h"

#define CELL_MAX 120        /* input bytes shown per table cell */
#define LIST_MAX 200        /* entries per list before "... and N more" */
#define MATRIX_FULL 500     /* iteration tables above this size are summarised */
#define SPARK_WIDTH 60
#define ELLIPSIS "\xe2\x80\xa6"

/* ------------------------------------------------------------------ escaping */

/* Length of a valid UTF-8 sequence at p, or 0 when the bytes are not one. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
                             : (p[0] & 0xF8) == 0xF0    ? 4 : 0;
    if (n == 2 && p[0] < 0xC2)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void escape_ascii(struct sg_buf *out, const unsigned char *p, const unsigned char *s,
                         bool first)
{
    unsigned char c = *p;
    switch (c) {
    case '&':
        sg_buf_adds(out, "&amp;");
        return;
    case '<':
        sg_buf_adds(out, "&lt;");
        return;
    case '>':
        sg_buf_adds(out, "&gt;");
        return;
    case '|':
        sg_buf_adds(out, "&#124;");
        return;
    case ':':
        sg_buf_adds(out, first ? "&#58;" : ":");
        return;
    case '\\': case '`': case '*': case '[': case ']': case '#': case '!': case '~':
        sg_buf_addc(out, '\\');
        sg_buf_addc(out, (char)c);
        return;
    case '_':
        if (p == s || !is_alnum(p[-1]) || !is_alnum(p[1]))
            sg_buf_addc(out, '\\');
        sg_buf_addc(out, '_');
        return;
    default:
        sg_buf_addc(out, c < 0x20 || c == 0x7F ? ' ' : (char)c);
    }
}

void sg_md_escape(struct sg_buf *out, const char *str, size_t max_bytes)
{
    const unsigned char *s = (const unsigned char *)str, *p = s;
    while (*p) {
        size_t n = utf8_len(p);
        if ((size_t)(p - s) + (n ? n : 1) > max_bytes) {
            sg_buf_adds(out, ELLIPSIS);
            return;
        }
        if (n == 0)
            sg_buf_adds(out, "\xef\xbf\xbd"); /* U+FFFD */
        else if (n == 1)
            escape_ascii(out, p, s, p == s);
        else
            sg_buf_add(out, p, n);
        p += n ? n : 1;
    }
}

/* ------------------------------------------------------------------ sparklines */


void sg_md_sparkline(struct sg_buf *out, const struct sg_iter *const *view, size_t n,
                     enum sg_kpi k, size_t width)
{
    /* The present values in order, drawn by the one sparkline renderer (no mark). */
    double *y = sg_xcalloc(n ? n : 1, sizeof *y);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sg_iter_has(view[i], k))
            y[m++] = view[i]->kpi[k];
    sg_md_drift_sparkline(out, y, m, 0, width);
    free(y);
}

/* ------------------------------------------------------------------ shared pieces */

/* A statistic as shown: rounded to 3 decimals, repr form; "n/a" when not finite. */
static void add_num(struct sg_buf *out, double d, bool round)
{
    char tmp[SG_NUM_BUFSZ];
    if (!isfinite(d)) {
        sg_buf_adds(out, "n/a");
        return;
    }
    sg_num_format(tmp, round ? sg_num_round3(d) : d);
    sg_buf_adds(out, tmp);
}

static void add_jnum(struct sg_buf *out, const struct sg_jnum *n)
{
    if (n->is_int)
        sg_buf_addf(out, "%" PRId64, n->i);
    else
        add_num(out, n->d, false);
}

static void add_time(struct sg_buf *out, int64_t t)
{
    char buf[SG_CIVIL_BUFSZ];
    sg_civil_format_utc(t, buf);
    sg_buf_adds(out, buf);
}

static void window_label(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_addf(out, "last-%" PRId64 " window: %zu evaluated", in->cfg->policy.window,
                in->window->n);
}

static void run_label(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_addf(out, "whole run: %zu iteration%s", in->run->n, in->run->n == 1 ? "" : "s");
}

/* D-18: n/W, or n (from POST_SOAK_SUMMARY.json). */
static void pass_count(struct sg_buf *out, const struct sg_snapshot *s)
{
    if (s->from_summary)
        sg_buf_addf(out, "%" PRId64 " (from POST\\_SOAK\\_SUMMARY.json)", s->pass_count);
    else
        sg_buf_addf(out, "%" PRId64 "/%zu", s->pass_count, s->n_evaluated);
}

static const char *verdict_badge(enum sg_verdict v)
{
    return v == SG_VERDICT_PASS   ? "\xe2\x9c\x85 PASS"
           : v == SG_VERDICT_WARN ? "\xe2\x9a\xa0\xef\xb8\x8f WARN"
           : v == SG_VERDICT_FAIL ? "\xe2\x9d\x8c FAIL"
                                  : "\xe2\x9d\x93 UNKNOWN";
}

static double kpi_limit(const struct sg_policy *p, int k)
{
    const double lim[SG_KPI_COUNT] = {p->risk_max, p->maker_min, p->net_min, p->p95_max};
    return lim[k];
}

/* Lower-is-better KPIs have a maximum ("<= 0.42"), the others a minimum. */
static bool kpi_is_max(int k)
{
    return k == SG_KPI_RISK || k == SG_KPI_P95;
}

static void threshold(struct sg_buf *out, const struct sg_policy *p, int k)
{
    sg_buf_adds(out, kpi_is_max(k) ? "&lt;= " : "&gt;= ");
    add_num(out, kpi_limit(p, k), false);
}

static bool mean_passes(const struct sg_policy *p, int k, double mean)
{
    return kpi_is_max(k) ? mean <= kpi_limit(p, k) : mean >= kpi_limit(p, k);
}

/* Iteration number of a view entry (its file name's digits). */
static const char *iter_no(const struct sg_iter *it)
{
    return it->number;
}

static bool in_window(const struct sg_md_input *in, const struct sg_iter *it)
{
    return (size_t)(it - in->set->items) >= in->window_first;
}

static const char *const anomaly_names[] = {"latency spike", "risk jump", "maker/taker drop"};

/* "latency spike: p95_latency_ms 450.0 > 400.0" */
static void anomaly_text(struct sg_buf *out, const struct sg_anomaly *a, const struct sg_policy *p)
{
    sg_buf_addf(out, "%s: ", anomaly_names[a->kind]);
    switch (a->kind) {
    case SG_ANOMALY_LATENCY_SPIKE:
        sg_buf_adds(out, "p95\\_latency\\_ms ");
        add_num(out, a->value, false);
        sg_buf_adds(out, " &gt; ");
        add_num(out, p->spike_ms, false);
        return;
    case SG_ANOMALY_RISK_JUMP:
        sg_buf_adds(out, "risk\\_ratio ");
        add_num(out, a->prev, false);
        sg_buf_adds(out, " \xe2\x86\x92 ");
        add_num(out, a->value, false);
        sg_buf_adds(out, " (rise ");
        add_num(out, a->value - a->prev, true);
        sg_buf_adds(out, " &gt; ");
        add_num(out, p->jump, false);
        sg_buf_addc(out, ')');
        return;
    case SG_ANOMALY_MAKER_DROP:
        sg_buf_adds(out, "maker\\_taker\\_ratio ");
        add_num(out, a->value, false);
        sg_buf_adds(out, " &lt; ");
        add_num(out, p->drop, false);
        return;
    }
}

/* A bulleted list of the anomalies of ev (positions in view), at most `max` entries. */
static void anomaly_list(struct sg_buf *out, const struct sg_md_input *in,
                         const struct sg_eval *ev, const struct sg_iter *const *view, size_t max)
{
    if (ev->n_anomalies == 0) {
        sg_buf_adds(out, "- none\n");
        return;
    }
    for (size_t i = 0; i < ev->n_anomalies && i < max; i++) {
        const struct sg_anomaly *a = &ev->anomalies[i];
        sg_buf_addf(out, "- iteration %s (", iter_no(view[a->pos]));
        sg_md_escape(out, view[a->pos]->file, CELL_MAX);
        sg_buf_adds(out, "): ");
        anomaly_text(out, a, &in->cfg->policy);
        sg_buf_addc(out, '\n');
    }
    if (ev->n_anomalies > max)
        sg_buf_addf(out, "- " ELLIPSIS " and %zu more\n", ev->n_anomalies - max);
}

/* Input problems (diagnostics) as a bulleted list. */
static void diag_list(struct sg_buf *out, const struct sg_diags *d, size_t max)
{
    for (size_t i = 0; i < d->n && i < max; i++) {
        const struct sg_diag *x = &d->items[i];
        sg_buf_addf(out, "- %s ", x->level == SG_DIAG_ERROR ? "**ERROR**" : "**WARN**");
        if (x->subject[0]) {
            sg_md_escape(out, x->subject, CELL_MAX);
            sg_buf_adds(out, ": ");
        }
        sg_md_escape(out, x->text, 2 * CELL_MAX);
        sg_buf_addc(out, '\n');
    }
    size_t more = d->n_dropped + (d->n > max ? d->n - max : 0);
    if (more)
        sg_buf_addf(out, "- " ELLIPSIS " and %zu more\n", more);
}

static const char *mark_badge(enum sg_cmp_mark m)
{
    switch (m) {
    case SG_CMP_BETTER:
        return "\xf0\x9f\x9f\xa2 better";
    case SG_CMP_WORSE:
        return "\xf0\x9f\x94\xb4 worse";
    case SG_CMP_UNCHANGED:
        return "unchanged";
    case SG_CMP_CHANGED:
        return "changed";
    case SG_CMP_NA:
        break;
    }
    return "n/a";
}

static void compare_rules(struct sg_buf *out, const struct sg_compare *c)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (c->regress[k] == SG_REGRESS_OFF)
            continue;
        sg_buf_adds(out, "- --max-regression ");
        sg_md_escape(out, sg_kpi_names[k], CELL_MAX);
        sg_buf_adds(out, ".mean ");
        add_num(out, c->rules.max_pct[k], false);
        sg_buf_adds(out, "%: ");
        if (c->regress[k] == SG_REGRESS_FAILED)
            sg_buf_addf(out, "**FAIL**, worsened by %.1f%%\n", c->worsened_pct[k]);
        else if (c->regress[k] == SG_REGRESS_OK)
            sg_buf_adds(out, "ok\n");
        else
            sg_buf_adds(out, c->status != SG_BASELINE_OK ? "cannot apply (no baseline)\n"
                                                          : "cannot apply (baseline is 0 or "
                                                            "a value is missing)\n");
    }
}

/* The baseline comparison: a table, or why there is none (D-13). */
static void compare_section(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_compare *c = in->cmp;
    sg_buf_adds(out, "Baseline: ");
    sg_md_escape(out, in->baseline_path, CELL_MAX);
    sg_buf_addc(out, '\n');
    if (c->status != SG_BASELINE_OK) {
        sg_buf_adds(out, "\n**Comparison skipped:** ");
        sg_buf_adds(out, c->status == SG_BASELINE_MISSING ? "baseline not found"
                         : c->status == SG_BASELINE_WRONG_SCHEMA
                             ? "not a schema 1.1 snapshot"
                             : "could not load the baseline snapshot");
        if (in->baseline_problem[0]) {
            sg_buf_adds(out, " (");
            sg_md_escape(out, in->baseline_problem, 2 * CELL_MAX);
            sg_buf_addc(out, ')');
        }
        sg_buf_adds(out, ".\n");
    } else {
        sg_buf_adds(out, "\n| metric | baseline | current | delta | change % | |\n"
                         "|---|---:|---:|---:|---:|---|\n");
        for (size_t i = 0; i < c->n_rows; i++) {
            const struct sg_cmp_row *r = &c->rows[i];
            bool numeric = r->kind == SG_CMP_NUMBER || r->kind == SG_CMP_COUNT;
            sg_buf_adds(out, "| ");
            sg_md_escape(out, r->name, CELL_MAX);
            sg_buf_adds(out, " | ");
            sg_compare_fmt_value(out, r, false);
            sg_buf_adds(out, " | ");
            sg_compare_fmt_value(out, r, true);
            sg_buf_adds(out, " | ");
            if (numeric && r->mark != SG_CMP_NA && r->kind == SG_CMP_COUNT)
                sg_buf_addf(out, "%+.0f", r->delta);
            else if (numeric && r->mark != SG_CMP_NA)
                sg_compare_fmt_delta(out, r->delta);
            sg_buf_adds(out, " | ");
            if (numeric && r->mark != SG_CMP_NA)
                sg_compare_fmt_pct(out, r);
            sg_buf_addf(out, " | %s |\n", mark_badge(r->mark));
        }
    }
    if (c->regress[0] || c->regress[1] || c->regress[2] || c->regress[3])
        sg_buf_addc(out, '\n');
    compare_rules(out, c);
}

/* D-15: the thresholds actually used. */
static void thresholds_table(struct sg_buf *out, const struct sg_policy *p)
{
    sg_buf_adds(out, "| setting | value |\n|---|---|\n");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sg_buf_adds(out, "| ");
        sg_md_escape(out, sg_kpi_names[k], CELL_MAX);
        sg_buf_adds(out, " (per iteration) | ");
        threshold(out, p, k);
        sg_buf_adds(out, " |\n");
    }
    sg_buf_addf(out, "| PASS level | &gt;= %" PRId64 " passing iterations%s |\n", p->pass_level,
                p->pass_needs_freeze ? " and a freeze event" : "");
    sg_buf_addf(out, "| WARN level | &gt;= %" PRId64 " passing iterations |\n", p->warn_level);
    sg_buf_adds(out, "| latency spike | p95\\_latency\\_ms &gt; ");
    add_num(out, p->spike_ms, false);
    sg_buf_adds(out, " |\n| risk jump | risk\\_ratio rise &gt; ");
    add_num(out, p->jump, false);
    sg_buf_adds(out, " |\n| maker/taker drop | maker\\_taker\\_ratio &lt; ");
    add_num(out, p->drop, false);
    sg_buf_addf(out, " |\n| window | last %" PRId64 " iteration files |\n", p->window);
}

/* ------------------------------------------------------------------ audit: 1 overview */

static void time_range(struct sg_buf *out, const struct sg_eval *ev)
{
    if (ev->time_from == NULL) {
        sg_buf_adds(out, "n/a");
        return;
    }
    sg_md_escape(out, ev->time_from, CELL_MAX);
    sg_buf_adds(out, " \xe2\x86\x92 ");
    sg_md_escape(out, ev->time_to, CELL_MAX);
}

static void audit_overview(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_iterset *set = in->set;
    size_t n_excl = sg_diags_count(&set->diags, SG_DIAG_EXCLUDED);
    size_t n_val = sg_diags_count(&set->diags, SG_DIAG_VALUE);
    size_t n_name = sg_diags_count(&set->diags, SG_DIAG_NAME);
    sg_buf_adds(out, "## 1. Overview\n\n- Iterations (");
    run_label(out, in);
    sg_buf_addf(out, "): %zu iteration file%s, %zu valid, %zu excluded\n", set->n_items,
                set->n_items == 1 ? "" : "s", set->n_items - set->n_invalid, set->n_invalid);
    sg_buf_adds(out, "- Evaluated window (");
    window_label(out, in);
    sg_buf_addc(out, ')');
    if (in->window->n > 0) {
        sg_buf_addf(out, ": iterations %s to %s", iter_no(in->window_view[0]),
                    iter_no(in->window_view[in->window->n - 1]));
    }
    sg_buf_adds(out, "\n- Time range (");
    run_label(out, in);
    sg_buf_adds(out, "): ");
    time_range(out, in->run);
    sg_buf_adds(out, "\n- Time range (");
    window_label(out, in);
    sg_buf_adds(out, "): ");
    time_range(out, in->window);
    sg_buf_addf(out, "\n- Verdict: **%s**, pass count ", sg_verdict_name(in->snap->verdict));
    pass_count(out, in->snap);
    sg_buf_addf(out, ", freeze\\_ready %s%s\n", in->snap->freeze_ready ? "true" : "false",
                in->snap->from_summary ? " (core fields from POST\\_SOAK\\_SUMMARY.json)" : "");
    sg_buf_addf(out, "- KPI\\_GATE.json parity: %s\n",
                in->snap->kpi_gate_parity < 0 ? "n/a" : in->snap->kpi_gate_parity ? "true"
                                                                                 : "false");
    sg_buf_addf(out, "- Input problems: %zu file%s excluded, %zu value%s treated as missing, "
                     "%zu name%s ignored or reordered\n",
                n_excl, n_excl == 1 ? "" : "s", n_val, n_val == 1 ? "" : "s", n_name,
                n_name == 1 ? "" : "s");
    if (set->diags.n > 0) {
        sg_buf_addc(out, '\n');
        diag_list(out, &set->diags, SG_DIAG_MAX);
    }
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 2 iterations */

/* Per whole-run position: bit a set when anomaly kind a was found there. */
static uint8_t *anomaly_bits(const struct sg_eval *ev)
{
    uint8_t *bits = sg_xcalloc(ev->n ? ev->n : 1, 1);
    for (size_t i = 0; i < ev->n_anomalies; i++)
        bits[ev->anomalies[i].pos] |= (uint8_t)(1u << ev->anomalies[i].kind);
    return bits;
}

static void kpi_cell(struct sg_buf *out, const struct sg_iter *it, int k, uint8_t fail)
{
    sg_buf_adds(out, " | ");
    if (sg_iter_has(it, (enum sg_kpi)k))
        add_num(out, it->kpi[k], false);
    else
        sg_buf_adds(out, "\xe2\x80\x94"); /* — */
    if (((unsigned)fail >> k) & 1u)
        sg_buf_adds(out, " \xe2\x9c\x97"); /* ✗ */
}

static void flags_cells(struct sg_buf *out, const struct sg_iter *it)
{
    static const char *const short_names[] = {"osc", "vel", "cool"};
    const char *sep = "";
    sg_buf_adds(out, " | ");
    for (int g = 0; g < SG_GUARD_FREEZE; g++) {
        if (sg_iter_flag(it, (enum sg_guard)g)) {
            sg_buf_addf(out, "%s%s", sep, short_names[g]);
            sep = ", ";
        }
    }
    sg_buf_adds(out, " | ");
    if (sg_iter_flag(it, SG_GUARD_FREEZE)) {
        sg_buf_adds(out, "yes");
        if (it->freeze_reason) {
            sg_buf_adds(out, ": ");
            sg_md_escape(out, it->freeze_reason, CELL_MAX);
        }
    }
}

static void matrix_row(struct sg_buf *out, const struct sg_md_input *in, const struct sg_iter *it,
                       uint8_t anomalies)
{
    sg_buf_addf(out, "| %s | ", it->number);
    if (!it->is_valid) {
        sg_buf_adds(out, " |  |  |  |  | excluded |  |  |  | ");
        sg_md_escape(out, it->problem ? it->problem : "invalid", 2 * CELL_MAX);
        sg_buf_adds(out, " |\n");
        return;
    }
    if (it->runtime_utc)
        sg_md_escape(out, it->runtime_utc, CELL_MAX);
    uint8_t fail = sg_eval_fail_mask(it, &in->cfg->policy);
    for (int k = 0; k < SG_KPI_COUNT; k++)
        kpi_cell(out, it, k, fail);
    sg_buf_adds(out, fail ? " | FAIL" : " | pass");
    flags_cells(out, it);
    sg_buf_adds(out, " | ");
    sg_md_escape(out, it->signature, 40);
    sg_buf_adds(out, " | ");
    const char *sep = "";
    if (in_window(in, it)) {
        sg_buf_adds(out, "window");
        sep = "; ";
    }
    for (int a = 0; a < 3; a++) {
        if (((unsigned)anomalies >> a) & 1u) {
            sg_buf_addf(out, "%s%s", sep, anomaly_names[a]);
            sep = "; ";
        }
    }
    sg_buf_adds(out, " |\n");
}

static void omitted_row(struct sg_buf *out, size_t n, const char *first, const char *last)
{
    sg_buf_addf(out, "| " ELLIPSIS " |  |  |  |  |  | pass |  |  |  | %zu passing iteration%s "
                     "without anomalies (%s to %s) not shown |\n",
                n, n == 1 ? "" : "s", first, last);
}

static void audit_matrix(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_iterset *set = in->set;
    bool full = set->n_items <= MATRIX_FULL;
    uint8_t *abits = anomaly_bits(in->run);
    sg_buf_adds(out, "## 2. Iteration matrix (");
    run_label(out, in);
    sg_buf_adds(out, full ? ")\n\n" : "; window, failing, excluded and anomalous iterations "
                                      "shown, the others summarised)\n\n");
    sg_buf_adds(out, "A value marked \xe2\x9c\x97 fails its threshold; \xe2\x80\x94 is missing "
                     "(and fails).\n\n| iteration | runtime\\_utc | risk\\_ratio | "
                     "maker\\_taker\\_ratio | net\\_bps | p95\\_latency\\_ms | result | guards | "
                     "freeze | signature | notes |\n"
                     "|---:|---|---:|---:|---:|---:|---|---|---|---|---|\n");
    size_t pos = 0, n_skip = 0;
    const char *skip_first = NULL, *skip_last = NULL;
    for (size_t i = 0; i < set->n_items; i++) {
        const struct sg_iter *it = &set->items[i];
        uint8_t ab = it->is_valid ? abits[pos++] : 0;
        bool show = full || !it->is_valid || ab || i >= in->window_first ||
                    sg_eval_fail_mask(it, &in->cfg->policy) != 0;
        if (!show) {
            skip_first = n_skip++ ? skip_first : it->number;
            skip_last = it->number;
            continue;
        }
        if (n_skip)
            omitted_row(out, n_skip, skip_first, skip_last);
        n_skip = 0;
        matrix_row(out, in, it, ab);
    }
    if (n_skip)
        omitted_row(out, n_skip, skip_first, skip_last);
    free(abits);
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 3 KPIs */

static void kpi_stats_table(struct sg_buf *out, const struct sg_md_input *in,
                            const struct sg_eval *ev)
{
    sg_buf_adds(out, "| KPI | n | mean | median | min | max | stdev | p95 | threshold | "
                     "mean within threshold |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        const struct sg_kpi_eval *ke = &ev->kpi[k];
        sg_buf_adds(out, "| ");
        sg_md_escape(out, sg_kpi_names[k], CELL_MAX);
        sg_buf_addf(out, " | %zu", ke->n);
        const double v[] = {ke->mean, ke->median, ke->full.min, ke->full.max, ke->full.stdev,
                            ke->full.p95};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            sg_buf_adds(out, " | ");
            if (ke->n)
                add_num(out, v[i], true);
            else
                sg_buf_adds(out, "n/a");
        }
        sg_buf_adds(out, " | ");
        threshold(out, &in->cfg->policy, k);
        sg_buf_adds(out, ke->n == 0                                      ? " | n/a (no values) |\n"
                         : mean_passes(&in->cfg->policy, k, ke->mean) ? " | PASS |\n"
                                                                       : " | FAIL |\n");
    }
}

static void audit_kpis(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_adds(out, "## 3. KPI statistics\n\n### ");
    window_label(out, in);
    sg_buf_adds(out, "\n\n");
    if (in->snap->from_summary)
        sg_buf_adds(out, "The snapshot's means and medians come from POST\\_SOAK\\_SUMMARY.json; "
                         "the figures below are computed from the iteration files.\n\n");
    kpi_stats_table(out, in, in->window);
    sg_buf_adds(out, "\n### ");
    run_label(out, in);
    sg_buf_adds(out, "\n\n");
    kpi_stats_table(out, in, in->run);
    sg_buf_adds(out, "\n### Trends (");
    run_label(out, in);
    sg_buf_addf(out, "; at most %d characters, each the mean of an even share of the values)"
                     "\n\n",
                SPARK_WIDTH);
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sg_buf_adds(out, "- ");
        sg_md_escape(out, sg_kpi_names[k], CELL_MAX);
        sg_buf_adds(out, ": ");
        sg_md_sparkline(out, in->run_view, in->run->n, (enum sg_kpi)k, SPARK_WIDTH);
        if (in->run->kpi[k].n) {
            sg_buf_adds(out, " (min ");
            add_num(out, in->run->kpi[k].full.min, true);
            sg_buf_adds(out, ", max ");
            add_num(out, in->run->kpi[k].full.max, true);
            sg_buf_addc(out, ')');
        }
        sg_buf_addc(out, '\n');
    }
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 4 guards */

static const char *const guard_labels[SG_GUARD_COUNT] = {"oscillation", "velocity", "cooldown",
                                                         "freeze"};

/* Comma-separated iteration numbers of the whole run with flag g, at most max. */
static void flag_iterations(struct sg_buf *out, const struct sg_md_input *in, int g, size_t max)
{
    size_t shown = 0, total = in->run->guards[g];
    for (size_t i = 0; i < in->run->n && shown < max; i++) {
        if (!sg_iter_flag(in->run_view[i], (enum sg_guard)g))
            continue;
        sg_buf_addf(out, "%s%s", shown++ ? ", " : "", iter_no(in->run_view[i]));
    }
    if (total == 0)
        sg_buf_adds(out, "\xe2\x80\x94");
    else if (total > shown)
        sg_buf_addf(out, ", " ELLIPSIS " (%zu more)", total - shown);
}

static void audit_guards(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_adds(out, "## 4. Guards and freeze events\n\n| guard | ");
    run_label(out, in);
    sg_buf_adds(out, " | ");
    window_label(out, in);
    sg_buf_adds(out, " | iterations (whole run) |\n|---|---:|---:|---|\n");
    for (int g = 0; g < SG_GUARD_COUNT; g++) {
        sg_buf_addf(out, "| %s | %zu | %zu | ", guard_labels[g], in->run->guards[g],
                    in->window->guards[g]);
        flag_iterations(out, in, g, 50);
        sg_buf_adds(out, " |\n");
    }
    sg_buf_adds(out, "\n### Freeze events (whole run)\n\n");
    size_t shown = 0;
    for (size_t i = 0; i < in->run->n; i++) {
        const struct sg_iter *it = in->run_view[i];
        if (!sg_iter_flag(it, SG_GUARD_FREEZE))
            continue;
        if (shown++ == LIST_MAX)
            break;
        sg_buf_addf(out, "- iteration %s%s: ", iter_no(it), in_window(in, it) ? " (window)" : "");
        sg_md_escape(out, it->freeze_reason ? it->freeze_reason : "unknown", CELL_MAX);
        sg_buf_addc(out, '\n');
    }
    if (shown == 0)
        sg_buf_adds(out, "- none\n");
    else if (in->run->guards[SG_GUARD_FREEZE] > LIST_MAX)
        sg_buf_addf(out, "- " ELLIPSIS " and %zu more\n",
                    in->run->guards[SG_GUARD_FREEZE] - LIST_MAX);
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 5 signatures */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t unique_signatures(const struct sg_md_input *in)
{
    size_t n = in->run->n, u = 0;
    const char **sigs = sg_xcalloc(n ? n : 1, sizeof *sigs);
    for (size_t i = 0; i < n; i++)
        sigs[i] = in->run_view[i]->signature;
    qsort(sigs, n, sizeof *sigs, cmp_str);
    for (size_t i = 0; i < n; i++)
        u += i == 0 || strcmp(sigs[i], sigs[i - 1]) != 0;
    free(sigs);
    return u;
}

static void audit_signatures(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_addf(out, "## 5. Runtime signatures\n\n- Unique signatures (");
    run_label(out, in);
    sg_buf_addf(out, "): %zu\n- A\xe2\x86\x92" "B\xe2\x86\x92" "A loops (", unique_signatures(in));
    run_label(out, in);
    sg_buf_addf(out, "): %zu\n- A\xe2\x86\x92" "B\xe2\x86\x92" "A loops (", in->run->n_loops);
    window_label(out, in);
    sg_buf_addf(out, "): %zu (the snapshot's signature\\_loops)\n\n", in->window->n_loops);
    for (size_t i = 0; i < in->run->n_loops && i < LIST_MAX; i++) {
        const struct sg_iter *const *v = in->run_view + in->run->loops[i];
        sg_buf_addf(out, "- iterations %s \xe2\x86\x92 %s \xe2\x86\x92 %s: ", iter_no(v[0]),
                    iter_no(v[1]), iter_no(v[2]));
        sg_md_escape(out, v[0]->signature, 40);
        sg_buf_adds(out, " \xe2\x86\x92 ");
        sg_md_escape(out, v[1]->signature, 40);
        sg_buf_adds(out, " \xe2\x86\x92 ");
        sg_md_escape(out, v[2]->signature, 40);
        sg_buf_adds(out, in_window(in, v[0]) ? " (window)\n" : "\n");
    }
    if (in->run->n_loops > LIST_MAX)
        sg_buf_addf(out, "- " ELLIPSIS " and %zu more\n", in->run->n_loops - LIST_MAX);
    if (in->run->n_loops == 0)
        sg_buf_adds(out, "- no loops detected\n");
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 6 anomalies */

static void audit_anomalies(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_adds(out, "## 6. Anomalies\n\n### ");
    window_label(out, in);
    sg_buf_addf(out, " (%zu, the snapshot's anomalies\\_count)\n\n", in->window->n_anomalies);
    anomaly_list(out, in, in->window, in->window_view, LIST_MAX);
    sg_buf_adds(out, "\n### ");
    run_label(out, in);
    sg_buf_addf(out, " (%zu)\n\n", in->run->n_anomalies);
    anomaly_list(out, in, in->run, in->run_view, LIST_MAX);
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 7 recommendations */

/* Parameters the original's rules touch, in alphabetical order (reference 6.1). */
enum param {
    P_BASE_SPREAD = 0, P_CONCURRENCY, P_COOLDOWN, P_MAX_DELTA, P_MIN_INTERVAL, P_REPLACE_RATE,
    P_TAIL_AGE, P_COUNT
};
static const char *const param_names[P_COUNT] = {
    "base_spread_bps", "concurrency_limit", "cooldown_iters", "max_delta_per_hour",
    "min_interval_ms", "replace_rate_per_min", "tail_age_ms"};

struct advice {
    const char *change[P_COUNT]; /* NULL: no change; later rules overwrite earlier ones */
    const char *why[P_COUNT];
};

static void advise(struct advice *a, enum param p, const char *change, const char *why)
{
    a->change[p] = change;
    a->why[p] = why;
}

static double snap_mean(const struct sg_snapshot *s, int k)
{
    return s->mean[k].is_int ? (double)s->mean[k].i : s->mean[k].d;
}

/* The original's six rules, in its order, on the window means and guard counts. */
static void build_advice(const struct sg_snapshot *s, const struct sg_policy *p, struct advice *a)
{
    double risk = snap_mean(s, SG_KPI_RISK), maker = snap_mean(s, SG_KPI_MAKER);
    double net = snap_mean(s, SG_KPI_NET), p95 = snap_mean(s, SG_KPI_P95);
    memset(a, 0, sizeof *a);
    if (risk > p->risk_max) {
        advise(a, P_BASE_SPREAD, "+0.03", "risk\\_ratio mean above its threshold");
        advise(a, P_MIN_INTERVAL, "+35", "risk\\_ratio mean above its threshold");
    }
    if (maker < p->maker_min) {
        advise(a, P_BASE_SPREAD, "+0.015", "maker\\_taker\\_ratio mean below its threshold");
        advise(a, P_REPLACE_RATE, "\xc3\x97" "0.85", "maker\\_taker\\_ratio mean below its threshold");
    }
    if (p95 > p->p95_max) {
        advise(a, P_CONCURRENCY, "\xc3\x97" "0.85", "p95\\_latency\\_ms mean above its threshold");
        advise(a, P_TAIL_AGE, "+75", "p95\\_latency\\_ms mean above its threshold");
    }
    if (s->guards[SG_GUARD_OSCILLATION] > 1) {
        advise(a, P_COOLDOWN, "+1", "more than one oscillation");
        advise(a, P_MAX_DELTA, "\xc3\x97" "0.8", "more than one oscillation");
    }
    if (s->guards[SG_GUARD_VELOCITY] > 0)
        advise(a, P_MAX_DELTA, "\xc3\x97" "0.9", "velocity violations");
    /* 0.40 is the original's fixed "risk has headroom" level, not a configured threshold. */
    if (net < p->net_min && risk <= 0.40) {
        advise(a, P_BASE_SPREAD, "-0.01", "net\\_bps mean below its threshold with low risk");
        advise(a, P_MIN_INTERVAL, "-20", "net\\_bps mean below its threshold with low risk");
    }
}

static void audit_recommendations(struct sg_buf *out, const struct sg_md_input *in)
{
    struct advice a;
    build_advice(in->snap, &in->cfg->policy, &a);
    sg_buf_adds(out, "## 7. Recommendations\n\nParameter changes from the original analyzer's "
                     "rules, applied in order on the window's means and guard counts (");
    window_label(out, in);
    sg_buf_adds(out, "); a later rule overrides an earlier one for the same parameter.\n\n");
    bool any = false;
    for (int p = 0; p < P_COUNT; p++) {
        if (a.change[p] == NULL)
            continue;
        if (!any)
            sg_buf_adds(out, "| parameter | change | because |\n|---|---|---|\n");
        any = true;
        sg_buf_adds(out, "| ");
        sg_md_escape(out, param_names[p], CELL_MAX);
        sg_buf_addf(out, " | %s | %s |\n", a.change[p], a.why[p]);
    }
    if (!any)
        sg_buf_adds(out, "No parameter changes recommended.\n");
    sg_buf_addc(out, '\n');
}

/* ------------------------------------------------------------------ audit: 8 verdict */

static void next_actions(struct sg_buf *out, const struct sg_snapshot *s)
{
    if (s->verdict == SG_VERDICT_PASS && s->freeze_ready) {
        sg_buf_adds(out, "- READY: the run meets the production gate; freeze the current "
                         "parameters.\n");
    } else if (s->verdict == SG_VERDICT_WARN || s->verdict == SG_VERDICT_PASS) {
        sg_buf_adds(out, "- REVIEW: the run is close to the gate; check the failing iterations "
                         "(section 2) and the anomalies (section 6) before freezing.\n");
        if (!s->freeze_seen)
            sg_buf_adds(out, "- No freeze event in the window: let the tuner reach a freeze "
                             "before promoting.\n");
    } else {
        sg_buf_adds(out, "- HOLD: do not promote. Required actions:\n"
                         "  1. Fix the KPIs that fail in the window (sections 2 and 3).\n"
                         "  2. Apply the recommended parameter changes (section 7).\n"
                         "  3. Rerun the soak and check that the verdict reaches PASS.\n");
    }
}

static void audit_verdict(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_snapshot *s = in->snap;
    sg_buf_addf(out, "## 8. Verdict and next actions\n\n- Verdict: **%s** (", verdict_badge(s->verdict));
    window_label(out, in);
    sg_buf_adds(out, ")\n- Pass count: ");
    pass_count(out, s);
    sg_buf_addf(out, "\n- freeze\\_seen: %s\n- freeze\\_ready: %s\n- Freeze decision: %s\n\n",
                s->freeze_seen ? "true" : "false", s->freeze_ready ? "true" : "false",
                s->freeze_ready ? "READY\\_TO\\_FREEZE" : "HOLD");
    next_actions(out, s);
    sg_buf_adds(out, "\n### Thresholds used\n\n");
    thresholds_table(out, &in->cfg->policy);
    sg_buf_addc(out, '\n');
}

enum sg_rc sg_out_md_audit_render(const struct sg_md_input *in, struct sg_buf *out,
                                  struct sg_err *err)
{
    sg_buf_adds(out, "# POST-SOAK AUDIT REPORT\n\n- Generated: ");
    add_time(out, in->cfg->now);
    sg_buf_adds(out, "\n- Source: ");
    sg_md_escape(out, in->cfg->path, 4 * CELL_MAX);
    sg_buf_adds(out, "\n\n");
    audit_overview(out, in);
    audit_matrix(out, in);
    audit_kpis(out, in);
    audit_guards(out, in);
    audit_signatures(out, in);
    audit_anomalies(out, in);
    audit_recommendations(out, in);
    audit_verdict(out, in);
    if (in->cmp) {
        sg_buf_adds(out, "## 9. Baseline comparison\n\n");
        compare_section(out, in);
        sg_buf_addc(out, '\n');
    }
    sg_out_md_drift_section(out, in, in->cmp ? 10 : 9);
    return sg_buf_rc(out, err);
}

/* ------------------------------------------------------------------ job summary */

static void summary_kpis(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_snapshot *s = in->snap;
    bool delta = in->cmp && in->cmp->status == SG_BASELINE_OK;
    sg_buf_adds(out, "| KPI | mean | median | threshold | mean within threshold | trend (whole run) |");
    sg_buf_adds(out, delta ? " vs baseline |\n|---|---:|---:|---|---|---|---|\n"
                           : "\n|---|---:|---:|---|---|---|\n");
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sg_buf_adds(out, "| ");
        sg_md_escape(out, sg_kpi_names[k], CELL_MAX);
        sg_buf_adds(out, " | ");
        add_jnum(out, &s->mean[k]);
        sg_buf_adds(out, " | ");
        add_jnum(out, &s->median[k]);
        sg_buf_adds(out, " | ");
        threshold(out, &in->cfg->policy, k);
        sg_buf_adds(out, mean_passes(&in->cfg->policy, k, snap_mean(s, k))
                             ? " | \xe2\x9c\x85 | "
                             : " | \xe2\x9d\x8c | ");
        sg_md_sparkline(out, in->run_view, in->run->n, (enum sg_kpi)k, SPARK_WIDTH);
        if (delta) {
            const struct sg_cmp_row *r = &in->cmp->rows[2 * k];
            sg_buf_adds(out, " | ");
            if (r->mark != SG_CMP_NA) {
                sg_compare_fmt_delta(out, r->delta);
                sg_buf_adds(out, " (");
                sg_compare_fmt_pct(out, r);
                sg_buf_adds(out, ") ");
            }
            sg_buf_adds(out, mark_badge(r->mark));
        }
        sg_buf_adds(out, " |\n");
    }
}

static void summary_lists(struct sg_buf *out, const struct sg_md_input *in)
{
    sg_buf_addf(out, "<details><summary>Anomalies: %zu (", in->window->n_anomalies);
    window_label(out, in);
    sg_buf_adds(out, ")</summary>\n\n");
    anomaly_list(out, in, in->window, in->window_view, LIST_MAX);
    sg_buf_addf(out, "\n</details>\n<details><summary>Anomalies: %zu (", in->run->n_anomalies);
    run_label(out, in);
    sg_buf_adds(out, ")</summary>\n\n");
    anomaly_list(out, in, in->run, in->run_view, LIST_MAX);
    sg_buf_adds(out, "\n</details>\n");
    if (in->set->diags.n + in->set->diags.n_dropped > 0) {
        sg_buf_addf(out, "<details><summary>Input problems: %zu</summary>\n\n",
                    in->set->diags.n + in->set->diags.n_dropped);
        diag_list(out, &in->set->diags, SG_DIAG_MAX);
        sg_buf_adds(out, "\n</details>\n");
    }
    sg_buf_adds(out, "<details><summary>Thresholds used</summary>\n\n");
    thresholds_table(out, &in->cfg->policy);
    sg_buf_adds(out, "\n</details>\n\n");
}

static void summary_body(struct sg_buf *out, const struct sg_md_input *in)
{
    const struct sg_snapshot *s = in->snap;
    sg_buf_addf(out, "## soak-gate: %s\n\n**Verdict:** %s \xc2\xb7 **Pass count:** ",
                verdict_badge(s->verdict), sg_verdict_name(s->verdict));
    pass_count(out, s);
    sg_buf_addf(out, " \xc2\xb7 **freeze\\_ready:** %s\n\n", s->freeze_ready ? "true" : "false");
    window_label(out, in);
    sg_buf_adds(out, " \xc2\xb7 ");
    run_label(out, in);
    sg_buf_adds(out, " \xc2\xb7 time range ");
    time_range(out, in->window);
    sg_buf_adds(out, "\n\n");
    summary_kpis(out, in);
    sg_buf_addc(out, '\n');
    sg_out_md_drift_summary(out, in);
    sg_buf_adds(out, "**Guards (");
    window_label(out, in);
    sg_buf_adds(out, "):**");
    for (int g = 0; g < SG_GUARD_COUNT; g++)
        sg_buf_addf(out, "%s %s %" PRId64, g ? " \xc2\xb7" : "", guard_labels[g], s->guards[g]);
    sg_buf_addf(out, " \xc2\xb7 signature loops %" PRId64 " \xc2\xb7 anomalies %" PRId64 "\n\n",
                s->signature_loops, s->anomalies_count);
    summary_lists(out, in);
    if (in->cmp) {
        sg_buf_adds(out, "### Baseline comparison\n\n");
        compare_section(out, in);
        sg_buf_addc(out, '\n');
    }
    sg_buf_adds(out, "**Artifacts** (in ");
    sg_md_escape(out, in->cfg->path, 4 * CELL_MAX);
    sg_buf_adds(out, "):");
    for (size_t i = 0; i < in->n_artifacts; i++) {
        sg_buf_adds(out, i ? ", " : " ");
        sg_md_escape(out, in->artifacts[i], CELL_MAX);
    }
    sg_buf_adds(out, "\n\n");
}

/* Counts occurrences of needle in s[0..len). */
static size_t count_in(const char *s, size_t len, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    for (const char *p = s; (p = strstr(p, needle)) != NULL && (size_t)(p - s) + nl <= len;
         p += nl)
        n++;
    return n;
}

#define TRUNC_NOTE "\n> **Note:** job summary truncated to stay under 1 MiB; " \
                   "POST\\_SOAK\\_AUDIT.md has the full report.\n"

/* Cuts out to a line boundary so the note and closing tags fit in max_bytes. */
static void truncate_summary(struct sg_buf *out, size_t max_bytes)
{
    size_t reserve = sizeof TRUNC_NOTE + 16 * sizeof "</details>\n";
    size_t cut = max_bytes > reserve ? max_bytes - reserve : 0;
    while (cut > 0 && out->data[cut - 1] != '\n')
        cut--;
    size_t open = count_in(out->data, cut, "<details>");
    size_t closed = count_in(out->data, cut, "</details>");
    out->len = cut;
    out->data[cut] = '\0';
    for (size_t i = closed; i < open && i < closed + 16; i++)
        sg_buf_adds(out, "\n</details>\n");
    sg_buf_adds(out, TRUNC_NOTE);
}

enum sg_rc sg_out_md_summary_render(const struct sg_md_input *in, size_t max_bytes,
                                    struct sg_buf *out, struct sg_err *err)
{
    struct sg_buf full;
    sg_buf_init(&full, 0);
    summary_body(&full, in);
    enum sg_rc rc = sg_buf_rc(&full, err);
    if (rc == SG_OK && full.len > max_bytes)
        truncate_summary(&full, max_bytes);
    if (rc == SG_OK)
        sg_buf_add(out, full.data, full.len);
    sg_buf_release(&full);
    return rc == SG_OK ? sg_buf_rc(out, err) : rc;
}
