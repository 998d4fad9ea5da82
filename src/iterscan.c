/* SPDX-License-Identifier: MIT */
/*
 * The fast path for one iteration file (see iterscan.h). One pass validates the whole
 * document and, on the way, remembers where the few values the record uses are (a slot
 * per key the json-c path would look up). A second, tiny step turns those slots into the
 * record with the same rules as iter.c's read_kpis, read_runtime, read_tuning and
 * validate_shape. Every doubt declines: the json-c path is always right, this one only
 * has to be right when it answers.
 */
#include "iterscan.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Containers nested deeper than this are declined; the stack below has this many levels.
 * Real iteration files nest three or four levels. */
#define SCAN_MAX_NEST 64

/* json-c reads integers through int64; up to 15 digits that equals strtod (exact), and
 * longer ones may be out of range, which json-c's strict mode rejects. */
#define SCAN_MAX_INT_DIGITS 15

enum vtype { V_ABSENT = 0, V_NULL, V_FALSE, V_TRUE, V_INT, V_DBL, V_STR, V_OBJ, V_ARR };

/* Where a value sits: its type and token text (a string's bytes between the quotes). */
struct val {
    const char *s;
    size_t n;
    unsigned char type;  /* enum vtype */
    bool is_full;        /* containers: at least one member */
    bool has_escape;     /* strings: a backslash inside */
};

/* Which object a container is, for the keys read from it. */
enum role { ROLE_OTHER = 0, ROLE_ROOT, ROLE_SUMMARY, ROLE_TUNING, ROLE_SKIP };

/* One slot per (object, key) the record reads. KPI slots come first in each group, in
 * enum sg_kpi order; guard slots in enum sg_guard order. */
enum slot {
    S_ROOT_KPI = 0,
    S_ROOT_RUNTIME = S_ROOT_KPI + SG_KPI_COUNT,
    S_ROOT_SUMMARY,
    S_ROOT_TUNING,
    S_SUM_KPI,
    S_SUM_RUNTIME = S_SUM_KPI + SG_KPI_COUNT,
    S_TUN_GUARD,
    S_TUN_SIG = S_TUN_GUARD + SG_GUARD_COUNT,
    S_TUN_HASH,
    S_TUN_FREEZE,
    S_TUN_SKIP,
    S_SKIP_GUARD,
    S_COUNT = S_SKIP_GUARD + SG_GUARD_COUNT
};

struct key {
    const char *name;
    size_t len;
    unsigned char slot;
};

#define K(s, slot) {s, sizeof s - 1, slot}
#define KPI_KEYS(base)                                                                     \
    K("risk_ratio", (base) + SG_KPI_RISK), K("maker_taker_ratio", (base) + SG_KPI_MAKER),  \
        K("net_bps", (base) + SG_KPI_NET), K("p95_latency_ms", (base) + SG_KPI_P95)

/* Each table ends with a NULL name. The names match iter.c's sg_kpi_names, guard_keys
 * and skip_keys; test_iterscan.c proves the two paths agree. */
static const struct key root_keys[] = {KPI_KEYS(S_ROOT_KPI), K("runtime_utc", S_ROOT_RUNTIME),
                                       K("summary", S_ROOT_SUMMARY), K("tuning", S_ROOT_TUNING),
                                       {NULL, 0, 0}};
static const struct key summary_keys[] = {KPI_KEYS(S_SUM_KPI), K("runtime_utc", S_SUM_RUNTIME),
                                          {NULL, 0, 0}};
static const struct key tuning_keys[] = {
    K("oscillation_detected", S_TUN_GUARD + SG_GUARD_OSCILLATION),
    K("velocity_violation", S_TUN_GUARD + SG_GUARD_VELOCITY),
    K("cooldown_active", S_TUN_GUARD + SG_GUARD_COOLDOWN),
    K("freeze_triggered", S_TUN_GUARD + SG_GUARD_FREEZE),
    K("signature", S_TUN_SIG),
    K("state_hash", S_TUN_HASH),
    K("freeze_reason", S_TUN_FREEZE),
    K("skip_reason", S_TUN_SKIP),
    {NULL, 0, 0}};
static const struct key skip_keys[] = {K("oscillation", S_SKIP_GUARD + SG_GUARD_OSCILLATION),
                                       K("velocity", S_SKIP_GUARD + SG_GUARD_VELOCITY),
                                       K("cooldown", S_SKIP_GUARD + SG_GUARD_COOLDOWN),
                                       K("freeze", S_SKIP_GUARD + SG_GUARD_FREEZE),
                                       {NULL, 0, 0}};

struct scan {
    const char *p;                       /* next byte; *end is the caller's NUL */
    const char *end;
    int max_nest;                        /* containers allowed one inside another */
    int nest;                            /* open containers */
    unsigned char kind[SCAN_MAX_NEST];   /* per open container: enum role, or 0xFF: array */
    struct val slot[S_COUNT];
};

#define KIND_ARRAY 0xFF

/* ------------------------------------------------------------------ tokens */

static void skip_ws(struct scan *sc)
{
    while (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t')
        sc->p++;
}

/* A string whose opening quote is at sc->p. Declines \u escapes (a NUL or a key spelled
 * with escapes would need decoding), unknown escapes and raw control characters. */
static bool scan_string(struct scan *sc, struct val *v)
{
    const unsigned char *p = (const unsigned char *)sc->p + 1;
    const unsigned char *end = (const unsigned char *)sc->end;
    *v = (struct val){.s = (const char *)p, .type = V_STR};
    for (;;) {
        unsigned char c = *p;
        if (c == '"')
            break;
        if (c < 0x20) /* also the NUL at end */
            return false;
        if (c == '\\') {
            c = p[1];
            if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' && c != 'n' &&
                c != 'r' && c != 't')
                return false;
            v->has_escape = true;
            p += 2;
        } else if (c >= 0x80) {
            size_t n = sg_utf8_seq_len(p, end);
            if (n == 0)
                return false;
            p += n;
        } else {
            p++;
        }
    }
    v->n = (size_t)((const char *)p - v->s);
    sc->p = (const char *)p + 1;
    return true;
}

static const char *skip_digits(const char *p)
{
    while (*p >= '0' && *p <= '9')
        p++;
    return p;
}

/* A number at sc->p in the RFC 8259 grammar (jsonx.c's number_len). */
static bool scan_number(struct scan *sc, struct val *v)
{
    const char *p = sc->p;
    *v = (struct val){.s = p, .type = V_INT};
    if (*p == '-')
        p++;
    const char *digits = p;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        p = skip_digits(p);
    else
        return false;
    size_t n_int = (size_t)(p - digits);
    if (*p == '.') {
        if (p[1] < '0' || p[1] > '9')
            return false;
        p = skip_digits(p + 1);
        v->type = V_DBL;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return false;
        p = skip_digits(p);
        v->type = V_DBL;
    }
    if (v->type == V_INT && n_int > SCAN_MAX_INT_DIGITS)
        return false;
    v->n = (size_t)(p - v->s);
    sc->p = p;
    return true;
}

static bool scan_word(struct scan *sc, const char *word, size_t n, unsigned char type,
                      struct val *v)
{
    if (strncmp(sc->p, word, n) != 0) /* strncmp, not memcmp: it stops at the NUL */
        return false;
    *v = (struct val){.s = sc->p, .n = n, .type = type};
    sc->p += n;
    return true;
}

/* ------------------------------------------------------------------ structure */

static const struct key *keys_of(unsigned char kind)
{
    switch (kind) {
    case ROLE_ROOT:
        return root_keys;
    case ROLE_SUMMARY:
        return summary_keys;
    case ROLE_TUNING:
        return tuning_keys;
    case ROLE_SKIP:
        return skip_keys;
    default:
        return NULL;
    }
}

/* The slot a key fills in an object of the given kind, or -1. A key with an escape never
 * matches: none of the names holds a character that needs one, and \u is declined. */
static int slot_of(unsigned char kind, const struct val *key)
{
    const struct key *k = keys_of(kind);
    if (k == NULL || key->has_escape)
        return -1;
    for (; k->name != NULL; k++)
        if (k->len == key->n && memcmp(k->name, key->s, key->n) == 0)
            return k->slot;
    return -1;
}

/* The kind an object value takes from the slot it fills. */
static unsigned char child_role(int slot)
{
    switch (slot) {
    case S_ROOT_SUMMARY:
        return ROLE_SUMMARY;
    case S_ROOT_TUNING:
        return ROLE_TUNING;
    case S_TUN_SKIP:
        return ROLE_SKIP;
    default:
        return ROLE_OTHER;
    }
}

/* Opens the container at sc->p ('{' or '['). Returns whether it has a member; the
 * lookahead is safe because a member can only start with a non-blank byte. */
static bool open_container(struct scan *sc, unsigned char kind, struct val *v, bool *ok)
{
    char close = *sc->p == '{' ? '}' : ']';
    *v = (struct val){.s = sc->p, .type = close == '}' ? V_OBJ : V_ARR};
    if (sc->nest >= sc->max_nest) {
        *ok = false;
        return false;
    }
    sc->kind[sc->nest++] = close == '}' ? kind : KIND_ARRAY;
    sc->p++;
    skip_ws(sc);
    v->is_full = *sc->p != close;
    *ok = true;
    return v->is_full;
}

/*
 * One value at sc->p, stored in slot (when >= 0). Sets *want_member when the value opened
 * a container with members (the caller continues inside it).
 */
static bool scan_value(struct scan *sc, int slot, bool *want_member)
{
    struct val v;
    bool ok = true;
    *want_member = false;
    switch (*sc->p) {
    case '"':
        ok = scan_string(sc, &v);
        break;
    case '{':
    case '[':
        *want_member = open_container(sc, child_role(slot), &v, &ok);
        break;
    case 't':
        ok = scan_word(sc, "true", 4, V_TRUE, &v);
        break;
    case 'f':
        ok = scan_word(sc, "false", 5, V_FALSE, &v);
        break;
    case 'n':
        ok = scan_word(sc, "null", 4, V_NULL, &v);
        break;
    default:
        ok = scan_number(sc, &v);
        break;
    }
    if (!ok)
        return false;
    if (slot >= 0) {
        if (sc->slot[slot].type != V_ABSENT) /* duplicate key: json-c keeps the last */
            return false;
        sc->slot[slot] = v;
    }
    return true;
}

/* A member of the innermost container (after its opening bracket or a comma). */
static bool scan_member(struct scan *sc, bool *want_member)
{
    unsigned char kind = sc->kind[sc->nest - 1];
    int slot = -1;
    skip_ws(sc);
    if (kind != KIND_ARRAY) {
        struct val key;
        if (*sc->p != '"' || !scan_string(sc, &key))
            return false;
        skip_ws(sc);
        if (*sc->p != ':')
            return false;
        sc->p++;
        skip_ws(sc);
        slot = slot_of(kind, &key);
    }
    return scan_value(sc, slot, want_member);
}

/* After a member: a comma (another member follows) or the innermost container's end. */
static bool scan_after(struct scan *sc, bool *want_member)
{
    skip_ws(sc);
    char close = sc->kind[sc->nest - 1] == KIND_ARRAY ? ']' : '}';
    if (*sc->p == ',') {
        sc->p++;
        *want_member = true;
        return true;
    }
    if (*sc->p != close)
        return false;
    sc->p++;
    sc->nest--;
    *want_member = false;
    return true;
}

/* The whole document: a non-empty object, then only blanks. */
static bool scan_document(struct scan *sc)
{
    struct val root;
    bool ok;
    skip_ws(sc);
    if (*sc->p != '{' || !open_container(sc, ROLE_ROOT, &root, &ok))
        return false; /* not an object, or {}: json-c's messages */
    bool want_member = true;
    while (sc->nest > 0) {
        ok = want_member ? scan_member(sc, &want_member) : scan_after(sc, &want_member);
        if (!ok)
            return false;
    }
    skip_ws(sc);
    return sc->p == sc->end;
}

/* ------------------------------------------------------------------ the record */

/* json-c's value of a number token: strtod for doubles, int64 for integers (which turns
 * "-0" into +0). False when it is not finite (json-c's path warns about it). */
static bool number_value(const struct val *v, double *d)
{
    char *end;
    *d = strtod(v->s, &end);
    if (end != v->s + v->n)
        return false;
    if (v->type == V_INT && *d == 0)
        *d = 0.0;
    return isfinite(*d);
}

/* sg_jsonx_truthy on the slot (absent counts as false). */
static bool truthy(const struct val *v)
{
    double d;
    switch (v->type) {
    case V_TRUE:
        return true;
    case V_INT:
        for (size_t i = 0; i < v->n; i++)
            if (v->s[i] >= '1' && v->s[i] <= '9')
                return true;
        return false;
    case V_DBL:
        d = strtod(v->s, NULL);
        return d != 0.0 || isnan(d);
    case V_STR:
        return v->n > 0; /* escapes never shorten a string to nothing */
    case V_OBJ:
    case V_ARR:
        return v->is_full;
    default:
        return false;
    }
}

/* KPIs of the summary object (slots from base). Declines null, non-numbers and
 * non-finite values: those are the json-c path's warnings and errors. */
static bool read_kpis(const struct scan *sc, int base, struct sg_iter *out)
{
    for (int k = 0; k < SG_KPI_COUNT; k++) {
        const struct val *v = &sc->slot[base + k];
        if (v->type == V_ABSENT)
            continue;
        if (v->type != V_INT && v->type != V_DBL)
            return false;
        if (!number_value(v, &out->kpi[k]))
            return false;
        out->kpi_mask = (uint8_t)(out->kpi_mask | (1u << k));
    }
    return true;
}

/* The signature slot (signature, else state_hash), or NULL for "na"; *ok false declines
 * a signature that is not a plain string. */
static const struct val *pick_signature(const struct scan *sc, bool *ok)
{
    const struct val *v = &sc->slot[S_TUN_SIG];
    if (!truthy(v))
        v = &sc->slot[S_TUN_HASH];
    if (!truthy(v))
        return NULL;
    *ok = v->type == V_STR && !v->has_escape;
    return v;
}

static void read_guards(const struct scan *sc, struct sg_iter *out)
{
    bool has_skip = sc->slot[S_TUN_SKIP].type == V_OBJ;
    for (int g = 0; g < SG_GUARD_COUNT; g++) {
        const struct val *v = &sc->slot[S_TUN_GUARD + g];
        if (v->type == V_ABSENT && has_skip)
            v = &sc->slot[S_SKIP_GUARD + g];
        if (truthy(v))
            out->guard_mask = (uint8_t)(out->guard_mask | (1u << g));
    }
}

/* Turns the slots into the record; false declines. Strings are copied only once nothing
 * can decline any more, so a declined file leaves the arena as it was. */
static bool make_record(const struct scan *sc, struct sg_arena *arena, struct sg_iter *out)
{
    const struct val *sum = &sc->slot[S_ROOT_SUMMARY], *tun = &sc->slot[S_ROOT_TUNING];
    if ((sum->type != V_ABSENT && sum->type != V_OBJ) ||
        (tun->type != V_ABSENT && tun->type != V_OBJ))
        return false;
    struct sg_iter r = {.is_flat = sum->type == V_ABSENT};
    if (!read_kpis(sc, r.is_flat ? S_ROOT_KPI : S_SUM_KPI, &r))
        return false;
    const struct val *rt = &sc->slot[r.is_flat ? S_ROOT_RUNTIME : S_SUM_RUNTIME];
    if (rt->type != V_ABSENT && rt->type != V_NULL && (rt->type != V_STR || rt->has_escape))
        return false;
    bool ok = true;
    const struct val *sig = pick_signature(sc, &ok);
    const struct val *fr = &sc->slot[S_TUN_FREEZE];
    bool has_freeze = fr->type == V_STR && fr->n > 0;
    if (!ok || (has_freeze && fr->has_escape))
        return false;
    read_guards(sc, &r);
    r.signature = sig ? sg_arena_strndup(arena, sig->s, sig->n) : "na";
    if (rt->type == V_STR && rt->n > 0)
        r.runtime_utc = sg_arena_strndup(arena, rt->s, rt->n);
    if (has_freeze)
        r.freeze_reason = sg_arena_strndup(arena, fr->s, fr->n);
    out->kpi_mask = r.kpi_mask;
    memcpy(out->kpi, r.kpi, sizeof out->kpi);
    out->guard_mask = r.guard_mask;
    out->is_flat = r.is_flat;
    out->signature = r.signature;
    out->runtime_utc = r.runtime_utc;
    out->freeze_reason = r.freeze_reason;
    out->is_valid = true;
    return true;
}

bool sg_iterscan_parse(const char *buf, size_t len, int max_depth, struct sg_arena *arena,
                       struct sg_iter *out)
{
    struct scan sc = {.p = buf, .end = buf + len};
    /* json-c refuses to push a value at level max_depth (the root's members are level 1),
     * so containers nested max_depth - 1 deep may still hold members; stay one below. */
    sc.max_nest = max_depth - 2 < SCAN_MAX_NEST ? max_depth - 2 : SCAN_MAX_NEST;
    if (sc.max_nest < 1 || !scan_document(&sc))
        return false;
    return make_record(&sc, arena, out);
}
