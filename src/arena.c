/* SPDX-License-Identifier: MIT */
/* Block arena for immutable strings. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define ARENA_BLOCK_BYTES ((size_t)64 * 1024)

struct sg_arena_block {
    struct sg_arena_block *next;
    size_t used;
    size_t cap;
    char data[];
};

void sg_arena_init(struct sg_arena *a)
{
    a->head = NULL;
    a->n_bytes = 0;
}

void sg_arena_release(struct sg_arena *a)
{
    struct sg_arena_block *b = a->head;
    while (b) {
        struct sg_arena_block *next = b->next;
        free(b);
        b = next;
    }
    sg_arena_init(a);
}

const char *sg_arena_strndup(struct sg_arena *a, const char *s, size_t len)
{
    size_t need = len + 1;
    struct sg_arena_block *b = a->head;
    if (b == NULL || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK_BYTES ? need : ARENA_BLOCK_BYTES;
        b = sg_xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        /* A block made for one oversized string goes behind the head so the head keeps
         * its free space. */
        if (a->head && need > ARENA_BLOCK_BYTES) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += need;
    a->n_bytes += need;
    return p;
}

const char *sg_arena_strdup(struct sg_arena *a, const char *s)
{
    return sg_arena_strndup(a, s, strlen(s));
}

void sg_arena_absorb(struct sg_arena *dst, struct sg_arena *src)
{
    if (src->head == NULL)
        return;
    struct sg_arena_block *tail = src->head;
    while (tail->next)
        tail = tail->next;
    /* Keep dst's head first so its free space stays in use. */
    if (dst->head) {
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->n_bytes += src->n_bytes;
    sg_arena_init(src);
}
