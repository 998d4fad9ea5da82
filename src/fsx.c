/* SPDX-License-Identifier: MIT */
/* File-system edge: listing, capped non-blocking reads, atomic writes, appends. */
/* d_type and DT_* constants (a BSD/glibc/musl extension) save a stat per entry. */
#define _DEFAULT_SOURCE 1
#include "fsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "xalloc.h"

static enum sg_fsx_kind kind_of(const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return SG_FSX_REGULAR;
    if (S_ISDIR(st->st_mode))
        return SG_FSX_DIR;
    return SG_FSX_OTHER;
}

enum sg_fsx_kind sg_fsx_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return SG_FSX_MISSING;
    return kind_of(&st);
}

enum sg_fsx_kind sg_fsx_kind_at(const char *dir, const char *name)
{
    char *p = sg_fsx_join(dir, name);
    enum sg_fsx_kind k = sg_fsx_kind(p);
    free(p);
    return k;
}

char *sg_fsx_join(const char *dir, const char *name)
{
    if (dir[0] == '\0' || strcmp(dir, ".") == 0)
        return sg_xstrdup(name);
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dir[dl - 1] == '/';
    char *p = sg_xmalloc(dl + nl + 2);
    memcpy(p, dir, dl);
    if (!slash)
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

char *sg_fsx_absolute(const char *path)
{
    if (path[0] == '/')
        return sg_xstrdup(path);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return sg_xstrdup(path);
    if (strcmp(path, ".") == 0)
        return sg_xstrdup(cwd);
    const char *rel = path;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    return sg_fsx_join(cwd, rel);
}

static enum sg_fsx_kind kind_of_dirent(const char *dir, const struct dirent *de)
{
#ifdef DT_REG
    if (de->d_type == DT_REG)
        return SG_FSX_REGULAR;
    if (de->d_type == DT_DIR)
        return SG_FSX_DIR;
    if (de->d_type == DT_FIFO || de->d_type == DT_SOCK || de->d_type == DT_CHR ||
        de->d_type == DT_BLK)
        return SG_FSX_OTHER;
#endif
    /* DT_LNK and DT_UNKNOWN: ask stat, which follows the link. */
    return sg_fsx_kind_at(dir, de->d_name);
}

enum sg_rc sg_fsx_list(const char *dir, bool (*want)(const char *name), struct sg_arena *strings,
                       const char ***names, unsigned char **kinds, size_t *n_names,
                       struct sg_err *err)
{
    *names = NULL;
    if (kinds)
        *kinds = NULL;
    *n_names = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return sg_err_set(err, SG_IO, "cannot list '%s': %s", dir, strerror(errno));
    size_t n = 0, cap = 0;
    const char **v = NULL;
    unsigned char *k = NULL;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (want && !want(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = sg_xreallocarray(v, cap, sizeof *v);
            if (kinds)
                k = sg_xreallocarray(k, cap, 1);
        }
        if (kinds)
            k[n] = (unsigned char)kind_of_dirent(dir, de);
        v[n++] = sg_arena_strdup(strings, de->d_name);
        errno = 0;
    }
    int saved = errno;
    closedir(d);
    if (saved != 0) {
        free((void *)v);
        free(k);
        return sg_err_set(err, SG_IO, "cannot list '%s': %s", dir, strerror(saved));
    }
    *names = v;
    if (kinds)
        *kinds = k;
    *n_names = n;
    return SG_OK;
}


/* Reads the regular file open on fd into out (see sg_fsx_read); does not close fd. */
static enum sg_rc read_fd(int fd, size_t max_bytes, struct sg_buf *out, struct sg_err *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return sg_err_set(err, SG_IO, "cannot stat: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sg_err_set(err, SG_IO, "not a regular file");
    if ((unsigned long long)st.st_size > max_bytes)
        return sg_err_set(err, SG_LIMIT,
                          "file is %lld bytes, over the %zu-byte limit (--max-file-bytes)",
                          (long long)st.st_size, max_bytes);
    /* Read straight into the buffer, asking for one byte more than the size: a short
     * read then means end of file, so a file that did not change takes one read(). */
    size_t want = (size_t)st.st_size + 1;
    for (;;) {
        if (sg_buf_reserve(out, want) != SG_OK)
            return sg_err_set(err, SG_LIMIT, "file does not fit in memory buffer");
        ssize_t r = read(fd, out->data + out->len, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return sg_err_set(err, SG_IO, "read error: %s", strerror(errno));
        if ((size_t)r > max_bytes - out->len)
            return sg_err_set(err, SG_LIMIT,
                              "file is over the %zu-byte limit (--max-file-bytes)", max_bytes);
        out->len += (size_t)r;
        out->data[out->len] = '\0';
        if ((size_t)r < want)
            return SG_OK;
        /* The file grew while we read it: go on, at most one byte past the limit. */
        want = max_bytes - out->len < 65536 ? max_bytes - out->len + 1 : 65536;
    }
}

enum sg_rc sg_fsx_read(const char *path, size_t max_bytes, struct sg_buf *out,
                       struct sg_err *err)
{
    return sg_fsx_read_at(AT_FDCWD, path, max_bytes, out, err);
}

enum sg_rc sg_fsx_read_at(int dir_fd, const char *name, size_t max_bytes, struct sg_buf *out,
                          struct sg_err *err)
{
    sg_buf_reset(out);
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = openat(dir_fd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return sg_err_set(err, SG_IO, "cannot open: %s", strerror(errno));
    enum sg_rc rc = read_fd(fd, max_bytes, out, err);
    close(fd);
    return rc;
}

int sg_fsx_open_dir(const char *dir)
{
    return open(dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static enum sg_rc write_all(int fd, const void *data, size_t len, const char *path,
                            struct sg_err *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        }
        p += w;
        len -= (size_t)w;
    }
    return SG_OK;
}

enum sg_rc sg_fsx_write_atomic(const char *path, const void *data, size_t len,
                               struct sg_err *err)
{
    size_t pl = strlen(path);
    char *tmp = sg_xmalloc(pl + 16);
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    enum sg_rc rc = SG_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    mode_t mask = umask(022);
    umask(mask);
    if (fchmod(fd, (mode_t)(0644 & ~mask)) != 0) {
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    rc = write_all(fd, data, len, path, err);
    if (rc != SG_OK)
        goto fail;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    int cr = close(fd);
    fd = -1;
    if (cr != 0) {
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    free(tmp);
    return SG_OK;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return rc;
}

/*
 * open() for writing that cannot hang: a FIFO without a reader would block open() for
 * ever, so it is opened with O_NONBLOCK (ENXIO when nobody reads) and switched back to
 * blocking writes afterwards (a pipe with a reader, e.g. /dev/stdout, still works).
 */
static int open_for_write(const char *path, int flags)
{
    int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl != -1)
            (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    return fd;
}

enum sg_rc sg_fsx_append(const char *path, const void *data, size_t len, struct sg_err *err)
{
    int fd = open_for_write(path, O_WRONLY | O_APPEND | O_CREAT);
    if (fd < 0)
        return sg_err_set(err, SG_IO, "cannot append to '%s': %s", path, strerror(errno));
    enum sg_rc rc = write_all(fd, data, len, path, err);
    if (close(fd) != 0 && rc == SG_OK)
        rc = sg_err_set(err, SG_IO, "cannot append to '%s': %s", path, strerror(errno));
    return rc;
}

enum sg_rc sg_fsx_write(const char *path, const void *data, size_t len, struct sg_err *err)
{
    int fd = open_for_write(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0)
        return sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
    enum sg_rc rc = write_all(fd, data, len, path, err);
    if (close(fd) != 0 && rc == SG_OK)
        rc = sg_err_set(err, SG_IO, "cannot write '%s': %s", path, strerror(errno));
    return rc;
}

enum sg_rc sg_fsx_mkdirs(const char *dir, struct sg_err *err)
{
    char *p = sg_xstrdup(dir);
    enum sg_rc rc = SG_OK;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            rc = sg_err_set(err, SG_IO, "cannot create '%s': %s", p, strerror(errno));
            break;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    if (rc == SG_OK && sg_fsx_kind(dir) != SG_FSX_DIR)
        rc = sg_err_set(err, SG_IO, "'%s' is not a directory", dir);
    return rc;
}
