/**
 * What `pulumi-waapi health` found, and its three renderings: text for a terminal or a CI log,
 * markdown for a job summary, json for a job that acts on it (the README documents the JSON).
 */
import type { InstanceStatus } from "../provider/waapi-api";
import { linkCommand, shellWord, type LineRef } from "../provider/instance/line-status";
import { code, escapeMarkdown } from "./drift-report";

export type { LineRef };

export const HEALTH_FORMATS = ["text", "markdown", "json"] as const;
export type HealthFormat = (typeof HEALTH_FORMATS)[number];

/** WAAPI's status, or `not_found` for an instance the stack records and the account no longer has. */
export type LineStatus = InstanceStatus | "not_found";

/** A WAAPI action `health` sent because a flag asked for it. */
export type LineAction = "reboot" | "logout";

export interface LineHealth {
  /** The resource's name in the stack; null with --all for an instance the stack does not record. */
  resource: string | null;
  instanceId: number;
  /** The instance's name on waapi.app; null when it is not found. */
  name: string | null;
  status: LineStatus;
  /** Who linked it (`/client/me`), when it is ready. */
  linkedNumber: string | null;
  linkedName: string | null;
  /** What to do, in a sentence; null when the line is ready. */
  next: string | null;
  /** The action sent to WAAPI for this line (--reboot, --logout), if any. */
  action: LineAction | null;
}

export interface HealthReport {
  /** Every line is ready. */
  healthy: boolean;
  /** The stack read; null with --all. */
  stack: string | null;
  checked: number;
  notReady: number;
  instances: LineHealth[];
}

function healthCommand(line: LineRef, flag: string): string {
  return line.stack !== null
    ? `npx pulumi-waapi health --stack ${shellWord(line.stack)} ${flag}`
    : `npx pulumi-waapi health --all ${flag}`;
}

/** What to do about a line in `status`, after `action` (if any) was sent; null when it is ready. */
export function adviceFor(
  status: LineStatus,
  line: LineRef,
  action: LineAction | null = null,
): string | null {
  const link = `\`${linkCommand(line)}\``;
  if (action === "reboot") {
    return `WAAPI was asked to restart the client: run health again in a minute; if the line is still not ready, ${link} links it again.`;
  }
  if (action === "logout") {
    return `WAAPI logged the broken session out: ${link} shows a new QR code to scan.`;
  }
  switch (status) {
    case "ready":
      return null;
    case "qr":
      return `Waiting to be linked: ${link} shows the QR code to scan with the phone (or --phone NUMBER for a pairing code).`;
    case "booting":
    case "loading_screen":
      return "WAAPI is starting the client: check again in a minute.";
    case "authenticated":
      return "Linked, loading its chats: check again in a minute.";
    case "disconnected":
      return `The phone is no longer connected: ${link} links it again (or \`${healthCommand(line, "--reboot")}\` asks WAAPI to restart the client first).`;
    case "auth_failure":
      return `WhatsApp refused the session: \`${healthCommand(line, "--logout")}\` resets it, then ${link} links it again.`;
    case "not_found":
      return `The token's account has no such instance (deleted on waapi.app?): \`npx pulumi-waapi drift${line.stack === null ? "" : ` --stack ${shellWord(line.stack)}`}\` says what \`pulumi up\` would do.`;
  }
}

export function healthReport(stack: string | null, instances: LineHealth[]): HealthReport {
  const sorted = [...instances].sort(
    (a, b) => (a.resource ?? "").localeCompare(b.resource ?? "") || a.instanceId - b.instanceId,
  );
  const notReady = sorted.filter((line) => line.status !== "ready").length;
  return { healthy: notReady === 0, stack, checked: sorted.length, notReady, instances: sorted };
}

export function renderHealthReport(report: HealthReport, format: HealthFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "text":
      return textReport(report);
    case "markdown":
      return markdownReport(report);
  }
}

function scope(report: HealthReport): string {
  return report.stack === null ? "The account" : `Stack ${report.stack}`;
}

function headline(report: HealthReport): string {
  const lines = `${report.checked} line${report.checked === 1 ? "" : "s"}`;
  if (report.checked === 0) return "no WAAPI instances.";
  return report.healthy ? `all ${lines} ready.` : `${report.notReady} of ${lines} not ready.`;
}

function label(line: LineHealth): string {
  const id = `instance ${line.instanceId}`;
  return line.resource === null ? `${line.name ?? id} (${id})` : `${line.resource} (${id})`;
}

function linked(line: LineHealth): string {
  if (line.linkedNumber === null) return "";
  return line.linkedName ? `${line.linkedNumber} (${line.linkedName})` : line.linkedNumber;
}

function statusText(line: LineHealth): string {
  const status = line.status === "not_found" ? "not found" : line.status;
  const action = line.action === null ? "" : line.action === "reboot" ? ", rebooted" : ", logged out";
  return `${status}${action}`;
}

function textReport(report: HealthReport): string {
  const lines = [`${scope(report)}: ${headline(report)}`];
  for (const line of report.instances) {
    const who = linked(line);
    lines.push(`  ${label(line)}: ${statusText(line)}${who ? `, linked to ${who}` : ""}`);
    if (line.next !== null) lines.push(`    ${line.next}`);
  }
  return `${lines.join("\n")}\n`;
}

function markdownReport(report: HealthReport): string {
  const title =
    report.stack === null
      ? "### WAAPI line health: the account"
      : `### WAAPI line health: stack ${code(report.stack)}`;
  const lines = [title, "", `${scope(report)}: ${headline(report)}`];
  if (report.instances.length > 0) {
    lines.push(
      "",
      "| line | instance | status | linked to | what to do |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const line of report.instances) {
      const name = line.resource ?? line.name;
      lines.push(
        `| ${name === null ? "" : code(name)} | ${line.instanceId} | ${line.status === "ready" ? "" : "⚠️ "}${statusText(line)} | ${linked(line) === "" ? "" : code(linked(line))} | ${escapeMarkdown(line.next ?? "")} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
