/**
 * The crash matrix: a `pulumi up` (or `destroy`) SIGKILLed — the CLI, its language host and its
 * provider host together, as a CI runner's hard stop, an OOM kill or a lost machine leave it — at a
 * known phase, held there by a sandbox `hold` fault; then the README's recovery steps, run as
 * written; then the account is compared with the stack's state. For both doors: the dynamic
 * WaapiInstance (a TypeScript program) and the native plugin's waapi:index:Instance (a YAML program).
 * Used by tests/e2e/crash-matrix.test.ts (a reduced set in `make test`, all cells in `make reliability`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Sandbox, SandboxFault } from "../../sandbox";
import { CLI_BIN } from "./cli";
import { declaration } from "./fault-matrix";
import type { OfflineStacks } from "./pulumi";

import { runShell, userEnvironment, type ShellRun } from "./shell";

const REPO = process.cwd();
/** The stack name the README's recovery steps use. */
export const STACK = "prod";

export type Door = "dynamic" | "native";
export const DOORS: readonly Door[] = ["dynamic", "native"];

export type Phase = "post-answered" | "put-applied" | "update" | "destroy";
export const PHASES: readonly Phase[] = ["post-answered", "put-applied", "update", "destroy"];

export const PHASE_LABELS: Record<Phase, string> = {
  "post-answered": "create: POST answered, PUT not applied",
  "put-applied": "create: PUT applied, its answer not recorded",
  update: "update: PUT applied, its answer not recorded",
  destroy: "destroy: DELETE applied, its answer not recorded",
};

/** The fault that holds each phase's requests, so that the kill lands there. */
const HOLD: Record<Phase, (times: number) => SandboxFault> = {
  "post-answered": (times) => ({ kind: "hold", match: "PUT /instances/:id", times }),
  "put-applied": (times) => ({ kind: "hold", match: "PUT /instances/:id", afterActing: true, times }),
  update: (times) => ({ kind: "hold", match: "PUT /instances/:id", afterActing: true, times }),
  destroy: (times) => ({ kind: "hold", match: "DELETE /instances/:id", afterActing: true, times }),
};

/** A recovery step of the README, and what it did. */
export interface Step {
  command: string;
  code: number;
  /** The lines recover printed (its decisions), or nothing for Pulumi's own commands. */
  said: string[];
}

export interface CrashResult {
  door: Door;
  phase: Phase;
  declared: number;
  /** Requests held when the kill came (the phase really was reached). */
  held: number;
  /** What the killed run left in the state. */
  pendingAfterKill: string[];
  locked: boolean;
  steps: Step[];
  live: number;
  orphans: number;
  duplicates: number;
  lost: number;
  wrong: number;
  /** Instance ids recorded by more than one resource. */
  recordedTwice: number;
  seconds: number;
}

interface Declared {
  name: string;
  webhookUrl: string;
  webhookEvents: string[];
}

/** The instances declared, version `version`; the first one's webhook URL is given as a secret. */
const declared = (count: number, version: number): Record<string, Declared> => declaration(count, version);

/** A YAML program declaring the instances, the first one's URL as a secret. */
function yamlProgram(project: string, instances: Record<string, Declared>): string {
  const lines = [
    `name: ${project}`,
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: waapi",
    `      path: ${join(REPO, "bin")}`,
    "resources:",
  ];
  Object.entries(instances).forEach(([key, instance], n) => {
    lines.push(
      `  ${key}:`,
      "    type: waapi:index:Instance",
      "    properties:",
      `      name: ${JSON.stringify(instance.name)}`,
      ...(n === 0
        ? ["      webhookUrl:", `        fn::secret: ${JSON.stringify(instance.webhookUrl)}`]
        : [`      webhookUrl: ${JSON.stringify(instance.webhookUrl)}`]),
      `      webhookEvents: ${JSON.stringify(instance.webhookEvents)}`,
    );
  });
  return `${lines.join("\n")}\n`;
}

/** The dynamic program's `instances` config: the first one's URL given as pulumi.secret(...). */
function dynamicConfig(instances: Record<string, Declared>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(instances).map(([key, instance], n) => [
        key,
        { ...instance, secretWebhookUrl: n === 0 },
      ]),
    ),
  );
}

/**
 * A project outside the repository, as a user has one: pulumi-waapi installed in node_modules with
 * its bin linked (so the README's `npx pulumi-waapi` runs it), the program of the door.
 */
function makeProject(door: Door, project: string): string {
  const dir = mkdtempSync(join(tmpdir(), `waapi-crash-${door}-`));
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, ".bin"), { recursive: true });
  symlinkSync(REPO, join(modules, "pulumi-waapi"));
  chmodSync(CLI_BIN, 0o755); // as npm's bin-links leaves it
  symlinkSync("../pulumi-waapi/dist/cli/main.js", join(modules, ".bin", "pulumi-waapi"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: project, private: true }));
  if (door === "dynamic") {
    for (const dependency of ["@pulumi", "typescript"]) {
      symlinkSync(join(REPO, "node_modules", dependency), join(modules, dependency));
    }
    const program = join(REPO, "tests", "e2e", "program");
    copyFileSync(join(program, "index.ts"), join(dir, "index.ts"));
    copyFileSync(join(program, "tsconfig.json"), join(dir, "tsconfig.json"));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      `name: ${project}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    );
  }
  return dir;
}

/** Every process of the session `sid` (a child spawned detached leads a session of its own). */
function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) === sid) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/**
 * SIGKILL for the CLI and every process it started: Pulumi runs each plugin (language host, provider
 * host) in a process group of its own, so a kill of the CLI's group alone would leave them running.
 */
async function killSession(child: ChildProcess): Promise<void> {
  const sid = child.pid;
  if (sid === undefined) throw new Error("the pulumi process did not start");
  const closed = new Promise((resolve) => child.once("close", resolve));
  for (let round = 0; round < 3; round++) {
    for (const pid of sessionMembers(sid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
  await closed;
  const left = sessionMembers(sid).filter((pid) => {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z";
  });
  if (left.length > 0) throw new Error(`processes of the killed run still alive: ${left.join(", ")}`);
}

export interface CrashMatrixOptions {
  sandbox: Sandbox;
  stacks: OfflineStacks;
  /** The README's recovery steps, as written (each taken from the README by the test). */
  steps: { cancel: string; recover: string; up: string; destroy: string };
  count: number;
}

export class CrashMatrix {
  private readonly projects: string[] = [];
  /** The project folder of the last cell run, with its stack `prod` as the recovery left it. */
  lastProject: string | undefined;
  private cells = 0;

  constructor(private readonly options: CrashMatrixOptions) {}

  removeProjects(): void {
    for (const dir of this.projects.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    return userEnvironment(this.options.stacks.env());
  }

  /** A shell command in `dir`, with the stacks' backend; what it printed is kept for the leak check. */
  async shell(dir: string, command: string): Promise<ShellRun> {
    const run = await runShell(command, { cwd: dir, env: this.env() });
    this.options.stacks.note(run.stdout);
    this.options.stacks.note(run.stderr);
    return run;
  }

  /** `pulumi <operation>` of the stack, killed once `held` requests are held at the phase. */
  private async killedRun(dir: string, operation: "up" | "destroy", held: number): Promise<number> {
    const child = spawn(
      "pulumi",
      [operation, "--yes", "--skip-preview", "--non-interactive", "--stack", STACK],
      { cwd: dir, env: this.env(), detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    let printed = "";
    child.stdout?.on("data", (chunk) => (printed += String(chunk)));
    child.stderr?.on("data", (chunk) => (printed += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 120_000;
    const count = () => this.options.sandbox.requests().filter((request) => request.fault === "hold").length;
    let early: number | null | undefined;
    void exited.then((code) => (early = code));
    while (count() < held) {
      if (early !== undefined)
        throw new Error(`pulumi ${operation} ended (${early}) before the kill:\n${printed}`);
      if (Date.now() > deadline) throw new Error(`only ${count()} of ${held} requests held:\n${printed}`);
      await sleep(50);
    }
    await killSession(child);
    this.options.stacks.note(printed);
    return count();
  }

  private async exportState(
    dir: string,
  ): Promise<{ resources: Record<string, unknown>[]; pending: string[] }> {
    const run = await this.shell(dir, `pulumi stack export --stack ${STACK}`);
    if (run.code !== 0) throw new Error(`pulumi stack export failed: ${run.stderr}`);
    const { deployment } = JSON.parse(run.stdout) as {
      deployment: {
        resources?: Record<string, unknown>[];
        pending_operations?: { type: string; resource: { urn: string } }[];
      };
    };
    return {
      resources: deployment.resources ?? [],
      pending: (deployment.pending_operations ?? []).map(
        (operation) => `${operation.type} ${operation.resource.urn.split("::").at(-1) ?? ""}`,
      ),
    };
  }

  private locked(): boolean {
    const locks = join(this.options.stacks.stateDir, ".pulumi", "locks");
    if (!existsSync(locks)) return false;
    return readdirSync(locks, { recursive: true }).some((entry) => String(entry).endsWith(".json"));
  }

  /**
   * A fresh project and stack `prod` of `door`, and its run SIGKILLed at `phase`: what the README's
   * steps start from. `version` is the declaration the program holds afterwards.
   */
  async kill(
    door: Door,
    phase: Phase,
  ): Promise<{ dir: string; version: number; held: number; pendingAfterKill: string[]; locked: boolean }> {
    const { sandbox, stacks, count } = this.options;
    sandbox.reset();
    const project = `crash-${door}-${phase}-${++this.cells}`;
    const dir = makeProject(door, project);
    this.projects.push(dir);
    this.lastProject = dir;
    let version = 1;
    const declare = async (instances: Record<string, Declared>) => {
      if (door === "native") writeFileSync(join(dir, "Pulumi.yaml"), yamlProgram(project, instances));
      else await stack.setConfig("instances", { value: dynamicConfig(instances) });
    };
    if (door === "native")
      writeFileSync(join(dir, "Pulumi.yaml"), yamlProgram(project, declared(count, version)));
    const stack = await stacks.create(
      dir,
      { apiToken: sandbox.createToken(), baseUrl: sandbox.baseUrl },
      STACK,
    );
    await declare(declared(count, version));

    if (phase === "update" || phase === "destroy") {
      const setup = await this.shell(dir, `pulumi up --yes --skip-preview --stack ${STACK}`);
      if (setup.code !== 0) throw new Error(`setup up failed:\n${setup.stdout}\n${setup.stderr}`);
      if (phase === "update") await declare(declared(count, ++version));
    }
    sandbox.clearRequests();
    sandbox.injectFault(HOLD[phase](count));
    const held = await this.killedRun(dir, phase === "destroy" ? "destroy" : "up", count);
    sandbox.clearFaults();
    const pendingAfterKill = (await this.exportState(dir)).pending;
    return { dir, version, held, pendingAfterKill, locked: this.locked() };
  }

  /** What the state of `dir`'s stack records and leaves pending. */
  state(dir: string): Promise<{ resources: Record<string, unknown>[]; pending: string[] }> {
    return this.exportState(dir);
  }

  async run(door: Door, phase: Phase): Promise<CrashResult> {
    const { count } = this.options;
    const started = Date.now();
    const { dir, version, held, pendingAfterKill, locked } = await this.kill(door, phase);

    // The README's steps, as written.
    const { steps: readme } = this.options;
    const steps: Step[] = [];
    for (const command of [readme.cancel, readme.recover, phase === "destroy" ? readme.destroy : readme.up]) {
      const run = await this.shell(dir, command);
      steps.push({
        command,
        code: run.code,
        said:
          command === readme.recover
            ? run.stdout
                .trim()
                .split("\n")
                .filter((line) => line !== "")
            : [],
      });
      if (run.code !== 0) break; // a failed step: the cell fails on what is left
    }

    const want = phase === "destroy" ? {} : declared(count, version);
    return {
      door,
      phase,
      declared: Object.keys(want).length,
      held,
      pendingAfterKill,
      locked,
      steps,
      ...(await this.compare(dir, want)),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  }

  private async compare(
    dir: string,
    want: Record<string, Declared>,
  ): Promise<Pick<CrashResult, "live" | "orphans" | "duplicates" | "lost" | "wrong" | "recordedTwice">> {
    const { resources } = await this.exportState(dir);
    const recorded = resources
      .filter((resource) => /::inst-\d+$/.test(String(resource["urn"])) && typeof resource["id"] === "string")
      .map((resource) => ({
        key: String(resource["urn"]).split("::").at(-1) ?? "",
        id: Number(resource["id"]),
      }));
    const live = this.options.sandbox.instances();
    const liveById = new Map(live.map((instance) => [instance.id, instance]));
    const ids = recorded.map((resource) => resource.id);
    const names = new Map<string, number>();
    for (const instance of live) names.set(instance.name, (names.get(instance.name) ?? 0) + 1);
    return {
      live: live.length,
      orphans: live.filter((instance) => !ids.includes(instance.id)).length,
      duplicates: [...names.values()].reduce((sum, seen) => sum + Math.max(0, seen - 1), 0),
      lost:
        Object.keys(want).filter((key) => !recorded.some((resource) => resource.key === key)).length +
        recorded.filter((resource) => !liveById.has(resource.id) || !(resource.key in want)).length,
      wrong: recorded.filter((resource) => {
        const instance = liveById.get(resource.id);
        const wanted = want[resource.key];
        if (!instance || !wanted) return false; // counted as lost
        return (
          instance.name !== wanted.name ||
          instance.webhook_url !== wanted.webhookUrl ||
          JSON.stringify([...instance.webhook_events].sort()) !==
            JSON.stringify([...wanted.webhookEvents].sort())
        );
      }).length,
      recordedTwice: ids.length - new Set(ids).size,
    };
  }
}

/** The table `make reliability` writes to docs/reliability.md, and the test prints. */
export function formatCrashTable(results: readonly CrashResult[]): string {
  const header =
    "| door | killed at | requests held at the kill | left pending | stack locked | steps (README, as written) and exit codes | recover said | instances / declared | orphans | duplicates | lost | wrong settings | seconds |\n" +
    "| --- | --- | --: | --- | --- | --- | --- | --: | --: | --: | --: | --: | --: |";
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = results.map((r) =>
    [
      r.door === "dynamic" ? "WaapiInstance (TypeScript)" : "waapi:index:Instance (YAML)",
      PHASE_LABELS[r.phase],
      String(r.held),
      r.pendingAfterKill.length === 0 ? "nothing" : r.pendingAfterKill.join(", "),
      r.locked ? "yes" : "no",
      r.steps.map((step) => `\`${cell(step.command)}\` → ${step.code}`).join("<br>"),
      r.steps
        .flatMap((step) => step.said)
        .map(cell)
        .join("<br>"),
      `${r.live} / ${r.declared}`,
      String(r.orphans),
      String(r.duplicates),
      String(r.lost),
      String(r.wrong),
      String(r.seconds),
    ].join(" | "),
  );
  return [header, ...rows.map((row) => `| ${row} |`)].join("\n");
}
