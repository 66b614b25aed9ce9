#!/usr/bin/env bash
# CPU time and peak memory of `ace-dt mirror diff oci:PATH:TAG --expand` on
# large generated OCI image layouts.
#
#   tests/bench/layout/run.sh [BUILD_DIR]      (default: build)
#
# Writes a layout holding a mirror artifact of 20,000 entries, 2,000 of
# them nested mirror artifacts (three levels deep) and about a sixth
# multi-platform indexes, into a temporary directory under ${TMPDIR:-/tmp}
# (about 130 MiB, removed at the end). Runs ace-dt on it RUNS times
# (default 5) and compares its median CPU time (user + system) with that of
# sha256sum over the files ace-dt must read (index.json and every manifest
# it fetches), a floor for reading and hashing them. Then measures the peak
# RSS for mirror artifacts of 3,000, 10,000 and 30,000 entries (a tenth of
# them nested) and the bytes per entry.
#
# Exits 1 when ace-dt's output differs from the expected rows; missing a
# target only shows in the tables. SEED (default 1) changes the content.
# Needs python3 and sha256sum (Debian packages python3 and coreutils);
# python3 is installed with apt-get when missing.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$bench_dir/../../.." && pwd)
build_dir=$(cd "${1:-$repo_root/build}" && pwd)
ace_dt="$build_dir/bin/ace-dt"
runs=${RUNS:-5}
seed=${SEED:-1}

# Targets shown next to the figures.
target_sha256sum_ratio=3
target_rss_mib=100

if ! command -v python3 >/dev/null; then
    echo "installing python3 with apt-get" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3 >&2
fi
for tool in sha256sum xargs "$ace_dt"; do
    if ! command -v "$tool" >/dev/null; then
        echo "missing: $tool (build ace-dt with scripts/dev.sh build)" >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ace-dt-layout-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Writes a layout of $1 entries, $2 of them nested, to $work/layout-$1.
write_layout() {
    local entries=$1 nested=$2
    mkdir -p "$work/layout-$entries" "$work/expected-$entries"
    python3 "$bench_dir/write_layout.py" --path "$work/layout-$entries" --tag bench --entries "$entries" \
        --nested "$nested" --out "$work/expected-$entries" --seed "$seed"
}

# Runs the command RUNS times and prints "MEDIAN_CPU_S MEDIAN_WALL_S
# MAX_RSS_KIB". The last run's standard output is in $work/stdout.txt.
measure() {
    local i
    for ((i = 0; i < runs; i++)); do
        if ! python3 "$bench_dir/../measure.py" "$work/report.txt" -- "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
            echo "command failed: $*" >&2
            cat "$work/stderr.txt" >&2
            exit 1
        fi
        cat "$work/report.txt"
    done >"$work/reports.txt"
    awk '{cpu[NR] = $2 + $3; wall[NR] = $1; if ($4 > k) k = $4}
         END {
             n = NR
             for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
                 if (cpu[j] < cpu[i]) { t = cpu[i]; cpu[i] = cpu[j]; cpu[j] = t }
                 if (wall[j] < wall[i]) { t = wall[i]; wall[i] = wall[j]; wall[j] = t }
             }
             m = int((n + 1) / 2)
             printf "%.4f %.4f %d\n", cpu[m], wall[m], k
         }' "$work/reports.txt"
}

# Runs ace-dt on the layout of $1 entries, checks the rows of the last run
# and prints the figures of measure.
measure_ace_dt() {
    local entries=$1 figures
    figures=$(measure "$ace_dt" mirror diff "oci:$work/layout-$entries:bench" --expand -o json)
    if ! python3 "$bench_dir/../check_run.py" rows "$work/expected-$entries/expected.json" "$work/stdout.txt" \
        >/dev/null; then
        echo "ace-dt printed the wrong rows for the layout of $entries entries" >&2
        exit 1
    fi
    echo "$figures"
}

echo "writing a layout of 20000 entries" >&2
write_layout 20000 2000
read -r ace_cpu ace_wall ace_kib < <(measure_ace_dt 20000)
read -r sum_cpu sum_wall sum_kib < <(measure xargs -a "$work/expected-20000/read-files.txt" sha256sum)
files=$(wc -l <"$work/expected-20000/read-files.txt")
bytes=$(xargs -a "$work/expected-20000/read-files.txt" cat | wc -c)

echo "layout of 20000 entries (2000 nested): ace-dt reads $files files, $((bytes / 1024)) KiB; median of $runs runs"
printf '%-22s %8s %8s %16s %13s\n' "run" "CPU s" "wall s" "CPU / sha256sum" "peak RSS MiB"
awk -v c="$ace_cpu" -v w="$ace_wall" -v s="$sum_cpu" -v k="$ace_kib" \
    'BEGIN {printf "%-22s %8.3f %8.3f %16.2f %13.1f\n", "ace-dt mirror diff", c, w, c / s, k / 1024}'
awk -v c="$sum_cpu" -v w="$sum_wall" -v k="$sum_kib" \
    'BEGIN {printf "%-22s %8.3f %8.3f %16.2f %13.1f\n", "sha256sum same files", c, w, 1, k / 1024}'
awk -v c="$ace_cpu" -v s="$sum_cpu" -v k="$ace_kib" -v tr="$target_sha256sum_ratio" -v tm="$target_rss_mib" \
    'BEGIN {
        printf "target: CPU time <= %dx sha256sum: %.2fx, %s\n", tr, c / s, (c / s <= tr ? "met" : "missed")
        printf "target: peak RSS < %d MiB: %.1f MiB, %s\n", tm, k / 1024, (k / 1024 < tm ? "met" : "missed")
    }'
rm -rf "$work/layout-20000"

echo
printf '%-10s %13s %16s %22s\n' "entries" "peak RSS MiB" "bytes per entry" "bytes per added entry"
previous_entries=
previous_kib=
for entries in 3000 10000 30000; do
    echo "writing a layout of $entries entries" >&2
    write_layout "$entries" $((entries / 10))
    read -r _ _ kib < <(measure_ace_dt "$entries")
    rm -rf "$work/layout-$entries"
    added=-
    if [ -n "$previous_entries" ]; then
        added=$(( (kib - previous_kib) * 1024 / (entries - previous_entries) ))
    fi
    awk -v e="$entries" -v k="$kib" -v a="$added" \
        'BEGIN {printf "%-10d %13.1f %16d %22s\n", e, k / 1024, k * 1024 / e, a}'
    previous_entries=$entries
    previous_kib=$kib
done
