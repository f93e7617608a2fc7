/**
 * The command line of `pulumi-waapi`. Parsed by Node's own `util.parseArgs`, in strict mode; the
 * messages here never repeat what was typed after an option or in place of a command, because that
 * could be a token pasted in the wrong place (and this output ends up in CI logs).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ENV_VARS } from "../provider/settings";
import { DISCOVER_FORMATS, type DiscoverFormat } from "./discover";
import { DRIFT_FORMATS, type DriftFormat } from "./drift-report";
import { UNMANAGED_FORMATS, type UnmanagedFormat } from "./unmanaged";

export type Command =
  | { command: "help" }
  | { command: "discover"; format: DiscoverFormat; out?: string }
  | { command: "drift"; format: DriftFormat; cwd?: string; stack?: string }
  | { command: "recover"; yes: boolean; takes: Map<string, number | "none">; cwd?: string; stack?: string }
  | { command: "unmanaged"; format: UnmanagedFormat; cwd?: string; stacks: string[] };

export const USAGE = `Usage:
  pulumi-waapi discover [--format typescript|json|import] [--out FILE]
      Lists the instances of the token's account and writes a Pulumi program that adopts each of them
      (typescript, the default), the instances as data (json), or a bulk-import file (import).
  pulumi-waapi drift [--cwd DIR] [--stack NAME] [--format text|markdown|json]
      Runs \`pulumi preview --refresh --json\` for the stack and reports, per instance, what differs
      from the program. Exit codes: 0 no drift, 7 drift, 1 error.
  pulumi-waapi recover [--cwd DIR] [--stack NAME] [--yes] [--take RESOURCE=ID|none]...
      After a killed \`pulumi up\`: gives each create it left pending the instance it made (or clears it
      when it made none), so that the next \`pulumi up\` creates nothing twice. Without --yes it only
      says what it would do; where it cannot tell which instance is a create's, it changes nothing until
      --take says. Exit codes: 0 nothing left pending, 8 some undecided (nothing changed), 1 error.
  pulumi-waapi unmanaged [--cwd DIR] [--stack NAME]... [--format text|json]
      Lists the account's instances that none of the stacks records, with the coverage and the command
      that adopts each. Exit codes: 0 all managed, 7 unmanaged instances, 1 error.

The API token and base URL come from ${ENV_VARS.apiToken} and ${ENV_VARS.baseUrl} (discover), or from
the stack's config (drift, recover, unmanaged); never from the command line, where \`ps\` and shell history would show them.`;

/** A command line that cannot be run; the message says what to type instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = "UsageError";
  }
}

const SECRET_OPTIONS = new Set(["token", "api-token", "apitoken", "base-url", "baseurl", "url"]);

export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { command: "help" };
    case "discover": {
      const values = parseOptions(rest, { format: { type: "string" }, out: { type: "string" } });
      const format = oneOf("--format", values["format"] ?? "typescript", DISCOVER_FORMATS);
      return { command, format, ...(values["out"] !== undefined && { out: values["out"] }) };
    }
    case "drift": {
      const values = parseOptions(rest, {
        format: { type: "string" },
        cwd: { type: "string" },
        stack: { type: "string" },
      });
      return {
        command,
        format: oneOf("--format", values["format"] ?? "text", DRIFT_FORMATS),
        ...(values["cwd"] !== undefined && { cwd: values["cwd"] }),
        ...(values["stack"] !== undefined && { stack: values["stack"] }),
      };
    }
    case "recover": {
      const { repeated, others } = repeatedOption(rest, "take");
      const values = parseOptions(others, { cwd: { type: "string" }, stack: { type: "string" } }, ["yes"]);
      const takes = new Map<string, number | "none">();
      for (const take of repeated) {
        const match = /^(.+)=(\d{1,16}|none)$/.exec(take);
        if (!match?.[1] || !match[2]) throw new UsageError("--take must be RESOURCE=ID or RESOURCE=none.");
        takes.set(match[1], match[2] === "none" ? "none" : Number(match[2]));
      }
      return {
        command,
        yes: values["yes"] === "true",
        takes,
        ...(values["cwd"] !== undefined && { cwd: values["cwd"] }),
        ...(values["stack"] !== undefined && { stack: values["stack"] }),
      };
    }
    case "unmanaged": {
      const { values, stacks } = parseUnmanaged(rest);
      return {
        command,
        format: oneOf("--format", values["format"] ?? "text", UNMANAGED_FORMATS),
        stacks,
        ...(values["cwd"] !== undefined && { cwd: values["cwd"] }),
      };
    }
    default:
      throw new UsageError(
        `Unknown command${command.startsWith("-") ? " or option" : ""}: use discover, drift, recover or unmanaged.`,
      );
  }
}

type StringOptions = Record<string, { type: "string" }>;

/** The values of an option that may be given several times, and the other arguments. */
function repeatedOption(args: string[], name: string): { repeated: string[]; others: string[] } {
  const repeated: string[] = [];
  const others: string[] = [];
  for (let n = 0; n < args.length; n++) {
    const arg = args[n] ?? "";
    if (arg === `--${name}` && n + 1 < args.length) repeated.push(args[++n] ?? "");
    else if (arg.startsWith(`--${name}=`)) repeated.push(arg.slice(name.length + 3));
    else others.push(arg);
  }
  return { repeated, others };
}

/** unmanaged's options: `--stack` may be given several times. */
function parseUnmanaged(args: string[]): { values: Record<string, string | undefined>; stacks: string[] } {
  const { repeated: stacks, others } = repeatedOption(args, "stack");
  const values = parseOptions([...others, ...stacks.flatMap((stack) => ["--stack", stack]).slice(0, 2)], {
    format: { type: "string" },
    cwd: { type: "string" },
    stack: { type: "string" },
  });
  return { values, stacks };
}

/** `flags`: boolean options, returned as "true" when given. */
function parseOptions(
  args: string[],
  options: StringOptions,
  flags: readonly string[] = [],
): Record<string, string | undefined> {
  for (const arg of args) {
    const name = /^--?([^=]*)/.exec(arg)?.[1]?.toLowerCase();
    if (name !== undefined && SECRET_OPTIONS.has(name)) {
      throw new UsageError(
        `--${name} is not an option: the API token and base URL come only from ${ENV_VARS.apiToken} and ` +
          `${ENV_VARS.baseUrl}, never from the command line, where \`ps\` and shell history would show them.`,
      );
    }
  }
  const all: ParseArgsConfig["options"] = { ...options };
  for (const flag of flags) all[flag] = { type: "boolean" };
  const config: ParseArgsConfig = { args, options: all, strict: true, allowPositionals: false };
  try {
    const { values } = parseArgs(config);
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        typeof value === "string" ? value : value === true ? "true" : undefined,
      ]),
    );
  } catch (error) {
    // Node's messages quote the offending argument: say which kind of mistake it is instead, naming
    // only an option that looks like one (a plain word of letters and dashes, not a pasted value).
    const allowed = Object.keys(all)
      .map((option) => `--${option}`)
      .join(", ");
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new UsageError(`This command takes no arguments besides its options (${allowed}).`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new UsageError(`An option is missing its value (options: ${allowed}).`);
    }
    const unknown = args
      .map((arg) => /^--([a-z][a-z-]{0,30})(?:=|$)/i.exec(arg)?.[1])
      .find((name) => name !== undefined && !(name in all));
    throw new UsageError(`Unknown option${unknown ? ` --${unknown}` : ""}; the options are ${allowed}.`);
  }
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")}.`);
}
