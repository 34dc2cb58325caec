#!/usr/bin/env bash
# Builds the real OpenTelemetry Collector that the e2e tests in e2e/collector
# run, from the Go module proxy (tools/go.mod): go.opentelemetry.io/collector
# otelcol, otlpreceiver, batchprocessor and the contrib awsxrayreceiver and
# awsxrayexporter, all at release v0.141.0, into $XRAY_WIZARD_OTEL_CACHE/bin,
# by default ${XDG_CACHE_HOME:-~/.cache}/xray-wizard/otelcol-v0.141.0/bin.
# A binary whose stamp matches (version, Go version, flags, go.mod, go.sum and
# the sources) is not built again. The first build takes a few minutes on 2 cores;
# later runs take seconds. XRAY_WIZARD_OTEL_JOBS sets go build -p.
set -euo pipefail

OTEL=v0.141.0

tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools
cache=${XRAY_WIZARD_OTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xray-wizard/otelcol-$OTEL}
bin=$cache/bin
jobs=${XRAY_WIZARD_OTEL_JOBS:-$(nproc 2>/dev/null || echo 2)}
export GOWORK=off # the tools module stands alone

start=$SECONDS
say() { printf '[otelcol %4ds] %s\n' "$((SECONDS - start))" "$*"; }
die() {
	say "FAILED: $*" >&2
	exit 1
}

command -v go >/dev/null || die "no go on PATH"
mkdir -p "$bin" || die "cannot create $bin"
if command -v flock >/dev/null; then
	exec 9>"$cache/build.lock"
	flock -n 9 || {
		say "another build.sh is building into $cache; waiting for it"
		flock 9
	}
fi

ldflags="-s -w"
sums=$(cat "$tools/go.mod" "$tools/go.sum" "$tools/main.go" "$tools/otlpsend/main.go" | sha256sum | cut -c1-16)

# build NAME PACKAGE: go build in the tools module, unless the stamp matches.
build() {
	local name=$1 pkg=$2 stamp t0 pid
	stamp="$name $OTEL $(go env GOVERSION) $sums $ldflags"
	if [[ -x $bin/$name && "$(cat "$bin/$name.stamp" 2>/dev/null)" == "$stamp" ]]; then
		say "$name $OTEL: already built"
		return
	fi
	say "$name $OTEL: building (go build -p $jobs)"
	t0=$SECONDS
	rm -f "$bin/$name.stamp"
	(cd "$tools" && exec go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$bin/.$name.tmp" "$pkg") &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if (((SECONDS - t0) % 30 == 0)); then
			say "$name: still building ($((SECONDS - t0))s)"
		fi
	done
	wait "$pid" || die "$name: go build $pkg in $tools exited $? after $((SECONDS - t0))s"
	mv -f "$bin/.$name.tmp" "$bin/$name"
	echo "$stamp" >"$bin/$name.stamp"
	say "$name $OTEL: built in $((SECONDS - t0))s ($(du -h "$bin/$name" | cut -f1))"
}

# otelcol-xray: the Collector; otlpsend: OTLP spans from the OpenTelemetry
# Go SDK, for the tests to send through it.
build otelcol-xray .
build otlpsend ./otlpsend
name=otelcol-xray
out=$("$bin/$name" --version 2>&1) || die "$name --version failed: $out"
[[ $out == *"${OTEL#v}"* ]] || die "$name --version says '${out%%$'\n'*}', want ${OTEL#v}"
say "done: $bin/$name"
