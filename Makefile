# xray-wizard — build, run and test.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/xray-wizard/xray-wizard/cli.Version=$(VERSION)
BIN      := bin/xray-wizard

.PHONY: all build run test vet unit bench clean

all: build

# Static (no libc to load or map), as the e2e tests and benchmarks build it.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

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
	rm -rf bin

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
