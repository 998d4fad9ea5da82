/* SPDX-License-Identifier: MIT */
#ifndef SG_ARENA_H
#define SG_ARENA_H
/*
 * String arena: many small immutable strings in a few large blocks, freed all at once.
 * Per-iteration records keep their strings here, so 100k iterations cost no per-string
 * malloc overhead. Pointers stay valid until sg_arena_release() (blocks never move).
 * Not thread-safe: each loader thread owns its own arena.
 */
#include <stddef.h>

struct sg_arena_block;

struct sg_arena {
    struct sg_arena_block *head; /* owned list, newest first; NULL when empty */
    size_t n_bytes;              /* bytes handed out, for the benchmark's accounting */
};

void sg_arena_init(struct sg_arena *a);
/* Frees every block; a is left empty and reusable. Accepts a zeroed struct. */
void sg_arena_release(struct sg_arena *a);
/* Copies s[0..len) plus a NUL into the arena; the result lives as long as the arena. */
const char *sg_arena_strndup(struct sg_arena *a, const char *s, size_t len);
const char *sg_arena_strdup(struct sg_arena *a, const char *s);
/* Moves every block of src into dst (src is left empty). Strings keep their addresses. */
void sg_arena_absorb(struct sg_arena *dst, struct sg_arena *src);

#endif
