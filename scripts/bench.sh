#!/usr/bin/env bash
# Performance figures, each beside a peer measured in the same run. Every
# section runs even when one misses its goal; the script fails at the end
# if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
section() { # title, then the command
  echo "== $1"
  shift
  if ! "$@" 2>&1 | grep -vE '^(goos|goarch|pkg|cpu):'; then
    status=1
  fi
}
section "start to first frame: xray-wizard --sandbox vs kubectl version --client (ratio ≤ 1 wanted)" \
  go test -run '^$' -bench 'BenchmarkStartToFirstFrame' -benchtime 10x ./e2e/
section "one frame of the live pod table at 5,000 pods, and of the service map (goal: ≤ 5 ms)" \
  go test -run '^$' -bench 'PodTable|ServiceMap' -benchtime 200x ./ui/
if [ ! -x /usr/bin/aws ]; then
  echo "   installing Debian's awscli (the AWS CLI v2) for the comparison"
  if [ "$(id -u)" = 0 ]; then apt-get install -y awscli >/dev/null; else sudo apt-get install -y awscli >/dev/null; fi
fi
section "counting ${XRAY_WIZARD_BENCH_TRACES:-100000} traces at 5 ms a request, each shape (15 min in 20 min, even over 6 h, 15 min in 6 h, 15 min in the middle of 24 h): xray-wizard traces vs the AWS CLI v2 (goals: ≤ 0.1× its time, ≤ 40 MB, the estimate first, the same count)" \
  go test -run '^$' -bench 'BenchmarkTraceCountVsAWSCLI' -benchtime 1x -timeout 20m ./e2e/
section "waiting for the daemon pods on a real control plane with ${XRAY_WIZARD_BENCH_NODES:-5000} kwok nodes, beside kubectl get pods -w (a few minutes on 2 cores; goals: ≤ 120 MB, one list per resource, no watch but those the API server closed)" \
  go test -run '^$' -bench 'BenchmarkWaitAtScale' -benchtime 1x -timeout 45m ./e2e/controlplane/
exit $status
