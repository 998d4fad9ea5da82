/* SPDX-License-Identifier: MIT */
#ifndef SG_FSX_H
#define SG_FSX_H
/*
 * File-system edge: directory listing, capped reads that never block on FIFOs, atomic
 * writes (temp file in the same directory + fsync + rename) and appends. Never interprets
 * file contents, never prints.
 */
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct sg_arena;
struct sg_buf;

enum sg_fsx_kind {
    SG_FSX_MISSING = 0, /* does not exist (or a dangling symlink / symlink loop) */
    SG_FSX_REGULAR,
    SG_FSX_DIR,
    SG_FSX_OTHER, /* FIFO, socket, device */
};

/* What path is, following symlinks; never opens it, so a FIFO cannot block. */
enum sg_fsx_kind sg_fsx_kind(const char *path);
/* Same for the entry name inside dir. */
enum sg_fsx_kind sg_fsx_kind_at(const char *dir, const char *name);

/*
 * Lists the names in dir (no "." or ".."), unsorted. Fills *names (a new array, free it;
 * the strings are copied into the arena `strings`, which must outlive them) and *n_names. When want_kind is given, only names
 * for which want_kind(name) is true are kept, and *kinds (if kinds is not NULL) receives a
 * new array (free it) with what each kept entry is, following symlinks (from the
 * directory entry type where it is reliable, else from stat). SG_IO when dir cannot be read.
 */
enum sg_rc sg_fsx_list(const char *dir, bool (*want)(const char *name), struct sg_arena *strings,
                       const char ***names, unsigned char **kinds, size_t *n_names,
                       struct sg_err *err);

/*
 * Reads the regular file path into out (reset first). Opens without blocking and checks
 * the type after opening; SG_IO for a missing/unreadable/non-regular file, SG_LIMIT (with
 * the cap in the message) when it holds more than max_bytes.
 */
enum sg_rc sg_fsx_read(const char *path, size_t max_bytes, struct sg_buf *out,
                       struct sg_err *err);

/* sg_fsx_read for the entry name of the directory open on dir_fd (openat; AT_FDCWD for
 * the current directory): no path to build, no lookup of the directory's components. */
enum sg_rc sg_fsx_read_at(int dir_fd, const char *name, size_t max_bytes, struct sg_buf *out,
                          struct sg_err *err);

/* Opens dir for sg_fsx_read_at (O_DIRECTORY | O_CLOEXEC); -1 with errno on failure. */
int sg_fsx_open_dir(const char *dir);

/*
 * Replaces path with data atomically: a temporary file in the same directory is written,
 * fsync'd, closed and renamed over path; on any failure the temp file is removed and
 * the previous file is left untouched. The new file gets mode 0644 minus the umask.
 */
enum sg_rc sg_fsx_write_atomic(const char *path, const void *data, size_t len,
                               struct sg_err *err);

/* Creates or truncates path and writes data (no fsync, not atomic: for generated data). */
enum sg_rc sg_fsx_write(const char *path, const void *data, size_t len, struct sg_err *err);

/* Creates dir and missing parents (mode 0755); SG_IO on failure. */
enum sg_rc sg_fsx_mkdirs(const char *dir, struct sg_err *err);

/* Appends data to path (created 0644 if missing). */
enum sg_rc sg_fsx_append(const char *path, const void *data, size_t len, struct sg_err *err);

/* dir + "/" + name as a new string (free it); a dir of "" or "." gives name itself. */
char *sg_fsx_join(const char *dir, const char *name);

/* An absolute form of path (new string): cwd prepended to relative paths, not resolved. */
char *sg_fsx_absolute(const char *path);

#endif
