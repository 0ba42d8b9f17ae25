#!/usr/bin/env bash
# The demo: what this build of draftsmith can do, on the bundled inputs in
# examples/ only (no network, no keys).
#
# `draftsmith run` is not built yet. Until it is, the demo shows the parts that
# exist -- the comment grammar (`parse`) and the configuration check
# (`config check`) -- and says so plainly; it never pretends to open PRs.
set -euo pipefail
draftsmith=${1:-draftsmith}
if [[ $draftsmith == */* ]]; then
    draftsmith=$(cd "$(dirname "$draftsmith")" && pwd)/$(basename "$draftsmith")
fi
cd "$(dirname "$0")"

# Prints a command as the user would type it ("draftsmith ...") and runs it.
show() {
    echo
    printf '$ draftsmith'
    printf ' %q' "${@:2}"
    echo
    "$@" || echo "(exit status $?)"
}

echo "== $("$draftsmith" version)"
echo "== 'draftsmith run' is not built yet: this demo shows the comment grammar"
echo "== and the configuration check, which are."

echo
echo "== 1. Which comments are commands? (draftsmith parse, one JSON object each)"
for comment in comments/*.md; do
    echo
    echo "--- $comment:"
    sed 's/^/    /' "$comment"
    echo "\$ draftsmith parse - < $comment"
    "$draftsmith" parse - <"$comment" || echo "(exit status $?)"
done

echo
echo "== 2. The configuration (draftsmith config check)"
show "$draftsmith" config check .draftsmith.yml
show "$draftsmith" config check broken.draftsmith.yml

echo
echo "== 3. The main command is not built yet, and says so"
show "$draftsmith" run --local --comment "/edit /3 make the submit buttons red"
