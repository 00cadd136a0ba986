# wsgate: the two commands a newcomer needs are `make run` and `make test`.
GO       ?= go
BIN      := bin/wsgate
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X wsgate.Version=$(VERSION)
PKGS     := ./...
STATICCHECK := staticcheck

.PHONY: all build run test bench loadtest fuzz lint clean deb

all: build

build: ## build bin/wsgate
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wsgate

run: build ## serve on the embedded SQLite store in ./var
	mkdir -p var
	$(BIN) serve

test: ## every test, with the race detector (PostgreSQL too when WSGATE_TEST_POSTGRES_URL is set)
	$(GO) test -race -count=1 $(PKGS)

bench: ## Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

LOADTEST_FLAGS ?=
loadtest: build ## load bin/wsgate as a user runs it and compare it with a bare handler (docs/performance.md)
	$(GO) build -o bin/wsgate-loadtest ./cmd/wsgate-loadtest
	bin/wsgate-loadtest -wsgate $(BIN) $(LOADTEST_FLAGS)

FUZZTIME ?= 60s
fuzz: ## run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

lint: ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool $(STATICCHECK) $(PKGS)

deb: build ## build dist/wsgate_<version>_<arch>.deb (nfpm as a library; contents in packaging/nfpm.yaml)
	$(GO) run ./packaging/build -version $(VERSION) -arch $(shell $(GO) env GOARCH) -binary $(BIN) -out dist

clean:
	rm -rf bin dist var
