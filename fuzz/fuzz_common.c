/* SPDX-License-Identifier: MIT */
/* Shared harness helpers: input copies and output invariants (see fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "output.h"

char *fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fz_check(int cond, const char *what)
{
    if (cond)
        return;
    fprintf(stderr, "fuzz invariant broken: %s\n", what);
    abort();
}

/* True when an 'N' or 'I' (NaN, Infinity) appears outside string literals. */
static int has_bare_non_finite(const char *s, size_t len)
{
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_str = 0;
        } else if (s[i] == '"') {
            in_str = 1;
        } else if (s[i] == 'N' || s[i] == 'I') {
            return 1;
        }
    }
    return 0;
}

static void check_json_text(const struct sg_buf *b)
{
    fz_check(b->len > 0 && b->data[b->len - 1] == '\n', "output ends in a newline");
    for (size_t i = 0; i < b->len; i++)
        fz_check((unsigned char)b->data[i] < 0x80, "output is ASCII only");
    fz_check(!has_bare_non_finite(b->data, b->len), "no NaN/Infinity tokens in output");
    struct json_tokener *tok = json_tokener_new();
    fz_check(tok != NULL, "tokener");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(tok, b->data, (int)b->len);
    fz_check(json_tokener_get_error(tok) == json_tokener_success, "output is valid JSON");
    fz_check(json_object_is_type(o, json_type_object), "output is an object");
    json_object_put(o);
    json_tokener_free(tok);
}

void fz_check_snapshot(const struct sg_snapshot *snap)
{
    for (int pretty = 0; pretty <= 1; pretty++) {
        struct sg_buf b;
        struct sg_err err = SG_ERR_INIT;
        sg_buf_init(&b, 0);
        fz_check(sg_out_json_render(snap, pretty != 0, &b, &err) == SG_OK, "render succeeds");
        check_json_text(&b);
        sg_buf_release(&b);
    }
}
