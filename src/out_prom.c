/* SPDX-License-Identifier: MIT */
/*
 * Snapshot -> Prometheus text exposition 0.0.4 (D-14), in two name sets:
 *
 *  - default: soakgate_* gauge families that pass `promtool check metrics` (HELP and TYPE on
 *    every family, base units, no timestamps, escaped label values). The README's
 *    "Prometheus" section documents every family; keep the two in step.
 *  - legacy: the original's ten metrics byte for byte (reference 4.2), for existing
 *    dashboards; it keeps the original's "counter" types and so fails promtool.
 *
 * Pure: the run labels and the evaluation time come in as arguments.
 */
#include "output.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "num.h"
#include "trend.h"

/* ------------------------------------------------------------------ values */

/* A double as Go's ParseFloat reads it: repr digits, NaN, +Inf, -Inf. */
static void add_double(struct sg_buf *out, double d)
{
    char tmp[SG_NUM_BUFSZ];
    if (isnan(d))
        sg_buf_adds(out, "NaN");
    else if (isinf(d))
        sg_buf_adds(out, d > 0 ? "+Inf" : "-Inf");
    else
        sg_buf_add(out, tmp, sg_num_format(tmp, d));
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
                                : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1Fu : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (n == 0 || cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void sg_out_prom_label_value(struct sg_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == '\\' || *p == '"') {
            sg_buf_addc(out, '\\');
            sg_buf_addc(out, (char)*p++);
        } else if (*p == '\n') {
            sg_buf_adds(out, "\\n");
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                sg_buf_adds(out, "\xEF\xBF\xBD"); /* U+FFFD: the format requires UTF-8 */
                n = 1;
            } else {
                sg_buf_add(out, p, n);
            }
            p += n;
        }
    }
}

/* ------------------------------------------------------------------ default names */

static void family(struct sg_buf *out, const char *name, const char *help)
{
    sg_buf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{label="value"} (no braces when label is NULL), then a space. */
static void series(struct sg_buf *out, const char *name, const char *label, const char *value)
{
    sg_buf_adds(out, name);
    if (label) {
        sg_buf_addf(out, "{%s=\"", label);
        sg_out_prom_label_value(out, value);
        sg_buf_adds(out, "\"}");
    }
    sg_buf_addc(out, ' ');
}

static void sample_int(struct sg_buf *out, const char *name, const char *label,
                       const char *value, int64_t v)
{
    series(out, name, label, value);
    sg_buf_addf(out, "%" PRId64 "\n", v);
}

static void sample_double(struct sg_buf *out, const char *name, const char *label,
                          const char *value, double v)
{
    series(out, name, label, value);
    add_double(out, v);
    sg_buf_addc(out, '\n');
}

/*
 * A snapshot number divided by divisor (1 keeps an integer an integer). Dividing, not
 * multiplying by 1e-3, keeps 305.0 ms at 0.305 s rather than 0.30500000000000005.
 */
static void sample_jnum(struct sg_buf *out, const char *name, const char *label,
                        const char *value, const struct sg_jnum *n, double divisor)
{
    if (n->is_int && divisor == 1.0)
        sample_int(out, name, label, value, n->i);
    else
        sample_double(out, name, label, value, (n->is_int ? (double)n->i : n->d) / divisor);
}

static void render_verdict(struct sg_buf *out, const struct sg_snapshot *s)
{
    static const enum sg_verdict states[] = {SG_VERDICT_PASS, SG_VERDICT_WARN, SG_VERDICT_FAIL,
                                             SG_VERDICT_UNKNOWN};
    family(out, "soakgate_verdict",
           "Verdict of the soak run: 1 on the series of the current verdict, 0 on the others.");
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        sample_int(out, "soakgate_verdict", "verdict", sg_verdict_name(states[i]),
                   s->verdict == states[i]);
    family(out, "soakgate_window_passing_iterations",
           "Iterations of the evaluated window that pass all four KPI thresholds.");
    sample_int(out, "soakgate_window_passing_iterations", NULL, NULL, s->pass_count);
    family(out, "soakgate_window_evaluated_iterations",
           "Iterations evaluated in the window (the last N files, less excluded ones).");
    sample_int(out, "soakgate_window_evaluated_iterations", NULL, NULL, (int64_t)s->n_evaluated);
}

static void render_kpis(struct sg_buf *out, const struct sg_snapshot *s)
{
    static const struct {
        enum sg_kpi kpi;
        const char *name, *help;
        double divisor; /* to base units */
    } rows[] = {
        {SG_KPI_RISK, "soakgate_kpi_risk_ratio",
         "Risk ratio (0..1) over the evaluated window, by statistic (mean, median).", 1.0},
        {SG_KPI_MAKER, "soakgate_kpi_maker_taker_ratio",
         "Maker share of fills (0..1) over the evaluated window, by statistic.", 1.0},
        {SG_KPI_NET, "soakgate_kpi_net_bps",
         "Net return in basis points over the evaluated window, by statistic.", 1.0},
        {SG_KPI_P95, "soakgate_kpi_p95_latency_seconds",
         "95th-percentile latency in seconds over the evaluated window, by statistic.", 1000.0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        family(out, rows[i].name, rows[i].help);
        sample_jnum(out, rows[i].name, "stat", "mean", &s->mean[rows[i].kpi], rows[i].divisor);
        sample_jnum(out, rows[i].name, "stat", "median", &s->median[rows[i].kpi], rows[i].divisor);
    }
}

static void render_counts(struct sg_buf *out, const struct sg_snapshot *s)
{
    static const char *const guard_names[SG_GUARD_COUNT] = {"oscillation", "velocity",
                                                            "cooldown", "freeze"};
    family(out, "soakgate_window_guard_iterations",
           "Iterations of the evaluated window with the guard flag set, by guard.");
    for (int g = 0; g < SG_GUARD_COUNT; g++)
        sample_int(out, "soakgate_window_guard_iterations", "guard", guard_names[g],
                   s->guards[g]);
    family(out, "soakgate_window_anomalies",
           "Anomalies in the evaluated window (latency spikes, risk jumps, maker/taker drops).");
    sample_int(out, "soakgate_window_anomalies", NULL, NULL, s->anomalies_count);
    family(out, "soakgate_window_signature_loops",
           "A-B-A runtime-signature loops in the evaluated window.");
    sample_int(out, "soakgate_window_signature_loops", NULL, NULL, s->signature_loops);
}

static void render_flags(struct sg_buf *out, const struct sg_snapshot *s)
{
    family(out, "soakgate_freeze_seen", "1 when the evaluated window has a freeze event, else 0.");
    sample_int(out, "soakgate_freeze_seen", NULL, NULL, s->freeze_seen);
    family(out, "soakgate_freeze_ready", "1 when the run is ready to freeze, else 0.");
    sample_int(out, "soakgate_freeze_ready", NULL, NULL, s->freeze_ready);
    family(out, "soakgate_kpi_gate_parity",
           "Agreement with KPI_GATE.json: 1 on the series of the current state (match, "
           "mismatch, or unknown when there is no usable KPI_GATE.json), 0 on the others.");
    sample_int(out, "soakgate_kpi_gate_parity", "state", "match", s->kpi_gate_parity == 1);
    sample_int(out, "soakgate_kpi_gate_parity", "state", "mismatch", s->kpi_gate_parity == 0);
    sample_int(out, "soakgate_kpi_gate_parity", "state", "unknown", s->kpi_gate_parity < 0);
}

/* The window's first or last runtime_utc as a Unix time; omitted when it is not RFC 3339. */
static void render_instant(struct sg_buf *out, const char *name, const char *help,
                           const char *when)
{
    int64_t sec, ns;
    if (when == NULL || !sg_eval_rfc3339(when, &sec, &ns))
        return;
    family(out, name, help);
    sample_double(out, name, NULL, NULL, (double)sec + (double)ns / 1e9);
}

static void render_run(struct sg_buf *out, const struct sg_snapshot *s,
                       const struct sg_run_labels *run, int64_t now)
{
    render_instant(out, "soakgate_window_start_timestamp_seconds",
                   "Earliest runtime_utc of the evaluated window, as a Unix time.", s->time_from);
    render_instant(out, "soakgate_window_end_timestamp_seconds",
                   "Latest runtime_utc of the evaluated window, as a Unix time.", s->time_to);
    const char *names[] = {"repository", "ref", "sha", "run_id"};
    const char *values[] = {run ? run->repository : NULL, run ? run->ref : NULL,
                            run ? run->sha : NULL, run ? run->run_id : NULL};
    family(out, "soakgate_run_info",
           "Always 1; labels name the CI run (GITHUB_REPOSITORY, GITHUB_REF, GITHUB_SHA, "
           "GITHUB_RUN_ID) when set.");
    sg_buf_adds(out, "soakgate_run_info");
    const char *sep = "{";
    for (size_t i = 0; i < 4; i++) {
        if (values[i] == NULL || values[i][0] == '\0')
            continue;
        sg_buf_addf(out, "%s%s=\"", sep, names[i]);
        sg_out_prom_label_value(out, values[i]);
        sg_buf_addc(out, '"');
        sep = ",";
    }
    sg_buf_adds(out, sep[0] == ',' ? "} 1\n" : " 1\n");
    family(out, "soakgate_last_evaluation_timestamp_seconds",
           "When soak-gate evaluated the run, as a Unix time.");
    sample_int(out, "soakgate_last_evaluation_timestamp_seconds", NULL, NULL, now);
}

/* ------------------------------------------------------------------ legacy names */

enum legacy_value { L_MEAN_RISK, L_MEAN_MAKER, L_MEAN_NET, L_MEAN_P95, L_VELOCITY, L_COOLDOWN,
                    L_OSCILLATION, L_PASS, L_FREEZE_READY, L_ANOMALIES };

static const struct {
    const char *name, *type, *help;
} legacy_rows[] = {
    {"soak_kpi_risk_ratio_mean", "gauge", "Risk ratio mean (last 8 iterations)"},
    {"soak_kpi_maker_taker_mean", "gauge", "Maker/Taker ratio mean"},
    {"soak_kpi_net_bps_mean", "gauge", "Net BPS mean"},
    {"soak_kpi_latency_p95_mean", "gauge", "P95 latency mean (ms)"},
    {"soak_guards_velocity_count", "counter", "Velocity violation count"},
    {"soak_guards_cooldown_count", "counter", "Cooldown activation count"},
    {"soak_guards_oscillation_count", "counter", "Oscillation detection count"},
    {"soak_verdict_pass_count", "gauge", "Passing iterations (last 8)"},
    {"soak_freeze_ready", "gauge", "Freeze readiness (1=ready, 0=not ready)"},
    {"soak_anomalies_count", "counter", "Anomaly count (last 8)"},
};

/* Python's str() of the value: repr for floats ("nan", "inf"), integers plainly. */
static void legacy_value(struct sg_buf *out, const struct sg_snapshot *s, enum legacy_value v)
{
    char tmp[SG_NUM_BUFSZ];
    const struct sg_jnum *n = NULL;
    int64_t i = 0;
    switch (v) {
    case L_MEAN_RISK: n = &s->mean[SG_KPI_RISK]; break;
    case L_MEAN_MAKER: n = &s->mean[SG_KPI_MAKER]; break;
    case L_MEAN_NET: n = &s->mean[SG_KPI_NET]; break;
    case L_MEAN_P95: n = &s->mean[SG_KPI_P95]; break;
    case L_VELOCITY: i = s->guards[SG_GUARD_VELOCITY]; break;
    case L_COOLDOWN: i = s->guards[SG_GUARD_COOLDOWN]; break;
    case L_OSCILLATION: i = s->guards[SG_GUARD_OSCILLATION]; break;
    case L_PASS: i = s->pass_count; break;
    /* Without the schema-1.1 fields the original reads a missing key: 0. */
    case L_FREEZE_READY: i = s->has_schema && s->freeze_ready; break;
    case L_ANOMALIES: i = s->has_schema ? s->anomalies_count : 0; break;
    }
    if (n && !n->is_int)
        sg_buf_add(out, tmp, sg_num_format(tmp, n->d));
    else
        sg_buf_addf(out, "%" PRId64, n ? n->i : i);
}

static void render_legacy(struct sg_buf *out, const struct sg_snapshot *s)
{
    for (size_t r = 0; r < sizeof legacy_rows / sizeof legacy_rows[0]; r++) {
        if (r > 0)
            sg_buf_addc(out, '\n');
        sg_buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n%s ", legacy_rows[r].name,
                    legacy_rows[r].help, legacy_rows[r].name, legacy_rows[r].type,
                    legacy_rows[r].name);
        legacy_value(out, s, (enum legacy_value)r);
        sg_buf_addc(out, '\n');
    }
}

/* ------------------------------------------------------------------ drift */

/* kpi label values: the suffixes of the soakgate_kpi_* families, in base units. */
static const char *const drift_kpi_labels[SG_KPI_COUNT] = {
    "risk_ratio", "maker_taker_ratio", "net_bps", "p95_latency_seconds"};

static double to_base(int k, double v)
{
    return k == SG_KPI_P95 ? v / 1000.0 : v;
}

static bool drift_has(const struct sg_trend *t, int k)
{
    return t->kpi[k].res.reason != SG_DRIFT_REASON_NOT_ENOUGH_DATA;
}

static void drift_values(struct sg_buf *out, const struct sg_trend *t, int what)
{
    static const char *const names[] = {"soakgate_drift_slope", "soakgate_drift_change",
                                        "soakgate_drift_degrading"};
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        const struct sg_drift_result *r = &t->kpi[k].res;
        if (!drift_has(t, k))
            continue;
        if (what == 2)
            sample_int(out, names[what], "kpi", drift_kpi_labels[k], r->is_degrading);
        else
            sample_double(out, names[what], "kpi", drift_kpi_labels[k],
                          to_base(k, what == 0 ? r->slope.per_iter : sg_trend_change(&t->kpi[k])));
    }
}

static void drift_p_values(struct sg_buf *out, const struct sg_trend *t)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        if (!drift_has(t, k))
            continue;
        for (int test = 0; test < 2; test++) {
            sg_buf_addf(out, "soakgate_drift_p_value{kpi=\"%s\",test=\"%s\"} ",
                        drift_kpi_labels[k], test ? "change" : "trend");
            add_double(out, test ? t->kpi[k].res.cp.p_value : t->kpi[k].res.mk.p_value);
            sg_buf_addc(out, '\n');
        }
    }
}

enum sg_rc sg_out_prom_drift_render(const struct sg_trend *t, struct sg_buf *out,
                                    struct sg_err *err)
{
    if (!t->is_on)
        return sg_buf_rc(out, err);
    family(out, "soakgate_drift_evaluated_iterations",
           "Points of the whole-run drift series of the KPI (valid iterations with the KPI).");
    bool any = false;
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        sample_int(out, "soakgate_drift_evaluated_iterations", "kpi", drift_kpi_labels[k],
                   (int64_t)t->kpi[k].n);
        any = any || drift_has(t, k);
    }
    if (!any)
        return sg_buf_rc(out, err);
    family(out, "soakgate_drift_slope",
           "Theil-Sen slope of the KPI over the whole run, in KPI base units per iteration.");
    drift_values(out, t, 0);
    family(out, "soakgate_drift_change",
           "Change of the KPI over the whole run (trend or level shift), in KPI base units.");
    drift_values(out, t, 1);
    family(out, "soakgate_drift_p_value",
           "p-value of the Mann-Kendall trend test (test=trend) and of the Bonferroni-corrected "
           "change-point scan (test=change) over the whole run.");
    drift_p_values(out, t);
    family(out, "soakgate_drift_degrading",
           "1 when the KPI degrades significantly and by at least the minimum over the run.");
    drift_values(out, t, 2);
    return sg_buf_rc(out, err);
}

/* ------------------------------------------------------------------ entry point */

enum sg_rc sg_out_prom_render(const struct sg_snapshot *snap, enum sg_prom_names names,
                              const struct sg_run_labels *run, int64_t now, struct sg_buf *out,
                              struct sg_err *err)
{
    if (names == SG_PROM_NAMES_LEGACY) {
        render_legacy(out, snap);
    } else {
        render_verdict(out, snap);
        render_kpis(out, snap);
        render_counts(out, snap);
        render_flags(out, snap);
        render_run(out, snap, run, now);
    }
    return sg_buf_rc(out, err);
}
