#!/usr/bin/env bash
# The cancel path (issue 17): SIGINT -> the one push of every variant's edits
# so far, against git http-backend behind lighttpd on 127.0.0.1. Builds the
# release binary (or takes --draftsmith BIN); results go to stdout as
# markdown; exits 1 when the documented bound is missed.
#
#   bench/cancel/run.sh [--variants 1,5,10] [--runs 5] [--draftsmith BIN]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
binary=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --draftsmith) binary=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$binary" ]; then
  if [ ! -d build/release ]; then cmake --preset release >/dev/null; fi
  nice cmake --build --preset release -j2 --target draftsmith >/dev/null
  binary="$root/build/release/draftsmith"
fi
exec python3 "$here/cancel_bench.py" --draftsmith "$binary" \
  --fake-llm "$root/tests/fakes/llm/fake_llm.py" "${args[@]+"${args[@]}"}"
