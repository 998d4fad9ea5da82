/* SPDX-License-Identifier: MIT */
/*
 * Deterministic soak-run generator (see simulate.h). Every value comes from a
 * splitmix64 stream keyed by (seed, iteration, field), so an iteration's content does
 * not depend on how many others were generated, and rounding to the original
 * generator's decimals keeps the numbers short and stable across libm versions.
 */
#include "simulate.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "fsx.h"
#include "num.h"
#include "xalloc.h"

const char *const sg_sim_scenario_choices = "pass|warn|fail|flaky|latency-creep|step|noise";
const char *const sg_sim_layout_choices = "nested|runner";

/* ------------------------------------------------------------------ randomness */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Uniform in (0, 1) from (seed, i, field). */
static double unit(uint64_t seed, int64_t i, unsigned field)
{
    uint64_t h = splitmix64(seed ^ splitmix64((uint64_t)i * 64u + field));
    return ((double)(h >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal by Box-Muller. */
static double gauss(uint64_t seed, int64_t i, unsigned field)
{
    double u1 = unit(seed, i, field), u2 = unit(seed, i, field + 32u);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double round_to(double x, int decimals)
{
    double f = decimals == 1 ? 10.0 : decimals == 2 ? 100.0 : 1000.0;
    return round(x * f) / f;
}

/* ------------------------------------------------------------------ the model */

struct sim_iter {
    double risk, maker, net, p95;
    int cooldown, velocity, oscillation, freeze;
    uint32_t sig;
    char runtime[32];
};

enum { F_RISK = 1, F_MAKER, F_NET, F_P95, F_FLAKY, F_FLAKY_KPI, F_SIG };

static void runtime_of(int64_t i, char out[SG_CIVIL_BUFSZ])
{
    /* 2025-10-16T12:00:00Z plus five minutes per iteration, like the original generator. */
    sg_civil_format_utc(1760616000 + i * 300, out);
}

/* Forces the breaches a scenario needs into the last 8 iterations. */
static void apply_breaches(const struct sg_sim_opts *o, int64_t i, struct sim_iter *s)
{
    int64_t from_end = o->iterations - i; /* 0 for the last iteration */
    if (o->scenario == SG_SIM_WARN && (from_end == 5 || from_end == 3 || from_end == 0))
        s->risk = round_to(0.46 + 0.01 * unit(o->seed, i, F_RISK + 40), 3);
    if (o->scenario == SG_SIM_FAIL && from_end < 8 && from_end % 2 == 1)
        s->risk = round_to(0.47 + 0.02 * unit(o->seed, i, F_RISK + 40), 3);
    if (o->scenario == SG_SIM_FAIL && from_end == 2) {
        s->maker = 0.71;
        s->p95 = 412.0;
    }
    if (o->scenario == SG_SIM_FLAKY && unit(o->seed, i, F_FLAKY) < 0.3) {
        switch ((int)(unit(o->seed, i, F_FLAKY_KPI) * 4)) {
        case 0:
            s->risk = 0.45;
            break;
        case 1:
            s->maker = 0.81;
            break;
        case 2:
            s->net = 2.4;
            break;
        default:
            s->p95 = 372.0;
        }
    }
}

static void model(const struct sg_sim_opts *o, int64_t i, struct sim_iter *s)
{
    double frac = o->iterations > 1 ? (double)(i - 1) / (double)(o->iterations - 1) : 1.0;
    s->risk = round_to(0.36 + 0.012 * gauss(o->seed, i, F_RISK), 3);
    s->maker = round_to(0.905 + 0.01 * gauss(o->seed, i, F_MAKER), 3);
    s->net = round_to(3.2 + 0.12 * gauss(o->seed, i, F_NET), 2);
    double p95 = 290.0 + 8.0 * gauss(o->seed, i, F_P95);
    int64_t step_at = o->step_at > 0 ? o->step_at : o->iterations / 2 + 1;
    if (o->scenario == SG_SIM_LATENCY_CREEP)
        p95 += 40.0 * frac - 20.0; /* 5 sd over the run (simulate.h) */
    if (o->scenario == SG_SIM_STEP)
        p95 += i >= step_at ? 20.0 : -20.0;
    s->p95 = round_to(p95, 1);
    apply_breaches(o, i, s);
    s->cooldown = i % 7 == 0;
    s->velocity = i % 11 == 0;
    s->oscillation = i % 13 == 0;
    int64_t from_end = o->iterations - i;
    s->freeze = o->scenario != SG_SIM_NOISE && (from_end == 3 || from_end == 4);
    /* The configuration signature changes every few iterations, with occasional returns
     * to the previous one (A -> B -> A), as tuning does. */
    s->sig = (uint32_t)splitmix64(o->seed ^ (uint64_t)(i / 3));
    if (o->scenario == SG_SIM_FLAKY && i % 5 == 4)
        s->sig = (uint32_t)splitmix64(o->seed ^ (uint64_t)((i - 2) / 3));
    runtime_of(i, s->runtime);
}

/* ------------------------------------------------------------------ rendering */

static void num(struct sg_buf *b, double d)
{
    char t[SG_NUM_BUFSZ];
    sg_num_format(t, d);
    sg_buf_adds(b, t);
}

static void kv_num(struct sg_buf *b, int ind, const char *k, double d, bool last)
{
    sg_buf_addf(b, "%*s\"%s\": ", ind, "", k);
    num(b, d);
    sg_buf_adds(b, last ? "\n" : ",\n");
}

static void kv_raw(struct sg_buf *b, int ind, const char *k, const char *raw, bool last)
{
    sg_buf_addf(b, "%*s\"%s\": %s%s\n", ind, "", k, raw, last ? "" : ",");
}

static void kv_str(struct sg_buf *b, int ind, const char *k, const char *s, bool last)
{
    sg_buf_addf(b, "%*s\"%s\": \"%s\"%s\n", ind, "", k, s, last ? "" : ",");
}

static const char *tf(int v)
{
    return v ? "true" : "false";
}

static void render_nested(const struct sg_sim_opts *o, int64_t i, const struct sim_iter *s,
                          struct sg_buf *b)
{
    char sig[24];
    snprintf(sig, sizeof sig, "sig_%08" PRIx32, s->sig);
    sg_buf_addf(b, "{\n  \"iteration\": %" PRId64 ",\n  \"summary\": {\n", i);
    kv_num(b, 4, "adverse_bps_p95", round_to(1.2 + 0.1 * (double)(i % 3), 2), false);
    kv_num(b, 4, "maker_taker_ratio", s->maker, false);
    kv_num(b, 4, "net_bps", s->net, false);
    kv_num(b, 4, "p95_latency_ms", s->p95, false);
    kv_num(b, 4, "risk_ratio", s->risk, false);
    kv_str(b, 4, "runtime_utc", s->runtime, false);
    kv_num(b, 4, "slippage_bps", round_to(0.5 + 0.05 * (double)(i % 2), 2), true);
    sg_buf_adds(b, "  },\n  \"tuning\": {\n");
    kv_raw(b, 4, "applied", tf(!s->cooldown), false);
    kv_raw(b, 4, "cooldown_active", tf(s->cooldown), false);
    kv_str(b, 4, "freeze_reason", s->freeze ? "two_stable_iterations" : "", false);
    kv_raw(b, 4, "freeze_triggered", tf(s->freeze), false);
    kv_raw(b, 4, "oscillation_detected", tf(s->oscillation), false);
    if (s->cooldown)
        kv_raw(b, 4, "proposed_deltas", "{}", false);
    else
        sg_buf_adds(b, "    \"proposed_deltas\": {\n      \"base_spread_bps\": 0.01,\n"
                       "      \"min_interval_ms\": 5\n    },\n");
    kv_str(b, 4, "signature", sig, false);
    kv_str(b, 4, "state_hash", sig, false);
    kv_raw(b, 4, "velocity_violation", tf(s->velocity), true);
    sg_buf_adds(b, "  }\n}");
    (void)o;
}

static void hash64(uint64_t seed, uint32_t sig, char out[65])
{
    for (int k = 0; k < 4; k++)
        snprintf(out + 16 * k, 17, "%016" PRIx64, splitmix64(seed ^ sig ^ (uint64_t)k << 40));
}

static void render_runner_summary(int64_t i, const struct sim_iter *s, struct sg_buf *b)
{
    sg_buf_adds(b, "  \"summary\": {\n    \"adverse_bps\": null,\n");
    kv_num(b, 4, "adverse_bps_p95", round_to(2.6 + 0.1 * (double)(i % 5), 2), false);
    sg_buf_adds(b, "    \"blocks\": {\n      \"counts\": {\n        \"allowed\": 0,\n"
                   "        \"concurrency\": 0,\n        \"min_interval\": 0,\n"
                   "        \"other\": 0,\n        \"risk\": 0,\n        \"throttle\": 0\n"
                   "      },\n      \"ratios\": {},\n      \"total\": 0\n    },\n");
    kv_num(b, 4, "concurrency_ratio", 0.12, false);
    sg_buf_adds(b, "    \"fees_eff_bps\": null,\n    \"fills\": {\n");
    sg_buf_addf(b, "      \"maker_count\": %d,\n", (int)(s->maker * 1000));
    sg_buf_addf(b, "      \"maker_volume\": %d.0,\n", (int)(s->maker * 50000));
    sg_buf_addf(b, "      \"taker_count\": %d,\n", 1000 - (int)(s->maker * 1000));
    sg_buf_addf(b, "      \"taker_volume\": %d.0\n    },\n", 50000 - (int)(s->maker * 50000));
    sg_buf_adds(b, "    \"gross_bps\": null,\n    \"inventory_bps\": null,\n"
                   "    \"kpi_reasons\": [],\n");
    kv_str(b, 4, "kpi_verdict", s->net >= 2.5 ? "PASS" : "FAIL", false);
    kv_num(b, 4, "maker_taker_ratio", s->maker, false);
    kv_str(b, 4, "maker_taker_source", "fills_volume", false);
    kv_num(b, 4, "min_interval_ratio", 0.2, false);
    sg_buf_adds(b, "    \"neg_edge_drivers\": [],\n");
    kv_num(b, 4, "net_bps", s->net, false);
    kv_raw(b, 4, "order_age_p95_ms", "330", false);
    kv_num(b, 4, "p95_latency_ms", s->p95, false);
    kv_num(b, 4, "risk_ratio", s->risk, false);
    kv_str(b, 4, "runtime_utc", s->runtime, false);
    sg_buf_adds(b, "    \"sentinel_advice\": [],\n    \"slippage_bps\": null,\n");
    kv_num(b, 4, "slippage_bps_p95", 2.2, false);
    kv_str(b, 4, "version", "sim", true);
    sg_buf_adds(b, "  },\n");
}

static void render_runner(const struct sg_sim_opts *o, int64_t i, const struct sim_iter *s,
                          struct sg_buf *b)
{
    char hash[65], old[65];
    hash64(o->seed, s->sig, hash);
    hash64(o->seed, s->sig ^ 0x5a5a5a5au, old);
    bool blocked = s->cooldown || s->velocity || s->oscillation || s->freeze;
    sg_buf_addf(b, "{\n  \"iteration\": %" PRId64 ",\n", i);
    render_runner_summary(i, s, b);
    sg_buf_adds(b, "  \"tuning\": {\n");
    kv_raw(b, 4, "applied", tf(!blocked), false);
    sg_buf_adds(b, blocked ? "    \"changed_keys\": [],\n"
                           : "    \"changed_keys\": [\n      \"min_interval_ms\",\n"
                             "      \"tail_age_ms\"\n    ],\n");
    sg_buf_adds(b, "    \"conditions\": {\n");
    kv_num(b, 6, "adverse_p95", round_to(2.6 + 0.1 * (double)(i % 5), 2), false);
    kv_num(b, 6, "net_bps", s->net, false);
    kv_num(b, 6, "risk_ratio", s->risk, true);
    sg_buf_adds(b, "    },\n    \"deltas\": {\n      \"min_interval_ms\": 5,\n"
                   "      \"tail_age_ms\": 30\n    },\n");
    kv_str(b, 4, "old_hash", old, false);
    sg_buf_adds(b, "    \"proposed_deltas\": {\n      \"min_interval_ms\": 5,\n"
                   "      \"tail_age_ms\": 30\n    },\n");
    kv_str(b, 4, "rationale", "risk within band -> min_interval +5ms | tail_age +30ms", false);
    if (blocked) {
        sg_buf_adds(b, "    \"skip_reason\": {\n");
        kv_raw(b, 6, "cooldown", tf(s->cooldown), false);
        kv_raw(b, 6, "freeze", tf(s->freeze), false);
        kv_raw(b, 6, "no_op", "false", false);
        kv_str(b, 6, "note", "guard active", false);
        kv_raw(b, 6, "oscillation", tf(s->oscillation), false);
        kv_raw(b, 6, "velocity", tf(s->velocity), true);
        sg_buf_adds(b, "    },\n    \"state_hash\": null\n  }\n}");
    } else {
        sg_buf_adds(b, "    \"skip_reason\": \"\",\n");
        kv_str(b, 4, "state_hash", hash, true);
        sg_buf_adds(b, "  }\n}");
    }
}

void sg_simulate_render(const struct sg_sim_opts *o, int64_t i, struct sg_buf *out)
{
    struct sim_iter s;
    model(o, i, &s);
    if (o->layout == SG_SIM_RUNNER)
        render_runner(o, i, &s, out);
    else
        render_nested(o, i, &s, out);
}

enum sg_rc sg_simulate_write(const struct sg_sim_opts *o, struct sg_err *err)
{
    enum sg_rc rc = sg_fsx_mkdirs(o->out_dir, err);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    for (int64_t i = 1; i <= o->iterations && rc == SG_OK; i++) {
        sg_buf_reset(&b);
        sg_simulate_render(o, i, &b);
        char name[48];
        snprintf(name, sizeof name, "ITER_SUMMARY_%" PRId64 ".json", i);
        char *path = sg_fsx_join(o->out_dir, name);
        rc = sg_fsx_write(path, b.data, b.len, err);
        free(path);
    }
    sg_buf_release(&b);
    return rc;
}
