/**
 * What `pulumi-waapi drift` found, and its three renderings: text for a terminal or a CI log, markdown
 * for a job summary or a pull-request comment, json for a job that acts on it.
 */

export const DRIFT_FORMATS = ["text", "markdown", "json"] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** What `pulumi preview --json` shows for a secret value; drift shows the same. */
export const SECRET_PLACEHOLDER = "[secret]";

export type Change = "modified" | "deleted" | "created";
/** outside-pulumi: refresh found it on waapi.app. not-deployed: the program says so, `up` has not run. */
export type Origin = "outside-pulumi" | "not-deployed";

export interface DriftedProperty {
  property: string;
  /** What the program declares; null when it declares nothing (no webhook, no events). */
  declared: unknown;
  /** What waapi.app has; null when there is nothing (or no instance). */
  live: unknown;
}

export interface DriftedInstance {
  /** The resource's name in the program. */
  resource: string;
  /** WAAPI's id; null for an instance that does not exist yet. */
  instanceId: number | null;
  change: Change;
  origin: Origin;
  properties: DriftedProperty[];
  /** What the next `pulumi up` does about it, in a sentence. */
  next: string;
}

export interface DriftReport {
  drifted: boolean;
  stack: string;
  /** How many WaapiInstance resources the stack has or declares. */
  checked: number;
  instances: DriftedInstance[];
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
  const of = `${report.checked} instance${report.checked === 1 ? "" : "s"}`;
  return report.drifted
    ? `${report.instances.length} of ${of} differ from the program.`
    : `No drift: the ${of} match the program.`;
}

function describe(instance: DriftedInstance): string {
  const id = instance.instanceId === null ? "no instance yet" : `instance ${instance.instanceId}`;
  const how =
    instance.origin === "outside-pulumi"
      ? `${instance.change} outside Pulumi`
      : {
          modified: "changed in the program",
          created: "added to the program",
          deleted: "removed from the program",
        }[instance.change] + ", not deployed yet";
  return `${id}: ${how}`;
}

/** A value as one line: JSON, which shows strings quoted, lists as lists and no value as null. */
function shown(value: unknown): string {
  return value === SECRET_PLACEHOLDER ? SECRET_PLACEHOLDER : JSON.stringify(value ?? null);
}

function textReport(report: DriftReport): string {
  const lines = [`Stack ${report.stack}: ${headline(report)}`];
  for (const instance of report.instances) {
    lines.push("", `${instance.resource} (${describe(instance)})`);
    for (const { property, declared, live } of instance.properties) {
      lines.push(`  ${property}: declared ${shown(declared)}, live ${shown(live)}`);
    }
    lines.push(`  ${instance.next}`);
  }
  return `${lines.join("\n")}\n`;
}

function markdownReport(report: DriftReport): string {
  const lines = [`### WAAPI drift: stack ${code(report.stack)}`, "", headline(report)];
  for (const instance of report.instances) {
    lines.push("", `#### ${code(instance.resource)} (${describe(instance)})`, "");
    if (instance.properties.length > 0) {
      lines.push("| property | declared | live |", "| --- | --- | --- |");
      for (const { property, declared, live } of instance.properties) {
        lines.push(`| ${code(property)} | ${code(shown(declared))} | ${code(shown(live))} |`);
      }
      lines.push("");
    }
    lines.push(escapeMarkdown(instance.next));
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
