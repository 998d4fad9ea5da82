/* SPDX-License-Identifier: MIT */
/* Canonical number formatting, Python-compatible rounding, exact mean, strict parsing. */
#include "num.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- formatting */

/*
 * Shortest round-trip digits: glibc and musl printf are correctly rounded, so the first
 * precision whose %.*e text reads back to d gives the nearest shortest decimal, which is
 * what Python's repr (David Gay's mode 0) prints.
 */
static void shortest_digits(double d, char digits[20], int *exp10)
{
    char tmp[48];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is "d.ddde[+-]xx" (no sign: callers pass |d|). */
    size_t k = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p) && k < 19)
            digits[k++] = *p;
    digits[k] = '\0';
    *exp10 = (int)strtol(p + 1, NULL, 10);
    while (k > 1 && digits[k - 1] == '0')
        digits[--k] = '\0';
}

size_t sg_num_format(char buf[SG_NUM_BUFSZ], double d)
{
    if (isnan(d))
        return (size_t)snprintf(buf, SG_NUM_BUFSZ, "nan");
    if (isinf(d))
        return (size_t)snprintf(buf, SG_NUM_BUFSZ, "%s", d < 0 ? "-inf" : "inf");
    size_t n = 0;
    if (signbit(d))
        buf[n++] = '-';
    double a = fabs(d);
    if (a == 0.0) {
        memcpy(buf + n, "0.0", 4);
        return n + 3;
    }
    char digits[20];
    int e;
    shortest_digits(a, digits, &e);
    int nd = (int)strlen(digits);
    if (e < -4 || e >= 16) {
        buf[n++] = digits[0];
        if (nd > 1) {
            buf[n++] = '.';
            memcpy(buf + n, digits + 1, (size_t)nd - 1);
            n += (size_t)nd - 1;
        }
        n += (size_t)snprintf(buf + n, SG_NUM_BUFSZ - n, "e%c%02d", e < 0 ? '-' : '+', abs(e));
        return n;
    }
    if (e < 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = 0; i < -e - 1; i++)
            buf[n++] = '0';
        memcpy(buf + n, digits, (size_t)nd);
        n += (size_t)nd;
    } else if (nd <= e + 1) {
        memcpy(buf + n, digits, (size_t)nd);
        n += (size_t)nd;
        for (int i = 0; i < e + 1 - nd; i++)
            buf[n++] = '0';
        buf[n++] = '.';
        buf[n++] = '0';
    } else {
        memcpy(buf + n, digits, (size_t)e + 1);
        n += (size_t)e + 1;
        buf[n++] = '.';
        memcpy(buf + n, digits + e + 1, (size_t)(nd - e - 1));
        n += (size_t)(nd - e - 1);
    }
    buf[n] = '\0';
    return n;
}

double sg_num_round3(double d)
{
    if (!isfinite(d))
        return d;
    /* %.3f is correctly rounded (ties to even on the exact binary value), as Python's
     * round() is; reading it back gives the nearest double. 330 bytes hold any double. */
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.3f", d);
    return strtod(tmp, NULL);
}

/* ---------------------------------------------------------------- exact mean */

/*
 * Fixed-point accumulator: a finite double is m * 2^e with m < 2^53 and e >= -1126
 * (frexp form), so bit position e + 1138 is never negative. 72 limbs of 32 bits hold
 * 2^1024 * 2^64 (headroom for n) * 2^1138 with room to spare.
 */
#define ACC_LIMBS 72
#define ACC_BIAS 1138

struct acc {
    uint32_t limb[ACC_LIMBS]; /* little-endian magnitude */
};

static void acc_add_shifted(struct acc *a, uint64_t m, int pos)
{
    int li = pos / 32, off = pos % 32;
    /* m << off spans at most three limbs (53 + 31 bits). */
    uint64_t parts[3] = {(m << off) & 0xffffffffu, (m >> (32 - off)) & 0xffffffffu,
                         off ? m >> (64 - off) : 0};
    uint64_t carry = 0;
    for (int i = li; i < ACC_LIMBS && (i - li < 3 || carry); i++) {
        uint64_t s = (uint64_t)a->limb[i] + (i - li < 3 ? parts[i - li] : 0) + carry;
        a->limb[i] = (uint32_t)s;
        carry = s >> 32;
    }
}

static int acc_cmp(const struct acc *a, const struct acc *b)
{
    for (int i = ACC_LIMBS - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

static void acc_sub(struct acc *a, const struct acc *b) /* a -= b, requires a >= b */
{
    int64_t borrow = 0;
    for (int i = 0; i < ACC_LIMBS; i++) {
        int64_t d = (int64_t)a->limb[i] - (int64_t)b->limb[i] - borrow;
        borrow = d < 0;
        a->limb[i] = (uint32_t)(d + (borrow ? ((int64_t)1 << 32) : 0));
    }
}

/* Divides a by n in place; returns whether the remainder is non-zero. */
static bool acc_div(struct acc *a, uint32_t n)
{
    uint64_t rem = 0;
    for (int i = ACC_LIMBS - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->limb[i];
        a->limb[i] = (uint32_t)(cur / n);
        rem = cur % n;
    }
    return rem != 0;
}

static int acc_bit(const struct acc *a, int pos)
{
    return (int)((a->limb[pos / 32] >> (pos % 32)) & 1u);
}

/* Correctly rounded (half-even) value of a * 2^-ACC_BIAS, with extra sticky bits. */
static double acc_to_double(const struct acc *a, bool sticky)
{
    int top = -1;
    for (int i = ACC_LIMBS - 1; i >= 0 && top < 0; i--)
        if (a->limb[i])
            for (int b = 31; b >= 0; b--)
                if ((a->limb[i] >> b) & 1u) {
                    top = i * 32 + b;
                    break;
                }
    if (top < 0)
        return 0.0;
    /* The lowest representable bit is 2^-1074, i.e. position ACC_BIAS - 1074 = 64. */
    int lsb = top - 52 > 64 ? top - 52 : 64;
    uint64_t m = 0;
    for (int p = top; p >= lsb; p--)
        m = (m << 1) | (uint64_t)acc_bit(a, p);
    bool round = lsb > 0 && acc_bit(a, lsb - 1);
    for (int p = lsb - 2; p >= 0 && !sticky; p--)
        if (acc_bit(a, p))
            sticky = true;
    if (round && (sticky || (m & 1u))) {
        m++;
        if (m == ((uint64_t)1 << 53)) {
            m >>= 1;
            lsb++;
        }
    }
    return ldexp((double)m, lsb - ACC_BIAS);
}

enum sg_rc sg_num_exact_mean(const double *v, size_t n, double *out, struct sg_err *err)
{
    if (n == 0 || n > 0xffffffffu)
        return sg_err_set(err, SG_RANGE, "mean of %zu values is not defined here", n);
    static const struct acc zero;
    struct acc pos = zero, neg = zero;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return sg_err_set(err, SG_RANGE, "value %zu is not finite", i);
        if (v[i] == 0.0)
            continue;
        int e;
        double f = frexp(fabs(v[i]), &e);
        uint64_t m = (uint64_t)ldexp(f, 53);
        acc_add_shifted(v[i] < 0 ? &neg : &pos, m, e - 53 + ACC_BIAS);
    }
    bool negative = acc_cmp(&pos, &neg) < 0;
    struct acc *big = negative ? &neg : &pos;
    acc_sub(big, negative ? &pos : &neg);
    bool sticky = acc_div(big, (uint32_t)n);
    double r = acc_to_double(big, sticky);
    *out = negative ? -r : r;
    return SG_OK;
}

/* ---------------------------------------------------------------- parsing */

enum sg_rc sg_num_parse_double(const char *s, double *out, struct sg_err *err)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return sg_err_set(err, SG_USAGE, "'%s' is not a number", s);
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return sg_err_set(err, SG_USAGE, "'%s' is not a number", s);
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return sg_err_set(err, SG_USAGE, "'%s' is not a number", s);
    errno = 0;
    char *end = NULL;
    double d = strtod(s, &end);
    if (end != p)
        return sg_err_set(err, SG_USAGE, "'%s' is not a number", s);
    if (!isfinite(d) || (errno == ERANGE && fabs(d) > 1.0))
        return sg_err_set(err, SG_RANGE, "'%s' is out of range", s);
    *out = d;
    return SG_OK;
}

enum sg_rc sg_num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
                            struct sg_err *err)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return sg_err_set(err, SG_USAGE, "'%s' is not an integer", s);
    while (isdigit((unsigned char)*p))
        p++;
    if (*p != '\0')
        return sg_err_set(err, SG_USAGE, "'%s' is not an integer", s);
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return sg_err_set(err, SG_RANGE, "'%s' is out of range (%lld..%lld)", s, (long long)min,
                          (long long)max);
    *out = (int64_t)v;
    return SG_OK;
}
