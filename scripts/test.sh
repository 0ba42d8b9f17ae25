#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds draftsmith with warnings as errors with
# GCC 12 (build/ci) and, as a compile check, with Clang 14 (build/ci-clang),
# then runs every test through CTest: unit, integration, conformance, the
# manual's lint and clang-tidy. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake --preset ci
cmake --build --preset ci
cmake --preset ci-clang
cmake --build --preset ci-clang
ctest --preset ci "$@"

# --- Package: the .deb installed for real (pipelines engineer's block) -------
# Builds the .deb from the tested ci build with CPack, installs it with apt-get
# the way users do (root; sudo otherwise), and runs draftsmith and its manual
# from the installed package. A package that was not installed before is
# purged again afterwards. DRAFTSMITH_SKIP_PACKAGE_INSTALL=1 skips this on a
# developer machine.
if [ "${DRAFTSMITH_SKIP_PACKAGE_INSTALL:-0}" != 1 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  rm -rf build/package
  (cd build/ci && cpack -G DEB -B "$PWD/../package")
  deb=$(echo build/package/draftsmith_*.deb)
  installed_before=0
  if dpkg-query -W -f='${Status}' draftsmith 2>/dev/null | grep -q 'install ok installed'; then
    installed_before=1
  fi
  # --path-include: slim Debian images exclude /usr/share/man from every
  # package (dpkg path-exclude); the manual is part of what is tested here.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o Dpkg::Options::=--path-include=/usr/share/man/man1/draftsmith.1.gz "./$deb"
  installed=$(command -v draftsmith)
  [ "$installed" = /usr/bin/draftsmith ] || { echo "package: draftsmith on PATH is $installed, not /usr/bin/draftsmith"; exit 1; }
  /usr/bin/draftsmith --version
  manual=$(man -w draftsmith)
  [ "$manual" = /usr/share/man/man1/draftsmith.1.gz ] || { echo "package: man -w draftsmith gives '$manual'"; exit 1; }
  echo "package: $deb installed; draftsmith --version and man -w draftsmith ($manual) work"
  if [ "$installed_before" = 0 ]; then
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq draftsmith
  fi
fi

# --- Image: the Dockerfile built from the .deb and smoke-tested (release block)
# scripts/image-test.sh: buildah with chroot isolation on a debootstrap'd
# Debian 12 slim base (no Docker engine or Docker Hub needed), or the same .deb
# and smoke test in a chroot where buildah cannot run. A few minutes, mostly
# debootstrap. DRAFTSMITH_SKIP_IMAGE=1 skips it on a developer machine.
if [ "${DRAFTSMITH_SKIP_IMAGE:-0}" != 1 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  if ! compgen -G 'build/package/draftsmith_*.deb' >/dev/null; then
    (cd build/ci && cpack -G DEB -B "$PWD/../package")
  fi
  "${as_root[@]}" scripts/image-test.sh build/package/draftsmith_*.deb
fi

# --- Sanitizers and fuzzing (issue 12; fuzz helper's block) ------------------
# The asan preset (GCC, address;undefined, no recovery) runs every unit test;
# the integration suites run under it nightly (scripts/nightly-asan.sh), which
# keeps this within CI's time. The fuzz preset builds the libFuzzer targets in
# tests/fuzz with Clang 14 and runs each for 20 s over its seed corpus; any
# crash, leak, hang or out-of-memory fails (SECURITY.md, Fuzzing).
# DRAFTSMITH_SKIP_SANITIZERS=1 skips this on a developer machine.
if [ "${DRAFTSMITH_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake --preset asan
  cmake --build --preset asan
  ctest --preset asan -L unit
  cmake --preset fuzz
  cmake --build --preset fuzz
  ctest --preset fuzz -L fuzz -j2
fi
