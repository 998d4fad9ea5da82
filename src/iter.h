/* SPDX-License-Identifier: MIT */
#ifndef SG_ITER_H
#define SG_ITER_H
/*
 * Reading a soak run: the directory of ITER_SUMMARY_<n>.json files becomes a struct
 * sg_iterset, one compact record per iteration file in numeric order (decisions D-3, D-4),
 * every file parsed, validated (D-5, D-6, D-17) and reduced to plain C values. json-c stays
 * inside iter.c; no tree outlives the parse of its file.
 *
 * Data flow: dir -> sg_iterset_load -> struct sg_iterset -> analysis (window, statistics).
 * Never prints, never exits; problems become diagnostics in set->diags.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "err.h"

/* The four KPIs, in the order the original checks them (and its message order). */
enum sg_kpi {
    SG_KPI_RISK = 0,  /* summary.risk_ratio, lower is better */
    SG_KPI_MAKER,     /* summary.maker_taker_ratio (maker share), higher is better */
    SG_KPI_NET,       /* summary.net_bps, higher is better */
    SG_KPI_P95,       /* summary.p95_latency_ms, lower is better */
    SG_KPI_COUNT
};

/* JSON key of each KPI ("risk_ratio", ...). */
extern const char *const sg_kpi_names[SG_KPI_COUNT];

/* Guard and freeze flags (D-2). */
enum sg_guard {
    SG_GUARD_OSCILLATION = 0, /* tuning.oscillation_detected | skip_reason.oscillation */
    SG_GUARD_VELOCITY,        /* tuning.velocity_violation | skip_reason.velocity */
    SG_GUARD_COOLDOWN,        /* tuning.cooldown_active | skip_reason.cooldown */
    SG_GUARD_FREEZE,          /* tuning.freeze_triggered | skip_reason.freeze */
    SG_GUARD_COUNT
};

/* One iteration file. Strings live in the owning set's arena. */
struct sg_iter {
    const char *file;          /* file name, e.g. "ITER_SUMMARY_7.json" */
    const char *number;        /* decimal digits without leading zeros ("0" for zeros) */
    double kpi[SG_KPI_COUNT];  /* meaningful only where kpi_mask has the bit */
    uint8_t kpi_mask;          /* bit k: KPI k present and finite */
    uint8_t guard_mask;        /* bit g: flag g truthy */
    bool is_valid;             /* false: excluded from every computation */
    bool is_flat;              /* no "summary" key: the file itself is the summary */
    const char *signature;     /* signature, else state_hash, else "na"; never NULL if valid */
    const char *runtime_utc;   /* NULL when absent, null or "" */
    const char *freeze_reason; /* tuning.freeze_reason when a non-empty string, else NULL */
    const char *problem;       /* why the file was excluded; NULL when valid */
};

static inline bool sg_iter_has(const struct sg_iter *it, enum sg_kpi k)
{
    return (it->kpi_mask >> k) & 1u;
}

static inline bool sg_iter_flag(const struct sg_iter *it, enum sg_guard g)
{
    return (it->guard_mask >> g) & 1u;
}

struct sg_iter_limits {
    int64_t max_file_bytes; /* per file; default 16 MiB (D-5) */
    int64_t max_depth;      /* JSON nesting; default 64 (D-5) */
    int64_t n_threads;      /* parser threads; 0 = one per online CPU, at most 8 */
};

#define SG_ITER_LIMITS_DEFAULT {(size_t)16 << 20, 64, 0}

/* Owned by whoever called sg_iterset_load; release with sg_iterset_release. */
struct sg_iterset {
    struct sg_iter *items;  /* every iteration file, in D-3/D-4 order */
    size_t n_items;
    size_t n_invalid;       /* items with is_valid false */
    struct sg_arena arena;  /* strings of items */
    struct sg_diags diags;  /* directory and per-file problems, in file order */
};

void sg_iterset_init(struct sg_iterset *set);
void sg_iterset_release(struct sg_iterset *set);

/*
 * Lists dir literally (never as a pattern), keeps regular files named
 * ITER_SUMMARY_<ASCII digits>.json, orders them by number then name, and parses every
 * one. Ignored names, non-regular entries, shared numbers and invalid files become
 * diagnostics; invalid files stay in items with is_valid false (they keep their window
 * slot, D-5). Fills *set (release it even on failure). SG_IO when dir cannot be listed.
 */
enum sg_rc sg_iterset_load(const char *dir, const struct sg_iter_limits *limits,
                           struct sg_iterset *set, struct sg_err *err);

/*
 * Parses and validates one iteration file's bytes (buf[len] must be NUL). On success
 * fills *out with strings in arena and adds value warnings ("null, treated as missing",
 * "NaN is not a valid value") to diags with the given order. On an invalid file returns
 * SG_PARSE, SG_SCHEMA or SG_LIMIT with the JSON path in err ("summary.net_bps: expected a
 * number, found a string") and leaves out->is_valid false. file names the file in
 * diagnostics and is copied into the arena. The allocation-free scanner (iterscan.h) takes
 * clean files; anything else goes through json-c, which owns every message and warning.
 */
enum sg_rc sg_iter_parse_buf(const char *buf, size_t len, const char *file, int max_depth,
                             struct sg_arena *arena, struct sg_iter *out,
                             struct sg_diags *diags, size_t order, struct sg_err *err);

/*
 * sg_iter_parse_buf without the fast path (iterscan.h): json-c only. For the differential
 * test and fuzzer that prove the two paths give the same record.
 */
enum sg_rc sg_iter_parse_buf_json(const char *buf, size_t len, const char *file, int max_depth,
                                  struct sg_arena *arena, struct sg_iter *out,
                                  struct sg_diags *diags, size_t order, struct sg_err *err);

/* Index of the first item of the last-`window` window (0 when there are fewer items). */
size_t sg_iterset_window_start(const struct sg_iterset *set, size_t window);

/* Compares two iteration numbers (digit strings without leading zeros) numerically. */
int sg_iter_number_cmp(const char *a, const char *b);

#endif
