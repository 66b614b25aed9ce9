#!/usr/bin/env bash
# Peak memory and time of `ace-dt mirror diff oci-archive:...` on an archive
# holding a mirror artifact with one image whose layer is 1 GiB.
#
#   tests/bench/archive/run.sh [BUILD_DIR]      (default: build)
#
# Writes an OCI layout and four archives of it (plain tar, gzip, zstd, and
# the plain tar again read through a pipe) into a temporary directory under
# ${TMPDIR:-/tmp}, about 4 GiB in all, removed at the end. Each case runs
# RUNS times (default 3) under /usr/bin/time -v. The table shows the bytes
# ace-dt read from its input, the median wall-clock time and the largest
# peak resident set size. Exits 1 when a peak exceeds LIMIT_MIB (default 64).
#
# LAYER_MIB (default 1024) sets the layer size. The layer is pseudo-random
# (AES-CTR from openssl), so gzip and zstd cannot shrink it, as with real
# layers, which are compressed already. Needs bash, GNU tar, gzip, zstd,
# openssl, sha256sum and /usr/bin/time (Debian packages tar, gzip, zstd,
# openssl, coreutils and time).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../../.." && pwd)
build_dir=$(cd "${1:-$repo_root/build}" && pwd)
ace_dt="$build_dir/bin/ace-dt"
layer_mib=${LAYER_MIB:-1024}
runs=${RUNS:-3}
limit_mib=${LIMIT_MIB:-64}

for tool in tar gzip zstd openssl sha256sum /usr/bin/time "$ace_dt"; do
    if ! command -v "$tool" >/dev/null; then
        echo "missing: $tool" >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ace-dt-archive-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout="$work/layout"
mkdir -p "$layout/blobs/sha256"

# Stores stdin as a blob and prints "DIGEST SIZE".
store_blob() {
    local tmp="$layout/blob.tmp"
    cat >"$tmp"
    local hex size
    hex=$(sha256sum "$tmp" | cut -d' ' -f1)
    size=$(stat -c %s "$tmp")
    mv "$tmp" "$layout/blobs/sha256/$hex"
    echo "sha256:$hex $size"
}

echo "writing a layout with a ${layer_mib} MiB layer in $work" >&2
read -r layer_digest layer_size < <(
    openssl enc -aes-128-ctr -pass pass:ace-dt-bench -nosalt -pbkdf2 </dev/zero 2>/dev/null |
        head -c $((layer_mib * 1024 * 1024)) | store_blob)

read -r config_digest config_size < <(printf '%s' \
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"$layer_digest\"]}}" |
    store_blob)

read -r manifest_digest manifest_size < <(printf '%s' \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$config_digest\",\"size\":$config_size},\
\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$layer_digest\",\"size\":$layer_size}]}" |
    store_blob)

source_ref="bench.example/big/image:1"
read -r root_digest root_size < <(printf '%s' \
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\
\"artifactType\":\"application/vnd.act3-ace.data.gather+json\",\
\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$manifest_digest\",\
\"size\":$manifest_size,\"annotations\":{\"vnd.act3-ace.manifest.source\":\"$source_ref\",\
\"org.opencontainers.image.ref.name\":\"$source_ref\"}}],\
\"annotations\":{\"vnd.act3-ace.data.layer.size.total\":\"$layer_size\",\
\"vnd.act3-ace.data.layer.size.deduplicated\":\"$layer_size\"}}" |
    store_blob)

root_descriptor="{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"$root_digest\",\
\"size\":$root_size,\"annotations\":{\"org.opencontainers.image.ref.name\":\"bench\"}}"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
printf '%s' "{\"schemaVersion\":2,\"manifests\":[$root_descriptor]}" >"$layout/index-first.json"
printf '%s' "{\"schemaVersion\":2,\"manifests\":[$root_descriptor,{\"mediaType\":\
\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$manifest_digest\",\"size\":$manifest_size}]}" \
    >"$layout/index.json"

# The entry order of `ace-dt mirror serialize`: oci-layout, an index.json
# with the root only, each manifest before its config and layers, and an
# index.json of every manifest last.
blob() { echo "blobs/sha256/${1#sha256:}"; }
echo "writing the archives" >&2
tar -C "$layout" -cf "$work/bench.tar" --format=pax --owner=0 --group=0 \
    --transform='s,^index-first\.json$,index.json,' \
    oci-layout index-first.json "$(blob "$root_digest")" "$(blob "$manifest_digest")" \
    "$(blob "$config_digest")" "$(blob "$layer_digest")" index.json
gzip -1 -c "$work/bench.tar" >"$work/bench.tar.gz"
zstd -q -T2 -c "$work/bench.tar" >"$work/bench.tar.zst"
rm "$layout/blobs/sha256/${layer_digest#sha256:}"

# Runs `ace-dt mirror diff SPEC -o json` RUNS times and prints
# "MEDIAN_SECONDS MAX_RSS_KIB INPUT_BYTES_READ", the last from the pass
# summary that -v info logs ("-" for a layout). With "pipe" as second
# argument, the plain tar arrives on standard input through a pipe, which
# cannot seek.
measure() {
    local spec=$1 mode=${2:-} seconds=() max_kib=0 i kib report="$work/time.txt" log="$work/log.txt"
    for ((i = 0; i < runs; i++)); do
        if [ "$mode" = pipe ]; then
            cat "$work/bench.tar" | /usr/bin/time -v -o "$report" "$ace_dt" mirror diff "$spec" -o json -v info \
                >"$work/out.json" 2>"$log"
        else
            /usr/bin/time -v -o "$report" "$ace_dt" mirror diff "$spec" -o json -v info \
                </dev/null >"$work/out.json" 2>"$log"
        fi
        if ! grep -q "$manifest_digest" "$work/out.json"; then
            echo "unexpected output for $spec:" >&2
            cat "$work/out.json" >&2
            exit 1
        fi
        seconds+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, t, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + t[j]; print s }' "$report")")
        kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")
        if [ "$kib" -gt "$max_kib" ]; then max_kib=$kib; fi
    done
    local bytes_read
    bytes_read=$(sed -n 's/.* \([0-9]*\) bytes read from the input.*/\1/p' "$log")
    printf '%s\n' "${seconds[@]}" | sort -n |
        awk -v k="$max_kib" -v b="${bytes_read:--}" '{a[NR] = $1} END {print a[int((NR + 1) / 2)], k, b}'
}

status=0
printf '%-30s %12s %15s %10s %14s\n' "input" "archive MiB" "MiB read" "median s" "peak RSS MiB"
report_row() {
    local name=$1 file=$2 seconds=$3 kib=$4 bytes_read=$5
    local size_mib=- read_mib=- mib
    if [ -n "$file" ]; then size_mib=$(( $(stat -c %s "$file") / 1024 / 1024 )); fi
    if [ "$bytes_read" != - ]; then read_mib=$(awk -v b="$bytes_read" 'BEGIN {printf "%.2f", b / 1048576}'); fi
    mib=$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')
    printf '%-30s %12s %15s %10s %14s\n' "$name" "$size_mib" "$read_mib" "$seconds" "$mib"
    if [ "$kib" -gt $((limit_mib * 1024)) ]; then
        echo "  peak RSS above the limit of $limit_mib MiB" >&2
        status=1
    fi
}

read -r s k b < <(measure "oci:$layout:bench")
report_row "oci: layout (no archive)" "" "$s" "$k" "$b"
read -r s k b < <(measure "oci-archive:$work/bench.tar")
report_row "plain tar file (seeks)" "$work/bench.tar" "$s" "$k" "$b"
read -r s k b < <(measure oci-archive:- pipe)
report_row "plain tar on a pipe (reads)" "$work/bench.tar" "$s" "$k" "$b"
read -r s k b < <(measure "oci-archive:$work/bench.tar.gz")
report_row "gzip file" "$work/bench.tar.gz" "$s" "$k" "$b"
read -r s k b < <(measure "oci-archive:$work/bench.tar.zst")
report_row "zstd file" "$work/bench.tar.zst" "$s" "$k" "$b"
exit $status
