/**
 * `pulumi-waapi drift`: runs `pulumi preview --refresh --json` and says, per WaapiInstance, what the
 * next `pulumi up` would change and why.
 *
 * One preview holds everything needed. Its `refresh` steps carry the state as last recorded; the
 * steps after them compare the live instance (their old state, as refresh found it) with the program
 * (their new inputs). So a property whose live value differs from the recorded one was changed
 * outside Pulumi; one whose live value is still the recorded one was changed in the program and not
 * deployed yet. The `pulumi` on PATH runs it, with this process's environment: the stack's config (or
 * WAAPI_API_TOKEN) gives the provider its token; drift itself never reads one.
 */
import { DIFFED_PROPERTIES, propertyChanges, type DiffedProperty } from "../provider/instance/state";
import { INSTANCE_TYPE } from "../provider/native/tokens";
import { runPulumi, stackArgs } from "./pulumi";
import {
  SECRET_PLACEHOLDER,
  type DriftReport,
  type DriftedInstance,
  type DriftedProperty,
  type Origin,
} from "./drift-report";

/**
 * The type tokens of an instance: the dynamic WaapiInstance's (the SDK makes it from the module and
 * type names provider/dynamic/resource.ts registers) and the native plugin's.
 */
export const WAAPI_INSTANCE_TYPES: ReadonlySet<string> = new Set([
  "pulumi-nodejs:dynamic/waapi:Instance",
  INSTANCE_TYPE,
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
  const args = ["preview", "--refresh", "--json", ...stackArgs(options.stack)];
  const { stdout, stderr, failure } = await runPulumi(args, options);
  const preview = parsePreview(stdout);
  if (failure !== undefined) throw new DriftError(pulumiFailure(preview, stderr, failure));
  if (preview === undefined)
    throw new DriftError(`\`pulumi preview --json\` printed no JSON. ${stderr.trim()}`);
  return analysePreview(preview, options.stack);
}

/** Pulumi's own error messages: the preview's error diagnostics, and what it wrote to stderr. */
function pulumiFailure(preview: Preview | undefined, stderr: string, failure: string): string {
  const diagnostics = (preview?.diagnostics ?? [])
    .filter((diagnostic) => diagnostic.severity === "error")
    .map((diagnostic) => diagnostic.message.trim());
  return [failure, ...diagnostics, stderr.trim()].filter((part) => part !== "").join("\n");
}

// The parts of `pulumi preview --json` (display.PreviewDigest) drift reads.
interface ResourceState {
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
interface Preview {
  steps: PreviewStep[];
  diagnostics: { severity: string; message: string }[];
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
      ? [{ severity: String(raw["severity"] ?? ""), message: raw["message"] }]
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

export function analysePreview(preview: Preview, stack?: string): DriftReport {
  const waapiSteps = preview.steps.filter((step) => WAAPI_INSTANCE_TYPES.has(urnParts(step.urn).type));
  // The refresh steps come first, one per recorded resource, with the state as last recorded.
  const recorded = new Map<string, ResourceState>();
  for (const step of waapiSteps)
    if (step.op === "refresh" && step.oldState) recorded.set(step.urn, step.oldState);

  const instances: DriftedInstance[] = [];
  const seen = new Set(recorded.keys());
  for (const step of waapiSteps) {
    seen.add(step.urn);
    const drifted = driftOf(step, recorded.get(step.urn));
    if (drifted) instances.push(drifted);
  }
  instances.sort((a, b) => a.resource.localeCompare(b.resource));
  const firstUrn = preview.steps[0]?.urn;
  return {
    drifted: instances.length > 0,
    stack: stack ?? (firstUrn ? urnParts(firstUrn).stack : ""),
    checked: seen.size,
    instances,
  };
}

function instanceIdOf(state: ResourceState | undefined): number | null {
  const id = Number(state?.id);
  return state?.id !== undefined && Number.isSafeInteger(id) ? id : null;
}

function adoptInstanceIdOf(state: ResourceState | undefined): number | undefined {
  const id = state?.inputs["adoptInstanceId"];
  return typeof id === "number" ? id : undefined;
}

function driftOf(step: PreviewStep, recorded: ResourceState | undefined): DriftedInstance | undefined {
  const resource = urnParts(step.urn).name;
  switch (step.op) {
    case "update":
      return modified(resource, step, recorded);
    case "create": {
      const adoptInstanceId = adoptInstanceIdOf(step.newState);
      if (recorded) {
        // Recorded, dropped by the refresh: deleted by hand.
        return {
          resource,
          instanceId: instanceIdOf(recorded),
          change: "deleted",
          origin: "outside-pulumi",
          properties: [],
          next:
            adoptInstanceId === undefined
              ? "Deleted on waapi.app: `pulumi up --refresh` creates a new instance in its place (a plain `pulumi up` does not notice the deletion)."
              : `Deleted on waapi.app: \`pulumi up --refresh\` stops with an error, because adoptInstanceId ${adoptInstanceId} names an instance that is gone. Remove adoptInstanceId from the declaration to get a new instance, or remove the declaration.`,
        };
      }
      return {
        resource,
        instanceId: adoptInstanceId ?? null,
        change: "created",
        origin: "not-deployed",
        properties: [],
        next:
          adoptInstanceId === undefined
            ? "Declared but not deployed: `pulumi up` creates a new instance."
            : `Declared but not deployed: \`pulumi up\` adopts instance ${adoptInstanceId}.`,
      };
    }
    case "delete":
      return {
        resource,
        instanceId: instanceIdOf(step.oldState),
        change: "deleted",
        origin: "not-deployed",
        properties: [],
        next: "Removed from the program: `pulumi up` deletes the instance (unless it is protected).",
      };
    default:
      return undefined; // refresh, same, read: nothing for `up` to do
  }
}

/** The settings that differ by meaning (events as sets, no URL equal to an empty one), as the core compares them. */
function changedProperties(olds: JsonObject, news: JsonObject): DiffedProperty[] {
  const settings = (bag: JsonObject) => Object.fromEntries(DIFFED_PROPERTIES.map((key) => [key, bag[key]]));
  return propertyChanges(settings(olds), settings(news)).map((change) => change.property);
}

function modified(resource: string, step: PreviewStep, recorded: ResourceState | undefined): DriftedInstance {
  const live = step.oldState?.outputs ?? {};
  const declared = step.newState?.inputs ?? {};
  const before = recorded?.outputs ?? live;
  const isDiffed = (key: string): key is DiffedProperty =>
    (DIFFED_PROPERTIES as readonly string[]).includes(key);
  // Secret values are all "[secret]" in the preview: the engine's diffReasons still name them.
  const changed = new Set<DiffedProperty>([
    ...changedProperties(live, declared),
    ...step.diffReasons.filter(isDiffed),
  ]);
  const properties: DriftedProperty[] = [];
  let outsidePulumi = false;
  let onlySecrets = true;
  for (const property of DIFFED_PROPERTIES.filter((key) => changed.has(key))) {
    properties.push({ property, declared: declared[property] ?? null, live: live[property] ?? null });
    const secret = [declared[property], live[property], before[property]].includes(SECRET_PLACEHOLDER);
    if (!secret) onlySecrets = false;
    if (
      !secret &&
      changedProperties({ [property]: before[property] }, { [property]: live[property] }).length > 0
    ) {
      outsidePulumi = true;
    }
  }
  // Where only secret values changed, nothing shows who changed them: flag it as outside Pulumi.
  const origin: Origin =
    outsidePulumi || (onlySecrets && properties.length > 0) ? "outside-pulumi" : "not-deployed";
  return {
    resource,
    instanceId: instanceIdOf(step.oldState),
    change: "modified",
    origin,
    properties,
    next:
      origin === "outside-pulumi"
        ? "`pulumi up --refresh` puts the declared values back (or change the program to keep the live ones)."
        : "`pulumi up` applies the program's values.",
  };
}
