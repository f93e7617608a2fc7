/**
 * `pulumi-waapi`: take over an existing WAAPI account (`discover`), report drift (`drift`), repair a
 * stack after a killed run (`recover`), list the instances no stack records (`unmanaged`).
 * Exit codes: 0 done (drift: no drift; unmanaged: all managed), 7 drift or unmanaged instances found,
 * 8 pending creates left undecided, 1 error. The bin is ./main.ts.
 */
import { writeFileSync } from "node:fs";
import { WaapiClient } from "../provider/client";
import { ENV_VARS, resolveSettings } from "../provider/settings";
import { parseCommandLine, USAGE, UsageError, type Command } from "./args";
import { discoverInstances, renderDiscovered } from "./discover";
import { runDrift } from "./drift";
import { renderDriftReport } from "./drift-report";
import { renderRecovery, runRecover } from "./recover";
import { renderUnmanaged, runUnmanaged } from "./unmanaged";

export const EXIT = { ok: 0, error: 1, drift: 7, unmanaged: 7, undecided: 8 } as const;

/** Where a run reads its environment and writes its output; the bin passes the process's own. */
export interface CommandIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`pulumi-waapi: ${error.message}\n`);
    return EXIT.error;
  }
  try {
    switch (command.command) {
      case "help":
        io.stdout(`${USAGE}\n`);
        return EXIT.ok;
      case "discover":
        return await discover(command, io);
      case "drift":
        return await drift(command, io);
      case "recover":
        return await recover(command, io);
      case "unmanaged":
        return await unmanaged(command, io);
    }
  } catch (error) {
    io.stderr(`pulumi-waapi ${command.command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
}

async function discover(command: Extract<Command, { command: "discover" }>, io: CommandIo): Promise<number> {
  const settings = resolveSettings(undefined, io.env);
  if (!settings.apiToken) {
    throw new Error(
      `no API token: set ${ENV_VARS.apiToken} to a token with the read permission ("User API Tokens" on ` +
        `waapi.app), and ${ENV_VARS.baseUrl} when it is not the real service.`,
    );
  }
  const client = new WaapiClient({ apiToken: settings.apiToken, baseUrl: settings.baseUrl });
  const instances = await discoverInstances(client);
  const text = renderDiscovered(instances, command.format);
  if (command.out === undefined) {
    io.stdout(text);
  } else {
    writeFileSync(command.out, text);
  }
  const where = withoutCredentials(settings.baseUrl);
  io.stderr(
    instances.length === 0
      ? `The account has no instances on ${where}: nothing to adopt` +
          (command.format === "typescript" ? "; the program declares no resources.\n" : ".\n")
      : `Found ${instances.length} instance${instances.length === 1 ? "" : "s"} on ${where}` +
          (command.out === undefined ? ".\n" : `; wrote ${command.out}.\n`),
  );
  return EXIT.ok;
}

async function drift(command: Extract<Command, { command: "drift" }>, io: CommandIo): Promise<number> {
  const report = await runDrift({
    cwd: command.cwd ?? io.cwd,
    env: io.env,
    ...(command.stack !== undefined && { stack: command.stack }),
  });
  io.stdout(renderDriftReport(report, command.format));
  return report.drifted ? EXIT.drift : EXIT.ok;
}

async function recover(command: Extract<Command, { command: "recover" }>, io: CommandIo): Promise<number> {
  const result = await runRecover({
    cwd: command.cwd ?? io.cwd,
    env: io.env,
    yes: command.yes,
    takes: command.takes,
    log: (line) => io.stderr(`${line}\n`),
    ...(command.stack !== undefined && { stack: command.stack }),
  });
  io.stdout(renderRecovery(result, command.yes));
  return result.decisions.some((decision) => decision.action === "undecided") ? EXIT.undecided : EXIT.ok;
}

async function unmanaged(
  command: Extract<Command, { command: "unmanaged" }>,
  io: CommandIo,
): Promise<number> {
  const report = await runUnmanaged({ cwd: command.cwd ?? io.cwd, env: io.env, stacks: command.stacks });
  io.stdout(renderUnmanaged(report, command.format));
  return report.unmanaged.length > 0 ? EXIT.unmanaged : EXIT.ok;
}

/** The base URL for a message: credentials in it are as secret as the token. */
function withoutCredentials(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return ENV_VARS.baseUrl;
  }
}
