/* SPDX-License-Identifier: MIT */
#ifndef SG_CLI_H
#define SG_CLI_H
/*
 * Command line -> what to do. The flags come from the shared option table (config.c),
 * so every flag is also a config-file key and (where marked) an action input. The usage
 * text lives here. Reads argv and the environment (SOAK_GATE_NOW fixes the clock for
 * reproducible reports; SOAK_GATE_* alert credentials and GITHUB_* for alert links, into
 * cfg.alert_env); never exits, never prints except through sg_cli_usage().
 */
#include <stdio.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "run.h"
#include "simulate.h"

enum sg_cli_cmd {
    SG_CLI_SNAPSHOT = 0,
    SG_CLI_GATE,
    SG_CLI_SIMULATE,
    SG_CLI_HELP,    /* print usage for help_topic, exit 0 */
    SG_CLI_VERSION, /* print the version, exit 0 */
    SG_CLI_ACTION,  /* GitHub action mode (gha.c) */
};

struct sg_cli {
    enum sg_cli_cmd cmd;
    const char *help_topic;   /* command name for SG_CLI_HELP, or NULL for the overview */
    struct sg_config cfg;     /* for snapshot and gate */
    struct sg_sim_opts sim;   /* for simulate */
    struct sg_arena strings;  /* strings from the config file; owned */
};

/* Parses argv into *cli (release with sg_cli_release, even on failure). SG_USAGE with a
 * message naming the bad option or value. */
enum sg_rc sg_cli_parse(int argc, char **argv, struct sg_cli *cli, struct sg_err *err);
void sg_cli_release(struct sg_cli *cli);

/* Seconds since the epoch: SOAK_GATE_NOW when set (reproducible reports), else the clock. */
int64_t sg_cli_clock_now(void);

/* Fills what the configuration takes from the environment: the clock and the alert
 * credentials and GitHub context (struct sg_alert_env). Borrowed from environ. */
void sg_cli_read_env(struct sg_config *cfg);

/* Prints usage for a command ("snapshot", "gate", "simulate") or the overview (NULL). */
void sg_cli_usage(FILE *f, const char *topic);

#endif
