# Saddle: the two commands are `make run` and `make test`.
GO      ?= go
# ADDR is passed as -addr: loopback by default (this laptop only, and the
# server answers only loopback names); `make run ADDR=:8080` serves the
# classroom network. SADDLE_ADDR in the environment wins over the default.
ADDR    ?= $(if $(SADDLE_ADDR),$(SADDLE_ADDR),127.0.0.1:8080)
PKGS_RACE = ./internal/stream/... ./internal/api/... ./cmd/server/...
# Every other package runs once without -race; PKGS_RACE run once, under it.
PKGS_PLAIN = $(filter-out $(shell $(GO) list $(PKGS_RACE)),$(shell $(GO) list ./...))
# A last-resort hang guard per test binary (tests wait on events, not time;
# a loaded 2-core machine needs about 2-4 minutes for ./web).
TESTFLAGS ?= -timeout 30m

.PHONY: run build test test-js generate check-generated vet bench fmt fuzz

run: ## build and start the server at http://localhost:8080
	@echo "building Saddle (the first build compiles its dependencies, gonum the largest: 1-3 minutes, depending on the machine's load; later builds take seconds)..."
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
	@echo "testing (about 3-4 minutes on 2 cores, the first run too: the browser tests take most of it)..."
	$(GO) test $(TESTFLAGS) $(PKGS_PLAIN) & plain=$$!; \
	$(GO) test $(TESTFLAGS) -race $(PKGS_RACE); race=$$?; \
	$(GO) test $(TESTFLAGS) -run '^TestSlowReadersMemory$$' ./internal/stream || race=1; \
	wait $$plain; plain=$$?; \
	[ $$plain -eq 0 ] && [ $$race -eq 0 ]

test-js: ## the page's pure functions (colour map, contours, ticks, URL state) under node's test runner
	@if command -v node >/dev/null 2>&1; then node --test web/static/; else echo "node not found: skipping the JavaScript unit tests"; fi

# A count of inputs, not a duration: go1.26's fuzzing coordinator can fail a
# duration-bounded run with "context deadline exceeded" when the deadline
# falls while a worker is mid-input on a loaded machine (golang/go#75804,
# fixed in go1.27), a failure with no crashing input.
FUZZTIME ?= 100000x
# package:target, one a word; make fuzz runs each for FUZZTIME and stops at
# the first crash (go test then exits non-zero and saves the input under
# the package's testdata/fuzz/).
FUZZ_TARGETS = $(addprefix ./internal/api:,FuzzDecodeRun FuzzDecodeLandscape FuzzDecodeHessian \
	FuzzDecodeSpectrum FuzzDecodeInterpolate FuzzDecodeSuggest FuzzDecodeSharpness FuzzDecodeHypermap \
	FuzzDecodeBasins FuzzDecodeFigure FuzzSceneQuery) \
	./internal/stream:FuzzParseMessage ./internal/strictjson:FuzzCheck ./internal/landscape/expr:FuzzParse

fuzz: ## fuzz every decoder for FUZZTIME each (make test runs only their seed corpora; CI runs FUZZTIME=30000x)
	@for pt in $(FUZZ_TARGETS); do \
		echo "fuzz $${pt#*:} ($${pt%%:*}) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${pt#*:}$$" -fuzztime $(FUZZTIME) $${pt%%:*} || exit 1; \
	done

bench: ## the benchmarks quoted in the README
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

fmt: ## gofmt every Go file but templ's output
	gofmt -w $$(find . -name '*.go' -not -name '*_templ.go' -not -path './bin/*')
