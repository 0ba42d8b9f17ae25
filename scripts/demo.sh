#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds draftsmith and runs it on the bundled
# demo in examples/ (no network, no keys).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec examples/run-demo.sh build/release/draftsmith
