/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: one iteration file's bytes -> sg_iter_parse_buf -> per-iteration evaluation
 * (fail mask) -> a window of that iteration repeated -> snapshot -> JSON, checking that
 * an invalid file leaves no half-filled record and that the output stays valid JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "config.h"
#include "fuzz_common.h"
#include "iter.h"
#include "snapshot.h"

static void check_record(const struct sg_iter *it, enum sg_rc rc)
{
    fz_check(it->file != NULL, "file name is set");
    if (rc != SG_OK) {
        fz_check(!it->is_valid, "an invalid file is marked invalid");
        fz_check(it->kpi_mask == 0 && it->runtime_utc == NULL, "an invalid file has no KPIs");
        return;
    }
    fz_check(it->is_valid, "a parsed file is valid");
    fz_check(it->signature != NULL, "a valid file has a signature");
    fz_check(it->runtime_utc == NULL || it->runtime_utc[0] != '\0', "runtime_utc is NULL or set");
}

static void evaluate(const struct sg_iter *it)
{
    struct sg_config cfg;
    sg_config_init(&cfg);
    uint8_t mask = sg_eval_fail_mask(it, &cfg.policy);
    fz_check(mask < (1u << SG_KPI_COUNT), "fail mask has only KPI bits");
    const struct sg_iter *view[3] = {it, it, it};
    struct sg_eval ev;
    struct sg_err err = SG_ERR_INIT;
    sg_eval_init(&ev);
    fz_check(sg_eval_build(view, 3, &cfg.policy, &ev, &err) == SG_OK, "eval of valid input");
    fz_check(ev.pass_count == (mask == 0 ? 3u : 0u), "pass count agrees with the fail mask");
    struct sg_summary_file none;
    memset(&none, 0, sizeof none);
    struct sg_snapshot snap;
    sg_snapshot_make(&ev, &none, NULL, &cfg.policy, &snap);
    fz_check_snapshot(&snap);
    sg_eval_release(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fz_cstr(data, size);
    struct sg_arena arena;
    struct sg_diags diags;
    struct sg_iter it;
    struct sg_err err = SG_ERR_INIT;
    sg_arena_init(&arena);
    sg_diags_init(&diags);
    enum sg_rc rc = sg_iter_parse_buf(buf, size, "ITER_SUMMARY_1.json", 64, &arena, &it, &diags,
                                      1, &err);
    check_record(&it, rc);
    if (rc == SG_OK)
        evaluate(&it);
    else
        fz_check(err.msg[0] != '\0', "an invalid file has a message");
    sg_diags_release(&diags);
    sg_arena_release(&arena);
    free(buf);
    return 0;
}
