#!/usr/bin/env bash
# `make demo`: deploy the root Pulumi.yaml program (index.ts) against a local WAAPI sandbox, offline.
# Safe to run again: the sandbox keeps its instances in .sandbox/sandbox.json and the stack lives in
# .pulumi-state/, so a second run finds everything in place and changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-waapi-demo}" # a local demo's passphrase, not a secret
export PULUMI_SKIP_UPDATE_CHECK=true
stack=demo
port="${WAAPI_SANDBOX_PORT:-8787}"
token="${WAAPI_SANDBOX_TOKEN:-sandbox-demo-token}"
base_url="http://127.0.0.1:$port/api/v1"
mkdir -p .pulumi-state .sandbox

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if curl -s -o /dev/null "$base_url/instances"; then
  echo "Something already listens on port $port (a 'make sandbox' still running?). Stop it, or set WAAPI_SANDBOX_PORT." >&2
  exit 1
fi
say "Starting the WAAPI sandbox on $base_url (data: .sandbox/sandbox.json)"
# The token goes through the environment, not the command line, where `ps` would show it.
WAAPI_SANDBOX_TOKEN="$token" node dist/sandbox/cli.js --port "$port" --data .sandbox/sandbox.json >.sandbox/sandbox.log 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
# Asked quietly until it answers (a refused connection is expected while it starts); 10 s at most.
ready=""
for _ in $(seq 1 100); do
  if curl -fs -o /dev/null -H "Authorization: Bearer $token" -H "Accept: application/json" "$base_url/instances"; then
    ready=1
    break
  fi
  kill -0 "$sandbox_pid" 2>/dev/null || { cat .sandbox/sandbox.log; exit 1; }
  sleep 0.1
done
[ -n "$ready" ] || {
  echo "The sandbox did not answer on $base_url within 10 s; its log (.sandbox/sandbox.log):" >&2
  cat .sandbox/sandbox.log >&2
  exit 1
}

say "Selecting stack '$stack' (local file backend: .pulumi-state/)"
pulumi stack select --create "$stack" --non-interactive
pulumi config set waapi:baseUrl "$base_url"
# The token goes into the stack config encrypted; it is never echoed.
printf '%s' "$token" | pulumi config set --secret waapi:apiToken

say "pulumi up"
pulumi up --yes --non-interactive --skip-preview

say "Stack outputs"
pulumi stack output

say "pulumi preview --expect-no-changes (the live instances match the program)"
pulumi preview --refresh --expect-no-changes --non-interactive

say "What the sandbox holds"
curl -fsS -H "Authorization: Bearer $token" -H "Accept: application/json" "$base_url/instances" | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  for (const i of JSON.parse(s).instances) console.log(`  #${i.id} ${i.name}  ${i.webhook_url}  [${i.webhook_events.join(", ")}]`);
});'

cat <<EOT

Done. The stack '$stack' is recorded in .pulumi-state/ and the sandbox's instances in .sandbox/sandbox.json.
- Run it again: make demo (nothing changes the second time).
- Drive it by hand: 'make sandbox' in one terminal; in another:
    export PULUMI_BACKEND_URL=file://$PWD/.pulumi-state PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE
    export PATH="\$(make -s pulumi):\$PATH"
    pulumi preview        # or: pulumi refresh, pulumi destroy --yes
- Point the same program at the real waapi.app:
    pulumi stack init prod
    pulumi config set --secret waapi:apiToken   # paste a token from "User API Tokens"; leave waapi:baseUrl unset
    pulumi up
EOT
