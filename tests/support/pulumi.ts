/**
 * Stacks for end-to-end tests: the real Pulumi CLI through the Automation API, offline (a file
 * backend in a temporary folder, passphrase secrets, no update check), with the WAAPI token set as
 * a secret the way the README tells users to.
 *
 * Every run goes through `OfflineStacks` (`up`, `preview`, `refresh`, `destroy`), which records all
 * the engine printed — stdout, stderr, engine events, and the error of a failed run — and points the
 * CLI's temporary folder into the state folder, so its log files are kept too. `useOfflineStacks()`
 * then checks, after each test, that no token issued by a test sandbox shows in any of it, nor in
 * the state or config files (./leaks.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type DestroyOptions,
  type PreviewOptions,
  type RefreshOptions,
  type Stack,
  type UpOptions,
} from "@pulumi/pulumi/automation";
import { everythingShown, expectNoLeak } from "./leaks";
import { issuedTokens } from "./sandbox";

export interface StackSettings {
  apiToken: string;
  baseUrl: string;
  /** Plain (non-secret) project config, e.g. `{ instances: "…" }`. */
  config?: Record<string, string>;
  /** More environment for the stack's runs, e.g. an activated Python virtual environment. */
  env?: Record<string, string>;
}

/**
 * Set in the environment of every run, as a CI job following the README might have them: the stack
 * config must win over both, and this token must not leak either.
 */
export const ENVIRONMENT_DECOYS = {
  WAAPI_API_TOKEN: "99|EnvironmentDecoyTokenThatMustNeverBeUsed0123",
  WAAPI_BASE_URL: "http://127.0.0.1:9/api/v1",
} as const;

/**
 * The CLI on PATH, asked its version once per test file: each new LocalWorkspace would otherwise run
 * `pulumi version` again before its first command (a CLI start per stack).
 */
let pulumiCommand: Promise<PulumiCommand> | undefined;

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, text: readFileSync(path, "utf8") };
    });
}

export class OfflineStacks {
  readonly stateDir = mkdtempSync(join(tmpdir(), "waapi-e2e-state-"));
  /** The CLI's and the programs' temporary folder: whatever logs they write stay here to be searched. */
  readonly tempDir = join(this.stateDir, "tmp");
  private readonly transcript: string[] = [];
  private readonly stacks: Stack[] = [];
  private readonly record = (text: string): void => void this.transcript.push(text);
  /** Options every run gets, after the caller's: all the engine prints is recorded. */
  private readonly recording = {
    onOutput: this.record,
    onError: this.record,
    onEvent: (event: unknown) => this.record(JSON.stringify(event)),
    color: "never" as const,
  };

  /** `extraEnv`: more environment for every run, e.g. a `PULUMI_HOME` with a plugin cache of its own. */
  constructor(private readonly extraEnv: Record<string, string> = {}) {
    mkdirSync(this.tempDir);
  }

  env(): Record<string, string> {
    return {
      ...ENVIRONMENT_DECOYS,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Programs are type-checked by `npm run typecheck`; skipping it here saves seconds per run.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      TMPDIR: this.tempDir,
      ...this.extraEnv,
    };
  }

  /** A new stack of the program in `workDir`; `stackName` for one whose state will be imported from elsewhere. */
  async create(workDir: string, settings: StackSettings, stackName?: string): Promise<Stack> {
    const stack = await LocalWorkspace.createStack(
      { stackName: stackName ?? `e2e-${this.stacks.length}-${Date.now()}`, workDir },
      {
        envVars: { ...this.env(), ...settings.env },
        pulumiCommand: await (pulumiCommand ??= PulumiCommand.get()),
      },
    );
    this.stacks.push(stack);
    // One `pulumi config set-all` rather than a CLI start per key.
    const config: ConfigMap = {
      "waapi:apiToken": { value: settings.apiToken, secret: true },
      "waapi:baseUrl": { value: settings.baseUrl },
    };
    for (const [key, value] of Object.entries(settings.config ?? {})) config[key] = { value };
    await stack.setAllConfig(config);
    return stack;
  }

  /**
   * The `pulumi` CLI run as a person runs it, in `cwd`, with this backend; for what the Automation API
   * does not offer (`--json`, `pulumi import`). What it prints is kept with the engine's output.
   */
  async cli(cwd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    // Asynchronous: a sandbox in this process must keep answering while the CLI runs.
    const child = spawn("pulumi", [...args, "--non-interactive"], {
      cwd,
      env: { ...process.env, ...this.env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    this.record(stdout);
    this.record(stderr);
    return { status, stdout, stderr };
  }

  up(stack: Stack, options: UpOptions = {}): ReturnType<Stack["up"]> {
    return this.run(() => stack.up({ ...options, ...this.recording }));
  }

  preview(stack: Stack, options: PreviewOptions = {}): ReturnType<Stack["preview"]> {
    return this.run(() => stack.preview({ ...options, ...this.recording }));
  }

  refresh(stack: Stack, options: RefreshOptions = {}): ReturnType<Stack["refresh"]> {
    return this.run(() => stack.refresh({ ...options, ...this.recording }));
  }

  destroy(stack: Stack, options: DestroyOptions = {}): ReturnType<Stack["destroy"]> {
    return this.run(() => stack.destroy({ ...options, ...this.recording }));
  }

  /** Adds a text the test obtained otherwise (e.g. `pulumi stack export`) to what the leak check searches. */
  note(text: string): void {
    this.record(text);
  }

  private async run<T extends { stdout: string; stderr: string }>(operation: () => Promise<T>): Promise<T> {
    try {
      const result = await operation();
      // What the CLI printed. (Not the whole result: its `summary.config` is the stack config that the
      // Automation API reads back with --show-secrets, in memory only, for the caller.)
      this.record(result.stdout);
      this.record(result.stderr);
      return result;
    } catch (error) {
      // A failed run's error carries the CLI's stdout and stderr: the text a person sees first.
      this.record(everythingShown(error));
      throw error;
    }
  }

  /**
   * Everything a person or a log could see: what the engine printed in every run (failed ones
   * included), every file of the backend and the CLI's temporary folder (states, backups, history,
   * logs), and each stack's config file.
   */
  everything(): string[] {
    const configFiles = this.stacks
      .map((stack) => join(stack.workspace.workDir, `Pulumi.${stack.name}.yaml`))
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path, "utf8"));
    return [...this.transcript, ...filesUnder(this.stateDir).map((file) => file.text), ...configFiles];
  }

  /** Removes every stack made (and its config file in the program folder) and the state folder. */
  async removeAll(): Promise<void> {
    for (const stack of this.stacks.splice(0)) {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** The secrets no e2e output may show: every token a test sandbox issued, and the environment decoy. */
export function e2eSecrets(): string[] {
  return [...issuedTokens(), ENVIRONMENT_DECOYS.WAAPI_API_TOKEN];
}

/**
 * The stacks of an e2e test file. After each test, nothing recorded so far may show a token (so a
 * leak is reported by the test that caused it, failed runs included); after all, the stacks go.
 */
export function useOfflineStacks(extraEnv: Record<string, string> = {}): OfflineStacks {
  const stacks = new OfflineStacks(extraEnv);
  afterEach(() => expectNoLeak(stacks.everything(), e2eSecrets()));
  afterAll(() => stacks.removeAll());
  return stacks;
}
