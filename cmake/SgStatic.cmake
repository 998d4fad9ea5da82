# SPDX-License-Identifier: MIT
# SG_STATIC support: INTERFACE target sg_static_deps, built from the pkg-config --static
# results of json-c and libcurl (JSONC_STATIC_*, CURL_STATIC_*), for a fully static link.
#
# The prefix is meant to hold musl builds of the three libraries (scripts/deps-musl.sh);
# configure with CC=musl-gcc and PKG_CONFIG_LIBDIR=<prefix>/lib/pkgconfig so that no glibc
# .pc file is seen. The *_STATIC_LDFLAGS carry the -L paths (*_STATIC_LIBRARIES are bare
# names). libcurl comes first: its flags lead to the custom-built libcurl.a, and json-c's
# may hold a system -L (CMake allows system libs in pkg-config output) that would otherwise
# pick Debian's glibc libcurl.a (build-env.md 2(c), gotcha 3).

function(sg_add_static_deps)
  add_library(sg_static_deps INTERFACE)
  target_include_directories(sg_static_deps SYSTEM INTERFACE
    ${CURL_STATIC_INCLUDE_DIRS} ${JSONC_STATIC_INCLUDE_DIRS})
  target_compile_options(sg_static_deps INTERFACE
    ${CURL_STATIC_CFLAGS_OTHER} ${JSONC_STATIC_CFLAGS_OTHER})
  target_link_libraries(sg_static_deps INTERFACE
    ${CURL_STATIC_LDFLAGS} ${JSONC_STATIC_LDFLAGS})
endfunction()

# A static glibc binary still loads NSS modules for getaddrinfo at run time, from the glibc
# it was linked with; only musl gives a portable static binary. Warn, do not fail, so a
# glibc static build stays possible for local experiments.
function(sg_check_static_glibc)
  include(CheckSymbolExists)
  check_symbol_exists(__GLIBC__ "limits.h" SG_LIBC_IS_GLIBC)
  if(SG_LIBC_IS_GLIBC)
    message(WARNING "SG_STATIC=ON with glibc: the binary needs the same glibc at run time "
      "for name lookups; use CC=musl-gcc (scripts/build-static.sh)")
  endif()
endfunction()
