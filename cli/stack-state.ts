/**
 * What recover and unmanaged read from a stack: its state (`pulumi stack export`), the instances it
 * records, the creates a killed run left pending, and the stack's WAAPI settings.
 *
 * The token comes from where the provider takes it, by the same rule (provider/settings.ts
 * `resolveSettings`): the stack's config (`pulumi config --show-secrets`, read into memory and never
 * printed), else WAAPI_API_TOKEN. Never from the command line.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { resolveSettings, type ProviderSettings } from "../provider/settings";
import { WAAPI_INSTANCE_TYPES } from "./drift";
import { pulumiOrThrow, stackArgs, type PulumiOptions } from "./pulumi";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `pulumi stack export` as JSON: `{version, deployment: {resources, pending_operations, …}}`. */
export interface StackExport extends JsonObject {
  deployment: JsonObject;
}

export interface StackRef extends PulumiOptions {
  stack?: string;
}

/** The stack's state. `showSecrets` only for reading in memory: such an export is never written back. */
export async function exportStack(ref: StackRef, showSecrets = false): Promise<StackExport> {
  const args = ["stack", "export", ...stackArgs(ref.stack), ...(showSecrets ? ["--show-secrets"] : [])];
  const parsed: unknown = JSON.parse(await pulumiOrThrow(args, ref));
  if (!isObject(parsed) || !isObject(parsed["deployment"])) {
    // A stack that was never deployed exports no deployment: nothing recorded, nothing pending.
    return { ...(isObject(parsed) ? parsed : {}), deployment: {} };
  }
  return { ...parsed, deployment: parsed["deployment"] };
}

/** The stack's WAAPI settings: its config first, then the environment, as the provider reads them. */
export async function stackSettings(ref: StackRef): Promise<ProviderSettings> {
  const parsed: unknown = JSON.parse(
    await pulumiOrThrow(["config", "--json", "--show-secrets", ...stackArgs(ref.stack)], ref),
  );
  const config = isObject(parsed) ? parsed : {};
  return resolveSettings(
    {
      get: (key) => {
        const entry = config[key];
        return isObject(entry) && typeof entry["value"] === "string" ? entry["value"] : undefined;
      },
    },
    ref.env,
  );
}

function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Is there a Pulumi project in `cwd`, whose stack can give the settings? */
export function isPulumiProject(cwd: string): boolean {
  return ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"].some((file) => existsSync(join(cwd, file)));
}

/**
 * The stack's name: the one given, else what its URNs say (urn:pulumi:<stack>::…), else Pulumi's
 * selected stack (a stack with no resources yet).
 */
export async function stackNameOf(ref: StackRef, state: StackExport): Promise<string> {
  if (ref.stack !== undefined) return ref.stack;
  const urn = objectsIn(state.deployment["resources"]).find(
    (resource) => typeof resource["urn"] === "string",
  )?.["urn"];
  if (typeof urn === "string") return urn.split("::")[0]?.replace(/^urn:pulumi:/, "") ?? "";
  return (await pulumiOrThrow(["stack", "--show-name"], ref)).trim();
}

/** The last part of a URN: the resource's name in the program. */
export function resourceNameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

function isInstance(resource: JsonObject): boolean {
  return typeof resource["type"] === "string" && WAAPI_INSTANCE_TYPES.has(resource["type"]);
}

/** The instance ids the state records (both doors' types), with the resource that records each. */
export function recordedInstances(state: StackExport): Map<number, string> {
  const recorded = new Map<number, string>();
  for (const resource of objectsIn(state.deployment["resources"])) {
    const id = Number(resource["id"]);
    if (isInstance(resource) && typeof resource["id"] === "string" && Number.isSafeInteger(id)) {
      recorded.set(id, typeof resource["urn"] === "string" ? resourceNameOf(resource["urn"]) : "");
    }
  }
  return recorded;
}

/** A create a killed run left pending: its resource as the engine wrote it before calling the provider. */
export interface PendingCreate {
  urn: string;
  type: string;
  /** The resource's checked inputs; secret values as the export shows them. */
  inputs: JsonObject;
}

export function pendingCreates(state: StackExport): PendingCreate[] {
  return objectsIn(state.deployment["pending_operations"]).flatMap((operation) => {
    const resource = operation["resource"];
    if (operation["type"] !== "creating" || !isObject(resource) || !isInstance(resource)) return [];
    if (typeof resource["urn"] !== "string") return [];
    return [
      {
        urn: resource["urn"],
        type: String(resource["type"]),
        inputs: isObject(resource["inputs"]) ? resource["inputs"] : {},
      },
    ];
  });
}

/** A delete a killed run left pending: the resource is still recorded, its instance may be gone. */
export interface PendingDelete {
  urn: string;
  instanceId: number;
  /** The recorded owner, when the state has one. */
  owner?: string;
}

export function pendingDeletes(state: StackExport): PendingDelete[] {
  return objectsIn(state.deployment["pending_operations"]).flatMap((operation) => {
    const resource = operation["resource"];
    if (operation["type"] !== "deleting" || !isObject(resource) || !isInstance(resource)) return [];
    const id = Number(resource["id"]);
    if (typeof resource["urn"] !== "string" || !Number.isSafeInteger(id)) return [];
    const outputs = isObject(resource["outputs"]) ? resource["outputs"] : {};
    const owner = outputs["owner"];
    return [{ urn: resource["urn"], instanceId: id, ...(typeof owner === "string" && { owner }) }];
  });
}

/** Pulumi's marker of a secret value in a state: `{"4dabf18193072939515e22adb298388d": …}`. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** A value of an export: a secret's plaintext when the export shows secrets; `undefined` for a ciphertext. */
export function plainValue(value: unknown): unknown {
  if (!isObject(value) || !(SECRET_SIGNATURE in value)) return value;
  const plaintext = value["plaintext"];
  return typeof plaintext === "string" ? (JSON.parse(plaintext) as unknown) : undefined;
}

/** Whether any input of `inputs` is a secret. */
export function hasSecret(inputs: JsonObject): boolean {
  return Object.values(inputs).some((value) => isObject(value) && SECRET_SIGNATURE in value);
}
