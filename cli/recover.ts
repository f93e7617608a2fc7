/**
 * `pulumi-waapi recover`: after a `pulumi up` killed mid-create (a cancelled CI job, an OOM kill, a
 * lost machine), give each create the engine left pending the instance its run made, or let the next
 * `up` create it — so that no instance is paid for twice and none is left unrecorded.
 *
 * A pending create is the engine's note "I asked the provider to create this resource and never heard
 * back". Its POST may have made nothing, made an instance still as the server made it (the PUT never
 * landed), or made and configured one (the PUT landed, its answer was lost with the process). The
 * account is listed and each pending create is matched, in this order, to:
 *  1. the instance its `adoptInstanceId` names;
 *  2. an instance no stack state here records that carries its declared settings (name, webhook URL,
 *     event set, compared as the core compares them) — if there are more such instances than pending
 *     creates declaring those settings, nothing is decided for them;
 *  3. an unrecorded instance still as the server made it (provider/waapi-api.ts `isAsServerMade`), seen
 *     so twice, a settling pause apart, because a neighbour's create gives its new instance its settings
 *     a moment after its POST. A body-less POST makes interchangeable instances, so any such instance
 *     serves any such create; more of them than creates left: nothing is decided for those creates.
 * A create left with no candidate made nothing: its note is cleared and the next `up` creates it.
 *
 * The decisions are written with Pulumi's own state commands: `pulumi stack import` of the exported
 * state with each matched create moved into the resources (with its id) and each cleared one dropped,
 * then `pulumi refresh --target` of the matched resources, so that each door's own read records the
 * live instance (and the next `up` PUTs the declared settings onto one still as the server made it).
 * Pulumi 3.274's `refresh --import-pending-creates URN ID`, the documented way, drops the resource
 * from the state instead of importing it (docs/recovery.md), and would make an orphan of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { WaapiClient } from "../provider/client";
import { isShownGone } from "../provider/instance/lifecycle";
import { inputsFromOutputs, outputsFromApi, propertyChanges } from "../provider/instance/state";
import { ENV_VARS } from "../provider/settings";
import { isAsServerMade, type ApiInstance } from "../provider/waapi-api";
import { pulumiOrThrow, stackArgs } from "./pulumi";
import {
  exportStack,
  hasSecret,
  isObject,
  pendingCreates,
  pendingDeletes,
  plainValue,
  recordedInstances,
  resourceNameOf,
  stackSettings,
  type JsonObject,
  type PendingCreate,
  type PendingDelete,
  type StackRef,
} from "./stack-state";

/** A user's decision for a pending create: the instance that is its, or "none" (it made nothing). */
export type Take = number | "none";

/** How long instances still as the server made them are watched before one is claimed. */
export const DEFAULT_SETTLE_SECONDS = 5;

/** The declared settings of a pending create, secrets in plain text (in memory only). */
export interface PendingDeclaration {
  urn: string;
  name?: unknown;
  webhookUrl?: unknown;
  webhookEvents?: unknown;
  adoptInstanceId?: unknown;
}

export type Decision =
  | {
      urn: string;
      action: "import";
      instanceId: number;
      why: "adopted" | "configured" | "as-server-made" | "taken";
    }
  | { urn: string; action: "clear" }
  /** A killed delete's instance that WAAPI no longer lists, shown gone: the resource leaves the stack. */
  | { urn: string; action: "drop"; instanceId: number }
  | { urn: string; action: "undecided"; candidates: number[]; why: string };

/** The settings a declaration and a live instance are compared by (never adoptInstanceId). */
function settings(bag: { name?: unknown; webhookUrl?: unknown; webhookEvents?: unknown }): JsonObject {
  return { name: bag.name, webhookUrl: bag.webhookUrl, webhookEvents: bag.webhookEvents };
}

function carries(instance: ApiInstance, declared: PendingDeclaration): boolean {
  return (
    propertyChanges(settings(inputsFromOutputs(outputsFromApi(instance))), settings(declared)).length === 0
  );
}

/**
 * The decisions, from the account as listed (`live`), the ids the stack records, and the ids seen
 * as the server made them in every listing (`stillAsServerMade`). Pure: recover's whole judgement.
 */
export function planRecovery(
  pending: readonly PendingDeclaration[],
  live: readonly ApiInstance[],
  recorded: ReadonlySet<number>,
  stillAsServerMade: ReadonlySet<number>,
  takes: ReadonlyMap<string, Take> = new Map(),
): Decision[] {
  const decisions: Decision[] = [];
  const unrecorded = live.filter((instance) => !recorded.has(instance.id)).sort((a, b) => a.id - b.id);
  const used = new Set<number>();
  const left: PendingDeclaration[] = [];

  // The user's own decisions (--take) first: they are what an undecided create waits for.
  const ordered: PendingDeclaration[] = [];
  for (const create of [...pending].sort((a, b) => a.urn.localeCompare(b.urn))) {
    const take = takes.get(resourceNameOf(create.urn));
    if (take === undefined) {
      ordered.push(create);
    } else if (take === "none") {
      decisions.push({ urn: create.urn, action: "clear" });
    } else if (unrecorded.some((instance) => instance.id === take) && !used.has(take)) {
      used.add(take);
      decisions.push({ urn: create.urn, action: "import", instanceId: take, why: "taken" });
    } else {
      decisions.push({
        urn: create.urn,
        action: "undecided",
        candidates: [take],
        why: `--take names instance ${take}, which the account does not list or which is recorded or taken already`,
      });
    }
  }
  for (const create of ordered) {
    if (typeof create.adoptInstanceId !== "number") {
      left.push(create);
      continue;
    }
    const id = create.adoptInstanceId;
    if (recorded.has(id)) {
      decisions.push({
        urn: create.urn,
        action: "undecided",
        candidates: [id],
        why: `adoptInstanceId ${id} names an instance this stack already records under another resource`,
      });
    } else if (unrecorded.some((instance) => instance.id === id)) {
      used.add(id);
      decisions.push({ urn: create.urn, action: "import", instanceId: id, why: "adopted" });
    } else {
      decisions.push({ urn: create.urn, action: "clear" }); // gone: the next `up` says so, by name
    }
  }

  // Creates declaring the same settings are interchangeable: group them, and match each group whole.
  const groups: PendingDeclaration[][] = [];
  for (const create of left) {
    const group = groups.find(
      ([first]) => first && propertyChanges(settings(first), settings(create)).length === 0,
    );
    if (group) group.push(create);
    else groups.push([create]);
  }
  const unconfigured: PendingDeclaration[] = [];
  for (const group of groups) {
    const [first] = group;
    if (!first) continue;
    const candidates = unrecorded.filter((instance) => !used.has(instance.id) && carries(instance, first));
    if (candidates.length > group.length) {
      for (const create of group) {
        decisions.push({
          urn: create.urn,
          action: "undecided",
          candidates: candidates.map((instance) => instance.id),
          why: `${candidates.length} unrecorded instances carry its declared settings, for ${group.length} pending create${group.length === 1 ? "" : "s"}`,
        });
      }
      continue;
    }
    group.forEach((create, n) => {
      const match = candidates[n];
      if (!match) return unconfigured.push(create);
      used.add(match.id);
      decisions.push({ urn: create.urn, action: "import", instanceId: match.id, why: "configured" });
    });
  }

  const asMade = unrecorded.filter(
    (instance) => !used.has(instance.id) && isAsServerMade(instance) && stillAsServerMade.has(instance.id),
  );
  if (asMade.length > unconfigured.length && unconfigured.length > 0) {
    for (const create of unconfigured) {
      decisions.push({
        urn: create.urn,
        action: "undecided",
        candidates: asMade.map((instance) => instance.id),
        why: `${asMade.length} unrecorded instances are still as the server made them, for ${unconfigured.length} pending create${unconfigured.length === 1 ? "" : "s"} without a configured match`,
      });
    }
  } else {
    unconfigured.forEach((create, n) => {
      const match = asMade[n];
      decisions.push(
        match
          ? { urn: create.urn, action: "import", instanceId: match.id, why: "as-server-made" }
          : { urn: create.urn, action: "clear" },
      );
    });
  }
  return decisions.sort((a, b) => a.urn.localeCompare(b.urn));
}

/**
 * The killed deletes whose instance WAAPI no longer lists: each leaves the stack when it is shown
 * gone by the core's rule (`isShownGone`: its DELETE was under way, so an empty account counts).
 * Those still listed need nothing: the next `destroy` (or `up`) deletes them.
 */
export function planDeletes(deletes: readonly PendingDelete[], live: readonly ApiInstance[]): Decision[] {
  const listed = new Set(live.map((instance) => instance.id));
  return deletes
    .filter((pending) => !listed.has(pending.instanceId))
    .map((pending): Decision =>
      pending.owner === undefined || isShownGone(pending.owner, live, true)
        ? { urn: pending.urn, action: "drop", instanceId: pending.instanceId }
        : {
            urn: pending.urn,
            action: "undecided",
            candidates: [],
            why: `instance ${pending.instanceId} is not listed, but the token's account is not ${pending.owner}'s, so its deletion cannot be shown`,
          },
    )
    .sort((a, b) => a.urn.localeCompare(b.urn));
}

export interface RecoverOptions extends StackRef {
  /** Apply the decisions; without it, only say what they would be. */
  yes: boolean;
  /** Decisions given with --take, by resource name. */
  takes?: ReadonlyMap<string, Take>;
  settleSeconds?: number;
  /** Progress lines (the settling pause), as they happen. */
  log: (line: string) => void;
}

export interface RecoverResult {
  decisions: Decision[];
  /** Other operations the killed run left pending (updating, deleting): Pulumi's next run redoes or drops them. */
  otherPending: { urn: string; type: string }[];
  applied: boolean;
}

/** The declarations of the pending creates, from an export that shows secrets when any input is one. */
async function declarations(ref: StackRef, pending: readonly PendingCreate[]): Promise<PendingDeclaration[]> {
  const needsSecrets = pending.some((create) => hasSecret(create.inputs));
  const source = needsSecrets ? pendingCreates(await exportStack(ref, true)) : pending;
  return source.map(({ urn, inputs }) => ({
    urn,
    name: plainValue(inputs["name"]),
    webhookUrl: plainValue(inputs["webhookUrl"]),
    webhookEvents: plainValue(inputs["webhookEvents"]),
    adoptInstanceId: plainValue(inputs["adoptInstanceId"]),
  }));
}

export async function runRecover(options: RecoverOptions): Promise<RecoverResult> {
  const state = await exportStack(options);
  const pending = pendingCreates(state);
  const operations = Array.isArray(state.deployment["pending_operations"])
    ? state.deployment["pending_operations"].filter(isObject)
    : [];
  const deletes = pendingDeletes(state);
  const otherPending = operations
    .filter((operation) => operation["type"] !== "creating" && isObject(operation["resource"]))
    .map((operation) => ({
      urn: String((operation["resource"] as JsonObject)["urn"]),
      type: String(operation["type"]),
    }));
  if (pending.length === 0 && deletes.length === 0) return { decisions: [], otherPending, applied: false };

  const declared = await declarations(options, pending);
  const stackConfig = await stackSettings(options);
  if (!stackConfig.apiToken) {
    throw new Error(
      `no API token: the stack's config holds no waapi:apiToken and ${ENV_VARS.apiToken} is not set. ` +
        `Run recover with the environment \`pulumi up\` has.`,
    );
  }
  const client = new WaapiClient({ apiToken: stackConfig.apiToken, baseUrl: stackConfig.baseUrl });
  const recorded = new Set(recordedInstances(state).keys());
  const first = await client.listInstances();
  let live = first;
  let stillAsMade = new Set(first.filter(isAsServerMade).map((instance) => instance.id));
  const settle = options.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
  // Watch instances still as the server made them only where one could be claimed.
  const takes = options.takes ?? new Map<string, Take>();
  const needsWatching = planRecovery(declared, first, recorded, stillAsMade, takes).some(
    (decision) => decision.action === "import" && decision.why === "as-server-made",
  );
  if (needsWatching && settle > 0) {
    options.log(
      `Instances still as the server made them: watching them for ${settle} s before claiming any ` +
        `(a neighbour's create gives its new instance its settings a moment after its POST).`,
    );
    await sleep(settle * 1000);
    live = await client.listInstances();
    const later = new Set(live.filter(isAsServerMade).map((instance) => instance.id));
    stillAsMade = new Set([...stillAsMade].filter((id) => later.has(id)));
  }
  const dropped = planDeletes(deletes, live);
  const decisions = [...planRecovery(declared, live, recorded, stillAsMade, takes), ...dropped];
  const decided = new Set(dropped.map((decision) => decision.urn));
  const remaining = otherPending.filter((operation) => !decided.has(operation.urn));
  // All or nothing: `pulumi stack import` drops every pending operation it is given, so writing the
  // decided ones would erase the undecided creates' note, and the next `up` would create them again.
  if (options.yes && !decisions.some((decision) => decision.action === "undecided")) {
    await apply(options, decisions);
    return { decisions, otherPending: remaining, applied: true };
  }
  return { decisions, otherPending: remaining, applied: false };
}

/**
 * Writes the decisions: the exported state (secrets still encrypted, as Pulumi wrote them) with each
 * matched create moved into the resources and each cleared one dropped, imported back; then a
 * refresh of the matched resources, so that each door's own read records its instance.
 */
async function apply(ref: StackRef, decisions: readonly Decision[]): Promise<void> {
  const state = await exportStack(ref);
  const byUrn = new Map(decisions.map((decision) => [decision.urn, decision]));
  const operations = Array.isArray(state.deployment["pending_operations"])
    ? state.deployment["pending_operations"].filter(isObject)
    : [];
  const drop = new Set(
    decisions.filter((decision) => decision.action === "drop").map((decision) => decision.urn),
  );
  const resources = (
    Array.isArray(state.deployment["resources"]) ? state.deployment["resources"] : []
  ).filter(
    (resource: unknown) =>
      !(isObject(resource) && typeof resource["urn"] === "string" && drop.has(resource["urn"])),
  );
  const keep: JsonObject[] = [];
  const imported: string[] = [];
  for (const operation of operations) {
    const resource = operation["resource"];
    const urn = isObject(resource) ? resource["urn"] : undefined;
    const decision = typeof urn === "string" ? byUrn.get(urn) : undefined;
    if (
      operation["type"] !== "creating" ||
      !isObject(resource) ||
      !decision ||
      decision.action === "undecided"
    ) {
      keep.push(operation);
      continue;
    }
    if (decision.action === "import") {
      // What the engine would have recorded had the create answered; the refresh below reads the rest.
      const inputs = isObject(resource["inputs"]) ? resource["inputs"] : {};
      resources.push({ ...resource, id: String(decision.instanceId), outputs: { ...inputs } });
      imported.push(decision.urn);
    }
  }
  const edited = { ...state, deployment: { ...state.deployment, resources, pending_operations: keep } };
  const dir = mkdtempSync(join(tmpdir(), "pulumi-waapi-recover-"));
  try {
    const file = join(dir, "state.json");
    writeFileSync(file, JSON.stringify(edited), { mode: 0o600 });
    await pulumiOrThrow(["stack", "import", "--file", file, ...stackArgs(ref.stack)], ref);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (imported.length > 0) {
    const targets = imported.flatMap((urn) => ["--target", urn]);
    await pulumiOrThrow(["refresh", "--yes", "--skip-preview", ...targets, ...stackArgs(ref.stack)], ref);
  }
}

/** What recover did, or would do with --yes, one line per pending create. */
export function renderRecovery(result: RecoverResult, yes: boolean): string {
  const lines: string[] = [];
  for (const { urn, type } of result.otherPending) {
    lines.push(
      `${resourceNameOf(urn)}: interrupted while ${type}; nothing to decide (the next \`pulumi up\` or \`pulumi destroy\` does it again).`,
    );
  }
  if (result.decisions.length === 0) {
    lines.push("Nothing for recover to decide.");
    return `${lines.join("\n")}\n`;
  }
  const done = yes && result.applied;
  for (const decision of result.decisions) {
    const name = resourceNameOf(decision.urn);
    switch (decision.action) {
      case "import": {
        const how = {
          adopted: "the instance its adoptInstanceId names",
          configured: "it carries the declared settings and no stack records it",
          "as-server-made":
            "still as the server made it (its PUT never landed); `pulumi up` applies the settings",
          taken: "the instance --take names",
        }[decision.why];
        lines.push(`${name}: ${done ? "recorded" : "would record"} instance ${decision.instanceId}: ${how}.`);
        break;
      }
      case "drop":
        lines.push(
          `${name}: interrupted while deleting; WAAPI no longer lists instance ${decision.instanceId}: its DELETE was applied; ` +
            `${done ? "removed" : "would remove"} it from the stack.`,
        );
        break;
      case "clear":
        lines.push(
          `${name}: no instance carries its settings or is still as the server made it: its create made nothing; ` +
            `${done ? "cleared" : "would clear"} the pending create, and \`pulumi up\` creates it.`,
        );
        break;
      case "undecided":
        lines.push(
          `${name}: NOT DECIDED, left pending: ${decision.why} (${decision.candidates.join(", ")}). ` +
            `Say which is its with --take ${name}=ID (or --take ${name}=none if none is), and run recover again.`,
        );
        break;
    }
  }
  if (result.decisions.some((decision) => decision.action === "undecided")) {
    lines.push(
      "Nothing changed: every pending create must be decided first (run no `pulumi up` before; it would create them again).",
    );
  } else if (!yes) {
    lines.push("Nothing changed: run again with --yes to apply.");
  }
  return `${lines.join("\n")}\n`;
}
