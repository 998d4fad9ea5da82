/* SPDX-License-Identifier: MIT */
#ifndef SG_TEST_HELPERS_H
#define SG_TEST_HELPERS_H
/*
 * Test helpers: temp dirs, whole-file reads, file writes, and running the built binary
 * with captured stdout/stderr. Tests never depend on the working directory: fixtures are
 * found through SG_TESTS_DIR / SG_VECTORS_DIR, the binary through SG_BINARY.
 */
#include <stdbool.h>
#include <stddef.h>

/*
 * Test allocations: every string the helpers return is kept reachable from a registry, so
 * tests can use them freely without LeakSanitizer counting them, while leaks of the code
 * under test are still reported. th_keep(p) registers any other block and returns it.
 */
void *th_keep(void *p);

/* A new directory under $TMPDIR (or /tmp); returns a new string. Aborts on failure. */
char *th_mkdtemp(void);
/* rm -rf path (best effort, no subprocess). */
void th_rmtree(const char *path);
/* Whole file as a new NUL-terminated string (NULL if unreadable); *len optional. */
char *th_slurp(const char *path, size_t *len);
/* Writes data to dir/name (creating/truncating); aborts on failure. */
void th_write(const char *dir, const char *name, const char *data);
/* Copies every regular file of src into dst (dst must exist). */
void th_copy_dir(const char *src, const char *dst);
/* printf into a new string. */
char *th_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when haystack contains needle. */
bool th_contains(const char *haystack, const char *needle);

struct th_run {
    int status;  /* exit code, or 128 + signal */
    char *out;   /* captured stdout (new string) */
    char *err;   /* captured stderr (new string) */
};

/*
 * Runs SG_BINARY with argv (NULL-terminated, without argv[0]) in cwd (NULL: current),
 * with env changes "K=V" (set) or "K" (unset) (NULL-terminated or NULL) and a wall-clock limit of 60 s.
 */
struct th_run th_run_bin(const char *cwd, const char *const *env_add, const char *const *argv);
void th_run_free(struct th_run *r);

/* ------------------------------------------------------------------ golden files (reports) */

/*
 * Compares actual with the golden file SG_FIXTURES_DIR/golden/<rel> byte for byte and fails
 * the test with the first differing line. With SG_UPDATE_GOLDEN=1 in the environment the
 * golden file (and its directory) is rewritten instead and the check passes.
 */
void th_golden_check(const char *rel, const char *actual);

#endif
