/* SPDX-License-Identifier: MIT */
/* Combining the window evaluation and POST_SOAK_SUMMARY.json into the snapshot (3.11-3.13). */
#include "snapshot.h"

#include <string.h>

const char *const sg_guard_keys[SG_GUARD_COUNT] = {"oscillation_count", "velocity_count",
                                                   "cooldown_count", "freeze_events"};

static struct sg_jnum dbl(double d)
{
    return (struct sg_jnum){false, 0, d};
}

static int parity(const char *kpi_gate_verdict, enum sg_verdict v)
{
    if (kpi_gate_verdict == NULL)
        return -1;
    return strcmp(kpi_gate_verdict, sg_verdict_name(v)) == 0;
}

void sg_snapshot_make(const struct sg_eval *w, const struct sg_summary_file *sum,
                      const char *kpi_gate_verdict, const struct sg_policy *policy,
                      struct sg_snapshot *out)
{
    memset(out, 0, sizeof *out);
    out->n_evaluated = w->n;
    out->has_schema = true;
    if (sum && sum->present) {
        out->from_summary = true;
        out->has_schema = w->n > 0;
        out->verdict = sum->has_verdict ? sum->verdict : SG_VERDICT_UNKNOWN;
        out->pass_count = sum->pass_count;
        out->freeze_seen = sum->freeze_seen;
        memcpy(out->mean, sum->mean, sizeof out->mean);
        memcpy(out->median, sum->median, sizeof out->median);
        memcpy(out->guards, sum->guards, sizeof out->guards);
    } else {
        out->verdict = w->verdict;
        out->pass_count = (int64_t)w->pass_count;
        out->freeze_seen = w->freeze_seen;
        for (int k = 0; k < SG_KPI_COUNT; k++) {
            out->mean[k] = dbl(w->kpi[k].mean);
            out->median[k] = dbl(w->kpi[k].median);
        }
        for (int g = 0; g < SG_GUARD_COUNT; g++)
            out->guards[g] = (int64_t)w->guards[g];
    }
    out->freeze_ready =
        sg_eval_freeze_ready(out->verdict, out->pass_count, out->freeze_seen, policy);
    out->kpi_gate_parity = parity(kpi_gate_verdict, out->verdict);
    out->time_from = w->time_from;
    out->time_to = w->time_to;
    out->anomalies_count = (int64_t)w->n_anomalies;
    out->signature_loops = (int64_t)w->n_loops;
}
