/* SPDX-License-Identifier: MIT */
#ifndef SG_FUZZ_COMMON_H
#define SG_FUZZ_COMMON_H
/*
 * Helpers shared by the libFuzzer harnesses: a NUL-terminated copy of the input (every
 * loader's buffer entry point wants buf[len] == '\0') and output invariants that abort
 * when broken, so libFuzzer records the input as a crash.
 */
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* A new NUL-terminated copy of data[0..size) (free it). */
char *fz_cstr(const uint8_t *data, size_t size);

/* Aborts with a message on stderr when cond is false. */
void fz_check(int cond, const char *what);

/*
 * Renders snap compact and pretty and checks D-6/D-20: the bytes are valid strict JSON
 * (parsed back with json-c), ASCII only, with no NaN/Infinity token, ending in one newline.
 */
void fz_check_snapshot(const struct sg_snapshot *snap);

#endif
