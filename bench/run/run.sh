#!/usr/bin/env bash
# A whole `draftsmith run --local` against the fake LLM (tests/fakes/llm/),
# in a generated mid-size repository: draftsmith's own CPU time with an
# instant model, and wall time of N=5 against N=1 with a model that takes 2 s
# a turn. Builds the release binary; results go to stdout as markdown; exits
# 1 when a target is missed.
#
#   bench/run/run.sh [--files N] [--runs R] [--turns T] [--keep NEW_DIR]
#                    (defaults: 3000 files, 3 runs, 4 working turns a variant)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
if [ ! -d build/release ]; then cmake --preset release >/dev/null; fi
nice cmake --build --preset release -j2 --target draftsmith >/dev/null
exec python3 "$here/run_bench.py" --draftsmith "$root/build/release/draftsmith" \
  --fake-llm "$root/tests/fakes/llm/fake_llm.py" "$@"
