# draftsmith as a container image, for runners that are not Debian 12 (such
# as ubuntu-latest): Debian 12 slim with the draftsmith .deb installed by
# apt-get (so its dependencies are Debian's), run as a non-root user, with
# draftsmith as the entrypoint:
#
#   docker run --rm IMAGE --version
#   docker run --rm -e GITHUB_TOKEN -v "$PWD:$PWD" -w "$PWD" IMAGE run ...
#
# Where the .deb comes from (build argument DEB_FROM):
#   build  (default) compiled from this source tree in the first stage and
#          packaged with CPack, as the release does
#   dist   the .deb in dist/ of the build context (the release workflow puts
#          the released .deb there, so the image holds exactly that file)
# BASE is the Debian 12 slim image to start from; scripts/image-test.sh
# passes one it made with debootstrap where Docker Hub is out of reach.
ARG BASE=debian:12-slim
ARG DEB_FROM=build

FROM ${BASE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      g++ cmake ninja-build pkg-config dpkg-dev file libgit2-dev libcli11-dev \
      nlohmann-json3-dev libfmt-dev libyaml-cpp-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
COPY CMakeLists.txt /src/
COPY cmake /src/cmake
COPY include /src/include
COPY src /src/src
COPY man /src/man
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
      -DDRAFTSMITH_TESTS=OFF \
 && cmake --build /build \
 && cd /build && cpack -G DEB -B /dist && rm -rf /dist/_CPack_Packages

FROM scratch AS dist
COPY dist/draftsmith_*.deb /dist/

# Either stage above, by name.
FROM ${DEB_FROM} AS deb

FROM ${BASE}
COPY --from=deb /dist/ /tmp/dist/
# ca-certificates (a Recommends of the package): HTTPS to the LLM and the
# hosting service. Not git, the other: draftsmith does not run it (it uses
# libgit2), and with perl it would double the image.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/dist/draftsmith_*.deb ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/dist \
 && useradd --create-home --uid 10001 --user-group draftsmith
USER draftsmith
WORKDIR /home/draftsmith
ENTRYPOINT ["draftsmith"]
CMD ["--help"]
