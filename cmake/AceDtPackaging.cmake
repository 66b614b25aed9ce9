# CPack settings: `cpack` in the build directory writes
#   ace-dt_<version>_<arch>.deb    installs under /usr
#   ace-dt-<version>-Linux.tar.gz  the install tree under one top directory
# Both hold exactly what `cmake --install` installs: the ace-dt executable,
# its plugins, the plugin SDK and its documentation.

set(ACE_DT_PACKAGE_MAINTAINER "ace-dt maintainers <ace-dt-maintainers@example.invalid>" CACHE STRING
    "Maintainer field of the Debian package; set it to a real address when publishing packages")

set(CPACK_PACKAGE_NAME "ace-dt")
set(CPACK_PACKAGE_VENDOR "ace-dt maintainers")
set(CPACK_PACKAGE_CONTACT "${ACE_DT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
# Packages are written to packages/ in the build directory unless
# `cpack -B DIR` names another directory.
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/packages")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# The summary is the first line of the Description field; this text follows.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "ace-dt reads a shared configuration and loads its commands from plugins\n"
    "through a stable C ABI. It ships the mirror diff command, which lists the\n"
    "images a mirror artifact holds and which of them a destination lacks.\n"
    "The package also contains the plugin SDK: the C headers, a CMake package\n"
    "(find_package(AceDtPlugin)), a pkg-config file (ace-dt-plugin), the plugin\n"
    "guide and an example plugin.")
# dpkg-shlibdeps (from dpkg-dev) reads the executable and the plugins and
# writes the Depends field from the libraries they link, such as libcurl4,
# libyaml-cpp0.7 and libboost-json1.81.0 on Debian 12.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gcc | c-compiler, cmake, pkgconf | pkg-config")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
