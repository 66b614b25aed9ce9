#!/usr/bin/env bash
# Sets up a Debian 12 machine for ace-dt, builds it, and runs the demo or
# the tests.
#
#   scripts/dev.sh demo    install what is missing, build, run the example
#   scripts/dev.sh test [STAGE...]
#                          install what is missing, then run the test stages
#                          (all four by default, in this order):
#                            unit   build, run every ctest test
#                            asan   build with ASan and UBSan in
#                                   ASAN_BUILD_DIR, run every ctest test
#                            fuzz   build the libFuzzer targets with clang in
#                                   FUZZ_BUILD_DIR, run each for
#                                   FUZZ_SECONDS (default 20) seconds
#                            lint   clang-tidy and cppcheck on changed files
#                                   (scripts/lint.sh)
#                          Every stage runs even when an earlier one failed;
#                          the exit status is 1 when any failed. A line
#                          "stage NAME: passed|FAILED in N s" per stage goes
#                          to stderr.
#   scripts/dev.sh build   install what is missing and build
#   scripts/dev.sh package install what is missing, build, and write the
#                          .deb and .tar.gz to BUILD_DIR/packages
#   scripts/dev.sh deps    only install what is missing
#
# BUILD_DIR (default: build) selects the build directory, ASAN_BUILD_DIR
# and FUZZ_BUILD_DIR (default: BUILD_DIR-asan and BUILD_DIR-fuzz) those of
# the asan and fuzz stages; JOBS (default: the number of cores) the build
# and test parallelism.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo_root/build}
jobs=${JOBS:-$(nproc)}
asan_dir=${ASAN_BUILD_DIR:-$build_dir-asan}
fuzz_dir=${FUZZ_BUILD_DIR:-$build_dir-fuzz}

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

# Only for `test`: clang 14 and its runtime libraries for libFuzzer
# (-fsanitize=fuzzer needs libclang-rt-14-dev on Debian 12), clang-tidy and
# cppcheck for the lint stage, and python3, which scripts/lint.sh uses to
# filter compile_commands.json.
test_packages=(
    clang-14 libclang-rt-14-dev clang-tidy-14 cppcheck python3
)

# Installs the packages given as arguments that are not installed yet.
install_missing_packages() {
    local missing=()
    local package
    for package in "$@"; do
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

# Sanitizer settings for every process the ASan tests start, the ace-dt
# binary and its plugins included. A finding exits with 86, which no test
# expects from ace-dt (it uses 0, 1 and 2), so a leak or an error in a child
# fails the test that ran it. LeakSanitizer runs at exit (detect_leaks).
export_sanitizer_options() {
    export ASAN_OPTIONS=detect_leaks=1:exitcode=86:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
    export LSAN_OPTIONS=exitcode=86
}

# The stages chain their steps with &&, because run_stage calls them in an
# `if`, where bash ignores set -e.
run_unit_stage() {
    configure && cmake --build "$build_dir" --parallel "$jobs" >&2 && run_tests
}

run_asan_stage() {
    cmake -S "$repo_root" -B "$asan_dir" -G Ninja -DACE_DT_SANITIZE=ON >&2 &&
        cmake --build "$asan_dir" --parallel "$jobs" >&2 &&
        (
            export_sanitizer_options
            ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs"
        )
}

fuzz_targets=(reference manifest www_authenticate docker_config config_loader layout_index archive)

run_fuzz_stage() {
    cmake -S "$repo_root" -B "$fuzz_dir" -G Ninja -DACE_DT_FUZZ=ON \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >&2 &&
        cmake --build "$fuzz_dir" --parallel "$jobs" --target fuzz >&2 || return 1

    # Two targets at a time, because CI machines have two cores.
    printf '%s\n' "${fuzz_targets[@]}" |
        FUZZ_DIR=$fuzz_dir REPO_ROOT=$repo_root xargs -P 2 -I {} bash -c 'run_one_fuzz_target "$@"' _ {}
}

# Runs one libFuzzer target for FUZZ_SECONDS over a scratch corpus seeded
# from tests/fuzz/TARGET/corpus, which stays unchanged. A crash, sanitizer
# report, timeout (-timeout, seconds per input) or allocation over
# -malloc_limit_mb fails the target, and libFuzzer saves the input in
# FUZZ_BUILD_DIR/findings/TARGET/.
run_one_fuzz_target() {
    local target=$1
    local findings=$FUZZ_DIR/findings/$target
    local scratch=$FUZZ_DIR/corpus/$target
    local log=$FUZZ_DIR/logs/$target.log
    mkdir -p "$findings" "$scratch" "$(dirname "$log")"

    if ASAN_OPTIONS=detect_leaks=1 "$FUZZ_DIR/tests/fuzz/fuzz_$target" \
        -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$findings/" \
        "$scratch" "$REPO_ROOT/tests/fuzz/$target/corpus" >"$log" 2>&1; then
        echo "fuzz $target: passed, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
            grep -o '[0-9]*$') runs" >&2
        return 0
    fi
    echo "fuzz $target: FAILED; log: $log; inputs: $findings" >&2
    tail -n 40 "$log" >&2
    return 1
}
export -f run_one_fuzz_target

run_lint_stage() {
    BUILD_DIR=$build_dir JOBS=$jobs "$repo_root/scripts/lint.sh"
}

# Runs one stage, timing it, and records a failure instead of stopping.
failed_stages=()
run_stage() {
    local name=$1
    shift
    local start=$SECONDS
    echo "stage $name: started" >&2
    if "$@"; then
        echo "stage $name: passed in $((SECONDS - start)) s" >&2
    else
        echo "stage $name: FAILED in $((SECONDS - start)) s" >&2
        failed_stages+=("$name")
    fi
}

run_test_stages() {
    local stages=("$@")
    if [ ${#stages[@]} -eq 0 ]; then
        stages=(unit asan fuzz lint)
    fi

    local stage
    for stage in "${stages[@]}"; do
        case "$stage" in
            unit) run_stage unit run_unit_stage ;;
            asan) run_stage asan run_asan_stage ;;
            fuzz) run_stage fuzz run_fuzz_stage ;;
            lint) run_stage lint run_lint_stage ;;
            *)
                echo "unknown test stage \"$stage\"; use unit, asan, fuzz or lint" >&2
                exit 2
                ;;
        esac
    done

    if [ ${#failed_stages[@]} -ne 0 ]; then
        echo "failed stages: ${failed_stages[*]}" >&2
        return 1
    fi
}

case "${1:-}" in
    deps) install_missing_packages "${packages[@]}" "${test_packages[@]}" ;;
    build) install_missing_packages "${packages[@]}"; build ;;
    package) install_missing_packages "${packages[@]}"; build; build_packages ;;
    demo) install_missing_packages "${packages[@]}"; build_demo; run_demo ;;
    test)
        shift
        stage_start=$SECONDS
        install_missing_packages "${packages[@]}" "${test_packages[@]}"
        echo "stage deps: done in $((SECONDS - stage_start)) s" >&2
        run_test_stages "$@"
        ;;
    *)
        echo "usage: scripts/dev.sh demo|test [unit|asan|fuzz|lint...]|build|package|deps" >&2
        exit 2
        ;;
esac
