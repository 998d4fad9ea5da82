/* SPDX-License-Identifier: MIT */
#ifndef SG_ITERSCAN_H
#define SG_ITERSCAN_H
/*
 * The fast path for one iteration file: a single pass over the bytes, with no allocation
 * but the record's strings and no json-c, that fills a struct sg_iter exactly as the
 * json-c path in iter.c would, or declines ("fallback"). It only takes the clean common
 * case: a valid document whose used fields need no warning and no error message. Anything
 * else (a grammar problem, NaN or Infinity, a null or mistyped KPI, an escape in a used
 * string, any \u escape, a long integer, a duplicate used key, deep nesting) is declined,
 * and iter.c then runs the json-c path, which owns every message and warning.
 *
 * Data flow: iter.c load_one -> sg_iterscan_parse -> (declined) json-c path.
 * Never prints, never allocates outside the arena, never keeps a pointer it was lent.
 */
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "iter.h"

/*
 * Scans buf[0..len) (buf[len] must be NUL) with the nesting limit max_depth (the json-c
 * tokener's depth). Returns true when the file is valid and clean: then kpi, kpi_mask,
 * guard_mask, is_flat, signature, runtime_utc and freeze_reason of *out are set (strings
 * copied into arena) and is_valid is true; file, number and problem are left alone.
 * Returns false to decline: *out and arena are untouched.
 */
bool sg_iterscan_parse(const char *buf, size_t len, int max_depth, struct sg_arena *arena,
                       struct sg_iter *out);

#endif
