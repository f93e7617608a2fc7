#!/usr/bin/env bash
# Makes a Pulumi CLI available for `make demo` and the end-to-end tests, and prints the directory
# to put first on PATH.
#
# Order of preference:
#   1. a `pulumi` already on PATH (a developer's own install) — used as is;
#   2. a cached build from an earlier run (outside the repo, so a fresh clone starts at once);
#   3. a build from the Go modules at the version of the installed @pulumi/pulumi SDK. This machine
#      kind reaches the Go module proxy but not get.pulumi.com, so the official installer cannot run.
#      The CLI's own go.mod carries `replace` directives that `go install pkg@version` refuses, so we
#      build from a throw-away module that requires the CLI packages (as Pulumi's own repos do with
#      a tools.go of blank imports).
# `pulumi-resource-pulumi-nodejs` (the dynamic-provider plugin) ships inside @pulumi/pulumi's
# node_modules/.bin; the caller adds that directory to PATH too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "install-pulumi: $*" >&2; }

if [ -z "${WAAPI_FORCE_PULUMI_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1 \
   && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  dirname "$(command -v pulumi)"
  exit 0
fi

sdk_pkg="$root/node_modules/@pulumi/pulumi/package.json"
if [ ! -f "$sdk_pkg" ]; then
  log "node_modules/@pulumi/pulumi is missing: run 'npm ci' first"
  exit 1
fi
version=$(node -p "require('$sdk_pkg').version")
cache="${WAAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi}/pulumi-v$version"
bin="$cache/bin"

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "no pulumi on PATH and no Go toolchain to build one"; exit 1; }
log "building the Pulumi CLI v$version from Go modules into $cache (first run only; takes several minutes)"
work="$cache/build"
rm -rf "$work"
mkdir -p "$work" "$bin"
cat >"$work/go.mod" <<GOMOD
module pulumi-waapi/pulumi-cli

go 1.24
GOMOD
cat >"$work/tools.go" <<'GOSRC'
//go:build tools

package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
)
GOSRC
(
  cd "$work"
  export GOFLAGS="${GOFLAGS:-} -mod=mod"
  go get "github.com/pulumi/pulumi/pkg/v3@v$version" \
         "github.com/pulumi/pulumi/sdk/v3@v$version" \
         "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v$version" >&2
  ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
  GOBIN="$bin.tmp" go install -tags tools -ldflags "$ldflags" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
)
# Move into place only when both binaries exist, so an interrupted build is never mistaken for a cache hit.
mv "$bin.tmp/pulumi" "$bin.tmp/pulumi-language-nodejs" "$bin/"
rmdir "$bin.tmp"
log "built $("$bin/pulumi" version)"
echo "$bin"
