#!/usr/bin/env bash
# cmake --install into a temporary prefix installs the binary and the manual;
# the .deb as users get it: builds it with CPack from the build tree (into a
# temporary directory), checks its control fields, its files and that its
# Depends cover every shared library the binary needs, unpacks it with
# dpkg -x into a temporary root and runs the draftsmith inside.
# Usage: deb.sh BUILD_DIR SOURCE_DIR VERSION
# The temporary directory is removed on success and kept (path printed) on
# failure.
set -euo pipefail
build=$1
source=$2
version=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/draftsmith-package-XXXXXX")
fail() {
  echo "FAIL: $*"
  echo "(kept $work)"
  exit 1
}

# cmake --install: the binary and the manual, at the GNU install directories.
if ! cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1; then
  fail "cmake --install failed:
$(cat "$work/install.log")"
fi
for installed in bin/draftsmith share/man/man1/draftsmith.1; do
  [ -f "$work/prefix/$installed" ] || fail "cmake --install did not install $installed:
$(cat "$work/install.log")"
done
[ -x "$work/prefix/bin/draftsmith" ] || fail "cmake --install installed bin/draftsmith without the execute bit"

if ! cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  fail "cpack failed:
$(cat "$work/cpack.log")"
fi
deb="$work/out/draftsmith_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "cpack made no $deb; it made: $(ls "$work/out")"

# Control fields.
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = draftsmith ] || fail "Package is '$(field Package)', expected draftsmith"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', expected the project's $version"
depends=$(field Depends)
[ -n "$depends" ] || fail "the package declares no Depends"

# Files: the binary and the gzipped manual, nothing else but directories.
listing=$(dpkg-deb --contents "$deb")
grep -q ' \./usr/bin/draftsmith$' <<<"$listing" || fail "no usr/bin/draftsmith in:
$listing"
grep -q ' \./usr/share/man/man1/draftsmith\.1\.gz$' <<<"$listing" || fail "no usr/share/man/man1/draftsmith.1.gz in:
$listing"
others=$(grep -v '^d' <<<"$listing" | grep -v -e ' \./usr/bin/draftsmith$' -e ' \./usr/share/man/man1/draftsmith\.1\.gz$' || true)
[ -z "$others" ] || fail "unexpected files in the package:
$others"

# Unpacked into a temporary root: the binary runs and is this version, the
# manual is the source's.
dpkg -x "$deb" "$work/root"
actual=$("$work/root/usr/bin/draftsmith" --version) || fail "draftsmith --version from the package failed"
[ "$actual" = "draftsmith $version" ] || fail "draftsmith --version says '$actual', expected 'draftsmith $version'"
cmp -s <(gzip -dc "$work/root/usr/share/man/man1/draftsmith.1.gz") "$source/man/draftsmith.1" ||
  fail "the packaged manual is not man/draftsmith.1"

# Every shared library the binary needs comes from a package in Depends
# (dpkg-shlibdeps computed them; this checks it did, library by library).
depends_names=" $(sed -E 's/ *\([^)]*\)//g; s/ *\| */ /g; s/ *, */ /g' <<<"$depends") "
for library in $(readelf --dynamic "$work/root/usr/bin/draftsmith" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p'); do
  owners=$(dpkg --search "$library" 2>/dev/null | awk -F': ' -v lib="/$library" \
    'substr($2, length($2) - length(lib) + 1) == lib { n = split($1, p, ", "); for (i = 1; i <= n; i++) { sub(/:.*/, "", p[i]); print p[i] } }' | sort -u)
  [ -n "$owners" ] || fail "no installed package provides $library (needed by draftsmith)"
  found=""
  for owner in $owners; do
    if [[ "$depends_names" == *" $owner "* ]]; then found=$owner; fi
  done
  [ -n "$found" ] || fail "draftsmith needs $library (from: $owners) but Depends is: $depends"
  echo "ok: $library from $found"
done

echo "ok: $(basename "$deb"): Depends: $depends"
rm -rf "$work"
