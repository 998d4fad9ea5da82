/* SPDX-License-Identifier: MIT */
#ifndef SG_JSONX_H
#define SG_JSONX_H
/*
 * The json-c border for readers. Only the loaders (iter.c, sidecar.c, baseline.c,
 * config.c) include this header; json-c types never reach any other header.
 *
 * sg_jsonx_parse() turns bytes into a json-c tree with the rules of decisions D-5/D-6:
 * a depth limit, strict grammar (a pre-scan rejects what json-c's strict mode still lets
 * through: single-quoted strings, "1." numbers, raw control characters in strings),
 * UTF-8 validation, a byte-order mark refused, trailing data refused, and NaN/Infinity
 * accepted as tokens (callers treat them as invalid values). Errors carry line:column.
 */
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "err.h"

/*
 * Parses buf[0..len) (buf must have a NUL at buf[len]). Fills *out with a new tree (put
 * it with json_object_put) on success; SG_PARSE or SG_LIMIT (depth) otherwise, with a
 * message such as "invalid JSON at line 3, column 14: unexpected character".
 */
enum sg_rc sg_jsonx_parse(const char *buf, size_t len, int max_depth, json_object **out,
                          struct sg_err *err);

/*
 * For callers that parse many documents (the iteration loader's threads): a tokener with
 * the flags sg_jsonx_parse uses (free it with json_tokener_free), and sg_jsonx_parse on
 * that tokener, reset before each use. max_depth must be the tokener's depth.
 */
struct json_tokener *sg_jsonx_tokener_new(int max_depth);
enum sg_rc sg_jsonx_parse_with(struct json_tokener *tok, const char *buf, size_t len,
                               int max_depth, json_object **out, struct sg_err *err);

/* "a string", "a number", "an object", ... for messages. */
const char *sg_jsonx_type_name(const json_object *o);

/* Python truthiness: null/false/0/""/[]/{} are false; NaN is true. */
bool sg_jsonx_truthy(const json_object *o);

/* True for json_type_int and json_type_double. */
bool sg_jsonx_is_number(const json_object *o);

#endif
