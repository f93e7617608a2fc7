#!/usr/bin/env bash
# A Python virtual environment with Pulumi's Python SDK (the PyPI `pulumi` package, pinned) and the
# native plugin's generated Python SDK (sdk/python), for Python programs in the tests; prints its
# folder. Made once per Python, pin and SDK content, in the cache outside the repo, so later runs
# start at once and a changed sdk/python gets a new one.
#
# The pin: the newest `pulumi` on PyPI when this was written. sdk/python asks for >=3.269.0 (what
# pkg/v3@v3.274.1's codegen writes); it runs under the Python language host that
# scripts/install-pulumi.sh builds (v3.68.0, whose exec script calls only long-standing runtime APIs)
# and CLI 3.274.1 — which tests/e2e/python-program.test.ts checks.
set -euo pipefail

PULUMI_PYTHON_SDK_VERSION=3.272.0

root=$(cd "$(dirname "$0")/.." && pwd)
cache_root="${WAAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi}"
python="${WAAPI_PYTHON:-python3}"
log() { echo "install-python-sdk: $*" >&2; }

command -v "$python" >/dev/null 2>&1 || {
  log "no $python: install Python 3.9 or newer (or set WAAPI_PYTHON)"
  exit 1
}
sdk_digest=$(cd "$root/sdk/python" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
key=$( (echo "$PULUMI_PYTHON_SDK_VERSION" && "$python" --version && echo "$sdk_digest") | sha256sum | cut -c1-16)
venv="$cache_root/python-sdk-$key"

# A venv's scripts name its folder, so it is made in place; the marker says it is complete.
if [ ! -f "$venv/.complete" ]; then
  log "making $venv: pulumi==$PULUMI_PYTHON_SDK_VERSION and sdk/python from PyPI (first run only)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  # pip builds a local folder in place: build from a copy, so sdk/python stays as generated.
  source_copy=$(mktemp -d)
  trap 'rm -rf "$source_copy"' EXIT
  cp -R "$root/sdk/python/." "$source_copy/"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pulumi==$PULUMI_PYTHON_SDK_VERSION" "$source_copy" >&2
  touch "$venv/.complete"
fi
echo "$venv"
