/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: POST_SOAK_SUMMARY.json bytes -> sg_sidecar_parse_summary -> snapshot with
 * summary precedence (D-19) -> JSON, which must stay valid (D-6, D-20).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "config.h"
#include "fuzz_common.h"
#include "sidecar.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fz_cstr(data, size);
    struct sg_diags diags;
    struct sg_summary_file sum;
    struct sg_err err = SG_ERR_INIT;
    sg_diags_init(&diags);
    enum sg_rc rc = sg_sidecar_parse_summary(buf, size, 64, &sum, &diags, &err);
    fz_check(rc == SG_OK || rc == SG_SCHEMA, "summary: OK or SG_SCHEMA only");
    fz_check(rc == SG_OK || !sum.present, "a bad summary is not present");
    if (sum.present) {
        struct sg_config cfg;
        sg_config_init(&cfg);
        struct sg_eval ev;
        sg_eval_init(&ev);
        struct sg_snapshot snap;
        sg_snapshot_make(&ev, &sum, "PASS", &cfg.policy, &snap);
        fz_check(snap.from_summary, "a present summary takes precedence");
        fz_check_snapshot(&snap);
        sg_eval_release(&ev);
    }
    sg_diags_release(&diags);
    free(buf);
    return 0;
}
