#!/usr/bin/env bash
# `make release`: every artifact of a release, into one folder (default release/, emptied first):
#   pulumi-waapi-<version>.tgz                           the npm package (`npm pack`)
#   pulumi-resource-waapi-v<version>-<os>-<arch>.tar.gz  the plugin, five platforms (scripts/pack-plugin.cjs)
#   pulumi-resource-waapi-v<version>-checksums.txt       their SHA-256 sums
#   pulumi_waapi-<version>.tar.gz, pulumi_waapi-<version>-py3-none-any.whl   the Python SDK
#   go/                                                  the Go SDK tree
# The SDKs come from provider/native/schema.json through scripts/gen-sdk.sh, as `npm run sdk` makes
# them. No .NET package yet: no .NET SDK can be installed on the machines this is built and tested on
# (Debian ships none, and .NET's own downloads are out of reach).
# Run after `make build` (make release does). docs/releasing.md says how a maintainer cuts a release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/release}" && cd "${1:-$root/release}" && pwd)
cache_root="${WAAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi}"
python="${WAAPI_PYTHON:-python3}"
log() { echo "release: $*" >&2; }
# The Python build front end and backend, pinned (sdk/python's pyproject asks setuptools>=61).
PYTHON_BUILD=(build==1.6.1 setuptools==84.2.1)

[ -f "$root/dist/provider/native/main.js" ] || {
  log "dist/ is missing: run 'make build' first"
  exit 1
}
version=$(node -p "require('$root/package.json').version")
find "$out" -mindepth 1 -delete
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "npm package"
# dist/ is built (make release depends on make build): no second build through `prepare`.
(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$out" >/dev/null)

log "plugin archives"
node "$root/scripts/pack-plugin.cjs" "$out" >/dev/null

log "Go SDK"
"$root/scripts/gen-sdk.sh" go "$out/go"

log "Python SDK"
# A virtual environment with the build tools, made once per Python and pin in the cache.
key=$( (echo "${PYTHON_BUILD[*]}" && "$python" --version) | sha256sum | cut -c1-16)
builder="$cache_root/python-build-$key"
if [ ! -f "$builder/.complete" ]; then
  log "making $builder: ${PYTHON_BUILD[*]} from PyPI (first run only)"
  rm -rf "$builder"
  "$python" -m venv "$builder"
  "$builder/bin/python" -m pip install --quiet --disable-pip-version-check "${PYTHON_BUILD[@]}" >&2
  touch "$builder/.complete"
fi
"$root/scripts/gen-sdk.sh" python "$work/python"
# The generated SDK names a README.md that the generator does not write: the package's own page.
homepage=$(node -p "require('$root/package.json').homepage")
[ -f "$work/python/README.md" ] || printf '# pulumi_waapi\n\nThe Pulumi provider for WhatsApp gateway instances on waapi.app: %s\n' "$homepage" >"$work/python/README.md"
"$builder/bin/python" -m build --no-isolation --sdist --wheel --outdir "$out" "$work/python" >"$work/python-build.log" 2>&1 || {
  cat "$work/python-build.log" >&2
  exit 1
}

(cd "$out" && ls -1p) >&2
echo "$out"
