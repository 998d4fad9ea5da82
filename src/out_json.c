/* SPDX-License-Identifier: MIT */
/*
 * Snapshot -> JSON text (D-20). Written by hand rather than through json-c: byte
 * compatibility with Python's json.dumps(sort_keys=True) needs control over key order,
 * separators, indentation, ASCII escaping and repr-style doubles that json-c's
 * serializer does not offer without global state.
 */
#include "output.h"

#include <inttypes.h>
#include <string.h>

#include "num.h"

/* ------------------------------------------------------------------ scalars */

/* Decodes one UTF-8 sequence at s (already validated by the JSON reader); returns its
 * length and the code point. Invalid bytes decode as U+FFFD, one byte each. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t v = n == 2 ? s[0] & 0x1Fu : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            n = 0;
            break;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

void sg_out_json_string(struct sg_buf *out, const char *s)
{
    sg_buf_addc(out, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        p += n;
        switch (cp) {
        case '"':
            sg_buf_adds(out, "\\\"");
            continue;
        case '\\':
            sg_buf_adds(out, "\\\\");
            continue;
        case '\n':
            sg_buf_adds(out, "\\n");
            continue;
        case '\r':
            sg_buf_adds(out, "\\r");
            continue;
        case '\t':
            sg_buf_adds(out, "\\t");
            continue;
        case '\b':
            sg_buf_adds(out, "\\b");
            continue;
        case '\f':
            sg_buf_adds(out, "\\f");
            continue;
        default:
            break;
        }
        if (cp >= 0x20 && cp <= 0x7E) {
            sg_buf_addc(out, (char)cp);
        } else if (cp > 0xFFFF) {
            cp -= 0x10000;
            sg_buf_addf(out, "\\u%04x\\u%04x", 0xD800u + (cp >> 10), 0xDC00u + (cp & 0x3FFu));
        } else {
            sg_buf_addf(out, "\\u%04x", cp);
        }
    }
    sg_buf_addc(out, '"');
}

void sg_out_json_number(struct sg_buf *out, const struct sg_jnum *n)
{
    if (n->is_int) {
        sg_buf_addf(out, "%" PRId64, n->i);
        return;
    }
    char tmp[SG_NUM_BUFSZ];
    size_t len = sg_num_format(tmp, n->d);
    if (tmp[len - 1] == 'n' || tmp[len - 1] == 'f') /* nan, inf: not JSON (D-6) */
        sg_buf_adds(out, "null");
    else
        sg_buf_add(out, tmp, len);
}

/* ------------------------------------------------------------------ structure */

/* Python's separators: "," and ":" compact; ",\n<indent>" and ": " with indent=2. */
struct jw {
    struct sg_buf *out;
    bool pretty;
    int depth;
    bool first;
};

static void jw_begin(struct jw *w)
{
    sg_buf_addc(w->out, '{');
    w->depth++;
    w->first = true;
}

static void jw_key(struct jw *w, const char *key)
{
    if (!w->first)
        sg_buf_addc(w->out, ',');
    if (w->pretty) {
        sg_buf_addc(w->out, '\n');
        sg_buf_addn(w->out, ' ', (size_t)w->depth * 2);
    }
    w->first = false;
    sg_out_json_string(w->out, key);
    sg_buf_adds(w->out, w->pretty ? ": " : ":");
}

static void jw_end(struct jw *w)
{
    w->depth--;
    if (w->pretty && !w->first) {
        sg_buf_addc(w->out, '\n');
        sg_buf_addn(w->out, ' ', (size_t)w->depth * 2);
    }
    sg_buf_addc(w->out, '}');
    w->first = false;
}

static void jw_int(struct jw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    sg_buf_addf(w->out, "%" PRId64, v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    sg_buf_adds(w->out, v ? "true" : "false");
}

static void jw_str_or_null(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    if (s)
        sg_out_json_string(w->out, s);
    else
        sg_buf_adds(w->out, "null");
}

/* Keys of guards_last8 and kpi_last8 in code-point order, as enum indices. */
static const enum sg_guard guard_order[SG_GUARD_COUNT] = {SG_GUARD_COOLDOWN, SG_GUARD_FREEZE,
                                                          SG_GUARD_OSCILLATION, SG_GUARD_VELOCITY};
static const enum sg_kpi kpi_order[SG_KPI_COUNT] = {SG_KPI_MAKER, SG_KPI_NET, SG_KPI_P95,
                                                    SG_KPI_RISK};

static void jw_guards(struct jw *w, const struct sg_snapshot *s)
{
    jw_key(w, "guards_last8");
    jw_begin(w);
    for (int i = 0; i < SG_GUARD_COUNT; i++)
        jw_int(w, sg_guard_keys[guard_order[i]], s->guards[guard_order[i]]);
    jw_end(w);
}

static void jw_kpis(struct jw *w, const struct sg_snapshot *s)
{
    jw_key(w, "kpi_last8");
    jw_begin(w);
    for (int i = 0; i < SG_KPI_COUNT; i++) {
        enum sg_kpi k = kpi_order[i];
        jw_key(w, sg_kpi_names[k]);
        jw_begin(w);
        jw_key(w, "mean");
        sg_out_json_number(w->out, &s->mean[k]);
        jw_key(w, "median");
        sg_out_json_number(w->out, &s->median[k]);
        jw_end(w);
    }
    jw_end(w);
}

enum sg_rc sg_out_json_render(const struct sg_snapshot *s, bool pretty, struct sg_buf *out,
                              struct sg_err *err)
{
    struct jw w = {out, pretty, 0, true};
    jw_begin(&w);
    if (s->has_schema) {
        jw_int(&w, "anomalies_count", s->anomalies_count);
        jw_bool(&w, "freeze_ready", s->freeze_ready);
    }
    jw_bool(&w, "freeze_seen", s->freeze_seen);
    jw_guards(&w, s);
    if (s->has_schema) {
        jw_key(&w, "kpi_gate_parity");
        sg_buf_adds(out, s->kpi_gate_parity < 0 ? "null" : s->kpi_gate_parity ? "true" : "false");
    }
    jw_kpis(&w, s);
    jw_int(&w, "pass_count_last8", s->pass_count);
    if (s->has_schema) {
        jw_key(&w, "schema_version");
        sg_out_json_string(out, "1.1");
        jw_int(&w, "signature_loops", s->signature_loops);
        jw_key(&w, "time_range");
        jw_begin(&w);
        jw_str_or_null(&w, "from", s->time_from);
        jw_str_or_null(&w, "to", s->time_to);
        jw_end(&w);
    }
    jw_key(&w, "verdict");
    sg_out_json_string(out, sg_verdict_name(s->verdict));
    jw_end(&w);
    sg_buf_addc(out, '\n');
    return sg_buf_rc(out, err);
}
