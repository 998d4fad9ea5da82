/* SPDX-License-Identifier: MIT */
/* json-c border for readers: strict parse with limits and positions, type helpers. */
#include "jsonx.h"

#include <math.h>
#include <string.h>

#include "utf8.h"

/* 1-based line and column of byte offset off. */
static void line_col(const char *buf, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static enum sg_rc fail_at(const char *buf, size_t off, const char *what, struct sg_err *err)
{
    size_t line, col;
    line_col(buf, off, &line, &col);
    return sg_err_set(err, SG_PARSE, "invalid JSON at line %zu, column %zu: %s", line, col, what);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of a JSON number at p (RFC 8259 grammar), or 0 when p is not one. */
static size_t number_len(const char *p, const char *end)
{
    const char *s = p;
    if (s < end && *s == '-')
        s++;
    if (s >= end || !is_digit(*s))
        return 0;
    if (*s == '0')
        s++;
    else
        while (s < end && is_digit(*s))
            s++;
    if (s < end && *s == '.') {
        s++;
        if (s >= end || !is_digit(*s))
            return 0;
        while (s < end && is_digit(*s))
            s++;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < end && (*s == '+' || *s == '-'))
            s++;
        if (s >= end || !is_digit(*s))
            return 0;
        while (s < end && is_digit(*s))
            s++;
    }
    return (size_t)(s - p);
}

/* Skips the string literal whose opening quote is at p; returns the offending offset in
 * *bad (or leaves it) and the position after the closing quote. */
static const char *skip_string(const char *p, const char *end, const char **bad,
                               const char **what)
{
    for (p++; p < end && *p != '"'; p++) {
        unsigned char u = (unsigned char)*p;
        if (u < 0x20) {
            *what = "control character in string";
            *bad = p;
            return end;
        }
        if (u >= 0x80) {
            size_t n = sg_utf8_seq_len((const unsigned char *)p, (const unsigned char *)end);
            if (n == 0) {
                *what = "invalid UTF-8";
                *bad = p;
                return end;
            }
            p += n - 1;
        } else if (u == '\\') {
            p++;
        }
    }
    return p + 1;
}

/*
 * One pass over the text for what json-c's strict mode accepts but JSON (and the
 * original's Python reader) does not. Strings are skipped with their escapes; numbers
 * must match the RFC grammar in full. Returns the offending offset or len when clean.
 */
static size_t prescan(const char *buf, size_t len, const char **what)
{
    const char *end = buf + len;
    for (const char *p = buf; p < end;) {
        char c = *p;
        if (c == '"') {
            const char *bad = NULL;
            p = skip_string(p, end, &bad, what);
            if (bad != NULL)
                return (size_t)(bad - buf);
        } else if (c == '\'') {
            *what = "single-quoted string";
            return (size_t)(p - buf);
        } else if (c == '-' || is_digit(c)) {
            if (c == '-' && p + 1 < end && p[1] == 'I') { /* -Infinity */
                p++;
                continue;
            }
            size_t n = number_len(p, end);
            if (n == 0) {
                *what = "malformed number";
                return (size_t)(p - buf);
            }
            p += n;
            if (p < end && (*p == '.' || *p == 'e' || *p == 'E' || is_digit(*p))) {
                *what = "malformed number";
                return (size_t)(p - buf);
            }
        } else if (c == '/' || c == '#') {
            *what = "comments are not JSON";
            return (size_t)(p - buf);
        } else {
            p++;
        }
    }
    return len;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when the text is the literal null with optional JSON whitespace around it. */
static bool is_lone_null(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && is_ws(buf[i]))
        i++;
    if (len - i < 4 || memcmp(buf + i, "null", 4) != 0)
        return false;
    for (i += 4; i < len && is_ws(buf[i]); i++)
        ;
    return i == len;
}

struct json_tokener *sg_jsonx_tokener_new(int max_depth)
{
    struct json_tokener *tok = json_tokener_new_ex(max_depth);
    if (tok != NULL)
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    return tok;
}

enum sg_rc sg_jsonx_parse(const char *buf, size_t len, int max_depth, json_object **out,
                          struct sg_err *err)
{
    *out = NULL;
    struct json_tokener *tok = sg_jsonx_tokener_new(max_depth);
    if (tok == NULL)
        return sg_err_set(err, SG_NOMEM, "out of memory creating JSON parser");
    enum sg_rc rc = sg_jsonx_parse_with(tok, buf, len, max_depth, out, err);
    json_tokener_free(tok);
    return rc;
}

enum sg_rc sg_jsonx_parse_with(struct json_tokener *tok, const char *buf, size_t len,
                               int max_depth, json_object **out, struct sg_err *err)
{
    *out = NULL;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        return sg_err_set(err, SG_PARSE, "invalid JSON: starts with a byte-order mark");
    if (len > 0x7ffffffe)
        return sg_err_set(err, SG_LIMIT, "JSON text too large");
    json_tokener_reset(tok);
    /* len + 1 hands json-c the NUL, so a complete value at the very end is finished. */
    json_object *o = json_tokener_parse_ex(tok, buf, (int)len + 1);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    enum sg_rc rc = SG_OK;
    if (je == json_tokener_error_depth) {
        rc = sg_err_set(err, SG_LIMIT, "JSON nested deeper than %d levels (--max-depth)",
                        max_depth);
    } else if (je == json_tokener_success && o == NULL && is_lone_null(buf, len)) {
        /* A lone JSON null: json-c returns no object for it. Callers see *out == NULL
         * with SG_OK and treat it as the value null (all json-c getters accept NULL). */
    } else if (o == NULL || je != json_tokener_success) {
        const char *what = len == 0 ? "empty file" : json_tokener_error_desc(je);
        if (je == json_tokener_success || je == json_tokener_continue)
            what = "unexpected end of data";
        rc = fail_at(buf, end > len ? len : end, what, err);
    } else if (end < len + 1 && end != len) {
        rc = fail_at(buf, end, "trailing data after the JSON value", err);
    }
    if (rc == SG_OK) {
        const char *what = NULL;
        size_t bad = prescan(buf, len, &what);
        if (bad < len)
            rc = fail_at(buf, bad, what, err);
    }
    if (rc != SG_OK) {
        json_object_put(o);
        return rc;
    }
    *out = o;
    return SG_OK;
}

const char *sg_jsonx_type_name(const json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
    case json_type_int:
        return "a number";
    case json_type_object:
        return "an object";
    case json_type_array:
        return "an array";
    case json_type_string:
        return "a string";
    }
    return "an unknown value";
}

bool sg_jsonx_is_number(const json_object *o)
{
    json_type t = json_object_get_type(o);
    return t == json_type_int || t == json_type_double;
}

bool sg_jsonx_truthy(const json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null:
        return false;
    case json_type_boolean:
        return json_object_get_boolean(o);
    case json_type_double: {
        double d = json_object_get_double(o);
        return d != 0.0 || isnan(d);
    }
    case json_type_int:
        return json_object_get_int64(o) != 0 || json_object_get_uint64(o) != 0;
    case json_type_object:
        return json_object_object_length(o) > 0;
    case json_type_array:
        return json_object_array_length(o) > 0;
    case json_type_string:
        return json_object_get_string_len(o) > 0;
    }
    return false;
}
