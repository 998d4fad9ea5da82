/* SPDX-License-Identifier: MIT */
/* Test helpers (see helpers.h). */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void **kept;
static size_t n_kept, cap_kept;

void *th_keep(void *p)
{
    if (n_kept == cap_kept) {
        cap_kept = cap_kept ? cap_kept * 2 : 64;
        kept = realloc(kept, cap_kept * sizeof *kept);
        if (kept == NULL)
            abort();
    }
    kept[n_kept++] = p;
    return p;
}

char *th_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        abort();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return th_keep(s);
}

bool th_contains(const char *haystack, const char *needle)
{
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

char *th_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char *t = th_fmt("%s/sgtest.XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(t) == NULL)
        abort();
    return t;
}

void th_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                    continue;
                char *p = th_fmt("%s/%s", path, de->d_name);
                th_rmtree(p);
                free(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

char *th_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t r;
    while (s && (r = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            s = realloc(s, cap);
        }
    }
    fclose(f);
    if (s == NULL)
        abort();
    s[n] = '\0';
    if (len)
        *len = n;
    return th_keep(s);
}

void th_write(const char *dir, const char *name, const char *data)
{
    char *p = th_fmt("%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (f == NULL || fwrite(data, 1, strlen(data), f) != strlen(data) || fclose(f) != 0)
        abort();
    free(p);
}

void th_copy_dir(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (d == NULL)
        abort();
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char *sp = th_fmt("%s/%s", src, de->d_name);
        struct stat st;
        if (stat(sp, &st) == 0 && S_ISREG(st.st_mode)) {
            size_t len;
            char *data = th_slurp(sp, &len);
            char *dp = th_fmt("%s/%s", dst, de->d_name);
            FILE *f = fopen(dp, "wb");
            if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
                abort();
            free(dp);
            free(data);
        }
        free(sp);
    }
    closedir(d);
}

struct th_run th_run_bin(const char *cwd, const char *const *env_add, const char *const *argv)
{
    struct th_run r = {0, NULL, NULL};
    char *dir = th_mkdtemp();
    char *outp = th_fmt("%s/out", dir), *errp = th_fmt("%s/err", dir);
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(126);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        for (const char *const *e = env_add; e && *e; e++) {
            char *kv = strdup(*e);
            char *eq = strchr(kv, '=');
            if (eq == NULL) {
                unsetenv(kv); /* "NAME" alone removes NAME */
                continue;
            }
            *eq = '\0';
            setenv(kv, eq + 1, 1);
        }
        size_t n = 0;
        while (argv[n])
            n++;
        char **av = calloc(n + 2, sizeof *av);
        av[0] = strdup("soak-gate");
        for (size_t i = 0; i < n; i++)
            av[i + 1] = strdup(argv[i]);
        execv(SG_BINARY, av);
        _exit(127);
    }
    int st = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 60) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = th_slurp(outp, NULL);
    r.err = th_slurp(errp, NULL);
    th_rmtree(dir);
    free(outp);
    free(errp);
    free(dir);
    return r;
}

void th_run_free(struct th_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ------------------------------------------------------------------ golden files (reports) */

#include <criterion/criterion.h>

static void mkdirs_for(const char *path)
{
    char *p = th_fmt("%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    free(p);
}

void th_golden_check(const char *rel, const char *actual)
{
    char *path = th_fmt("%s/golden/%s", SG_FIXTURES_DIR, rel);
    const char *upd = getenv("SG_UPDATE_GOLDEN");
    if (upd && strcmp(upd, "1") == 0) {
        mkdirs_for(path);
        FILE *f = fopen(path, "wb");
        cr_assert(f != NULL && fputs(actual, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
        free(path);
        return;
    }
    char *want = th_slurp(path, NULL);
    cr_assert(want != NULL, "missing golden file %s (run with SG_UPDATE_GOLDEN=1)", path);
    if (strcmp(want, actual) != 0) {
        size_t line = 1, i = 0;
        while (want[i] && want[i] == actual[i])
            line += want[i++] == '\n';
        const char *w = want + i, *a = actual + i;
        while (w > want && w[-1] != '\n')
            w--, a--;
        cr_assert_fail("%s differs at line %zu\n  want: %.*s\n  got:  %.*s\n"
                       "(SG_UPDATE_GOLDEN=1 rewrites it)",
                       path, line, (int)strcspn(w, "\n"), w, (int)strcspn(a, "\n"), a);
    }
    free(want);
    free(path);
}
