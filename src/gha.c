/* SPDX-License-Identifier: MIT */
/* The GitHub Actions edge (see gha.h). */
#include "gha.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fsx.h"
#include "xalloc.h"

/* Secret inputs and variables: masked before anything else is printed. */
static const char *const secret_inputs[] = {"webhook-url", "telegram-bot-token",
                                            "telegram-chat-id", NULL};
static const char *const secret_vars[] = {"SOAK_GATE_SLACK_WEBHOOK_URL",
                                          "SOAK_GATE_TELEGRAM_BOT_TOKEN",
                                          "SOAK_GATE_TELEGRAM_CHAT_ID", NULL};

void sg_gha_input_env_name(const char *input, char *out, size_t out_size)
{
    size_t n = 0;
    const char *prefix = "INPUT_";
    for (const char *p = prefix; *p && n + 1 < out_size; p++)
        out[n++] = *p;
    for (const char *p = input; *p && n + 1 < out_size; p++)
        out[n++] = *p == ' ' ? '_' : (char)toupper((unsigned char)*p);
    out[n] = '\0';
}

static const char *input(const char *name)
{
    char env[96];
    sg_gha_input_env_name(name, env, sizeof env);
    const char *v = getenv(env);
    return v && v[0] ? v : NULL;
}

/* ------------------------------------------------------------------ inputs -> config */

static const char *in_workspace(const char *v, struct sg_arena *strings)
{
    const char *ws = getenv("GITHUB_WORKSPACE");
    if (v[0] == '/' || ws == NULL || ws[0] == '\0')
        return v;
    char *p = sg_fsx_join(ws, v);
    const char *s = sg_arena_strdup(strings, p);
    free(p);
    return s;
}

/* A repeatable option as one input: values separated by commas or newlines. */
static enum sg_rc set_list_input(struct sg_config *cfg, const struct sg_option *o, const char *v,
                                 struct sg_arena *strings, struct sg_err *err)
{
    while (*v) {
        size_t n = strcspn(v, ",\n");
        const char *a = v, *b = v + n;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a) {
            enum sg_rc rc = sg_config_set(cfg, o, sg_arena_strndup(strings, a, (size_t)(b - a)), err);
            if (rc != SG_OK) {
                sg_err_wrap(err, "input '%s'", o->name);
                return rc;
            }
        }
        v += n + (v[n] != '\0');
    }
    return SG_OK;
}

static enum sg_rc set_input(struct sg_config *cfg, const struct sg_option *o, const char *v,
                            struct sg_arena *strings, struct sg_err *err)
{
    if (strcmp(o->name, "summary") == 0) {
        if (strcmp(v, "false") == 0)
            return SG_OK;
        if (strcmp(v, "true") == 0) {
            const char *f = getenv("GITHUB_STEP_SUMMARY");
            if (f && f[0])
                cfg->summary_file = sg_arena_strdup(strings, f);
            return SG_OK;
        }
    }
    if (strcmp(o->name, "audit") == 0) {
        cfg->no_audit = strcmp(v, "false") == 0;
        if (cfg->no_audit || strcmp(v, "true") == 0)
            return SG_OK;
    }
    if (o->type == SG_OPT_LIST)
        return set_list_input(cfg, o, v, strings, err);
    const char *val = sg_arena_strdup(strings, v);
    if (o->where & SG_OPT_PATH)
        val = in_workspace(val, strings);
    enum sg_rc rc = sg_config_set(cfg, o, val, err);
    if (rc != SG_OK)
        sg_err_wrap(err, "input '%s'", o->name);
    return rc;
}

enum sg_rc sg_gha_load_config(struct sg_config *cfg, struct sg_arena *strings,
                              struct sg_err *err)
{
    const struct sg_option *cf = sg_config_find("config");
    const char *v = input("config");
    enum sg_rc rc = SG_OK;
    if (v) {
        rc = set_input(cfg, cf, v, strings, err);
        if (rc == SG_OK)
            rc = sg_config_load_file(cfg, cfg->config_file, strings, err);
    }
    /* The default summary is the step summary page, like `summary: true`. */
    if (rc == SG_OK && input("summary") == NULL)
        rc = set_input(cfg, sg_config_find("summary"), "true", strings, err);
    for (const struct sg_option *o = sg_config_options(); o->name && rc == SG_OK; o++) {
        if (!(o->where & SG_OPT_ACTION) || o == cf)
            continue;
        if ((v = input(o->name)) != NULL)
            rc = set_input(cfg, o, v, strings, err);
    }
    if (rc == SG_OK && input("path") == NULL)
        cfg->path = in_workspace(cfg->path, strings);
    /* Secret inputs reach the same fields as the SOAK_GATE_* variables (inputs win). */
    if ((v = input("telegram-bot-token")) != NULL)
        cfg->alert_env.telegram_bot_token = sg_arena_strdup(strings, v);
    if ((v = input("telegram-chat-id")) != NULL)
        cfg->alert_env.telegram_chat_id = sg_arena_strdup(strings, v);
    return rc == SG_OK ? sg_config_validate(cfg, err) : rc;
}

/* ------------------------------------------------------------------ escaping and masks */

void sg_gha_escape_data(struct sg_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '%')
            sg_buf_adds(out, "%25");
        else if (*s == '\r')
            sg_buf_adds(out, "%0D");
        else if (*s == '\n')
            sg_buf_adds(out, "%0A");
        else
            sg_buf_addc(out, *s);
    }
}

void sg_gha_escape_property(struct sg_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == ':')
            sg_buf_adds(out, "%3A");
        else if (*s == ',')
            sg_buf_adds(out, "%2C");
        else {
            char one[2] = {*s, '\0'};
            sg_gha_escape_data(out, one);
        }
    }
}

static void mask_value(struct sg_buf *out, const char *v)
{
    /* The runner masks line by line: register every line of a multi-line secret. */
    while (v && *v) {
        const char *nl = strchr(v, '\n');
        size_t n = nl ? (size_t)(nl - v) : strlen(v);
        if (n > 0 && !(n == 1 && v[0] == '\r'))
            sg_buf_addf(out, "::add-mask::%.*s\n", (int)n, v);
        v = nl ? nl + 1 : NULL;
    }
}

/* A Telegram URL carries the token in its path: mask the token on its own as well. */
static void mask_telegram_token(struct sg_buf *out, const char *url)
{
    const char *bot = url ? strstr(url, "/bot") : NULL;
    if (bot == NULL)
        return;
    bot += 4;
    size_t n = strcspn(bot, "/?#");
    if (n > 0)
        sg_buf_addf(out, "::add-mask::%.*s\n", (int)n, bot);
}

void sg_gha_render_masks(struct sg_buf *out)
{
    for (int i = 0; secret_inputs[i]; i++) {
        mask_value(out, input(secret_inputs[i]));
        mask_telegram_token(out, input(secret_inputs[i]));
    }
    for (int i = 0; secret_vars[i]; i++) {
        const char *v = getenv(secret_vars[i]);
        mask_value(out, v && v[0] ? v : NULL);
        mask_telegram_token(out, v);
    }
}

/* ------------------------------------------------------------------ step outputs */

/* path relative to the workspace when inside it (the host's path differs from the
 * container's, so later steps need the relative form), else as is. */
static const char *workspace_relative(const char *path, const char *workspace)
{
    size_t n = workspace ? strlen(workspace) : 0;
    if (n > 0 && strncmp(path, workspace, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static enum sg_rc add_heredoc(struct sg_buf *out, const char *name, const char *value,
                              const char *delim, struct sg_err *err)
{
    if (strstr(value, delim) != NULL)
        return sg_err_set(err, SG_BUG, "output %s contains the delimiter", name);
    sg_buf_addf(out, "%s<<%s\n%s\n%s\n", name, delim, value, delim);
    return SG_OK;
}

static enum sg_rc add_path_output(struct sg_buf *out, const char *name, bool written,
                                  const struct sg_config *cfg, const char *file,
                                  const char *workspace, const char *delim, struct sg_err *err)
{
    char *p = written ? sg_fsx_join(cfg->path, file) : NULL;
    enum sg_rc rc = add_heredoc(out, name, p ? workspace_relative(p, workspace) : "", delim, err);
    free(p);
    return rc;
}

enum sg_rc sg_gha_render_outputs(const struct sg_outcome *o, const struct sg_config *cfg,
                                 enum sg_exit code, const char *workspace, const char *delim,
                                 struct sg_buf *out, struct sg_err *err)
{
    /* Enum and number outputs come from an allow-list, so a plain line is safe. */
    const char *verdict = o->has_verdict ? sg_verdict_name(o->verdict) : "ERROR";
    sg_buf_addf(out, "verdict=%s\n", verdict);
    sg_buf_addf(out, "freeze_ready=%s\n", o->has_verdict && o->freeze_ready ? "true" : "false");
    sg_buf_addf(out, "pass_count=%lld\n", (long long)o->pass_count);
    sg_buf_addf(out, "anomalies=%lld\n", (long long)o->anomalies);
    bool snap = o->has_verdict || code != SG_EXIT_ERROR;
    enum sg_rc rc = add_path_output(out, "snapshot_path", snap, cfg, "POST_SOAK_SNAPSHOT.json",
                                    workspace, delim, err);
    if (rc == SG_OK)
        rc = add_path_output(out, "metrics_path", snap && cfg->want_prometheus, cfg,
                             "POST_SOAK_METRICS.prom", workspace, delim, err);
    if (rc == SG_OK)
        rc = add_path_output(out, "report_path", snap && !cfg->no_audit, cfg,
                             "POST_SOAK_AUDIT.md", workspace, delim, err);
    return rc == SG_OK ? sg_buf_rc(out, err) : rc;
}

/* ------------------------------------------------------------------ annotations */

static void annotate(struct sg_buf *out, const char *level, const char *file, const char *title,
                     const char *msg)
{
    sg_buf_addf(out, "::%s ", level);
    if (file) {
        sg_buf_adds(out, "file=");
        sg_gha_escape_property(out, file);
        sg_buf_addc(out, ',');
    }
    sg_buf_adds(out, "title=");
    sg_gha_escape_property(out, title);
    sg_buf_adds(out, "::");
    sg_gha_escape_data(out, msg);
    sg_buf_addc(out, '\n');
}

/* The [ERROR] lines of the run's log, which say why it could not evaluate. */
static void error_lines(const char *log, struct sg_buf *out, size_t *n)
{
    for (const char *p = log; p && *p && *n < SG_GHA_MAX_ANNOTATIONS;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 8 && strncmp(p, "[ERROR] ", 8) == 0) {
            char *line = sg_xstrndup(p + 8, len - 8);
            annotate(out, "error", NULL, "soak-gate: cannot evaluate", line);
            free(line);
            (*n)++;
        }
        p = nl ? nl + 1 : NULL;
    }
}

static void verdict_annotation(const struct sg_outcome *o, enum sg_exit code, struct sg_buf *out)
{
    struct sg_buf msg;
    sg_buf_init(&msg, 4096);
    if (o->from_summary)
        sg_buf_addf(&msg, "Soak verdict %s, pass count %lld (from POST_SOAK_SUMMARY.json)",
                    sg_verdict_name(o->verdict), (long long)o->pass_count);
    else
        sg_buf_addf(&msg, "Soak verdict %s, pass count %lld/%zu, freeze_ready %s",
                    sg_verdict_name(o->verdict), (long long)o->pass_count, o->n_evaluated,
                    o->freeze_ready ? "true" : "false");
    for (size_t i = 0; i < o->n_reasons; i++)
        sg_buf_addf(&msg, "%s%s", i ? "; " : ": ", o->reasons[i]);
    if (code == SG_EXIT_FAIL)
        annotate(out, "error", NULL, "soak-gate", sg_buf_str(&msg));
    else if (o->verdict != SG_VERDICT_PASS)
        annotate(out, "warning", NULL, "soak-gate", sg_buf_str(&msg));
    sg_buf_release(&msg);
}

void sg_gha_render_annotations(const struct sg_outcome *o, enum sg_exit code, const char *log,
                               const char *workspace, const char *soak_dir, struct sg_buf *out)
{
    size_t n_err = 0, n_warn = 0;
    if (code == SG_EXIT_ERROR)
        error_lines(log, out, &n_err);
    if (o->has_verdict) {
        verdict_annotation(o, code, out);
        n_warn += o->verdict == SG_VERDICT_WARN && code != SG_EXIT_FAIL;
    }
    for (size_t i = 0; i < o->diags.n && n_warn < SG_GHA_MAX_ANNOTATIONS; i++, n_warn++) {
        const struct sg_diag *d = &o->diags.items[i];
        char *file = NULL;
        if (d->subject[0] && strchr(d->subject, ',') == NULL)
            file = sg_fsx_join(soak_dir, d->subject);
        struct sg_buf msg;
        sg_buf_init(&msg, 4096);
        sg_buf_addf(&msg, "%s%s%s", d->subject, d->subject[0] ? ": " : "", d->text);
        annotate(out, "warning", file ? workspace_relative(file, workspace) : NULL,
                 "soak-gate input", sg_buf_str(&msg));
        sg_buf_release(&msg);
        free(file);
    }
}

/* ------------------------------------------------------------------ the action */

/* 32 hex characters from /dev/urandom (falling back to the clock and pid). */
static void random_token(const char *prefix, char *out, size_t size)
{
    unsigned char raw[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, sizeof raw) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof raw) {
        unsigned long long x = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
        for (size_t i = 0; i < sizeof raw; i++, x = x * 6364136223846793005ull + 1442695040888963407ull)
            raw[i] = (unsigned char)(x >> 56);
    }
    size_t n = (size_t)snprintf(out, size, "%s", prefix);
    for (size_t i = 0; i < sizeof raw && n + 2 < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%02x", raw[i]);
}

static void write_file_command(const char *var, const struct sg_buf *b, FILE *log)
{
    const char *path = getenv(var);
    struct sg_err err = SG_ERR_INIT;
    if (path == NULL || path[0] == '\0' || b->len == 0)
        return;
    if (sg_fsx_append(path, b->data, b->len, &err) != SG_OK)
        fprintf(log, "::warning title=soak-gate::cannot write %s\n", var);
}

/* Runs the gate with its log captured, so it can be fenced off from command parsing. */
static enum sg_exit run_captured(const struct sg_config *cfg, struct sg_outcome *o, char **log)
{
    size_t len = 0;
    *log = NULL;
    FILE *mem = open_memstream(log, &len);
    if (mem == NULL)
        return sg_run(cfg, SG_CMD_GATE, stdout, stdout, o);
    enum sg_exit code = sg_run(cfg, SG_CMD_GATE, mem, mem, o);
    fclose(mem);
    return code;
}

/*
 * Hands the files soak-gate wrote back to the owner of the workspace: the container runs
 * as root, and root-owned files in the workspace break later steps that edit them.
 * lchown never follows a link planted in the soak dir.
 */
static void hand_back(const struct sg_config *cfg, FILE *out)
{
    static const char *const names[] = {"POST_SOAK_SNAPSHOT.json", "POST_SOAK_AUDIT.md",
                                        "POST_SOAK_COMPARE.json", "POST_SOAK_METRICS.prom", NULL};
    const char *ws = getenv("GITHUB_WORKSPACE");
    struct stat st;
    if (geteuid() != 0 || ws == NULL || ws[0] == '\0' || stat(ws, &st) != 0 || st.st_uid == 0)
        return;
    for (int i = 0; names[i]; i++) {
        char *p = sg_fsx_join(cfg->path, names[i]);
        struct stat f;
        if (lstat(p, &f) == 0 && S_ISREG(f.st_mode) && lchown(p, st.st_uid, st.st_gid) != 0)
            fprintf(out, "::warning title=soak-gate::cannot hand %s back to the workspace owner\n",
                    names[i]);
        free(p);
    }
}

int sg_gha_run(FILE *out)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_gha_render_masks(&b);
    fputs(sg_buf_str(&b), out);
    fflush(out);
    sg_buf_reset(&b);

    struct sg_config cfg;
    struct sg_arena strings;
    struct sg_err err = SG_ERR_INIT;
    struct sg_outcome o;
    sg_config_init(&cfg);
    sg_cli_read_env(&cfg);
    cfg.quiet = true;
    sg_arena_init(&strings);
    sg_outcome_init(&o);
    char *log = NULL;
    enum sg_exit code;
    if (sg_gha_load_config(&cfg, &strings, &err) != SG_OK) {
        code = SG_EXIT_ERROR;
        sg_buf_addf(&b, "[ERROR] %s\n", err.msg);
        log = sg_buf_detach(&b, NULL);
    } else {
        code = run_captured(&cfg, &o, &log);
    }
    const char *ws = getenv("GITHUB_WORKSPACE");
    char token[48], delim[64];
    random_token("", token, sizeof token);
    random_token("ghadelimiter_", delim, sizeof delim);
    size_t log_len = log ? strlen(log) : 0;
    fprintf(out, "::stop-commands::%s\n%s%s::%s::\n", token, log ? log : "",
            log_len && log[log_len - 1] != '\n' ? "\n" : "", token);
    sg_gha_render_annotations(&o, code, log, ws, cfg.path, &b);
    fputs(sg_buf_str(&b), out);
    sg_buf_reset(&b);
    if (sg_gha_render_outputs(&o, &cfg, code, ws, delim, &b, &err) == SG_OK)
        write_file_command("GITHUB_OUTPUT", &b, out);
    hand_back(&cfg, out);
    free(log);
    sg_buf_release(&b);
    sg_outcome_release(&o);
    sg_arena_release(&strings);
    return (int)code;
}
