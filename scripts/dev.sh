#!/usr/bin/env bash
# Sets up a Debian 12 machine for ace-dt, builds it, and runs the demo or
# the tests.
#
#   scripts/dev.sh demo    install what is missing, build, run the example
#   scripts/dev.sh test    install what is missing, build, run every test
#   scripts/dev.sh build   install what is missing and build
#   scripts/dev.sh package install what is missing, build, and write the
#                          .deb and .tar.gz to BUILD_DIR/packages
#   scripts/dev.sh deps    only install what is missing
#
# BUILD_DIR (default: build) selects the build directory; JOBS (default:
# the number of cores) the build and test parallelism.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo_root/build}
jobs=${JOBS:-$(nproc)}

# Debian 12 packages: toolchain, libraries, the programs the tests run
# (the registry, skopeo and umoci as independent OCI tools, htpasswd),
# what cpack needs for the .deb (dpkg-shlibdeps from dpkg-dev, file), and
# what the archive benchmark runs (zstd, /usr/bin/time).
packages=(
    g++ make cmake ninja-build pkg-config git ca-certificates curl openssl
    libboost1.81-dev libboost-json1.81-dev libcurl4-openssl-dev libssl-dev
    libcli11-dev libspdlog-dev libyaml-cpp-dev libarchive-dev
    libgtest-dev libgmock-dev
    docker-registry skopeo umoci apache2-utils
    dpkg-dev file
    zstd time
)

install_missing_packages() {
    local missing=()
    local package
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi

    echo "Installing missing Debian packages: ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

configure() {
    cmake -S "$repo_root" -B "$build_dir" -G Ninja >&2
}

build() {
    configure
    cmake --build "$build_dir" --parallel "$jobs" >&2
}

# The demo needs only the host and its plugin, not the tests.
build_demo() {
    configure
    cmake --build "$build_dir" --parallel "$jobs" --target ace-dt mirror-diff >&2
}

run_demo() {
    "$build_dir/bin/ace-dt" mirror diff "oci:$repo_root/examples/sync-45:sync-45"
}

build_packages() {
    cpack --config "$build_dir/CPackConfig.cmake" -B "$build_dir/packages" >&2
    ls "$build_dir"/packages/*.deb "$build_dir"/packages/*.tar.gz
}

run_tests() {
    ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs"
}

case "${1:-}" in
    deps) install_missing_packages ;;
    build) install_missing_packages; build ;;
    package) install_missing_packages; build; build_packages ;;
    demo) install_missing_packages; build_demo; run_demo ;;
    test) install_missing_packages; build; run_tests ;;
    *)
        echo "usage: scripts/dev.sh demo|test|build|package|deps" >&2
        exit 2
        ;;
esac
