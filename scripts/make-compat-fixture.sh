#!/usr/bin/env bash
# Makes the compatibility fixture of a release: a stack deployed by that release's packed package,
# through the real Pulumi CLI, against a WAAPI sandbox. tests/e2e/compat.test.ts then refreshes,
# updates and destroys that stack with the current code.
#
#   scripts/make-compat-fixture.sh <git-ref>      e.g. scripts/make-compat-fixture.sh v0.2.0
#
# Run it at each release, with the release's ref: it writes tests/e2e/fixtures/state-<version>/ and
# removes the previous release's folder (the program is carried over from it). Writes:
#   program/      the program deployed (Pulumi.yaml, index.ts): carried over, never generated
#   state.json    `pulumi stack export` of the stack (secrets encrypted with the passphrase below)
#   sandbox.json  the sandbox's accounts and instances the state refers to (no tokens)
#   release.json  the release's version and commit, the CLI and SDK that deployed it, and the
#                 sandbox's base URL and token, which the state's provider config holds (the token
#                 encrypted): the test serves the instances again under them. The token is one of a
#                 throwaway local sandbox, like the README's `my-local-token`: nothing else accepts it.
# Needs: git, npm, node, and a Pulumi CLI (scripts/install-pulumi.sh provides one).
set -euo pipefail

ref=${1:?usage: scripts/make-compat-fixture.sh <git-ref>}
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/tests/e2e/fixtures
# The e2e stacks' passphrase (tests/support/pulumi.ts): `pulumi stack import` decrypts the fixture's
# secrets with it.
export PULUMI_CONFIG_PASSPHRASE=e2e-passphrase
export PULUMI_SKIP_UPDATE_CHECK=true
log() { echo "make-compat-fixture: $*" >&2; }

commit=$(git -C "$root" rev-parse --verify "$ref^{commit}")
version=$(git -C "$root" show "$commit:package.json" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).version)')
previous=$(find "$fixtures" -mindepth 1 -maxdepth 1 -type d -name 'state-*' | sort | tail -n 1)
[[ -n $previous ]] || { log "no tests/e2e/fixtures/state-*/program to carry over"; exit 1; }
out=$fixtures/state-$version

# shellcheck source=scripts/fixture-sandbox.sh
. "$root/scripts/fixture-sandbox.sh"

log "packing pulumi-waapi $version ($commit)"
mkdir "$work/release"
git -C "$root" archive "$commit" | tar -x -C "$work/release"
(cd "$work/release" && npm ci --no-audit --no-fund >&2 && npm run build >&2 && npm pack --ignore-scripts --pack-destination "$work" >&2)
tarball=$work/pulumi-waapi-$version.tgz
installed() { node -e 'console.log(require(process.argv[1]).version)' "$work/release/node_modules/$1/package.json"; }
sdk=$(installed @pulumi/pulumi)

# TypeScript too: without it the SDK falls back to its vendored TypeScript 3.8, which rejects tsconfig.json.
log "installing it into the program, with @pulumi/pulumi $sdk and typescript $(installed typescript)"
cp -r "$previous/program" "$work/program"
(cd "$work/program" && npm init -y >/dev/null && npm install --no-audit --no-fund "@pulumi/pulumi@$sdk" "typescript@$(installed typescript)" "$tarball" >&2)

log "starting the release's sandbox"
start_sandbox "$work/release" compat-fixture

log "pulumi up against $base_url"
export PULUMI_BACKEND_URL=file://$work/state
mkdir "$work/state"
cli_version=$(pulumi version)
(
  cd "$work/program"
  pulumi stack init compat --non-interactive >&2
  pulumi config set waapi:baseUrl "$base_url" >&2
  pulumi config set --secret waapi:apiToken "$token" >&2
  pulumi up --yes --non-interactive --skip-preview >&2
  pulumi stack export >"$work/state.json"
)

log "writing $out"
if grep -qF "$token" "$work/state.json"; then
  log "the API token is in the exported state: not writing a fixture"
  exit 1
fi
staged=$work/fixture
mkdir "$staged"
cp -r "$previous/program" "$staged/program"
cp "$work/state.json" "$staged/state.json"
# The instances and accounts only; the test registers the token itself (release.json).
served_instances >"$staged/sandbox.json"
node -e '
  const [version, commit, pulumiCli, pulumiSdk, sandboxBaseUrl, sandboxToken] = process.argv.slice(1);
  const release = { version, commit, pulumiCli, pulumiSdk, sandboxBaseUrl, sandboxToken };
  console.log(JSON.stringify(release, null, 2));
' "$version" "$commit" "$cli_version" "$sdk" "$base_url" "$token" >"$staged/release.json"
cp "$previous/README.md" "$staged/README.md" 2>/dev/null || true
if [[ $previous != "$out" ]]; then git -C "$root" rm -r --quiet "$previous" 2>/dev/null || rm -rf "$previous"; fi
rm -rf "$out"
mv "$staged" "$out"
log "done: $out"
