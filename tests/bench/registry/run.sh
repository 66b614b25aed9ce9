#!/usr/bin/env bash
# Time of `ace-dt mirror diff NEW PREVIOUS --expand` against a registry
# reached over a slow network, compared with the fewest requests the
# result needs.
#
#   tests/bench/registry/run.sh [BUILD_DIR]      (default: build)
#
# Starts Debian's docker-registry on 127.0.0.1 (a free port, storage in a
# temporary directory) and pushes a generated workload to it directly. The
# workload is a mirror artifact NEW of 3,000 entries and a mirror artifact
# PREVIOUS, which shares 90% of the images and indexes. NEW contains 2,400
# image manifests, 500 multi-platform indexes of 4 platforms, and 100
# nested mirror artifacts of 20 entries, nested three deep. Then starts
# latency_proxy.py, which delays each request by DELAY_MS, and runs the
# following through it, RUNS times each (median shown):
#
#   ace-dt        ace-dt mirror diff PROXY/bench/sync:new PROXY/bench/sync:previous
#                 --expand -o json, with concurrentHTTP set to CONCURRENCY
#   lower bound   exactly the manifests the answer requires, fetched by
#                 `curl --parallel --parallel-max CONCURRENCY` in dependency
#                 waves (wave K holds the entries of manifests in wave K-1)
#   sequential    the same requests one at a time over one connection, as a
#                 traversal without concurrency makes them
#   no proxy      the lower bound sent straight to the registry: the part of
#                 the time the registry itself takes
#
# The waves wait for each other, which a traversal that starts each fetch
# as soon as its parent arrives does not, so ace-dt can beat the lower
# bound by up to the time the slowest request of each wave adds.
#
# Prints one table (wall time, ratios, requests counted by the proxy, peak
# RSS from /usr/bin/time -v) and any request ace-dt made beyond the
# required ones. Exits 1 when ace-dt's output differs from the expected
# rows; missing a target only shows in the table.
#
# Environment: DELAY_MS (default 10), CONCURRENCY (16), RUNS (3), SEED (1),
# SWEEP=1 adds ace-dt's time at each concurrentHTTP in SWEEP_VALUES
# (default "1 4 8 16 25 32 64"). Needs python3, curl, docker-registry and
# /usr/bin/time (Debian packages python3, curl, docker-registry, time);
# python3 is installed with apt-get when missing.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$bench_dir/../../.." && pwd)
build_dir=$(cd "${1:-$repo_root/build}" && pwd)
ace_dt="$build_dir/bin/ace-dt"
delay_ms=${DELAY_MS:-10}
concurrency=${CONCURRENCY:-16}
runs=${RUNS:-3}
seed=${SEED:-1}
sweep=${SWEEP:-0}
sweep_values=${SWEEP_VALUES:-"1 4 8 16 25 32 64"}
repository=bench/sync
accept="application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"

# Targets shown next to the figures.
target_lower_bound_ratio=1.25
target_sequential_speedup=8

install_python() {
    if command -v python3 >/dev/null; then
        return
    fi
    echo "installing python3 with apt-get" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3 >&2
}

install_python
for tool in curl docker-registry /usr/bin/time "$ace_dt"; do
    if ! command -v "$tool" >/dev/null; then
        echo "missing: $tool (build ace-dt with scripts/dev.sh build; install curl, docker-registry and time with apt-get)" >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ace-dt-registry-bench.XXXXXX")
registry_pid=
proxy_pid=
cleanup() {
    if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the registry on a free port and waits until /v2/ responds. Another
# process may take the port between the probe and the bind, so a registry
# that exits is started again on a new port, up to three times.
start_registry() {
    local attempt i
    for attempt in 1 2 3; do
        registry_port=$(free_port)
        cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: "$work/registry-data"
http:
  addr: 127.0.0.1:$registry_port
EOF
        docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
        registry_pid=$!
        for ((i = 0; i < 150; i++)); do
            if ! kill -0 "$registry_pid" 2>/dev/null; then
                break
            fi
            if curl -fs -o /dev/null "http://127.0.0.1:$registry_port/v2/"; then
                return
            fi
            sleep 0.1
        done
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
        registry_pid=
    done
    echo "docker-registry did not start; its log:" >&2
    cat "$work/registry.log" >&2
    exit 2
}

start_proxy() {
    python3 "$bench_dir/latency_proxy.py" --upstream "127.0.0.1:$registry_port" --delay-ms "$delay_ms" \
        --log "$work/proxy.log" --port-file "$work/proxy.port" 2>"$work/proxy.err" &
    proxy_pid=$!
    local i
    for ((i = 0; i < 100; i++)); do
        if [ -s "$work/proxy.port" ]; then
            proxy_port=$(cat "$work/proxy.port")
            return
        fi
        sleep 0.1
    done
    echo "latency_proxy.py did not start; its log:" >&2
    cat "$work/proxy.err" >&2
    exit 2
}

# Writes a curl config file fetching the paths of $1 from port $2 into $3.
write_curl_config() {
    local paths=$1 port=$2 out=$3 path
    {
        printf 'header = "Accept: %s"\n' "$accept"
        while read -r path; do
            printf 'url = "http://127.0.0.1:%s%s"\noutput = "/dev/null"\n' "$port" "$path"
        done <"$paths"
    } >"$out"
}

# Runs the command once under /usr/bin/time -v and sets run_seconds,
# run_kib (peak RSS) and run_requests (the lines the proxy logged
# meanwhile, kept in $work/last-requests.log). Its standard output is kept
# in $work/stdout.txt.
measure_once() {
    local before after start end
    before=$(wc -l <"$work/proxy.log")
    start=$EPOCHREALTIME
    if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
        echo "command failed: $*" >&2
        cat "$work/stderr.txt" >&2
        exit 1
    fi
    end=$EPOCHREALTIME
    after=$(wc -l <"$work/proxy.log")
    sed -n "$((before + 1)),${after}p" "$work/proxy.log" >"$work/last-requests.log"
    run_seconds=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}')
    run_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    run_requests=$((after - before))
}

# Exits 1 unless $work/stdout.txt contains the expected rows, and sets
# rows to their count.
check_rows() {
    if ! rows=$(python3 "$bench_dir/../check_run.py" rows "$work/expected/expected.json" "$work/stdout.txt"); then
        echo "ace-dt printed the wrong rows (differences above)" >&2
        exit 1
    fi
}

# Runs measure_once RUNS times and sets median_seconds, max_kib and
# requests (of the last run). With check_each_run=1 the output of every
# run is checked with check_rows.
measure() {
    local i times=()
    max_kib=0
    for ((i = 0; i < runs; i++)); do
        measure_once "$@"
        if [ "${check_each_run:-0}" = 1 ]; then
            check_rows
        fi
        times+=("$run_seconds")
        if [ "$run_kib" -gt "$max_kib" ]; then max_kib=$run_kib; fi
    done
    median_seconds=$(printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}')
    requests=$run_requests
}

run_ace_dt() {
    ACE_DT_CONCURRENT_HTTP=$1 "$ace_dt" --config "$work/ace-dt-config.yaml" mirror diff \
        "127.0.0.1:$proxy_port/$repository:new" "127.0.0.1:$proxy_port/$repository:previous" --expand -o json
}

run_waves() {
    local port=$1 wave
    for wave in "$work/expected"/wave-*.txt; do
        curl -sS --no-progress-meter --fail --parallel --parallel-immediate --parallel-max "$concurrency" \
            -K "${wave%.txt}.$port.cfg"
    done
}

start_registry
mkdir -p "$work/expected"
echo "pushing the workload to 127.0.0.1:$registry_port/$repository" >&2
python3 "$bench_dir/push_workload.py" --registry "127.0.0.1:$registry_port" --repository "$repository" \
    --out "$work/expected" --seed "$seed" --jobs 16
start_proxy
: >"$work/proxy.log"

cat >"$work/ace-dt-config.yaml" <<EOF
apiVersion: config.dt.act3-ace.io/v1alpha1
kind: Configuration
registryConfig:
  registries:
    "127.0.0.1:$proxy_port":
      endpoints:
        - http://127.0.0.1:$proxy_port
EOF

for port in "$proxy_port" "$registry_port"; do
    for wave in "$work/expected"/wave-*.txt; do
        write_curl_config "$wave" "$port" "${wave%.txt}.$port.cfg"
    done
done
write_curl_config "$work/expected/minimum.txt" "$proxy_port" "$work/sequential.cfg"
export -f run_ace_dt run_waves
export ace_dt work repository proxy_port concurrency

# A first request through the proxy warms the registry's caches.
run_waves "$proxy_port" >/dev/null

echo "running ace-dt (concurrentHTTP $concurrency, $runs runs)" >&2
check_each_run=1 measure bash -c 'run_ace_dt "$0"' "$concurrency"
ace_s=$median_seconds ace_kib=$max_kib ace_requests=$requests
cp "$work/last-requests.log" "$work/ace-dt-requests.log"

echo "running the curl lower bound and the sequential baseline" >&2
measure bash -c 'run_waves "$0"' "$proxy_port"
lower_s=$median_seconds lower_kib=$max_kib lower_requests=$requests
measure curl -sS --fail -K "$work/sequential.cfg"
seq_s=$median_seconds seq_kib=$max_kib seq_requests=$requests
measure bash -c 'run_waves "$0"' "$registry_port"
direct_s=$median_seconds direct_kib=$max_kib

python3 "$bench_dir/../check_run.py" requests "$work/expected/minimum.txt" "$work/ace-dt-requests.log" \
    >"$work/request-check.txt"
read -r _ extra_count missing_count <"$work/request-check.txt"

minimum=$(wc -l <"$work/expected/minimum.txt")
waves=$(ls "$work/expected"/wave-*.txt | wc -l)
echo "workload: $minimum required manifest requests in $waves waves, $rows rows; delay $delay_ms ms per request; concurrency $concurrency; median of $runs runs"
echo "time ratios: wall time divided by that of the lower bound and of the sequential baseline"
printf '%-28s %9s %14s %14s %9s %13s\n' "run" "wall s" "/ lower bound" "/ sequential" "requests" "peak RSS MiB"
row() {
    awk -v n="$1" -v s="$2" -v l="$lower_s" -v q="$seq_s" -v r="$3" -v k="$4" \
        'BEGIN {printf "%-28s %9.2f %14.2f %14.2f %9s %13.1f\n", n, s, s / l, s / q, r, k / 1024}'
}
row "ace-dt" "$ace_s" "$ace_requests" "$ace_kib"
row "curl lower bound" "$lower_s" "$lower_requests" "$lower_kib"
row "curl sequential" "$seq_s" "$seq_requests" "$seq_kib"
row "curl lower bound, no proxy" "$direct_s" "-" "$direct_kib"

awk -v a="$ace_s" -v l="$lower_s" -v q="$seq_s" -v tl="$target_lower_bound_ratio" -v ts="$target_sequential_speedup" \
    'BEGIN {
        printf "target: ace-dt <= %.2fx the lower bound: %.3fx, %s\n", tl, a / l, (a / l <= tl ? "met" : "missed")
        printf "target: ace-dt >= %dx faster than sequential: %.3fx, %s\n", ts, q / a, (q / a >= ts ? "met" : "missed")
    }'
if [ "$extra_count" -eq 0 ]; then
    echo "target: no request beyond the required ones: met"
else
    echo "target: no request beyond the required ones: missed, $extra_count extra requests (first 50):"
    sed -n 's/^extra: /  /p' "$work/request-check.txt" | head -50
fi
if [ "$missing_count" -ne 0 ]; then
    echo "ace-dt did not request $missing_count of the paths the lower bound fetches (first 50):"
    sed -n 's/^missing: /  /p' "$work/request-check.txt" | head -50
fi

if [ "$sweep" = 1 ]; then
    printf '\n%-16s %9s %9s\n' "concurrentHTTP" "wall s" "requests"
    for value in $sweep_values; do
        check_each_run=1 measure bash -c 'run_ace_dt "$0"' "$value"
        printf '%-16s %9.2f %9s\n' "$value" "$median_seconds" "$requests"
    done
fi
