#!/usr/bin/env bash
# Builds the native plugin's archive for programs without npm:
#   pulumi plugin install resource waapi <version> --file pulumi-resource-waapi-v<version>-<os>-<arch>.tar.gz
# The archive holds the compiled provider (dist/provider), the few packages the plugin loads
# (@grpc/grpc-js, google-protobuf, got, and @pulumi/pulumi's generated protocol stubs only), and a
# `pulumi-resource-waapi` launcher at its root, where the engine looks. It needs Node.js 20.19+ on PATH.
# Prints the archive's path. Run `npm run build` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${1:-$root/plugin-archive}"
[ -f "$root/dist/provider/native/main.js" ] || {
  echo "pack-plugin: dist/ is missing: run 'npm run build' first" >&2
  exit 1
}
version=$(node -p "require('$root/package.json').version")
platform=$(node -p "({ linux: 'linux', darwin: 'darwin', win32: 'windows' })[process.platform]")
arch=$(node -p "({ x64: 'amd64', arm64: 'arm64' })[process.arch]")
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

mkdir -p "$staging/dist" "$staging/bin"
cp -R "$root/dist/provider" "$staging/dist/"
find "$staging/dist" -name '*.map' -delete
cp "$root/bin/pulumi-resource-waapi" "$staging/bin/"
# The plugin's own manifest: its version is what GetPluginInfo reports; its dependencies are only
# what dist/provider/native/main.js loads, at the versions this package depends on.
node -e '
  const root = require(process.argv[1] + "/package.json");
  const pick = (name) => [name, root.dependencies[name]];
  const manifest = {
    name: "pulumi-resource-waapi",
    version: root.version,
    private: true,
    license: root.license,
    dependencies: Object.fromEntries(["@grpc/grpc-js", "google-protobuf", "got"].map(pick)),
  };
  require("fs").writeFileSync(process.argv[2] + "/package.json", JSON.stringify(manifest, null, 2) + "\n");
' "$root" "$staging"
(cd "$staging" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --no-package-lock >&2)
# Of @pulumi/pulumi, only the generated gRPC stubs (they need nothing but the two packages above).
stubs="$staging/node_modules/@pulumi/pulumi"
mkdir -p "$stubs"
cp -R "$root/node_modules/@pulumi/pulumi/proto" "$stubs/"
node -e '
  const { name, version, license } = require(process.argv[1] + "/node_modules/@pulumi/pulumi/package.json");
  require("fs").writeFileSync(process.argv[2] + "/package.json", JSON.stringify({ name, version, license }) + "\n");
' "$root" "$stubs"
printf '#!/bin/sh\nexec node "$(dirname "$0")/bin/pulumi-resource-waapi" "$@"\n' >"$staging/pulumi-resource-waapi"
chmod +x "$staging/pulumi-resource-waapi" "$staging/bin/pulumi-resource-waapi"

mkdir -p "$out"
archive="$out/pulumi-resource-waapi-v$version-$platform-$arch.tar.gz"
tar -czf "$archive" -C "$staging" .
echo "$archive"
