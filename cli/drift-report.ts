/**
 * What `pulumi-waapi drift` found, and its three renderings: text for a terminal or a CI log, markdown
 * for a job summary or a pull-request comment, json for a job that acts on it.
 */

export const DRIFT_FORMATS = ["text", "markdown", "json"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** What `pulumi preview --json` shows for a secret value; drift shows the same. */
export const SECRET_PLACEHOLDER = "[secret]";

/** unread: the resource could not be read (its error says why), so drift could not check it. */
export type Change = "modified" | "deleted" | "created" | "unread";
/** outside-pulumi: refresh found it on waapi.app. not-deployed: the program says so, `up` has not run. */
export type Origin = "outside-pulumi" | "not-deployed";

/**
 * One member of a set-valued property (a group's participants or admins) that differs: `added`
 * outside Pulumi (live has it, the program does not) or `removed` outside Pulumi; or, not deployed,
 * added to or removed from the program.
 */
export interface DriftedMember {
  member: string;
  change: "added" | "removed";
  origin: Origin;
}

export interface DriftedProperty {
  property: string;
  /** What the program declares; null when it declares nothing (no webhook, no events). */
  declared: unknown;
  /** What waapi.app has; null when there is nothing (or no instance). */
  live: unknown;
  /** For a set of members (a group's participants, admins): each member that differs. */
  members?: DriftedMember[];
}

export interface DriftedResource {
  /** The resource's name in the program. */
  resource: string;
  /** WAAPI's id of the instance (of a group: of its line); null for an instance that does not exist yet. */
  instanceId: number | null;
  /** A group's `…@g.us` id; null for a group not made yet. Only groups have it. */
  groupId?: string | null;
  change: Change;
  /** null for an `unread` resource: nothing shows whether it drifted. */
  origin: Origin | null;
  properties: DriftedProperty[];
  /** What the next `pulumi up` does about it, in a sentence. */
  next: string;
  /** Why it could not be read (`unread` only), in the provider's words. */
  error?: string;
}

export interface DriftReport {
  /** Something differs from the program (an `unread` resource alone is not drift: see unreadCount). */
  drifted: boolean;
  stack: string;
  /** How many WAAPI resources (instances and groups) the stack has or declares. */
  checked: number;
  instances: DriftedResource[];
  /** The groups that differ or could not be read; present when the stack has or declares a group. */
  groups?: DriftedResource[];
}

/** The report's entries, instances first. */
export function entriesOf(report: DriftReport): DriftedResource[] {
  return [...report.instances, ...(report.groups ?? [])];
}

/**
 * What the report comes to, for the exit code: drift; or `unread` when a resource could not be read
 * and nothing else drifted (it may have drifted: not a clean bill); or none.
 */
export function driftOutcome(report: DriftReport): "drift" | "unread" | "none" {
  if (report.drifted) return "drift";
  return unreadCount(report) > 0 ? "unread" : "none";
}

/** How many resources could not be read (drift's exit code is an error's when nothing else drifted). */
export function unreadCount(report: DriftReport): number {
  return entriesOf(report).filter((entry) => entry.change === "unread").length;
}

export function renderDriftReport(report: DriftReport, format: DriftFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "text":
      return textReport(report);
    case "markdown":
      return markdownReport(report);
  }
}

function headline(report: DriftReport): string {
  const noun = report.groups === undefined ? "instance" : "resource";
  const of = `${report.checked} ${noun}${report.checked === 1 ? "" : "s"}`;
  const unread = unreadCount(report);
  const differ = entriesOf(report).length - unread;
  const notRead = unread === 0 ? "" : ` ${unread} could not be read, see below.`;
  if (report.drifted) return `${differ} of ${of} differ from the program.${notRead}`;
  if (unread > 0) return `No drift in the ${report.checked - unread} of ${of} read;${notRead}`;
  return `No drift: the ${of} match the program.`;
}

function describe(entry: DriftedResource): string {
  const id =
    entry.groupId === undefined
      ? entry.instanceId === null
        ? "no instance yet"
        : `instance ${entry.instanceId}`
      : entry.groupId === null
        ? "no group yet"
        : `group ${entry.groupId} of instance ${entry.instanceId}`;
  if (entry.change === "unread") return `${id}: could not be read`;
  const how =
    entry.origin === "outside-pulumi"
      ? `${entry.change} outside Pulumi`
      : {
          modified: "changed in the program",
          created: "added to the program",
          deleted: "removed from the program",
        }[entry.change] + ", not deployed yet";
  return `${id}: ${how}`;
}

/** A value as one line: JSON, which shows strings quoted, lists as lists and no value as null. */
function shown(value: unknown): string {
  return value === SECRET_PLACEHOLDER ? SECRET_PLACEHOLDER : JSON.stringify(value ?? null);
}

/** One member that differs, as a line: "+4915…@c.us added outside Pulumi". */
function memberLine({ member, change, origin }: DriftedMember): string {
  const sign = change === "added" ? "+" : "-";
  const how =
    origin === "outside-pulumi"
      ? `${change} outside Pulumi`
      : `${change === "added" ? "added to" : "removed from"} the program, not deployed yet`;
  return `${sign}${member} ${how}`;
}

function textReport(report: DriftReport): string {
  const lines = [`Stack ${report.stack}: ${headline(report)}`];
  for (const entry of entriesOf(report)) {
    lines.push("", `${entry.resource} (${describe(entry)})`);
    for (const { property, declared, live, members } of entry.properties) {
      if (members === undefined)
        lines.push(`  ${property}: declared ${shown(declared)}, live ${shown(live)}`);
      else for (const member of members) lines.push(`  ${property}: ${memberLine(member)}`);
    }
    if (entry.error !== undefined) lines.push(`  ${entry.error}`);
    lines.push(`  ${entry.next}`);
  }
  return `${lines.join("\n")}\n`;
}

function markdownReport(report: DriftReport): string {
  const lines = [`### WAAPI drift: stack ${code(report.stack)}`, "", headline(report)];
  for (const entry of entriesOf(report)) {
    lines.push("", `#### ${code(entry.resource)} (${describe(entry)})`, "");
    if (entry.properties.length > 0) {
      lines.push("| property | declared | live |", "| --- | --- | --- |");
      for (const { property, declared, live } of entry.properties) {
        lines.push(`| ${code(property)} | ${code(shown(declared))} | ${code(shown(live))} |`);
      }
      lines.push("");
      const members = entry.properties.flatMap(({ property, members: changed = [] }) =>
        changed.map((member) => `- ${code(property)}: ${code(memberLine(member))}`),
      );
      if (members.length > 0) lines.push(...members, "");
    }
    if (entry.error !== undefined) lines.push(code(entry.error), "");
    lines.push(escapeMarkdown(entry.next));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A code span that holds any text: a fence longer than any run of backticks inside, no line breaks,
 * and `|` escaped so that a table cell does not end early. Names and URLs come from waapi.app, where
 * anyone with dashboard access can set them: they must not become markup in a pull-request comment.
 */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Plain prose of our own, with backticked commands: only characters that could start markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[<>|]/g, (character) => `\\${character}`);
}
