/* SPDX-License-Identifier: MIT */
/*
 * Reading a soak run (see iter.h). Files are listed, ordered and then parsed on several
 * threads: each thread owns a read buffer, a string arena and a diagnostics list, writes
 * only its own items, and everything is merged in file order afterwards, so the result
 * does not depend on the thread count.
 */
#include "iter.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fsx.h"
#include "iterscan.h"
#include "jsonx.h"
#include "xalloc.h"

const char *const sg_kpi_names[SG_KPI_COUNT] = {"risk_ratio", "maker_taker_ratio", "net_bps",
                                                 "p95_latency_ms"};

static const char *const guard_keys[SG_GUARD_COUNT] = {"oscillation_detected", "velocity_violation",
                                                       "cooldown_active", "freeze_triggered"};
static const char *const skip_keys[SG_GUARD_COUNT] = {"oscillation", "velocity", "cooldown",
                                                      "freeze"};

#define ITER_PREFIX "ITER_SUMMARY_"
#define ITER_SUFFIX ".json"
#define ITER_PREFIX_LEN (sizeof ITER_PREFIX - 1)
#define ITER_SUFFIX_LEN (sizeof ITER_SUFFIX - 1)

/* ------------------------------------------------------------------ one file */

/* Warnings found while validating; emitted only when the whole file is valid (D-17). */
struct pending {
    char text[SG_KPI_COUNT][160];
    size_t n;
};

static enum sg_rc read_kpis(json_object *summary, const char *prefix, struct sg_iter *out,
                            struct pending *warn, struct sg_err *err)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        json_object *v;
        if (!json_object_object_get_ex(summary, sg_kpi_names[k], &v))
            continue;
        if (v == NULL) {
            snprintf(warn->text[warn->n++], sizeof warn->text[0], "%s%s: null, treated as missing",
                     prefix, sg_kpi_names[k]);
            continue;
        }
        if (!sg_jsonx_is_number(v))
            return sg_err_set(err, SG_SCHEMA, "%s%s: expected a number, found %s", prefix,
                              sg_kpi_names[k], sg_jsonx_type_name(v));
        double d = json_object_get_double(v);
        if (!isfinite(d)) {
            snprintf(warn->text[warn->n++], sizeof warn->text[0],
                     "%s%s: %.40s is not a valid value; treated as missing", prefix,
                     sg_kpi_names[k], json_object_to_json_string(v));
            continue;
        }
        out->kpi[k] = d;
        out->kpi_mask = (uint8_t)(out->kpi_mask | (1u << k));
    }
    return SG_OK;
}

/*
 * Strings are kept as C strings, so one with an embedded NUL ("\u0000") would be cut short
 * and compare or print wrongly (two different signatures would look equal). Such a file
 * is invalid, with the JSON path in the message, rather than silently misread.
 */
static enum sg_rc no_nul(json_object *v, const char *prefix, const char *key, struct sg_err *err)
{
    const char *t = json_object_get_string(v);
    size_t len = (size_t)json_object_get_string_len(v);
    if (memchr(t, '\0', len) == NULL)
        return SG_OK;
    return sg_err_set(err, SG_SCHEMA, "%s%s: the string contains a NUL character (\\u0000)",
                      prefix, key);
}

static enum sg_rc read_runtime(json_object *summary, const char *prefix, struct sg_arena *arena,
                               struct sg_iter *out, struct sg_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(summary, "runtime_utc", &v) || v == NULL)
        return SG_OK;
    if (!json_object_is_type(v, json_type_string))
        return sg_err_set(err, SG_SCHEMA, "%sruntime_utc: expected a string or null, found %s",
                          prefix, sg_jsonx_type_name(v));
    if (no_nul(v, prefix, "runtime_utc", err) != SG_OK)
        return SG_SCHEMA;
    int len = json_object_get_string_len(v);
    if (len > 0)
        out->runtime_utc = sg_arena_strndup(arena, json_object_get_string(v), (size_t)len);
    return SG_OK;
}

/* The text a signature value is compared and shown by: strings as they are, anything
 * else (a rare number or object) as its JSON text. */
static const char *sig_text(json_object *v, struct sg_arena *arena)
{
    if (json_object_is_type(v, json_type_string))
        return sg_arena_strndup(arena, json_object_get_string(v),
                                (size_t)json_object_get_string_len(v));
    return sg_arena_strdup(arena, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* The tuning strings that are used (the signature, else state_hash; freeze_reason) hold
 * no NUL. */
static enum sg_rc check_tuning_strings(json_object *tuning, struct sg_err *err)
{
    json_object *v;
    if (tuning == NULL)
        return SG_OK;
    const char *sig = json_object_object_get_ex(tuning, "signature", &v) && sg_jsonx_truthy(v)
                          ? "signature"
                          : "state_hash";
    const char *const keys[] = {sig, "freeze_reason"};
    for (size_t i = 0; i < 2; i++)
        if (json_object_object_get_ex(tuning, keys[i], &v) &&
            json_object_is_type(v, json_type_string) && no_nul(v, "tuning.", keys[i], err))
            return SG_SCHEMA;
    return SG_OK;
}

static void read_tuning(json_object *tuning, struct sg_arena *arena, struct sg_iter *out)
{
    json_object *skip = NULL, *v;
    if (tuning && json_object_object_get_ex(tuning, "skip_reason", &v) &&
        json_object_is_type(v, json_type_object))
        skip = v;
    for (int g = 0; g < SG_GUARD_COUNT; g++) {
        bool on = false;
        if (tuning && json_object_object_get_ex(tuning, guard_keys[g], &v))
            on = sg_jsonx_truthy(v);
        else if (skip && json_object_object_get_ex(skip, skip_keys[g], &v))
            on = sg_jsonx_truthy(v);
        if (on)
            out->guard_mask = (uint8_t)(out->guard_mask | (1u << g));
    }
    out->signature = "na";
    if (tuning && json_object_object_get_ex(tuning, "signature", &v) && sg_jsonx_truthy(v))
        out->signature = sig_text(v, arena);
    else if (tuning && json_object_object_get_ex(tuning, "state_hash", &v) && sg_jsonx_truthy(v))
        out->signature = sig_text(v, arena);
    if (tuning && json_object_object_get_ex(tuning, "freeze_reason", &v) &&
        json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)
        out->freeze_reason = sg_arena_strndup(arena, json_object_get_string(v),
                                              (size_t)json_object_get_string_len(v));
}

static enum sg_rc validate_shape(json_object *root, json_object **summary, json_object **tuning,
                                 bool *is_flat, struct sg_err *err)
{
    if (!json_object_is_type(root, json_type_object))
        return sg_err_set(err, SG_SCHEMA, "top level: expected an object, found %s",
                          sg_jsonx_type_name(root));
    if (json_object_object_length(root) == 0)
        return sg_err_set(err, SG_SCHEMA, "top level: empty object");
    json_object *v;
    *is_flat = !json_object_object_get_ex(root, "summary", &v);
    if (*is_flat) {
        *summary = root;
    } else if (!json_object_is_type(v, json_type_object)) {
        return sg_err_set(err, SG_SCHEMA, "summary: expected an object, found %s",
                          sg_jsonx_type_name(v));
    } else {
        *summary = v;
    }
    *tuning = NULL;
    if (json_object_object_get_ex(root, "tuning", &v)) {
        if (!json_object_is_type(v, json_type_object))
            return sg_err_set(err, SG_SCHEMA, "tuning: expected an object, found %s",
                              sg_jsonx_type_name(v));
        *tuning = v;
    }
    return SG_OK;
}

/*
 * sg_iter_parse_buf on a reusable tokener (tok NULL: a new one for this file), trying the
 * allocation-free scanner first when want_fast (iterscan.h). With keep,
 * the tree is not freed at once: the previous file's tree (*keep) is freed instead and this
 * one takes its place. Keeping one tree alive matters on musl, whose allocator returns a
 * size class's memory to the kernel as soon as it is wholly free: parsing and freeing one
 * small tree per file then cost an mmap and a munmap per file (5x slower at 100k files).
 */
static enum sg_rc parse_buf_with(struct json_tokener *tok, const char *buf, size_t len,
                                 const char *file, int max_depth, struct sg_arena *arena,
                                 struct sg_iter *out, struct sg_diags *diags, size_t order,
                                 json_object **keep, bool want_fast, struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    out->file = sg_arena_strdup(arena, file);
    /* The fast path answers only for clean files (no warning, no error), so it never
     * touches diags or err; when it declines, the json-c path below decides everything. */
    if (want_fast && sg_iterscan_parse(buf, len, max_depth, arena, out))
        return SG_OK;
    json_object *root = NULL, *summary = NULL, *tuning = NULL;
    struct pending warn = {.n = 0};
    enum sg_rc rc = tok ? sg_jsonx_parse_with(tok, buf, len, max_depth, &root, err)
                        : sg_jsonx_parse(buf, len, max_depth, &root, err);
    if (rc != SG_OK)
        return rc;
    rc = validate_shape(root, &summary, &tuning, &out->is_flat, err);
    if (rc != SG_OK)
        goto out;
    const char *prefix = out->is_flat ? "" : "summary.";
    rc = read_kpis(summary, prefix, out, &warn, err);
    if (rc == SG_OK)
        rc = read_runtime(summary, prefix, arena, out, err);
    if (rc == SG_OK)
        rc = check_tuning_strings(tuning, err);
    if (rc != SG_OK) {
        out->kpi_mask = 0;
        out->runtime_utc = NULL;
        goto out;
    }
    read_tuning(tuning, arena, out);
    out->is_valid = true;
    for (size_t i = 0; i < warn.n; i++)
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_VALUE, order, file, "%s", warn.text[i]);
out:
    if (keep) {
        json_object_put(*keep);
        *keep = root;
    } else {
        json_object_put(root);
    }
    return rc;
}

enum sg_rc sg_iter_parse_buf(const char *buf, size_t len, const char *file, int max_depth,
                             struct sg_arena *arena, struct sg_iter *out,
                             struct sg_diags *diags, size_t order, struct sg_err *err)
{
    return parse_buf_with(NULL, buf, len, file, max_depth, arena, out, diags, order, NULL, true,
                          err);
}

enum sg_rc sg_iter_parse_buf_json(const char *buf, size_t len, const char *file, int max_depth,
                                  struct sg_arena *arena, struct sg_iter *out,
                                  struct sg_diags *diags, size_t order, struct sg_err *err)
{
    return parse_buf_with(NULL, buf, len, file, max_depth, arena, out, diags, order, NULL, false,
                          err);
}

/* ------------------------------------------------------------------ the directory */

static bool looks_like_iter(const char *name)
{
    size_t n = strlen(name);
    return n >= ITER_PREFIX_LEN + ITER_SUFFIX_LEN &&
           memcmp(name, ITER_PREFIX, ITER_PREFIX_LEN) == 0 &&
           strcmp(name + n - ITER_SUFFIX_LEN, ITER_SUFFIX) == 0;
}

/* The digits of an iteration name, or NULL when the middle part is not 1+ ASCII digits. */
static const char *iter_digits(const char *name, size_t *n_digits)
{
    const char *d = name + ITER_PREFIX_LEN;
    size_t n = strlen(name) - ITER_PREFIX_LEN - ITER_SUFFIX_LEN;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (d[i] < '0' || d[i] > '9')
            return NULL;
    *n_digits = n;
    return d;
}

int sg_iter_number_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

struct cand {
    const char *name;   /* in the load's temporary arena */
    const char *number; /* in the set's arena */
};

static int cand_cmp(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;
    int c = sg_iter_number_cmp(a->number, b->number);
    return c ? c : strcmp(a->name, b->name);
}

struct entry {
    const char *name;
    unsigned char kind;
};

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    return strcmp(a->name, b->name);
}

static const char *kind_text(enum sg_fsx_kind k)
{
    switch (k) {
    case SG_FSX_DIR:
        return "a directory";
    case SG_FSX_OTHER:
        return "a FIFO, socket or device";
    case SG_FSX_MISSING:
        return "a dangling symbolic link or unreadable entry";
    case SG_FSX_REGULAR:
        break;
    }
    return "a regular file";
}

/* Keeps regular files with iteration names; everything else becomes a diagnostic. */
static size_t pick_candidates(const char **names, const unsigned char *kinds, size_t n,
                              struct sg_iterset *set, struct cand *cands)
{
    size_t n_cands = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nd;
        const char *digits = iter_digits(names[i], &nd);
        if (digits == NULL) {
            sg_diags_add(&set->diags, SG_DIAG_WARN, SG_DIAG_NAME, 0, names[i],
                         "ignored: not an iteration file name (ITER_SUMMARY_<digits>.json)");
        } else if (kinds[i] != SG_FSX_REGULAR) {
            sg_diags_add(&set->diags, SG_DIAG_WARN, SG_DIAG_NAME, 0, names[i],
                         "skipped: not a regular file (%s)", kind_text(kinds[i]));
        } else {
            while (nd > 1 && digits[0] == '0') {
                digits++;
                nd--;
            }
            cands[n_cands].number = sg_arena_strndup(&set->arena, digits, nd);
            cands[n_cands].name = names[i];
            n_cands++;
        }
    }
    return n_cands;
}

static void warn_shared_numbers(const struct cand *cands, size_t n, struct sg_iterset *set)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(cands[j].number, cands[i].number) == 0)
            j++;
        if (j - i > 1) {
            struct sg_buf b;
            sg_buf_init(&b, 4096);
            for (size_t k = i; k < j; k++)
                sg_buf_addf(&b, "%s%s", k > i ? ", " : "", cands[k].name);
            sg_diags_add(&set->diags, SG_DIAG_WARN, SG_DIAG_NAME, (i + 1) * 2, sg_buf_str(&b),
                         "same iteration number %s; ordered by file name", cands[i].number);
            sg_buf_release(&b);
        }
        i = j;
    }
}

/* ------------------------------------------------------------------ parallel parse */

/* Files are handed out in blocks from one atomic counter, so a thread that gets less CPU
 * (a busy CI machine) takes fewer blocks, and neighbouring items are written by one
 * thread (no false sharing). Results do not depend on which thread parsed what. */
#define BLOCK 64

struct shared {
    const char *dir;
    int dir_fd;                 /* the soak dir, for openat; -1: use dir + "/" + name */
    const struct cand *cands;
    struct sg_iter *items;
    size_t n;
    const struct sg_iter_limits *limits;
    atomic_size_t next;         /* first index of the next block to hand out */
};

struct worker {
    pthread_t thread;
    struct shared *sh;
    bool started;
    struct json_tokener *tok;   /* reused for every file of this thread */
    json_object *keep;          /* the last file's tree, freed after the next (see above) */
    struct sg_buf buf;          /* read buffer, reused */
    struct sg_arena arena;
    struct sg_diags diags;
    size_t n_invalid;
};

static enum sg_rc read_one(struct worker *w, const char *name, struct sg_err *err)
{
    size_t max = (size_t)w->sh->limits->max_file_bytes;
    if (w->sh->dir_fd >= 0)
        return sg_fsx_read_at(w->sh->dir_fd, name, max, &w->buf, err);
    char *path = sg_fsx_join(w->sh->dir, name);
    enum sg_rc rc = sg_fsx_read(path, max, &w->buf, err);
    free(path);
    return rc;
}

static void load_one(struct worker *w, size_t i)
{
    struct sg_err err = SG_ERR_INIT;
    const char *name = w->sh->cands[i].name;
    size_t order = (i + 1) * 2 + 1;
    struct sg_iter *it = &w->sh->items[i];
    enum sg_rc rc = w->tok ? read_one(w, name, &err)
                           : sg_err_set(&err, SG_NOMEM, "out of memory creating JSON parser");
    if (rc == SG_OK)
        rc = parse_buf_with(w->tok, sg_buf_str(&w->buf), w->buf.len, name,
                            (int)w->sh->limits->max_depth, &w->arena, it, &w->diags, order,
                            &w->keep, true, &err);
    else {
        memset(it, 0, sizeof *it);
        it->file = sg_arena_strdup(&w->arena, name);
    }
    it->number = w->sh->cands[i].number;
    if (rc != SG_OK) {
        it->is_valid = false;
        it->problem = sg_arena_strdup(&w->arena, err.msg);
        sg_diags_add(&w->diags, SG_DIAG_WARN, SG_DIAG_EXCLUDED, order, name, "excluded: %s",
                     err.msg);
        w->n_invalid++;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    for (;;) {
        size_t first = atomic_fetch_add(&sh->next, BLOCK);
        if (first >= sh->n)
            break;
        size_t end = sh->n - first < BLOCK ? sh->n : first + BLOCK;
        for (size_t i = first; i < end; i++)
            load_one(w, i);
    }
    json_object_put(w->keep);
    w->keep = NULL;
    return NULL;
}

static unsigned thread_count(const struct sg_iter_limits *limits, size_t n_files)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned t = limits->n_threads > 0 ? (unsigned)limits->n_threads
                                        : (unsigned)(cpus > 0 ? cpus : 1);
    if (t > 8)
        t = 8;
    if (n_files < 64)
        t = 1;
    return t;
}

static void worker_init(struct worker *w, struct shared *sh)
{
    *w = (struct worker){.sh = sh};
    w->tok = sg_jsonx_tokener_new((int)sh->limits->max_depth);
    sg_buf_init(&w->buf, (size_t)sh->limits->max_file_bytes + 1);
    sg_arena_init(&w->arena);
    sg_diags_init(&w->diags);
}

static void parse_all(const char *dir, const struct cand *cands, size_t n,
                      const struct sg_iter_limits *limits, struct sg_iterset *set)
{
    struct shared sh = {.dir = dir, .dir_fd = sg_fsx_open_dir(dir), .cands = cands,
                        .items = set->items, .n = n, .limits = limits};
    atomic_init(&sh.next, 0);
    unsigned nt = thread_count(limits, n);
    struct worker *ws = sg_xcalloc(nt, sizeof *ws);
    for (unsigned t = 0; t < nt; t++)
        worker_init(&ws[t], &sh);
    /* This thread is worker 0; a thread that fails to start just takes no blocks. */
    for (unsigned t = 1; t < nt; t++)
        ws[t].started = pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]) == 0;
    worker_main(&ws[0]);
    for (unsigned t = 0; t < nt; t++) {
        if (ws[t].started)
            pthread_join(ws[t].thread, NULL);
        if (ws[t].tok)
            json_tokener_free(ws[t].tok);
        sg_buf_release(&ws[t].buf);
        sg_arena_absorb(&set->arena, &ws[t].arena);
        sg_diags_merge(&set->diags, &ws[t].diags);
        set->n_invalid += ws[t].n_invalid;
    }
    if (sh.dir_fd >= 0)
        close(sh.dir_fd);
    free(ws);
}

void sg_iterset_init(struct sg_iterset *set)
{
    set->items = NULL;
    set->n_items = 0;
    set->n_invalid = 0;
    sg_arena_init(&set->arena);
    sg_diags_init(&set->diags);
}

void sg_iterset_release(struct sg_iterset *set)
{
    free(set->items);
    sg_arena_release(&set->arena);
    sg_diags_release(&set->diags);
    sg_iterset_init(set);
}

enum sg_rc sg_iterset_load(const char *dir, const struct sg_iter_limits *limits,
                           struct sg_iterset *set, struct sg_err *err)
{
    sg_iterset_init(set);
    const char **names = NULL;
    unsigned char *kinds = NULL;
    size_t n = 0;
    /* The listing's names live only while loading: one arena instead of a malloc each. */
    struct sg_arena listing;
    sg_arena_init(&listing);
    enum sg_rc rc = sg_fsx_list(dir, looks_like_iter, &listing, &names, &kinds, &n, err);
    if (rc != SG_OK) {
        sg_arena_release(&listing);
        return rc;
    }
    /* Name order first, so diagnostics about ignored entries come out in that order. */
    struct entry *entries = sg_xcalloc(n, sizeof *entries);
    for (size_t i = 0; i < n; i++)
        entries[i] = (struct entry){names[i], kinds[i]};
    qsort(entries, n, sizeof *entries, entry_cmp);
    for (size_t i = 0; i < n; i++) {
        names[i] = entries[i].name;
        kinds[i] = entries[i].kind;
    }
    free(entries);
    struct cand *cands = sg_xcalloc(n, sizeof *cands);
    size_t n_cands = pick_candidates(names, kinds, n, set, cands);
    qsort(cands, n_cands, sizeof *cands, cand_cmp);
    warn_shared_numbers(cands, n_cands, set);
    set->items = sg_xcalloc(n_cands, sizeof *set->items);
    set->n_items = n_cands;
    parse_all(dir, cands, n_cands, limits, set);
    free(cands);
    free((void *)names);
    free(kinds);
    sg_arena_release(&listing);
    return SG_OK;
}

size_t sg_iterset_window_start(const struct sg_iterset *set, size_t window)
{
    return set->n_items > window ? set->n_items - window : 0;
}
