/* SPDX-License-Identifier: MIT */
/* Bounded list of non-fatal problems. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void sg_diags_init(struct sg_diags *d)
{
    d->items = NULL;
    d->n = d->cap = d->n_dropped = d->n_added = 0;
}

void sg_diags_release(struct sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].subject);
        free(d->items[i].text);
    }
    free(d->items);
    sg_diags_init(d);
}

static void push(struct sg_diags *d, struct sg_diag item)
{
    if (d->n >= SG_DIAG_MAX) {
        d->n_dropped++;
        free(item.subject);
        free(item.text);
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = sg_xreallocarray(d->items, d->cap, sizeof *d->items);
    }
    d->items[d->n++] = item;
}

void sg_diags_add(struct sg_diags *d, enum sg_diag_level level, enum sg_diag_kind kind,
                  size_t order, const char *subject, const char *fmt, ...)
{
    if (d->n >= SG_DIAG_MAX) {
        d->n_dropped++;
        return;
    }
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        text[0] = '\0';
    struct sg_diag item = {level, kind, sg_xstrdup(subject ? subject : ""), sg_xstrdup(text),
                           order, d->n_added++};
    push(d, item);
}

static int by_order(const void *a, const void *b)
{
    const struct sg_diag *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return 0;
}

void sg_diags_merge(struct sg_diags *dst, struct sg_diags *src)
{
    size_t total = dst->n + src->n;
    if (total > dst->cap) {
        dst->cap = total;
        dst->items = sg_xreallocarray(dst->items, dst->cap, sizeof *dst->items);
    }
    if (src->n)
        memcpy(dst->items + dst->n, src->items, src->n * sizeof *src->items);
    dst->n = total;
    dst->n_dropped += src->n_dropped;
    free(src->items);
    sg_diags_init(src);
    /* (order, seq) is a total order: lists merged here never share an order value, and
     * within one list seq keeps insertion order. Keep the earliest SG_DIAG_MAX. */
    if (dst->n > 1)
        qsort(dst->items, dst->n, sizeof *dst->items, by_order);
    while (dst->n > SG_DIAG_MAX) {
        struct sg_diag *last = &dst->items[--dst->n];
        free(last->subject);
        free(last->text);
        dst->n_dropped++;
    }
}

size_t sg_diags_count(const struct sg_diags *d, enum sg_diag_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->items[i].kind == kind;
    return n;
}
