#!/usr/bin/env bash
# Writes the native plugin's SDKs from provider/native/schema.json, with the Go program in
# scripts/gen-sdk (pkg/v3's codegen, the library `pulumi package gen-sdk`'s language hosts use; see its
# main.go for why not `gen-sdk` itself). The program is built once per version of its sources into the
# cache, so later runs and fresh clones on the same machine start at once.
#
#   scripts/gen-sdk.sh                       # every SDK into sdk/<language> (what `npm run sdk` runs)
#   scripts/gen-sdk.sh python OUT_DIR        # one SDK (nodejs, python, go or java) into OUT_DIR
#   scripts/gen-sdk.sh --build               # only build the generator (`make test` does, before the tests)
set -euo pipefail

# The SDKs `npm run sdk` writes and the repository commits (tests/sdk.test.ts checks each against the schema).
LANGUAGES=(nodejs python go java)

[ $# -eq 0 ] || [ $# -eq 2 ] || [ "${1:-}" = --build ] || {
  echo "usage: scripts/gen-sdk.sh [nodejs|python|go|java OUT_DIR], or scripts/gen-sdk.sh --build" >&2
  exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
source_dir="$root/scripts/gen-sdk"
cache_root="${WAAPI_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-waapi}"

command -v go >/dev/null 2>&1 || {
  echo "gen-sdk: no Go toolchain; it builds scripts/gen-sdk (install Go 1.24 or newer)" >&2
  exit 1
}
key=$( (cat "$source_dir/go.mod" "$source_dir/go.sum" "$source_dir/main.go" && go env GOVERSION) | sha256sum | cut -c1-16)
binary="$cache_root/gen-sdk-$key/gen-sdk"
if [ ! -x "$binary" ]; then
  echo "gen-sdk: building scripts/gen-sdk into $(dirname "$binary") (first run only; about a minute)" >&2
  mkdir -p "$(dirname "$binary")"
  (cd "$source_dir" && go build -trimpath -ldflags "-s -w" -o "$binary.partial" .)
  mv "$binary.partial" "$binary"
fi
[ "${1:-}" = --build ] && exit 0
if [ $# -eq 2 ]; then
  exec "$binary" -schema "$root/provider/native/schema.json" -language "$1" -out "$2"
fi
for language in "${LANGUAGES[@]}"; do
  "$binary" -schema "$root/provider/native/schema.json" -language "$language" -out "$root/sdk/$language"
  echo "gen-sdk: sdk/$language written"
done
