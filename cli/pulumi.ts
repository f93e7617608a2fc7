/**
 * The `pulumi` on PATH, run for the commands that read or repair a stack (drift, recover, unmanaged),
 * with this process's environment: the backend login, the passphrase, and WAAPI_API_TOKEN where the
 * stack config holds no token. Always `--non-interactive`: these commands run in CI, without a terminal.
 */
import { execFile } from "node:child_process";

/** Pulumi failed, or could not be run; the message is Pulumi's own where it gave one. */
export class PulumiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PulumiError";
  }
}

export interface PulumiOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface PulumiRun {
  stdout: string;
  stderr: string;
  /** Why pulumi failed, when it did. */
  failure?: string;
}

/** Runs `pulumi …args --non-interactive`; resolves with what it printed, and why it failed if it did. */
export function runPulumi(args: readonly string[], options: PulumiOptions): Promise<PulumiRun> {
  const argv = [...args, "--non-interactive"];
  return new Promise((resolve) => {
    execFile(
      "pulumi",
      argv,
      { cwd: options.cwd, env: { ...options.env }, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const failure =
          "code" in error && error.code === "ENOENT"
            ? "The `pulumi` command was not found on PATH (or --cwd does not exist). Install the Pulumi CLI: https://www.pulumi.com/docs/install/"
            : `\`pulumi ${argv.join(" ")}\` failed${typeof error.code === "number" ? ` (exit code ${error.code})` : ""}.`;
        resolve({ stdout, stderr, failure });
      },
    );
  });
}

/** Like runPulumi, but a failure throws, with Pulumi's own message. */
export async function pulumiOrThrow(args: readonly string[], options: PulumiOptions): Promise<string> {
  const run = await runPulumi(args, options);
  if (run.failure !== undefined) {
    throw new PulumiError([run.failure, run.stderr.trim()].filter((part) => part !== "").join("\n"));
  }
  return run.stdout;
}

/** `--stack NAME` when a stack was given; otherwise Pulumi's selected stack. */
export function stackArgs(stack: string | undefined): string[] {
  return stack === undefined ? [] : ["--stack", stack];
}
