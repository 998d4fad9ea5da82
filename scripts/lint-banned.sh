#!/bin/sh
# Fails when src/ uses a banned function (STYLE 2.9): unbounded string functions, the
# number parsers without error reporting, and system(). Comments are not checked.
set -eu
cd "$(dirname "$0")/.."
pattern='\<(atoi|atof|atol|atoll|sprintf|vsprintf|strcpy|strcat|strncpy|strtok|gets|system|sscanf)[[:space:]]*\('
# Drop /* ... */ comment lines and string literals before matching.
hits=$(grep -nE "$pattern" src/*.c src/*.h | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' |
    grep -vE '"[^"]*\<(atoi|sprintf|strcpy|strcat|system)\>[^"]*"' || true)
if [ -n "$hits" ]; then
    echo "banned functions in src/:" >&2
    echo "$hits" >&2
    exit 1
fi
echo "lint-banned: src/ is clean"
