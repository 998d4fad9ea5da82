/* SPDX-License-Identifier: MIT */
#ifndef SG_SIMULATE_H
#define SG_SIMULATE_H
/*
 * `soak-gate simulate`: writes a realistic, deterministic soak run (the same seed gives
 * the same bytes on every machine) for the examples, the tests and the benchmarks.
 * Rendering an iteration is pure (sg_simulate_render); writing the directory is the only
 * I/O. Never prints.
 *
 * Scenarios (each KPI has small Gaussian noise around a healthy level):
 *  pass           every iteration healthy, a freeze inside the last 8 -> PASS
 *  warn           three of the last 8 iterations breach risk_ratio, a freeze -> WARN
 *  fail           five of the last 8 breach risk or maker share, a latency spike -> FAIL
 *  flaky          each iteration breaches one random KPI with probability 0.3
 *  latency-creep  p95 latency creeps up linearly from 270 to 310 ms over the run
 *  step           p95 latency shifts up from 270 to 310 ms at --step-at (default halfway)
 *  noise          stationary noise only, no freeze (verdict WARN by design)
 *
 * Drift validation (bench/drift.sh): p95 latency noise is Gaussian with sd 8 ms,
 * independent between iterations, so the creep and the step change it by 40 ms = 5 sd
 * while the last 8 iterations stay at about 310 ms, 5 sd below the 350 ms threshold (the
 * original tool still says PASS).
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

enum sg_sim_scenario {
    SG_SIM_PASS = 0,
    SG_SIM_WARN,
    SG_SIM_FAIL,
    SG_SIM_FLAKY,
    SG_SIM_LATENCY_CREEP,
    SG_SIM_STEP,
    SG_SIM_NOISE,
};

enum sg_sim_layout {
    SG_SIM_NESTED = 0, /* the original generator's layout, about 600 bytes a file */
    SG_SIM_RUNNER,     /* the real runner's layout (reference 1.3), about 2-3 KB a file */
};

struct sg_sim_opts {
    int64_t iterations;            /* >= 1 */
    enum sg_sim_scenario scenario;
    uint64_t seed;
    enum sg_sim_layout layout;
    const char *out_dir;           /* created if missing */
    int64_t step_at;               /* step: first shifted iteration (1-based); 0 = halfway */
};

/* "pass|warn|fail|flaky|latency-creep|step|noise" and "nested|runner". */
extern const char *const sg_sim_scenario_choices;
extern const char *const sg_sim_layout_choices;

/* Renders iteration i (1-based) of the run described by o into out (appended). */
void sg_simulate_render(const struct sg_sim_opts *o, int64_t i, struct sg_buf *out);

/* Writes ITER_SUMMARY_1.json .. ITER_SUMMARY_<n>.json into o->out_dir. SG_IO on failure. */
enum sg_rc sg_simulate_write(const struct sg_sim_opts *o, struct sg_err *err);

#endif
