#!/usr/bin/env bash
# The edit engine's benchmark: builds the release binary, makes the corpus of
# model-shaped patches from real source files, and compares draftsmith apply
# with git apply and GNU patch. Results go to stdout as markdown.
#
#   bench/edit/run.sh [--files N] [--seed S]      (defaults: 40 files, seed 7)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
files=40
seed=7
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--seed S]" >&2; exit 2 ;;
  esac
done
command -v patch >/dev/null || { echo "GNU patch is missing: run scripts/setup-debian.sh" >&2; exit 2; }
cd "$root"
if [ ! -d build/release ]; then cmake --preset release >/dev/null; fi
nice cmake --build --preset release -j2 --target draftsmith >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_corpus.py" "$work/corpus" --files "$files" --seed "$seed" \
  --source /usr/include --source "$root/src" >&2
echo "draftsmith $(build/release/draftsmith --version | cut -d' ' -f2), $(git --version), $(patch --version | head -1)"
echo
python3 "$here/run_bench.py" --draftsmith build/release/draftsmith --corpus "$work/corpus" \
  --work "$work/run" --throughput
