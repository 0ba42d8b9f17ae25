#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds draftsmith and runs it on the bundled
# demo in examples/ (no network, no keys).
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what the demo needs: the build packages (setup-debian.sh --demo) and
# the draftsmith binary (the demo preset: no tests, no test servers, no Node),
# which keeps it within minutes on a fresh 2-core machine (README, "How long
# things take").
scripts/setup-debian.sh --demo
cmake --preset demo >/dev/null
cmake --build --preset demo
exec examples/run-demo.sh build/demo/draftsmith
