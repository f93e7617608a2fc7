#!/usr/bin/env bash
# What a provider user's install costs: for each packed tarball given, installs it with @pulumi/pulumi
# into a fresh program (as the README's "Install" section does), ROUNDS times, interleaved, so that
# every tarball sees the same machine load and the same warm npm cache; prints one line per run.
#   scripts/measure-install.sh OLD.tgz NEW.tgz        (ROUNDS=2 by default; the first round warms the cache)
set -euo pipefail
rounds="${ROUNDS:-2}"
tarballs=()
for tarball in "$@"; do tarballs+=("$(realpath "$tarball")"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for tarball in "${tarballs[@]}"; do
    program=$(mktemp -d "$work/program-XXXX")
    echo '{"name":"measure-install","private":true}' >"$program/package.json"
    start=$(date +%s.%N)
    (cd "$program" && npm install --no-audit --no-fund "$tarball" @pulumi/pulumi >npm.log 2>&1)
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    printf '%s round %s: %.1f s, node_modules %s, %s, fastify: %s, EBADENGINE for: %s\n' \
      "$(basename "$(dirname "$tarball")")/$(basename "$tarball")" "$round" "$seconds" \
      "$(du -sh "$program/node_modules" | cut -f1)" "$(grep -o 'added [0-9]* packages' "$program/npm.log")" \
      "$(test -d "$program/node_modules/fastify" && echo yes || echo no)" \
      "$(grep -o "package: '[^']*'" "$program/npm.log" | sort -u | tr '\n' ' ')"
  done
done
