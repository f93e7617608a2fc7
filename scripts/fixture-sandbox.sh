# Sourced by the fixture scripts (make-compat-fixture.sh, make-native-state-fixture.sh): a work folder
# removed on exit, and the sandbox of the release being recorded, started from its own build.

work=$(mktemp -d)
sandbox_pid=
cleanup() {
  [[ -z $sandbox_pid ]] || kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_sandbox <release folder> <token prefix>: that release's sandbox on a free port, with its state
# in $work/sandbox-state.json and a fresh throwaway token; sets token and base_url.
start_sandbox() {
  token=$2-$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
  WAAPI_SANDBOX_TOKEN=$token node "$1/dist/sandbox/cli.js" --port 0 --data "$work/sandbox-state.json" \
    >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  base_url=
  for _ in $(seq 100); do
    base_url=$(sed -n 's/^WAAPI sandbox listening: //p' "$work/sandbox.log")
    [[ -n $base_url ]] && break
    sleep 0.1
  done
  [[ -n $base_url ]] || { cat "$work/sandbox.log" >&2; exit 1; }
}

# served_instances: the sandbox's accounts and instances (no tokens), as a fixture's sandbox.json.
served_instances() {
  node -e '
    const { accounts, instances, nextInstanceId } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(JSON.stringify({ accounts, instances, nextInstanceId }, null, 2));
  ' "$work/sandbox-state.json"
}
