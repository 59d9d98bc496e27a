#!/usr/bin/env bash
# Usage: preflight.sh plan|deploy|destroy STAGE [SAVED_PLAN]
#
# Checks what `make plan|deploy|destroy` needs before anything slow runs, and stops at the
# first gap with one line saying what is missing and how to fix it. SAVED_PLAN (deploy only) is
# the plan file `make deploy PLAN=...` is about to apply.
set -euo pipefail

readonly MIN_TERRAFORM=1.11

fail() {
  echo "$action: $*" >&2
  exit 1
}

action="${1:-}"
stage="${2:-}"
saved_plan="${3:-}"
case "$action" in
  plan | deploy | destroy) ;;
  *)
    echo "usage: $0 plan|deploy|destroy STAGE [SAVED_PLAN]" >&2
    exit 2
    ;;
esac
if [[ -n "$saved_plan" && "$action" != deploy ]]; then
  echo "usage: $0 plan|deploy|destroy STAGE [SAVED_PLAN]: only deploy applies a saved plan" >&2
  exit 2
fi

cd "$(dirname "$0")/.."

[[ -n "$stage" ]] || fail "STAGE is not set: run \`make $action STAGE=dev\`"
[[ "$stage" =~ ^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$ ]] ||
  fail "STAGE=$stage is not a stage name (1-16 lowercase letters, digits and hyphens)"
[[ -f "env/$stage.backend.hcl" ]] ||
  fail "infra/env/$stage.backend.hcl is missing: copy infra/env/dev.backend.hcl and name your state bucket (see infra/README.md)"
[[ -f "env/$stage.tfvars" ]] ||
  fail "infra/env/$stage.tfvars is missing: copy infra/env/dev.tfvars and set stage = \"$stage\" (see infra/README.md)"
if [[ -n "$saved_plan" ]]; then
  [[ -f "$saved_plan" ]] || fail "the saved plan $saved_plan does not exist: run \`make plan STAGE=$stage\` first"
  # A plan carries its stage's backend and variables; the name guards against applying another stage's.
  [[ "${saved_plan##*/}" == "$stage.tfplan" ]] ||
    fail "$saved_plan is not a plan of STAGE=$stage: \`make plan STAGE=$stage\` saves infra/$stage.tfplan"
fi

command -v terraform >/dev/null 2>&1 ||
  fail "terraform is not installed: install Terraform >= $MIN_TERRAFORM (https://developer.hashicorp.com/terraform/install)"
version="$(terraform version 2>/dev/null | sed -nE '1s/^Terraform v([0-9]+\.[0-9]+)\..*/\1/p')"
[[ -n "$version" ]] || fail "could not read the Terraform version from \`terraform version\`"
[[ "$(printf '%s\n%s\n' "$MIN_TERRAFORM" "$version" | sort -V | head -n1)" == "$MIN_TERRAFORM" ]] ||
  fail "Terraform $version is too old: this configuration needs >= $MIN_TERRAFORM"

# The value of `name = "..."` in the stage's tfvars, or empty.
tfvar() {
  sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"?([^\"#[:space:]]*)\"?.*$/\1/p" "env/$stage.tfvars" | head -n1
}

region="$(tfvar region)"
[[ -n "$region" ]] || fail "infra/env/$stage.tfvars does not set region"

if ! command -v aws >/dev/null 2>&1; then
  # Without the CLI, look for any source the AWS provider reads credentials from.
  if [[ -n "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ]] ||
    [[ -f "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" ]] || [[ -f "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]; then
    exit 0
  fi
  fail "no AWS credentials: set AWS_PROFILE, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or install the AWS CLI and log in"
fi

aws sts get-caller-identity --region "$region" >/dev/null 2>&1 ||
  fail "no usable AWS credentials: \`aws sts get-caller-identity\` failed (log in with \`aws sso login\`, set AWS_PROFILE, or export credentials)"

[[ "$action" == destroy ]] && exit 0

# What a deployment needs from outside Terraform, checked now rather than discovered at the
# first request (the MongoDB URI) or halfway through an apply (the access-log role).
mongodb_parameter="$(tfvar mongodb_uri_parameter_name)"
[[ -n "$mongodb_parameter" ]] || fail "infra/env/$stage.tfvars does not set mongodb_uri_parameter_name"
parameter_type="$(aws ssm describe-parameters --region "$region" \
  --parameter-filters "Key=Name,Option=Equals,Values=$mongodb_parameter" \
  --query 'Parameters[0].Type' --output text 2>/dev/null || true)"
case "$parameter_type" in
  SecureString) ;;
  "" | None) fail "SSM parameter $mongodb_parameter does not exist in $region: create it as a SecureString holding the MongoDB URI (see infra/README.md)" ;;
  *) fail "SSM parameter $mongodb_parameter is a $parameter_type: recreate it as a SecureString" ;;
esac

if [[ "$(tfvar manage_api_gateway_account_logging)" != true ]]; then
  role="$(aws apigateway get-account --region "$region" --query cloudwatchRoleArn --output text 2>/dev/null || true)"
  [[ -n "$role" && "$role" != None ]] ||
    fail "API Gateway in $region has no CloudWatch logs role, so access logging would fail: set manage_api_gateway_account_logging = true in infra/env/$stage.tfvars (once per account and region)"
fi
