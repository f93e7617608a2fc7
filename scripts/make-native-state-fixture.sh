#!/usr/bin/env bash
# Makes the native-door state fixture: a YAML stack of waapi:index:Instance deployed by the native
# plugin as built at an older commit, through the real Pulumi CLI, against that commit's sandbox.
# tests/e2e/compat.test.ts then refreshes and updates that stack with the current plugin.
#
#   scripts/make-native-state-fixture.sh <git-ref>      e.g. scripts/make-native-state-fixture.sh 55e14ec
#
# Writes tests/e2e/fixtures/native-state/ beside its program/ (kept, never generated):
#   state.json    `pulumi stack export --show-secrets` of the stack, with the sandbox's token and base
#                 URL replaced by @@WAAPI_API_TOKEN@@ and @@WAAPI_BASE_URL@@: the fixture holds no token,
#                 and the test puts in its own sandbox's before `pulumi stack import` (which encrypts
#                 the secrets again)
#   sandbox.json  the sandbox's accounts and instances the state refers to (no tokens)
#   release.json  the commit, the CLI that deployed it
# The ref's package-lock.json must equal the checkout's: its build uses this checkout's node_modules.
# Needs: git, node, and a Pulumi CLI with the YAML host (scripts/install-pulumi.sh yaml).
set -euo pipefail

ref=${1:?usage: scripts/make-native-state-fixture.sh <git-ref>}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/tests/e2e/fixtures/native-state
export PULUMI_CONFIG_PASSPHRASE=e2e-passphrase
export PULUMI_SKIP_UPDATE_CHECK=true
unset WAAPI_API_TOKEN WAAPI_BASE_URL
log() { echo "make-native-state-fixture: $*" >&2; }

commit=$(git -C "$root" rev-parse --verify "$ref^{commit}")
if ! git -C "$root" diff --quiet "$commit" -- package-lock.json; then
  log "$ref's package-lock.json differs from this checkout's: its build cannot share node_modules"
  exit 1
fi

# shellcheck source=scripts/fixture-sandbox.sh
. "$root/scripts/fixture-sandbox.sh"

log "building $commit"
mkdir "$work/release"
git -C "$root" archive "$commit" | tar -x -C "$work/release"
ln -s "$root/node_modules" "$work/release/node_modules"
(cd "$work/release" && npm run build >&2)

log "starting its sandbox"
start_sandbox "$work/release" native-state

log "pulumi up against $base_url"
export PULUMI_BACKEND_URL=file://$work/state
mkdir "$work/state" "$work/program"
sed "s|path: .*bin\$|path: $work/release/bin|" "$out/program/Pulumi.yaml" >"$work/program/Pulumi.yaml"
(
  cd "$work/program"
  pulumi stack init native-state --non-interactive >&2
  pulumi config set waapi:baseUrl "$base_url" >&2
  pulumi config set --secret waapi:apiToken "$token" >&2
  pulumi up --yes --non-interactive --skip-preview >&2
  pulumi stack export --show-secrets >"$work/exported.json"
)

log "writing $out"
node -e '
  const fs = require("fs");
  const [file, token, baseUrl] = process.argv.slice(1);
  const text = fs.readFileSync(file, "utf8").replaceAll(token, "@@WAAPI_API_TOKEN@@").replaceAll(baseUrl, "@@WAAPI_BASE_URL@@");
  fs.writeFileSync(file, text);
' "$work/exported.json" "$token" "$base_url"
if grep -qF "$token" "$work/exported.json"; then
  log "the API token is still in the exported state: not writing a fixture"
  exit 1
fi
cp "$work/exported.json" "$out/state.json"
served_instances >"$out/sandbox.json"
node -e 'const [commit, pulumiCli] = process.argv.slice(1); console.log(JSON.stringify({ commit, pulumiCli }, null, 2));' \
  "$commit" "$(pulumi version)" >"$out/release.json"
log "done: $out"
