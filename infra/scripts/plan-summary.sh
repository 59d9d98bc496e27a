#!/usr/bin/env bash
# Usage: plan-summary.sh STAGE SAVED_PLAN [MAX_CHARS]
#
# Prints a plan saved by `make plan` as Markdown, for a GitHub job summary or a pull request
# comment: its "Plan: ..." line, then the whole plan in a collapsed block. The plan text is cut
# at a line boundary before MAX_CHARS (default 60000: a pull request comment holds at most 65536
# characters; where awk counts bytes it only cuts earlier), saying so; the job log has all of it.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 STAGE SAVED_PLAN [MAX_CHARS]" >&2
  exit 2
fi
stage="$1"
max_chars="${3:-60000}"
# terraform -chdir=infra reads paths from infra/, so hand it an absolute one.
plan="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
[[ -f "$plan" ]] || {
  echo "plan-summary: $2 does not exist: run \`make plan STAGE=$stage\` first" >&2
  exit 1
}

cd "$(dirname "$0")/../.."
text="$(terraform -chdir=infra show -no-color "$plan")"

# The first line that says what the plan does, e.g. "Plan: 2 to add, 1 to change, 0 to destroy."
headline="$(grep -m1 -E '^(Plan: |No changes\.|Changes to Outputs:)' <<<"$text" || true)"
cut_text="$(awk -v max="$max_chars" '{ n += length($0) + 1; if (n > max) exit; print }' <<<"$text")"

# A fence longer than any run of backticks in the plan, so the plan cannot close it.
longest="$({ grep -oE '`+' <<<"$text" || true; } | awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }')"
fence='```'
while ((${#fence} <= longest)); do fence+='`'; done

echo "### Terraform plan: \`$stage\`"
echo
if [[ -n "${GITHUB_SHA:-}" ]]; then
  echo "Planned from commit \`${GITHUB_SHA}\`."
  echo
fi
echo "**${headline:-The plan has no summary line: read it below.}**"
echo
echo "<details><summary>The whole plan</summary>"
echo
echo "${fence}text"
echo "$cut_text"
echo "$fence"
if [[ "$cut_text" != "$text" ]]; then
  echo
  echo "The plan is longer than ${max_chars} characters and was cut here; the job log has all of it."
fi
echo
echo "</details>"
