# The Debian package: `cpack -G DEB` in a build tree makes
# draftsmith_<version>_<arch>.deb from the install rules (the binary in
# usr/bin, the manual in usr/share/man/man1, gzipped as Debian wants it).
# Runtime dependencies are found by dpkg-shlibdeps (package dpkg-dev) from the
# libraries the binary links, so they match the machine that built it: on
# Debian 12 libgit2-1.5, libcurl4, libyaml-cpp0.7, libfmt9, libstdc++6, libc6.
# Build the package on the distribution it is for.
set(DRAFTSMITH_PACKAGE_MAINTAINER "draftsmith maintainers <maintainers@draftsmith.invalid>"
    CACHE STRING "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME draftsmith)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "A reviewer comments `/edit /3 make the buttons red` on a pull request; draftsmith,\n"
    "run by the CI job the comment starts, asks a language model for three attempts,\n"
    "commits each to its own branch and opens one draft pull request per attempt.\n"
    "Works with GitHub Actions, Azure Pipelines and locally.")
set(CPACK_PACKAGE_CONTACT "${DRAFTSMITH_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# HTTPS to the LLM and the hosting service needs the CA certificates.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates, git")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

# Debian ships manuals gzipped (-n: no name or time stamp, so the package is
# reproducible); done in the staging tree so `cmake --install` keeps the plain
# file.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/packaging-gzip-manuals.cmake)

include(CPack)
