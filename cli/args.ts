/**
 * The command line of `pulumi-waapi`. Parsed by Node's own `util.parseArgs`, in strict mode; the
 * messages here never repeat what was typed after an option or in place of a command, because that
 * could be a token pasted in the wrong place (and this output ends up in CI logs).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { PHONE_NUMBER_DIGITS, describeCodePoint, phoneNumberProblem } from "../provider/rules";
import { ENV_VARS } from "../provider/settings";
import { DISCOVER_FORMATS, type DiscoverFormat } from "./discover";
import { DRIFT_FORMATS, type DriftFormat } from "./drift-report";
import { HEALTH_FORMATS, type HealthFormat } from "./health-report";
import { UNMANAGED_FORMATS, type UnmanagedFormat } from "./unmanaged";

/** What `link` links: an instance id (all digits), or a resource name the stack's state records. */
export type LinkTarget = { instanceId: number } | { resource: string };

export const LINK_FORMATS = ["text", "png"] as const;
export type LinkFormat = (typeof LINK_FORMATS)[number];

/** `link`'s wait when --timeout is not given. */
export const DEFAULT_LINK_TIMEOUT_MS = 5 * 60_000;

export type Command =
  | { command: "help" }
  | { command: "discover"; format: DiscoverFormat; out?: string }
  | { command: "drift"; format: DriftFormat; cwd?: string; stack?: string }
  | { command: "recover"; yes: boolean; takes: Map<string, number | "none">; cwd?: string; stack?: string }
  | { command: "unmanaged"; format: UnmanagedFormat; cwd?: string; stacks: string[] }
  | {
      command: "link";
      target: LinkTarget;
      format: LinkFormat;
      timeoutMs: number;
      cwd?: string;
      stack?: string;
      phone?: string;
      out?: string;
    }
  | {
      command: "health";
      format: HealthFormat;
      /** Every instance of the token's account, instead of the stack's. */
      all: boolean;
      /** Ask WAAPI to restart the client of every disconnected line. */
      reboot: boolean;
      /** Ask WAAPI to log out every line in auth_failure, so that it shows a new QR code. */
      logout: boolean;
      cwd?: string;
      stack?: string;
    };

export const USAGE = `Usage:
  pulumi-waapi discover [--format typescript|json|import] [--out FILE]
      Lists the instances of the token's account and writes a Pulumi program that adopts each of them
      (typescript, the default), the instances as data with the WhatsApp groups of each linked line
      (json), or a bulk-import file (import).
  pulumi-waapi drift [--cwd DIR] [--stack NAME] [--format text|markdown|json]
      Runs \`pulumi preview --refresh --json\` for the stack and reports, per instance and group, what
      differs from the program (a group's members one by one). Exit codes: 0 no drift, 7 drift,
      1 error (or a resource that could not be read, and no drift elsewhere).
  pulumi-waapi recover [--cwd DIR] [--stack NAME] [--yes] [--take RESOURCE=ID|none]...
      After a killed \`pulumi up\`: gives each create it left pending the instance it made (or clears it
      when it made none), so that the next \`pulumi up\` creates nothing twice. Without --yes it only
      says what it would do; where it cannot tell which instance is a create's, it changes nothing until
      --take says. Exit codes: 0 nothing left pending, 8 some undecided (nothing changed), 1 error.
  pulumi-waapi unmanaged [--cwd DIR] [--stack NAME]... [--format text|json]
      Lists the account's instances that none of the stacks records, with the coverage and the command
      that adopts each. Exit codes: 0 all managed, 7 unmanaged instances, 1 error.
  pulumi-waapi link <resource name | instance id> [--stack NAME] [--cwd DIR] [--phone NUMBER]
                    [--timeout 5m] [--format text|png] [--out FILE]
      Links a WhatsApp phone to the instance: shows WAAPI's QR code in the terminal (--format png
      --out FILE: writes the image), or with --phone a pairing code to type on the phone, and waits
      until the line is ready. Exit codes: 0 linked, 2 timed out, 3 auth_failure, 1 error.
  pulumi-waapi health [--stack NAME | --all] [--cwd DIR] [--format text|markdown|json] [--reboot] [--logout]
      Per instance of the stack (--all: of the token's account): its status, the linked number and
      what to do. --reboot restarts disconnected lines, --logout resets lines in auth_failure (WAAPI's
      actions, sent only with these flags). Exit codes: 0 all ready, 8 some not ready, 1 error.

The API token and base URL come from ${ENV_VARS.apiToken} and ${ENV_VARS.baseUrl} (discover), or from
the stack's config and then those variables (drift, recover, unmanaged, link, health; link and health
outside a Pulumi project: the variables alone); never from the command line, where \`ps\` and shell
history would show them.`;

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
    case "link":
      return parseLink(rest);
    case "health": {
      const values = parseOptions(
        rest,
        { format: { type: "string" }, cwd: { type: "string" }, stack: { type: "string" } },
        ["all", "reboot", "logout"],
      );
      if (values["all"] === "true" && values["stack"] !== undefined) {
        throw new UsageError("Use --stack NAME or --all, not both: --all reads the whole account.");
      }
      return {
        command,
        format: oneOf("--format", values["format"] ?? "text", HEALTH_FORMATS),
        all: values["all"] === "true",
        reboot: values["reboot"] === "true",
        logout: values["logout"] === "true",
        ...(values["cwd"] !== undefined && { cwd: values["cwd"] }),
        ...(values["stack"] !== undefined && { stack: values["stack"] }),
      };
    }
    default:
      throw new UsageError(
        `Unknown command${command.startsWith("-") ? " or option" : ""}: use discover, drift, recover, unmanaged, link or health.`,
      );
  }
}

function parseLink(args: string[]): Command {
  const { values, positionals } = parseArguments(
    args,
    {
      format: { type: "string" },
      cwd: { type: "string" },
      stack: { type: "string" },
      phone: { type: "string" },
      timeout: { type: "string" },
      out: { type: "string" },
    },
    [],
    1,
  );
  const [what = ""] = positionals;
  const format = oneOf("--format", values["format"] ?? "text", LINK_FORMATS);
  const { out, phone, timeout } = values;
  if (format === "png" && out === undefined) {
    throw new UsageError("--format png writes an image: give it a file with --out FILE (e.g. --out qr.png).");
  }
  if (format === "text" && out !== undefined) {
    throw new UsageError("--out writes the QR code as an image: use it with --format png.");
  }
  if (phone !== undefined && format === "png") {
    throw new UsageError(
      "--phone links with a pairing code, not a QR code: leave out --format png and --out.",
    );
  }
  const problem = phone === undefined ? undefined : phoneNumberProblem(phone);
  if (problem !== undefined) {
    // Refused here, before Pulumi runs or any request is sent; the number is not repeated.
    const why = {
      empty: "it is empty",
      symbol: `it holds ${problem.kind === "symbol" ? describeCodePoint(problem.codePoint) : "a symbol"}`,
      "leading-zero": "it starts with 0, a national prefix: start with the country code",
      "too-short": `it has fewer than ${PHONE_NUMBER_DIGITS.min} digits`,
      "too-long": `it has more than ${PHONE_NUMBER_DIGITS.max} digits`,
    }[problem.kind];
    throw new UsageError(
      `--phone takes the number in international format, digits only, country code first, without ` +
        `+, spaces or dashes (${why}): e.g. --phone 50664083362 for +506 6408 3362.`,
    );
  }
  return {
    command: "link",
    target: /^\d+$/.test(what) ? { instanceId: Number(what) } : { resource: what },
    format,
    timeoutMs: timeout === undefined ? DEFAULT_LINK_TIMEOUT_MS : parseDuration(timeout),
    ...(values["cwd"] !== undefined && { cwd: values["cwd"] }),
    ...(values["stack"] !== undefined && { stack: values["stack"] }),
    ...(phone !== undefined && { phone }),
    ...(out !== undefined && { out }),
  };
}

/**
 * A duration such as 90s, 5m or 1h (a bare number counts as seconds). The message names no value:
 * the rule is the same for every wrong one.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const milliseconds = match ? Number(match[1]) * units[(match[2] ?? "s") as keyof typeof units] : NaN;
  if (!Number.isFinite(milliseconds) || milliseconds <= 0 || milliseconds > 24 * 3_600_000) {
    throw new UsageError(
      "--timeout must be a duration above 0 and up to 24h, such as 90s, 5m or 1h (a bare number is seconds).",
    );
  }
  return Math.round(milliseconds);
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
  return parseArguments(args, options, flags, 0).values;
}

/** parseOptions, and exactly `positionals` arguments besides the options (link's instance). */
function parseArguments(
  args: string[],
  options: StringOptions,
  flags: readonly string[],
  positionals: number,
): { values: Record<string, string | undefined>; positionals: string[] } {
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
  const config: ParseArgsConfig = { args, options: all, strict: true, allowPositionals: positionals > 0 };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(config);
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
      throw new UsageError(`An option is missing its value, or a flag was given one (options: ${allowed}).`);
    }
    const unknown = args
      .map((arg) => /^--([a-z][a-z-]{0,30})(?:=|$)/i.exec(arg)?.[1])
      .find((name) => name !== undefined && !(name in all));
    throw new UsageError(`Unknown option${unknown ? ` --${unknown}` : ""}; the options are ${allowed}.`);
  }
  if (positionals > 0 && parsed.positionals.length !== positionals) {
    // The arguments are not repeated: a stray one could be a pasted token.
    throw new UsageError(
      parsed.positionals.length === 0
        ? "Name the instance: a resource name from the stack's program, or WAAPI's instance id."
        : "Give one instance: a resource name from the stack's program, or WAAPI's instance id.",
    );
  }
  if (parsed.positionals.some((positional) => positional.trim() === "")) {
    throw new UsageError("The instance to link is blank: give a resource name or an instance id.");
  }
  const values = Object.fromEntries(
    Object.entries(parsed.values).map(([key, value]) => [
      key,
      typeof value === "string" ? value : value === true ? "true" : undefined,
    ]),
  );
  return { values, positionals: parsed.positionals };
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")}.`);
}
