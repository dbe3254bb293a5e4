# Marco's front door. `make run` starts the demo; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
NPM_STAMP := frontend/node_modules/.package-lock.json

.PHONY: help run test test-sqlite test-postgres fuzz bench lint fmt assets browser clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

assets: $(NPM_STAMP) ## Install the USWDS and axe-core npm packages (npm ci)

run: assets ## Build and start Marco on 127.0.0.1:8080 with SQLite and demo data in ./data
	$(CARGO) run --bin marco -- run

browser: ## Install Chromium and chromedriver when missing (Debian)
	@bash scripts/ensure-browser.sh

test: assets browser ## Run every test on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set
	$(CARGO) build --workspace --bins --tests
	env -u TEST_DATABASE_URL $(CARGO) test --workspace --no-fail-fast
	bash tests/libcove/run.sh
	@if [[ "$$TEST_DATABASE_URL" == postgres* ]]; then \
		echo "== again on PostgreSQL ($${TEST_DATABASE_URL%%\?*})"; \
		$(CARGO) test --no-fail-fast -p marco-tests -p marco; \
	else \
		echo "== TEST_DATABASE_URL is not a PostgreSQL URL: database tests ran on SQLite only"; \
	fi

fuzz: ## Fuzz the API and OCDS feeds against their OpenAPI document with schemathesis (pinned)
	$(CARGO) build --bin marco
	bash tests/fuzz/run.sh

bench: assets ## Run the benchmarks (figures go to stdout and bench/out/)
	@bash bench/run.sh

lint: assets ## cargo fmt --check and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

clean-data: ## Delete ./data (the demo database, index, outbox and keys)
	rm -rf ./data
