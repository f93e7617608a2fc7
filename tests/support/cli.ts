/**
 * Runs the built `pulumi-waapi` bin (dist/cli/main.js) as users do: a child process with its own
 * environment. Asynchronous, so that an in-process sandbox can answer it.
 */
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import type { Sandbox } from "../../sandbox";

export const CLI_BIN = join(process.cwd(), "dist", "cli", "main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { cwd: options.cwd ?? process.cwd(), env: { ...process.env, ...options.env }, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The environment `discover` reads the sandbox's token and URL from. */
export function discoverEnv(sandbox: Sandbox, token: string): Record<string, string> {
  return { WAAPI_API_TOKEN: token, WAAPI_BASE_URL: sandbox.baseUrl };
}

/** A command still running: what it printed so far, and its end. */
export interface RunningCommand {
  stdout(): string;
  stderr(): string;
  /** Resolves once `predicate` holds for what it printed (polled); rejects after `timeoutMs` or at its exit. */
  waitFor(predicate: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  done: Promise<CliResult>;
}

/**
 * Starts a command that waits for something (`link` waits for a phone) and lets the test act while it
 * runs: `waitFor` what it prints, act on the sandbox, then await `done`. `spawn` is `execFile`'s
 * streaming form: the same child, its output read as it comes.
 */
export function startCommand(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningCommand {
  const child = spawn(file, args, {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let exited = false;
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code) => {
      exited = true;
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(stdout)) {
        if (exited)
          throw new Error(`the command exited before it printed what was awaited:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) {
          child.kill();
          throw new Error(
            `the command did not print what was awaited in ${timeoutMs} ms:\n${stdout}\n${stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return stdout;
    },
  };
}

/** The built bin as a running command (see startCommand). */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): RunningCommand {
  return startCommand(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, ...options.env },
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
}
