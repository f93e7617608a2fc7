/**
 * Runs the built `pulumi-waapi` bin (dist/cli/main.js) as users do: a child process with its own
 * environment. Asynchronous, so that an in-process sandbox can answer it.
 */
import { execFile } from "node:child_process";
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
