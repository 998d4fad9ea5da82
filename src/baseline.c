/* SPDX-License-Identifier: MIT */
/* The --compare baseline: a schema-1.1 snapshot read into plain values (D-13). */
#include "baseline.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "fsx.h"
#include "jsonx.h"
#include "snapshot.h"

/* The eleven keys of a schema-1.1 snapshot (reference 3.11). */
static const char *const keys_11[] = {
    "anomalies_count", "freeze_ready",     "freeze_seen",    "guards_last8",
    "kpi_gate_parity", "kpi_last8",        "pass_count_last8", "schema_version",
    "signature_loops", "time_range",       "verdict",
};

static enum sg_rc refuse(struct sg_baseline *out, enum sg_baseline_status st, enum sg_rc rc,
                         struct sg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Records why the baseline is refused in out->problem and err; returns rc. */
static enum sg_rc refuse(struct sg_baseline *out, enum sg_baseline_status st, enum sg_rc rc,
                         struct sg_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->problem, sizeof out->problem, fmt, ap);
    va_end(ap);
    out->status = st;
    return sg_err_set(err, rc, "%s", out->problem);
}

static enum sg_rc get_count(json_object *obj, const char *key, const char *where, int64_t *out,
                            struct sg_baseline *b, struct sg_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "missing key \"%s%s\"", where,
                      key);
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err,
                      "%s%s: expected a non-negative integer", where, key);
    *out = json_object_get_int64(v);
    return SG_OK;
}

/* kpi_last8.<m>.<stat>: a number, or null for a statistic that was not finite (D-6). */
static enum sg_rc get_stat(json_object *m, const char *kpi, const char *stat,
                           struct sg_bnum *out, struct sg_baseline *b, struct sg_err *err)
{
    json_object *v;
    char where[96];
    snprintf(where, sizeof where, "kpi_last8.%s.%s", kpi, stat);
    if (!json_object_object_get_ex(m, stat, &v))
        return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "missing key \"%s\"", where);
    if (v == NULL) {
        out->has = false;
        return SG_OK;
    }
    if (!sg_jsonx_is_number(v) || !isfinite(json_object_get_double(v)))
        return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err, "%s: expected a number, found %s",
                      where, sg_jsonx_type_name(v));
    out->has = true;
    out->d = json_object_get_double(v);
    return SG_OK;
}

static enum sg_rc want_object(json_object *v, const char *where, struct sg_baseline *b,
                              struct sg_err *err)
{
    if (json_object_is_type(v, json_type_object))
        return SG_OK;
    return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err, "%s: expected an object, found %s",
                  where, sg_jsonx_type_name(v));
}

static enum sg_rc read_kpis(json_object *root, struct sg_baseline *b, struct sg_err *err)
{
    json_object *kpi, *m;
    json_object_object_get_ex(root, "kpi_last8", &kpi);
    enum sg_rc rc = want_object(kpi, "kpi_last8", b, err);
    for (int k = 0; k < SG_KPI_COUNT && rc == SG_OK; k++) {
        char where[64];
        snprintf(where, sizeof where, "kpi_last8.%s", sg_kpi_names[k]);
        if (!json_object_object_get_ex(kpi, sg_kpi_names[k], &m))
            return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "missing key \"%s\"",
                          where);
        rc = want_object(m, where, b, err);
        if (rc == SG_OK)
            rc = get_stat(m, sg_kpi_names[k], "mean", &b->mean[k], b, err);
        if (rc == SG_OK)
            rc = get_stat(m, sg_kpi_names[k], "median", &b->median[k], b, err);
    }
    return rc;
}

static enum sg_rc read_scalars(json_object *root, struct sg_baseline *b, struct sg_err *err)
{
    json_object *v, *g;
    json_object_object_get_ex(root, "verdict", &v);
    if (!json_object_is_type(v, json_type_string))
        return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err, "verdict: expected a string");
    const char *s = json_object_get_string(v);
    b->verdict = strcmp(s, "PASS") == 0   ? SG_VERDICT_PASS
                 : strcmp(s, "WARN") == 0 ? SG_VERDICT_WARN
                 : strcmp(s, "FAIL") == 0 ? SG_VERDICT_FAIL
                                          : SG_VERDICT_UNKNOWN;
    json_object_object_get_ex(root, "freeze_ready", &v);
    if (!json_object_is_type(v, json_type_boolean))
        return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err,
                      "freeze_ready: expected a boolean");
    b->freeze_ready = json_object_get_boolean(v);
    enum sg_rc rc = get_count(root, "pass_count_last8", "", &b->pass_count, b, err);
    if (rc == SG_OK)
        rc = get_count(root, "anomalies_count", "", &b->anomalies_count, b, err);
    json_object_object_get_ex(root, "guards_last8", &g);
    if (rc == SG_OK)
        rc = want_object(g, "guards_last8", b, err);
    for (int i = 0; i < SG_GUARD_COUNT && rc == SG_OK; i++)
        rc = get_count(g, sg_guard_keys[i], "guards_last8.", &b->guards[i], b, err);
    return rc;
}

static enum sg_rc read_root(json_object *root, struct sg_baseline *b, struct sg_err *err)
{
    json_object *v;
    if (!json_object_is_type(root, json_type_object))
        return refuse(b, SG_BASELINE_UNREADABLE, SG_SCHEMA, err,
                      "top level: expected an object, found %s", sg_jsonx_type_name(root));
    if (!json_object_object_get_ex(root, "schema_version", &v))
        return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "no schema_version");
    if (!json_object_is_type(v, json_type_string))
        return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "schema_version is %s",
                      sg_jsonx_type_name(v));
    if (strcmp(json_object_get_string(v), "1.1") != 0)
        return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "schema_version \"%.64s\"",
                      json_object_get_string(v));
    for (size_t i = 0; i < sizeof keys_11 / sizeof keys_11[0]; i++)
        if (!json_object_object_get_ex(root, keys_11[i], NULL))
            return refuse(b, SG_BASELINE_WRONG_SCHEMA, SG_SCHEMA, err, "missing key \"%s\"", keys_11[i]);
    enum sg_rc rc = read_scalars(root, b, err);
    return rc == SG_OK ? read_kpis(root, b, err) : rc;
}

enum sg_rc sg_baseline_parse_buf(const char *buf, size_t len, int max_depth,
                                 struct sg_baseline *out, struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    json_object *root = NULL;
    struct sg_err perr = SG_ERR_INIT;
    enum sg_rc rc = sg_jsonx_parse(buf, len, max_depth, &root, &perr);
    if (rc != SG_OK) {
        refuse(out, SG_BASELINE_UNREADABLE, rc, err, "%s", perr.msg);
    } else {
        rc = read_root(root, out, err);
    }
    json_object_put(root);
    if (rc == SG_OK)
        out->status = SG_BASELINE_OK;
    return rc;
}

enum sg_rc sg_baseline_load(const char *path, const struct sg_iter_limits *limits,
                            struct sg_baseline *out, struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    if (sg_fsx_kind(path) == SG_FSX_MISSING)
        return refuse(out, SG_BASELINE_MISSING, SG_IO, err, "no such file");
    struct sg_buf b;
    struct sg_err rerr = SG_ERR_INIT;
    sg_buf_init(&b, (size_t)limits->max_file_bytes + 1);
    enum sg_rc rc = sg_fsx_read(path, (size_t)limits->max_file_bytes, &b, &rerr);
    if (rc != SG_OK)
        refuse(out, SG_BASELINE_UNREADABLE, rc, err, "%s", rerr.msg);
    else
        rc = sg_baseline_parse_buf(sg_buf_str(&b), b.len, (int)limits->max_depth, out, err);
    sg_buf_release(&b);
    return rc;
}
