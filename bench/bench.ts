/**
 * `make bench`: WaapiInstance stacks of N = 10, 50 and 200 through the real Pulumi CLI, against a
 * WAAPI sandbox that adds 50 ms to every answer, beside the two baselines that say what the figures
 * mean — measured in the same run, one operation after the other:
 *
 * - the no-op stack: the same N resources through a dynamic provider that does nothing (the engine's
 *   own cost; bench/program/index.ts, kind "noop");
 * - the floor: the same minimal requests made by a plain script, 8 at a time (bench/floor.ts).
 *
 * Every operation's requests are counted in the sandbox's log and must be exactly 2/0/1/1/1 per
 * instance (create/preview/refresh/update/destroy); the bench fails otherwise. It prints the table
 * and writes it, with the machine's description, to docs/benchmarks.md.
 *
 * Environment: BENCH_SIZES (default "10,50,200"), BENCH_CHECKPOINT_SIZE (the N of the
 * PULUMI_SKIP_CHECKPOINTS comparison, default the largest size; 0 skips it), BENCH_REPEATS (runs
 * per figure, whose median is reported; default 3), BENCH_CHECKPOINT_REPEATS (default BENCH_REPEATS),
 * BENCH_RENDER (a run's .json: write the page again from it, measuring nothing), BENCH_CPU_PROF (a
 * folder: every Node.js process the CLI starts writes a .cpuprofile there), BENCH_OUTPUT (default
 * docs/benchmarks.md), BENCH_NOTE (a sentence for the page on why this run differs from the default).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../sandbox";
import { FLOOR_PARALLELISM, Floor, type FloorOperation } from "./floor";
import { renderReport, type LoadSummary, type Measurement, type RunReport, type SizeReport } from "./report";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAM_DIR = path.join(ROOT, "bench", "program");
const LATENCY_MS = 50;
const PARALLEL = FLOOR_PARALLELISM;

export type Kind = "noop" | "waapi";
export type Operation = "create" | "preview" | "refresh" | "update" | "destroy";
export const OPERATIONS: readonly Operation[] = ["create", "preview", "refresh", "update", "destroy"];

/** The requests each operation must make per instance, by method (the no-op stack makes none). */
export const REQUESTS_PER_INSTANCE: Record<Operation, Partial<Record<string, number>>> = {
  create: { POST: 1, PUT: 1 },
  preview: {},
  refresh: { GET: 1 },
  update: { PUT: 1 },
  destroy: { DELETE: 1 },
};

/**
 * What WaapiInstance adds once per run: before its first POST, the provider process lists the
 * account's instances, to recognise an instance made by a POST whose answer was lost
 * (provider/instance/creation.ts). The floor does not.
 */
export const WAAPI_REQUESTS_PER_RUN: Record<Operation, Partial<Record<string, number>>> = {
  create: { GET: 1 },
  preview: {},
  refresh: {},
  update: {},
  destroy: {},
};

interface CliResult {
  ms: number;
  /**
   * CPU time (user + system) of the CLI and every process it started and reaped: the engine, the
   * language host, the program and the dynamic-provider host. Unlike wall-clock time it hardly moves
   * with the machine's load, so it shows where a wall-clock difference between the stacks comes from.
   */
  cpuMs: number;
  output: string;
}

/** Bash's `times` builtin, second line: the user and system time of the shell's reaped children. */
export function parseChildTimes(times: string): number {
  const line = times.trim().split("\n")[1] ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (parts.length !== 2) throw new Error(`unexpected output of bash's times: ${JSON.stringify(times)}`);
  return ((parts[0] ?? 0) + (parts[1] ?? 0)) * 1000;
}

// Runs pulumi under bash, whose `times` reports the CPU of the whole process tree once it exits; it
// writes to fd 3 so that it does not mix with the CLI's output.
const TIMED = '"$0" "$@"; status=$?; times >&3; exit $status';

function runPulumi(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["-c", TIMED, "pulumi", ...args, "--non-interactive"], {
      cwd: PROGRAM_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    const times: Buffer[] = [];
    const [, stdout, stderr, timesOut] = child.stdio;
    stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
    timesOut?.on("data", (chunk: Buffer) => times.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const output = Buffer.concat(chunks).toString("utf8");
      if (code !== 0) {
        reject(new Error(`pulumi ${args.join(" ")} exited ${String(code)}:\n${output.slice(-4000)}`));
        return;
      }
      try {
        resolve({ ms, cpuMs: parseChildTimes(Buffer.concat(times).toString("utf8")), output });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * A folder holding a `node` that runs the real one with `--cpu-prof` into `dir`: the language host
 * and the dynamic-provider host find node on PATH, and Node refuses --cpu-prof in NODE_OPTIONS.
 */
function profilingNode(dir: string): string {
  const bin = path.join(dir, ".bin");
  mkdirSync(bin, { recursive: true });
  // The engine stops the dynamic-provider host with a signal, and Node writes the profile only on exit.
  const onSignalExit = path.join(bin, "exit-on-signal.cjs");
  writeFileSync(
    onSignalExit,
    'for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(0));\n',
  );
  const node = JSON.stringify(process.execPath);
  const flags = `--cpu-prof --cpu-prof-dir=${JSON.stringify(dir)} --require ${JSON.stringify(onSignalExit)}`;
  writeFileSync(path.join(bin, "node"), `#!/bin/sh\nexec ${node} ${flags} "$@"\n`, { mode: 0o755 });
  return bin;
}

/** One stack of one kind and size, in its own file backend, configured like a user's. */
class BenchStack {
  private readonly stateDir = mkdtempSync(path.join(os.tmpdir(), "waapi-bench-state-"));
  readonly name: string;

  constructor(
    readonly kind: Kind,
    readonly count: number,
    round: number,
    private readonly sandbox: Sandbox,
    private readonly token: string,
    private readonly extraEnv: NodeJS.ProcessEnv,
  ) {
    this.name = `bench-${kind}-${count}-${round}-${process.pid}`;
  }

  env(operation: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      ...this.extraEnv,
    };
    // The bench's own token and URL come from the stack config, as the README tells users.
    delete env["WAAPI_API_TOKEN"];
    delete env["WAAPI_BASE_URL"];
    const profileDir = process.env["BENCH_CPU_PROF"];
    if (profileDir) {
      env["PATH"] =
        `${profilingNode(path.resolve(profileDir, `${this.kind}-${this.count}-${operation}`))}:${env["PATH"] ?? ""}`;
    }
    return env;
  }

  async init(): Promise<void> {
    const env = this.env("init");
    await runPulumi(["stack", "init", this.name], env);
    const set = (key: string, value: string, secret = false): Promise<CliResult> =>
      runPulumi(["config", "set", "--stack", this.name, ...(secret ? ["--secret"] : []), key, value], env);
    await set("kind", this.kind);
    await set("count", String(this.count));
    await set("generation", "0");
    await set("waapi:baseUrl", this.sandbox.baseUrl);
    await set("waapi:apiToken", this.token, true);
  }

  /** Runs one operation and returns its wall-clock and CPU time, checking the requests it made. */
  async run(operation: Operation): Promise<{ ms: number; cpuMs: number }> {
    const env = this.env(operation);
    const stack = ["--stack", this.name, "--parallel", String(PARALLEL)];
    if (operation === "update") {
      await runPulumi(["config", "set", "--stack", this.name, "generation", "1"], env);
    }
    this.sandbox.clearRequests();
    const args: Record<Operation, string[]> = {
      create: ["up", "--yes", "--skip-preview", ...stack],
      preview: ["preview", "--expect-no-changes", ...stack],
      refresh: ["refresh", "--yes", "--skip-preview", ...stack],
      update: ["up", "--yes", "--skip-preview", ...stack],
      destroy: ["destroy", "--yes", "--skip-preview", ...stack],
    };
    const { ms, cpuMs } = await runPulumi(args[operation], env);
    if (this.kind === "waapi") {
      assertRequests(`waapi ${operation} (N=${this.count})`, this.sandbox, operation, this.count, true);
    } else {
      assertRequests(`no-op ${operation} (N=${this.count})`, this.sandbox, operation, 0, false);
    }
    return { ms, cpuMs };
  }

  /** Bytes of the stack's checkpoint file in the file backend. */
  stateBytes(): number {
    const stacksDir = path.join(this.stateDir, ".pulumi", "stacks");
    const files = readdirSync(stacksDir, { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(`${this.name}.json`),
    );
    if (files.length !== 1 || files[0] === undefined) {
      throw new Error(`expected one checkpoint for ${this.name} in ${stacksDir}, found ${files.length}`);
    }
    return statSync(path.join(stacksDir, files[0])).size;
  }

  async remove(): Promise<void> {
    await runPulumi(["stack", "rm", "--yes", "--force", this.name], this.env("remove")).catch(
      () => undefined,
    );
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/**
 * Fails the bench unless the sandbox saw exactly `count` × the operation's requests per instance,
 * plus WaapiInstance's once-per-run requests when `perRun` (and there are instances).
 */
export function assertRequests(
  what: string,
  sandbox: Sandbox,
  operation: Operation,
  count: number,
  perRun: boolean,
): void {
  const seen: Record<string, number> = {};
  for (const request of sandbox.requests()) seen[request.method] = (seen[request.method] ?? 0) + 1;
  const expected: Record<string, number> = {};
  if (count > 0) {
    for (const [method, perInstance] of Object.entries(REQUESTS_PER_INSTANCE[operation])) {
      expected[method] = (expected[method] ?? 0) + (perInstance ?? 0) * count;
    }
    for (const [method, once] of Object.entries(perRun ? WAAPI_REQUESTS_PER_RUN[operation] : {})) {
      expected[method] = (expected[method] ?? 0) + (once ?? 0);
    }
  }
  const show = (counts: Record<string, number>): string => JSON.stringify(counts, Object.keys(counts).sort());
  if (show(seen) !== show(expected)) {
    throw new Error(`${what}: expected requests ${show(expected)}, the sandbox saw ${show(seen)}`);
  }
}

/**
 * The 1-minute load average, sampled every few seconds while the bench runs: the machine may be
 * shared, and the report shows how busy it was beside each size's figures.
 */
class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 5000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** How many samples so far: a mark to summarize from. */
  get mark(): number {
    return this.samples.length;
  }

  summary(from = 0): LoadSummary {
    this.sample();
    const taken = this.samples.slice(from);
    return {
      min: Math.min(...taken),
      median: median(taken),
      max: Math.max(...taken),
      samples: taken.length,
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples.push(os.loadavg()[0] ?? 0);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Runs every operation `repeats` times over fresh stacks and keeps each figure's median: on a shared
 * machine one run can land on a busy second.
 */
async function measureSize(
  count: number,
  sandbox: Sandbox,
  token: string,
  extraEnv: NodeJS.ProcessEnv,
  floor: Floor | undefined,
  repeats: number,
  load: LoadSampler,
): Promise<SizeReport> {
  const mark = load.mark;
  const rounds: SizeReport[] = [];
  for (let round = 0; round < repeats; round++) {
    rounds.push(await measureRound(count, round, sandbox, token, extraEnv, floor));
  }
  const first = rounds[0];
  if (!first) throw new Error("BENCH_REPEATS must be at least 1");
  return {
    count,
    rows: first.rows.map((row, i) => {
      const same = rounds.map((r) => r.rows[i] ?? row);
      return {
        ...row,
        noopMs: median(same.map((r) => r.noopMs)),
        waapiMs: median(same.map((r) => r.waapiMs)),
        noopCpuMs: median(same.map((r) => r.noopCpuMs ?? 0)),
        waapiCpuMs: median(same.map((r) => r.waapiCpuMs ?? 0)),
        floorMs: median(same.map((r) => r.floorMs)),
      };
    }),
    stateBytesPerInstance: first.stateBytesPerInstance,
    runs: rounds.map((r) => r.rows),
    load: load.summary(mark),
  };
}

/** Runs every operation once on both stacks of size `count`, alternating kinds, then the floor. */
async function measureRound(
  count: number,
  round: number,
  sandbox: Sandbox,
  token: string,
  extraEnv: NodeJS.ProcessEnv,
  floor: Floor | undefined,
): Promise<SizeReport> {
  const stacks = {
    noop: new BenchStack("noop", count, round, sandbox, token, extraEnv),
    waapi: new BenchStack("waapi", count, round, sandbox, token, extraEnv),
  };
  const rows: Measurement[] = [];
  const stateBytes = { noop: 0, waapi: 0 };
  try {
    await stacks.noop.init();
    await stacks.waapi.init();
    for (const operation of OPERATIONS) {
      const times = { noop: { ms: 0, cpuMs: 0 }, waapi: { ms: 0, cpuMs: 0 } };
      for (const kind of ["noop", "waapi"] as const) {
        times[kind] = await stacks[kind].run(operation);
        if (operation === "create") stateBytes[kind] = stacks[kind].stateBytes();
        const { ms, cpuMs } = times[kind];
        log(
          `N=${count} #${round + 1} ${operation} ${kind}: ${(ms / 1000).toFixed(2)} s ` +
            `(CPU ${(cpuMs / 1000).toFixed(2)} s, load ${os.loadavg()[0]?.toFixed(2) ?? "?"})`,
        );
      }
      let floorMs = 0;
      if (floor && operation !== "preview") {
        sandbox.clearRequests();
        floorMs = await floor.run(count, operation as FloorOperation);
        assertRequests(`floor ${operation} (N=${count})`, sandbox, operation, count, false);
        log(`N=${count} #${round + 1} ${operation} floor: ${(floorMs / 1000).toFixed(2)} s`);
      }
      rows.push({
        operation,
        noopMs: times.noop.ms,
        waapiMs: times.waapi.ms,
        noopCpuMs: times.noop.cpuMs,
        waapiCpuMs: times.waapi.cpuMs,
        floorMs,
        requests: requestsLabel(operation, count),
      });
    }
  } finally {
    await stacks.noop.remove();
    await stacks.waapi.remove();
  }
  return {
    count,
    rows,
    stateBytesPerInstance: { noop: stateBytes.noop / count, waapi: stateBytes.waapi / count },
  };
}

function requestsLabel(operation: Operation, count: number): string {
  const parts = Object.entries(REQUESTS_PER_INSTANCE[operation]).map(
    ([method, perInstance]) => `${(perInstance ?? 0) * count} ${method}`,
  );
  const once = Object.entries(WAAPI_REQUESTS_PER_RUN[operation]).map(
    ([method, n]) => `${n ?? 0} ${method} (list, WaapiInstance only)`,
  );
  return parts.length > 0 ? [...parts, ...once].join(" + ") : "0";
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function commandOutput(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, [...args], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function sizesFromEnv(): number[] {
  const sizes = (process.env["BENCH_SIZES"] ?? "10,50,200").split(",").map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new Error("BENCH_SIZES must be a comma-separated list of positive integers, e.g. 10,50,200");
  }
  return sizes;
}

async function main(): Promise<void> {
  const sizes = sizesFromEnv();
  const repeats = Number(process.env["BENCH_REPEATS"] ?? 3);
  if (!Number.isSafeInteger(repeats) || repeats < 1)
    throw new Error("BENCH_REPEATS must be a positive integer");
  const checkpointSize = Number(process.env["BENCH_CHECKPOINT_SIZE"] ?? Math.max(...sizes));
  const output = path.resolve(ROOT, process.env["BENCH_OUTPUT"] ?? "docs/benchmarks.md");
  const started = new Date();
  const loadBefore = os.loadavg();
  const load = new LoadSampler();
  // Deletes lower an account's limit for good (as on waapi.app): room for every instance the run makes.
  const sandbox = await startSandbox({ latencyMs: LATENCY_MS, instanceLimit: 1_000_000 });
  const token = sandbox.createToken();
  const report: RunReport = {
    command: [
      ...["BENCH_SIZES", "BENCH_REPEATS", "BENCH_CHECKPOINT_SIZE", "BENCH_CHECKPOINT_REPEATS"].flatMap(
        (name) => (process.env[name] === undefined ? [] : [`${name}=${process.env[name]}`]),
      ),
      "make bench",
    ].join(" "),
    startedAt: started.toISOString(),
    machine: {
      cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}`,
      memoryGiB: os.totalmem() / 2 ** 30,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      pulumi: commandOutput("pulumi", ["version"]),
      commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
      loadBefore,
      loadAfter: loadBefore,
      loadDuring: undefined,
    },
    latencyMs: LATENCY_MS,
    parallel: PARALLEL,
    repeats,
    ...(process.env["BENCH_NOTE"] ? { note: process.env["BENCH_NOTE"] } : {}),
    sizes: [],
    checkpoints: undefined,
    durationS: 0,
  };
  // The raw figures, so that the page can be rendered again (BENCH_RENDER) without measuring again;
  // written after every size too, so that a run stopped half-way keeps what it measured.
  const saveRaw = (complete: boolean): void => {
    report.complete = complete;
    report.machine.loadAfter = os.loadavg();
    report.machine.loadDuring = load.summary();
    report.durationS = (Date.now() - started.getTime()) / 1000;
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(`${output}.json`, `${JSON.stringify(report, null, 2)}\n`);
  };
  try {
    const floor = new Floor(sandbox.baseUrl, token);
    for (const count of sizes) {
      report.sizes.push(await measureSize(count, sandbox, token, {}, floor, repeats, load));
      saveRaw(false);
    }
    if (checkpointSize > 0) {
      const env = { PULUMI_SKIP_CHECKPOINTS: "true" };
      const checkpointRepeats = Number(process.env["BENCH_CHECKPOINT_REPEATS"] ?? repeats);
      const skipped = await measureSize(
        checkpointSize,
        sandbox,
        token,
        env,
        undefined,
        checkpointRepeats,
        load,
      );
      report.checkpoints = { count: checkpointSize, rows: skipped.rows };
    }
    saveRaw(true);
  } finally {
    load.stop();
    await sandbox.close();
  }
  writeReport(report, output);
}

function writeReport(report: RunReport, output: string): void {
  const markdown = renderReport(report);
  writeFileSync(output, markdown);
  process.stdout.write(`${markdown}\nwritten to ${path.relative(ROOT, output)}\n`);
}

const rendering = process.env["BENCH_RENDER"];
const run = rendering
  ? async (): Promise<void> =>
      writeReport(
        JSON.parse(readFileSync(rendering, "utf8")) as RunReport,
        path.resolve(ROOT, process.env["BENCH_OUTPUT"] ?? "docs/benchmarks.md"),
      )
  : main;
run().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
