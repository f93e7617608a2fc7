/**
 * Shell commands as a person or a CI job types them (README commands, make targets), run with bash in
 * a folder of their own. Asynchronous, so that a sandbox in the test's own process keeps answering.
 */
import { execFile } from "node:child_process";

export interface ShellRun {
  /** The exit code; -1 when the process was killed or could not start. */
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: the test runner's, without the `npm_*` variables `npm test` sets. */
export function userEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name));
  return { ...Object.fromEntries(inherited), ...extra };
}

/**
 * Runs `command` with `bash -e -o pipefail` in `cwd`; `input`, if given, is typed on its standard
 * input (then closed). Resolves with the exit code rather than throwing: the caller asserts.
 */
export function runShell(
  command: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<ShellRun> {
  return new Promise((resolve) => {
    const child = execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", command],
      {
        cwd: options.cwd,
        env: options.env ?? userEnvironment(),
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 0,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // A command that exits without reading its input closes the pipe first: EPIPE there is no failure
    // (the exit code says how the command went), and unhandled it would crash the test process.
    child.stdin?.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
    child.stdin?.end(options.input ?? "");
  });
}

/** Fails with everything the command printed when it did not exit with 0. */
export function expectSuccess(command: string, run: ShellRun): void {
  if (run.code !== 0) {
    throw new Error(`\`${command}\` exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
}
