/**
 * `pulumi-waapi unmanaged`: the account's instances that none of the given stacks records — paid for,
 * and invisible to every `pulumi` command until the invoice. Each comes with the command that adopts
 * it; those still as the server made them (provider/waapi-api.ts `isAsServerMade`) are marked as
 * probably left by an interrupted or failed create.
 */
import { WaapiClient } from "../provider/client";
import { outputsFromApi } from "../provider/instance/state";
import { INSTANCE_TYPE } from "../provider/tokens";
import { ENV_VARS } from "../provider/settings";
import { isAsServerMade } from "../provider/waapi-api";
import { resourceNames } from "./resource-names";
import { pulumiOrThrow } from "./pulumi";
import { exportStack, recordedInstances, stackSettings, type StackRef } from "./stack-state";

export const UNMANAGED_FORMATS = ["text", "json"] as const;
export type UnmanagedFormat = (typeof UNMANAGED_FORMATS)[number];

export const PROBABLY_INTERRUPTED = "probably left by an interrupted or failed create";

export interface UnmanagedInstance {
  instanceId: number;
  name: string;
  webhookUrl: string | null;
  webhookEvents: string[];
  /** No PUT has touched it: the server's default name, no webhook, no events. */
  asServerMade: boolean;
  /** PROBABLY_INTERRUPTED for one still as the server made it, else null. */
  note: string | null;
  /** How to adopt it: the dynamic door's input, and the native plugin's import command. */
  adopt: { waapiInstance: string; native: string };
}

export interface UnmanagedReport {
  /** The stacks whose states were read, as given (or the selected stack's name). */
  stacks: string[];
  /** Instances of the account, and how many of them the stacks record. */
  total: number;
  managed: number;
  coverage: string;
  unmanaged: UnmanagedInstance[];
}

export interface UnmanagedOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The stacks to read; empty: the selected one. The first one's config gives the token. */
  stacks: readonly string[];
}

export async function runUnmanaged(options: UnmanagedOptions): Promise<UnmanagedReport> {
  const refs: StackRef[] =
    options.stacks.length === 0
      ? [{ cwd: options.cwd, env: options.env }]
      : options.stacks.map((stack) => ({ cwd: options.cwd, env: options.env, stack }));
  const recorded = new Set<number>();
  for (const ref of refs) for (const id of recordedInstances(await exportStack(ref)).keys()) recorded.add(id);
  const [first] = refs;
  const settings = await stackSettings(first ?? { cwd: options.cwd, env: options.env });
  if (!settings.apiToken) {
    throw new Error(
      `no API token: the stack's config holds no waapi:apiToken and ${ENV_VARS.apiToken} is not set.`,
    );
  }
  const client = new WaapiClient({ apiToken: settings.apiToken, baseUrl: settings.baseUrl });
  const live = (await client.listInstances()).sort((a, b) => a.id - b.id);
  const names = resourceNames(live.map(({ id, name }) => ({ id, name })));
  const unmanaged = live
    .filter((instance) => !recorded.has(instance.id))
    .map((instance): UnmanagedInstance => {
      const outputs = outputsFromApi(instance);
      const asServerMade = isAsServerMade(instance);
      const resource = names.get(instance.id) ?? `instance-${instance.id}`;
      return {
        instanceId: instance.id,
        name: instance.name,
        webhookUrl: outputs.webhookUrl ?? null,
        webhookEvents: outputs.webhookEvents,
        asServerMade,
        note: asServerMade ? PROBABLY_INTERRUPTED : null,
        adopt: {
          waapiInstance: `adoptInstanceId: ${instance.id}`,
          native: `pulumi import ${INSTANCE_TYPE} ${resource} ${instance.id}`,
        },
      };
    });
  const managed = live.length - unmanaged.length;
  return {
    stacks:
      options.stacks.length === 0
        ? [(await pulumiOrThrow(["stack", "--show-name"], options)).trim()]
        : [...options.stacks],
    total: live.length,
    managed,
    coverage: `${managed} of ${live.length} instance${live.length === 1 ? "" : "s"} managed`,
    unmanaged,
  };
}

export function renderUnmanaged(report: UnmanagedReport, format: UnmanagedFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  const lines = [
    `${report.coverage} by ${report.stacks.length === 1 ? "stack" : "stacks"} ${report.stacks.join(", ")}.`,
  ];
  for (const instance of report.unmanaged) {
    lines.push(
      "",
      // JSON quoting: a name from waapi.app cannot break the line or pass for another entry.
      `instance ${instance.instanceId} ${JSON.stringify(instance.name)}${instance.note ? `: ${instance.note}` : ""}`,
      `  adopt it: WaapiInstance input \`${instance.adopt.waapiInstance}\`, or \`${instance.adopt.native}\` (native plugin)`,
    );
  }
  return `${lines.join("\n")}\n`;
}
