/**
 * `pulumi-waapi drift`: runs `pulumi preview --refresh --json` and says, per WAAPI resource (each type
 * of the registry, provider/resources: instances, groups), what the next `pulumi up` would change and
 * why.
 *
 * One preview holds everything needed. Its `refresh` steps carry the state as last recorded; the
 * steps after them compare the live resource (their old state, as refresh found it) with the program
 * (their new inputs). So a property whose live value differs from the recorded one was changed
 * outside Pulumi; one whose live value is still the recorded one was changed in the program and not
 * deployed yet. A set of members (a group's participants) is compared member by member. The `pulumi`
 * on PATH runs it, with this process's environment: the stack's config (or WAAPI_API_TOKEN) gives
 * the provider its token; drift itself never reads one.
 *
 * A resource the provider cannot read (a group whose line is not linked) fails the whole preview; its
 * error names it, so drift reports it as `unread` with that error and previews again without it. Any
 * other error (a bad token, a wrong baseUrl, an invalid input) is Pulumi's: drift stops with it.
 */
import { resourceFor, type Resource } from "../provider/resources";
import { resourceNoun, type MemberSets } from "../provider/resources/descriptor";
import { instanceResource } from "../provider/instance/resource";
import { LineNotReadyError } from "../provider/instance/line-status";
import { runPulumi, stackArgs } from "./pulumi";
import {
  SECRET_PLACEHOLDER,
  type DriftReport,
  type DriftedMember,
  type DriftedProperty,
  type DriftedResource,
  type Origin,
} from "./drift-report";

/**
 * The type tokens of an instance: the dynamic WaapiInstance's (the SDK makes it from the module and
 * type names provider/dynamic/resource.ts registers) and the native plugin's.
 */
export const WAAPI_INSTANCE_TYPES: ReadonlySet<string> = new Set([
  instanceResource.dynamicToken,
  instanceResource.token,
]);

/** Pulumi failed, or could not be run; the message is Pulumi's own where it gave one. */
export class DriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DriftError";
  }
}

export interface DriftOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stack?: string;
}

export async function runDrift(options: DriftOptions): Promise<DriftReport> {
  const unread = new Map<string, Unread>();
  const waapi = new Set<string>();
  // A pass that fails only on lines that are not linked leaves those resources out of the next. Each
  // such pass leaves out one more at least, so passes never exceed the WAAPI resources seen, plus one:
  // the cap holds drift to that whatever a preview prints.
  for (let pass = 1; ; pass++) {
    const excluded = [...unread.keys()].flatMap((urn) => ["--exclude", urn]);
    const args = ["preview", "--refresh", "--json", ...stackArgs(options.stack), ...excluded];
    const { stdout, stderr, failure } = await runPulumi(args, options);
    const preview = parsePreview(stdout);
    for (const step of preview?.steps ?? []) if (resourceFor(urnParts(step.urn).type)) waapi.add(step.urn);
    if (failure !== undefined) {
      const found = preview ? unreadIn(preview) : undefined;
      const failed = found?.filter(([urn]) => !unread.has(urn)) ?? [];
      // Any other error (a bad token, a wrong baseUrl, an invalid input) is Pulumi's to report.
      const otherErrors = preview ? errorsBesides(preview, found ?? []) : 0;
      for (const [urn] of failed) waapi.add(urn);
      if (failed.length === 0 || otherErrors > 0 || pass > waapi.size + 1)
        throw new DriftError(pulumiFailure(preview, stderr, failure));
      for (const [urn, why] of failed) unread.set(urn, why);
      continue;
    }
    if (preview === undefined)
      throw new DriftError(`\`pulumi preview --json\` printed no JSON. ${stderr.trim()}`);
    return analysePreview(preview, options.stack, unread);
  }
}

/** A resource the provider could not read: its error, and its state as recorded (for its ids). */
export interface Unread {
  error: string;
  recorded?: ResourceState;
}

/**
 * The words of the core's LineNotReadyError (provider/instance/line-status.ts), with its instance id,
 * status and what was refused left open: made from the class itself, so the wording lives there only.
 */
const LINE_NOT_READY = ((): RegExp => {
  const id = 1234567;
  const mark = "\u0000";
  const [head = "", middle = ""] = new LineNotReadyError(id, mark, mark).message.split(mark);
  const [before = "", after = ""] = head.split(String(id));
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${literal(before)}\\d+${literal(after)}[^)]*${literal(middle)}`);
})();

/** Whether an error means the resource could not be read because its line is not linked. */
export function isLineNotReady(message: string): boolean {
  return LINE_NOT_READY.test(message);
}

/**
 * The WAAPI resources a failed preview could not read because their line is not linked, with the
 * provider's message (without the engine's "error: Preview failed: " before it) and the state their
 * refresh step recorded. Other errors are not here: they are not "could not be read".
 */
export function unreadIn(preview: Preview): [string, Unread][] {
  const recorded = new Map(
    preview.steps.flatMap((step) =>
      step.op === "refresh" && step.oldState ? [[step.urn, step.oldState]] : [],
    ),
  );
  const found = new Map<string, Unread>();
  for (const { severity, message, urn } of preview.diagnostics) {
    if (severity !== "error" || urn === undefined || !resourceFor(urnParts(urn).type)) continue;
    if (!isLineNotReady(message)) continue;
    const error = message
      .trim()
      .replace(/^error:\s*/i, "")
      .replace(/^preview failed:\s*/i, "");
    const state = recorded.get(urn);
    found.set(urn, { error, ...(state && { recorded: state }) });
  }
  return [...found];
}

/**
 * How many error diagnostics name a resource and are not about one of `unread` (the engine's closing
 * "preview failed" names none).
 */
function errorsBesides(preview: Preview, unread: readonly [string, Unread][]): number {
  const known = new Set(unread.map(([urn]) => urn));
  return preview.diagnostics.filter(
    ({ severity, urn }) => severity === "error" && urn !== undefined && !known.has(urn),
  ).length;
}

/** Pulumi's own error messages: the preview's error diagnostics, and what it wrote to stderr. */
function pulumiFailure(preview: Preview | undefined, stderr: string, failure: string): string {
  const diagnostics = (preview?.diagnostics ?? [])
    .filter((diagnostic) => diagnostic.severity === "error")
    .map((diagnostic) => diagnostic.message.trim());
  return [failure, ...diagnostics, stderr.trim()].filter((part) => part !== "").join("\n");
}

// The parts of `pulumi preview --json` (display.PreviewDigest) drift reads.
export interface ResourceState {
  type?: string;
  id?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}
interface PreviewStep {
  op: string;
  urn: string;
  oldState?: ResourceState;
  newState?: ResourceState;
  diffReasons: string[];
}
export interface Preview {
  steps: PreviewStep[];
  diagnostics: { severity: string; message: string; urn?: string }[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function readState(value: unknown): ResourceState | undefined {
  if (!isObject(value)) return undefined;
  const state: ResourceState = {
    inputs: isObject(value["inputs"]) ? value["inputs"] : {},
    outputs: isObject(value["outputs"]) ? value["outputs"] : {},
  };
  if (typeof value["type"] === "string") state.type = value["type"];
  if (typeof value["id"] === "string") state.id = value["id"];
  return state;
}

/** The preview's JSON, or undefined when stdout holds none (Pulumi failed before printing it). */
export function parsePreview(stdout: string): Preview | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const steps: PreviewStep[] = [];
  for (const raw of Array.isArray(parsed["steps"]) ? parsed["steps"] : []) {
    if (!isObject(raw) || typeof raw["op"] !== "string" || typeof raw["urn"] !== "string") continue;
    const step: PreviewStep = { op: raw["op"], urn: raw["urn"], diffReasons: stringsIn(raw["diffReasons"]) };
    const oldState = readState(raw["oldState"]);
    const newState = readState(raw["newState"]);
    if (oldState) step.oldState = oldState;
    if (newState) step.newState = newState;
    steps.push(step);
  }
  const diagnostics = (Array.isArray(parsed["diagnostics"]) ? parsed["diagnostics"] : []).flatMap((raw) =>
    isObject(raw) && typeof raw["message"] === "string"
      ? [
          {
            severity: String(raw["severity"] ?? ""),
            message: raw["message"],
            ...(typeof raw["urn"] === "string" && { urn: raw["urn"] }),
          },
        ]
      : [],
  );
  return { steps, diagnostics };
}

/** urn:pulumi:<stack>::<project>::<type>::<name>; the name may itself contain "::". */
function urnParts(urn: string): { stack: string; type: string; name: string } {
  const [head = "", , type = "", ...name] = urn.split("::");
  return {
    stack: head.replace(/^urn:pulumi:/, ""),
    type: type.split("$").at(-1) ?? "",
    name: name.join("::"),
  };
}

/** The report's list for each resource type (a new resource type gets one here and in DriftReport). */
const REPORT_LISTS = { instance: "instances", group: "groups" } as const;
type ReportList = (typeof REPORT_LISTS)[keyof typeof REPORT_LISTS];

function listOf(resource: Resource): ReportList {
  const noun = resourceNoun(resource);
  if (noun === "instance" || noun === "group") return REPORT_LISTS[noun];
  throw new Error(`pulumi-waapi drift has no list for ${resource.token}: add one to REPORT_LISTS.`);
}

/**
 * The report of one preview. `unread`: the resources a previous pass could not read (left out of
 * this one), reported with their error.
 */
export function analysePreview(
  preview: Preview,
  stack?: string,
  unread: ReadonlyMap<string, Unread> = new Map(),
): DriftReport {
  const waapiSteps = preview.steps.flatMap((step) => {
    const resource = resourceFor(urnParts(step.urn).type);
    return resource ? [{ step, resource }] : [];
  });
  // The refresh steps come first, one per recorded resource, with the state as last recorded.
  const recorded = new Map<string, ResourceState>();
  for (const { step } of waapiSteps)
    if (step.op === "refresh" && step.oldState) recorded.set(step.urn, step.oldState);

  const lists = new Map<ReportList, DriftedResource[]>();
  const entries = (resource: Resource): DriftedResource[] => {
    const list = listOf(resource);
    const known = lists.get(list) ?? [];
    lists.set(list, known);
    return known;
  };
  const seen = new Set(recorded.keys());
  for (const { step, resource } of waapiSteps) {
    seen.add(step.urn);
    const list = entries(resource);
    const drifted = driftOf(resource, step, recorded.get(step.urn));
    if (drifted) list.push(drifted);
  }
  for (const [urn, { error, recorded: state }] of unread) {
    const resource = resourceFor(urnParts(urn).type);
    if (!resource) continue;
    seen.add(urn);
    entries(resource).push({
      resource: urnParts(urn).name,
      ...identity(resource, state),
      change: "unread",
      origin: null,
      properties: [],
      error,
      next: "Not checked for drift: fix what the error says, then run drift again.",
    });
  }
  const sorted = (list: ReportList) =>
    (lists.get(list) ?? []).sort((a, b) => a.resource.localeCompare(b.resource));
  const instances = sorted("instances");
  const groups = lists.has("groups") ? sorted("groups") : undefined;
  const firstUrn = preview.steps[0]?.urn;
  return {
    drifted: [...instances, ...(groups ?? [])].some((entry) => entry.change !== "unread"),
    stack: stack ?? (firstUrn ? urnParts(firstUrn).stack : ""),
    checked: seen.size,
    instances,
    ...(groups && { groups }),
  };
}

function numberIn(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * What identifies the resource on WAAPI: the instance (a group's line), and a group's id; from its
 * outputs, else its Pulumi id (an instance's is its number), else what the program declares.
 */
function identity(
  resource: Resource,
  state: ResourceState | undefined,
): Pick<DriftedResource, "instanceId" | "groupId"> {
  const outputs = state?.outputs ?? {};
  const inputs = state?.inputs ?? {};
  const adopt = resource.adoptInput === undefined ? undefined : inputs[resource.adoptInput];
  const idNumber = state?.id !== undefined && /^[0-9]+$/.test(state.id) ? Number(state.id) : undefined;
  if (listOf(resource) === "instances")
    return { instanceId: numberIn(outputs["instanceId"]) ?? idNumber ?? numberIn(adopt) ?? null };
  const groupId = outputs["groupId"] ?? adopt;
  return {
    instanceId: numberIn(outputs["instanceId"]) ?? numberIn(inputs["instanceId"]) ?? null,
    groupId: typeof groupId === "string" ? groupId : null,
  };
}

/** Where a resource gone from WAAPI went, for the sentence that says so. */
function goneFrom(resource: Resource, entry: Pick<DriftedResource, "instanceId">): string {
  return listOf(resource) === "instances"
    ? "Deleted on waapi.app"
    : `Gone from instance ${entry.instanceId ?? "?"}'s line (left or deleted on a phone)`;
}

/** What `up` does with a resource removed from the program. */
function deletedByUp(resource: Resource, state: ResourceState | undefined): string {
  if (listOf(resource) === "instances")
    return "Removed from the program: `pulumi up` deletes the instance (unless it is protected).";
  const removesMembers = state?.outputs["onDelete"] === "removeMembers";
  return (
    "Removed from the program: `pulumi up` takes the group out of the stack (unless it is protected); " +
    (removesMembers
      ? "onDelete removeMembers removes its members first, the group stays on WhatsApp."
      : "the group stays on WhatsApp as it is (onDelete forget).")
  );
}

function driftOf(
  resource: Resource,
  step: PreviewStep,
  recorded: ResourceState | undefined,
): DriftedResource | undefined {
  const name = urnParts(step.urn).name;
  const noun = resourceNoun(resource);
  const adoptInput = resource.adoptInput;
  switch (step.op) {
    case "update":
      return modified(resource, name, step, recorded);
    case "create": {
      const adopt = adoptInput === undefined ? undefined : step.newState?.inputs[adoptInput];
      if (recorded) {
        // Recorded, dropped by the refresh: deleted by hand.
        const ids = identity(resource, recorded);
        const gone = goneFrom(resource, ids);
        return {
          resource: name,
          ...ids,
          change: "deleted",
          origin: "outside-pulumi",
          properties: [],
          next:
            adopt === undefined
              ? `${gone}: \`pulumi up --refresh\` creates a new ${noun} in its place (a plain \`pulumi up\` does not notice the deletion).`
              : `${gone}: \`pulumi up --refresh\` stops with an error, because ${adoptInput} ${String(adopt)} names ${resourceNoun(resource, "a")} that is gone. Remove ${adoptInput} from the declaration to get a new ${noun}, or remove the declaration.`,
        };
      }
      return {
        resource: name,
        ...identity(resource, step.newState),
        change: "created",
        origin: "not-deployed",
        properties: [],
        next:
          adopt === undefined
            ? `Declared but not deployed: \`pulumi up\` creates a new ${noun}.`
            : `Declared but not deployed: \`pulumi up\` adopts ${noun} ${String(adopt)}.`,
      };
    }
    case "delete":
      return {
        resource: name,
        ...identity(resource, step.oldState),
        change: "deleted",
        origin: "not-deployed",
        properties: [],
        next: deletedByUp(resource, step.oldState),
      };
    default:
      return undefined; // refresh, same, read: nothing for `up` to do
  }
}

/**
 * The properties that differ by meaning, as the core compares them (events and members as sets, no
 * URL equal to an empty one). A diff the core refuses (a group moved to another line) failed the
 * preview already, and is reported from its error; here it names nothing.
 */
function changedProperties(resource: Resource, olds: JsonObject, news: JsonObject): string[] {
  try {
    return resource.changes(olds, news).map((change) => change.property);
  } catch {
    return [];
  }
}

/** Each member of a set that differs between live and declared, and where the difference comes from. */
function memberChanges(
  sets: MemberSets,
  property: string,
  live: JsonObject,
  declared: JsonObject,
  before: JsonObject,
): DriftedMember[] {
  const isLive = new Set(sets.members(live[property], live));
  const isDeclared = new Set(sets.members(declared[property], live));
  const wasRecorded = new Set(sets.members(before[property], before));
  const members: DriftedMember[] = [
    // Live and not declared: added by hand, or taken out of the program and not deployed yet.
    ...[...isLive]
      .filter((member) => !isDeclared.has(member))
      .map((member): DriftedMember =>
        wasRecorded.has(member)
          ? { member, change: "removed", origin: "not-deployed" }
          : { member, change: "added", origin: "outside-pulumi" },
      ),
    // Declared and not live: removed by hand, or added to the program and not deployed yet.
    ...[...isDeclared]
      .filter((member) => !isLive.has(member))
      .map((member): DriftedMember =>
        wasRecorded.has(member)
          ? { member, change: "removed", origin: "outside-pulumi" }
          : { member, change: "added", origin: "not-deployed" },
      ),
  ];
  return members.sort((a, b) => a.member.localeCompare(b.member));
}

function modified(
  resource: Resource,
  name: string,
  step: PreviewStep,
  recorded: ResourceState | undefined,
): DriftedResource {
  const live = step.oldState?.outputs ?? {};
  const declared = step.newState?.inputs ?? {};
  const before = recorded?.outputs ?? live;
  const diffed = resource.inputs.filter((input) => !resource.dynamicOnlyInputs.includes(input));
  // Secret values are all "[secret]" in the preview: the engine's diffReasons still name them.
  const changed = new Set<string>([
    ...changedProperties(resource, live, declared),
    ...step.diffReasons.filter((reason) => diffed.includes(reason)),
  ]);
  const properties: DriftedProperty[] = [];
  let outsidePulumi = false;
  let onlySecrets = true;
  for (const property of diffed.filter((key) => changed.has(key))) {
    const entry: DriftedProperty = {
      property,
      declared: declared[property] ?? null,
      live: live[property] ?? null,
    };
    const secret = [declared[property], live[property], before[property]].includes(SECRET_PLACEHOLDER);
    const sets = resource.memberSets;
    if (sets?.properties.includes(property) && !secret)
      entry.members = memberChanges(sets, property, live, declared, before);
    properties.push(entry);
    if (!secret) onlySecrets = false;
    if (
      !secret &&
      changedProperties(resource, { [property]: before[property] }, { [property]: live[property] }).length > 0
    ) {
      outsidePulumi = true;
    }
  }
  // Where only secret values changed, nothing shows who changed them: flag it as outside Pulumi.
  const origin: Origin =
    outsidePulumi || (onlySecrets && properties.length > 0) ? "outside-pulumi" : "not-deployed";
  return {
    resource: name,
    ...identity(resource, step.oldState),
    change: "modified",
    origin,
    properties,
    next:
      origin === "outside-pulumi"
        ? "`pulumi up --refresh` puts the declared values back (or change the program to keep the live ones)."
        : "`pulumi up` applies the program's values.",
  };
}
