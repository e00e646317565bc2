# Ticketbook. `make run` opens the app, `make test` runs every check; both set
# up a fresh Debian machine themselves (system packages only when missing).

GO      ?= go
TAGS    := migrated_fynedo
GOFLAGS_BUILD := -tags $(TAGS)
BIN     := bin/ticketbook

.PHONY: run build test vet lint check-deps deps test-deps bench clean fmt smoke screenshots demo bench-scan

deps:
	@bash .ci/install-deps
	@$(GO) mod download

test-deps:
	@bash .ci/install-deps --test
	@$(GO) mod download

build: deps
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/ticketbook

run: build
	./$(BIN) $(ARGS)

vet:
	$(GO) vet $(GOFLAGS_BUILD) ./...

check-deps:
	@bash .ci/check-deps

test: test-deps vet check-deps
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/ticketbook
	$(GO) test $(GOFLAGS_BUILD) -race -count=1 ./...
	# The randomised sync test: a sample runs under -race above, all 1,000
	# seeded runs here (without -race they take well under a minute).
	$(GO) test $(GOFLAGS_BUILD) -count=1 -run '^TestRandomizedSync$$' ./core/syncer
	bash .ci/smoke $(BIN)

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck -tags $(TAGS) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

bench:
	$(GO) test $(GOFLAGS_BUILD) -run '^$$' -bench . -benchmem ./...

# Ticketbook's reader against ZBar and zxing-cpp on the same generated corpus
# (installs zbar-tools and zxing-cpp-tools when missing).
bench-scan:
	bash core/scan/bench/compare.sh

clean:
	rm -rf bin

# The app on a separate database filled with a realistic demo fleet.
demo: build
	@mkdir -p bin/demo
	@[ -f bin/demo/ticketbook.db ] || ./$(BIN) demo --db bin/demo/ticketbook.db
	./$(BIN) --db bin/demo/ticketbook.db $(ARGS)

smoke: build
	bash .ci/smoke $(BIN)

screenshots: build
	bash .ci/screenshots $(BIN)
