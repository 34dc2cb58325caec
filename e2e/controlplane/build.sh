#!/usr/bin/env bash
# Builds the local Kubernetes control plane that the e2e tests run
# (e2e/controlplane), from the Go module proxy:
#   kube-apiserver, kube-controller-manager, kube-scheduler  k8s.io/kubernetes v1.34.4  (tools/go.mod)
#   etcd                                                     go.etcd.io/etcd/server/v3 v3.6.16  (tools/etcd/go.mod)
#   kwok                                                     sigs.k8s.io/kwok v0.8.0  (tools/kwok/go.mod)
# into $XRAY_WIZARD_CP_CACHE/bin, by default
# ${XDG_CACHE_HOME:-~/.cache}/xray-wizard/controlplane-v1.34.4/bin. A binary
# whose stamp matches (version, Go version, flags, go.mod and go.sum) is not
# built again. The first build takes about 15 minutes on 2 cores; later runs
# take seconds. XRAY_WIZARD_CP_JOBS sets go build -p (default: the cores).
set -euo pipefail

K8S=v1.34.4
ETCD=v3.6.16
KWOK=v0.8.0

tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools
cache=${XRAY_WIZARD_CP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xray-wizard/controlplane-$K8S}
bin=$cache/bin
jobs=${XRAY_WIZARD_CP_JOBS:-$(nproc 2>/dev/null || echo 2)}
export GOWORK=off # the tools modules stand alone

start=$SECONDS
say() { printf '[controlplane %4ds] %s\n' "$((SECONDS - start))" "$*"; }
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
gover=$(go env GOVERSION)

# build NAME MODULE-DIR PACKAGE VERSION [LDFLAGS]
build() {
	local name=$1 dir=$2 pkg=$3 version=$4 ldflags="-s -w ${5:-}"
	local sums stamp
	sums=$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-16)
	stamp="$name $version $gover $sums $ldflags"
	if [[ -x $bin/$name && "$(cat "$bin/$name.stamp" 2>/dev/null)" == "$stamp" ]]; then
		say "$name $version: already built"
		return
	fi
	say "$name $version: building $pkg (go build -p $jobs)"
	local t0=$SECONDS pid
	rm -f "$bin/$name.stamp"
	(cd "$dir" && exec go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$bin/.$name.tmp" "$pkg") &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if (((SECONDS - t0) % 30 == 0)); then
			say "$name: still building ($((SECONDS - t0))s)"
		fi
	done
	wait "$pid" || die "$name: go build $pkg in $dir exited $? after $((SECONDS - t0))s"
	mv -f "$bin/.$name.tmp" "$bin/$name"
	echo "$stamp" >"$bin/$name.stamp"
	say "$name $version: built in $((SECONDS - t0))s ($(du -h "$bin/$name" | cut -f1))"
}

# check NAME WANT: the binary's --version names the version.
check() {
	local out
	out=$("$bin/$1" --version 2>&1) || die "$1 --version failed: $out"
	[[ $out == *"$2"* ]] || die "$1 --version says '${out%%$'\n'*}', want $2"
}

kube="-X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 -X k8s.io/component-base/version.gitTreeState=clean"
kube="$kube -X k8s.io/client-go/pkg/version.gitVersion=$K8S -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=34 -X k8s.io/client-go/pkg/version.gitTreeState=clean"

build etcd "$tools/etcd" go.etcd.io/etcd/server/v3 "$ETCD"
check etcd "${ETCD#v}"
build kwok "$tools/kwok" sigs.k8s.io/kwok/cmd/kwok "$KWOK"
check kwok "${KWOK#v}"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
	build "$c" "$tools" "k8s.io/kubernetes/cmd/$c" "$K8S" "$kube"
	check "$c" "$K8S"
done
say "done: $bin"
