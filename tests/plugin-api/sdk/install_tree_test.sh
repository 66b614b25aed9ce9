#!/usr/bin/env bash
# Installs a complete build into a temporary prefix and checks it the way
# a plugin author would use it:
#  - the layout, with nothing from the tests installed;
#  - the installed ace-dt finds its plugins with no variable set and runs
#    mirror diff on the example layout;
#  - the example plugin builds against the installed SDK only, once with
#    pkg-config and the compiler alone, once with find_package(AceDtPlugin),
#    and runs through the installed ace-dt.
#
#   install_tree_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build_dir=$1
source_dir=$2
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
make_work_dir
prefix=$work/prefix

step "install into $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
check_install_layout "$prefix"
ace_dt=$prefix/bin/ace-dt

step "the installed ace-dt finds its own plugins"
run_clean "$ace_dt" plugins
expect_status 0 ace-dt plugins
expect_contains "$out" "mirror-diff " "ace-dt plugins"
expect_contains "$out" "File:        $prefix/lib/ace-dt/plugins/mirror-diff.so" "ace-dt plugins"
expect_not_contains "$out" "Skipped files" "ace-dt plugins"
expect_not_contains "$err" "WARN" "stderr of ace-dt plugins"

run_clean "$ace_dt" plugins --verbose
expect_contains "$out" "(ACE_DT_PLUGIN_PATH is not set or empty)" "ace-dt plugins --verbose"
expect_contains "$out" "  $prefix/lib/ace-dt/plugins (the plugin directory of this installation)
    loaded     mirror-diff.so: mirror-diff " "ace-dt plugins --verbose"

run_clean "$ace_dt" mirror diff "oci:$source_dir/examples/sync-45:sync-45"
expect_status 0 ace-dt mirror diff
expect_contains "$out" "docker.io/library/alpine:3.19" "mirror diff output"

# The example is copied out of the repository, so only the install tree
# can provide the SDK.
mkdir -p "$work/src"
cp "$prefix/share/doc/ace-dt/examples/hello-plugin/hello.c" \
    "$prefix/share/doc/ace-dt/examples/hello-plugin/CMakeLists.txt" "$work/src/"

step "build the example with pkg-config"
export PKG_CONFIG_PATH=$prefix/share/pkgconfig
abi=$(pkg-config --modversion ace-dt-plugin)
[[ $abi =~ ^1\.[0-9]+$ ]] || fail "pkg-config --modversion ace-dt-plugin gave \"$abi\", expected 1.MINOR"
plugindir=$(pkg-config --variable=plugindir ace-dt-plugin)
[ "$(realpath "$plugindir")" = "$prefix/lib/ace-dt/plugins" ] || fail "plugindir is $plugindir"
mkdir -p "$work/pkg-config-build"
# shellcheck disable=SC2046 # the flags are meant to split
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -Wl,--no-undefined \
    $(pkg-config --cflags ace-dt-plugin) -MMD -MF "$work/pkg-config-build/hello.d" \
    "$work/src/hello.c" -o "$work/pkg-config-build/hello.so"
grep -q "$prefix/share/pkgconfig/../../include/ace_dt/plugin.h\|$prefix/include/ace_dt/plugin.h" \
    "$work/pkg-config-build/hello.d" || fail "hello.c did not include the installed plugin.h: $(cat "$work/pkg-config-build/hello.d")"

run_clean ACE_DT_PLUGIN_PATH="$work/pkg-config-build" "$ace_dt" hello greet Ada
expect_status 0 ace-dt hello greet
[ "$out" = "Hello, Ada!" ] || fail "hello greet printed \"$out\""

step "build the example with find_package(AceDtPlugin)"
cmake -S "$work/src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >"$work/configure.log"
grep -q "^AceDtPlugin_DIR:PATH=$prefix/share/cmake/AceDtPlugin$" "$work/cmake-build/CMakeCache.txt" ||
    fail "find_package did not use $prefix: $(grep AceDtPlugin_DIR "$work/cmake-build/CMakeCache.txt")"
cmake --build "$work/cmake-build" >"$work/build.log"
grep -q -- "$prefix/include" "$work/cmake-build/compile_commands.json" ||
    fail "the example did not compile against $prefix/include"
cmake --install "$work/cmake-build" >>"$work/build.log"
[ -f "$prefix/lib/ace-dt/plugins/hello.so" ] || fail "cmake --install did not put hello.so in lib/ace-dt/plugins"

step "run the installed example through the installed ace-dt, no variable set"
run_clean "$ace_dt" plugins
expect_contains "$out" "hello 1.0.0
  ABI:         $abi
  Description: Example plugin in C: greetings and configuration settings
  Commands:    hello greet
               mirror settings
  File:        $prefix/lib/ace-dt/plugins/hello.so" "ace-dt plugins"

run_clean "$ace_dt" hello greet Ada Grace --times 2 --shout -v info
expect_status 0 ace-dt hello greet
[ "$out" = $'HELLO, ADA!\nHELLO, GRACE!\nHELLO, ADA!\nHELLO, GRACE!' ] || fail "hello greet printed \"$out\""
expect_contains "$err" "INFO [hello] greeting 2 name(s) 2 time(s)" "stderr of hello greet -v info"

run_clean "$ace_dt" hello greet -v debug
expect_contains "$err" "DEBUG [hello] greeting name 1 of 1" "stderr of hello greet -v debug"
run_clean "$ace_dt" hello greet
expect_not_contains "$err" "[hello]" "stderr of hello greet at the default verbosity"

run_clean "$ace_dt" hello greet --times 0
expect_status 2 ace-dt hello greet --times 0
[ "$err" = "Error: invalid value 0 for --times: expected 1 to 10" ] || fail "hello greet --times 0 wrote \"$err\""
[ -z "$out" ] || fail "a failing hello greet wrote \"$out\""

run_clean "$ace_dt" mirror settings
expect_status 0 ace-dt mirror settings
[ "$out" = $'cachePath: '"$work/home/.cache/ace/dt"$'\nconcurrentHTTP: 25' ] || fail "mirror settings printed \"$out\""

cat >"$work/run/settings.yaml" <<'YAML'
apiVersion: config.dt.act3-ace.io/v1alpha1
kind: Configuration
cachePath: /srv/cache with "quotes"
concurrentHTTP: 7
YAML
run_clean "$ace_dt" --config settings.yaml mirror settings -k concurrentHTTP,cachePath
expect_status 0 ace-dt mirror settings
[ "$out" = $'concurrentHTTP: 7\ncachePath: /srv/cache with "quotes"' ] || fail "mirror settings printed \"$out\""

run_clean "$ace_dt" mirror settings --key noSuchSetting
expect_status 1 ace-dt mirror settings --key noSuchSetting
expect_contains "$err" "Error: the configuration has no setting \"noSuchSetting\"" "stderr of mirror settings"

run_clean "$ace_dt" mirror --help
expect_contains "$out" "  diff " "ace-dt mirror --help"
expect_contains "$out" "  settings " "ace-dt mirror --help"

step "find_package rejects another ABI major version"
mkdir -p "$work/major"
cat >"$work/major/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(major LANGUAGES NONE)
find_package(AceDtPlugin 2.0 CONFIG REQUIRED)
CMAKE
if cmake -S "$work/major" -B "$work/major/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF >"$work/major.log" 2>&1; then
    fail "find_package(AceDtPlugin 2.0) accepted the installed ABI $abi"
fi
grep -q "compatible with requested version \"2.0\"" "$work/major.log" || fail "unexpected find_package failure: $(cat "$work/major.log")"

echo "install tree: all checks passed" >&2
