/* SPDX-License-Identifier: MIT */
/*
 * Leaks: the real pipeline (sg_run: load on threads, sidecars, evaluation, snapshot,
 * render, atomic write) runs in this process on every example, every vector and every
 * static bad-input case, then LeakSanitizer is asked for leaks inside the test body, the
 * only place where a leak fails a Criterion test (notes/build-env.md section 3). Without
 * ASan the check is a visible no-op: the test logs that it did not check.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "config.h"
#include "helpers.h"
#include "run.h"

#if defined(__SANITIZE_ADDRESS__)
#define SG_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SG_HAVE_LSAN 1
#endif
#endif

#ifdef SG_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
static int leak_check(void)
{
    return __lsan_do_recoverable_leak_check();
}
#else
/* A visible note on stderr. Not cr_log_warn: in Criterion 2.4.1 any cr_log_warn makes
 * the runner exit 1 even when every test passes. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("[NOTE] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int leak_check(void)
{
    note("leak check not performed: built without AddressSanitizer "
         "(configure with -DSG_SANITIZE=address,undefined)");
    return 0;
}
#endif

/*
 * Runs cmd on a scratch copy of src with every output switched on (audit, job summary,
 * Prometheus, --compare against the T24 baseline); stdout and stderr go to /dev/null.
 */
static int run_on_copy(const char *src, enum sg_command cmd, bool strict, bool pretty)
{
    char *d = th_mkdtemp();
    th_copy_dir(src, d);
    char *summary = th_fmt("%s/summary.md", d);
    struct sg_config cfg;
    sg_config_init(&cfg);
    cfg.path = d;
    cfg.strict = strict;
    cfg.pretty = pretty;
    cfg.want_audit = true;
    cfg.want_prometheus = true;
    cfg.summary_file = summary;
    cfg.compare = SG_VECTORS_DIR "/T24_repo_generator/compare_baseline.json";
    FILE *null = fopen("/dev/null", "w");
    cr_assert_not_null(null);
    struct sg_outcome outcome;
    sg_outcome_init(&outcome);
    int rc = (int)sg_run(&cfg, cmd, null, null, &outcome);
    sg_outcome_release(&outcome);
    fclose(null);
    th_rmtree(d);
    free(summary);
    free(d);
    return rc;
}

static void run_all_variants(const char *src)
{
    int a = run_on_copy(src, SG_CMD_GATE, false, false);
    int b = run_on_copy(src, SG_CMD_SNAPSHOT, true, true);
    cr_assert(a >= 0 && a <= 2 && b >= 0 && b <= 2, "%s: exit codes %d, %d", src, a, b);
}

/* Calls fn(path) for every subdirectory "sub" of each entry of parent (sub may be NULL). */
static size_t for_each_case(const char *parent, const char *sub, void (*fn)(const char *))
{
    DIR *d = opendir(parent);
    cr_assert_not_null(d, "cannot list %s", parent);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *p = sub ? th_fmt("%s/%s/%s", parent, de->d_name, sub)
                      : th_fmt("%s/%s", parent, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            fn(p);
            n++;
        }
        free(p);
    }
    closedir(d);
    return n;
}

Test(leaks, pipeline_on_examples_and_vectors_leaks_nothing)
{
    size_t n = for_each_case(SG_TESTS_DIR "/../examples", NULL, run_all_variants);
    n += for_each_case(SG_VECTORS_DIR, "input", run_all_variants);
    cr_assert_geq(n, 8, "examples and vectors found: %zu", n);
    cr_assert_eq(leak_check(), 0, "LeakSanitizer found leaks (see the report above)");
}

Test(leaks, pipeline_on_bad_inputs_leaks_nothing)
{
    size_t n = for_each_case(SG_TESTS_DIR "/bad-inputs", "dir", run_all_variants);
    cr_assert_geq(n, 20, "bad-input cases with a dir/ found: %zu", n);
    cr_assert_eq(leak_check(), 0, "LeakSanitizer found leaks (see the report above)");
}

static void load_config_if_any(const char *case_dir)
{
    char *path = th_fmt("%s/config.json", case_dir);
    struct sg_config cfg;
    struct sg_arena strings;
    struct sg_err err = SG_ERR_INIT;
    sg_config_init(&cfg);
    sg_arena_init(&strings);
    (void)sg_config_load_file(&cfg, path, &strings, &err);
    sg_arena_release(&strings);
    free(path);
}

Test(leaks, config_loader_on_bad_inputs_leaks_nothing)
{
    for_each_case(SG_TESTS_DIR "/bad-inputs", "dir", load_config_if_any);
    struct sg_config cfg;
    struct sg_arena strings;
    struct sg_err err = SG_ERR_INIT;
    sg_config_init(&cfg);
    sg_arena_init(&strings);
    const char *bad = "{\"window\": 3, \"risk_max\": \"x\"}";
    cr_assert_eq(sg_config_load_buf(&cfg, bad, strlen(bad), "t.json", &strings, &err), SG_USAGE);
    sg_arena_release(&strings);
    cr_assert_eq(leak_check(), 0, "LeakSanitizer found leaks (see the report above)");
}
