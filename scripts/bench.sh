#!/usr/bin/env bash
# Performance figures, each beside a peer measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== start to first frame: xray-wizard --sandbox vs kubectl version --client (ratio ≤ 1 wanted)"
go test -run '^$' -bench 'BenchmarkStartToFirstFrame' -benchtime 10x ./e2e/ | grep -E 'Benchmark|ok|FAIL'
echo "== one frame of the live pod table at 5,000 pods (goal: ≤ 5 ms)"
go test -run '^$' -bench 'PodTable' -benchtime 200x ./ui/ | grep -E 'Benchmark|ok|FAIL'
echo "== counting ${XRAY_WIZARD_BENCH_TRACES:-100000} traces at 5 ms a request: xray-wizard traces vs the AWS CLI v2 (goals: ≤ 0.1× its time, ≤ 40 MB)"
if [ ! -x /usr/bin/aws ]; then
  echo "   installing Debian's awscli (the AWS CLI v2) for the comparison"
  if [ "$(id -u)" = 0 ]; then apt-get install -y awscli >/dev/null; else sudo apt-get install -y awscli >/dev/null; fi
fi
go test -run '^$' -bench 'BenchmarkTraceCountVsAWSCLI' -benchtime 1x -timeout 20m ./e2e/ | grep -vE '^(goos|goarch|pkg|cpu):'
echo "== waiting for the daemon pods on a real control plane with ${XRAY_WIZARD_BENCH_NODES:-5000} kwok nodes (a few minutes on 2 cores)"
echo "   goals: wizard peak RSS ≤ 120 MB; one list per resource and no watch but those the API server closed; kubectl get pods -w beside it"
go test -run '^$' -bench 'BenchmarkWaitAtScale' -benchtime 1x -timeout 45m ./e2e/controlplane/ | grep -vE '^(goos|goarch|pkg|cpu):'
