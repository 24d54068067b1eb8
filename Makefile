# Derma2Go — the two commands: `make run` starts the platform, `make test` tests it.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/derma
# Packages that link the Temporal server run without -race (slow to build and
# run under the race detector on 2 cores); every other package runs with it.
SLOW_PKGS := derma2go/integration derma2go/devstack/temporalserver
UNIT_PKGS  = $(shell $(GO) list ./... | grep -v -x -F $(foreach p,$(SLOW_PKGS),-e $(p)))

.PHONY: run test deps build unit integration bench generate lint fmt-check vet clean

run: deps build
	./$(BIN) dev

build:
	$(GO) build -o $(BIN) ./cmd/derma

# PostgreSQL's server binaries are needed by the private dev/test cluster.
deps:
	@if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "PostgreSQL not found: installing it with apt"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql postgresql-contrib; \
	fi

test: deps fmt-check vet lint unit integration

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 $(UNIT_PKGS)

integration:
	$(GO) test -count=1 -timeout 15m $(SLOW_PKGS)

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 -timeout 20m ./integration/ | tee bench.out
	$(GO) test -run '^$$' -bench . -benchtime 3s -count 1 ./search/... | tee -a bench.out
	$(GO) test -run '^$$' -bench . -benchtime 3x -count 1 ./media/ | tee -a bench.out

generate:
	$(GO) run github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1 generate

lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

# .derma/pg is a link into /var/lib/derma2go when the postgres user could
# not reach .derma (a checkout under /root): remove what it points to too.
clean:
	@if [ -L .derma/pg ]; then rm -rf "$$(readlink .derma/pg)"; fi
	rm -rf bin .derma
