#!/usr/bin/env bash
# Makes the Pulumi CLI available for `make demo` and the end-to-end tests, and prints the directory to
# put first on PATH. That directory holds `pulumi`, `pulumi-language-nodejs` and
# `pulumi-resource-pulumi-nodejs` side by side, which is how the engine expects bundled plugins
# (anything else makes it warn "using … from $PATH" on every run), and the other language hosts
# asked for by name, each built once on first request (a few minutes each):
#
#   scripts/install-pulumi.sh                # the CLI and the Node.js host: make demo, make pulumi
#   scripts/install-pulumi.sh yaml python    # and the YAML and Python hosts: make test
#
# Order of preference:
#   1. a `pulumi` already on PATH with the Node.js language host beside it (a developer's own
#      install, or the official installer's) — used as is;
#   2. a build cached by an earlier run, outside the repo, so later runs and fresh clones start at once;
#   3. a build from Go modules. This machine kind reaches the Go module proxy but not get.pulumi.com.
#      The CLI's go.mod has `replace` directives that `go install pkg@version` refuses, so we build
#      from a throw-away module that requires the CLI package, as Pulumi's own repos do.
#
# Versions: the CLI at the version of the installed @pulumi/pulumi SDK when the proxy serves it,
# otherwise PULUMI_CLI_FALLBACK_VERSION (newer CLIs run older SDKs' programs). The Node.js language
# host has been its own Go module since v3.69, and the proxy reachable here serves none of its
# versions; up to v3.68.0 it was a package of github.com/pulumi/pulumi/sdk/v3, which is served, so
# that is the fallback. The end-to-end tests (`make test`) exercise exactly this combination.
set -euo pipefail

PULUMI_CLI_FALLBACK_VERSION=3.274.1
LANGUAGE_HOST_FALLBACK_SDK_VERSION=3.68.0
# The YAML language host (programs of the native plugin's tests): its own Go module, served by the
# proxy and installable with `go install` (its go.mod has no replace directives).
YAML_HOST_VERSION=1.25.0
# The Python language host (the native plugin's Python SDK test): like the Node.js host, its own
# module since v3.69 and not served here, so the one inside sdk/v3@v3.68.0. It runs programs through
# the `pulumi-language-python-exec` script beside it, which that module ships in sdk/python/cmd.
PYTHON_HOST_SDK_VERSION=3.68.0

root=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "install-pulumi: $*" >&2; }

hosts=()
for host; do
  case $host in
    yaml | python) hosts+=("$host") ;;
    *)
      log "unknown language host '$host': name yaml and/or python (the Node.js host always comes)"
      exit 2
      ;;
  esac
done

cache_root="${WAAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi}"

new_build_module() { # new_build_module DIR: an empty throw-away Go module
  rm -rf "$1" && mkdir -p "$1"
  printf 'module pulumi-waapi/build\n\ngo 1.24\n' >"$1/go.mod"
}

# build_into BIN DIR MODULE VERSION PACKAGE: `go install` PACKAGE of MODULE@vVERSION into BIN, from a
# throw-away module in DIR that requires it (the way around `replace` directives in MODULE's go.mod).
build_into() {
  new_build_module "$2"
  (
    cd "$2"
    export GOFLAGS="${GOFLAGS:-} -mod=mod"
    go get "$3@v$4" >&2
    GOBIN="$1" go install -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$4" "$5" >&2
  )
}

# ensure_tools DIR NAME MAKE FILE…: put the FILEs into DIR (a cached CLI build of ours) from the cache
# folder NAME/bin, which `MAKE OUT_DIR WORK_DIR` fills once.
ensure_tools() {
  local dir=$1 name=$2 make=$3 file missing=""
  shift 3
  for file; do [ -x "$dir/$file" ] || missing=1; done
  [ -z "$missing" ] && return 0
  local built="$cache_root/$name/bin"
  if [ ! -x "$built/$1" ]; then
    command -v go >/dev/null 2>&1 || {
      log "no Go toolchain to build $name"
      return 1
    }
    log "building $name into $built (first run only; a few minutes)"
    rm -rf "$built.partial" && mkdir -p "$built.partial"
    "$make" "$built.partial" "$cache_root/$name/build"
    rm -rf "$built" "$cache_root/$name/build" && mv "$built.partial" "$built"
  fi
  for file; do cp "$built/$file" "$dir/"; done
}

make_yaml_host() { # its go.mod has no replace directives: a plain `go install` does
  GOBIN="$1" go install -trimpath -ldflags "-s -w" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$YAML_HOST_VERSION" >&2
}

make_python_host() { # the host, and the exec script it runs programs with (beside it, in the module)
  build_into "$1" "$2" github.com/pulumi/pulumi/sdk/v3 "$PYTHON_HOST_SDK_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
  install -m 755 "$(cd "$2" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec" "$1/"
}

# ensure_language_hosts DIR: the hosts asked for, beside the CLI in DIR.
ensure_language_hosts() {
  local host
  for host in ${hosts[@]+"${hosts[@]}"}; do
    case $host in
      yaml) ensure_tools "$1" "language-yaml-v$YAML_HOST_VERSION" make_yaml_host pulumi-language-yaml ;;
      python)
        ensure_tools "$1" "language-python-v$PYTHON_HOST_SDK_VERSION" make_python_host \
          pulumi-language-python pulumi-language-python-exec
        ;;
    esac
  done
}

if [ -z "${WAAPI_FORCE_PULUMI_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  existing=$(dirname "$(command -v pulumi)")
  if [ -x "$existing/pulumi-language-nodejs" ]; then
    # The official installer ships pulumi-language-yaml and -python beside pulumi; a bare CLI lacks them.
    for host in ${hosts[@]+"${hosts[@]}"}; do
      [ -x "$existing/pulumi-language-$host" ] || log "no pulumi-language-$host beside $existing/pulumi: $host programs will not run"
    done
    echo "$existing"
    exit 0
  fi
fi

dynamic_provider_plugin="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ ! -f "$dynamic_provider_plugin" ]; then
  log "node_modules/@pulumi/pulumi is missing: run 'npm ci' first"
  exit 1
fi
sdk_version=$(node -p "require('$root/node_modules/@pulumi/pulumi/package.json').version")

served() { # served MODULE VERSION: does the module proxy serve this version's source?
  (cd "$1" && GOFLAGS=-mod=mod go mod download "$2@v$3" >/dev/null 2>&1)
}

# Reuse a finished build for this SDK version, whichever CLI version it settled on.
for candidate in "$cache_root"/sdk-"$sdk_version"-*/bin; do
  if [ -x "$candidate/pulumi" ] && [ -x "$candidate/pulumi-language-nodejs" ]; then
    cp "$dynamic_provider_plugin" "$candidate/"
    ensure_language_hosts "$candidate"
    echo "$candidate"
    exit 0
  fi
done

command -v go >/dev/null 2>&1 || {
  log "no pulumi on PATH, and no Go toolchain to build one: install the Pulumi CLI (https://www.pulumi.com/docs/install/)"
  exit 1
}
mkdir -p "$cache_root"
probe="$cache_root/probe"
new_build_module "$probe"

cli_version=$sdk_version
if ! served "$probe" github.com/pulumi/pulumi/pkg/v3 "$cli_version"; then
  log "the Go module proxy does not serve pkg/v3@v$cli_version; using v$PULUMI_CLI_FALLBACK_VERSION"
  cli_version=$PULUMI_CLI_FALLBACK_VERSION
fi
host_module=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
host_package=$host_module
host_version=$cli_version
if ! served "$probe" "$host_module" "$host_version"; then
  log "the Go module proxy does not serve $host_module; using the language host of sdk/v3@v$LANGUAGE_HOST_FALLBACK_SDK_VERSION"
  host_module=github.com/pulumi/pulumi/sdk/v3
  host_package=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  host_version=$LANGUAGE_HOST_FALLBACK_SDK_VERSION
fi

target="$cache_root/sdk-$sdk_version-cli-$cli_version"
log "building pulumi v$cli_version and pulumi-language-nodejs v$host_version into $target (first run only; a few minutes)"
staging="$target/bin.partial"
rm -rf "$staging" && mkdir -p "$staging"

build_into "$staging" "$target/build-cli" github.com/pulumi/pulumi/pkg/v3 "$cli_version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
build_into "$staging" "$target/build-language-host" "$host_module" "$host_version" "$host_package"
cp "$dynamic_provider_plugin" "$staging/"
ensure_language_hosts "$staging"
# Publish only a complete build, so an interrupted one is never mistaken for a cache hit.
rm -rf "$target/bin" "$target/build-cli" "$target/build-language-host" "$probe"
mv "$staging" "$target/bin"
log "built $("$target/bin/pulumi" version)"
echo "$target/bin"
