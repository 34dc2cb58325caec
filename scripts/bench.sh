#!/usr/bin/env bash
# Performance figures, each beside a peer measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== start to first frame: xray-wizard --sandbox vs kubectl version --client (ratio ≤ 1 wanted)"
go test -run '^$' -bench 'BenchmarkStartToFirstFrame' -benchtime 10x ./e2e/ | grep -E 'Benchmark|ok|FAIL'
