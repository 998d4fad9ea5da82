/* SPDX-License-Identifier: MIT */
/* num: the canonical formatter, round3, the exact mean and the strict parsers. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "num.h"

static void check_fmt(double d, const char *want)
{
    char buf[SG_NUM_BUFSZ];
    size_t n = sg_num_format(buf, d);
    cr_assert_str_eq(buf, want, "format(%.17g) = %s, want %s", d, buf, want);
    cr_assert_eq(n, strlen(want));
}

Test(num, formats_like_python_repr)
{
    check_fmt(305.0, "305.0");
    check_fmt(0.41, "0.41");
    check_fmt(3.138, "3.138");
    check_fmt(1e-05, "1e-05");
    check_fmt(0.0001, "0.0001");
    check_fmt(1e16, "1e+16");
    check_fmt(1.5e16, "1.5e+16");
    check_fmt(1234567890123456.0, "1234567890123456.0");
    check_fmt(-0.0, "-0.0");
    check_fmt(0.0, "0.0");
    check_fmt(0.1 + 0.2, "0.30000000000000004");
    check_fmt(-2.5, "-2.5");
    check_fmt(1e300, "1e+300");
    check_fmt(5e-324, "5e-324");
    check_fmt(1.7976931348623157e308, "1.7976931348623157e+308");
    check_fmt(123456789012345678.0, "1.2345678901234568e+17");
    check_fmt(20.688, "20.688");
    check_fmt(100.0, "100.0");
}

Test(num, formats_non_finite_as_python_str)
{
    check_fmt((double)NAN, "nan");
    check_fmt((double)INFINITY, "inf");
    check_fmt(-(double)INFINITY, "-inf");
}

Test(num, round3_is_half_even_on_the_exact_binary_value)
{
    cr_assert_eq(sg_num_round3(20.6875), 20.688);
    cr_assert_eq(sg_num_round3(0.0625), 0.062);
    cr_assert_eq(sg_num_round3(3.1375), 3.138); /* 3.1375 is slightly above in binary */
    cr_assert_eq(sg_num_round3(2.675), 2.675);
    cr_assert_eq(sg_num_round3(1.0005), 1.0); /* binary value is below the tie */
    double z = sg_num_round3(-0.0001);
    cr_assert(z == 0.0 && signbit(z), "round(-0.0001, 3) must be -0.0");
    cr_assert(isnan(sg_num_round3((double)NAN)));
    cr_assert_eq(sg_num_round3(1e300), 1e300);
}

Test(num, exact_mean_is_correctly_rounded)
{
    struct sg_err err = SG_ERR_INIT;
    double m;
    const double a[] = {0.1, 0.2, 0.3};
    cr_assert_eq(sg_num_exact_mean(a, 3, &m, &err), SG_OK);
    cr_assert_eq(m, 0.2, "mean(0.1,0.2,0.3) = %.17g", m); /* naive sum/3 = 0.20000000000000004 */
    const double b[] = {1e308, 1e308, -1e308};
    cr_assert_eq(sg_num_exact_mean(b, 3, &m, &err), SG_OK);
    cr_assert_eq(m, 1e308 / 3, "no overflow in the exact sum: %.17g", m);
    const double c[] = {5e-324, 5e-324};
    cr_assert_eq(sg_num_exact_mean(c, 2, &m, &err), SG_OK);
    cr_assert_eq(m, 5e-324);
    const double d[] = {5e-324, 0.0};
    cr_assert_eq(sg_num_exact_mean(d, 2, &m, &err), SG_OK);
    cr_assert_eq(m, 0.0, "half of the smallest subnormal rounds to even (0)");
    const double e[] = {-3.5};
    cr_assert_eq(sg_num_exact_mean(e, 1, &m, &err), SG_OK);
    cr_assert_eq(m, -3.5);
    const double f[] = {1.0, 1e-30, -1.0};
    cr_assert_eq(sg_num_exact_mean(f, 3, &m, &err), SG_OK);
    cr_assert_eq(m, 1e-30 / 3);
}

Test(num, exact_mean_rejects_empty_and_non_finite)
{
    struct sg_err err = SG_ERR_INIT;
    double m;
    cr_assert_eq(sg_num_exact_mean(NULL, 0, &m, &err), SG_RANGE);
    struct sg_err err2 = SG_ERR_INIT;
    const double a[] = {1.0, (double)NAN};
    cr_assert_eq(sg_num_exact_mean(a, 2, &m, &err2), SG_RANGE);
    cr_assert(strstr(err2.msg, "not finite"));
}

Test(num, parse_double_accepts_decimal_text_only)
{
    struct sg_err err = SG_ERR_INIT;
    double d;
    cr_assert_eq(sg_num_parse_double("0.42", &d, &err), SG_OK);
    cr_assert_eq(d, 0.42);
    cr_assert_eq(sg_num_parse_double("-1e3", &d, &err), SG_OK);
    cr_assert_eq(d, -1000.0);
    const char *bad[] = {"", " 1", "1 ", "nan", "inf", "0x10", "1e", "abc", "1.2.3", "--1", NULL};
    for (int i = 0; bad[i]; i++) {
        struct sg_err e = SG_ERR_INIT;
        cr_assert_eq(sg_num_parse_double(bad[i], &d, &e), SG_USAGE, "'%s' accepted", bad[i]);
    }
    struct sg_err e = SG_ERR_INIT;
    cr_assert_eq(sg_num_parse_double("1e400", &d, &e), SG_RANGE);
}

Test(num, parse_i64_checks_range_and_junk)
{
    struct sg_err err = SG_ERR_INIT;
    int64_t v;
    cr_assert_eq(sg_num_parse_i64("8", 1, 100, &v, &err), SG_OK);
    cr_assert_eq(v, 8);
    struct sg_err e1 = SG_ERR_INIT, e2 = SG_ERR_INIT, e3 = SG_ERR_INIT;
    cr_assert_eq(sg_num_parse_i64("0", 1, 100, &v, &e1), SG_RANGE);
    cr_assert_eq(sg_num_parse_i64("8x", 1, 100, &v, &e2), SG_USAGE);
    cr_assert_eq(sg_num_parse_i64("99999999999999999999", 1, 100, &v, &e3), SG_RANGE);
}
