# SPDX-License-Identifier: MIT
# INTERFACE target sg_warnings: the house warning set (STYLE 2.12); -Werror with SG_WERROR.
add_library(sg_warnings INTERFACE)
target_compile_options(sg_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
  -Wcast-qual -Wwrite-strings -Wundef -Wvla -Wconversion -Wdouble-promotion
  -Wimplicit-fallthrough -ffp-contract=off)
target_compile_definitions(sg_warnings INTERFACE _POSIX_C_SOURCE=200809L)
if(SG_WERROR)
  target_compile_options(sg_warnings INTERFACE -Werror)
endif()
