import type { ApiInstance, InstanceUpdateBody, InstanceUpdateResponse } from "../waapi-api";
import { normalizeEvents, type InstanceInputs } from "./inputs";

/** What a WaapiInstance records in the state (camelCase; the API speaks snake_case). */
export interface InstanceOutputs {
  instanceId: number;
  name: string;
  owner: string;
  /** Absent when the instance has no webhook. */
  webhookUrl?: string;
  /** A sorted set, empty when none. */
  webhookEvents: string[];
  isTrial: boolean;
}

export function outputsFromApi(instance: ApiInstance): InstanceOutputs {
  const outputs: InstanceOutputs = {
    instanceId: instance.id,
    name: instance.name,
    owner: instance.owner,
    webhookEvents: normalizeEvents(instance.webhook_events),
    isTrial: instance.is_trial,
  };
  if (instance.webhook_url) outputs.webhookUrl = instance.webhook_url;
  return outputs;
}

/**
 * The outputs after a PUT: its answer carries name and webhook but not owner or trial status, which
 * come from `base` (the POST answer, or the recorded state).
 */
export function outputsFromUpdate(
  base: Pick<InstanceOutputs, "instanceId" | "owner" | "isTrial">,
  updated: InstanceUpdateResponse["data"],
): InstanceOutputs {
  const outputs: InstanceOutputs = {
    instanceId: base.instanceId,
    name: updated.name,
    owner: base.owner,
    webhookEvents: normalizeEvents(updated.instanceEvents),
    isTrial: base.isTrial,
  };
  if (updated.instanceWebhook) outputs.webhookUrl = updated.instanceWebhook;
  return outputs;
}

/**
 * The inputs that would declare the live instance exactly, in the shape `check` produces. Refresh and
 * import hand these to the engine so that the recorded inputs follow the live instance.
 */
export function inputsFromOutputs(outputs: InstanceOutputs & { adoptInstanceId?: number }): InstanceInputs {
  const inputs: InstanceInputs = { name: outputs.name };
  if (outputs.webhookUrl !== undefined) inputs.webhookUrl = outputs.webhookUrl;
  if (outputs.webhookEvents.length > 0)
    inputs.webhookEvents = outputs.webhookEvents as InstanceInputs["webhookEvents"];
  // An adopted instance keeps its declared adoptInstanceId through a refresh (see RecordedInstance).
  if (outputs.adoptInstanceId !== undefined) inputs.adoptInstanceId = outputs.adoptInstanceId;
  return inputs;
}

/**
 * The one PUT body that makes an instance match the declared inputs. It always states every field,
 * so an undeclared webhook is cleared (`url: null`, `events: []`) rather than left as it was.
 */
export function updateBodyFor(inputs: InstanceInputs): InstanceUpdateBody {
  return {
    name: inputs.name,
    webhook: { url: inputs.webhookUrl ?? null, events: normalizeEvents(inputs.webhookEvents ?? []) },
  };
}

/** The properties a diff compares: the settings an update can change. */
export const DIFFED_PROPERTIES = ["name", "webhookUrl", "webhookEvents"] as const;
export type DiffedProperty = (typeof DIFFED_PROPERTIES)[number];

/** The shape both doors hand the engine: never a replacement. */
export interface InstanceDiff {
  changes: boolean;
  replaces: [];
  deleteBeforeReplace: false;
}

/** How one declared property differs from what is recorded (Pulumi's PropertyDiff kinds, minus replacement). */
export type PropertyChangeKind = "add" | "update" | "delete";

export interface PropertyChange {
  property: (typeof DIFFED_PROPERTIES)[number];
  kind: PropertyChangeKind;
}

/**
 * Compares recorded outputs with new inputs. Events compare as sets; an absent webhook equals an
 * empty one. Never asks for replacement: every field is updatable in place, and deleting an instance
 * permanently shrinks the customer's plan.
 */
export function diffInstance(olds: object, news: object): InstanceDiff {
  return { changes: propertyChanges(olds, news).length > 0, replaces: [], deleteBeforeReplace: false };
}

/**
 * The properties whose meaning differs between recorded outputs and new inputs, each with how: the
 * per-property diff the native door gives the engine (`detailedDiff`). Throws when the inputs ask to
 * switch instances.
 */
export function propertyChanges(olds: object, news: object): PropertyChange[] {
  const before: Partial<Record<string, unknown>> = olds;
  const after: Partial<Record<string, unknown>> = news;
  const adopt = after["adoptInstanceId"];
  if (
    typeof adopt === "number" &&
    typeof before["instanceId"] === "number" &&
    adopt !== before["instanceId"]
  ) {
    // Switching would mean deleting one paid instance or orphaning it; the provider does neither.
    throw new Error(
      `adoptInstanceId ${adopt} differs from the instance this resource already manages (${before["instanceId"]}). ` +
        `A WaapiInstance never switches instances: remove adoptInstanceId, or declare a new resource to adopt ${adopt}.`,
    );
  }
  const changes: PropertyChange[] = [];
  for (const property of DIFFED_PROPERTIES) {
    const was = comparable(property, before[property]);
    const is = comparable(property, after[property]);
    if (was === is) continue;
    const kind = was === EMPTY[property] ? "add" : is === EMPTY[property] ? "delete" : "update";
    changes.push({ property, kind });
  }
  return changes;
}

/** What an unset property compares as. */
const EMPTY = { name: "null", webhookUrl: "null", webhookEvents: "[]" } as const;

/** A canonical string for a property value, so that equal meanings compare equal. */
function comparable(property: DiffedProperty, value: unknown): string {
  switch (property) {
    case "webhookEvents":
      return JSON.stringify(
        Array.isArray(value)
          ? normalizeEvents(value.map(String))
          : value === undefined || value === null
            ? []
            : value,
      );
    case "webhookUrl":
      return JSON.stringify(value === undefined || value === null || value === "" ? null : value);
    case "name":
      return JSON.stringify(value ?? null);
  }
}
