/* SPDX-License-Identifier: MIT */
/* Command-line parsing and usage text (see cli.h). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "num.h"
#include "version.h"

static const char *const overview =
    "soak-gate " SG_VERSION " - judge a soak-test run from its ITER_SUMMARY_<n>.json files\n"
    "\n"
    "usage: soak-gate <command> [options]\n"
    "\n"
    "commands:\n"
    "  gate       compute the snapshot, print a verdict block, exit 0 PASS/WARN, 1 FAIL,\n"
    "             2 when it cannot judge\n"
    "  snapshot   compute and write POST_SOAK_SNAPSHOT.json, print it (exit 0 for every\n"
    "             verdict, 2 when it cannot evaluate)\n"
    "  simulate   write a synthetic, deterministic soak run\n"
    "  action     run as a GitHub action: inputs from INPUT_* variables, outputs to\n"
    "             GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (what entrypoint.sh runs)\n"
    "  help CMD   options of a command\n"
    "  version    print the version\n"
    "\n"
    "Run 'soak-gate help gate' for the options.\n";

static bool allowed(const struct sg_option *o, enum sg_cli_cmd cmd)
{
    if (!(o->where & SG_OPT_CLI))
        return false;
    return cmd == SG_CLI_GATE || !(o->where & SG_OPT_GATE);
}

static void usage_options(FILE *f, enum sg_cli_cmd cmd)
{
    for (const struct sg_option *o = sg_config_options(); o->name; o++) {
        if (!allowed(o, cmd))
            continue;
        char head[64];
        snprintf(head, sizeof head, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(f, "  %-28s %s\n", head, o->help);
    }
}

void sg_cli_usage(FILE *f, const char *topic)
{
    if (topic && strcmp(topic, "simulate") == 0) {
        fprintf(f, "usage: soak-gate simulate --out DIR [options]\n\n"
                   "Writes ITER_SUMMARY_1.json .. ITER_SUMMARY_<N>.json, the same bytes for the\n"
                   "same options on every machine.\n\n"
                   "  --out DIR                    directory to write (created if missing)\n"
                   "  --iterations N               number of iterations (default 24)\n"
                   "  --scenario NAME              %s (default pass)\n"
                   "  --seed S                     random seed, an unsigned integer (default 1)\n"
                   "  --layout NAME                nested (the original generator's files) or\n"
                   "                               runner (the real soak runner's files)\n",
                sg_sim_scenario_choices);
        return;
    }
    if (topic && (strcmp(topic, "gate") == 0 || strcmp(topic, "snapshot") == 0)) {
        bool gate = strcmp(topic, "gate") == 0;
        fprintf(f, "usage: soak-gate %s [options]\n\n%s\n\noptions:\n", topic,
                gate ? "Computes the snapshot like `snapshot`, then prints a verdict block on\n"
                       "stderr and exits 0 (PASS/WARN), 1 (FAIL) or 2 (cannot judge)."
                     : "Computes the schema-1.1 snapshot, writes DIR/POST_SOAK_SNAPSHOT.json and\n"
                       "prints it on stdout. Exits 0 for every verdict, 2 when it cannot evaluate.");
        usage_options(f, gate ? SG_CLI_GATE : SG_CLI_SNAPSHOT);
        fprintf(f, "  %-28s %s\n", "--help", "this text");
        return;
    }
    fputs(overview, f);
}

/* ------------------------------------------------------------------ parsing */

/* Splits "--name=value" / "--name value"; advances *i past a consumed value. */
static enum sg_rc flag_parts(int argc, char **argv, int *i, const struct sg_option **opt,
                             const char **value, enum sg_cli_cmd cmd, struct sg_err *err)
{
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2) != 0)
        return sg_err_set(err, SG_USAGE, "unexpected argument '%s'", arg);
    char name[64];
    const char *eq = strchr(arg + 2, '=');
    size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
    if (n >= sizeof name)
        return sg_err_set(err, SG_USAGE, "unknown option '%s'", arg);
    memcpy(name, arg + 2, n);
    name[n] = '\0';
    *opt = sg_config_find(name);
    if (*opt == NULL || !allowed(*opt, cmd) || strchr(name, '_'))
        return sg_err_set(err, SG_USAGE, "unknown option --%s", name);
    *value = eq ? eq + 1 : NULL;
    if (!eq && (*opt)->type != SG_OPT_BOOL) {
        if (*i + 1 >= argc)
            return sg_err_set(err, SG_USAGE, "--%s needs a value", name);
        *value = argv[++*i];
    }
    return SG_OK;
}

static enum sg_rc parse_run(int argc, char **argv, struct sg_cli *cli, struct sg_err *err)
{
    /* Pass 1 finds --config (and --help); pass 2 applies flags over the file's values. */
    for (int pass = 1; pass <= 2; pass++) {
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                cli->help_topic = argv[1];
                cli->cmd = SG_CLI_HELP;
                return SG_OK;
            }
            const struct sg_option *o = NULL;
            const char *v = NULL;
            enum sg_rc rc = flag_parts(argc, argv, &i, &o, &v, cli->cmd, err);
            if (rc != SG_OK)
                return rc;
            bool is_config = strcmp(o->name, "config") == 0;
            if (pass == 1 && is_config) {
                rc = sg_config_set(&cli->cfg, o, v, err);
                if (rc == SG_OK)
                    rc = sg_config_load_file(&cli->cfg, cli->cfg.config_file, &cli->strings, err);
            } else if (pass == 2 && !is_config) {
                rc = sg_config_set(&cli->cfg, o, v, err);
            }
            if (rc != SG_OK)
                return rc;
        }
    }
    return sg_config_validate(&cli->cfg, err);
}

static int choice(const char *choices, const char *v)
{
    int i = 0;
    size_t vl = strlen(v);
    for (const char *p = choices;; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == vl && strncmp(p, v, n) == 0)
            return i;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

static enum sg_rc sim_flag(struct sg_sim_opts *s, const char *name, const char *v,
                           struct sg_err *err)
{
    int64_t n;
    int c;
    if (strcmp(name, "out") == 0) {
        s->out_dir = v;
    } else if (strcmp(name, "iterations") == 0) {
        if (sg_num_parse_i64(v, 1, 10000000, &n, err) != SG_OK)
            goto bad;
        s->iterations = n;
    } else if (strcmp(name, "seed") == 0) {
        if (sg_num_parse_i64(v, 0, INT64_MAX, &n, err) != SG_OK)
            goto bad;
        s->seed = (uint64_t)n;
    } else if (strcmp(name, "scenario") == 0) {
        if ((c = choice(sg_sim_scenario_choices, v)) < 0)
            return sg_err_set(err, SG_USAGE, "--scenario: expected one of %s, got '%s'",
                              sg_sim_scenario_choices, v);
        s->scenario = (enum sg_sim_scenario)c;
    } else if (strcmp(name, "layout") == 0) {
        if ((c = choice(sg_sim_layout_choices, v)) < 0)
            return sg_err_set(err, SG_USAGE, "--layout: expected one of %s, got '%s'",
                              sg_sim_layout_choices, v);
        s->layout = (enum sg_sim_layout)c;
    } else {
        return sg_err_set(err, SG_USAGE, "unknown option --%s", name);
    }
    return SG_OK;
bad:
    sg_err_wrap(err, "--%s", name);
    err->rc = SG_USAGE;
    return SG_USAGE;
}

static enum sg_rc parse_simulate(int argc, char **argv, struct sg_cli *cli, struct sg_err *err)
{
    cli->sim = (struct sg_sim_opts){24, SG_SIM_PASS, 1, SG_SIM_NESTED, NULL};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli->cmd = SG_CLI_HELP;
            cli->help_topic = "simulate";
            return SG_OK;
        }
        if (strncmp(a, "--", 2) != 0)
            return sg_err_set(err, SG_USAGE, "unexpected argument '%s'", a);
        char name[32];
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n >= sizeof name)
            return sg_err_set(err, SG_USAGE, "unknown option '%s'", a);
        memcpy(name, a + 2, n);
        name[n] = '\0';
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (v == NULL)
            return sg_err_set(err, SG_USAGE, "--%s needs a value", name);
        enum sg_rc rc = sim_flag(&cli->sim, name, v, err);
        if (rc != SG_OK)
            return rc;
    }
    if (cli->sim.out_dir == NULL || cli->sim.out_dir[0] == '\0')
        return sg_err_set(err, SG_USAGE, "simulate needs --out DIR");
    return SG_OK;
}

int64_t sg_cli_clock_now(void)
{
    const char *fixed = getenv("SOAK_GATE_NOW");
    int64_t t;
    struct sg_err ignored = SG_ERR_INIT;
    if (fixed && sg_num_parse_i64(fixed, 0, INT64_MAX, &t, &ignored) == SG_OK)
        return t;
    return (int64_t)time(NULL);
}

/* ---- alerts (D-21): credentials, CA bundle, test hooks, CI run link ---- */

/* An environment variable, NULL when unset or empty (an unset Actions secret is ""). */
static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

static void alert_env(struct sg_alert_env *e)
{
    e->slack_webhook_url = env_value("SOAK_GATE_SLACK_WEBHOOK_URL");
    e->telegram_bot_token = env_value("SOAK_GATE_TELEGRAM_BOT_TOKEN");
    e->telegram_chat_id = env_value("SOAK_GATE_TELEGRAM_CHAT_ID");
    e->ca_file = env_value("SOAK_GATE_CA_FILE");
    if (e->ca_file == NULL)
        e->ca_file = env_value("SSL_CERT_FILE");
    e->telegram_api_base = env_value("SOAK_GATE_TELEGRAM_API_BASE");
    e->timeout_ms = env_value("SOAK_GATE_NOTIFY_TIMEOUT_MS");
    e->backoff_ms = env_value("SOAK_GATE_NOTIFY_BACKOFF_MS");
    e->server_url = env_value("GITHUB_SERVER_URL");
    e->repository = env_value("GITHUB_REPOSITORY");
    e->ref_name = env_value("GITHUB_REF_NAME");
    e->run_id = env_value("GITHUB_RUN_ID");
}

void sg_cli_read_env(struct sg_config *cfg)
{
    cfg->now = sg_cli_clock_now();
    alert_env(&cfg->alert_env);
}

enum sg_rc sg_cli_parse(int argc, char **argv, struct sg_cli *cli, struct sg_err *err)
{
    memset(cli, 0, sizeof *cli);
    sg_arena_init(&cli->strings);
    sg_config_init(&cli->cfg);
    sg_cli_read_env(&cli->cfg);
    const char *cmd = argc > 1 ? argv[1] : NULL;
    if (cmd == NULL || strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0) {
        cli->cmd = SG_CLI_HELP;
        cli->help_topic = cmd && strcmp(cmd, "help") == 0 && argc > 2 ? argv[2] : NULL;
        return SG_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        cli->cmd = SG_CLI_VERSION;
        return SG_OK;
    }
    if (strcmp(cmd, "action") == 0) {
        cli->cmd = SG_CLI_ACTION; /* every input comes from the environment (gha.c) */
        return SG_OK;
    }
    if (strcmp(cmd, "simulate") == 0) {
        cli->cmd = SG_CLI_SIMULATE;
        return parse_simulate(argc, argv, cli, err);
    }
    if (strcmp(cmd, "snapshot") == 0)
        cli->cmd = SG_CLI_SNAPSHOT;
    else if (strcmp(cmd, "gate") == 0)
        cli->cmd = SG_CLI_GATE;
    else
        return sg_err_set(err, SG_USAGE, "unknown command '%s'", cmd);
    return parse_run(argc, argv, cli, err);
}

void sg_cli_release(struct sg_cli *cli)
{
    sg_arena_release(&cli->strings);
}
