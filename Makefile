# xray-wizard — build, run and test.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/xray-wizard/xray-wizard/cli.Version=$(VERSION)
BIN      := bin/xray-wizard

.PHONY: all build run test vet unit bench clean dist dist-pkg dist-check

all: build

# Static (no libc to load or map), as the e2e tests and benchmarks build it.
# The version: VERSION (git describe by default) overrides what the build
# records; without it the binary reports the module version or the VCS
# revision from its build information (xray-wizard version -o json).
build:
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -ldflags '$(LDFLAGS)' -o $(BIN) .

# The wizard in the practice sandbox: no AWS account or cluster needed.
run: build
	./$(BIN) --sandbox

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

unit:
	$(GO) test -count=1 ./...

# Every test: vet, unit, sandbox, moto, TUI golden and end-to-end tests, and
# the steps on a real local control plane (built once into a cache; the
# first build takes about 15 minutes on 2 cores).
test: vet build controlplane collector unit

# Performance figures beside peers (kubectl, the AWS CLI) in the same run;
# the 5,000-node run takes a few minutes.
bench: build controlplane
	bash scripts/bench.sh

clean:
	rm -rf bin dist

# Release archives: static binaries for linux and darwin on amd64 and arm64,
# each in dist/xray-wizard_<os>_<arch>.tar.gz with README, LICENSE, CHANGELOG
# and the man page, and dist/SHA256SUMS (scripts/dist.sh).
dist:
	VERSION='$(VERSION)' GO='$(GO)' bash scripts/dist.sh

# The same, with .deb and .rpm for linux (nfpm, built from tools/nfpm).
dist-pkg:
	VERSION='$(VERSION)' GO='$(GO)' PACKAGES=1 bash scripts/dist.sh

# Checks dist/ as a user would: the checksums, each archive's files, each
# binary static for its platform, and the linux ones run (arm64 under
# qemu-user when binfmt has it). Not in make test: the four builds take
# minutes the first time.
dist-check: dist
	bash scripts/dist-check.sh

# The local Kubernetes control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd, kwok) that the e2e tests run; built once into a cache.
.PHONY: controlplane e2e
controlplane:
	bash e2e/controlplane/build.sh

# The real OpenTelemetry Collector (v0.141.0, only the components the
# wizard's Collector manifest names) that e2e/collector runs; built once into
# a cache (about 2-3 minutes on 2 cores the first time).
.PHONY: collector
collector:
	bash e2e/collector/build.sh

# End-to-end tests, against that control plane.
e2e: controlplane collector
	$(GO) test -count=1 ./e2e/...
