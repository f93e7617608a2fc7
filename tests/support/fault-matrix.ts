/**
 * The fault matrix: each sandbox fault, scoped to the method and path an operation depends on, during
 * a real engine run (`up` of N instances, an update of all, `refresh`, `destroy`) of the e2e program.
 * After the faulted run and at most one re-run without faults, the sandbox is compared with the
 * stack's state: no orphans (instances in the sandbox and not in the state), no duplicates, nothing
 * lost, settings as declared; and every failure the engine reported must name the instance and the
 * cause. Each cell also counts the requests its fault struck at each route it names (the sandbox's
 * request log), so a cell that tested nothing shows. Used by tests/e2e/fault-matrix.test.ts (a
 * reduced matrix in `make test`, the full one in `make reliability`).
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox, SandboxFault } from "../../sandbox";
import { faultMatches } from "../../sandbox/faults";
import type { OfflineStacks } from "./pulumi";

export const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "program");

/** The client's per-attempt timeout in the matrix's stacks, so that "latency beyond it" stays short. */
export const MATRIX_TIMEOUT_MS = 2000;

export type Operation = "up" | "update" | "refresh" | "destroy";
export const OPERATIONS: readonly Operation[] = ["up", "update", "refresh", "destroy"];

/** The requests each operation depends on: its faults are aimed there. */
export const ROUTES: Record<Operation, string[]> = {
  up: ["POST /instances", "PUT /instances/:id"],
  update: ["PUT /instances/:id"],
  refresh: ["GET /instances/:id"],
  destroy: ["DELETE /instances/:id"],
};

export interface FaultCase {
  name: string;
  /** The fault for one route. */
  at(match: string): SandboxFault;
  /**
   * The operations whose run this fault makes fail (so one re-run follows); the provider absorbs it
   * in the others (retries, the lost-answer recovery, reading an accepted write back).
   */
  fails: readonly Operation[];
  /**
   * The operations it fails only sometimes, by the seeded draw: a create whose POST meets a reset
   * before WAAPI acted on each of its 3 attempts gives up, having made nothing (about 1 run in 4
   * of 20 creates at 25%: which create meets which draw follows the engine's timing).
   */
  mayFail?: readonly Operation[];
  /**
   * The operations it can strike at all; default all. A DELETE's answer body is never read, so a
   * malformed or truncated one changes nothing: those cells would test nothing.
   */
  operations?: readonly Operation[];
}

/** The operations `fault` can be aimed at. */
export function operationsOf(fault: FaultCase): readonly Operation[] {
  return fault.operations ?? OPERATIONS;
}

const RATE = 0.25;
const TRUNCATED: Record<string, string> = {
  POST: '{"instance":{"id":',
  PUT: '{"data":{"status":"success","instanceId":"',
  GET: '{"instances":[{"id":',
};

export const FAULTS: readonly FaultCase[] = [
  // A 500 is not retried (the server may be broken, not busy): the run fails and is re-run.
  {
    name: "500 (25%)",
    at: (match) => ({ kind: "respond", match, status: 500, rate: RATE }),
    fails: OPERATIONS,
  },
  {
    name: "502 after acting (25%)",
    at: (match) => ({ kind: "respond", match, status: 502, rate: RATE, afterActing: true }),
    fails: [],
  },
  { name: "503 (25%)", at: (match) => ({ kind: "respond", match, status: 503, rate: RATE }), fails: [] },
  {
    name: "429 burst, Retry-After 1",
    at: (match) => ({ kind: "respond", match, status: 429, times: 8, headers: { "Retry-After": "1" } }),
    fails: [],
  },
  {
    name: "latency beyond the timeout (20%)",
    at: (match) => ({ kind: "act-then-delay", match, delayMs: MATRIX_TIMEOUT_MS + 1000, rate: 0.2 }),
    fails: [],
  },
  {
    name: "reset before acting (25%)",
    at: (match) => ({ kind: "reset", match, rate: RATE }),
    fails: [],
    mayFail: ["up"],
  },
  {
    name: "reset after acting (25%)",
    at: (match) => ({ kind: "reset", match, resetAfterActing: true, rate: RATE }),
    fails: [],
  },
  {
    name: "malformed JSON (25%)",
    at: (match) => ({
      kind: "respond",
      match,
      status: 200,
      afterActing: true,
      rate: RATE,
      body: "<html><body>Bad gateway</body></html>",
      headers: { "Content-Type": "application/json" },
    }),
    // A read whose answer cannot be read fails; a POST's is recovered, a PUT's read back.
    fails: ["refresh"],
    operations: ["up", "update", "refresh"],
  },
  {
    name: "truncated JSON (25%)",
    at: (match) => ({
      kind: "respond",
      match,
      status: 200,
      afterActing: true,
      rate: RATE,
      body: TRUNCATED[match.split(" ")[0] ?? "GET"] ?? "{",
      headers: { "Content-Type": "application/json" },
    }),
    fails: ["refresh"],
    operations: ["up", "update", "refresh"],
  },
];

export interface CellResult {
  fault: string;
  operation: Operation;
  runs: number;
  orphans: number;
  duplicates: number;
  lost: number;
  /** Instances whose live settings differ from the declared (or, after refresh, from the state). */
  wrong: number;
  /** Failures the engine reported, and how many of them named the instance and the cause. */
  failures: number;
  failuresNamed: number;
  /** The failures that did not name the instance and the cause, as the engine printed them. */
  unnamed: string[];
  /** What the first failures said, cut short (the table shows them: why the cell needed its re-run). */
  said: string[];
  /** Every failure's whole message, for the checks (`said` cuts the end, where the outcome is said). */
  messages: string[];
  /** Requests the fault shaped in the faulted run: 0 would mean the cell tested nothing. */
  faulted: number;
  /** Per route the fault was aimed at (e.g. "POST /instances"), the requests there it struck. */
  struck: Record<string, number>;
  /** Whether the fault is one that makes this operation fail (FaultCase.fails), or may (mayFail). */
  expectedToFail: boolean | "maybe";
  seconds: number;
}

/** One cell: a fault aimed at the routes of one operation. */
export interface Step {
  fault: FaultCase;
  operation: Operation;
}

interface Declared {
  name: string;
  webhookUrl: string;
  webhookEvents: string[];
}

/** N instances, version `v` of their settings. */
export function declaration(count: number, version: number): Record<string, Declared> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, n) => [
      `inst-${n}`,
      {
        name: `Line ${n} v${version}`,
        webhookUrl: `https://hooks.example.com/v${version}/line-${n}`,
        webhookEvents: version % 2 === 0 ? ["message"] : ["message", "ready"],
      },
    ]),
  );
}

interface Recorded {
  key: string;
  id: number;
  outputs: Record<string, unknown>;
}

async function recorded(stack: Stack): Promise<Recorded[]> {
  const { deployment } = await stack.exportStack();
  const resources: { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[] =
    deployment.resources ?? [];
  return resources
    .filter(
      (resource) =>
        /::inst-\d+$/.test(resource.urn) && !resource.type.startsWith("pulumi:providers:") && resource.id,
    )
    .map((resource) => ({
      key: resource.urn.split("::").at(-1) ?? "",
      id: Number(resource.id),
      outputs: resource.outputs ?? {},
    }));
}

/**
 * The engine's diagnostics per resource: a header line `<type> (<name>):` and the indented lines
 * under it up to the next header or an unindented line (the whole block, as messages may wrap).
 */
export function resourceErrors(output: string): { resource: string; message: string }[] {
  const found: { resource: string; message: string }[] = [];
  let current: { resource: string; lines: string[] } | undefined;
  const close = () => {
    if (current && current.lines.some((line) => /\berror: /.test(line))) {
      found.push({
        resource: current.resource,
        message: current.lines.join(" ").replace(/\s+/g, " ").trim(),
      });
    }
    current = undefined;
  };
  for (const line of output.split("\n")) {
    const header = /^\s+(\S+) \(([^)]+)\):\s*$/.exec(line);
    if (header) {
      close();
      current = { resource: `${header[1]} (${header[2]})`, lines: [] };
    } else if (current && (/^\S/.test(line) || line.trim() === "")) {
      if (/^\S/.test(line)) close();
    } else if (current) current.lines.push(line);
  }
  close();
  return found;
}

/** The one shape of message the matrix accepts: the instance's resource, and the request that failed. */
function namesInstanceAndCause(failure: { resource: string; message: string }): boolean {
  return (
    // The dynamic door's type is pulumi-nodejs:dynamic/waapi:Instance, the native one's waapi:index:Instance.
    /^\S*waapi:\S*Instance \(inst-\d+\)$/.test(failure.resource) &&
    /(GET|POST|PUT|DELETE) \/instances|instance \d+ was created|unknown outcome/.test(failure.message)
  );
}

const isStack = (failure: { resource: string }) => failure.resource.startsWith("pulumi:pulumi:Stack");

export class FaultMatrix {
  constructor(
    private readonly sandbox: Sandbox,
    private readonly stacks: OfflineStacks,
    private readonly count: number,
  ) {}

  /** Runs one fault through all the operations it can strike, in order, on one stack. */
  run(fault: FaultCase): Promise<CellResult[]> {
    return this.runSteps(operationsOf(fault).map((operation) => ({ fault, operation })));
  }

  /** Runs the cells in order on one stack (an `up` first as setup when the first is not one). */
  async runSteps(steps: readonly Step[]): Promise<CellResult[]> {
    this.sandbox.reset();
    const stack = await this.stacks.create(PROGRAM_DIR, {
      apiToken: this.sandbox.createToken(),
      baseUrl: this.sandbox.baseUrl,
      config: {
        instances: JSON.stringify(declaration(this.count, 1)),
        "waapi:requestTimeoutMs": String(MATRIX_TIMEOUT_MS),
      },
    });
    const results: CellResult[] = [];
    let version = 1;
    for (const { fault, operation } of steps) {
      if (operation !== "up" && (await recorded(stack)).length === 0) await this.engine(stack, "up"); // setup
      if (operation === "update") {
        version++;
        await stack.setConfig("instances", { value: JSON.stringify(declaration(this.count, version)) });
      }
      if (operation === "refresh") this.driftEveryOther();
      results.push(await this.cell(stack, fault, operation, declaration(this.count, version)));
    }
    return results;
  }

  private driftEveryOther(): void {
    this.sandbox.instances().forEach((instance, n) => {
      if (n % 2 === 0) this.sandbox.changeInstance(instance.id, { name: `${instance.name} (by hand)` });
    });
  }

  private async cell(
    stack: Stack,
    fault: FaultCase,
    operation: Operation,
    declared: Record<string, Declared>,
  ): Promise<CellResult> {
    const started = Date.now();
    for (const route of ROUTES[operation]) this.sandbox.injectFault(fault.at(route));
    this.sandbox.clearRequests();
    let runs = 1;
    let struck: Record<string, number> = {};
    const failures: { resource: string; message: string }[] = [];
    try {
      await this.engine(stack, operation);
    } catch (error) {
      failures.push(...resourceErrors(error instanceof Error ? error.message : String(error)));
      struck = this.struck(operation);
      this.sandbox.clearFaults(); // the incident is over: one re-run (a failing re-run fails the cell)
      runs++;
      await this.engine(stack, operation);
    }
    if (runs === 1) struck = this.struck(operation);
    this.sandbox.clearFaults();
    return {
      fault: fault.name,
      operation,
      runs,
      ...(await this.compare(stack, operation, declared)),
      failures: failures.filter((failure) => !isStack(failure)).length,
      failuresNamed: failures.filter((failure) => !isStack(failure) && namesInstanceAndCause(failure)).length,
      unnamed: failures
        .filter((failure) => !isStack(failure) && !namesInstanceAndCause(failure))
        .map((failure) => `${failure.resource}: ${failure.message.slice(0, 300)}`),
      messages: failures.filter((failure) => !isStack(failure)).map((failure) => failure.message),
      said: failures
        .filter((failure) => !isStack(failure))
        .slice(0, 2)
        .map((failure) => `${failure.resource}: ${failure.message.slice(0, 400)}`),
      faulted: Object.values(struck).reduce((sum, count) => sum + count, 0),
      struck,
      expectedToFail:
        fault.fails.includes(operation) || (fault.mayFail?.includes(operation) ? "maybe" : false),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  }

  /** Per route the operation's faults were aimed at, the logged requests there that a fault shaped. */
  private struck(operation: Operation): Record<string, number> {
    const shaped = this.sandbox.requests().filter((request) => request.fault !== undefined);
    return Object.fromEntries(
      ROUTES[operation].map((route) => [
        route,
        shaped.filter((request) => faultMatches(route, request.method, request.path)).length,
      ]),
    );
  }

  private async engine(stack: Stack, operation: Operation): Promise<void> {
    if (operation === "refresh") await this.stacks.refresh(stack);
    else if (operation === "destroy") await this.stacks.destroy(stack);
    else await this.stacks.up(stack);
  }

  private async compare(
    stack: Stack,
    operation: Operation,
    declared: Record<string, Declared>,
  ): Promise<Pick<CellResult, "orphans" | "duplicates" | "lost" | "wrong">> {
    const state = await recorded(stack);
    const live = this.sandbox.instances();
    const stateIds = new Set(state.map((resource) => resource.id));
    const liveById = new Map(live.map((instance) => [instance.id, instance]));
    const orphans = live.filter((instance) => !stateIds.has(instance.id)).length;
    const names = new Map<string, number>();
    for (const instance of live) names.set(instance.name, (names.get(instance.name) ?? 0) + 1);
    const duplicates = [...names.values()].reduce((sum, seen) => sum + Math.max(0, seen - 1), 0);
    if (operation === "destroy") {
      return { orphans, duplicates, lost: 0, wrong: state.length }; // all must be gone, from both
    }
    const keys = Object.keys(declared);
    const lost =
      keys.filter((key) => !state.some((resource) => resource.key === key)).length +
      state.filter((resource) => !liveById.has(resource.id)).length;
    const wrong = state.filter((resource) => {
      const instance = liveById.get(resource.id);
      if (!instance) return false; // counted as lost
      if (operation === "refresh") return resource.outputs["name"] !== instance.name;
      const want = declared[resource.key];
      return (
        !want ||
        instance.name !== want.name ||
        instance.webhook_url !== want.webhookUrl ||
        JSON.stringify([...instance.webhook_events].sort()) !== JSON.stringify([...want.webhookEvents].sort())
      );
    }).length;
    return { orphans, duplicates, lost, wrong };
  }
}

/** The table `make reliability` prints and writes to docs/reliability.md. */
export function formatTable(results: readonly CellResult[]): string {
  const header =
    "| fault | operation | requests struck, per route | runs | re-runs | orphans | duplicates | lost | wrong settings | failures naming instance and cause | seconds |\n" +
    "| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |";
  const rows = results.map(
    (r) =>
      `| ${r.fault} | ${r.operation} | ${Object.entries(r.struck)
        .map(([route, count]) => `${route}: ${count}`)
        .join(", ")} | ${r.runs} | ${r.runs - 1} | ${r.orphans} | ${r.duplicates} | ${r.lost} | ` +
      `${r.wrong} | ${r.failures === 0 ? "no failure" : `${r.failuresNamed}/${r.failures}`} | ${r.seconds} |`,
  );
  const unnamed = results.flatMap((r) => r.unnamed.map((text) => `- ${r.fault} × ${r.operation}: ${text}`));
  const said = results.flatMap((r) => r.said.map((text) => `- ${r.fault} × ${r.operation}: ${text}`));
  return [
    header,
    ...rows,
    ...(said.length > 0
      ? ["", "Why the cells with a re-run needed it (their first failures):", "", ...said]
      : []),
    ...(unnamed.length > 0 ? ["", "Failures not naming the instance and cause:", "", ...unnamed] : []),
  ].join("\n");
}
