# SPDX-License-Identifier: MIT
# INTERFACE target sg_sanitize: SG_SANITIZE=address,undefined adds the flags to our targets only.
include(CheckCCompilerFlag)
add_library(sg_sanitize INTERFACE)
if(SG_SANITIZE)
  set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=${SG_SANITIZE}")
  check_c_compiler_flag("-fsanitize=${SG_SANITIZE}" SG_HAVE_SANITIZE)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT SG_HAVE_SANITIZE)
    message(FATAL_ERROR "compiler does not support -fsanitize=${SG_SANITIZE}")
  endif()
  target_compile_options(sg_sanitize INTERFACE -fsanitize=${SG_SANITIZE}
    -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(sg_sanitize INTERFACE -fsanitize=${SG_SANITIZE})
endif()
