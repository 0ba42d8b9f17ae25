#!/usr/bin/env bash
# Builds the container image (Dockerfile) from a .deb and smoke-tests it,
# without Docker: Docker Hub is out of reach here and no Docker engine runs.
#   1. A Debian 12 slim base image made with debootstrap from Debian's mirror
#      (minbase, plus the dpkg excludes of the official slim image) and
#      committed with buildah (skipped when it already exists).
#   2. buildah bud with chroot isolation (podman's OCI runtime, crun, cannot
#      start containers on this machine's hybrid cgroups; chroot isolation
#      needs none), DEB_FROM=dist: the given .deb, as the release does.
#   3. The smoke test in the image as its own user: the entrypoint, the user,
#      draftsmith --version, parse and config check, the CA certificates present.
# If buildah cannot run here (or cannot run a RUN step: see
# buildah_machine_fault), the same .deb is installed into the debootstrap
# root with apt-get in a chroot, the image's user made the same way, and the
# same smoke test runs there (said loudly; the image itself is then untested).
# Needs root. Usage: image-test.sh DEB   (DRAFTSMITH_IMAGE_ROOTFS=DIR reuses a
# debootstrap'd Debian 12 root instead of making one; DRAFTSMITH_IMAGE_CHROOT=1
# takes the chroot path even where buildah works)
set -euo pipefail
if [ "${1:-}" != --root-only ]; then deb=$(realpath "$1"); fi
source=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != --root-only ]; then version=$(dpkg-deb --field "$deb" Version); fi
base=localhost/draftsmith-debian:12-slim
image=localhost/draftsmith:test
# The mirror this machine's apt uses (CI may reach only that one), else Debian's.
mirror=$(sed -n 's|^URIs: *\(http[^ ]*/debian\)$|\1|p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
# image-test.sh --root-only DIR: only debootstrap the Debian 12 root into DIR
# and stop. scripts/test.sh makes it in the background while it compiles
# (minutes of waiting on the mirror, little CPU) and passes it back as
# DRAFTSMITH_IMAGE_ROOTFS; make_root below adds the slim image's excludes.
if [ "${1:-}" = --root-only ]; then
  mkdir -p "$2"
  debootstrap --variant=minbase bookworm "$2" "$mirror"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/draftsmith-image-XXXXXX")
trap 'rm -rf "$work"' EXIT

# A Debian 12 root in $1: debootstrap (minutes) or a copy of DRAFTSMITH_IMAGE_ROOTFS.
make_root() {
  if [ -n "${DRAFTSMITH_IMAGE_ROOTFS:-}" ]; then
    cp -a "$DRAFTSMITH_IMAGE_ROOTFS/." "$1/"
  else
    debootstrap --variant=minbase bookworm "$1" "$mirror" >"$work/debootstrap.log" 2>&1 ||
      { cat "$work/debootstrap.log"; echo "image: debootstrap failed"; exit 1; }
  fi
  # What makes the official image "slim": no manuals, docs or locales.
  cat >"$1/etc/dpkg/dpkg.cfg.d/docker" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
SLIM
  chroot "$1" apt-get clean
}

# The smoke test; "$@" runs a command in the image as its user.
smoke() {
  local out
  out=$("$@" draftsmith --version)
  [ "$out" = "draftsmith $version" ] || { echo "image: draftsmith --version says '$out'"; exit 1; }
  out=$("$@" draftsmith parse '/edit /3 make the submit buttons red')
  [[ "$out" == *'"variants":3'* ]] || { echo "image: draftsmith parse says '$out'"; exit 1; }
  local uid
  uid=$("$@" id -u)
  [ "$uid" != 0 ] || { echo "image: runs as root"; exit 1; }
  out=$("$@" draftsmith config check)
  [[ "$out" == *max_variants* ]] || { echo "image: draftsmith config check says '$out'"; exit 1; }
  "$@" test -s /etc/ssl/certs/ca-certificates.crt || { echo "image: no CA certificates"; exit 1; }
  echo "image: smoke test passed: draftsmith $version as uid $uid, parse, config check, CA certificates"
}

buildah_works() {
  [ "${DRAFTSMITH_IMAGE_CHROOT:-0}" != 1 ] || return 1
  command -v buildah >/dev/null || return 1
  local c
  c=$(buildah from scratch 2>/dev/null) || return 1
  buildah rm "$c" >/dev/null
}

# The fallback: the same .deb installed into a debootstrap'd root in a chroot,
# the image's user made the same way, and the same smoke test.
chroot_test() {
  echo "image: WARNING: $1; testing the image's contents in a chroot instead"
  mkdir "$work/root"
  make_root "$work/root"
  cp "$deb" "$work/root/tmp/"
  cp /etc/resolv.conf "$work/root/etc/resolv.conf"
  chroot "$work/root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends /tmp/$(basename "$deb") ca-certificates >/dev/null && \
    useradd --create-home --uid 10001 --user-group draftsmith"
  smoke chroot --userspec=draftsmith:draftsmith "$work/root" env HOME=/home/draftsmith
}

# buildah's RUN re-executes itself from a sealed memfd; on kernels with shmem
# transparent huge pages set to "always" sealing fails with EBUSY ("sealing
# memfd copy: Device or resource busy", flatpak/flatpak#3409). That is the
# machine, not the Dockerfile, so it takes the fallback; any other failure fails.
buildah_machine_fault() {
  grep -q 'sealing memfd copy' "$1"
}

if ! buildah_works; then
  chroot_test "buildah cannot run here"
  exit 0
fi
if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  c=$(buildah from scratch)
  make_root "$(buildah mount "$c")"
  buildah umount "$c" >/dev/null
  buildah config --cmd /bin/bash "$c"
  buildah commit --quiet "$c" "$base" >/dev/null
  buildah rm "$c" >/dev/null
  echo "image: made the base image $base"
fi
mkdir -p "$work/context/dist"
cp "$deb" "$work/context/dist/"
cp "$source/Dockerfile" "$source/.dockerignore" "$work/context/"
if ! buildah bud --quiet --isolation chroot --pull=never --layers=false \
  --build-arg BASE="$base" --build-arg DEB_FROM=dist --tag "$image" "$work/context" \
  >"$work/bud.log" 2>&1; then
  cat "$work/bud.log"
  if buildah_machine_fault "$work/bud.log"; then
    chroot_test "buildah cannot run a RUN step on this machine (memfd sealing)"
    exit 0
  fi
  echo "image: buildah bud failed"
  exit 1
fi
config=$(buildah inspect --type image --format '{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.User}}' "$image")
[ "$config" = "[draftsmith] draftsmith" ] || { echo "image: entrypoint and user are '$config'"; exit 1; }
c=$(buildah from "$image")
trap 'buildah rm "$c" >/dev/null; rm -rf "$work"' EXIT
smoke buildah run --isolation chroot --user draftsmith "$c" --
echo "image: $image built with buildah from $(basename "$deb"); entrypoint draftsmith, user draftsmith"
