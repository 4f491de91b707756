# authspec — conformance suite for OAuth 2.0 authorization servers.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/authspec
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 20s

.PHONY: help deps build plugins test check conformance integration bench fuzz catalog clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

DEPS_STAMP := .cache/deps.stamp

deps: ## install everything a fresh machine lacks (Go modules, npm packages, Chromium, Playwright driver, PostgreSQL, wrk)
	$(GO) mod download
	cd server/interop/js && npm ci --no-audit --no-fund --loglevel=error
	cd plugins/examples/asmetadata && npm ci --no-audit --no-fund --loglevel=error
	cd integration/oidcprovider && npm ci --no-audit --no-fund --loglevel=error
	cd integration/nodeoauth2 && npm ci --no-audit --no-fund --loglevel=error
	cd integration/mcpsdk && npm ci --no-audit --no-fund --loglevel=error
	cd integration/cfoauth && npm ci --no-audit --no-fund --loglevel=error
	cd integration/fosite/server && $(GO) mod download
	cd integration/zitadel/server && $(GO) mod download
	cd integration/gooauth2/server && $(GO) mod download
	scripts/install-browser.sh
	scripts/install-postgres.sh
	scripts/install-wrk.sh
	@mkdir -p .cache && touch $(DEPS_STAMP)

# The first `make test` or `make conformance` on a fresh machine installs the
# prerequisites; later runs skip it until go.sum or the lock files change.
$(DEPS_STAMP): go.sum server/interop/js/package-lock.json plugins/examples/asmetadata/package-lock.json scripts/install-browser.sh scripts/install-postgres.sh scripts/install-wrk.sh \
		integration/oidcprovider/package-lock.json integration/nodeoauth2/package-lock.json integration/mcpsdk/package-lock.json integration/cfoauth/package-lock.json integration/fosite/server/go.sum integration/zitadel/server/go.sum integration/gooauth2/server/go.sum
	$(MAKE) deps

build: ## build bin/authspec
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/authspec

PLUGINS := ideclient mcpclient policy

plugins: $(DEPS_STAMP) ## build the example plugins into plugins/out/ (Go with GOOS=wasip1, AssemblyScript from npm)
	@mkdir -p plugins/out
	@for p in $(PLUGINS); do echo "plugin $$p"; GOOS=wasip1 GOARCH=wasm $(GO) build -trimpath -ldflags '-s -w' -buildmode=c-shared -o plugins/out/$$p.wasm ./plugins/examples/$$p || exit 1; done
	@echo "plugin asmetadata (AssemblyScript)"; cd plugins/examples/asmetadata && npm run --silent build

# Progress as each package ends, the output of failed tests, a line naming
# what still runs when a package is quiet for 30 s, and one summary line.
# TESTFLAGS adds flags (e.g. TESTFLAGS='-run TestX'), PKGS narrows the packages.
# Tests of the PostgreSQL store start their own server (internal/pgtest): here
# they fail, rather than skip, when PostgreSQL is missing.
PKGS ?= ./...
test: $(DEPS_STAMP) ## run all tests with the race detector (long load runs: make bench)
	@$(GO) build -o .cache/testsum ./scripts/testsum
	@set -o pipefail; AUTHSPEC_REQUIRE_POSTGRES=1 $(GO) test -json -race -count=1 -parallel 4 -timeout 15m $(TESTFLAGS) $(PKGS) 2>&1 | .cache/testsum

check: ## vet, gofmt, go mod tidy; fails if the tree changes
	$(GO) vet ./...
	$(GO) vet -tags integration ./integration/...
	cd integration/fosite/server && $(GO) vet . && $(GO) mod tidy
	cd integration/zitadel/server && $(GO) vet . && $(GO) mod tidy
	cd integration/gooauth2/server && $(GO) vet . && $(GO) mod tidy
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy
	$(GO) test ./scenarios -run TestCatalogGolden -update >/dev/null
	@git diff --exit-code -- go.mod go.sum integration/fosite/server/go.mod integration/fosite/server/go.sum integration/zitadel/server/go.mod integration/zitadel/server/go.sum integration/gooauth2/server/go.mod integration/gooauth2/server/go.sum scenarios/testdata docs/checks.md || (echo "go mod tidy changed go.mod/go.sum: commit the result"; exit 1)

conformance: $(DEPS_STAMP) build plugins ## start the reference server and run the whole suite against it; reports in reports/out/
	scripts/conformance.sh

# Each test starts its own server on a free loopback port and writes its
# reports to reports/out/<server>/.
INTEGRATION ?= ./integration/...

# One server at a time: each run drives Chromium (the headless shell, as
# authspec itself prefers), and on two cores runs side by side take longer
# than one after the other. All seven: about 4 minutes on two cores.
integration: $(DEPS_STAMP) build ## run authspec against third-party servers (oidc-provider, ory/fosite, @node-oauth/oauth2-server, go-oauth2, zitadel/oidc, the MCP TypeScript SDK, Cloudflare's workers-oauth-provider) and compare with their expectations files; reports in reports/out/<server>/
	AUTHSPEC_BIN=$(CURDIR)/$(BIN) $(GO) test -tags integration -count=1 -v -p 1 -timeout 20m $(INTEGRATION)

bench: $(DEPS_STAMP) ## the performance figures of docs/performance.md, from one run
	@echo "== full plan against the reference server (ns/op = wall time of one run)"
	$(GO) test -run '^$$' -bench FullPlan -benchtime 3x -count 1 ./conformance/
	@echo "== plugins: compile cold / from the disk cache, instantiate, one call (Go and AssemblyScript guests)"
	$(GO) test -run '^$$' -bench Plugin -benchtime 5x -count 1 ./suite/plugin/
	@echo "== token endpoint vs a bare net/http handler; SQLite and PostgreSQL store operations"
	AUTHSPEC_REQUIRE_POSTGRES=1 AUTHSPEC_POSTGRES_DURABLE=1 $(GO) test -run '^$$' -bench . -benchmem -count 1 ./server/...
	@echo "== token endpoint loaded by wrk from outside the process, against a bare net/http handler (alternating rounds)"
	$(GO) run ./scripts/tokenbench
	@echo "== load: token endpoint and registration, memory, SQLite and PostgreSQL stores (PostgreSQL: one server, and two replicas on one database; durable settings)"
	AUTHSPEC_REQUIRE_POSTGRES=1 AUTHSPEC_POSTGRES_DURABLE=1 $(GO) test -count 1 -v -run TestLoad ./server/load/ -soak | grep -E 'load_test|^(ok|FAIL)'

fuzz: ## run each fuzz target for FUZZTIME (default 20s; a count such as 1000x also works)
	scripts/fuzz.sh $(FUZZTIME)

catalog: ## regenerate the golden catalog and docs/checks.md after reviewing a catalog change
	$(GO) test ./scenarios -run TestCatalogGolden -update

clean: ## remove build output and reports
	rm -rf bin reports/out plugins/out
