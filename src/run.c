/* SPDX-License-Identifier: MIT */
/*
 * The pipeline. sg_run() checks the soak dir, loads every iteration file into compact
 * records (iter.c), reads POST_SOAK_SUMMARY.json (sidecar.c), stops with exit 2 under
 * --strict when any file is invalid, evaluates the last-N window (analysis.c), combines
 * the result with KPI_GATE.json into the snapshot (snapshot.c), prints every diagnostic,
 * renders and writes POST_SOAK_SNAPSHOT.json atomically (out_json.c, fsx.c), prints the
 * JSON, and for `gate` prints the verdict block and decides the exit code (D-7).
 * Everything after the snapshot is computed from that one value, so no two outputs can
 * disagree. Start reading at sg_run().
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "buf.h"
#include "diag.h"
#include "fsx.h"
#include "iter.h"
#include "num.h"
#include "output.h"
#include "sidecar.h"
#include "snapshot.h"

#define BANNER "================================================================================"
#define SNAPSHOT_NAME "POST_SOAK_SNAPSHOT.json"

/* Everything one run holds; released by ctx_release. */
struct ctx {
    const struct sg_config *cfg;
    FILE *out, *errs;
    char *abs_dir;                /* the soak dir made absolute, for messages */
    struct sg_iterset set;
    struct sg_summary_file summary;
    struct sg_arena strings;
    const struct sg_iter **window; /* valid iterations of the window */
    size_t n_window;
    size_t window_first;          /* index of the window's first file in set.items */
    struct sg_eval eval;
    struct sg_snapshot snap;
};

static void ctx_release(struct ctx *c)
{
    free(c->abs_dir);
    sg_iterset_release(&c->set);
    sg_arena_release(&c->strings);
    free((void *)c->window);
    sg_eval_release(&c->eval);
}

static void print_diags(struct ctx *c, const struct sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct sg_diag *x = &d->items[i];
        fprintf(c->errs, "[%s] %s%s%s\n", x->level == SG_DIAG_ERROR ? "ERROR" : "WARN",
                x->subject, x->subject[0] ? ": " : "", x->text);
    }
    if (d->n_dropped)
        fprintf(c->errs, "[WARN] %zu more problems not shown\n", d->n_dropped);
}

/* ------------------------------------------------------------------ stages */

static enum sg_exit check_dir(struct ctx *c)
{
    enum sg_fsx_kind k = sg_fsx_kind(c->cfg->path);
    if (k == SG_FSX_MISSING) {
        fprintf(c->errs, "[ERROR] Path does not exist: %s\n", c->abs_dir);
        return SG_EXIT_ERROR;
    }
    if (k != SG_FSX_DIR) {
        fprintf(c->errs, "[ERROR] Path is not a directory: %s\n", c->abs_dir);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}

static enum sg_exit load(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    if (sg_iterset_load(c->cfg->path, &c->cfg->limits, &c->set, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    if (sg_sidecar_load_summary(c->cfg->path, &c->cfg->limits, &c->summary, &c->set.diags,
                                &err) != SG_OK) {
        print_diags(c, &c->set.diags);
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    if (c->cfg->strict && c->set.n_invalid > 0) {
        print_diags(c, &c->set.diags);
        fprintf(c->errs, "[ERROR] --strict: %zu invalid iteration file%s; no snapshot written\n",
                c->set.n_invalid, c->set.n_invalid == 1 ? "" : "s");
        for (size_t i = 0; i < c->set.n_items; i++)
            if (!c->set.items[i].is_valid)
                fprintf(c->errs, "[ERROR] %s: %s\n", c->set.items[i].file,
                        c->set.items[i].problem);
        return SG_EXIT_ERROR;
    }
    return SG_EXIT_OK;
}

static enum sg_exit evaluate(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    c->window_first = sg_iterset_window_start(&c->set, (size_t)c->cfg->policy.window);
    c->window = sg_eval_view(c->set.items, c->window_first, c->set.n_items, &c->n_window);
    if (sg_eval_build(c->window, c->n_window, &c->cfg->policy, &c->eval, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        return SG_EXIT_ERROR;
    }
    print_diags(c, &c->set.diags);
    if (!c->summary.present && c->n_window == 0) {
        fprintf(c->errs,
                "[ERROR] No data found: missing both POST_SOAK_SUMMARY.json and "
                "ITER_SUMMARY_*.json");
        if (c->set.n_items > 0)
            fprintf(c->errs, " (every iteration file in the window was excluded)");
        fputc('\n', c->errs);
        return SG_EXIT_ERROR;
    }
    struct sg_diags kdiags;
    sg_diags_init(&kdiags);
    const char *kv = sg_sidecar_kpi_gate(c->cfg->path, &c->cfg->limits, &c->strings, &kdiags);
    print_diags(c, &kdiags);
    sg_diags_merge(&c->set.diags, &kdiags);
    sg_snapshot_make(&c->eval, &c->summary, kv, &c->cfg->policy, &c->snap);
    return SG_EXIT_OK;
}

static enum sg_exit write_snapshot(struct ctx *c)
{
    struct sg_err err = SG_ERR_INIT;
    struct sg_buf compact, pretty;
    sg_buf_init(&compact, 0);
    sg_buf_init(&pretty, 0);
    enum sg_exit rc = SG_EXIT_OK;
    char *path = sg_fsx_join(c->cfg->path, SNAPSHOT_NAME);
    char *abs = sg_fsx_join(c->abs_dir, SNAPSHOT_NAME);
    if (sg_out_json_render(&c->snap, false, &compact, &err) != SG_OK ||
        sg_fsx_write_atomic(path, compact.data, compact.len, &err) != SG_OK) {
        fprintf(c->errs, "[ERROR] %s\n", err.msg);
        rc = SG_EXIT_ERROR;
        goto out;
    }
    if (!c->cfg->quiet) {
        const struct sg_buf *show = &compact;
        if (c->cfg->pretty) {
            sg_out_json_render(&c->snap, true, &pretty, &err);
            show = &pretty;
        }
        fwrite(show->data, 1, show->len, c->out);
        fflush(c->out);
    }
    fprintf(c->errs, "\n[OK] Snapshot written to: %s\n", abs);
out:
    free(path);
    free(abs);
    sg_buf_release(&compact);
    sg_buf_release(&pretty);
    return rc;
}

/* ------------------------------------------------------------------ the gate */

static void describe_failures(struct ctx *c)
{
    static const char *const cmp[SG_KPI_COUNT] = {">", "<", "<", ">"};
    const struct sg_policy *p = &c->cfg->policy;
    const double limit[SG_KPI_COUNT] = {p->risk_max, p->maker_min, p->net_min, p->p95_max};
    size_t shown = 0, failing = c->eval.n - c->eval.pass_count;
    if (failing == 0 || c->snap.from_summary)
        return;
    fprintf(c->errs, "Failing iterations (window):\n");
    for (size_t i = 0; i < c->n_window && shown < 20; i++) {
        uint8_t m = c->eval.fail_masks[i];
        if (m == 0)
            continue;
        shown++;
        fprintf(c->errs, "  %s:", c->window[i]->file);
        const char *sep = " ";
        for (int k = 0; k < SG_KPI_COUNT; k++) {
            if ((((unsigned)m >> k) & 1u) == 0)
                continue;
            char v[SG_NUM_BUFSZ], l[SG_NUM_BUFSZ];
            sg_num_format(l, limit[k]);
            if (!sg_iter_has(c->window[i], (enum sg_kpi)k))
                fprintf(c->errs, "%s%s missing", sep, sg_kpi_names[k]);
            else {
                sg_num_format(v, c->window[i]->kpi[k]);
                fprintf(c->errs, "%s%s %s %s %s", sep, sg_kpi_names[k], v, cmp[k], l);
            }
            sep = ", ";
        }
        fputc('\n', c->errs);
    }
    if (failing > shown)
        fprintf(c->errs, "  ... and %zu more\n", failing - shown);
}

static void verdict_block(struct ctx *c)
{
    const struct sg_snapshot *s = &c->snap;
    fprintf(c->errs, "\n%s\nFINAL VERDICT\n%s\n", BANNER, BANNER);
    fprintf(c->errs, "Verdict:           %s\n", sg_verdict_name(s->verdict));
    fprintf(c->errs, "Freeze Ready:      %s\n", s->freeze_ready ? "True" : "False");
    if (s->from_summary)
        fprintf(c->errs, "Pass Count:        %lld (from POST_SOAK_SUMMARY.json)\n",
                (long long)s->pass_count);
    else
        fprintf(c->errs, "Pass Count:        %lld/%zu\n", (long long)s->pass_count,
                s->n_evaluated);
    fprintf(c->errs, "%s\n", BANNER);
    describe_failures(c);
    size_t n_excl = sg_diags_count(&c->set.diags, SG_DIAG_EXCLUDED);
    size_t n_val = sg_diags_count(&c->set.diags, SG_DIAG_VALUE);
    if (n_excl || n_val)
        fprintf(c->errs, "Input problems: %zu file%s excluded, %zu value%s treated as missing\n",
                n_excl, n_excl == 1 ? "" : "s", n_val, n_val == 1 ? "" : "s");
}

/* D-7: collects the failure reasons and returns the exit code. */
static enum sg_exit decide(struct ctx *c)
{
    const struct sg_config *cfg = c->cfg;
    const struct sg_snapshot *s = &c->snap;
    const char *reasons[4];
    size_t n = 0;
    if (s->verdict == SG_VERDICT_UNKNOWN) {
        fprintf(c->errs, "\n[ERROR] Verdict is UNKNOWN: POST_SOAK_SUMMARY.json has no verdict\n");
        return SG_EXIT_ERROR;
    }
    if (cfg->fail_on != SG_FAIL_ON_NEVER) {
        if (s->verdict == SG_VERDICT_FAIL)
            reasons[n++] = "Verdict is FAIL";
        if (s->verdict == SG_VERDICT_WARN && cfg->fail_on == SG_FAIL_ON_WARN)
            reasons[n++] = "Verdict is WARN (--fail-on warn)";
        if (cfg->require_freeze_ready && !s->freeze_ready)
            reasons[n++] = "freeze_ready is False";
    }
    if (n > 0) {
        fprintf(c->errs, "\n[FAIL] Soak gate failures:\n");
        for (size_t i = 0; i < n; i++)
            fprintf(c->errs, "  - %s\n", reasons[i]);
        return SG_EXIT_FAIL;
    }
    if (s->verdict == SG_VERDICT_PASS)
        fprintf(c->errs, "\n[OK] Soak gate: PASS\n");
    else if (s->verdict == SG_VERDICT_WARN)
        fprintf(c->errs, "\n[WARN] Soak gate: WARN (continuing)\n");
    else
        fprintf(c->errs, "\n[WARN] Soak gate: FAIL ignored (--fail-on never)\n");
    return SG_EXIT_OK;
}

enum sg_exit sg_run(const struct sg_config *cfg, enum sg_command cmd, FILE *out, FILE *errs)
{
    struct ctx c = {.cfg = cfg, .out = out, .errs = errs};
    sg_iterset_init(&c.set);
    sg_arena_init(&c.strings);
    sg_eval_init(&c.eval);
    c.abs_dir = sg_fsx_absolute(cfg->path);
    enum sg_exit rc = check_dir(&c);
    if (rc == SG_EXIT_OK)
        rc = load(&c);
    if (rc == SG_EXIT_OK)
        rc = evaluate(&c);
    if (rc == SG_EXIT_OK)
        rc = write_snapshot(&c);
    if (rc == SG_EXIT_OK && cmd == SG_CMD_GATE) {
        verdict_block(&c);
        rc = decide(&c);
    } else if (rc == SG_EXIT_OK && c.snap.verdict == SG_VERDICT_UNKNOWN) {
        fprintf(errs, "[ERROR] Verdict is UNKNOWN: POST_SOAK_SUMMARY.json has no verdict\n");
        rc = SG_EXIT_ERROR;
    }
    ctx_release(&c);
    return rc;
}
