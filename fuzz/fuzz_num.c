/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: strict number parsing and the formatter. Text input goes through
 * sg_num_parse_double / sg_num_parse_i64; every parsed double, and the first 8 input
 * bytes taken as a bit pattern, must survive sg_num_format -> strtod bit for bit (D-20).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "num.h"

static void check_round_trip(double d)
{
    char text[SG_NUM_BUFSZ];
    size_t n = sg_num_format(text, d);
    fz_check(n > 0 && n < SG_NUM_BUFSZ && strlen(text) == n, "format length");
    if (!isfinite(d))
        return;
    fz_check(strchr(text, '.') != NULL || strchr(text, 'e') != NULL, "repr has . or e");
    char *end = NULL;
    double back = strtod(text, &end);
    fz_check(end != NULL && *end == '\0', "strtod reads the whole text");
    fz_check(memcmp(&back, &d, sizeof d) == 0, "sg_num_format round-trips bit for bit");
    double again;
    struct sg_err err = SG_ERR_INIT;
    fz_check(sg_num_parse_double(text, &again, &err) == SG_OK, "formatter output parses");
    fz_check(memcmp(&again, &d, sizeof d) == 0, "strict parser agrees with strtod");
    double r = sg_num_round3(d);
    fz_check(isfinite(r), "round3 of a finite value is finite");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= sizeof(double)) {
        double bits;
        memcpy(&bits, data, sizeof bits);
        check_round_trip(bits);
    }
    char *s = fz_cstr(data, size);
    struct sg_err err = SG_ERR_INIT;
    double d;
    if (sg_num_parse_double(s, &d, &err) == SG_OK) {
        fz_check(isfinite(d), "strict parse gives finite values only");
        fz_check(strtod(s, NULL) == d, "strict parse agrees with strtod");
        check_round_trip(d);
    }
    int64_t i;
    if (sg_num_parse_i64(s, -1000, 1000, &i, &err) == SG_OK)
        fz_check(i >= -1000 && i <= 1000, "i64 range enforced");
    free(s);
    return 0;
}
