#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (the asan preset), and a longer fuzzing session. CI runs the unit tests
# under asan and each fuzz target for 20 s (scripts/test.sh); this runs the
# integration and conformance suites too, and fuzzes for
# DRAFTSMITH_NIGHTLY_FUZZ_SECONDS (default 600) per target. Extra arguments go
# to the asan ctest (e.g. -R integration.run).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset asan
cmake --build --preset asan
ctest --preset asan -LE lint "$@"
cmake --preset fuzz -DDRAFTSMITH_FUZZ_SECONDS="${DRAFTSMITH_NIGHTLY_FUZZ_SECONDS:-600}"
cmake --build --preset fuzz
ctest --preset fuzz -L fuzz -j2
