#!/usr/bin/env bash
# make dist: static binaries (CGO_ENABLED=0, -trimpath) for linux and darwin
# on amd64 and arm64, each in dist/xray-wizard_<os>_<arch>.tar.gz with the
# README, LICENSE, CHANGELOG and the man page, and dist/SHA256SUMS.
# PACKAGES=1 (make dist-pkg) adds .deb and .rpm for linux, made by nfpm
# built from tools/nfpm (a module of its own).
#
# Archive names carry no version, so a release's "latest" download links
# stay the same; the binary says its version (xray-wizard version).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
DIST=${DIST:-dist}
TARGETS=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || true)}
PACKAGES=${PACKAGES:-0}

ldflags="-s -w"
if [ -n "$VERSION" ]; then
  ldflags="$ldflags -X github.com/xray-wizard/xray-wizard/cli.Version=$VERSION"
fi
# Reproducible archives: file times from the last commit.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

rm -rf "$DIST"
mkdir -p "$DIST/.stage"
build() { # GOOS GOARCH OUT
  CGO_ENABLED=0 GOOS=$1 GOARCH=$2 $GO build -trimpath -buildvcs=auto -ldflags "$ldflags" -o "$3" .
}

# The man page, from a build for this machine.
build "$($GO env GOHOSTOS)" "$($GO env GOHOSTARCH)" "$DIST/.stage/host"
"$DIST/.stage/host" man --lang en > "$DIST/.stage/xray-wizard.1"

tar_flags=()
if tar --version 2>/dev/null | grep -q GNU; then
  tar_flags=(--sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH")
fi

for target in $TARGETS; do
  os=${target%/*} arch=${target#*/}
  name="xray-wizard_${os}_${arch}"
  dir="$DIST/.stage/$name"
  mkdir -p "$dir"
  echo "dist: $name"
  build "$os" "$arch" "$dir/xray-wizard"
  cp README.md LICENSE CHANGELOG.md "$DIST/.stage/xray-wizard.1" "$dir/"
  tar -C "$DIST/.stage" "${tar_flags[@]}" -cf - "$name" | gzip -9 -n > "$DIST/$name.tar.gz"
done

if [ "$PACKAGES" = 1 ]; then
  nfpm="$DIST/.stage/nfpm"
  (cd tools/nfpm && CGO_ENABLED=0 $GO build -o "../../$nfpm" github.com/goreleaser/nfpm/v2/cmd/nfpm)
  pkgver=${VERSION#v}
  # Debian and RPM versions are numbers first; a pre-release or a commit
  # sorts before the release (~).
  if [[ $pkgver =~ ^[0-9]+\.[0-9]+ ]]; then
    pkgver=${pkgver//-/\~}
  else
    pkgver="0.0.0~git${pkgver//-/.}"
  fi
  for target in $TARGETS; do
    os=${target%/*} arch=${target#*/}
    [ "$os" = linux ] || continue
    cfg="$DIST/.stage/nfpm_${arch}.yaml"
    sed -e "s|@DIR@|$PWD/$DIST/.stage/xray-wizard_${os}_${arch}|g" -e "s|@ARCH@|$arch|" -e "s|@PKGVER@|$pkgver|" \
      scripts/nfpm.yaml > "$cfg"
    for fmt in deb rpm; do
      "$nfpm" package --config "$cfg" --packager "$fmt" --target "$DIST/"
    done
  done
fi

(cd "$DIST" && sha256sum -- *.tar.gz $(ls *.deb *.rpm 2>/dev/null || true) > SHA256SUMS)
rm -rf "$DIST/.stage"
echo "dist: $(cd "$DIST" && ls | tr '\n' ' ')"
