/* SPDX-License-Identifier: MIT */
/* Checked allocation: abort with a message on OOM or size overflow. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t size)
{
    fprintf(stderr, "soak-gate: fatal: out of memory allocating %zu bytes\n", size);
    abort();
}

void *sg_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        oom(size);
    return p;
}

void *sg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *sg_xreallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        oom(SIZE_MAX);
    size_t total = n * size;
    void *q = realloc(p, total ? total : 1);
    if (q == NULL)
        oom(total);
    return q;
}

char *sg_xstrndup(const char *s, size_t len)
{
    char *p = sg_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *sg_xstrdup(const char *s)
{
    return sg_xstrndup(s, strlen(s));
}
