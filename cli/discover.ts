/**
 * `pulumi-waapi discover`: the token's instances, as a TypeScript program that adopts each of them
 * (the dynamic WaapiInstance), as data, or as Pulumi's bulk-import file (the native plugin); and the
 * WhatsApp groups of every line that is linked (`ready`), as data and in the import file.
 */
import { WaapiError, type WaapiClient } from "../provider/client";
import { inputsFromOutputs, outputsFromApi, type InstanceOutputs } from "../provider/instance/state";
import { GROUP_TYPE, INSTANCE_TYPE } from "../provider/tokens";
import { groupResourceId, membershipOf } from "../provider/resources/group/state";
import { LINKED_STATUS, type InstanceStatus } from "../provider/waapi-api";
import { resourceNames, slugOf } from "./resource-names";

export const DISCOVER_FORMATS = ["typescript", "json", "import"] as const;
export type DiscoverFormat = (typeof DISCOVER_FORMATS)[number];

/** One live instance and the resource name the generated program gives it. */
export interface DiscoveredInstance extends InstanceOutputs {
  resourceName: string;
}

/** The account's instances, sorted by id, each with a unique resource name. */
export async function discoverInstances(client: WaapiClient): Promise<DiscoveredInstance[]> {
  const live = (await client.listInstances()).map(outputsFromApi).sort((a, b) => a.instanceId - b.instanceId);
  const names = resourceNames(live.map(({ instanceId, name }) => ({ id: instanceId, name })));
  return live.map((instance) => ({ resourceName: names.get(instance.instanceId) ?? "", ...instance }));
}

/**
 * A group of a linked line, as a Group resource would declare it: members and admins without the
 * line's own number (its owner), sorted. The invite link is left out: anyone holding it can join,
 * and discover's output is meant to be committed.
 */
export interface DiscoveredGroup {
  /** `<instanceId>/<groupId>`: what `pulumi import` of a Group takes. */
  importId: string;
  groupId: string;
  resourceName: string;
  subject: string;
  owner: string;
  participants: string[];
  admins: string[];
}

/** What discover learnt of an instance's line: its status, and its groups when it is ready. */
export interface DiscoveredLine {
  /** null when the status could not be read. */
  status: InstanceStatus | null;
  /** null when the line is not ready (groups cannot be read then) or the reading failed. */
  groups: DiscoveredGroup[] | null;
  /** Why `groups` is null on a line that should have had them, in a sentence. */
  problem?: string;
}

/**
 * The line of each instance: its status, then the groups of those that are ready. A line that cannot
 * be read says why instead of failing the whole discover: the instances are still worth listing.
 */
export async function discoverLines(
  client: Pick<WaapiClient, "getClientStatus" | "listGroups">,
  instances: readonly DiscoveredInstance[],
): Promise<Map<number, DiscoveredLine>> {
  const lines = new Map<number, DiscoveredLine>();
  // One namespace for instances and groups: the code `pulumi import` generates from the file names each
  // resource by it (a YAML resources key, a program variable), and those share one namespace.
  const taken = new Set(instances.map((instance) => instance.resourceName));
  for (const instance of instances) {
    let status: InstanceStatus;
    try {
      status = (await client.getClientStatus(instance.instanceId)).instanceStatus;
    } catch (error) {
      lines.set(instance.instanceId, { status: null, groups: null, problem: problemOf(error) });
      continue;
    }
    if (status !== LINKED_STATUS) {
      lines.set(instance.instanceId, { status, groups: null });
      continue;
    }
    try {
      const groups = await client.listGroups(instance.instanceId);
      lines.set(instance.instanceId, { status, groups: namedGroups(instance, groups, taken) });
    } catch (error) {
      lines.set(instance.instanceId, { status, groups: null, problem: problemOf(error) });
    }
  }
  return lines;
}

function problemOf(error: unknown): string {
  return error instanceof WaapiError ? error.message : `unexpected failure: ${String(error)}`;
}

/**
 * Resource names for an instance's groups: `<instance name>-<subject slug>`, and the group id's last
 * digits when two groups of the line share a subject; deterministic, like the instances' names. A
 * name another resource already has (an instance called "Support line on call", a group of another
 * line) gets `-group`, then the id's digits: `taken` holds the names given so far, and grows.
 */
function namedGroups(
  instance: DiscoveredInstance,
  groups: Awaited<ReturnType<WaapiClient["listGroups"]>>,
  taken: Set<string>,
): DiscoveredGroup[] {
  const sorted = [...groups].sort((a, b) => a.groupId.localeCompare(b.groupId));
  const slugs = sorted.map((group) => `${instance.resourceName}-${slugOf(group.subject)}`);
  return sorted.map((group, index) => {
    const slug = slugs[index] ?? "";
    const shared = slugs.filter((other) => other === slug).length > 1;
    const digits = group.groupId.replace(/@g\.us$/, "").slice(-6);
    let name = shared ? `${slug}-${digits}` : slug;
    if (taken.has(name)) name = `${name}-group`;
    while (taken.has(name)) name = `${name}-${digits}`;
    taken.add(name);
    const membership = membershipOf(group);
    return {
      importId: groupResourceId(instance.instanceId, group.groupId),
      groupId: group.groupId,
      resourceName: name,
      subject: membership.subject,
      owner: membership.owner,
      participants: membership.participants,
      admins: membership.admins,
    };
  });
}

/** How many groups the lines hold, and on how many ready lines, for the summary. */
export function groupCount(lines: ReadonlyMap<number, DiscoveredLine>): {
  groups: number;
  readyLines: number;
} {
  let groups = 0;
  let readyLines = 0;
  for (const line of lines.values()) {
    if (line.groups === null) continue;
    readyLines += 1;
    groups += line.groups.length;
  }
  return { groups, readyLines };
}

export function renderDiscovered(
  instances: readonly DiscoveredInstance[],
  format: DiscoverFormat,
  lines: ReadonlyMap<number, DiscoveredLine> = new Map(),
): string {
  switch (format) {
    case "typescript":
      return typescriptProgram(instances, lines);
    case "json":
      return `${JSON.stringify({ instances: instances.map((instance) => asData(instance, lines.get(instance.instanceId))) }, null, 2)}\n`;
    case "import": {
      const groups = instances.flatMap((instance) => lines.get(instance.instanceId)?.groups ?? []);
      return `${JSON.stringify({ resources: [...instances.map(asImport), ...groups.map(asGroupImport)] }, null, 2)}\n`;
    }
  }
}

/**
 * One entry of Pulumi's bulk-import file (`pulumi import --file`), for the native plugin's type: the
 * engine reads each instance through the plugin and records it, protected, without a write.
 */
function asImport(instance: DiscoveredInstance) {
  return { type: INSTANCE_TYPE, name: instance.resourceName, id: String(instance.instanceId) };
}

/** A group of a linked line, for the same file: the engine reads it (get-group-info) and writes nothing. */
function asGroupImport(group: DiscoveredGroup) {
  return { type: GROUP_TYPE, name: group.resourceName, id: group.importId };
}

/** The JSON form: every field present (null for no webhook, no status, no groups), in a fixed order. */
function asData(instance: DiscoveredInstance, line: DiscoveredLine | undefined) {
  return {
    instanceId: instance.instanceId,
    resourceName: instance.resourceName,
    name: instance.name,
    webhookUrl: instance.webhookUrl ?? null,
    webhookEvents: instance.webhookEvents,
    owner: instance.owner,
    isTrial: instance.isTrial,
    lineStatus: line?.status ?? null,
    groups: line?.groups ?? null,
    ...(line?.problem === undefined ? {} : { groupsProblem: line.problem }),
  };
}

const PROGRAM_HEADER = [
  "// Generated by `pulumi-waapi discover`. Each WaapiInstance adopts an existing WAAPI instance",
  "// (adoptInstanceId): `pulumi up` reads it and writes nothing while it matches what is declared here.",
  "// Review, run `pulumi up`, and commit this file; from then on, change the instances here.",
];

/**
 * A complete index.ts. Every string goes through JSON.stringify, which makes any instance name or URL
 * a valid TypeScript string literal (quotes, backslashes, control characters, any script). Names and
 * URLs never go into comments, where a line break or a comment terminator would end them early.
 */
function typescriptProgram(
  instances: readonly DiscoveredInstance[],
  lines: ReadonlyMap<number, DiscoveredLine>,
): string {
  if (instances.length === 0) {
    return [
      ...PROGRAM_HEADER.slice(0, 1),
      "// The token's account has no instances: there is nothing to adopt yet. Declare new ones here, e.g.",
      '//   new WaapiInstance("support", { name: "Support line", webhookEvents: ["message"] });',
      '// after `import { WaapiInstance } from "pulumi-waapi";`.',
      "export {};",
      "",
    ].join("\n");
  }
  const program = [
    ...PROGRAM_HEADER,
    "// protect: true makes `pulumi destroy`, or a declaration removed by mistake, fail instead of deleting",
    "// a paid instance; remove it where deleting is what you want.",
    'import { WaapiInstance } from "pulumi-waapi";',
  ];
  for (const instance of instances) {
    const inputs = { ...inputsFromOutputs(instance), adoptInstanceId: instance.instanceId };
    program.push(
      "",
      "new WaapiInstance(",
      `  ${JSON.stringify(instance.resourceName)},`,
      "  {",
      ...Object.entries(inputs).map(([key, value]) => `    ${key}: ${literal(value)},`),
      "  },",
      "  { protect: true },",
      ");",
    );
  }
  const { groups, readyLines } = groupCount(lines);
  if (groups > 0) {
    // Counts only: subjects are user text, and never go into a comment (see above).
    program.push(
      "",
      `// The ${readyLines} linked line(s) are in ${groups} WhatsApp group(s), not declared here:`,
      "// `pulumi-waapi discover --format json` lists them.",
    );
  }
  return `${program.join("\n")}\n`;
}

function literal(value: unknown): string {
  return Array.isArray(value)
    ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]`
    : JSON.stringify(value);
}
