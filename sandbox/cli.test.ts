/**
 * The `waapi-sandbox` bin: argument parsing in-process, and the built bin (dist/sandbox/cli.js, from
 * `npm run build`) as a real child process that starts, answers, and stops cleanly on SIGTERM/SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCli } from "./cli-args";

describe("argument parsing", () => {
  test("defaults", () => {
    expect(parseCli([], {})).toEqual({
      kind: "run",
      config: { host: "127.0.0.1", port: 8787, retrieveShape: "instances", logger: false },
    });
  });

  test("all options; --token wins over WAAPI_SANDBOX_TOKEN", () => {
    const argv = [
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--data",
      "s.json",
      "--token",
      "t1",
      "--instance-limit",
      "3",
    ];
    const more = ["--owner", "me@example.com", "--retrieve-shape", "instance", "--log", "--latency-ms", "50"];
    expect(parseCli([...argv, ...more], { WAAPI_SANDBOX_TOKEN: "t2" })).toEqual({
      kind: "run",
      config: {
        host: "0.0.0.0",
        port: 0,
        dataFile: "s.json",
        token: "t1",
        instanceLimit: 3,
        owner: "me@example.com",
        retrieveShape: "instance",
        logger: true,
        latencyMs: 50,
      },
    });
  });

  test("the linked-client timing flags", () => {
    expect(
      parseCli(["--boot-delay-ms", "0", "--qr-rotation-ms", "5000", "--ready-delay-ms", "20"], {}),
    ).toMatchObject({
      config: { clientTiming: { bootDelayMs: 0, qrRotationMs: 5000, readyDelayMs: 20 } },
    });
    expect(parseCli([], {})).not.toHaveProperty(["config", "clientTiming"]);
    expect(() => parseCli(["--qr-rotation-ms", "soon"], {})).toThrow(/--qr-rotation-ms/);
    expect(() => parseCli(["--boot-delay-ms", "-5"], {})).toThrow(/--boot-delay-ms/);
  });

  test("WAAPI_SANDBOX_TOKEN is the default token", () => {
    expect(parseCli([], { WAAPI_SANDBOX_TOKEN: "from-env" })).toMatchObject({
      config: { token: "from-env" },
    });
  });

  test("WAAPI_SANDBOX_PORT is the default port; --port wins; a bad one is named", () => {
    expect(parseCli([], { WAAPI_SANDBOX_PORT: "0" })).toMatchObject({ config: { port: 0 } });
    expect(parseCli(["--port", "9000"], { WAAPI_SANDBOX_PORT: "0" })).toMatchObject({
      config: { port: 9000 },
    });
    expect(() => parseCli([], { WAAPI_SANDBOX_PORT: "http" })).toThrow(/WAAPI_SANDBOX_PORT must be/);
  });

  test("--help, and readable errors for bad arguments", () => {
    expect(parseCli(["--help"], {})).toEqual({ kind: "help" });
    expect(parseCli(["-h"], {})).toEqual({ kind: "help" });
    expect(() => parseCli(["--port", "http"], {})).toThrow(/--port/);
    expect(() => parseCli(["--port", "70000"], {})).toThrow(/--port/);
    expect(() => parseCli(["--instance-limit", "-1"], {})).toThrow(/instance-limit/);
    expect(() => parseCli(["--retrieve-shape", "list"], {})).toThrow(/retrieve-shape/);
    expect(() => parseCli(["--latency-ms", "fast"], {})).toThrow(/--latency-ms/);
    expect(() => parseCli(["--frobnicate"], {})).toThrow(/frobnicate/);
    expect(() => parseCli(["extra"], {})).toThrow(/extra/);
    expect(() => parseCli(["--token", "a b"], {})).toThrow(/token/);
  });
});

const bin = path.resolve(process.cwd(), "dist", "sandbox", "cli.js");
const built = fs.existsSync(bin);

/** The bin must not be older than the sources it is built from, or this would test stale code. */
function staleOutputs(): string[] {
  const sources = fs
    .readdirSync(path.resolve(process.cwd(), "sandbox"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"));
  return sources.filter((f) => {
    const out = path.resolve(process.cwd(), "dist", "sandbox", f.replace(/\.ts$/, ".js"));
    const src = path.resolve(process.cwd(), "sandbox", f);
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs;
  });
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];

function run(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(running: Running, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = running.output().match(pattern);
    if (match) return match;
    if (Date.now() > until || running.child.exitCode !== null) {
      throw new Error(`no ${String(pattern)} in the bin's output:\n${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("the built bin", () => {
  beforeAll(() => {
    // A missing build fails here rather than skipping: `make test` builds before testing.
    if (!built) throw new Error(`${bin} is not built: run "npm run build" (make test does)`);
  });

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "waapi-sandbox-cli-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("dist is up to date with the sources", () => {
    expect(staleOutputs()).toEqual([]);
  });

  test("starts with a given token, prints the base URL but never the token, answers, exits 0 on SIGTERM", async () => {
    const token = "cli-given-token-93f1";
    const dataFile = path.join(dir, "state.json");
    const running = run(["--port", "0", "--token", token, "--data", dataFile]);
    const [, baseUrl = ""] = await waitForOutput(running, /listening: (http:\/\/\S+\/api\/v1)\n/);
    const res = await fetch(`${baseUrl}/instances`, {
      method: "POST",
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.output()).not.toContain(token);
    expect(fs.readFileSync(dataFile, "utf8")).not.toContain(token);

    // Restarted from the data file with the same token (from the environment this time).
    const again = run(["--port", "0", "--data", dataFile], { WAAPI_SANDBOX_TOKEN: token });
    const [, url = ""] = await waitForOutput(again, /listening: (http:\/\/\S+\/api\/v1)\n/);
    const list = await fetch(`${url}/instances`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    expect(((await list.json()) as { instances: unknown[] }).instances).toHaveLength(1);
    again.child.kill("SIGINT");
    expect(await again.exited).toBe(0);
    const state = JSON.parse(fs.readFileSync(dataFile, "utf8")) as { tokens: unknown[] };
    expect(state.tokens).toHaveLength(1);
  });

  test("without a token it generates one and prints it once", async () => {
    const running = run(["--port", "0"]);
    const [, token = ""] = await waitForOutput(
      running,
      /API token \(all permissions; shown only now\): (\S+)\n/,
    );
    const [, baseUrl = ""] = await waitForOutput(running, /listening: (http:\/\/\S+\/api\/v1)\n/);
    const res = await fetch(`${baseUrl}/instances`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(running.output().split(token)).toHaveLength(2);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
  });

  test("--help says the hooks take no authentication; bad arguments exit 2", async () => {
    const help = run(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/Usage: waapi-sandbox/);
    expect(help.output()).toMatch(/NO authentication/);
    const bad = run(["--port", "nope"]);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/--port must be/);
  });
});
