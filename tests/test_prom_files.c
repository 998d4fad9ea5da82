/* SPDX-License-Identifier: MIT */
/*
 * POST_SOAK_METRICS.prom end to end, through the built binary: the legacy names byte for
 * byte against every vector's expected file, and the default names against golden files
 * (SG_UPDATE_GOLDEN=1 rewrites them; review the diff).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsx.h"
#include "helpers.h"

static const char *const fixed_env[] = {"GITHUB_REPOSITORY", "GITHUB_REF", "GITHUB_SHA",
                                        "GITHUB_RUN_ID", "SOAK_GATE_NOW=1760630400", NULL};

static char *vector_copy(const char *name)
{
    char *dir = th_mkdtemp();
    char *src = th_fmt("%s/%s/input", SG_VECTORS_DIR, name);
    th_copy_dir(src, dir);
    free(src);
    return dir;
}

/* Runs `cmd --path dir --prometheus [--prometheus-names names]`, returns the .prom text. */
static char *metrics(const char *cmd, const char *dir, const char *names,
                     const char *const *env, int want_status)
{
    const char *argv[8] = {cmd, "--path", dir, "--prometheus"};
    size_t n = 4;
    if (names) {
        argv[n++] = "--prometheus-names";
        argv[n++] = names;
    }
    if (strcmp(cmd, "gate") == 0)
        argv[n++] = "--quiet"; /* snapshot always prints its JSON */
    argv[n] = NULL;
    struct th_run r = th_run_bin(NULL, env, argv);
    cr_assert_eq(r.status, want_status, "%s exit %d; stderr:\n%s", cmd, r.status, r.err);
    cr_assert(th_contains(r.err, "[OK] Prometheus metrics written to: "), "%s", r.err);
    th_run_free(&r);
    char *path = th_fmt("%s/POST_SOAK_METRICS.prom", dir);
    char *text = th_slurp(path, NULL);
    cr_assert_not_null(text, "no %s", path);
    free(path);
    return text;
}

static char *expected_legacy(const char *vector)
{
    char *path = th_fmt("%s/%s/expected/POST_SOAK_METRICS.prom", SG_VECTORS_DIR, vector);
    char *text = th_slurp(path, NULL);
    cr_assert_not_null(text, "no %s", path);
    free(path);
    return text;
}

static void legacy_is_byte_identical(const char *vector)
{
    char *dir = vector_copy(vector);
    char *got = metrics("snapshot", dir, "legacy", fixed_env, 0);
    char *want = expected_legacy(vector);
    cr_assert_str_eq(got, want, "%s legacy file differs:\n--- got\n%s--- want\n%s", vector, got,
                     want);
    free(got);
    free(want);
    th_rmtree(dir);
    free(dir);
}

static void golden(const char *name, const char *got)
{
    char *dir = th_fmt("%s/golden/%s", SG_FIXTURES_DIR, name);
    char *path = th_fmt("%s/metrics.prom", dir);
    const char *update = getenv("SG_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        struct sg_err err = SG_ERR_INIT;
        cr_assert_eq(sg_fsx_mkdirs(dir, &err), SG_OK, "%s", err.msg);
        th_write(dir, "metrics.prom", got);
    }
    char *want = th_slurp(path, NULL);
    cr_assert_not_null(want, "no golden %s (SG_UPDATE_GOLDEN=1 creates it)", path);
    cr_assert_str_eq(got, want, "%s differs:\n--- got\n%s--- want\n%s", path, got, want);
    free(want);
    free(path);
    free(dir);
}

/* ------------------------------------------------------------------ legacy */

Test(prom_files, legacy_matches_T24_repo_generator) { legacy_is_byte_identical("T24_repo_generator"); }
Test(prom_files, legacy_matches_A_order) { legacy_is_byte_identical("A_order"); }
Test(prom_files, legacy_matches_F_warn) { legacy_is_byte_identical("F_warn"); }
Test(prom_files, legacy_matches_K_sig) { legacy_is_byte_identical("K_sig"); }

Test(prom_files, legacy_RUNPY_differs_only_in_the_velocity_count_changed_by_D2,
     .description = "the original read no guard flags from the runner's skip_reason and "
                    "reported 0 velocity violations; D-2 counts the 3 in the window")
{
    char *dir = vector_copy("RUNPY_mock_10iter");
    char *got = metrics("snapshot", dir, "legacy", fixed_env, 0);
    char *want = expected_legacy("RUNPY_mock_10iter");
    const char *orig = "\nsoak_guards_velocity_count 0\n", *ours = "\nsoak_guards_velocity_count 3\n";
    char *at = strstr(got, ours);
    cr_assert_not_null(at, "velocity line is not 3:\n%s", got);
    cr_assert_not_null(strstr(want, orig));
    memcpy(at, orig, strlen(orig)); /* same length: put the original's value back */
    cr_assert_str_eq(got, want, "more than the velocity line differs:\n%s", got);
    char *snap_path = th_fmt("%s/POST_SOAK_SNAPSHOT.json", dir);
    char *snap = th_slurp(snap_path, NULL);
    cr_assert(th_contains(snap, "\"velocity_count\":3"), "snapshot and .prom disagree: %s", snap);
    free(snap);
    free(snap_path);
    free(got);
    free(want);
    th_rmtree(dir);
    free(dir);
}

/* ------------------------------------------------------------------ default */

Test(prom_files, default_T24_matches_golden_with_github_run_labels)
{
    const char *env[] = {"GITHUB_REPOSITORY=octo/soak-gate", "GITHUB_REF=refs/pull/7/merge",
                         "GITHUB_SHA=0f1e2d3c4b5a69788796a5b4c3d2e1f001234567",
                         "GITHUB_RUN_ID=4242", "SOAK_GATE_NOW=1760630400", NULL};
    char *dir = vector_copy("T24_repo_generator");
    char *got = metrics("gate", dir, NULL, env, 0);
    golden("T24_repo_generator", got);
    free(got);
    th_rmtree(dir);
    free(dir);
}

Test(prom_files, default_simulate_fail_matches_golden)
{
    char *dir = th_mkdtemp();
    const char *sim[] = {"simulate", "--out", dir, "--scenario", "fail", NULL};
    struct th_run r = th_run_bin(NULL, NULL, sim);
    cr_assert_eq(r.status, 0, "%s", r.err);
    th_run_free(&r);
    char *got = metrics("gate", dir, "default", fixed_env, 1);
    golden("simulate_fail", got);
    free(got);
    th_rmtree(dir);
    free(dir);
}

Test(prom_files, rewrite_replaces_the_file_and_leaves_no_temporary_files)
{
    char *dir = vector_copy("F_warn");
    char *legacy = metrics("snapshot", dir, "legacy", fixed_env, 0);
    char *dflt = metrics("snapshot", dir, NULL, fixed_env, 0);
    cr_assert(strstr(dflt, "soakgate_verdict{verdict=\"WARN\"} 1\n"), "%s", dflt);
    cr_assert_null(strstr(dflt, "soak_kpi_"), "old contents left behind");
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        cr_assert(de->d_name[0] == '.' || strncmp(de->d_name, "ITER_SUMMARY_", 13) == 0 ||
                      strcmp(de->d_name, "POST_SOAK_SNAPSHOT.json") == 0 ||
                      strcmp(de->d_name, "POST_SOAK_METRICS.prom") == 0,
                  "stray file %s", de->d_name);
    closedir(d);
    free(legacy);
    free(dflt);
    th_rmtree(dir);
    free(dir);
}

Test(prom_files, no_prometheus_flag_writes_no_file)
{
    char *dir = vector_copy("K_sig");
    const char *argv[] = {"snapshot", "--path", dir, NULL};
    struct th_run r = th_run_bin(NULL, fixed_env, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *path = th_fmt("%s/POST_SOAK_METRICS.prom", dir);
    cr_assert_null(th_slurp(path, NULL), "%s written without --prometheus", path);
    th_run_free(&r);
    free(path);
    th_rmtree(dir);
    free(dir);
}
