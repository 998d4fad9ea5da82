# syntax=docker/dockerfile:1
# soak-gate GitHub container action: a statically linked binary in a small Alpine image.
# Build stage: static json-c and libcurl from Alpine's -static packages, fully static link,
# strip, and a smoke test on a bundled example. Final stage: the binary, the entrypoint and
# Alpine's CA bundle; no USER (the runner needs root for the workspace mount) and no
# WORKDIR (the runner sets /github/workspace).
FROM alpine:3.20 AS build
RUN apk add --no-cache build-base cmake samurai pkgconf linux-headers \
        json-c-dev json-c-static curl-dev curl-static openssl-dev openssl-libs-static \
        nghttp2-dev nghttp2-static zlib-dev zlib-static zstd-dev zstd-static \
        brotli-dev brotli-static libidn2-dev libidn2-static libunistring-dev \
        libunistring-static libpsl-dev libpsl-static c-ares-dev c-ares-static
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DSG_STATIC=ON \
    && cmake --build build \
    && strip build/src/soak-gate \
    && ./build/src/soak-gate --version \
    && cp -r examples/pass /tmp/pass \
    && ./build/src/soak-gate gate --path /tmp/pass --quiet

FROM alpine:3.20
LABEL org.opencontainers.image.title="soak-gate" \
      org.opencontainers.image.description="Judge a soak-test run: PASS, WARN or FAIL, with reports, metrics and alerts" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /src/build/src/soak-gate /usr/local/bin/soak-gate
COPY entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
