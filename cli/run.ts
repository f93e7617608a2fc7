/**
 * `pulumi-waapi`: take over an existing WAAPI account (`discover`), report drift (`drift`), repair a
 * stack after a killed run (`recover`), list the instances no stack records (`unmanaged`), link a
 * phone (`link`), check the lines (`health`).
 * Exit codes: 0 done (drift: no drift; unmanaged: all managed; link: linked; health: all ready),
 * 1 error, 2 link timed out, 3 link met auth_failure, 7 drift or unmanaged instances found,
 * 8 pending creates left undecided (recover) or lines not ready (health). The bin is ./main.ts.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { RequestPacer, WaapiClient } from "../provider/client";
import { CONFIG_KEYS, ENV_VARS, resolveSettings, type ProviderSettings } from "../provider/settings";
import { parseCommandLine, USAGE, UsageError, type Command } from "./args";
import { discoverInstances, discoverLines, groupCount, renderDiscovered } from "./discover";
import { runDrift } from "./drift";
import { driftOutcome, renderDriftReport } from "./drift-report";
import { checkHealth } from "./health";
import { renderHealthReport } from "./health-report";
import { linkInstance } from "./link";
import { renderRecovery, runRecover } from "./recover";
import {
  exportStack,
  isPulumiProject,
  recordedInstances,
  stackNameOf,
  stackSettings,
  type StackRef,
} from "./stack-state";
import { renderUnmanaged, runUnmanaged } from "./unmanaged";

export const EXIT = {
  ok: 0,
  error: 1,
  timedOut: 2,
  authFailure: 3,
  drift: 7,
  unmanaged: 7,
  undecided: 8,
  notReady: 8,
} as const;

/** Where a run reads its environment and writes its output; the bin passes the process's own. */
export interface CommandIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal (link redraws its progress line in place). Default false. */
  interactive?: boolean;
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
      case "link":
        return await link(command, io);
      case "health":
        return await health(command, io);
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
  const lines = await discoverLines(client, instances);
  const text = renderDiscovered(instances, command.format, lines);
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
          groupSummary(lines) +
          (command.out === undefined ? ".\n" : `; wrote ${command.out}.\n`),
  );
  for (const [instanceId, line] of lines) {
    if (line.problem !== undefined)
      io.stderr(`Could not read the groups of instance ${instanceId}: ${line.problem}\n`);
  }
  return EXIT.ok;
}

/** ", 3 groups on 2 linked lines" — or on none: only a linked (ready) line's groups can be read. */
function groupSummary(lines: Parameters<typeof groupCount>[0]): string {
  const { groups, readyLines } = groupCount(lines);
  if (readyLines === 0) return ", no line linked (groups are read from linked lines only)";
  return `, ${groups} group${groups === 1 ? "" : "s"} on ${readyLines} linked line${readyLines === 1 ? "" : "s"}`;
}

async function drift(command: Extract<Command, { command: "drift" }>, io: CommandIo): Promise<number> {
  const report = await runDrift({
    cwd: command.cwd ?? io.cwd,
    env: io.env,
    ...(command.stack !== undefined && { stack: command.stack }),
  });
  io.stdout(renderDriftReport(report, command.format));
  return { drift: EXIT.drift, unread: EXIT.error, none: EXIT.ok }[driftOutcome(report)];
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

/** `link`'s pause between two status requests; WAAPI_LINK_POLL_MS overrides it (tests use a short one). */
const LINK_POLL_MS = 2000;

async function link(command: Extract<Command, { command: "link" }>, io: CommandIo): Promise<number> {
  const where = stackRef(command, io);
  let instanceId: number;
  let label: string;
  let settings: ProviderSettings;
  if ("resource" in command.target) {
    if (!isPulumiProject(where.cwd)) {
      throw new Error(
        "A resource name is looked up in the stack's state: run link in the Pulumi project (or give " +
          "--cwd DIR), or give WAAPI's instance id instead.",
      );
    }
    // Pulumi reads the state and the config at once: two short processes, not one after the other.
    const [state, stackConfig] = await Promise.all([exportStack(where), stackSettings(where)]);
    const recorded = [...recordedInstances(state)];
    const wanted = command.target.resource;
    const found = recorded.find(([, resource]) => resource === wanted);
    if (found === undefined) {
      // The name typed is not repeated (it could be a pasted token); the stack's names are.
      const names = recorded.map(([, resource]) => resource).sort();
      const stack = await stackNameOf(where, state);
      throw new Error(
        `The stack ${stack} records no WAAPI instance by that name. ` +
          (names.length === 0
            ? "It has none: run `pulumi up` first, or give WAAPI's instance id."
            : `Its instances: ${names.join(", ")}. Give one of these resource names, or WAAPI's instance id.`),
      );
    }
    instanceId = found[0];
    label = `${found[1]} (instance ${found[0]})`;
    settings = stackConfig;
  } else {
    instanceId = command.target.instanceId;
    label = `instance ${instanceId}`;
    settings = await settingsFor(where);
  }
  const outcome = await linkInstance(clientFor(settings), {
    instanceId,
    label,
    format: command.format,
    ...(command.out !== undefined && { out: resolve(io.cwd, command.out) }),
    ...(command.phone !== undefined && { phone: command.phone }),
    timeoutMs: command.timeoutMs,
    pollMs: Number(io.env["WAAPI_LINK_POLL_MS"]) || LINK_POLL_MS,
    color: !io.env["NO_COLOR"],
    interactive: io.interactive ?? false,
    stdout: io.stdout,
    stderr: io.stderr,
  });
  return { linked: EXIT.ok, "timed-out": EXIT.timedOut, "auth-failure": EXIT.authFailure }[outcome];
}

async function health(command: Extract<Command, { command: "health" }>, io: CommandIo): Promise<number> {
  const where = stackRef(command, io);
  let stack: string | null = null;
  let instances: { resource: string; instanceId: number }[] = [];
  let settings: ProviderSettings;
  if (command.all) {
    settings = await settingsFor(where);
  } else {
    if (!isPulumiProject(where.cwd)) {
      throw new Error(
        "health reads the stack's instances: run it in the Pulumi project (or give --cwd DIR), or " +
          "give --all for every instance of the token's account.",
      );
    }
    const [state, stackConfig] = await Promise.all([exportStack(where), stackSettings(where)]);
    stack = await stackNameOf(where, state);
    instances = [...recordedInstances(state)].map(([instanceId, resource]) => ({ resource, instanceId }));
    settings = stackConfig;
  }
  const report = await checkHealth(clientFor(settings), {
    stack,
    instances,
    reboot: command.reboot,
    logout: command.logout,
  });
  io.stdout(renderHealthReport(report, command.format));
  return report.healthy ? EXIT.ok : EXIT.notReady;
}

function stackRef(command: { cwd?: string; stack?: string }, io: CommandIo): StackRef {
  return {
    cwd: resolve(io.cwd, command.cwd ?? "."),
    env: io.env,
    ...(command.stack !== undefined && { stack: command.stack }),
  };
}

/**
 * The settings as the provider would resolve them: in a Pulumi project (or with --stack), the
 * stack's config first, then the environment; elsewhere the environment alone.
 */
async function settingsFor(where: StackRef): Promise<ProviderSettings> {
  return where.stack !== undefined || isPulumiProject(where.cwd)
    ? stackSettings(where)
    : resolveSettings(undefined, where.env);
}

/** A client as the provider makes one from the same settings (pace and timeout included). */
function clientFor(settings: ProviderSettings): WaapiClient {
  if (!settings.apiToken) {
    throw new Error(
      `no API token: set the stack's \`pulumi config set --secret ${CONFIG_KEYS.apiToken}\` (as for ` +
        `\`pulumi up\`), or ${ENV_VARS.apiToken}, to a token from "User API Tokens" on waapi.app.`,
    );
  }
  return new WaapiClient({
    apiToken: settings.apiToken,
    baseUrl: settings.baseUrl,
    pacer: new RequestPacer(
      settings.maxRequestsPerMinute === undefined
        ? {}
        : { maxRequestsPerMinute: settings.maxRequestsPerMinute },
    ),
    ...(settings.requestTimeoutMs === undefined ? {} : { timeoutMs: settings.requestTimeoutMs }),
  });
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
