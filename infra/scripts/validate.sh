#!/usr/bin/env bash
# Checks the Terraform configuration without an AWS account: formatting, validation, and the
# tests in infra/tests (which replace every AWS call with fixed values).
set -euo pipefail

if ! command -v terraform >/dev/null 2>&1; then
  echo "validate: skipped terraform fmt, validate and test: terraform is not installed (install Terraform >= 1.11 to run them)"
  exit 0
fi

cd "$(dirname "$0")/.."

terraform fmt -check -recursive -diff
# No backend: validation needs the providers, not the state.
if ! terraform init -backend=false -input=false >/dev/null; then
  echo "validate: terraform init could not install the providers; offline, point TF_CLI_CONFIG_FILE at a provider mirror (see infra/README.md)" >&2
  exit 1
fi
terraform validate
terraform test
# The same checks with each committed stage's settings, so a bad value fails here, not in a deploy.
for vars in env/*.tfvars; do
  echo "terraform test -var-file=$vars"
  terraform test -var-file="$vars" >/dev/null || terraform test -var-file="$vars"
done
