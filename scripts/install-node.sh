#!/usr/bin/env bash
# Makes a Node.js of the given major version available and prints its bin directory, to put first on
# PATH (`make test-node NODE=26`). The npm registry serves Node's official Linux builds as the package
# `node-linux-<arch>` (the binary at bin/node); the newest <major>.x is unpacked once into
# ~/.cache/pulumi-waapi/node-<version>, outside the repo, so later runs and fresh clones start at once.
#
#   scripts/install-node.sh 26     → e.g. /root/.cache/pulumi-waapi/node-26.12.1/bin
#
# Without the registry (offline), the newest cached build of that major is used.
set -euo pipefail

major=${1:?usage: scripts/install-node.sh <major version, e.g. 26>}
[[ $major =~ ^[0-9]+$ ]] || { echo "install-node: not a major version: $major" >&2; exit 2; }
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi
log() { echo "install-node: $*" >&2; }

case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) log "no node-linux package for $(uname -m)"; exit 1 ;;
esac
package=node-linux-$arch

# The newest <major>.x the registry has (its list is not in version order).
newest() {
  node -e '
    const versions = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
    const key = (v) => v.split(".").map(Number);
    versions.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(versions.at(-1) ?? "");
  '
}

if version=$(npm view "$package@$major" version --json 2>/dev/null | newest) && [[ -n $version ]]; then
  dir=$cache/node-$version
else
  dir=$(find "$cache" -maxdepth 1 -type d -name "node-$major.*" 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir ]] || { log "cannot reach the npm registry and no Node.js $major is cached"; exit 1; }
  version=${dir##*/node-}
  log "registry unreachable: using the cached Node.js $version"
fi

if [[ ! -x $dir/bin/node ]]; then
  log "downloading $package@$version"
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/.node-$version.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (cd "$staging" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$staging"/*.tgz -C "$staging"
  chmod +x "$staging/package/bin/node"
  [[ $("$staging/package/bin/node" --version) == "v$version" ]] || { log "the unpacked node is not $version"; exit 1; }
  # Renamed into place whole, so an interrupted download never leaves a half-unpacked cache entry.
  mv "$staging/package" "$dir" 2>/dev/null || [[ -x $dir/bin/node ]]
fi
echo "$dir/bin"
