/* SPDX-License-Identifier: MIT */
/*
 * The bad-input corpus (tests/bad-inputs/<case>/, see its README.md): one driver runs
 * every case through the built binary and checks its `expect` file: exit code, message
 * fragments on stderr/stdout, files that must survive byte for byte or must not exist.
 * Things git cannot hold (FIFOs, symlink loops, 100 MiB sparse files, mode 000, read-only
 * directories, a full disk) are built by `setup:` lines. Every case must also end without
 * a signal, a sanitizer report, a hang (60 s) or a temporary file left in the soak dir.
 * Each failure names its case.
 */
#define _GNU_SOURCE 1
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* A visible note on stderr. Not cr_log_warn: in Criterion 2.4.1 any cr_log_warn makes
 * the runner exit 1 even when every test passes. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("[NOTE] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

#define CORPUS SG_TESTS_DIR "/bad-inputs"
#define MAX_LINES 32

struct expect {
    char *args[MAX_LINES];
    size_t n_args;
    int exit_code, root_exit;              /* root_exit -1: same as exit_code */
    char *err_frag[MAX_LINES], *root_err_frag[MAX_LINES], *out_frag[MAX_LINES];
    size_t n_err, n_root_err, n_out;
    char *setup[MAX_LINES];
    size_t n_setup;
    char *keep[MAX_LINES], *absent[MAX_LINES];
    size_t n_keep, n_absent;
};

struct scratch {
    const char *name;      /* case name */
    char *tmp, *soak;      /* scratch root and the soak dir inside it */
    long fsize;            /* RLIMIT_FSIZE for the child, 0: none */
    bool stdout_full;      /* child stdout is /dev/full */
    bool mounted, immutable;
    char *kept[MAX_LINES]; /* bytes of expect.keep before the run */
    size_t kept_len[MAX_LINES];
};

struct child {
    int status;
    struct sg_text {
        char *s;
        size_t n;
    } out, err;
};

/* ------------------------------------------------------------------ expect files */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void add_line(char **v, size_t *n, const char *name, const char *s)
{
    cr_assert_lt(*n, MAX_LINES, "[%s] too many lines of one kind in expect", name);
    v[(*n)++] = strdup(s);
}

static void split_args(struct expect *e, char *s)
{
    for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " "))
        add_line(e->args, &e->n_args, "args", tok);
}

static void parse_line(struct expect *e, const char *name, char *line)
{
    line = trim(line);
    char *colon = strchr(line, ':');
    if (line[0] == '#' || line[0] == '\0')
        return;
    cr_assert_not_null(colon, "[%s] expect: line without 'key:': %s", name, line);
    *colon = '\0';
    char *key = trim(line), *val = trim(colon + 1);
    if (strcmp(key, "args") == 0)
        split_args(e, val);
    else if (strcmp(key, "exit") == 0)
        e->exit_code = atoi(val);
    else if (strcmp(key, "root-exit") == 0)
        e->root_exit = atoi(val);
    else if (strcmp(key, "stderr") == 0)
        add_line(e->err_frag, &e->n_err, name, val);
    else if (strcmp(key, "root-stderr") == 0)
        add_line(e->root_err_frag, &e->n_root_err, name, val);
    else if (strcmp(key, "stdout") == 0)
        add_line(e->out_frag, &e->n_out, name, val);
    else if (strcmp(key, "setup") == 0)
        add_line(e->setup, &e->n_setup, name, val);
    else if (strcmp(key, "keep") == 0)
        add_line(e->keep, &e->n_keep, name, val);
    else if (strcmp(key, "absent") == 0)
        add_line(e->absent, &e->n_absent, name, val);
    else if (strcmp(key, "note") != 0)
        cr_assert_fail("[%s] expect: unknown key '%s'", name, key);
}

static void load_expect(const char *name, struct expect *e)
{
    memset(e, 0, sizeof *e);
    e->exit_code = -1;
    e->root_exit = -1;
    char *path = th_fmt("%s/%s/expect", CORPUS, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "[%s] no expect file", name);
    char line[1024];
    while (fgets(line, sizeof line, f))
        parse_line(e, name, line);
    fclose(f);
    free(path);
    cr_assert(e->n_args > 0 && e->exit_code >= 0, "[%s] expect needs args: and exit:", name);
}

/* ------------------------------------------------------------------ setup actions */

static const char *const pass_json =
    "{\"summary\": {\"risk_ratio\": 0.3, \"maker_taker_ratio\": 0.9, \"net_bps\": 3.0, "
    "\"p95_latency_ms\": 300, \"runtime_utc\": \"2025-01-01T00:00:00Z\"}, "
    "\"tuning\": {\"freeze_triggered\": true, \"signature\": \"s\"}}";

static void write_pass(const struct scratch *s, int n)
{
    for (int i = 1; i <= n; i++) {
        char *name = th_fmt("ITER_SUMMARY_%d.json", i);
        th_write(s->soak, name, pass_json);
        free(name);
    }
}

/* {"summary": {"k0": 0, ..., "risk_ratio": 0.3, ...}} with n extra keys. */
static void write_many_keys(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"summary\": {", f);
    for (long i = 0; i < n; i++)
        fprintf(f, "\"k%ld\": %ld, ", i, i);
    fputs("\"risk_ratio\": 0.3, \"maker_taker_ratio\": 0.9, \"net_bps\": 3.0, "
          "\"p95_latency_ms\": 300}, \"tuning\": {\"freeze_triggered\": true}}",
          f);
    cr_assert_eq(fclose(f), 0);
}

static void write_deep(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"summary\": ", f);
    for (long i = 0; i < n; i++)
        fputs("{\"a\": ", f);
    fputs("1", f);
    for (long i = 0; i < n; i++)
        fputc('}', f);
    fputc('}', f);
    cr_assert_eq(fclose(f), 0);
}

static void write_sparse(const char *path, long bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "{\"summary\": {", 13), 13);
    cr_assert_eq(ftruncate(fd, bytes), 0, "sparse file: %s", strerror(errno));
    close(fd);
}

/* chattr +i on the soak dir: even root cannot create files in it. */
static bool set_immutable(const char *dir, bool on)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return false;
    int flags = 0;
    bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
    ok = ok && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    close(fd);
    return ok;
}

static void setup_readonly(struct scratch *s)
{
    cr_assert_eq(chmod(s->soak, 0500), 0);
    if (geteuid() != 0)
        return;
    s->immutable = set_immutable(s->soak, true);
    if (!s->immutable)
        note("[%s] running as root and chattr +i failed: the directory stays "
                    "writable for root; asserting the root behaviour instead", s->name);
}

/* Fills the (tiny tmpfs) soak dir until a write fails with ENOSPC. */
static void fill_disk(const struct scratch *s)
{
    char *p = th_fmt("%s/FILLER", s->soak);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    char block[512] = {0};
    while (write(fd, block, sizeof block) > 0)
        ;
    while (write(fd, block, 1) > 0)
        ;
    close(fd);
    free(p);
}

static void run_setup(struct scratch *s, char *line)
{
    char verb[32] = "", arg[256] = "";
    long num = 0;
    sscanf(line, "%31s %255s %ld", verb, arg, &num);
    char *path = th_fmt("%s/%s", strncmp(arg, "{tmp}/", 6) ? s->soak : s->tmp,
                        strncmp(arg, "{tmp}/", 6) ? arg : arg + 6);
    if (strcmp(verb, "pass") == 0)
        write_pass(s, atoi(arg));
    else if (strcmp(verb, "fifo") == 0)
        cr_assert_eq(mkfifo(path, 0644), 0, "[%s] mkfifo", s->name);
    else if (strcmp(verb, "dangling") == 0)
        cr_assert_eq(symlink("does-not-exist.json", path), 0);
    else if (strcmp(verb, "symlink-loop") == 0)
        cr_assert_eq(symlink(strrchr(path, '/') + 1, path), 0);
    else if (strcmp(verb, "mkdir") == 0)
        cr_assert_eq(mkdir(path, 0755), 0);
    else if (strcmp(verb, "mode000") == 0)
        cr_assert_eq(chmod(path, 0), 0, "[%s] chmod 000 %s", s->name, path);
    else if (strcmp(verb, "sparse") == 0)
        write_sparse(path, num);
    else if (strcmp(verb, "keys") == 0)
        write_many_keys(path, num);
    else if (strcmp(verb, "deep") == 0)
        write_deep(path, num);
    else if (strcmp(verb, "readonly-dir") == 0)
        setup_readonly(s);
    else if (strcmp(verb, "fsize") == 0)
        s->fsize = atol(arg);
    else if (strcmp(verb, "stdout-full") == 0)
        s->stdout_full = true;
    else if (strcmp(verb, "disk-full") == 0)
        fill_disk(s);
    else if (strcmp(verb, "tmpfs") != 0)
        cr_assert_fail("[%s] unknown setup '%s'", s->name, verb);
    free(path);
}

/* ------------------------------------------------------------------ scratch dirs */

/* "setup: tmpfs KB" mounts a tiny tmpfs as the soak dir (root only); false when it could
 * not, and the case then simulates the full disk with RLIMIT_FSIZE instead. */
static bool try_tmpfs(struct scratch *s, const struct expect *e)
{
    for (size_t i = 0; i < e->n_setup; i++) {
        long kb = 0;
        if (sscanf(e->setup[i], "tmpfs %ld", &kb) != 1)
            continue;
        char *opt = th_fmt("size=%ldk,mode=0755", kb);
        s->mounted = geteuid() == 0 && mount("sgfull", s->soak, "tmpfs", 0, opt) == 0;
        free(opt);
        if (!s->mounted) {
            note("[%s] cannot mount a tmpfs (not root or no permission): simulating "
                        "the full disk with RLIMIT_FSIZE instead", s->name);
            s->fsize = 64;
        }
        return s->mounted;
    }
    return false;
}

static void prepare(struct scratch *s, const struct expect *e)
{
    s->tmp = th_mkdtemp();
    s->soak = th_fmt("%s/soak", s->tmp);
    cr_assert_eq(mkdir(s->soak, 0755), 0);
    bool full = try_tmpfs(s, e);
    char *src = th_fmt("%s/%s/dir", CORPUS, s->name);
    struct stat st;
    if (stat(src, &st) == 0)
        th_copy_dir(src, s->soak);
    free(src);
    for (size_t i = 0; i < e->n_setup; i++)
        if (!full || strncmp(e->setup[i], "disk-full", 9) != 0)
            run_setup(s, e->setup[i]);
    if (full)
        fill_disk(s);
    for (size_t i = 0; i < e->n_keep; i++) {
        char *p = th_fmt("%s/%s", s->soak, e->keep[i]);
        s->kept[i] = th_slurp(p, &s->kept_len[i]);
        cr_assert_not_null(s->kept[i], "[%s] keep: %s does not exist before the run", s->name,
                           e->keep[i]);
        free(p);
    }
}

static void cleanup(struct scratch *s)
{
    if (s->immutable)
        set_immutable(s->soak, false);
    if (s->mounted)
        umount2(s->soak, MNT_DETACH);
    th_rmtree(s->tmp);
    for (size_t i = 0; i < MAX_LINES; i++)
        free(s->kept[i]);
    free(s->tmp);
    free(s->soak);
}

/* ------------------------------------------------------------------ running */

static char *expand(const char *arg, const struct scratch *s)
{
    const char *keys[] = {"{soak}", "{tmp}", "{case}"};
    char *vals[] = {s->soak, s->tmp, th_fmt("%s/%s", CORPUS, s->name)};
    char *out = NULL;
    for (int k = 0; k < 3 && out == NULL; k++) {
        const char *at = strstr(arg, keys[k]);
        if (at)
            out = th_fmt("%.*s%s%s", (int)(at - arg), arg, vals[k], at + strlen(keys[k]));
    }
    free(vals[2]);
    return out ? out : strdup(arg);
}

static void child_exec(const struct scratch *s, const struct expect *e, int po[2], int pe[2])
{
    char *av[MAX_LINES + 2];
    av[0] = strdup("soak-gate");
    for (size_t i = 0; i < e->n_args; i++)
        av[i + 1] = expand(e->args[i], s);
    av[e->n_args + 1] = NULL;
    int fi = open("/dev/null", O_RDONLY);
    int fo = s->stdout_full ? open("/dev/full", O_WRONLY) : po[1];
    if (fi < 0 || fo < 0)
        _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(pe[1], 2);
    close(po[0]);
    close(pe[0]);
    if (s->fsize > 0) {
        struct rlimit rl = {(rlim_t)s->fsize, (rlim_t)s->fsize};
        signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    execv(SG_BINARY, av);
    _exit(127);
}

static void drain(int fd, struct sg_text *t, bool *open_)
{
    char chunk[4096];
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r <= 0) {
        *open_ = false;
        return;
    }
    t->s = realloc(t->s, t->n + (size_t)r + 1);
    cr_assert_not_null(t->s);
    memcpy(t->s + t->n, chunk, (size_t)r);
    t->n += (size_t)r;
    t->s[t->n] = '\0';
}

/* Reads both pipes until they close or 60 s pass (then the child is killed: a hang). */
static void collect(pid_t pid, int fo, int fe, struct child *c)
{
    bool oo = true, eo = true;
    time_t start = time(NULL);
    while ((oo || eo) && time(NULL) - start < 60) {
        struct pollfd p[2] = {{oo ? fo : -1, POLLIN, 0}, {eo ? fe : -1, POLLIN, 0}};
        if (poll(p, 2, 1000) <= 0)
            continue;
        if (p[0].revents)
            drain(fo, &c->out, &oo);
        if (p[1].revents)
            drain(fe, &c->err, &eo);
    }
    if (oo || eo)
        kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void run_case_binary(const struct scratch *s, const struct expect *e, struct child *c)
{
    int po[2], pe[2];
    cr_assert(pipe(po) == 0 && pipe(pe) == 0);
    memset(c, 0, sizeof *c);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        child_exec(s, e, po, pe);
    close(po[1]);
    close(pe[1]);
    collect(pid, po[0], pe[0], c);
    close(po[0]);
    close(pe[0]);
    if (c->out.s == NULL)
        c->out.s = strdup("");
    if (c->err.s == NULL)
        c->err.s = strdup("");
}

/* ------------------------------------------------------------------ checks */

static bool no_temp_left(const char *soak)
{
    DIR *d = opendir(soak);
    if (d == NULL)
        return true;
    bool clean = true;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strstr(de->d_name, ".tmp."))
            clean = false;
    closedir(d);
    return clean;
}

static void check_files(const struct scratch *s, const struct expect *e)
{
    for (size_t i = 0; i < e->n_keep; i++) {
        char *p = th_fmt("%s/%s", s->soak, e->keep[i]);
        size_t n = 0;
        char *now = th_slurp(p, &n);
        cr_expect(now && n == s->kept_len[i] && memcmp(now, s->kept[i], n) == 0,
                  "[%s] %s changed: %zu bytes before, %zu after", s->name, e->keep[i],
                  s->kept_len[i], now ? n : 0);
        free(now);
        free(p);
    }
    for (size_t i = 0; i < e->n_absent; i++) {
        char *p = th_fmt("%s/%s", s->soak, e->absent[i]);
        cr_expect_neq(access(p, F_OK), 0, "[%s] %s exists but must not", s->name, e->absent[i]);
        free(p);
    }
    cr_expect(no_temp_left(s->soak), "[%s] a temporary file was left in the soak dir", s->name);
}

static void check_run(const struct scratch *s, const struct expect *e, const struct child *c)
{
    bool root = geteuid() == 0;
    int want = root && e->root_exit >= 0 ? e->root_exit : e->exit_code;
    cr_expect_eq(c->status, want, "[%s] exit %d, expected %d\nstderr:\n%s", s->name, c->status,
                 want, c->err.s);
    cr_expect(!th_contains(c->err.s, "Sanitizer") && !th_contains(c->err.s, "runtime error"),
              "[%s] sanitizer report:\n%s", s->name, c->err.s);
    bool use_root = root && e->n_root_err > 0;
    char *const *frags = use_root ? e->root_err_frag : e->err_frag;
    size_t n = use_root ? e->n_root_err : e->n_err;
    for (size_t i = 0; i < n; i++)
        cr_expect(th_contains(c->err.s, frags[i]), "[%s] stderr lacks \"%s\":\n%s", s->name,
                  frags[i], c->err.s);
    for (size_t i = 0; i < e->n_out; i++)
        cr_expect(th_contains(c->out.s, e->out_frag[i]), "[%s] stdout lacks \"%s\":\n%.2000s",
                  s->name, e->out_frag[i], c->out.s);
    check_files(s, e);
}

static void free_expect(struct expect *e)
{
    char **all[] = {e->args, e->err_frag, e->root_err_frag, e->out_frag, e->setup, e->keep,
                    e->absent};
    size_t ns[] = {e->n_args, e->n_err, e->n_root_err, e->n_out, e->n_setup, e->n_keep,
                   e->n_absent};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
        for (size_t i = 0; i < ns[k]; i++)
            free(all[k][i]);
}

static void run_case(const char *name)
{
    struct expect e;
    load_expect(name, &e);
    struct scratch s = {.name = name};
    prepare(&s, &e);
    if (geteuid() == 0 && e.root_exit >= 0)
        note("[%s] running as root: asserting the root behaviour (exit %d)", name,
                    e.root_exit);
    struct child c;
    run_case_binary(&s, &e, &c);
    check_run(&s, &e, &c);
    free(c.out.s);
    free(c.err.s);
    cleanup(&s);
    free_expect(&e);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(badinputs, every_case_in_the_corpus_meets_its_expect_file, .timeout = 600)
{
    DIR *d = opendir(CORPUS);
    cr_assert_not_null(d);
    char *names[512];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < 512) {
        char *p = th_fmt("%s/%s/expect", CORPUS, de->d_name);
        if (de->d_name[0] != '.' && access(p, R_OK) == 0)
            names[n++] = strdup(de->d_name);
        free(p);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    cr_assert_geq(n, 40, "only %zu bad-input cases", n);
    const char *only = getenv("SG_BADINPUT_CASE"); /* run one case while debugging */
    for (size_t i = 0; i < n; i++) {
        if (only == NULL || strcmp(only, names[i]) == 0)
            run_case(names[i]);
        free(names[i]);
    }
    if (geteuid() == 0)
        note("running as root: mode-000 cases assert the root behaviour (root opens them)");
}
