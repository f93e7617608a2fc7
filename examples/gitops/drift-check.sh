#!/usr/bin/env bash
# Nightly WAAPI drift check for any CI (Jenkins, GitLab, cron…); GitHub Actions: see nightly-drift.yml.
#
#   drift-check.sh STACK [REPORT_FILE]
#
# Run it in the Pulumi project, where pulumi-waapi is installed, with the Pulumi CLI on PATH and the
# same environment as `pulumi up` (backend login or PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE for
# passphrase stacks, WAAPI_API_TOKEN when the stack config holds no waapi:apiToken). It writes the
# markdown report to REPORT_FILE (default drift-report.md), for a job summary or a pull-request
# comment, prints it on drift, and exits like `pulumi-waapi drift`: 0 no drift, 7 drift, 1 error.
set -uo pipefail

stack="${1:?usage: drift-check.sh STACK [REPORT_FILE]}"
report="${2:-drift-report.md}"

npx pulumi-waapi drift --stack "$stack" --format markdown >"$report"
status=$?
case "$status" in
  0) echo "No drift in stack $stack." ;;
  7)
    echo "Drift in stack $stack (report: $report):"
    cat "$report"
    ;;
  *) echo "The drift check could not run (exit code $status); Pulumi's message is above." >&2 ;;
esac
exit "$status"
