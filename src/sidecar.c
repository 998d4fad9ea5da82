/* SPDX-License-Identifier: MIT */
/* POST_SOAK_SUMMARY.json (D-19) and KPI_GATE.json (D-9). */
#include "sidecar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsx.h"
#include "jsonx.h"
#include "num.h"

#define SUMMARY_NAME "POST_SOAK_SUMMARY.json"
#define KPI_GATE_NAME "KPI_GATE.json"

/* Reads and parses dir/name. *root is NULL when the file is missing (rc SG_OK). */
static enum sg_rc read_json(const char *dir, const char *name, const struct sg_iter_limits *lim,
                            json_object **root, bool *exists, struct sg_err *err)
{
    *root = NULL;
    char *path = sg_fsx_join(dir, name);
    *exists = sg_fsx_kind(path) != SG_FSX_MISSING;
    enum sg_rc rc = SG_OK;
    if (*exists) {
        struct sg_buf b;
        sg_buf_init(&b, (size_t)lim->max_file_bytes + 1);
        rc = sg_fsx_read(path, (size_t)lim->max_file_bytes, &b, err);
        if (rc == SG_OK)
            rc = sg_jsonx_parse(sg_buf_str(&b), b.len, (int)lim->max_depth, root, err);
        sg_buf_release(&b);
    }
    free(path);
    return rc;
}

static enum sg_rc get_count(json_object *obj, const char *key, const char *path, int64_t *out,
                            struct sg_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return SG_OK;
    if (!json_object_is_type(v, json_type_int))
        return sg_err_set(err, SG_SCHEMA, "%s%s: expected a non-negative integer, found %s", path,
                          key, sg_jsonx_type_name(v));
    int64_t i = json_object_get_int64(v);
    if (i < 0 || (i == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX))
        return sg_err_set(err, SG_SCHEMA, "%s%s: expected a non-negative integer, found %s",
                          path, key, json_object_to_json_string(v));
    *out = i;
    return SG_OK;
}

/* kpi.<m>.<stat>: a finite number; integers stay integers, doubles are rounded (D-19). */
static enum sg_rc get_stat(json_object *m, const char *kpi, const char *stat, struct sg_jnum *out,
                           struct sg_err *err)
{
    json_object *v;
    *out = (struct sg_jnum){false, 0, 0.0};
    if (!json_object_object_get_ex(m, stat, &v))
        return SG_OK;
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if ((i == INT64_MAX || i == INT64_MIN) && json_object_get_uint64(v) != (uint64_t)i)
            return sg_err_set(err, SG_SCHEMA, "kpi.%s.%s: integer out of range", kpi, stat);
        *out = (struct sg_jnum){true, i, (double)i};
        return SG_OK;
    }
    if (!json_object_is_type(v, json_type_double) || !isfinite(json_object_get_double(v)))
        return sg_err_set(err, SG_SCHEMA, "kpi.%s.%s: expected a number, found %s", kpi, stat,
                          json_object_is_type(v, json_type_double) ? "a non-finite number"
                                                                   : sg_jsonx_type_name(v));
    out->d = sg_num_round3(json_object_get_double(v));
    return SG_OK;
}

static enum sg_rc want_object(json_object *v, const char *path, struct sg_err *err)
{
    if (json_object_is_type(v, json_type_object))
        return SG_OK;
    return sg_err_set(err, SG_SCHEMA, "%s: expected an object, found %s", path,
                      sg_jsonx_type_name(v));
}

static enum sg_rc read_kpi_block(json_object *root, struct sg_summary_file *out,
                                 struct sg_err *err)
{
    json_object *kpi, *m;
    if (!json_object_object_get_ex(root, "kpi", &kpi))
        return SG_OK;
    enum sg_rc rc = want_object(kpi, "kpi", err);
    for (int k = 0; k < SG_KPI_COUNT && rc == SG_OK; k++) {
        if (!json_object_object_get_ex(kpi, sg_kpi_names[k], &m))
            continue;
        char path[64];
        snprintf(path, sizeof path, "kpi.%s", sg_kpi_names[k]);
        rc = want_object(m, path, err);
        if (rc == SG_OK)
            rc = get_stat(m, sg_kpi_names[k], "mean", &out->mean[k], err);
        if (rc == SG_OK)
            rc = get_stat(m, sg_kpi_names[k], "median", &out->median[k], err);
    }
    return rc;
}

static enum sg_rc read_summary(json_object *root, struct sg_summary_file *out, struct sg_err *err)
{
    json_object *v;
    enum sg_rc rc = want_object(root, "top level", err);
    if (rc != SG_OK)
        return rc;
    if (json_object_object_get_ex(root, "verdict", &v)) {
        const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
        /* The length check keeps "PASS\u0000x" from passing as "PASS". */
        if ((strcmp(s, "PASS") && strcmp(s, "WARN") && strcmp(s, "FAIL")) ||
            (s[0] != '\0' && json_object_get_string_len(v) != 4))
            return sg_err_set(err, SG_SCHEMA, "verdict: expected \"PASS\", \"WARN\" or \"FAIL\", found %s",
                              json_object_is_type(v, json_type_string) ? "another string"
                                                                       : sg_jsonx_type_name(v));
        out->has_verdict = true;
        out->verdict = s[0] == 'P' ? SG_VERDICT_PASS : s[0] == 'W' ? SG_VERDICT_WARN
                                                                    : SG_VERDICT_FAIL;
    }
    rc = get_count(root, "pass_count_last8", "", &out->pass_count, err);
    if (rc == SG_OK && json_object_object_get_ex(root, "freeze_seen", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            return sg_err_set(err, SG_SCHEMA, "freeze_seen: expected a boolean, found %s",
                              sg_jsonx_type_name(v));
        out->freeze_seen = json_object_get_boolean(v);
    }
    if (rc == SG_OK)
        rc = read_kpi_block(root, out, err);
    if (rc == SG_OK && json_object_object_get_ex(root, "guards", &v)) {
        rc = want_object(v, "guards", err);
        for (int g = 0; g < SG_GUARD_COUNT && rc == SG_OK; g++)
            rc = get_count(v, sg_guard_keys[g], "guards.", &out->guards[g], err);
    }
    return rc;
}

enum sg_rc sg_sidecar_parse_summary(const char *buf, size_t len, int max_depth,
                                    struct sg_summary_file *out, struct sg_diags *diags,
                                    struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    json_object *root = NULL;
    struct sg_err perr = SG_ERR_INIT;
    if (sg_jsonx_parse(buf, len, max_depth, &root, &perr) != SG_OK) {
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_GENERAL, 0, SUMMARY_NAME,
                     "ignored (%s); using the iteration files", perr.msg);
        return SG_OK;
    }
    if (!sg_jsonx_truthy(root)) {
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_GENERAL, 0, SUMMARY_NAME,
                     "ignored (empty); using the iteration files");
        json_object_put(root);
        return SG_OK;
    }
    enum sg_rc rc = read_summary(root, out, err);
    json_object_put(root);
    if (rc != SG_OK) {
        sg_err_wrap(err, SUMMARY_NAME);
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->present = true;
    return SG_OK;
}

enum sg_rc sg_sidecar_load_summary(const char *dir, const struct sg_iter_limits *limits,
                                   struct sg_summary_file *out, struct sg_diags *diags,
                                   struct sg_err *err)
{
    memset(out, 0, sizeof *out);
    char *path = sg_fsx_join(dir, SUMMARY_NAME);
    if (sg_fsx_kind(path) == SG_FSX_MISSING) {
        free(path);
        return SG_OK;
    }
    struct sg_buf b;
    sg_buf_init(&b, (size_t)limits->max_file_bytes + 1);
    struct sg_err rerr = SG_ERR_INIT;
    enum sg_rc rc = SG_OK;
    if (sg_fsx_read(path, (size_t)limits->max_file_bytes, &b, &rerr) != SG_OK)
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_GENERAL, 0, SUMMARY_NAME,
                     "ignored (%s); using the iteration files", rerr.msg);
    else
        rc = sg_sidecar_parse_summary(sg_buf_str(&b), b.len, (int)limits->max_depth, out, diags,
                                      err);
    sg_buf_release(&b);
    free(path);
    return rc;
}

const char *sg_sidecar_kpi_gate(const char *dir, const struct sg_iter_limits *limits,
                                struct sg_arena *arena, struct sg_diags *diags)
{
    json_object *root = NULL, *v;
    bool exists;
    struct sg_err err = SG_ERR_INIT;
    const char *out = NULL;
    if (read_json(dir, KPI_GATE_NAME, limits, &root, &exists, &err) != SG_OK) {
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_GENERAL, 0, KPI_GATE_NAME,
                     "%s; kpi_gate_parity is null", err.msg);
        return NULL;
    }
    if (root == NULL || !sg_jsonx_truthy(root))
        goto out;
    if (!json_object_is_type(root, json_type_object)) {
        sg_diags_add(diags, SG_DIAG_WARN, SG_DIAG_GENERAL, 0, KPI_GATE_NAME,
                     "expected an object, found %s; kpi_gate_parity is null",
                     sg_jsonx_type_name(root));
        goto out;
    }
    if (!json_object_object_get_ex(root, "verdict", &v) || !sg_jsonx_truthy(v))
        goto out;
    /* A string with an embedded NUL equals no verdict name, whatever its prefix. */
    bool plain = json_object_is_type(v, json_type_string) &&
                 strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
    out = plain ? sg_arena_strdup(arena, json_object_get_string(v)) : "\x01(not a string)";
out:
    json_object_put(root);
    return out;
}
