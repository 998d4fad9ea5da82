/* SPDX-License-Identifier: MIT */
/*
 * Entry point: parse, dispatch, map the outcome to the exit code. The only exit() is the
 * return from main. Exit codes (D-7): 0 PASS or WARN, 1 FAIL, 2 could not evaluate (usage
 * error, missing or empty soak dir, invalid file under --strict, unwritable output).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "gha.h"
#include "run.h"
#include "simulate.h"
#include "version.h"

static int finish(int code)
{
    /* Output that did not reach stdout is a failure to write (exit 2). */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "[ERROR] cannot write to standard output\n");
        return SG_EXIT_ERROR;
    }
    return code;
}

static int dispatch(struct sg_cli *cli)
{
    struct sg_err err = SG_ERR_INIT;
    switch (cli->cmd) {
    case SG_CLI_HELP:
        sg_cli_usage(stdout, cli->help_topic);
        return SG_EXIT_OK;
    case SG_CLI_VERSION:
        printf("soak-gate %s\n", SG_VERSION);
        return SG_EXIT_OK;
    case SG_CLI_SIMULATE:
        if (sg_simulate_write(&cli->sim, &err) != SG_OK) {
            fprintf(stderr, "[ERROR] %s\n", err.msg);
            return SG_EXIT_ERROR;
        }
        fprintf(stderr, "[OK] Wrote %lld iterations to %s\n", (long long)cli->sim.iterations,
                cli->sim.out_dir);
        return SG_EXIT_OK;
    case SG_CLI_ACTION:
        return sg_gha_run(stdout);
    case SG_CLI_SNAPSHOT:
        return (int)sg_run(&cli->cfg, SG_CMD_SNAPSHOT, stdout, stderr, NULL);
    case SG_CLI_GATE:
        return (int)sg_run(&cli->cfg, SG_CMD_GATE, stdout, stderr, NULL);
    }
    return SG_EXIT_ERROR;
}

/* libcurl's global init loads the TLS stack (several ms per run); only commands that may
 * send a notification need it: the action, and snapshot/gate with --notify. */
static bool needs_curl(const struct sg_cli *cli)
{
    if (cli->cmd == SG_CLI_SNAPSHOT || cli->cmd == SG_CLI_GATE)
        return cli->cfg.notify.n > 0;
    return cli->cmd == SG_CLI_ACTION;
}

int main(int argc, char **argv)
{
    struct sg_cli cli;
    struct sg_err err = SG_ERR_INIT;
    int code;
    bool curl = false;
    if (sg_cli_parse(argc, argv, &cli, &err) != SG_OK) {
        fprintf(stderr, "[ERROR] %s\nRun 'soak-gate help%s%s' for usage.\n", err.msg,
                argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
        code = SG_EXIT_ERROR;
    } else if (needs_curl(&cli) && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "[ERROR] cannot initialise libcurl\n");
        code = SG_EXIT_ERROR;
    } else {
        curl = needs_curl(&cli);
        code = dispatch(&cli);
    }
    sg_cli_release(&cli);
    if (curl)
        curl_global_cleanup();
    return finish(code);
}
