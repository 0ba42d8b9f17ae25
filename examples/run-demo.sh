#!/usr/bin/env bash
# The demo: `draftsmith run --local` on the small repository in
# examples/demo-site, with the model's answers replayed from
# examples/recordings/red-buttons.jsonl (no network, no keys). It is the real
# code path: the same agent, edit engine, git layer and report as in a
# pipeline; only the model is a recording.
#
#   examples/run-demo.sh [DRAFTSMITH]
#
# With ANTHROPIC_API_KEY (or OPENAI_API_KEY and DEMO_PROVIDER=openai) set and
# DEMO_LIVE=1, the same command line without the replay calls the real service.
set -euo pipefail
draftsmith=${1:-draftsmith}
if [[ $draftsmith == */* ]]; then
    draftsmith=$(cd "$(dirname "$draftsmith")" && pwd)/$(basename "$draftsmith")
fi
examples=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/draftsmith-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Prints a command as the user would type it and runs it.
show() {
    echo
    printf '$'
    printf ' %q' "$@"
    echo
    "$@"
}

echo "== $("$draftsmith" version)"
echo "== A fresh git repository with the demo site, in $work/site"
cp -R "$examples/demo-site" "$work/site"
git -C "$work/site" init -q -b main
git -C "$work/site" add -A
git -C "$work/site" -c user.name=demo -c user.email=demo@example.com commit -q -m "Newsletter page"
git -C "$work/site" log --oneline

request='/edit /3 make the submit buttons red'
if [[ ${DEMO_LIVE:-0} == 1 ]]; then
    provider=(--provider "${DEMO_PROVIDER:-anthropic}")
else
    provider=(--provider replay --replay "$examples/recordings/red-buttons.jsonl")
fi

echo
echo "== 1. One comment in, three variants out (draftsmith run --local)"
cd "$work/site"
status=0
show "$draftsmith" run --local --comment "$request" "${provider[@]}" \
    --report "$work/report.json" || status=$?
echo "(exit status $status)"

echo
echo "== 2. The branches it made, one per variant"
show git branch --list 'draftsmith/*' -v

for branch in $(git for-each-ref --format='%(refname:short)' refs/heads/draftsmith/); do
    echo
    echo "== $branch"
    show git log -1 --format='%an <%ae>%n%n%B' "$branch"
    show git diff --stat main "$branch"
    show git diff main "$branch"
done

echo
echo "== 3. The working tree was not touched"
show git status --short

echo
echo "== 4. Running the same comment again makes nothing twice"
show "$draftsmith" run --local --comment "$request" "${provider[@]}" --log-level warning \
    >/dev/null
show git branch --list 'draftsmith/*'

echo
echo "== 5. The JSON report (--report), in short"
python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for v in report.get("variants", []):
    print(f"variant {v.get('index')}: {v.get('state')}  {v.get('branch')}  files={v.get('files')}")
PY
exit "$status"
