/* SPDX-License-Identifier: MIT */
#ifndef SG_UTF8_H
#define SG_UTF8_H
/*
 * UTF-8 well-formedness (RFC 3629), shared by the JSON readers (jsonx.c, iterscan.c) so
 * the fast path and the json-c path accept exactly the same text. Pure.
 */
#include <stddef.h>

/*
 * Length of the multi-byte UTF-8 sequence starting at p (2-4), or 0 when it is not
 * well-formed: overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF and truncated sequences are all 0. p < end; ASCII bytes are the caller's.
 */
size_t sg_utf8_seq_len(const unsigned char *p, const unsigned char *end);

#endif
