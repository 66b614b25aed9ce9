#!/usr/bin/env bash
# Runs cpack on a complete build and checks both packages. The .deb must
# declare its Debian dependencies and contain the install tree under /usr.
# The .tar.gz must contain the same tree under one top directory. Neither
# may contain test files, and ace-dt from each must find the plugins packed
# with it.
#
#   package_test.sh BUILD_DIR
set -euo pipefail

build_dir=$1
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
make_work_dir

step "cpack"
cpack --config "$build_dir/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1 ||
    fail "cpack failed: $(cat "$work/cpack.log")"
debs=("$work"/packages/ace-dt_*.deb)
tarballs=("$work"/packages/ace-dt-*.tar.gz)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    fail "expected one .deb in $work/packages: $(ls "$work/packages")"
fi
if [ ${#tarballs[@]} -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    fail "expected one .tar.gz in $work/packages: $(ls "$work/packages")"
fi
deb=${debs[0]}
tarball=${tarballs[0]}

step "Debian control fields of $(basename "$deb")"
[ "$(dpkg-deb -f "$deb" Package)" = ace-dt ] || fail "Package is not ace-dt"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is wrong"
depends=$(dpkg-deb -f "$deb" Depends)
# The executable links libstdc++ and yaml-cpp, mirror-diff.so links libcurl.
for package in libc6 'libstdc\+\+6' 'libyaml-cpp[0-9.]*' libcurl4; do
    [[ $depends =~ (^|, )$package( |,|$) ]] || fail "Depends lacks $package: $depends"
done
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "Maintainer is empty"

step "files in the .deb"
dpkg-deb -x "$deb" "$work/deb-root"
check_install_layout "$work/deb-root/usr"
run_clean "$work/deb-root/usr/bin/ace-dt" plugins
expect_status 0 ace-dt plugins from the .deb
expect_contains "$out" "File:        $work/deb-root/usr/lib/ace-dt/plugins/mirror-diff.so" "ace-dt plugins from the .deb"
file "$work/deb-root/usr/bin/ace-dt" | grep -q ", stripped" || fail "ace-dt in the .deb is not stripped"

step "files in the .tar.gz"
mkdir -p "$work/tar-root"
tar -C "$work/tar-root" -xzf "$tarball"
top=$(find "$work/tar-root" -mindepth 1 -maxdepth 1)
[ "$(echo "$top" | wc -l)" -eq 1 ] || fail "the .tar.gz has more than one top directory: $top"
check_install_layout "$top"
run_clean "$top/bin/ace-dt" plugins
expect_contains "$out" "File:        $top/lib/ace-dt/plugins/mirror-diff.so" "ace-dt plugins from the .tar.gz"
plugindir=$(PKG_CONFIG_PATH=$top/share/pkgconfig pkg-config --variable=plugindir ace-dt-plugin)
[ "$(realpath "$plugindir")" = "$top/lib/ace-dt/plugins" ] || fail "the unpacked pkg-config file points to $plugindir"

echo "packages: all checks passed" >&2
