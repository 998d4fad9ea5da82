/* SPDX-License-Identifier: MIT */
/*
 * iterscan: the fast path is proven against the json-c path, differentially. For every
 * committed input (vectors, examples, bad inputs, fuzz seeds), seeded mutations of them and
 * generated edge cases, either the scanner declines, or its record equals the json-c
 * path's field by field (KPIs bit for bit) and the json-c path found the file valid with
 * no warning. The number of cases that took the fast path is printed and checked.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "iter.h"
#include "iterscan.h"

#define SEED_MAX_BYTES (64 << 10) /* larger seeds are checked, not mutated */
#define N_MUTATIONS 4             /* per seed file, fixed seed: a few hundred in all */

struct counts {
    size_t n_cases;
    size_t n_fast;
    size_t n_clean; /* valid for json-c with no warning: the fast path could have taken it */
};

static bool same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Differential check of one buffer (buf[len] is NUL) at one depth limit; returns whether
 * the fast path answered. */
static bool check_one(const char *buf, size_t len, int max_depth, const char *what,
                      struct counts *c)
{
    struct sg_arena arena;
    struct sg_diags diags;
    struct sg_err err = SG_ERR_INIT;
    struct sg_iter slow, fast;
    sg_arena_init(&arena);
    sg_diags_init(&diags);
    memset(&fast, 0, sizeof fast);
    bool is_fast = sg_iterscan_parse(buf, len, max_depth, &arena, &fast);
    enum sg_rc rc = sg_iter_parse_buf_json(buf, len, "f", max_depth, &arena, &slow, &diags, 0,
                                           &err);
    bool is_clean = rc == SG_OK && diags.n == 0;
    c->n_cases++;
    c->n_clean += is_clean;
    c->n_fast += is_fast;
    if (is_fast) {
        cr_assert(is_clean, "%s: fast path answered, json-c path: %s (%zu warnings)", what,
                  err.msg, diags.n);
        cr_assert(fast.is_valid && slow.is_valid, "%s: validity", what);
        cr_assert_eq(fast.kpi_mask, slow.kpi_mask, "%s: kpi_mask", what);
        for (int k = 0; k < SG_KPI_COUNT; k++)
            if (sg_iter_has(&slow, (enum sg_kpi)k))
                cr_assert(memcmp(&fast.kpi[k], &slow.kpi[k], sizeof(double)) == 0,
                          "%s: %s %.17g vs %.17g", what, sg_kpi_names[k], fast.kpi[k],
                          slow.kpi[k]);
        cr_assert_eq(fast.guard_mask, slow.guard_mask, "%s: guard_mask", what);
        cr_assert_eq(fast.is_flat, slow.is_flat, "%s: is_flat", what);
        cr_assert(same_str(fast.signature, slow.signature), "%s: signature", what);
        cr_assert(same_str(fast.runtime_utc, slow.runtime_utc), "%s: runtime_utc", what);
        cr_assert(same_str(fast.freeze_reason, slow.freeze_reason), "%s: freeze_reason", what);
    }
    sg_diags_release(&diags);
    sg_arena_release(&arena);
    return is_fast;
}

/* ------------------------------------------------------------------ mutations */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Bytes that most often change the meaning of JSON text. */
static const char interesting[] = "{}[]\":,\\ \t\n0123456789-+.eEtfnu\x01\x80\xC0\xED\xF4\xFF";

/* A copy of buf with one random flip, insertion or deletion (a new string). */
static char *mutate(const char *buf, size_t len, size_t *out_len)
{
    char *m = malloc(len + 2);
    cr_assert_not_null(m);
    memcpy(m, buf, len + 1);
    size_t at = len ? (size_t)(rng() % len) : 0;
    char b = rng() % 4 ? interesting[rng() % (sizeof interesting - 1)] : (char)rng();
    switch (rng() % 3) {
    case 0:
        if (len)
            m[at] = b;
        break;
    case 1:
        memmove(m + at + 1, m + at, len - at + 1);
        m[at] = b;
        len++;
        break;
    default:
        if (len) {
            memmove(m + at, m + at + 1, len - at);
            len--;
        }
        break;
    }
    m[len] = '\0';
    *out_len = len;
    return m;
}

/* ------------------------------------------------------------------ committed files */

static struct counts file_counts, mutation_counts;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(st->st_mode) || st->st_size > (16 << 20))
        return 0;
    size_t len;
    char *buf = th_slurp(path, &len);
    if (buf == NULL)
        return 0;
    check_one(buf, len, 64, path, &file_counts);
    for (int i = 0; len <= SEED_MAX_BYTES && i < N_MUTATIONS; i++) {
        size_t mlen;
        char *m = mutate(buf, len, &mlen);
        /* A second round on top of the first reaches two-byte changes. */
        for (int j = 0; j < 2; j++) {
            check_one(m, mlen, 64, path, &mutation_counts);
            char *m2 = mutate(m, mlen, &mlen);
            free(m);
            m = m2;
        }
        free(m);
    }
    return 0;
}

Test(iterscan, agrees_with_json_c_on_every_committed_input_and_mutation)
{
    const char *roots[] = {SG_VECTORS_DIR, SG_TESTS_DIR "/../examples",
                           SG_TESTS_DIR "/bad-inputs", SG_TESTS_DIR "/../fuzz/corpus"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
        cr_assert_eq(nftw(roots[i], visit, 16, FTW_PHYS), 0, "walk %s", roots[i]);
    fprintf(stderr, "iterscan: files: %zu cases, %zu valid without warnings, %zu fast\n",
            file_counts.n_cases, file_counts.n_clean, file_counts.n_fast);
    fprintf(stderr, "iterscan: mutations: %zu cases, %zu valid without warnings, %zu fast\n",
            mutation_counts.n_cases, mutation_counts.n_clean, mutation_counts.n_fast);
    cr_assert_gt(file_counts.n_cases, 300);
    cr_assert_gt(mutation_counts.n_cases, 1000);
}

/* ------------------------------------------------------------------ the common case */

static struct counts common_counts;

static int visit_common(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t len;
    char *buf;
    if (type != FTW_F || !S_ISREG(st->st_mode) || strstr(path, "ITER_SUMMARY_") == NULL ||
        (buf = th_slurp(path, &len)) == NULL)
        return 0;
    size_t n_clean = common_counts.n_clean;
    bool is_fast = check_one(buf, len, 64, path, &common_counts);
    /* Every clean iteration file of the vectors and examples is the common case. */
    cr_assert(is_fast || common_counts.n_clean == n_clean, "%s: clean but declined", path);
    return 0;
}

Test(iterscan, takes_every_clean_iteration_file_of_the_vectors_and_examples)
{
    const char *roots[] = {SG_VECTORS_DIR, SG_TESTS_DIR "/../examples"};
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
        cr_assert_eq(nftw(roots[i], visit_common, 16, FTW_PHYS), 0, "walk %s", roots[i]);
    fprintf(stderr, "iterscan: vectors and examples: %zu iteration files, %zu clean, %zu fast\n",
            common_counts.n_cases, common_counts.n_clean, common_counts.n_fast);
    cr_assert_gt(common_counts.n_fast, 0);
    cr_assert_eq(common_counts.n_fast, common_counts.n_clean);
}

/* ------------------------------------------------------------------ generated edge cases */

/* Documents around the rules: each is checked at depth 64 and at small depth limits. */
static const char *const edge_cases[] = {
    "{\"risk_ratio\": 1.0e5}", "{\"risk_ratio\": -0}", "{\"risk_ratio\": -0.0}",
    "{\"risk_ratio\": 0.1e-3}", "{\"risk_ratio\": 1E+2}", "{\"risk_ratio\": 1e400}",
    "{\"risk_ratio\": 1e-400}", "{\"risk_ratio\": -1e-400}", "{\"risk_ratio\": 123456789012345}",
    "{\"risk_ratio\": 1234567890123456}", "{\"risk_ratio\": 12345678901234567890}",
    "{\"risk_ratio\": 123456789012345678901234}", "{\"risk_ratio\": -9223372036854775809}",
    "{\"risk_ratio\": 0.30000000000000004441}", "{\"risk_ratio\": 2.2250738585072011e-308}",
    "{\"risk_ratio\": 01}", "{\"risk_ratio\": 1.}", "{\"risk_ratio\": .5}", "{\"risk_ratio\": +1}",
    "{\"risk_ratio\": NaN}", "{\"risk_ratio\": -Infinity}", "{\"risk_ratio\": Infinity}",
    "{\"risk_ratio\": null}", "{\"risk_ratio\": \"1\"}", "{\"risk_ratio\": true}",
    "{\"risk_ratio\": 1, \"risk_ratio\": 2}", "{\"summary\": {}, \"summary\": {\"net_bps\": 1}}",
    "{\"summary\": {\"net_bps\": 1}, \"net_bps\": \"x\"}", "{\"summary\": []}",
    "{\"summary\": 1}", "{\"tuning\": []}", "{\"tuning\": null}", "{\"summary\": null}",
    "{}", "[]", "[{\"a\": 1}]", "1", "null", "\"x\"", "", " ", "{\"a\": 1} x",
    "{\"a\": 1}\n\n \t\r",
    "\xEF\xBB\xBF{\"a\": 1}", "{\"a\": 1,}", "{\"a\": [1,]}", "{\"a\" 1}", "{'a': 1}",
    "{\"a\": 1} // c", "{\"a\": /* c */ 1}", "{\"a\": tru}", "{\"a\": True}", "{\"a\": nul}",
    "{\"a\": \"\\u0041\"}", "{\"a\": \"\\u00\"}", "{\"a\": \"\\x\"}", "{\"a\": \"\\/\\b\\f\"}",
    "{\"a\\u0000\": 1}", "{\"a\": \"\x01\"}", "{\"a\": \"\xC0\xAF\"}", "{\"a\": \"\xED\xA0\x80\"}",
    "{\"a\": \"\xF4\x90\x80\x80\"}", "{\"a\": \"\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
    "{\"a\": \"\xE2\x82\"}", "{\"a\": \"\xFF\"}", "{\"a\":\f1}", "{\"a\":\v1}",
    "{\"tuning\": {\"signature\": \"s\\\"q\"}}", "{\"tuning\": {\"signature\": \"\\u0000\"}}",
    "{\"tuning\": {\"signature\": 7}}", "{\"tuning\": {\"signature\": 0, \"state_hash\": \"h\"}}",
    "{\"tuning\": {\"signature\": \"\", \"state_hash\": {\"a\": 1}}}",
    "{\"tuning\": {\"signature\": [], \"state_hash\": \"\"}}",
    "{\"tuning\": {\"signature\": \"a\", \"signature\": \"b\"}}",
    "{\"tuning\": {\"freeze_reason\": \"\"}, \"net_bps\": 2}",
    "{\"tuning\": {\"freeze_reason\": \"x\\ty\"}}", "{\"tuning\": {\"freeze_reason\": 5}}",
    "{\"tuning\": {\"freeze_reason\": \"why\"}}", "{\"runtime_utc\": \"\"}",
    "{\"runtime_utc\": null}", "{\"runtime_utc\": 5}", "{\"runtime_utc\": \"a\\nb\"}",
    "{\"summary\": {\"runtime_utc\": \"2025\"}, \"runtime_utc\": 5}",
    "{\"tuning\": {\"cooldown_active\": 0.0, \"skip_reason\": {\"cooldown\": true}}}",
    "{\"tuning\": {\"skip_reason\": {\"cooldown\": 1e-400, \"freeze\": \"no\", "
    "\"velocity\": [0], \"oscillation\": {}}}}",
    "{\"tuning\": {\"skip_reason\": [1], \"freeze_triggered\": null}}",
    "{\"tuning\": {\"oscillation_detected\": -0.0, \"velocity_violation\": 0e7, "
    "\"cooldown_active\": \"\", \"freeze_triggered\": {\"a\": null}}}",
    "{\"tuning\": {\"skip_reason\": {\"freeze\": true}, \"skip_reason\": {}}}",
    "{\"ris\\u006b_ratio\": 1}", "{\"risk\\/ratio\": 1}", "{\"summary\": {\"summary\": 1}}",
    "{\"x\": {\"tuning\": 1, \"summary\": 2, \"risk_ratio\": null}}",
    "{\"summary\": {\"tuning\": {\"signature\": 5}}, \"tuning\": {\"signature\": \"t\"}}",
    "{\"a\": [[[[[[[[[[1]]]]]]]]]]}", "{\"a\": [[[[[[[[[[]]]]]]]]]]}",
    "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {}}}}}}",
    "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": 1}}}}}",
};

Test(iterscan, agrees_with_json_c_on_generated_edge_cases)
{
    struct counts c = {0};
    static const int depths[] = {64, 1, 2, 3, 4, 5, 6, 7, 8, 100};
    for (size_t i = 0; i < sizeof edge_cases / sizeof edge_cases[0]; i++)
        for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++)
            check_one(edge_cases[i], strlen(edge_cases[i]), depths[d], edge_cases[i], &c);
    /* Nesting right around the limit: n arrays inside the root object. */
    for (int n = 55; n <= 70; n++) {
        char doc[256] = "{\"a\": ";
        size_t len = strlen(doc);
        for (int k = 0; k < n; k++)
            doc[len++] = '[';
        for (int k = 0; k < n; k++)
            doc[len++] = ']';
        doc[len++] = '}';
        doc[len] = '\0';
        check_one(doc, len, 64, doc, &c);
    }
    fprintf(stderr, "iterscan: edge cases: %zu cases, %zu valid without warnings, %zu fast\n",
            c.n_cases, c.n_clean, c.n_fast);
    cr_assert_gt(c.n_fast, 0);
}
