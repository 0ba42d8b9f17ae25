#!/usr/bin/env bash
# Times, on this machine, the install steps each pipeline path runs, on a
# Debian 12 without draftsmith's dependencies (a fresh debootstrap'd root, in a
# chroot: the stand-in for a fresh debian:12 runner container):
#   deb     what the action/pipeline run with a released .deb: apt-get update,
#           curl and ca-certificates (not in debian:12), the SHA-256 check,
#           apt-get install of the .deb with its dependencies and
#           ca-certificates; draftsmith --version
#   source  the slow path: apt-get install of the compiler and -dev packages,
#           CMake configure, a Release build (no ccache), CPack, apt-get
#           install of the .deb made (git too: the Azure path clones with it)
# Prints one line per step and a Markdown summary. Needs root, debootstrap,
# and Debian's mirror (the same one apt uses). Does not download the .deb
# itself (a release asset of ~1 MB; see the README for that).
# Usage: measure-install.sh [--deb FILE] [--rootfs DIR] [--no-source] [--jobs N]
#   --deb     the .deb to install (default: made with CPack from build/ci)
#   --rootfs  an existing debootstrap'd Debian 12 root to copy (default: make one)
#   --jobs    build parallelism for the source path (default: nproc)
set -euo pipefail
source=$(cd "$(dirname "$0")/.." && pwd)
deb="" rootfs="" do_source=1 jobs=$(nproc)
while (($#)); do
  case "$1" in
    --deb) deb=$(realpath "$2"); shift 2 ;;
    --rootfs) rootfs=$(realpath "$2"); shift 2 ;;
    --no-source) do_source=0; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: measure-install.sh [--deb FILE] [--rootfs DIR] [--no-source] [--jobs N]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "measure-install.sh: needs root (chroot, debootstrap)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/draftsmith-measure-XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$deb" ]; then
  (cd "$source/build/ci" && cpack -G DEB -B "$work/cpack" >/dev/null)
  deb=$(echo "$work"/cpack/draftsmith_*.deb)
fi

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
declare -A seconds=() cpu=()
# timed NAME ROOT COMMAND: runs COMMAND in the chroot ROOT; records its wall
# time and its CPU time (user + system of every process it ran: on a loaded
# machine wall time grows, CPU time much less).
timed() {
  local name=$1 root=$2 times
  shift 2
  /usr/bin/time -f '%e %U %S' -o "$work/$name.time" chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root sh -c "$*" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; echo "FAIL: $name"; exit 1; }
  times=$(tail -n 1 "$work/$name.time")
  seconds[$name]=$(awk '{ printf "%.1f", $1 }' <<<"$times")
  cpu[$name]=$(awk '{ printf "%.1f", $2 + $3 }' <<<"$times")
  printf '%-22s %7s s wall %7s s CPU\n' "$name" "${seconds[$name]}" "${cpu[$name]}"
}
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) s += ARGV[i]; printf "%.1f", s }' "$@"; }
# total STEP...: sets wall and cpu_total to the sums over the steps.
total() {
  local step walls=() cpus=()
  for step in "$@"; do walls+=("${seconds[$step]}"); cpus+=("${cpu[$step]}"); done
  wall=$(sum "${walls[@]}")
  cpu_total=$(sum "${cpus[@]}")
}

fresh_root() {
  mkdir "$1"
  if [ -n "$rootfs" ]; then
    cp -a "$rootfs/." "$1/"
  else
    local start
    start=$(date +%s.%N)
    debootstrap --variant=minbase bookworm "$1" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
      { cat "$work/debootstrap.log"; exit 1; }
    # The second path starts from a copy of the same fresh root.
    mkdir "$work/base"
    cp -a "$1/." "$work/base/"
    rootfs="$work/base"
    echo "(debootstrap, not counted: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s)"
  fi
  cp /etc/resolv.conf "$1/etc/resolv.conf"
  chroot "$1" apt-get clean
  rm -rf "$1/var/lib/apt/lists/"*
}

echo "deb path: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
fresh_root "$work/deb"
cp "$deb" "$work/deb/tmp/"
(cd "$(dirname "$deb")" && sha256sum "$(basename "$deb")") >"$work/deb/tmp/$(basename "$deb").sha256"
name=$(basename "$deb")
timed deb.apt-update "$work/deb" apt-get update -qq
timed deb.curl "$work/deb" apt-get install -y -qq --no-install-recommends curl ca-certificates
timed deb.sha256 "$work/deb" "cd /tmp && sha256sum --check --quiet $name.sha256"
timed deb.apt-install "$work/deb" apt-get install -y -qq --no-install-recommends "/tmp/$name" ca-certificates
timed deb.version "$work/deb" draftsmith --version
total deb.apt-update deb.curl deb.sha256 deb.apt-install deb.version
deb_total=$wall deb_cpu=$cpu_total
echo "deb path total: $deb_total s wall, $deb_cpu s CPU"

if [ "$do_source" = 1 ]; then
  fresh_root "$work/src"
  mkdir "$work/src/src"
  (cd "$source" && git archive HEAD CMakeLists.txt cmake include src man) | tar -x -C "$work/src/src"
  timed source.apt-update "$work/src" apt-get update -qq
  timed source.build-deps "$work/src" apt-get install -y -qq --no-install-recommends g++ cmake ninja-build \
    pkg-config dpkg-dev file ca-certificates git libgit2-dev libcli11-dev nlohmann-json3-dev libfmt-dev \
    libyaml-cpp-dev libcurl4-openssl-dev
  timed source.configure "$work/src" cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX=/usr -DDRAFTSMITH_TESTS=OFF
  timed source.build "$work/src" cmake --build /build -j "$jobs"
  timed source.cpack-install "$work/src" "cd /build && cpack -G DEB -B /out && apt-get install -y -qq --no-install-recommends /out/draftsmith_*.deb"
  total source.apt-update source.build-deps source.configure source.build source.cpack-install
  source_total=$wall source_cpu=$cpu_total
  echo "source path total: $source_total s wall, $source_cpu s CPU (build with -j$jobs on $(nproc) cores)"
fi

echo
echo "$(nproc) cores; load average before: $load_before, after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo
echo "| path | steps | wall s | CPU s |"
echo "|---|---|---|---|"
echo "| .deb (version) | apt-get update, curl, SHA-256, apt-get install .deb + deps | $deb_total | $deb_cpu |"
if [ "$do_source" = 1 ]; then
  echo "| source build | apt-get update, compiler and -dev packages, configure, build (-j$jobs), CPack, install | $source_total | $source_cpu |"
fi
