/* SPDX-License-Identifier: MIT */
/* out_md: Markdown escaping, sparklines, the job summary's size cap. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "buf.h"
#include "helpers.h"
#include "out_md.h"

static char *escaped(const char *s, size_t max)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_md_escape(&b, s, max);
    return sg_buf_detach(&b, NULL);
}

Test(out_md, escape_neutralises_table_html_and_workflow_commands)
{
    char *e = escaped("a|b<script>x</script>&\n::error::pwned\r`c`", 1000);
    cr_assert_str_eq(e, "a&#124;b&lt;script&gt;x&lt;/script&gt;&amp; ::error::pwned \\`c\\`",
                     "got %s", e);
    free(e);
}

Test(out_md, escape_guards_a_leading_colon)
{
    char *e = escaped("::warning::x", 1000);
    cr_assert_str_eq(e, "&#58;:warning::x", "got %s", e);
    free(e);
}

Test(out_md, escape_keeps_intraword_underscores_and_escapes_emphasis)
{
    char *e = escaped("ITER_SUMMARY_7.json _x_ *b* [l](u) # !", 1000);
    cr_assert_str_eq(e, "ITER_SUMMARY_7.json \\_x\\_ \\*b\\* \\[l\\](u) \\# \\!", "got %s", e);
    free(e);
}

Test(out_md, escape_replaces_invalid_utf8_and_keeps_valid)
{
    char *e = escaped("\xff\xc3\xa9", 1000);
    cr_assert_str_eq(e, "\xef\xbf\xbd\xc3\xa9", "got %s", e);
    free(e);
}

Test(out_md, escape_cuts_long_strings_with_an_ellipsis_on_a_character_boundary)
{
    char *e = escaped("ab\xc3\xa9xyz", 3);
    cr_assert_str_eq(e, "ab\xe2\x80\xa6", "got %s", e);
    free(e);
}

/* ------------------------------------------------------------------ sparklines */

static struct sg_iter *series(const double *v, size_t n, const struct sg_iter ***view)
{
    struct sg_iter *it = calloc(n, sizeof *it);
    *view = calloc(n, sizeof **view);
    for (size_t i = 0; i < n; i++) {
        it[i].kpi[SG_KPI_NET] = v[i];
        it[i].kpi_mask = 1u << SG_KPI_NET;
        it[i].is_valid = true;
        (*view)[i] = &it[i];
    }
    return it;
}

static char *spark(const double *v, size_t n, size_t width)
{
    const struct sg_iter **view;
    struct sg_iter *it = series(v, n, &view);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_md_sparkline(&b, view, n, SG_KPI_NET, width);
    free(view);
    free(it);
    return sg_buf_detach(&b, NULL);
}

Test(out_md, sparkline_maps_min_to_lowest_and_max_to_highest_bar)
{
    const double v[] = {1, 2, 3, 4, 5, 6, 7, 8};
    char *s = spark(v, 8, 60);
    cr_assert_str_eq(s, "▁▂▃▄▅▆▇█", "got %s", s);
    free(s);
}

Test(out_md, sparkline_of_a_constant_series_is_a_flat_line)
{
    const double v[] = {3, 3, 3};
    char *s = spark(v, 3, 60);
    cr_assert_str_eq(s, "───", "got %s", s);
    free(s);
}

Test(out_md, sparkline_is_bounded_by_its_width)
{
    double *v = malloc(100000 * sizeof *v);
    for (size_t i = 0; i < 100000; i++)
        v[i] = (double)(i % 97);
    char *s = spark(v, 100000, 60);
    cr_assert_eq(strlen(s), 60 * 3, "60 three-byte characters, got %zu bytes", strlen(s));
    free(s);
    free(v);
}

Test(out_md, sparkline_without_values_says_na)
{
    char *s = spark(NULL, 0, 60);
    cr_assert_str_eq(s, "n/a");
    free(s);
}

/* ------------------------------------------------------------------ summary size cap */

struct synth {
    struct sg_config cfg;
    struct sg_iterset set;
    const struct sg_iter **view;
    struct sg_eval run, window;
    struct sg_snapshot snap;
    struct sg_md_input in;
};

/* A synthetic run of n failing, anomalous iterations and n_diags long diagnostics. */
static void synth_make(struct synth *s, size_t n, size_t n_diags)
{
    struct sg_err err = SG_ERR_INIT;
    sg_config_init(&s->cfg);
    s->cfg.path = "run";
    sg_iterset_init(&s->set);
    s->set.items = calloc(n, sizeof *s->set.items);
    s->set.n_items = n;
    for (size_t i = 0; i < n; i++) {
        struct sg_iter *it = &s->set.items[i];
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        it->number = sg_arena_strdup(&s->set.arena, num);
        it->file = sg_arena_strdup(&s->set.arena, "ITER_SUMMARY_n.json");
        it->signature = i % 2 ? "sig|<b>" : "sig_a";
        it->is_valid = true;
        it->kpi_mask = 0xF;
        const double k[] = {i % 2 ? 0.9 : 0.1, 0.5, 1.0, 900.0};
        memcpy(it->kpi, k, sizeof k);
    }
    for (size_t i = 0; i < n_diags; i++)
        sg_diags_add(&s->set.diags, SG_DIAG_WARN, SG_DIAG_EXCLUDED, i, "ITER_SUMMARY_x|y.json",
                     "%0300zu <script>", i);
    size_t nv;
    s->view = sg_eval_view(s->set.items, 0, n, &nv);
    cr_assert_eq(sg_eval_build(s->view, nv, &s->cfg.policy, &s->run, &err), SG_OK);
    size_t first = n > 8 ? n - 8 : 0;
    cr_assert_eq(sg_eval_build(s->view + first, nv - first, &s->cfg.policy, &s->window, &err),
                 SG_OK);
    sg_snapshot_make(&s->window, NULL, NULL, &s->cfg.policy, &s->snap);
    static const char *const arts[] = {"POST_SOAK_SNAPSHOT.json"};
    s->in = (struct sg_md_input){.cfg = &s->cfg, .set = &s->set, .snap = &s->snap,
                                 .window = &s->window, .window_view = s->view + first,
                                 .window_first = first, .run = &s->run, .run_view = s->view,
                                 .artifacts = arts, .n_artifacts = 1};
}

Test(out_md, summary_of_100k_failing_iterations_stays_under_1_mib)
{
    static struct synth s; /* static: stays reachable, so LeakSanitizer ignores it */
    synth_make(&s, 100000, 0);
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_md_summary_render(&s.in, SG_MD_SUMMARY_MAX, &b, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_lt(b.len, (size_t)1 << 20, "summary is %zu bytes", b.len);
    cr_assert(th_contains(b.data, "FAIL"));
    cr_assert(!th_contains(b.data, "<b>"), "raw HTML from a signature");
    sg_buf_release(&b);
}

Test(out_md, audit_of_100k_iterations_renders_quickly_and_summarises_the_matrix, .timeout = 120)
{
    static struct synth s; /* static: stays reachable, so LeakSanitizer ignores it */
    synth_make(&s, 100000, 0);
    for (size_t i = 0; i < 100000; i++) /* make most iterations pass and unremarkable */
        s.set.items[i].kpi[SG_KPI_RISK] = 0.1, s.set.items[i].kpi[SG_KPI_P95] = 100,
        s.set.items[i].kpi[SG_KPI_MAKER] = 0.9, s.set.items[i].kpi[SG_KPI_NET] = 3;
    sg_eval_release(&s.run);
    struct sg_err err = SG_ERR_INIT;
    sg_eval_build(s.view, 100000, &s.cfg.policy, &s.run, &err);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_md_audit_render(&s.in, &b, &err), SG_OK, "%s", err.msg);
    cr_assert(th_contains(b.data, "99992 passing iterations without anomalies (1 to 99992) not "
                                  "shown"),
              "summary row missing");
    cr_assert_lt(b.len, (size_t)200000, "audit is %zu bytes", b.len);
    sg_buf_release(&b);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

Test(out_md, summary_over_its_limit_is_cut_with_a_note_and_closed_details)
{
    static struct synth s; /* static: stays reachable, so LeakSanitizer ignores it */
    synth_make(&s, 24, 1000);
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_md_summary_render(&s.in, 20000, &b, &err), SG_OK, "%s", err.msg);
    cr_assert_leq(b.len, (size_t)20000, "summary is %zu bytes", b.len);
    cr_assert(th_contains(b.data, "job summary truncated"), "no truncation note");
    cr_assert_eq(count(b.data, "<details>"), count(b.data, "</details>"),
                 "unbalanced <details>");
    cr_assert(!th_contains(b.data, "<script>"));
    sg_buf_release(&b);
}

Test(out_md, huge_diagnostic_list_stays_under_1_mib)
{
    static struct synth s; /* static: stays reachable, so LeakSanitizer ignores it */
    synth_make(&s, 24, SG_DIAG_MAX + 500);
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_md_summary_render(&s.in, SG_MD_SUMMARY_MAX, &b, &err), SG_OK);
    cr_assert_lt(b.len, (size_t)1 << 20);
    cr_assert(th_contains(b.data, "and 500 more"), "dropped diagnostics not counted");
    sg_buf_release(&b);
}
