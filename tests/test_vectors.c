/* SPDX-License-Identifier: MIT */
/*
 * The original tool's exact outputs (tests/vectors, copied from the project's shared
 * vectors): the built binary must reproduce extract.stdout and POST_SOAK_SNAPSHOT.json byte
 * for byte on every binding vector, and the binding parts of RUNPY_mock_10iter.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Copies a vector's input to a temp dir and runs `soak-gate <cmd> --path DIR`. */
static struct th_run run_vector(const char *name, const char *cmd, char **dir_out)
{
    char *in = th_fmt("%s/%s/input", SG_VECTORS_DIR, name);
    char *dir = th_mkdtemp();
    th_copy_dir(in, dir);
    const char *argv[] = {cmd, "--path", dir, NULL};
    struct th_run r = th_run_bin(NULL, NULL, argv);
    free(in);
    *dir_out = dir;
    return r;
}

static void check_exact(const char *name)
{
    char *dir;
    struct th_run r = run_vector(name, "snapshot", &dir);
    char *want_out = th_slurp(th_fmt("%s/%s/expected/extract.stdout", SG_VECTORS_DIR, name), NULL);
    char *want_file =
        th_slurp(th_fmt("%s/%s/expected/POST_SOAK_SNAPSHOT.json", SG_VECTORS_DIR, name), NULL);
    char *got_file = th_slurp(th_fmt("%s/POST_SOAK_SNAPSHOT.json", dir), NULL);
    cr_assert_eq(r.status, 0, "%s: exit %d, stderr:\n%s", name, r.status, r.err);
    cr_assert_str_eq(r.out, want_out, "%s: stdout differs", name);
    cr_assert_not_null(got_file, "%s: no snapshot file", name);
    cr_assert_str_eq(got_file, want_file, "%s: POST_SOAK_SNAPSHOT.json differs", name);
    th_rmtree(dir);
}

Test(vectors, t24_repo_generator_is_byte_identical)
{
    check_exact("T24_repo_generator");
}

Test(vectors, a_order_is_byte_identical)
{
    check_exact("A_order");
}

Test(vectors, f_warn_is_byte_identical)
{
    check_exact("F_warn");
}

Test(vectors, k_sig_is_byte_identical)
{
    check_exact("K_sig");
}

/* A "key":value fragment of a compact JSON text, up to the next top-level-ish comma. */
static char *fragment(const char *json, const char *key)
{
    const char *p = strstr(json, key);
    cr_assert_not_null(p, "no %s in %s", key, json);
    int depth = 0;
    const char *q = p + strlen(key);
    for (; *q; q++) {
        if (*q == '{')
            depth++;
        if (*q == '}') {
            if (depth == 0)
                break;
            depth--;
        }
        if (*q == ',' && depth == 0)
            break;
    }
    return th_fmt("%.*s", (int)(q - p), p);
}

Test(vectors, runpy_binding_parts_match_and_d2_counts_skip_reason_guards)
{
    char *dir;
    struct th_run r = run_vector("RUNPY_mock_10iter", "snapshot", &dir);
    char *want = th_slurp(th_fmt("%s/RUNPY_mock_10iter/expected/extract.stdout", SG_VECTORS_DIR),
                          NULL);
    cr_assert_eq(r.status, 0);
    const char *keys[] = {"\"kpi_last8\":", "\"pass_count_last8\":", "\"anomalies_count\":",
                          "\"time_range\":", "\"verdict\":", NULL};
    for (int i = 0; keys[i]; i++)
        cr_assert_str_eq(fragment(r.out, keys[i]), fragment(want, keys[i]), "%s differs",
                         keys[i]);
    /* D-2: the runner records its velocity guard in tuning.skip_reason (3 iterations). */
    cr_assert(th_contains(r.out, "\"velocity_count\":3"), "%s", r.out);
    th_rmtree(dir);
}

Test(vectors, gate_exit_codes_follow_d7)
{
    const struct {
        const char *name;
        int status;
    } cases[] = {{"T24_repo_generator", 0}, {"A_order", 0}, {"F_warn", 0}, {"K_sig", 0},
                 {"RUNPY_mock_10iter", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir;
        struct th_run r = run_vector(cases[i].name, "gate", &dir);
        cr_assert_eq(r.status, cases[i].status, "%s: gate exit %d, want %d\n%s", cases[i].name,
                     r.status, cases[i].status, r.err);
        th_rmtree(dir);
    }
}

Test(vectors, gate_pass_block_matches_the_original_for_t24)
{
    char *dir;
    struct th_run r = run_vector("T24_repo_generator", "gate", &dir);
    cr_assert(th_contains(r.err, "Verdict:           PASS\n"), "%s", r.err);
    cr_assert(th_contains(r.err, "Freeze Ready:      True\n"));
    cr_assert(th_contains(r.err, "Pass Count:        6/8\n"));
    cr_assert(th_contains(r.err, "[OK] Soak gate: PASS"));
    cr_assert(th_contains(r.err, "ITER_SUMMARY_19.json: risk_ratio 0.44 > 0.42"), "%s", r.err);
    th_rmtree(dir);
}
