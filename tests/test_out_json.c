/* SPDX-License-Identifier: MIT */
/* out_json: D-20 serialization details (escaping, pretty form, non-finite, legacy form). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "output.h"

static char *str(const char *s)
{
    struct sg_buf b;
    sg_buf_init(&b, 0);
    sg_out_json_string(&b, s);
    return th_keep(sg_buf_detach(&b, NULL));
}

Test(out_json, escapes_to_ascii_like_python)
{
    cr_assert_str_eq(str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    cr_assert_str_eq(str("\n\r\t\b\f\x01\x7f"), "\"\\n\\r\\t\\b\\f\\u0001\\u007f\"");
    cr_assert_str_eq(str("caf\xc3\xa9"), "\"caf\\u00e9\"");
    cr_assert_str_eq(str("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");
    cr_assert_str_eq(str("<script>/</script>"), "\"<script>/</script>\"");
}

static struct sg_snapshot sample(void)
{
    struct sg_snapshot s;
    memset(&s, 0, sizeof s);
    s.has_schema = true;
    s.verdict = SG_VERDICT_WARN;
    s.pass_count = 5;
    s.freeze_seen = true;
    s.kpi_gate_parity = -1;
    for (int k = 0; k < SG_KPI_COUNT; k++)
        s.mean[k].d = s.median[k].d = 1.5;
    s.time_from = "2025-10-16T13:25:00Z";
    return s;
}

static char *render(const struct sg_snapshot *s, bool pretty)
{
    struct sg_buf b;
    struct sg_err err = SG_ERR_INIT;
    sg_buf_init(&b, 0);
    cr_assert_eq(sg_out_json_render(s, pretty, &b, &err), SG_OK);
    return th_keep(sg_buf_detach(&b, NULL));
}

Test(out_json, pretty_matches_python_indent_2)
{
    struct sg_snapshot s = sample();
    char *out = render(&s, true);
    cr_assert(strncmp(out, "{\n  \"anomalies_count\": 0,\n  \"freeze_ready\": false,\n", 51) == 0,
              "%s", out);
    cr_assert(strstr(out, "  \"guards_last8\": {\n    \"cooldown_count\": 0,\n"), "%s", out);
    cr_assert(strstr(out, "\"time_range\": {\n    \"from\": \"2025-10-16T13:25:00Z\",\n    \"to\": "
                          "null\n  },\n  \"verdict\": \"WARN\"\n}\n"),
              "%s", out);
}

Test(out_json, non_finite_statistics_are_null_d6)
{
    struct sg_snapshot s = sample();
    s.median[SG_KPI_P95].d = (double)INFINITY;
    char *out = render(&s, false);
    cr_assert(strstr(out, "\"p95_latency_ms\":{\"mean\":1.5,\"median\":null}"), "%s", out);
}

Test(out_json, legacy_five_field_object_without_schema_d19)
{
    struct sg_snapshot s = sample();
    s.has_schema = false;
    s.mean[SG_KPI_NET] = (struct sg_jnum){true, 3, 3.0};
    char *out = render(&s, false);
    cr_assert_str_eq(out,
                     "{\"freeze_seen\":true,\"guards_last8\":{\"cooldown_count\":0,\"freeze_events\":0,"
                     "\"oscillation_count\":0,\"velocity_count\":0},\"kpi_last8\":{\"maker_taker_ratio\":"
                     "{\"mean\":1.5,\"median\":1.5},\"net_bps\":{\"mean\":3,\"median\":1.5},"
                     "\"p95_latency_ms\":{\"mean\":1.5,\"median\":1.5},\"risk_ratio\":{\"mean\":1.5,"
                     "\"median\":1.5}},\"pass_count_last8\":5,\"verdict\":\"WARN\"}\n");
}
