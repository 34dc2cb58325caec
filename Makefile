# xray-wizard — build, run and test.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/xray-wizard/xray-wizard/cli.Version=$(VERSION)
BIN      := bin/xray-wizard

.PHONY: all build run test vet unit e2e bench clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# The wizard in the practice sandbox: no AWS account or cluster needed.
run: build
	./$(BIN) --sandbox

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

unit:
	$(GO) test -count=1 ./...

# Every test: vet, unit, sandbox, TUI golden and end-to-end tests.
test: vet build unit

bench: build
	bash scripts/bench.sh

clean:
	rm -rf bin
