#!/bin/sh
# lint.no_getenv: only trigger/ reads the process environment.
#
# trigger::Environment (include/draftsmith/trigger/environment.hpp) is read
# once, before any thread starts; every other module takes its values from
# the caller. A getenv elsewhere would bring back what issue 13 removed:
# modules giving different answers to "where do I run?" (TF_BUILD=False was
# Azure DevOps to one module and no CI to another), and reads racing setenv.
#
# Usage: no_getenv.sh SOURCE_DIR
# Fails (exit 1) naming every file and line under src/ and include/, outside
# src/trigger/ and include/draftsmith/trigger/, that calls getenv,
# secure_getenv or reads environ. Before that it checks itself on a planted
# copy, so a broken pattern cannot pass silently.
set -eu

root=${1:?usage: no_getenv.sh SOURCE_DIR}
pattern='(\bgetenv|\bsecure_getenv|\benviron)\b'

# Lines that read the environment in TREE (its src/ and include/), trigger/
# excepted; nothing printed when there are none.
offenders() {
    for dir in "$1/src" "$1/include"; do
        [ -d "$dir" ] || continue
        grep -rnE "$pattern" "$dir" \
            | grep -vE '^[^:]*/(src/trigger|include/draftsmith/trigger)/' || true
    done
}

planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
mkdir -p "$planted/src/util" "$planted/src/trigger"
printf 'const char* home = std::getenv("HOME");\n' > "$planted/src/util/planted.cpp"
printf 'const char* home = std::getenv("HOME");\n' > "$planted/src/trigger/allowed.cpp"
found=$(offenders "$planted")
case $found in
*src/util/planted.cpp*) ;;
*) echo "no_getenv.sh: the check misses a planted getenv in src/util/" >&2; exit 2 ;;
esac
case $found in
*src/trigger/allowed.cpp*) echo "no_getenv.sh: the check flags trigger/, which may read it" >&2; exit 2 ;;
esac

found=$(offenders "$root")
if [ -n "$found" ]; then
    echo "$found"
    echo "lint.no_getenv: only trigger/ reads the environment; take the value from" \
         "trigger::Environment (through the caller) instead" >&2
    exit 1
fi
echo "lint.no_getenv: no getenv, secure_getenv or environ outside trigger/"
