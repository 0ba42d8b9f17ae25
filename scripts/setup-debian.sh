#!/usr/bin/env bash
# Installs every Debian 12 package draftsmith needs to build, test and run its
# demo (--demo: only what the demo needs). Safe to run again: apt-get skips
# what is already there.
set -euo pipefail

packages=(
  # build
  g++ clang cmake ninja-build pkg-config ccache clang-tidy
  # lint.format and scripts/format.sh: clang-format-14 with .clang-format
  clang-format
  # libFuzzer and the sanitizer runtimes for clang-14 (the fuzz preset, tests/fuzz)
  libclang-rt-14-dev
  # libraries (find_package / pkg-config)
  libgit2-dev libcli11-dev nlohmann-json3-dev libfmt-dev libyaml-cpp-dev
  doctest-dev libcurl4-openssl-dev
  # RE2: the agent's search runs model-written regexes in linear time (no hang)
  libre2-dev
  # tests: real git, a real web server for git http-backend, fakes in Python,
  # TLS certificates made at test time, the manual's linter, Node for the spec kit
  git lighttpd python3 openssl ca-certificates mandoc man-db
  # git http-backend over TLS in the git suite; /usr/bin/time -v in bench/git
  lighttpd-mod-openssl time
  # a real ssh server for the git suite's ssh pushes
  openssh-server
  prometheus-pushgateway
  # pipelines tests: a YAML parser to extract the step bodies; packaging:
  # dpkg-shlibdeps, which finds the .deb's dependencies for CPack
  python3-yaml dpkg-dev
  # bench/edit compares draftsmith apply with GNU patch
  patch
  # the container image test (scripts/image-test.sh) and scripts/measure-install.sh:
  # a Debian 12 root from Debian's mirror, and buildah to build the Dockerfile
  # without a Docker engine or Docker Hub
  debootstrap buildah
)
# Node for the spec kit: a machine may already have a Node from elsewhere
# (with npm bundled); asking apt for Debian's npm then conflicts with it.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

# --demo (scripts/demo.sh): only what building draftsmith and running the demo
# need; the test servers, Node, buildah and debootstrap take minutes to install.
if [ "${1:-}" = --demo ]; then
  packages=(g++ cmake ninja-build pkg-config ccache libgit2-dev libcli11-dev nlohmann-json3-dev
            libfmt-dev libyaml-cpp-dev libcurl4-openssl-dev libre2-dev git python3)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
