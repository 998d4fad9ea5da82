/* SPDX-License-Identifier: MIT */
/* out_prom: label escaping, the default soakgate_* set and the legacy ten metrics. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

static struct sg_jnum dbl(double d)
{
    return (struct sg_jnum){false, 0, d};
}

/* A PASS snapshot shaped like T24_repo_generator's. */
static struct sg_snapshot t24_like(void)
{
    struct sg_snapshot s;
    memset(&s, 0, sizeof s);
    s.has_schema = true;
    s.verdict = SG_VERDICT_PASS;
    s.pass_count = 6;
    s.freeze_seen = true;
    s.freeze_ready = true;
    const double means[SG_KPI_COUNT] = {0.41, 0.9, 3.138, 305.0};
    for (int k = 0; k < SG_KPI_COUNT; k++)
        s.mean[k] = s.median[k] = dbl(means[k]);
    s.guards[SG_GUARD_VELOCITY] = 1;
    s.guards[SG_GUARD_COOLDOWN] = 1;
    s.guards[SG_GUARD_FREEZE] = 3;
    s.kpi_gate_parity = -1;
    s.time_from = "2025-10-16T13:25:00Z";
    s.time_to = "2025-10-16T14:00:00Z";
    s.signature_loops = 2;
    s.n_evaluated = 8;
    return s;
}

static char *render(const struct sg_snapshot *s, enum sg_prom_names names,
                    const struct sg_run_labels *run)
{
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_prom_render(s, names, run, 1700000000, &b, &err), SG_OK, "%s", err.msg);
    return sg_buf_detach(&b, NULL);
}

static char *escaped(const char *s)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_out_prom_label_value(&b, s);
    return sg_buf_detach(&b, NULL);
}

static void expect_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;
    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return;
        p++;
    }
    cr_assert_fail("missing line '%s' in:\n%s", line, text);
}

/* ------------------------------------------------------------------ escaping */

Test(out_prom, label_value_escapes_backslash_quote_and_newline)
{
    char *e = escaped("refs/heads/a\\b\"c\nd");
    cr_assert_str_eq(e, "refs/heads/a\\\\b\\\"c\\nd");
    free(e);
}

Test(out_prom, label_value_keeps_utf8_and_other_punctuation)
{
    char *e = escaped("Προμηθεύς {x=1,y} 'q' \t");
    cr_assert_str_eq(e, "Προμηθεύς {x=1,y} 'q' \t");
    free(e);
}

Test(out_prom, label_value_replaces_invalid_utf8_with_replacement_character)
{
    char *e = escaped("a\xff" "b\xc0\xafz\xed\xa0\x80");
    cr_assert_str_eq(e, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    free(e);
}

Test(out_prom, label_value_of_empty_string_is_empty)
{
    char *e = escaped("");
    cr_assert_str_eq(e, "");
    free(e);
}

/* ------------------------------------------------------------------ default names */

Test(out_prom, default_run_info_escapes_a_hostile_ref)
{
    struct sg_snapshot s = t24_like();
    struct sg_run_labels run = {"octo/soak", "refs/heads/we\"ird\\br\nanch", "0123abc", "99"};
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, &run);
    expect_line(t, "soakgate_run_info{repository=\"octo/soak\",ref=\"refs/heads/we\\\"ird\\\\br"
                   "\\nanch\",sha=\"0123abc\",run_id=\"99\"} 1");
    free(t);
}

Test(out_prom, default_run_info_leaves_out_unset_and_empty_labels)
{
    struct sg_snapshot s = t24_like();
    struct sg_run_labels none = {NULL, NULL, NULL, NULL}, some = {"", "refs/tags/v1", NULL, ""};
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, &none);
    expect_line(t, "soakgate_run_info 1");
    free(t);
    t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    expect_line(t, "soakgate_run_info 1");
    free(t);
    t = render(&s, SG_PROM_NAMES_DEFAULT, &some);
    expect_line(t, "soakgate_run_info{ref=\"refs/tags/v1\"} 1");
    free(t);
}

Test(out_prom, default_exports_one_series_per_verdict_state)
{
    struct sg_snapshot s = t24_like();
    s.verdict = SG_VERDICT_FAIL;
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    expect_line(t, "soakgate_verdict{verdict=\"PASS\"} 0");
    expect_line(t, "soakgate_verdict{verdict=\"WARN\"} 0");
    expect_line(t, "soakgate_verdict{verdict=\"FAIL\"} 1");
    expect_line(t, "soakgate_verdict{verdict=\"UNKNOWN\"} 0");
    free(t);
}

Test(out_prom, default_latency_is_in_seconds_and_evaluation_time_is_a_gauge)
{
    struct sg_snapshot s = t24_like();
    s.median[SG_KPI_P95] = dbl(292.5);
    s.mean[SG_KPI_P95] = (struct sg_jnum){true, 300, 0.0}; /* integer from a summary file */
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    expect_line(t, "soakgate_kpi_p95_latency_seconds{stat=\"mean\"} 0.3");
    expect_line(t, "soakgate_kpi_p95_latency_seconds{stat=\"median\"} 0.2925");
    expect_line(t, "# TYPE soakgate_last_evaluation_timestamp_seconds gauge");
    expect_line(t, "soakgate_last_evaluation_timestamp_seconds 1700000000");
    cr_assert_not(strstr(t, "_ms"), "no millisecond names");
    free(t);
}

Test(out_prom, default_spells_non_finite_values_as_the_format_requires)
{
    struct sg_snapshot s = t24_like();
    s.median[SG_KPI_NET] = dbl((double)NAN);
    s.median[SG_KPI_RISK] = dbl((double)INFINITY);
    s.median[SG_KPI_P95] = dbl(-(double)INFINITY);
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    expect_line(t, "soakgate_kpi_net_bps{stat=\"median\"} NaN");
    expect_line(t, "soakgate_kpi_risk_ratio{stat=\"median\"} +Inf");
    expect_line(t, "soakgate_kpi_p95_latency_seconds{stat=\"median\"} -Inf");
    free(t);
}

Test(out_prom, default_expresses_kpi_gate_parity_as_three_states)
{
    struct sg_snapshot s = t24_like();
    const char *want[3][3] = {{"0", "0", "1"}, {"0", "1", "0"}, {"1", "0", "0"}};
    for (int parity = -1; parity <= 1; parity++) {
        s.kpi_gate_parity = parity;
        char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
        const char *const *w = want[parity + 1];
        char line[128];
        snprintf(line, sizeof line, "soakgate_kpi_gate_parity{state=\"match\"} %s", w[0]);
        expect_line(t, line);
        snprintf(line, sizeof line, "soakgate_kpi_gate_parity{state=\"mismatch\"} %s", w[1]);
        expect_line(t, line);
        snprintf(line, sizeof line, "soakgate_kpi_gate_parity{state=\"unknown\"} %s", w[2]);
        expect_line(t, line);
        free(t);
    }
}

Test(out_prom, default_leaves_out_window_times_that_are_not_rfc3339)
{
    struct sg_snapshot s = t24_like();
    s.time_from = "yesterday";
    s.time_to = NULL;
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    cr_assert_not(strstr(t, "soakgate_window_start_timestamp_seconds"));
    cr_assert_not(strstr(t, "soakgate_window_end_timestamp_seconds"));
    free(t);
    s = t24_like();
    t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    expect_line(t, "soakgate_window_start_timestamp_seconds 1760621100.0");
    expect_line(t, "soakgate_window_end_timestamp_seconds 1760623200.0");
    free(t);
}

/* Every sample's family was announced by HELP then TYPE gauge just before its first
 * sample, families are contiguous, nothing is a counter and no sample has a timestamp. */
Test(out_prom, default_families_are_contiguous_gauges_with_help)
{
    struct sg_snapshot s = t24_like();
    char *t = render(&s, SG_PROM_NAMES_DEFAULT, NULL);
    char seen[64][96], current[96] = "";
    size_t n_seen = 0, n_lines = 0;
    bool had_help = false;
    cr_assert(t[strlen(t) - 1] == '\n', "ends with a newline");
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"), n_lines++) {
        char name[96];
        if (sscanf(line, "# HELP %95s", name) == 1) {
            for (size_t i = 0; i < n_seen; i++)
                cr_assert_str_neq(seen[i], name, "family %s appears twice", name);
            cr_assert_lt(n_seen, 64);
            strcpy(seen[n_seen++], name);
            strcpy(current, name);
            had_help = true;
        } else if (sscanf(line, "# TYPE %95s", name) == 1) {
            cr_assert(had_help && strcmp(name, current) == 0, "TYPE without HELP: %s", line);
            cr_assert(strstr(line, " gauge") != NULL, "not a gauge: %s", line);
        } else {
            size_t len = strcspn(line, "{ ");
            cr_assert(strncmp(line, current, len) == 0 && current[len] == '\0',
                      "sample outside its family: %s", line);
            const char *value = strrchr(line, ' ');
            cr_assert(value && strchr(value + 1, ' ') == NULL);
            cr_assert_eq(strchr(line + len, ' '), value, "timestamp or stray space: %s", line);
        }
    }
    cr_assert_gt(n_lines, 40);
    cr_assert_not(strstr(t, "_total"));
    free(t);
}

/* ------------------------------------------------------------------ legacy names */

Test(out_prom, legacy_prints_integer_means_without_a_point)
{
    struct sg_snapshot s = t24_like();
    s.mean[SG_KPI_NET] = (struct sg_jnum){true, 3, 0.0};
    char *t = render(&s, SG_PROM_NAMES_LEGACY, NULL);
    expect_line(t, "soak_kpi_net_bps_mean 3");
    expect_line(t, "soak_kpi_latency_p95_mean 305.0");
    free(t);
}

Test(out_prom, legacy_prints_non_finite_like_python_str)
{
    struct sg_snapshot s = t24_like();
    s.mean[SG_KPI_RISK] = dbl((double)NAN);
    s.mean[SG_KPI_NET] = dbl((double)INFINITY);
    s.mean[SG_KPI_P95] = dbl(-(double)INFINITY);
    char *t = render(&s, SG_PROM_NAMES_LEGACY, NULL);
    expect_line(t, "soak_kpi_risk_ratio_mean nan");
    expect_line(t, "soak_kpi_net_bps_mean inf");
    expect_line(t, "soak_kpi_latency_p95_mean -inf");
    free(t);
}

Test(out_prom, legacy_without_schema_fields_reads_them_as_zero)
{
    struct sg_snapshot s = t24_like();
    s.has_schema = false; /* the five-field object: no freeze_ready, no anomalies_count */
    s.anomalies_count = 4;
    char *t = render(&s, SG_PROM_NAMES_LEGACY, NULL);
    expect_line(t, "soak_freeze_ready 0");
    expect_line(t, "soak_anomalies_count 0");
    free(t);
}

Test(out_prom, legacy_layout_separates_metrics_by_one_blank_line)
{
    struct sg_snapshot s = t24_like();
    char *t = render(&s, SG_PROM_NAMES_LEGACY, NULL);
    size_t len = strlen(t), blanks = 0;
    cr_assert(len > 2 && t[len - 1] == '\n' && t[len - 2] != '\n', "one final newline");
    for (const char *p = t; (p = strstr(p, "\n\n")) != NULL; p += 2)
        blanks++;
    cr_assert_eq(blanks, 9);
    const char *head = "# HELP soak_kpi_risk_ratio_mean Risk ratio mean (last 8 iterations)\n"
                       "# TYPE soak_kpi_risk_ratio_mean gauge\n"
                       "soak_kpi_risk_ratio_mean 0.41\n\n";
    cr_assert(strncmp(t, head, strlen(head)) == 0, "starts with:\n%s", head);
    free(t);
}

Test(out_prom, render_fails_with_limit_when_the_buffer_is_too_small)
{
    struct sg_snapshot s = t24_like();
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 64);
    cr_assert_eq(sg_out_prom_render(&s, SG_PROM_NAMES_DEFAULT, NULL, 0, &b, &err), SG_LIMIT);
    sg_buf_release(&b);
}
