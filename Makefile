# Two commands matter: `make dev` runs the API locally, `make test` runs everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help install generate check-generated typecheck lint lint-spec test build

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# npm writes node_modules/.package-lock.json on every install, so it is newer than package-lock.json exactly when the install is current.
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NPM_STAMP) ## Install dependencies when package-lock.json changed

generate: $(NPM_STAMP) ## Regenerate types, validators and API definitions from openapi.yaml
	npx tsx scripts/generate.ts

check-generated: $(NPM_STAMP) ## Fail when generated/ is stale
	npx tsx scripts/generate.ts --check

typecheck: $(NPM_STAMP) ## Type-check everything
	npx tsc --noEmit

lint: $(NPM_STAMP) ## Lint the code
	npx eslint --max-warnings 0 .

lint-spec: $(NPM_STAMP) ## Lint openapi.yaml (OpenAPI + OWASP rulesets)
	npx spectral lint --fail-severity warn --ruleset .spectral.yaml openapi.yaml

test: $(NPM_STAMP) check-generated typecheck lint lint-spec ## Run every check and test
	npx jest --coverage

build: $(NPM_STAMP) ## Bundle each function with esbuild into dist/ and zip it
	npx tsx scripts/build.ts
