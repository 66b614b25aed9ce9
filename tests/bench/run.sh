#!/usr/bin/env bash
# Runs both `mirror diff` scale benchmarks, one after the other: the
# registry workload behind a latency proxy, then the large layouts.
#
#   tests/bench/run.sh [BUILD_DIR]      (default: build)
#
# Each script prints its own table and exits 1 when ace-dt's rows are
# wrong; this one exits 1 when either did. Their environment settings
# (DELAY_MS, CONCURRENCY, RUNS, SWEEP, ...) pass through.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
status=0
"$bench_dir/registry/run.sh" "$@" || status=1
echo
"$bench_dir/layout/run.sh" "$@" || status=1
exit "$status"
