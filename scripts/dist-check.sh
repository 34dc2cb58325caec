#!/usr/bin/env bash
# make dist-check: dist/ as a user gets it. The checksums pass; each
# archive holds the binary, README, LICENSE, CHANGELOG and the man page;
# each binary is static and built for its platform (file, go version -m);
# the linux ones run `version` and `--sandbox -y --output json` — amd64 and
# arm64 where this machine can run them (its own architecture, or
# qemu-user registered with binfmt_misc), else said so.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
DIST=${DIST:-dist}
fail() { echo "dist-check: $*" >&2; exit 1; }

(cd "$DIST" && sha256sum -c SHA256SUMS) || fail "SHA256SUMS does not match"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# can_run ARCH: this machine runs linux/ARCH binaries.
can_run() {
  [ "$1" = "$($GO env GOHOSTARCH)" ] && return 0
  local q
  case $1 in arm64) q=qemu-aarch64 ;; amd64) q=qemu-x86_64 ;; *) return 1 ;; esac
  [ -e "/proc/sys/fs/binfmt_misc/$q" ] && grep -q '^enabled' "/proc/sys/fs/binfmt_misc/$q"
}

for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do
  os=${target%/*} arch=${target#*/}
  name="xray-wizard_${os}_${arch}"
  archive="$DIST/$name.tar.gz"
  [ -f "$archive" ] || fail "no $archive"
  tar -C "$work" -xzf "$archive"
  for f in xray-wizard README.md LICENSE CHANGELOG.md xray-wizard.1; do
    [ -f "$work/$name/$f" ] || fail "$archive has no $f"
  done
  bin="$work/$name/xray-wizard"
  info=$($GO version -m "$bin")
  for want in "GOOS=$os" "GOARCH=$arch" "CGO_ENABLED=0" "-trimpath=true"; do
    grep -q -- "$want" <<<"$info" || fail "$name: go version -m has no $want"
  done
  if command -v file >/dev/null; then
    desc=$(file -b "$bin")
    case $target in
      linux/amd64) want="ELF 64-bit LSB executable, x86-64" ;;
      linux/arm64) want="ELF 64-bit LSB executable, ARM aarch64" ;;
      darwin/amd64) want="Mach-O 64-bit x86_64 executable" ;;
      darwin/arm64) want="Mach-O 64-bit arm64 executable" ;;
    esac
    [[ $desc == *"$want"* ]] || fail "$name: file says $desc"
    if [ "$os" = linux ] && [[ $desc != *"statically linked"* ]]; then
      fail "$name: not statically linked: $desc"
    fi
  fi
  if [ "$os" != linux ]; then
    echo "dist-check: $name: $(file -b "$bin" 2>/dev/null | cut -d, -f1-2) (not run: not linux)"
    continue
  fi
  if ! can_run "$arch"; then
    echo "dist-check: $name: checked with file and go version -m (this machine cannot run $arch: no qemu-user in binfmt_misc)"
    continue
  fi
  "$bin" version | grep -q '^xray-wizard ' || fail "$name: version"
  json=$("$bin" version -o json)
  for k in version goVersion os arch; do
    grep -q "\"$k\"" <<<"$json" || fail "$name: version -o json has no $k: $json"
  done
  grep -q "\"arch\": \"$arch\"" <<<"$json" || fail "$name: version -o json: $json"
  # The whole lab in the practice sandbox, in a fresh world.
  state=$(mktemp -d -p "$work")
  out=$(env -i PATH="$PATH" HOME="$state" XRAY_WIZARD_STATE_DIR="$state" LANG=C.UTF-8 \
    timeout 300 "$bin" --sandbox -y --output json 2>"$state/stderr") || {
    cat "$state/stderr" >&2
    fail "$name: --sandbox -y --output json failed"
  }
  if command -v jq >/dev/null; then
    jq -e '[.steps[] | select(.status == "failed")] | length == 0' <<<"$out" >/dev/null || fail "$name: a step failed: $out"
    jq -e '.traces.total > 0' <<<"$out" >/dev/null || fail "$name: no traces: $out"
  fi
  echo "dist-check: $name: ran version and --sandbox -y --output json ($(grep -o '"version": "[^"]*"' <<<"$json"))"
done
if command -v man >/dev/null; then
  man -l "$work/xray-wizard_linux_amd64/xray-wizard.1" >/dev/null 2>"$work/man.err" && [ ! -s "$work/man.err" ] ||
    fail "the man page does not render: $(cat "$work/man.err")"
fi
echo "dist-check: ok"
