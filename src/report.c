/* SPDX-License-Identifier: MIT */
/* The reports stage: whole-run evaluation, baseline comparison, audit, job summary. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsx.h"
#include "num.h"
#include "out_md.h"

#define AUDIT_NAME "POST_SOAK_AUDIT.md"
#define COMPARE_NAME "POST_SOAK_COMPARE.json"
#define SNAPSHOT_NAME "POST_SOAK_SNAPSHOT.json"
#define PROM_NAME "POST_SOAK_METRICS.prom"

void sg_reports_init(struct sg_reports *r)
{
    memset(r, 0, sizeof *r);
    sg_eval_init(&r->run);
}

void sg_reports_release(struct sg_reports *r)
{
    free((void *)r->run_view);
    sg_eval_release(&r->run);
    sg_reports_init(r);
}

/* D-13 warnings; never an error. */
static void baseline_warning(const struct sg_reports *r, const char *abs, FILE *errs)
{
    switch (r->base.status) {
    case SG_BASELINE_OK:
        return;
    case SG_BASELINE_MISSING:
        fprintf(errs, "[WARN] Baseline not found: %s\n", abs);
        return;
    case SG_BASELINE_UNREADABLE:
        fprintf(errs, "[WARN] Could not load baseline snapshot: %s\n", r->base.problem);
        return;
    case SG_BASELINE_WRONG_SCHEMA:
        fprintf(errs, "[WARN] Baseline %s is not a schema 1.1 snapshot (%s); comparison skipped\n",
                abs, r->base.problem);
        return;
    }
}

static void compare(const struct sg_report_in *in, struct sg_reports *r, FILE *errs)
{
    struct sg_regress_rules rules;
    struct sg_err err = SG_ERR_INIT;
    sg_compare_rules_parse(&in->cfg->max_regression, &rules, &err); /* validated in config */
    if (in->cfg->compare == NULL) {
        if (in->cfg->max_regression.n > 0)
            fprintf(errs, "[WARN] --max-regression ignored: no --compare baseline given\n");
        return;
    }
    r->has_compare = true;
    char *abs = sg_fsx_absolute(in->cfg->compare);
    sg_baseline_load(in->cfg->compare, &in->cfg->limits, &r->base, &err);
    baseline_warning(r, abs, errs);
    free(abs);
    sg_compare_build(in->snap, &r->base, &rules, &r->cmp);
    struct sg_buf text;
    sg_buf_init(&text, 0);
    sg_compare_render_text(&r->cmp, &text);
    fputs(sg_buf_str(&text), errs);
    sg_buf_release(&text);
}

/* Renders nothing itself: writes buf to dir/name atomically and reports it. */
static enum sg_rc write_file(const struct sg_report_in *in, const char *name,
                             const struct sg_buf *buf, FILE *errs)
{
    struct sg_err err = SG_ERR_INIT;
    char *path = sg_fsx_join(in->cfg->path, name);
    enum sg_rc rc = sg_buf_rc(buf, &err);
    if (rc == SG_OK)
        rc = sg_fsx_write_atomic(path, buf->data, buf->len, &err);
    if (rc != SG_OK)
        fprintf(errs, "[ERROR] %s: %s\n", name, err.msg);
    else
        fprintf(errs, "[OK] %s written to: %s/%s\n", name, in->abs_dir, name);
    free(path);
    return rc;
}

static void md_input(const struct sg_report_in *in, const struct sg_reports *r,
                     const char **names, struct sg_md_input *md)
{
    size_t n = 0;
    names[n++] = SNAPSHOT_NAME;
    if (in->want_audit)
        names[n++] = AUDIT_NAME;
    if (r->has_compare)
        names[n++] = COMPARE_NAME;
    if (in->cfg->want_prometheus)
        names[n++] = PROM_NAME;
    *md = (struct sg_md_input){
        .cfg = in->cfg, .set = in->set, .snap = in->snap, .window = in->window,
        .window_view = in->window_view, .window_first = in->window_first, .run = &r->run,
        .run_view = r->run_view, .cmp = r->has_compare ? &r->cmp : NULL,
        .baseline_path = in->cfg->compare ? in->cfg->compare : "",
        .baseline_problem = r->base.problem, .artifacts = names, .n_artifacts = n};
}

static enum sg_rc write_outputs(const struct sg_report_in *in, const struct sg_md_input *md,
                                const struct sg_reports *r, FILE *errs)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_buf buf;
    sg_buf_init(&buf, 0);
    enum sg_rc rc = SG_OK;
    if (r->has_compare) {
        sg_compare_render_json(&r->cmp, in->cfg->compare, r->base.problem, &buf);
        rc = write_file(in, COMPARE_NAME, &buf, errs);
    }
    if (rc == SG_OK && in->want_audit) {
        sg_buf_reset(&buf);
        sg_out_md_audit_render(md, &buf, &err);
        rc = write_file(in, AUDIT_NAME, &buf, errs);
    }
    if (rc == SG_OK && in->cfg->summary_file) {
        sg_buf_reset(&buf);
        rc = sg_out_md_summary_render(md, SG_MD_SUMMARY_MAX, &buf, &err);
        if (rc == SG_OK)
            rc = sg_fsx_append(in->cfg->summary_file, buf.data, buf.len, &err);
        if (rc != SG_OK)
            fprintf(errs, "[ERROR] job summary: %s\n", err.msg);
        else
            fprintf(errs, "[OK] Job summary appended to: %s\n", in->cfg->summary_file);
    }
    sg_buf_release(&buf);
    return rc;
}

enum sg_rc sg_reports_run(const struct sg_report_in *in, struct sg_reports *r, FILE *errs)
{
    struct sg_err err = SG_ERR_INIT;
    size_t n_run;
    r->run_view = sg_eval_view(in->set->items, 0, in->set->n_items, &n_run);
    if (sg_eval_build(r->run_view, n_run, &in->cfg->policy, &r->run, &err) != SG_OK) {
        fprintf(errs, "[ERROR] %s\n", err.msg);
        return err.rc;
    }
    compare(in, r, errs);
    if (!in->want_audit && !in->cfg->summary_file && !r->has_compare)
        return SG_OK;
    const char *names[4];
    struct sg_md_input md;
    md_input(in, r, names, &md);
    return write_outputs(in, &md, r, errs);
}

