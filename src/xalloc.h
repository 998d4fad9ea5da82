/* SPDX-License-Identifier: MIT */
#ifndef SG_XALLOC_H
#define SG_XALLOC_H
/*
 * Allocation wrappers that print and abort() on out-of-memory: the only exit below main
 * (STYLE 2.7). Size arithmetic is overflow-checked. Never used for json-c or libcurl memory.
 */
#include <stddef.h>

void *sg_xmalloc(size_t size);                          /* new block; free() it */
void *sg_xcalloc(size_t n, size_t size);                /* zeroed; overflow-checked */
void *sg_xreallocarray(void *p, size_t n, size_t size); /* like reallocarray(3) */
char *sg_xstrdup(const char *s);                        /* new copy; free() it */
char *sg_xstrndup(const char *s, size_t len);           /* copy of len bytes + NUL */

#endif
