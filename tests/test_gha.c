/* SPDX-License-Identifier: MIT */
/*
 * gha: the GitHub Actions edge. Unit tests of escaping, masks and step outputs, then the
 * built binary in action mode against an emulated runner environment (INPUT_* with
 * hyphens, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), parsing GITHUB_OUTPUT the way the
 * runner does, and a check that action.yml and the option table agree.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "gha.h"
#include "helpers.h"

static char *render(void (*fn)(struct sg_buf *, const char *), const char *s)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    fn(&b, s);
    return th_keep(sg_buf_detach(&b, NULL));
}

Test(gha, input_names_keep_hyphens)
{
    char env[64];
    sg_gha_input_env_name("fail-on", env, sizeof env);
    cr_assert_str_eq(env, "INPUT_FAIL-ON");
    sg_gha_input_env_name("p95 latency", env, sizeof env);
    cr_assert_str_eq(env, "INPUT_P95_LATENCY");
}

Test(gha, escapes_data_and_properties_per_the_runner_rules)
{
    cr_assert_str_eq(render(sg_gha_escape_data, "50%\r\n::error::x"), "50%25%0D%0A::error::x");
    cr_assert_str_eq(render(sg_gha_escape_property, "a:b,c%\n"), "a%3Ab%2Cc%25%0A");
}

Test(gha, masks_every_secret_line_and_the_telegram_token)
{
    setenv("INPUT_WEBHOOK-URL", "https://api.telegram.org/botTOKEN123:abc/sendMessage?chat_id=42", 1);
    setenv("SOAK_GATE_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/xyz", 1);
    setenv("INPUT_TELEGRAM-CHAT-ID", "line1\nline2", 1);
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_gha_render_masks(&b);
    const char *m = sg_buf_str(&b);
    cr_assert(th_contains(m, "::add-mask::https://api.telegram.org/botTOKEN123:abc/sendMessage"
                             "?chat_id=42\n"));
    cr_assert(th_contains(m, "::add-mask::TOKEN123:abc\n"), "%s", m);
    cr_assert(th_contains(m, "::add-mask::https://hooks.slack.com/services/T/B/xyz\n"));
    cr_assert(th_contains(m, "::add-mask::line1\n::add-mask::line2\n"), "%s", m);
    sg_buf_release(&b);
}

/* ------------------------------------------------------------------ GITHUB_OUTPUT */

/*
 * Parses a GITHUB_OUTPUT file as the runner does (FileCommandManager): "name=value" or
 * "name<<DELIM" ... "DELIM", whichever separator comes first on the line. Returns the
 * value of want (a new string) or NULL; fails the test on a malformed file.
 */
static char *output_value(const char *file, const char *want)
{
    char *found = NULL;
    const char *p = file;
    while (*p) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "EOF marker missing new line");
        char *line = th_fmt("%.*s", (int)(nl - p), p);
        p = nl + 1;
        char *eq = strchr(line, '='), *hd = strstr(line, "<<");
        if (eq && (!hd || eq < hd)) {
            *eq = '\0';
            if (strcmp(line, want) == 0)
                found = th_fmt("%s", eq + 1);
            continue;
        }
        cr_assert_not_null(hd, "invalid format '%s'", line);
        *hd = '\0';
        const char *delim = hd + 2;
        cr_assert(line[0] && delim[0], "name and delimiter must not be empty");
        char *end = th_fmt("\n%s\n", delim);
        const char *stop = strstr(p - 1, end);
        cr_assert_not_null(stop, "matching delimiter not found '%s'", delim);
        if (strcmp(line, want) == 0)
            found = th_fmt("%.*s", (int)(stop - p + 1 > 0 ? stop - p + 1 : 0), p);
        if (found && found[0] && found[strlen(found) - 1] == '\n')
            found[strlen(found) - 1] = '\0';
        p = stop + strlen(end);
    }
    return found;
}

Test(gha, outputs_use_a_heredoc_for_paths_and_refuse_the_delimiter)
{
    struct sg_outcome o;
    sg_outcome_init(&o);
    o.has_verdict = true;
    o.verdict = SG_VERDICT_WARN;
    o.pass_count = 5;
    o.anomalies = 1;
    struct sg_config cfg;
    sg_config_init(&cfg);
    cfg.path = "/github/workspace/runs/soak";
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_gha_render_outputs(&o, &cfg, SG_EXIT_OK, "/github/workspace", "ghadelimiter_X",
                                       &b, &err),
                 SG_OK);
    const char *f = sg_buf_str(&b);
    cr_assert_str_eq(output_value(f, "verdict"), "WARN");
    cr_assert_str_eq(output_value(f, "freeze_ready"), "false");
    cr_assert_str_eq(output_value(f, "pass_count"), "5");
    cr_assert_str_eq(output_value(f, "snapshot_path"), "runs/soak/POST_SOAK_SNAPSHOT.json");
    cr_assert_str_eq(output_value(f, "metrics_path"), "");
    cr_assert_str_eq(output_value(f, "report_path"), "runs/soak/POST_SOAK_AUDIT.md");
    /* A value holding the delimiter would end the heredoc early: refused. */
    cfg.path = "/github/workspace/ghadelimiter_X\nverdict=PASS";
    sg_buf_reset(&b);
    struct sg_err e2 = SG_ERR_INIT;
    cr_assert_eq(sg_gha_render_outputs(&o, &cfg, SG_EXIT_OK, "/github/workspace", "ghadelimiter_X",
                                       &b, &e2),
                 SG_BUG);
    sg_buf_release(&b);
}

/* ------------------------------------------------------------------ action mode end to end */

struct action_run {
    struct th_run r;
    char *ws;      /* workspace */
    char *output;  /* GITHUB_OUTPUT contents */
    char *summary; /* GITHUB_STEP_SUMMARY contents */
};

/* Runs `soak-gate action` with a workspace holding examples/<example> at runs/soak and
 * extra env ("INPUT_X=v"), as the runner would. */
static struct action_run action(const char *example, const char *const *extra)
{
    struct action_run a;
    a.ws = th_mkdtemp();
    char *runs = th_fmt("%s/runs", a.ws), *soak = th_fmt("%s/runs/soak", a.ws);
    cr_assert_eq(mkdir(runs, 0755), 0);
    cr_assert_eq(mkdir(soak, 0755), 0);
    if (example)
        th_copy_dir(th_fmt("%s/../examples/%s", SG_TESTS_DIR, example), soak);
    char *out = th_fmt("%s/_out", a.ws), *sum = th_fmt("%s/_summary", a.ws);
    th_write(a.ws, "_out", "");
    th_write(a.ws, "_summary", "");
    const char *env[32];
    size_t n = 0;
    env[n++] = th_fmt("GITHUB_WORKSPACE=%s", a.ws);
    env[n++] = th_fmt("GITHUB_OUTPUT=%s", out);
    env[n++] = th_fmt("GITHUB_STEP_SUMMARY=%s", sum);
    env[n++] = "INPUT_PATH=runs/soak";
    env[n++] = "SOAK_GATE_NOW=1760616000";
    for (const char *const *e = extra; e && *e && n < 30; e++)
        env[n++] = *e;
    env[n] = NULL;
    const char *argv[] = {"action", NULL};
    a.r = th_run_bin(a.ws, env, argv);
    a.output = th_slurp(out, NULL);
    a.summary = th_slurp(sum, NULL);
    return a;
}

Test(gha, pass_run_sets_outputs_summary_and_no_annotation)
{
    struct action_run a = action("pass", NULL);
    cr_assert_eq(a.r.status, 0, "%s", a.r.out);
    cr_assert_str_eq(output_value(a.output, "verdict"), "PASS");
    cr_assert_str_eq(output_value(a.output, "freeze_ready"), "true");
    cr_assert_str_eq(output_value(a.output, "snapshot_path"), "runs/soak/POST_SOAK_SNAPSHOT.json");
    cr_assert(th_contains(a.summary, "PASS"), "%s", a.summary);
    cr_assert_not(th_contains(a.r.out, "::error"), "%s", a.r.out);
    cr_assert_not(th_contains(a.r.out, "::warning"), "%s", a.r.out);
    char *snap = th_slurp(th_fmt("%s/runs/soak/POST_SOAK_SNAPSHOT.json", a.ws), NULL);
    cr_assert(th_contains(snap, "\"verdict\":\"PASS\""));
    th_rmtree(a.ws);
}

Test(gha, warn_run_warns_and_fail_on_warn_fails)
{
    struct action_run a = action("warn", NULL);
    cr_assert_eq(a.r.status, 0);
    cr_assert(th_contains(a.r.out, "::warning title=soak-gate::Soak verdict WARN, pass count 5/8"),
              "%s", a.r.out);
    cr_assert_str_eq(output_value(a.output, "verdict"), "WARN");
    th_rmtree(a.ws);
    const char *extra[] = {"INPUT_FAIL-ON=warn", NULL};
    a = action("warn", extra);
    cr_assert_eq(a.r.status, 1, "%s", a.r.out);
    cr_assert(th_contains(a.r.out, "::error title=soak-gate::Soak verdict WARN"), "%s", a.r.out);
    th_rmtree(a.ws);
}

Test(gha, fail_run_is_an_error_annotation_with_its_reasons)
{
    struct action_run a = action("fail", NULL);
    cr_assert_eq(a.r.status, 1);
    cr_assert(th_contains(a.r.out, "::error title=soak-gate::Soak verdict FAIL, pass count 3/8, "
                                   "freeze_ready false: Verdict is FAIL\n"),
              "%s", a.r.out);
    cr_assert_str_eq(output_value(a.output, "verdict"), "FAIL");
    cr_assert_str_eq(output_value(a.output, "pass_count"), "3");
    th_rmtree(a.ws);
}

Test(gha, invalid_input_is_exit_2_with_verdict_error)
{
    const char *extra[] = {"INPUT_FAIL-ON=sometimes", "INPUT_WINDOW=", NULL};
    struct action_run a = action("pass", extra);
    cr_assert_eq(a.r.status, 2, "%s", a.r.out);
    cr_assert(th_contains(a.r.out, "::error title=soak-gate%3A cannot evaluate::input 'fail-on'"),
              "%s", a.r.out);
    cr_assert_str_eq(output_value(a.output, "verdict"), "ERROR");
    cr_assert_str_eq(output_value(a.output, "snapshot_path"), "");
    th_rmtree(a.ws);
}

Test(gha, empty_inputs_mean_unset_and_outside_actions_is_fine)
{
    const char *extra[] = {"INPUT_WINDOW=", "INPUT_RISK-MAX=", "INPUT_COMPARE=", NULL};
    struct action_run a = action("pass", extra);
    cr_assert_eq(a.r.status, 0, "%s", a.r.out);
    th_rmtree(a.ws);
    char *ws = th_mkdtemp();
    th_copy_dir(SG_TESTS_DIR "/../examples/pass", ws);
    const char *env[] = {"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE",
                         th_fmt("INPUT_PATH=%s", ws), NULL};
    const char *argv[] = {"action", NULL};
    struct th_run r = th_run_bin(NULL, env, argv);
    cr_assert_eq(r.status, 0, "%s", r.out);
    th_rmtree(ws);
}

Test(gha, hostile_file_names_are_fenced_by_stop_commands)
{
    struct action_run a = action("pass", NULL);
    th_rmtree(a.ws);
    char *ws = th_mkdtemp();
    th_copy_dir(SG_TESTS_DIR "/../examples/pass", ws);
    th_write(ws, "ITER_SUMMARY_\n::error::owned.json", "{}");
    th_write(ws, "ITER_SUMMARY_99.json", "{\"summary\": {\"risk_ratio\": \"::set-output x\"}}");
    const char *env[] = {th_fmt("INPUT_PATH=%s", ws), "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY",
                         NULL};
    const char *argv[] = {"action", NULL};
    struct th_run r = th_run_bin(NULL, env, argv);
    /* Everything the run echoed sits between ::stop-commands::T and ::T::. */
    const char *start = strstr(r.out, "::stop-commands::");
    cr_assert_not_null(start, "%s", r.out);
    char token[64];
    cr_assert_eq(sscanf(start, "::stop-commands::%63[0-9a-f]", token), 1);
    cr_assert_geq(strlen(token), 32);
    const char *end = strstr(start, th_fmt("\n::%s::\n", token));
    cr_assert_not_null(end);
    cr_assert(th_contains(start, "\n::error::owned.json: ignored"), "echoed inside: %s", r.out);
    /* After the fence only our own annotations, one per line, input text escaped. */
    for (const char *p = end + strlen(token) + 6; *p;) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl);
        cr_assert(strncmp(p, "::warning ", 10) == 0 || strncmp(p, "::error ", 8) == 0,
                  "unexpected line after the fence: %.*s", (int)(nl - p), p);
        p = nl + 1;
    }
    cr_assert(th_contains(end, "ITER_SUMMARY_%0A::error::owned.json: ignored"), "%s", end);
    th_rmtree(ws);
}

Test(gha, secrets_never_appear_outside_the_masks)
{
    const char *secret = "https://hooks.slack.com/services/T000/B000/s3cr3tv4lue";
    const char *extra[] = {th_fmt("INPUT_WEBHOOK-URL=%s", secret), "INPUT_NOTIFY=slack",
                           "INPUT_NOTIFY-ON=fail", NULL};
    struct action_run a = action("pass", extra);
    cr_assert_eq(a.r.status, 0, "%s", a.r.out);
    /* The only place the secret may appear is the ::add-mask:: line, before all output. */
    const char *first = strstr(a.r.out, "s3cr3tv4lue");
    cr_assert_not_null(first);
    cr_assert(strncmp(a.r.out, "::add-mask::", 12) == 0);
    cr_assert_null(strstr(first + 1, "s3cr3tv4lue"), "%s", a.r.out);
    cr_assert_not(th_contains(a.r.err, "s3cr3t"));
    cr_assert_not(th_contains(a.output, "s3cr3t"));
    cr_assert_not(th_contains(a.summary, "s3cr3t"));
    const char *files[] = {"POST_SOAK_SNAPSHOT.json", "POST_SOAK_AUDIT.md", NULL};
    for (int i = 0; files[i]; i++) {
        char *c = th_slurp(th_fmt("%s/runs/soak/%s", a.ws, files[i]), NULL);
        cr_assert_not_null(c);
        cr_assert_not(th_contains(c, "s3cr3t"), "%s", files[i]);
    }
    th_rmtree(a.ws);
}

/* ------------------------------------------------------------------ action.yml */

/* Keys of a two-space-indented mapping under "section:" at the top level of action.yml. */
static size_t yaml_keys(const char *yml, const char *section, char keys[64][48])
{
    char *head = th_fmt("\n%s:\n", section);
    const char *p = strstr(yml, head);
    cr_assert_not_null(p, "no %s in action.yml", section);
    p += strlen(head);
    size_t n = 0;
    while (*p && (*p == ' ' || *p == '\n' || *p == '#')) {
        const char *nl = strchr(p, '\n');
        if (nl == NULL)
            break;
        if (p[0] == ' ' && p[1] == ' ' && p[2] != ' ' && p[2] != '#' && n < 64) {
            const char *colon = memchr(p, ':', (size_t)(nl - p));
            cr_assert_not_null(colon);
            snprintf(keys[n++], 48, "%.*s", (int)(colon - p - 2), p + 2);
        }
        p = nl + 1;
    }
    return n;
}

static bool in(char keys[64][48], size_t n, const char *k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], k) == 0)
            return true;
    return false;
}

/* Action inputs that are not rows of the option table (handled in gha.c). */
static const char *const action_only[] = {"telegram-bot-token", "telegram-chat-id", NULL};

Test(gha, action_yml_inputs_outputs_and_option_table_agree)
{
    char *yml = th_slurp(SG_TESTS_DIR "/../action.yml", NULL);
    cr_assert_not_null(yml);
    char inputs[64][48], outputs[64][48];
    size_t ni = yaml_keys(yml, "inputs", inputs);
    size_t no = yaml_keys(strstr(yml, "\noutputs:") - 1, "outputs", outputs);
    for (const struct sg_option *o = sg_config_options(); o->name; o++)
        if (o->where & SG_OPT_ACTION)
            cr_assert(in(inputs, ni, o->name), "option --%s is an action input but not in action.yml",
                      o->name);
    for (size_t i = 0; i < ni; i++) {
        const struct sg_option *o = sg_config_find(inputs[i]);
        bool special = false;
        for (int k = 0; action_only[k]; k++)
            special |= strcmp(action_only[k], inputs[i]) == 0;
        cr_assert(special || (o && (o->where & SG_OPT_ACTION)),
                  "action.yml input '%s' maps to no action option", inputs[i]);
        char *block = strstr(yml, th_fmt("\n  %s:\n", inputs[i]));
        char *next = strstr(block + 3, "\n  ") ? block : block;
        (void)next;
        cr_assert(strstr(block, "description:") != NULL);
    }
    const char *want_out[] = {"verdict", "freeze_ready", "pass_count", "anomalies",
                              "snapshot_path", "metrics_path", "report_path", NULL};
    for (int i = 0; want_out[i]; i++)
        cr_assert(in(outputs, no, want_out[i]), "output %s missing", want_out[i]);
    cr_assert_eq(no, 7, "exactly the outputs gha.c writes");
}

Test(gha, outputs_are_handed_back_to_the_workspace_owner)
{
    if (geteuid() != 0) {
        /* Only root can give files away; as a normal user the files are already ours. */
        cr_log_warn("not root: ownership hand-back checked only as root");
        struct action_run a = action("pass", NULL);
        cr_assert_eq(a.r.status, 0);
        th_rmtree(a.ws);
        return;
    }
    char *ws = th_mkdtemp();
    char *soak = th_fmt("%s/soak", ws);
    cr_assert_eq(mkdir(soak, 0755), 0);
    th_copy_dir(SG_TESTS_DIR "/../examples/pass", soak);
    cr_assert_eq(chown(ws, 4321, 4321), 0);
    const char *env[] = {th_fmt("GITHUB_WORKSPACE=%s", ws), "INPUT_PATH=soak", "GITHUB_OUTPUT",
                         "GITHUB_STEP_SUMMARY", NULL};
    const char *argv[] = {"action", NULL};
    struct th_run r = th_run_bin(ws, env, argv);
    cr_assert_eq(r.status, 0, "%s", r.out);
    const char *names[] = {"POST_SOAK_SNAPSHOT.json", "POST_SOAK_AUDIT.md", NULL};
    for (int i = 0; names[i]; i++) {
        struct stat st;
        cr_assert_eq(stat(th_fmt("%s/%s", soak, names[i]), &st), 0);
        cr_assert_eq(st.st_uid, 4321, "%s owned by %u", names[i], (unsigned)st.st_uid);
        cr_assert_eq(st.st_gid, 4321);
    }
    th_rmtree(ws);
}
