/**
 * `pulumi-waapi health`: per line, WAAPI's client status, who is linked, and what to do. With
 * --reboot or --logout it also sends WAAPI's action to the lines that need it, and only then: both
 * end a WhatsApp session on the phone's side, so nothing here does it unasked.
 */
import type { WaapiClient } from "../provider/client";
import { readLineStatus, type InstanceStatusResult } from "../provider/instance/line-status";
import {
  adviceFor,
  healthReport,
  type HealthReport,
  type LineAction,
  type LineHealth,
  type LineStatus,
} from "./health-report";

/** The client calls `health` makes: tests pass a fake of exactly this shape. */
export type HealthClient = Pick<
  WaapiClient,
  "listInstances" | "getClientStatus" | "getClientMe" | "rebootClient" | "logoutClient"
>;

export interface HealthOptions {
  /** The stack's name, or null for the whole account (--all). */
  stack: string | null;
  /** The stack's instances; ignored with --all, where the account's are listed. */
  instances: readonly { resource: string; instanceId: number }[];
  reboot: boolean;
  logout: boolean;
}

/** Lines checked at once: a large stack is not read one request at a time, nor all at once. */
const CONCURRENCY = 4;

export async function checkHealth(client: HealthClient, options: HealthOptions): Promise<HealthReport> {
  // One listing gives the names, and tells an instance deleted by hand from a line that is down.
  const live = new Map((await client.listInstances()).map((instance) => [instance.id, instance]));
  const targets =
    options.stack === null
      ? [...live.values()].map((instance) => ({ resource: null, instanceId: instance.id }))
      : options.instances.map(({ resource, instanceId }) => ({ resource, instanceId }));

  const check = async (target: { resource: string | null; instanceId: number }): Promise<LineHealth> => {
    const ref = { ...target, stack: options.stack };
    const instance = live.get(target.instanceId);
    let status: LineStatus = "not_found";
    let line: InstanceStatusResult | undefined;
    let action: LineAction | null = null;
    if (instance !== undefined) {
      // What a program's getInstanceStatus reads, from the same code.
      line = await readLineStatus(client, target.instanceId);
      status = line.status;
      if (status === "disconnected" && options.reboot) {
        await client.rebootClient(target.instanceId);
        action = "reboot";
      }
      if (status === "auth_failure" && options.logout) {
        await client.logoutClient(target.instanceId);
        action = "logout";
      }
    }
    return {
      ...target,
      name: instance?.name ?? null,
      status,
      linkedNumber: line?.linkedNumber ?? null,
      linkedName: line?.linkedName ?? null,
      next: adviceFor(status, ref, action),
      action,
    };
  };

  const lines: LineHealth[] = [];
  for (let start = 0; start < targets.length; start += CONCURRENCY) {
    lines.push(...(await Promise.all(targets.slice(start, start + CONCURRENCY).map(check))));
  }
  return healthReport(options.stack, lines);
}
