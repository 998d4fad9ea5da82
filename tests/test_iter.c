/* SPDX-License-Identifier: MIT */
/* iter: parsing and validating iteration files, directory discovery and ordering. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "iter.h"

struct parsed {
    enum sg_rc rc;
    struct sg_iter it;
    struct sg_err err;
    struct sg_diags diags;
    struct sg_arena arena;
};

/* Results stay reachable from this pool for the life of the test process. */
static struct parsed pool[32];
static size_t n_pool;

static struct parsed parse(const char *json)
{
    cr_assert_lt(n_pool, sizeof pool / sizeof pool[0]);
    struct parsed *slot = &pool[n_pool++];
    struct parsed p;
    memset(&p, 0, sizeof p);
    sg_err_init(&p.err);
    sg_diags_init(&p.diags);
    sg_arena_init(&p.arena);
    p.rc = sg_iter_parse_buf(json, strlen(json), "ITER_SUMMARY_5.json", 64, &p.arena, &p.it,
                             &p.diags, 0, &p.err);
    *slot = p;
    return p;
}

static void expect_invalid(const char *json, enum sg_rc rc, const char *fragment)
{
    struct parsed p = parse(json);
    cr_assert_eq(p.rc, rc, "%s: rc %s, want %s (%s)", json, sg_rc_name(p.rc), sg_rc_name(rc),
                 p.err.msg);
    cr_assert(strstr(p.err.msg, fragment), "%s: message '%s' lacks '%s'", json, p.err.msg,
              fragment);
    cr_assert_not(p.it.is_valid);
}

Test(iter, parses_the_nested_layout)
{
    struct parsed p = parse("{\"iteration\": 12, \"summary\": {\"runtime_utc\": "
                            "\"2025-10-16T13:00:00Z\", \"risk_ratio\": 0.36, "
                            "\"maker_taker_ratio\": 0.91, \"net_bps\": 3.05, \"p95_latency_ms\": "
                            "297.0}, \"tuning\": {\"freeze_triggered\": true, \"freeze_reason\": "
                            "\"two_stable_iterations\", \"signature\": \"sig_0badc0de\"}}");
    cr_assert_eq(p.rc, SG_OK, "%s", p.err.msg);
    cr_assert(p.it.is_valid);
    cr_assert_eq(p.it.kpi_mask, 0xF);
    cr_assert_eq(p.it.kpi[SG_KPI_P95], 297.0);
    cr_assert_str_eq(p.it.signature, "sig_0badc0de");
    cr_assert_str_eq(p.it.runtime_utc, "2025-10-16T13:00:00Z");
    cr_assert_str_eq(p.it.freeze_reason, "two_stable_iterations");
    cr_assert(sg_iter_flag(&p.it, SG_GUARD_FREEZE));
    cr_assert_not(p.it.is_flat);
}

Test(iter, flat_layout_uses_the_top_level_as_summary)
{
    struct parsed p = parse("{\"risk_ratio\": 0.3, \"net_bps\": \"x\"}");
    cr_assert_eq(p.rc, SG_SCHEMA);
    cr_assert_str_eq(p.err.msg, "net_bps: expected a number, found a string");
    struct parsed q = parse("{\"risk_ratio\": 0.3}");
    cr_assert(q.it.is_flat);
    cr_assert_eq(q.it.kpi_mask, 1u << SG_KPI_RISK);
}

Test(iter, crash_matrix_rows_become_clean_errors_naming_the_path)
{
    expect_invalid("[1]", SG_SCHEMA, "top level: expected an object, found an array");
    expect_invalid("true", SG_SCHEMA, "top level: expected an object, found a boolean");
    expect_invalid("5", SG_SCHEMA, "found a number");
    expect_invalid("\"x\"", SG_SCHEMA, "found a string");
    expect_invalid("{}", SG_SCHEMA, "empty object");
    expect_invalid("{\"summary\": null}", SG_SCHEMA, "summary: expected an object, found null");
    expect_invalid("{\"summary\": [1]}", SG_SCHEMA, "summary: expected an object, found an array");
    expect_invalid("{\"summary\": {}, \"tuning\": null}", SG_SCHEMA,
                   "tuning: expected an object, found null");
    expect_invalid("{\"summary\": {}, \"tuning\": \"x\"}", SG_SCHEMA,
                   "tuning: expected an object, found a string");
    expect_invalid("{\"summary\": {\"risk_ratio\": \"0.3\"}}", SG_SCHEMA,
                   "summary.risk_ratio: expected a number, found a string");
    expect_invalid("{\"summary\": {\"maker_taker_ratio\": true}}", SG_SCHEMA,
                   "summary.maker_taker_ratio: expected a number, found a boolean");
    expect_invalid("{\"summary\": {\"p95_latency_ms\": [300]}}", SG_SCHEMA,
                   "summary.p95_latency_ms: expected a number, found an array");
    expect_invalid("{\"summary\": {\"net_bps\": {}}}", SG_SCHEMA,
                   "summary.net_bps: expected a number, found an object");
    expect_invalid("{\"summary\": {\"runtime_utc\": 5}}", SG_SCHEMA,
                   "summary.runtime_utc: expected a string or null, found a number");
}

Test(iter, malformed_json_names_line_and_column)
{
    expect_invalid("{\n  \"summary\": {\n    \"risk_ratio\": 0.3,,\n", SG_PARSE, "line 3");
    expect_invalid("{\"summary\": {\"risk_ratio\": 0.3}", SG_PARSE, "invalid JSON");
    expect_invalid("", SG_PARSE, "empty file");
    expect_invalid("{\"a\": 1} trailing", SG_PARSE, "line 1, column 10");
    expect_invalid("\xEF\xBB\xBF{\"a\": 1}", SG_PARSE, "byte-order mark");
    expect_invalid("{\"a\": \"\xff\"}", SG_PARSE, "invalid JSON");
    expect_invalid("{'a': 1}", SG_PARSE, "single-quoted");
    expect_invalid("{\"a\": 1.}", SG_PARSE, "malformed number");
    expect_invalid("{\"a\": 01}", SG_PARSE, "invalid JSON");
    expect_invalid("{\"a\": \"x\ny\"}", SG_PARSE, "control character");
}

Test(iter, nan_infinity_and_null_are_missing_with_a_warning)
{
    struct parsed p = parse("{\"summary\": {\"risk_ratio\": NaN, \"maker_taker_ratio\": "
                            "Infinity, \"net_bps\": null, \"p95_latency_ms\": 1e400}}");
    cr_assert_eq(p.rc, SG_OK, "%s", p.err.msg);
    cr_assert_eq(p.it.kpi_mask, 0);
    cr_assert_eq(p.diags.n, 4);
    cr_assert_str_eq(p.diags.items[0].text,
                     "summary.risk_ratio: NaN is not a valid value; treated as missing");
    cr_assert_str_eq(p.diags.items[2].text, "summary.net_bps: null, treated as missing");
    cr_assert_str_eq(p.diags.items[0].subject, "ITER_SUMMARY_5.json");
    cr_assert(strstr(p.diags.items[3].text, "1e400"));
}

Test(iter, duplicate_keys_last_one_wins)
{
    struct parsed p = parse("{\"summary\": {\"risk_ratio\": 0.9, \"risk_ratio\": 0.3}}");
    cr_assert_eq(p.rc, SG_OK);
    cr_assert_eq(p.it.kpi[SG_KPI_RISK], 0.3);
}

Test(iter, guard_flags_fall_back_to_skip_reason_d2)
{
    struct parsed p = parse("{\"summary\": {}, \"tuning\": {\"skip_reason\": {\"velocity\": true, "
                            "\"freeze\": 1, \"cooldown\": false}, \"cooldown_active\": true, "
                            "\"oscillation_detected\": null}}");
    cr_assert_eq(p.rc, SG_OK);
    cr_assert(sg_iter_flag(&p.it, SG_GUARD_VELOCITY));
    cr_assert(sg_iter_flag(&p.it, SG_GUARD_FREEZE));
    cr_assert(sg_iter_flag(&p.it, SG_GUARD_COOLDOWN), "a present flat key wins");
    cr_assert_not(sg_iter_flag(&p.it, SG_GUARD_OSCILLATION), "present null is used as is");
    struct parsed q = parse("{\"summary\": {}, \"tuning\": {\"skip_reason\": \"no_runtime_path\"}}");
    cr_assert_eq(q.it.guard_mask, 0);
}

Test(iter, truthiness_follows_python)
{
    struct parsed p = parse("{\"summary\": {}, \"tuning\": {\"oscillation_detected\": \"x\", "
                            "\"velocity_violation\": [], \"cooldown_active\": 0.0, "
                            "\"freeze_triggered\": {\"a\": 1}}}");
    cr_assert_eq(p.it.guard_mask, (1u << SG_GUARD_OSCILLATION) | (1u << SG_GUARD_FREEZE));
}

Test(iter, signature_falls_back_to_state_hash_then_na)
{
    struct parsed a = parse("{\"summary\": {}, \"tuning\": {\"signature\": \"\", \"state_hash\": "
                            "\"h1\"}}");
    cr_assert_str_eq(a.it.signature, "h1");
    struct parsed b = parse("{\"summary\": {}, \"tuning\": {\"state_hash\": null}}");
    cr_assert_str_eq(b.it.signature, "na");
    struct parsed c = parse("{\"summary\": {}}");
    cr_assert_str_eq(c.it.signature, "na");
}

Test(iter, depth_limit_is_a_clean_error)
{
    size_t n = 10000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    expect_invalid(deep, SG_LIMIT, "nested deeper than 64 levels");
    free(deep);
}

Test(iter, numbers_compare_without_overflow)
{
    cr_assert_lt(sg_iter_number_cmp("9", "10"), 0);
    cr_assert_gt(sg_iter_number_cmp("100000000000000000000000", "99999999999999999999999"), 0);
    cr_assert_eq(sg_iter_number_cmp("7", "7"), 0);
}

/* ------------------------------------------------------------------ directories */

static const char *const ok_json = "{\"summary\": {\"risk_ratio\": 0.3}}";

static struct sg_iterset load_dir(const char *dir)
{
    struct sg_iterset set;
    struct sg_err err = SG_ERR_INIT;
    struct sg_iter_limits lim = SG_ITER_LIMITS_DEFAULT;
    cr_assert_eq(sg_iterset_load(dir, &lim, &set, &err), SG_OK, "%s", err.msg);
    return set;
}

static bool has_diag(const struct sg_iterset *set, const char *subject, const char *text)
{
    for (size_t i = 0; i < set->diags.n; i++)
        if (strstr(set->diags.items[i].subject, subject) && strstr(set->diags.items[i].text, text))
            return true;
    return false;
}

Test(iter, orders_numerically_with_ties_by_name_d3_d4)
{
    char *d = th_mkdtemp();
    const char *names[] = {"ITER_SUMMARY_10.json", "ITER_SUMMARY_2.json", "ITER_SUMMARY_3.json",
                           "ITER_SUMMARY_03.json", "ITER_SUMMARY_1.json", "ITER_SUMMARY_abc.json",
                           "ITER_SUMMARY_.json", "iter_summary_4.json", "notes.txt", NULL};
    for (int i = 0; names[i]; i++)
        th_write(d, names[i], ok_json);
    struct sg_iterset set = load_dir(d);
    const char *want[] = {"ITER_SUMMARY_1.json", "ITER_SUMMARY_2.json", "ITER_SUMMARY_03.json",
                          "ITER_SUMMARY_3.json", "ITER_SUMMARY_10.json"};
    cr_assert_eq(set.n_items, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(set.items[i].file, want[i]);
    cr_assert(has_diag(&set, "ITER_SUMMARY_03.json, ITER_SUMMARY_3.json",
                       "same iteration number 3; ordered by file name"));
    cr_assert(has_diag(&set, "ITER_SUMMARY_abc.json", "ignored"));
    cr_assert(has_diag(&set, "ITER_SUMMARY_.json", "ignored"));
    cr_assert_not(has_diag(&set, "notes.txt", ""), "other files are not mentioned");
    sg_iterset_release(&set);
    th_rmtree(d);
}

Test(iter, non_regular_entries_take_no_slot_and_never_block)
{
    char *d = th_mkdtemp();
    th_write(d, "ITER_SUMMARY_1.json", ok_json);
    char *fifo = th_fmt("%s/ITER_SUMMARY_9.json", d);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    char *sub = th_fmt("%s/ITER_SUMMARY_8.json", d);
    cr_assert_eq(mkdir(sub, 0700), 0);
    char *dangling = th_fmt("%s/ITER_SUMMARY_7.json", d);
    cr_assert_eq(symlink("/nonexistent/x.json", dangling), 0);
    char *link = th_fmt("%s/ITER_SUMMARY_6.json", d);
    cr_assert_eq(symlink("ITER_SUMMARY_1.json", link), 0);
    struct sg_iterset set = load_dir(d);
    cr_assert_eq(set.n_items, 2, "the regular file and the symlink to it");
    cr_assert_str_eq(set.items[1].file, "ITER_SUMMARY_6.json");
    cr_assert(has_diag(&set, "ITER_SUMMARY_9.json", "not a regular file (a FIFO"));
    cr_assert(has_diag(&set, "ITER_SUMMARY_8.json", "not a regular file (a directory)"));
    cr_assert(has_diag(&set, "ITER_SUMMARY_7.json", "dangling"));
    sg_iterset_release(&set);
    th_rmtree(d);
}

Test(iter, invalid_files_keep_their_slot_and_are_reported)
{
    char *d = th_mkdtemp();
    th_write(d, "ITER_SUMMARY_1.json", ok_json);
    th_write(d, "ITER_SUMMARY_2.json", "{\"summary\": {\"net_bps\": \"3\"}}");
    th_write(d, "ITER_SUMMARY_3.json", "{\"summary\": ");
    struct sg_iterset set = load_dir(d);
    cr_assert_eq(set.n_items, 3);
    cr_assert_eq(set.n_invalid, 2);
    cr_assert_not(set.items[1].is_valid);
    cr_assert(has_diag(&set, "ITER_SUMMARY_2.json",
                       "excluded: summary.net_bps: expected a number, found a string"));
    cr_assert(has_diag(&set, "ITER_SUMMARY_3.json", "excluded: invalid JSON at line 1"));
    sg_iterset_release(&set);
    th_rmtree(d);
}

Test(iter, size_cap_excludes_a_huge_file)
{
    char *d = th_mkdtemp();
    char *p = th_fmt("%s/ITER_SUMMARY_1.json", d);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), (off_t)20 << 20), 0); /* 20 MiB of NULs */
    fclose(f);
    struct sg_iterset set = load_dir(d);
    cr_assert_eq(set.n_invalid, 1);
    cr_assert(has_diag(&set, "ITER_SUMMARY_1.json", "over the 16777216-byte limit"));
    sg_iterset_release(&set);
    th_rmtree(d);
}

Test(iter, many_files_load_identically_on_one_or_many_threads)
{
    char *d = th_mkdtemp();
    for (int i = 1; i <= 300; i++) {
        char name[48], body[128];
        snprintf(name, sizeof name, "ITER_SUMMARY_%d.json", i);
        snprintf(body, sizeof body, i % 50 == 0 ? "{\"summary\": {\"risk_ratio\": NaN}}"
                                                 : "{\"summary\": {\"risk_ratio\": 0.%03d}}",
                 i);
        th_write(d, name, body);
    }
    struct sg_iter_limits one = SG_ITER_LIMITS_DEFAULT, four = SG_ITER_LIMITS_DEFAULT;
    one.n_threads = 1;
    four.n_threads = 4;
    struct sg_iterset a, b;
    struct sg_err err = SG_ERR_INIT;
    cr_assert_eq(sg_iterset_load(d, &one, &a, &err), SG_OK);
    cr_assert_eq(sg_iterset_load(d, &four, &b, &err), SG_OK);
    cr_assert_eq(a.n_items, 300);
    cr_assert_eq(b.n_items, 300);
    for (size_t i = 0; i < 300; i++) {
        cr_assert_str_eq(a.items[i].file, b.items[i].file);
        cr_assert_eq(a.items[i].kpi_mask, b.items[i].kpi_mask);
        cr_assert_eq(a.items[i].kpi[0], b.items[i].kpi[0]);
    }
    cr_assert_eq(a.diags.n, 6);
    cr_assert_eq(b.diags.n, 6);
    for (size_t i = 0; i < a.diags.n; i++)
        cr_assert_str_eq(a.diags.items[i].subject, b.diags.items[i].subject);
    cr_assert_str_eq(a.diags.items[0].subject, "ITER_SUMMARY_50.json");
    sg_iterset_release(&a);
    sg_iterset_release(&b);
    th_rmtree(d);
}
