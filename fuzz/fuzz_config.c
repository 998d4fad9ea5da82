/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: config file bytes -> sg_config_load_buf -> sg_config_validate. Any failure
 * must be SG_USAGE with a message naming the file; string values must outlive the parse.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fz_cstr(data, size);
    struct sg_config cfg;
    struct sg_arena strings;
    struct sg_err err = SG_ERR_INIT;
    sg_config_init(&cfg);
    sg_arena_init(&strings);
    enum sg_rc rc = sg_config_load_buf(&cfg, buf, size, "fuzz.json", &strings, &err);
    if (rc != SG_OK) {
        fz_check(rc == SG_USAGE, "config errors are usage errors");
        fz_check(strstr(err.msg, "config file 'fuzz.json'") != NULL, "message names the file");
    } else {
        free(buf); /* strings must not borrow the input buffer */
        buf = NULL;
        (void)sg_config_validate(&cfg, &err);
        fz_check(cfg.path != NULL && strlen(cfg.path) < ((size_t)1 << 30), "path readable");
        fz_check(cfg.policy.window >= 1, "window range enforced");
        fz_check(cfg.limits.n_threads >= 0 && cfg.limits.n_threads <= 8, "threads range");
    }
    sg_arena_release(&strings);
    free(buf);
    return 0;
}
