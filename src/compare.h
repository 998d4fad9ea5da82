/* SPDX-License-Identifier: MIT */
#ifndef SG_COMPARE_H
#define SG_COMPARE_H
/*
 * Baseline comparison (D-13): the current snapshot against a schema-1.1 baseline, as a
 * table of rows (the mean and the median of each KPI, pass_count_last8, the four guard
 * counts, anomalies_count, freeze_ready, verdict) with absolute delta, percent change and a
 * direction-aware better/worse/unchanged mark, plus the --max-regression gate rule.
 *
 * Data flow: snapshot + struct sg_baseline -> sg_compare_build -> struct sg_compare ->
 * text for stderr, POST_SOAK_COMPARE.json, and the Markdown sections (out_md.c).
 * Pure: no I/O, never prints.
 */
#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "snapshot.h"

enum sg_cmp_kind {
    SG_CMP_NUMBER = 0, /* KPI statistics (3-decimal delta) */
    SG_CMP_COUNT,      /* integer counts */
    SG_CMP_BOOL,       /* freeze_ready: false -> true is better */
    SG_CMP_VERDICT,    /* FAIL < WARN < PASS */
};

enum sg_cmp_mark {
    SG_CMP_UNCHANGED = 0,
    SG_CMP_BETTER,
    SG_CMP_WORSE,
    SG_CMP_CHANGED, /* no order applies (an UNKNOWN verdict) */
    SG_CMP_NA,      /* a side has no value (null statistic) */
};

/* "unchanged", "better", "worse", "changed", "n/a". */
const char *sg_cmp_mark_name(enum sg_cmp_mark m);

struct sg_cmp_row {
    char name[40];           /* "risk_ratio.mean", "pass_count_last8", "verdict", ... */
    enum sg_cmp_kind kind;
    bool lower_is_better;    /* for numbers and counts */
    bool has_base, has_cur;  /* false for a null statistic */
    double base, cur;        /* numbers, counts, booleans (0/1) */
    enum sg_verdict base_v, cur_v;
    double delta;            /* cur - base, when both present */
    bool has_pct;            /* false for a zero baseline or a missing side */
    double pct;              /* delta * 100 / |base| */
    enum sg_cmp_mark mark;
};

#define SG_CMP_MAX_ROWS 16

/* Result of one --max-regression rule for one KPI mean. */
enum sg_regress_state {
    SG_REGRESS_OFF = 0,   /* no rule for this KPI */
    SG_REGRESS_OK,        /* worsened by at most the limit (or improved) */
    SG_REGRESS_FAILED,    /* worsened by more than the limit */
    SG_REGRESS_NA,        /* rule cannot apply: zero or null baseline, null current */
};

/* --max-regression parsed: a percent limit per KPI mean (negative: no rule). */
struct sg_regress_rules {
    double max_pct[SG_KPI_COUNT];
};

struct sg_compare {
    enum sg_baseline_status status;       /* rows are filled only when SG_BASELINE_OK */
    struct sg_cmp_row rows[SG_CMP_MAX_ROWS];
    size_t n_rows;
    struct sg_regress_rules rules;
    enum sg_regress_state regress[SG_KPI_COUNT];
    double worsened_pct[SG_KPI_COUNT];    /* how much each mean worsened, percent */
    size_t n_regressions;                 /* rules in SG_REGRESS_FAILED */
};

/*
 * Parses --max-regression entries: each "PCT" (every KPI mean) or "KPI=PCT", several per
 * entry separated by commas; PCT a finite number >= 0, optionally followed by "%". A
 * per-KPI rule overrides the global one whatever the order. SG_USAGE naming the entry.
 */
enum sg_rc sg_compare_rules_parse(const struct sg_strlist *list, struct sg_regress_rules *out,
                                  struct sg_err *err);

/* Compares snap with base (its status decides whether rows are filled) under rules. */
void sg_compare_build(const struct sg_snapshot *snap, const struct sg_baseline *base,
                      const struct sg_regress_rules *rules, struct sg_compare *out);

/* Appends "+0.090" / "-2.000": explicit sign, 3 decimals (the sign follows v's sign). */
void sg_compare_fmt_delta(struct sg_buf *out, double v);
/* Appends "+256.9%" / "-18.0%" / "n/a" for the row's percent. */
void sg_compare_fmt_pct(struct sg_buf *out, const struct sg_cmp_row *row);
/* Appends the row's baseline or current value as shown to people ("0.500", "6", "true"). */
void sg_compare_fmt_value(struct sg_buf *out, const struct sg_cmp_row *row, bool current);

/*
 * The stderr text: an empty line, "Baseline vs Current:", one line per row
 * ("  risk_ratio.mean: 0.500 → 0.410  -0.090 (-18.0%)  better"), then the regression rules.
 */
void sg_compare_render_text(const struct sg_compare *cmp, struct sg_buf *out);

/*
 * POST_SOAK_COMPARE.json (schema in the README): one JSON object, keys in a fixed order,
 * one trailing newline. baseline_path and problem are borrowed (problem may be "").
 */
void sg_compare_render_json(const struct sg_compare *cmp, const char *baseline_path,
                            const char *problem, struct sg_buf *out);

#endif
