# shellcheck shell=bash
# Helpers for the SDK tests: a temporary directory, failure messages that
# show the expected and the actual value, and ace-dt runs in an empty
# environment.

# Creates $work; removes it on exit unless ACE_DT_TEST_KEEP=1.
make_work_dir() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/ace-dt-sdk-XXXXXX")
    if [ "${ACE_DT_TEST_KEEP:-}" = 1 ]; then
        echo "keeping $work" >&2
    else
        trap 'rm -rf "$work"' EXIT
    fi
    mkdir -p "$work/home" "$work/run"
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

step() {
    echo "--- $*" >&2
}

# Runs a command with only PATH and HOME set, in an empty directory, and
# stores its standard output, standard error and exit status in $out, $err
# and $status, which the calling script reads. Extra variables go before the command: run_clean A=1 cmd...
run_clean() {
    local variables=(PATH=/usr/bin:/bin HOME="$work/home")
    while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
        variables+=("$1")
        shift
    done
    set +e
    (cd "$work/run" && env -i "${variables[@]}" "$@" >"$work/out" 2>"$work/err")
    status=$?
    set -e
    # shellcheck disable=SC2034 # read by the scripts that source this file
    out=$(cat "$work/out")
    err=$(cat "$work/err")
}

expect_status() {
    local expected=$1
    shift
    [ "$status" -eq "$expected" ] || fail "$* exited with $status, expected $expected; stderr: $err"
}

expect_contains() {
    local text=$1 needle=$2 label=$3
    [[ $text == *"$needle"* ]] || fail "$label does not contain \"$needle\"; it is:
$text"
}

expect_not_contains() {
    local text=$1 needle=$2 label=$3
    [[ $text != *"$needle"* ]] || fail "$label contains \"$needle\"; it is:
$text"
}

# Checks that `prefix` contains the files of an ace-dt installation and
# nothing built only for the tests.
check_install_layout() {
    local prefix=$1 file
    for file in bin/ace-dt lib/ace-dt/plugins/mirror-diff.so include/ace_dt/plugin.h include/ace_dt/plugin.hpp \
        share/cmake/AceDtPlugin/AceDtPluginConfig.cmake share/cmake/AceDtPlugin/AceDtPluginConfigVersion.cmake \
        share/cmake/AceDtPlugin/AceDtPluginTargets.cmake share/cmake/AceDtPlugin/AceDtPluginHelpers.cmake \
        share/pkgconfig/ace-dt-plugin.pc share/doc/ace-dt/plugin-guide.md \
        share/doc/ace-dt/examples/hello-plugin/hello.c share/doc/ace-dt/examples/hello-plugin/CMakeLists.txt; do
        [ -f "$prefix/$file" ] || fail "$file is missing from the install tree $prefix"
    done

    local extra
    extra=$(cd "$prefix" && find bin -mindepth 1 ! -name ace-dt)
    [ -z "$extra" ] || fail "bin/ holds more than ace-dt: $extra"
    extra=$(cd "$prefix" && find . \( -name 'test-*' -o -name 'test_*' -o -name '*_tests' -o -name '*.a' \
        -o -iname '*gtest*' -o -iname '*gmock*' \) -print)
    [ -z "$extra" ] || fail "the install tree holds test files: $extra"
}
