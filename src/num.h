/* SPDX-License-Identifier: MIT */
#ifndef SG_NUM_H
#define SG_NUM_H
/*
 * Numbers: the one canonical formatter, Python-compatible rounding, exact summation, and
 * the strict parsers used for every flag, config value and action input.
 *
 * All arithmetic is IEEE-754 binary64 with round-to-nearest-even (decisions D-10); this
 * file is built with -ffp-contract=off like the rest. Pure: no I/O, no locale (the program
 * never calls setlocale, so "." is the decimal point).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SG_NUM_BUFSZ 40 /* enough for any double in repr form, with NUL */

/*
 * Writes d as Python's repr(float) does (D-20): the shortest decimal that reads back to d,
 * always with a "." or an exponent ("305.0", "0.41", "1e-05", "1.5e+16", "-0.0").
 * Non-finite values are written "nan", "inf", "-inf"; writers map them their own way.
 * Returns the length written.
 */
size_t sg_num_format(char buf[SG_NUM_BUFSZ], double d);

/* Python's round(d, 3): half-even on the exact binary value; -0.0 and non-finite kept. */
double sg_num_round3(double d);

/*
 * The exact arithmetic mean of v[0..n): the sum is accumulated without any rounding
 * error and divided once, correctly rounded (what Python's statistics.mean gives).
 * Every v[i] must be finite and n must be 1 .. 2^32-1; otherwise returns SG_RANGE.
 */
enum sg_rc sg_num_exact_mean(const double *v, size_t n, double *out, struct sg_err *err);

/*
 * Strict decimal parse of a whole string: optional sign, digits, optional fraction and
 * exponent. Rejects empty input, junk, spaces, hex floats, "nan"/"inf" and overflow.
 */
enum sg_rc sg_num_parse_double(const char *s, double *out, struct sg_err *err);

/* Strict base-10 integer parse within [min, max] (like strtonum). */
enum sg_rc sg_num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
                            struct sg_err *err);

#endif
