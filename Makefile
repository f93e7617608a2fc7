# The README's two commands: `make demo` and `make test`. Each installs what it needs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# npm ci again whenever the lock file changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: help install build pulumi lint test test-node test-unit bench bench-page reliability demo sandbox release clean
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

install: node_modules/.package-lock.json ## install the npm dependencies

build: install ## compile provider/ and sandbox/ into dist/
	npm run build

pulumi: install ## print the directory of a Pulumi CLI (built from Go modules on first use, then cached)
	@scripts/install-pulumi.sh

lint: build ## type-check, ESLint, Prettier
	npm run typecheck
	npm run lint

# What the tests need that a fresh machine builds or downloads first, outside jest's time limits:
# the CLI and language hosts (scripts/install-pulumi.sh, which prints their directory), the SDK
# generator, the Python environment of the Python e2e test.
PREPARE_TESTS = scripts/gen-sdk.sh --build && scripts/install-python-sdk.sh >/dev/null
# The language hosts the tests' YAML and Python programs need, beside the CLI's Node.js host (which
# is all `make demo`, `make pulumi` and `make bench` ask for: they run TypeScript programs only).
TEST_HOSTS = yaml python
# Both runs end with one plain closing line ("jest: N passed, N failed, N skipped (Node.js …)"),
# readable by any CI, printed even when tests failed (never a stale one: the results file goes first).
test: lint ## everything: unit, contract, integration (sandbox over HTTP) and end-to-end (real Pulumi CLI) tests
	rm -f .jest-results.json; bin=$$(scripts/install-pulumi.sh $(TEST_HOSTS)) && $(PREPARE_TESTS) && \
	  PATH="$$bin:$$PATH" npm test -- --json --outputFile=.jest-results.json; \
	  status=$$?; node scripts/jest-summary.cjs .jest-results.json; exit $$status

# The dependencies are installed once, by the Node.js of `make install`: their only native modules are
# Node-API builds (@parcel/watcher, @unrs/resolver-binding), which load under every Node.js version.
NODE ?= 26
# dist/ is compiled again only when it no longer matches the sources (scripts/build-digest.cjs): in
# .ci/run, `make test` has just built it, and tsc's output does not depend on the Node.js that runs it.
test-node: install ## the same tests under another Node.js major (NODE=26 by default; installed by scripts/install-node.sh)
	@node -e "process.exit(require('./scripts/build-digest.cjs').whyStale() === undefined ? 0 : 1)" || npm run build
	rm -f .jest-results-node$(NODE).json; node_bin=$$(scripts/install-node.sh $(NODE)) && \
	  bin=$$(scripts/install-pulumi.sh $(TEST_HOSTS)) && $(PREPARE_TESTS) && \
	  PATH="$$node_bin:$$bin:$$PATH" npm test -- --json --outputFile=.jest-results-node$(NODE).json; \
	  status=$$?; PATH="$$node_bin:$$PATH" node scripts/jest-summary.cjs .jest-results-node$(NODE).json; exit $$status

test-unit: build ## the tests that need no Pulumi CLI
	npm test -- --testPathIgnorePatterns tests/e2e

bench: build ## benchmark N = 10, 50, 200 instances against the no-op stack and the request floor; writes docs/benchmarks.md (many minutes; not part of make test)
	npx tsc -p bench/tsconfig.json
	bin=$$(scripts/install-pulumi.sh) && PATH="$$bin:$$PATH" node .bench-build/bench/bench.js
	npx prettier --write docs/benchmarks.md >/dev/null

bench-page: install ## write docs/benchmarks.md again from the figures make bench kept (docs/benchmarks.md.json), without measuring
	npx tsc -p bench/tsconfig.json
	node .bench-build/bench/render.js
	npx prettier --write docs/benchmarks.md >/dev/null

# The fault matrix and the crash matrix each write their own section of docs/reliability.md (tests/support/report.ts), in either order.
reliability: build ## the fault matrix, the crash matrix, the paced 50-instance figure and 10 two-stack repetitions through the real engine; writes docs/reliability.md and docs/reliability-two-stacks.md (about half an hour; make test runs reduced ones)
	bin=$$(scripts/install-pulumi.sh $(TEST_HOSTS)) && PATH="$$bin:$$PATH" WAAPI_RELIABILITY=full npm test -- tests/e2e/fault-matrix.test.ts; \
	  status=$$?; PATH="$$bin:$$PATH" WAAPI_RELIABILITY=full npm test -- tests/e2e/crash-matrix.test.ts || status=1; \
	  PATH="$$bin:$$PATH" WAAPI_RELIABILITY=full npm test -- tests/e2e/two-stacks.test.ts || status=1; \
	  npx prettier --write docs/reliability.md docs/reliability-two-stacks.md >/dev/null 2>&1; exit $$status

demo: build ## deploy the root Pulumi.yaml program against a local WAAPI sandbox
	bin=$$(scripts/install-pulumi.sh) && PATH="$$bin:$$PATH" scripts/demo.sh

sandbox: build ## run the WAAPI sandbox in the foreground on :8787 (or $WAAPI_SANDBOX_PORT, as make demo), with the demo's data
	WAAPI_SANDBOX_TOKEN="$${WAAPI_SANDBOX_TOKEN:-sandbox-demo-token}" node dist/sandbox/cli.js --port "$${WAAPI_SANDBOX_PORT:-8787}" --data .sandbox/sandbox.json

release: build ## every release artifact into release/: npm package, plugin archives + checksums, Python sdist and wheel, Go SDK (docs/releasing.md)
	scripts/release.sh

clean: ## remove build output, local state and sandbox data (not the cached Pulumi CLI)
	rm -rf dist .pulumi-state .sandbox coverage .bench-build release plugin-archive
