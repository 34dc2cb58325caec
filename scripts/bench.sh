#!/usr/bin/env bash
# Performance figures, each beside a peer measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== start to first frame: xray-wizard --sandbox vs kubectl version --client (ratio ≤ 1 wanted)"
go test -run '^$' -bench 'BenchmarkStartToFirstFrame' -benchtime 10x ./e2e/ | grep -E 'Benchmark|ok|FAIL'
echo "== one frame of the live pod table at 5,000 pods (goal: ≤ 5 ms)"
go test -run '^$' -bench 'PodTable' -benchtime 200x ./ui/ | grep -E 'Benchmark|ok|FAIL'
