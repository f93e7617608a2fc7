/** Command-line parsing for `waapi-sandbox`, kept apart from the bin so it can be tested without a process. */
import { parseArgs } from "node:util";

export const USAGE = `Usage: waapi-sandbox [options]

A local emulator of the WAAPI (waapi.app) instance API, for tests and local Pulumi runs.

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port to listen on; 0 picks a free one (default: $WAAPI_SANDBOX_PORT, else 8787)
  --data FILE            keep the state in FILE (JSON, rewritten atomically after every change;
                         tokens are stored only as SHA-256 hashes)
  --token VALUE          register VALUE as an all-permission API token of the default account
                         (idempotent across restarts with --data); default: $WAAPI_SANDBOX_TOKEN;
                         without either, a token is generated and printed once
  --instance-limit N     instance limit of the default account when it is created (default 10)
  --owner EMAIL          owner e-mail of the default account when it is created
  --retrieve-shape S     "instances" (documented, default) or "instance": how GET /instances/{id} answers
  --rate-limit N         answer 429 (with Retry-After) beyond N API requests a minute, evenly spaced
  --rate-burst B         with --rate-limit: up to B requests at once after a quiet spell (default 2)
  --latency-ms MS        add MS milliseconds before every API answer, like a distant server (default 0)
  --boot-delay-ms MS     a new (or rebooted) client shows its QR code after MS milliseconds (default 1000)
  --qr-rotation-ms MS    a new QR code every MS milliseconds while waiting to be linked (default 20000)
  --ready-delay-ms MS    a scanned client is ready MS milliseconds after authenticating (default 500)
  --log                  log every request (never headers or tokens) to stdout
  -h, --help             show this help

API:   <url>/api/v1/instances …  (Authorization: Bearer <token>, Accept: application/json)
Hooks: <url>/__sandbox/…  test hooks (accounts, tokens, drift, linked clients, faults, request log, reset).
       The hooks take NO authentication: the sandbox is a local test tool. Keep it on loopback.`;

export interface CliConfig {
  host: string;
  port: number;
  dataFile?: string;
  /** From --token or WAAPI_SANDBOX_TOKEN; undefined: generate one. */
  token?: string;
  instanceLimit?: number;
  owner?: string;
  retrieveShape: "instances" | "instance";
  logger: boolean;
  rateLimit?: { requestsPerMinute: number; burst: number };
  latencyMs?: number;
  clientTiming?: { bootDelayMs?: number; qrRotationMs?: number; readyDelayMs?: number };
}

export type CliCommand = { kind: "help" } | { kind: "run"; config: CliConfig };

/** `source` names where the value came from, e.g. `--port` or `WAAPI_SANDBOX_PORT`. */
function integerOption(value: string, source: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < min || n > max)
    throw new Error(`${source} must be an integer from ${min} to ${max}`);
  return n;
}

/** The port from --port, else from WAAPI_SANDBOX_PORT (as `make demo` reads it), else 8787. */
function portOption(flag: string | undefined, fromEnvironment: string | undefined): number {
  if (flag !== undefined) return integerOption(flag, "--port", 0, 65535);
  if (fromEnvironment !== undefined) return integerOption(fromEnvironment, "WAAPI_SANDBOX_PORT", 0, 65535);
  return 8787;
}

/** Throws an Error with a one-line reason for bad arguments. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      data: { type: "string" },
      token: { type: "string" },
      "instance-limit": { type: "string" },
      owner: { type: "string" },
      "retrieve-shape": { type: "string" },
      "rate-limit": { type: "string" },
      "rate-burst": { type: "string" },
      "latency-ms": { type: "string" },
      "boot-delay-ms": { type: "string" },
      "qr-rotation-ms": { type: "string" },
      "ready-delay-ms": { type: "string" },
      log: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { kind: "help" };
  if (positionals.length > 0) throw new Error(`unexpected argument: ${positionals[0] ?? ""}`);
  const shape = values["retrieve-shape"] ?? "instances";
  if (shape !== "instances" && shape !== "instance")
    throw new Error('--retrieve-shape must be "instances" or "instance"');
  const token = values.token ?? env.WAAPI_SANDBOX_TOKEN;
  if (token !== undefined && !/^\S+$/.test(token))
    throw new Error("the token must be non-empty and without spaces");
  const config: CliConfig = {
    host: values.host ?? "127.0.0.1",
    port: portOption(values.port, env.WAAPI_SANDBOX_PORT),
    retrieveShape: shape,
    logger: values.log ?? false,
  };
  if (values.data !== undefined) config.dataFile = values.data;
  if (token !== undefined) config.token = token;
  if (values["instance-limit"] !== undefined) {
    config.instanceLimit = integerOption(values["instance-limit"], "--instance-limit", 0, 1_000_000);
  }
  if (values.owner !== undefined) config.owner = values.owner;
  if (values["rate-limit"] !== undefined) {
    config.rateLimit = {
      requestsPerMinute: integerOption(values["rate-limit"], "--rate-limit", 1, 1_000_000),
      burst:
        values["rate-burst"] === undefined
          ? 2
          : integerOption(values["rate-burst"], "--rate-burst", 1, 1_000_000),
    };
  } else if (values["rate-burst"] !== undefined) throw new Error("--rate-burst needs --rate-limit");
  if (values["latency-ms"] !== undefined) {
    config.latencyMs = integerOption(values["latency-ms"], "--latency-ms", 0, 60_000);
  }
  const timing: NonNullable<CliConfig["clientTiming"]> = {};
  for (const [flag, key] of [
    ["boot-delay-ms", "bootDelayMs"],
    ["qr-rotation-ms", "qrRotationMs"],
    ["ready-delay-ms", "readyDelayMs"],
  ] as const) {
    const value = values[flag];
    if (value !== undefined) timing[key] = integerOption(value, `--${flag}`, 0, 86_400_000);
  }
  if (Object.keys(timing).length > 0) config.clientTiming = timing;
  return { kind: "run", config };
}
