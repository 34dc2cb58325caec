#!/usr/bin/env bash
# Performance figures, each beside a peer measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== start to first frame: xray-wizard --sandbox vs kubectl version --client (ratio ≤ 1 wanted)"
go test -run '^$' -bench 'BenchmarkStartToFirstFrame' -benchtime 10x ./e2e/ | grep -E 'Benchmark|ok|FAIL'
echo "== one frame of the live pod table at 5,000 pods (goal: ≤ 5 ms)"
go test -run '^$' -bench 'PodTable' -benchtime 200x ./ui/ | grep -E 'Benchmark|ok|FAIL'
echo "== waiting for the daemon pods on a real control plane with ${XRAY_WIZARD_BENCH_NODES:-5000} kwok nodes (a few minutes on 2 cores)"
echo "   goals: wizard peak RSS ≤ 120 MB; one list per resource and no watch but those the API server closed; kubectl get pods -w beside it"
go test -run '^$' -bench 'BenchmarkWaitAtScale' -benchtime 1x -timeout 45m ./e2e/controlplane/ | grep -vE '^(goos|goarch|pkg|cpu):'
