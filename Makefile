# Saddle: the two commands are `make run` and `make test`.
GO      ?= go
# ADDR, when set, is passed as -addr; unset, the server's default (:8080)
# or SADDLE_ADDR from the environment applies.
ADDR    ?=
PKGS_RACE = ./internal/stream/... ./internal/api/... ./cmd/server/...

.PHONY: run build test test-js generate check-generated vet bench fmt fuzz

run: ## build and start the server at http://localhost:8080
	$(GO) build -o bin/saddle ./cmd/server
	./bin/saddle $(if $(ADDR),-addr $(ADDR))

build:
	$(GO) build -o bin/saddle ./cmd/server

generate: ## regenerate templ output (commit the *_templ.go files)
	$(GO) tool templ generate -path web/templates

check-generated: ## fail when the committed templ output is stale
	@$(GO) tool templ generate -path web/templates >/dev/null
	@if [ -d .git ] && [ -n "$$(git status --porcelain -- web/templates)" ]; then \
		echo "templ output is stale: run 'make generate' and commit it"; git status --porcelain -- web/templates; exit 1; fi

vet:
	@test -z "$$(gofmt -l $$(find . -name '*.go' -not -name '*_templ.go' -not -path './bin/*'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

test: check-generated vet test-js ## everything CI runs
	$(GO) test ./...
	$(GO) test -race $(PKGS_RACE)

test-js: ## the page's pure functions (colour map, contours, ticks, URL state) under node's test runner
	@if command -v node >/dev/null 2>&1; then node --test web/static/; else echo "node not found: skipping the JavaScript unit tests"; fi

FUZZTIME ?= 10s
FUZZ_API = FuzzDecodeRun FuzzDecodeLandscape FuzzDecodeHessian FuzzDecodeSpectrum FuzzDecodeInterpolate FuzzSceneQuery

fuzz: ## fuzz every decoder for FUZZTIME each (make test runs only their seed corpora)
	@for f in $(FUZZ_API); do $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./internal/api || exit 1; done
	$(GO) test -run '^$$' -fuzz '^FuzzParseMessage$$' -fuzztime $(FUZZTIME) ./internal/stream
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) ./internal/strictjson
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/landscape/expr

bench: ## the benchmarks quoted in the README
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

fmt: ## gofmt every Go file but templ's output
	gofmt -w $$(find . -name '*.go' -not -name '*_templ.go' -not -path './bin/*')
