/**
 * Stacks for end-to-end tests: the real Pulumi CLI through the Automation API, offline (a file
 * backend in a temporary folder, passphrase secrets, no update check), with the WAAPI token set as
 * a secret the way the README tells users to.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";

export interface StackSettings {
  apiToken: string;
  baseUrl: string;
  /** Plain (non-secret) project config, e.g. `{ instances: "…" }`. */
  config?: Record<string, string>;
}

export class OfflineStacks {
  readonly stateDir = mkdtempSync(join(tmpdir(), "waapi-e2e-state-"));
  /** Everything the engine printed, for tests that search it. */
  readonly output: string[] = [];
  readonly onOutput = (text: string): void => void this.output.push(text);
  private readonly stacks: Stack[] = [];

  env(): Record<string, string> {
    return {
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Programs are type-checked by `npm run typecheck`; skipping it here saves seconds per run.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
  }

  async create(workDir: string, settings: StackSettings): Promise<Stack> {
    const stack = await LocalWorkspace.createStack(
      { stackName: `e2e-${this.stacks.length}-${Date.now()}`, workDir },
      { envVars: this.env() },
    );
    this.stacks.push(stack);
    await stack.setConfig("waapi:apiToken", { value: settings.apiToken, secret: true });
    await stack.setConfig("waapi:baseUrl", { value: settings.baseUrl });
    for (const [key, value] of Object.entries(settings.config ?? {})) await stack.setConfig(key, { value });
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
    this.output.push(stdout, stderr);
    return { status, stdout, stderr };
  }

  /** Removes every stack made (and its config file in the program folder) and the state folder. */
  async removeAll(): Promise<void> {
    for (const stack of this.stacks.splice(0)) {
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
