#!/usr/bin/env bash
# Checks the Terraform configuration without an AWS account: formatting, validation, and the
# tests in infra/tests (which replace every AWS call with fixed values).
#
# Leaves infra/ as it found it: Terraform's working directory (.terraform) is a temporary one,
# a committed .terraform.lock.hcl is only read (-lockfile=readonly), and a lock file Terraform
# had to write because none was committed is removed on exit.
set -euo pipefail

if ! command -v terraform >/dev/null 2>&1; then
  echo "validate: skipped terraform fmt, validate and test: terraform is not installed (install Terraform >= 1.11 to run them)"
  exit 0
fi

cd "$(dirname "$0")/.."

readonly lock=.terraform.lock.hcl
TF_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/auth-api-validate.XXXXXX")"
export TF_DATA_DIR
init_args=(-backend=false -input=false)
if [[ -f "$lock" ]]; then
  init_args+=(-lockfile=readonly)
  cleanup() { rm -rf "$TF_DATA_DIR"; }
else
  cleanup() { rm -rf "$TF_DATA_DIR" "$lock"; }
fi
trap cleanup EXIT
# An interrupted run exits through the EXIT trap too.
trap 'exit 130' INT TERM HUP

terraform fmt -check -recursive -diff
# No backend: validation needs the providers, not the state.
if ! terraform init "${init_args[@]}" >/dev/null; then
  echo "validate: terraform init could not install the providers (or they do not match $lock); offline, point TF_CLI_CONFIG_FILE at a provider mirror (see infra/README.md)" >&2
  exit 1
fi
terraform validate
terraform test
# The same checks with each committed stage's settings, so a bad value fails here, not in a deploy.
for vars in env/*.tfvars; do
  echo "terraform test -var-file=$vars"
  terraform test -var-file="$vars" >/dev/null || terraform test -var-file="$vars"
done
