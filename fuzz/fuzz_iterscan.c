/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the fast path (iterscan.h) against the json-c path, differentially. When the
 * scanner answers, the json-c path must find the file valid with no warning and give the
 * same record field by field (KPIs bit for bit). The depth limit comes from the first
 * byte, so nesting around small limits is explored too.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "iter.h"
#include "iterscan.h"

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void compare(const struct sg_iter *fast, const struct sg_iter *slow)
{
    fz_check(fast->is_valid && slow->is_valid, "invariant: both records valid");
    fz_check(fast->kpi_mask == slow->kpi_mask, "invariant: same kpi_mask");
    for (int k = 0; k < SG_KPI_COUNT; k++)
        if (sg_iter_has(slow, (enum sg_kpi)k))
            fz_check(memcmp(&fast->kpi[k], &slow->kpi[k], sizeof(double)) == 0,
                     "invariant: same KPI bits");
    fz_check(fast->guard_mask == slow->guard_mask, "invariant: same guard_mask");
    fz_check(fast->is_flat == slow->is_flat, "invariant: same is_flat");
    fz_check(same_str(fast->signature, slow->signature), "invariant: same signature");
    fz_check(same_str(fast->runtime_utc, slow->runtime_utc), "invariant: same runtime_utc");
    fz_check(same_str(fast->freeze_reason, slow->freeze_reason), "invariant: same freeze_reason");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte: 0-15 picks a small depth limit 1-16 (--max-depth is at least 1; json-c
     * crashes on 0), anything else the default 64. */
    int max_depth = size > 0 && data[0] < 16 ? data[0] + 1 : 64;
    if (size > 0 && data[0] < 16) {
        data++;
        size--;
    }
    char *buf = fz_cstr(data, size);
    struct sg_arena arena;
    struct sg_diags diags;
    struct sg_iter fast, slow;
    struct sg_err err = SG_ERR_INIT;
    sg_arena_init(&arena);
    sg_diags_init(&diags);
    memset(&fast, 0, sizeof fast);
    bool is_fast = sg_iterscan_parse(buf, size, max_depth, &arena, &fast);
    if (!is_fast)
        fz_check(arena.n_bytes == 0, "invariant: a declined file leaves the arena alone");
    enum sg_rc rc = sg_iter_parse_buf_json(buf, size, "ITER_SUMMARY_1.json", max_depth, &arena,
                                           &slow, &diags, 1, &err);
    if (is_fast) {
        fz_check(rc == SG_OK, "invariant: fast path answered for a file json-c rejects");
        fz_check(diags.n == 0, "invariant: fast path answered for a file with warnings");
        compare(&fast, &slow);
    }
    sg_diags_release(&diags);
    sg_arena_release(&arena);
    free(buf);
    return 0;
}
