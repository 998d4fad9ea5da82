/* SPDX-License-Identifier: MIT */
#ifndef SG_CIVIL_H
#define SG_CIVIL_H
/*
 * Proleptic Gregorian calendar arithmetic for UTC timestamps (Howard Hinnant's
 * days_from_civil / civil_from_days algorithms), without the C library's time zone
 * state. Pure.
 */
#include <stdint.h>

#define SG_CIVIL_BUFSZ 32

/* Days since 1970-01-01 of year y, month m (1..12), day d (1..31). */
int64_t sg_civil_days_from(int64_t y, int64_t m, int64_t d);

/* Writes t (seconds since the epoch) as "YYYY-MM-DDTHH:MM:SSZ". */
void sg_civil_format_utc(int64_t t, char out[SG_CIVIL_BUFSZ]);

#endif
