#!/usr/bin/env bash
# Formats our C++ (src/, include/, tests/, bench/) with clang-format-14 and
# the project's .clang-format.
#   scripts/format.sh            format every file in place
#   scripts/format.sh --check    change nothing; name each file that differs and
#                                exit 1 if any does (the lint.format test)
#   scripts/format.sh --changed  only the files changed against main (committed,
#                                staged, unstaged or new), for developer loops;
#                                combines with --check. FORMAT_BASE=ref for
#                                another base than main.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
changed=0
for argument in "$@"; do
  case "$argument" in
    --check) check=1 ;;
    --changed) changed=1 ;;
    *) echo "usage: scripts/format.sh [--check] [--changed]" >&2; exit 2 ;;
  esac
done
clang_format=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
if [ -z "$clang_format" ]; then
  echo "format: clang-format-14 not found (scripts/setup-debian.sh installs it)" >&2
  exit 2
fi

patterns=('src/*.cpp' 'src/*.hpp' 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
files=()
if [ "$changed" = 1 ]; then
  base=$(git merge-base "${FORMAT_BASE:-main}" HEAD)
  mapfile -t files < <({ git diff --name-only --diff-filter=d "$base" -- "${patterns[@]}"
                         git ls-files --others --exclude-standard -- "${patterns[@]}"; } | sort -u)
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- "${patterns[@]}")
else
  # A source tree without git (a release tarball): the same folders.
  mapfile -t files < <(find src include tests bench -name '*.cpp' -o -name '*.hpp' | sort)
fi
if ((${#files[@]} == 0)); then
  echo "format: no files to look at"
  exit 0
fi

if [ "$check" = 0 ]; then
  "$clang_format" -i "${files[@]}"
  echo "format: ${#files[@]} files formatted"
  exit 0
fi
# One clang-format process for all files (one per file takes a minute); each
# finding starts with FILE:LINE:COL.
status=0
report=$("$clang_format" --dry-run --Werror "${files[@]}" 2>&1) || status=$?
mapfile -t differ < <(grep -oE '^[^ :]+:[0-9]+:[0-9]+: (warning|error)' <<<"$report" | cut -d: -f1 | sort -u)
if [ "$status" != 0 ] && ((${#differ[@]} == 0)); then
  echo "$report" >&2
  echo "format: $clang_format failed" >&2
  exit 2
fi
if ((${#differ[@]} > 0)); then
  printf 'format: %s differs from .clang-format\n' "${differ[@]}"
  fix="scripts/format.sh"
  if [ "$changed" = 1 ]; then fix="scripts/format.sh --changed"; fi
  echo "format: ${#differ[@]} of ${#files[@]} files differ: '$fix' formats them," \
       "'clang-format-14 --dry-run FILE' shows where"
  exit 1
fi
echo "format: all ${#files[@]} files follow .clang-format"
