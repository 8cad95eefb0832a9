# The README's commands. Each target installs what it needs or says what to install.
SHELL := /usr/bin/env bash
GO ?= go
GOBIN := $(shell $(GO) env GOPATH)/bin
GOLANGCI_LINT := $(GOBIN)/golangci-lint
GOLANGCI_LINT_VERSION := v2.15.0
OCB := $(GOBIN)/builder
OCB_VERSION := v0.165.0
COLLECTOR := build/otelcol-audit
# What the collector is built from: a change to tests or to the sample sender needs no rebuild.
COLLECTOR_SOURCES := builder-config.yaml go.mod go.sum $(shell find . -path ./build -prune -o \
	-path ./cmd -prune -o -path ./e2e -prune -o \( -name '*.go' -o -name '*.lua' \) \
	-not -name '*_test.go' -print)

.PHONY: test lint fmt generate ensure-redis build demo

## demo: build the collector, start a private Redis and the collector, send sample audit
## events with the OpenTelemetry Go SDK, and show what landed in the streams
demo: ensure-redis build
	@bash scripts/demo.sh

## build: the custom collector, build/otelcol-audit, rebuilt only when its sources change
build: $(COLLECTOR)

$(COLLECTOR): $(COLLECTOR_SOURCES) | $(OCB)
	@echo "building $(COLLECTOR) with ocb (a few minutes the first time)"
	@mkdir -p build
	$(OCB) --config builder-config.yaml
	cp build/otelcol-audit-src/otelcol-audit $(COLLECTOR)

$(OCB):
	$(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

## test: every test, those against a real redis-server and the built collector included
test: ensure-redis build
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

ensure-redis:
	@bash scripts/ensure-redis.sh

## lint: golangci-lint with .golangci.yml (installed on first use)
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

fmt:
	gofmt -w $$(git ls-files '*.go')

## generate: regenerate internal/metadata and the generated tests from metadata.yaml
generate:
	$(GO) generate ./...
