#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds draftsmith with warnings as errors with
# GCC 12 (build/ci) and with Clang 14 (build/ci-clang: also the sanitizer and
# fuzz build, below), then runs every test through CTest: unit, integration,
# conformance, the manual's lint and clang-tidy. Extra arguments go to ctest
# (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

# --- The image's Debian root, made while the compilers work (ci block) -------
# debootstrap takes minutes on a fresh machine but little CPU (~1 min: it
# mostly waits on the mirror and the disk; bench/README.md, "How long things
# take"), so it runs in the background from here, and the image step below
# reuses its root (DRAFTSMITH_IMAGE_ROOTFS) instead of making one then.
# Root only (a sudo prompt cannot wait in the background).
image_root=""
if [ "${DRAFTSMITH_SKIP_IMAGE:-0}" != 1 ] && [ "$(id -u)" -eq 0 ] && [ -z "${DRAFTSMITH_IMAGE_ROOTFS:-}" ]; then
  image_root=$(mktemp -d "${TMPDIR:-/tmp}/draftsmith-image-root-XXXXXX")
  # setsid: its own process group, so an early exit stops debootstrap too.
  setsid scripts/image-test.sh --root-only "$image_root/root" >"$image_root/log" 2>&1 &
  image_root_pid=$!
  trap 'kill -- "-$image_root_pid" 2>/dev/null || true; wait "$image_root_pid" 2>/dev/null || true; rm -rf "$image_root"' EXIT
fi

cmake --preset ci
cmake --build --preset ci
# One Clang build for two checks: the -Werror compile with Clang 14 and the
# tests under AddressSanitizer and UndefinedBehaviorSanitizer (the ci-clang
# preset). Its tests run below, under Sanitizers and fuzzing.
cmake --preset ci-clang
cmake --build --preset ci-clang
# -j: lint.clang_tidy (the longest test; COST starts it first) runs beside
# the suites, whose waits (servers starting, npm in spec_kit.install, pauses
# between retries) then cost no wall time of their own.
ctest --preset ci -j "$(nproc)" "$@"

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
  if [ -n "$image_root" ]; then
    wait "$image_root_pid" || { cat "$image_root/log"; echo "image: debootstrap failed"; exit 1; }
    DRAFTSMITH_IMAGE_ROOTFS="$image_root/root" scripts/image-test.sh build/package/draftsmith_*.deb
  else
    "${as_root[@]}" scripts/image-test.sh build/package/draftsmith_*.deb
  fi
fi

# --- Sanitizers and fuzzing (issue 12; ci block) ----------------------------
# The ci-clang build (Clang 14, address;undefined with no recovery) runs every
# unit test under the sanitizers; the integration suites run under them
# nightly (scripts/nightly-asan.sh). The fuzz preset builds the libFuzzer
# targets in tests/fuzz (Clang 14, -O2: in the same 20 s they try ~5 times
# the inputs an -O0 build would, bench/README.md) and runs each for 20 s over
# its seed corpus; any crash, leak, hang or out-of-memory fails (SECURITY.md,
# Fuzzing). DRAFTSMITH_SKIP_SANITIZERS=1 skips these on a developer machine
# (the ci-clang build above, the Clang compile check, is always made).
if [ "${DRAFTSMITH_SKIP_SANITIZERS:-0}" != 1 ]; then
  ctest --preset ci-clang -L unit -j "$(nproc)"
  cmake --preset fuzz
  cmake --build --preset fuzz
  ctest --preset fuzz -L fuzz -j "$(nproc)"
fi
