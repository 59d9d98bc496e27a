# Two commands matter: `make dev` runs the API locally, `make test` runs everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_STAMP := node_modules/.package-lock.json

.PHONY: help install generate check-generated typecheck format format-check lint lint-spec test test-unit build plan deploy destroy validate dev docs bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# npm writes node_modules/.package-lock.json on every install, so it is newer than package-lock.json exactly when the install is current.
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NPM_STAMP) ## Install dependencies when package-lock.json changed

generate: $(NPM_STAMP) ## Regenerate types, validators and API definitions from openapi.yaml
	npx tsx scripts/generate.ts

check-generated: $(NPM_STAMP) ## Fail when generated/ is stale
	npx tsx scripts/generate.ts --check

typecheck: $(NPM_STAMP) ## Type-check everything
	npx tsc --noEmit

format: $(NPM_STAMP) ## Format the code with Prettier
	npx prettier --write --log-level warn .

format-check: $(NPM_STAMP) ## Fail when a file is not formatted as Prettier would
	npx prettier --check --log-level warn .

lint: $(NPM_STAMP) ## Lint the code (typescript-eslint's type-checked rules)
	npx eslint --max-warnings 0 .

lint-spec: $(NPM_STAMP) ## Lint openapi.yaml (OpenAPI + OWASP rulesets)
	npx spectral lint --fail-severity warn --ruleset .spectral.yaml openapi.yaml

test: $(NPM_STAMP) check-generated typecheck format-check lint lint-spec ## Run every check and test
	npx jest --coverage

test-unit: $(NPM_STAMP) ## Run only the unit tests: no database, no processes, a few seconds
	npx jest --selectProjects unit

build: $(NPM_STAMP) ## Bundle each function with esbuild into dist/ and zip it
	npx tsx scripts/build.ts

# Deployment with Terraform (infra/). STAGE names infra/env/$(STAGE).backend.hcl and .tfvars;
# infra/scripts/preflight.sh stops early, in one line, when terraform, credentials or those files are missing.
TERRAFORM := terraform -chdir=infra
TF_INIT = $(TERRAFORM) init -input=false -reconfigure -backend-config=env/$(STAGE).backend.hcl
TF_VARS = -var-file=env/$(STAGE).tfvars

plan: ## Preview what `make deploy` would change in AWS, saved to infra/<STAGE>.tfplan (STAGE=dev)
	@infra/scripts/preflight.sh plan "$(STAGE)"
	@$(MAKE) --no-print-directory build
	$(TF_INIT)
	$(TERRAFORM) plan -input=false $(TF_VARS) -out=$(STAGE).tfplan

# Without PLAN, Terraform plans and asks before it applies. PLAN=infra/<stage>.tfplan applies that
# saved plan and nothing else: no tests and no build, since the plan already fixed the code it ships.
deploy: ## Test, build and deploy to AWS after a confirmation (STAGE=dev), or apply a saved plan (PLAN=infra/dev.tfplan)
ifdef PLAN
	@infra/scripts/preflight.sh deploy "$(STAGE)" "$(abspath $(PLAN))"
	$(TF_INIT)
	$(TERRAFORM) apply -input=false "$(abspath $(PLAN))"
else
	@infra/scripts/preflight.sh deploy "$(STAGE)"
	@$(MAKE) --no-print-directory test build
	$(TF_INIT)
	$(TERRAFORM) apply $(TF_VARS)
endif

destroy: ## Delete everything a stage created in AWS (STAGE=dev)
	@infra/scripts/preflight.sh destroy "$(STAGE)"
	$(TF_INIT)
	$(TERRAFORM) destroy $(TF_VARS)

validate: build ## Check infra/ offline: terraform fmt, validate and test (skipped without terraform)
	@infra/scripts/validate.sh

# The local API Gateway, the functions and the embedded MongoDB; settings in local/gateway/README.md.
dev: $(NPM_STAMP) generate build ## Run the API on http://localhost:3000 (PORT), with hot reload and docs at /docs
	npx tsx local/dev/main.ts

docs: $(NPM_STAMP) generate ## Write the API reference (Swagger UI, works offline) to dist/docs/ for publishing
	npx tsx local/docs/build.ts

BASELINE := bench/baseline/original
# The tutorial's own dependencies (mongoose 5, jsonwebtoken 8, bcryptjs 2), installed beside it from its lockfile.
$(BASELINE)/node_modules/.package-lock.json: $(BASELINE)/package-lock.json $(BASELINE)/package.json
	cd $(BASELINE) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

bench: $(NPM_STAMP) generate $(BASELINE)/node_modules/.package-lock.json ## Measure bundles, cold starts, authorizer, login cost, load and data growth (a few minutes; writes bench/results.json)
	npx tsx bench/run.ts
