# The README's commands. Each target installs what it needs or says what to install.
SHELL := /usr/bin/env bash
GO ?= go
GOBIN := $(shell $(GO) env GOPATH)/bin
GOLANGCI_LINT := $(GOBIN)/golangci-lint
GOLANGCI_LINT_VERSION := v2.15.0

.PHONY: test lint fmt generate ensure-redis

## test: every test, those against a real redis-server included
test: ensure-redis
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
