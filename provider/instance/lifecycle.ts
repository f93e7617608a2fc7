/**
 * The WaapiInstance lifecycle: what create, read, update and delete do against WAAPI. This is the
 * core both doors share — the dynamic provider (../dynamic) and the native plugin — so it knows
 * neither Pulumi's dynamic-provider API nor gRPC: it takes a connection and checked inputs, and
 * returns what to record.
 *
 * HTTP details live in the client; what a call means for a Pulumi stack lives here.
 */
import { WaapiClient, WaapiNotFoundError, WaapiPermissionError, WaapiResponseError } from "../client";
import type { ApiInstance } from "../waapi-api";
import { CONFIG_KEYS } from "../settings";
import { assertSameApi, connect, type Connection } from "../connection";
import { withPulumiAdvice, type LifecycleCall } from "./advice";
import type { Warn } from "./creation";
import { ResourceInitializationError } from "../resources/descriptor";
import type { InstanceInputs } from "./inputs";
import {
  diffInstance,
  outputsFromApi,
  outputsFromUpdate,
  updateBodyFor,
  type InstanceOutputs,
} from "./state";

export type { Warn };
// Their home is ../connection; exported here too, for the callers that found them here.
export { assertSameApi, connect, type Connection };

type PropertyBag = Record<string, unknown>;

/**
 * What a WaapiInstance records: its outputs, the API it lives on, and the declared adoptInstanceId of
 * an adopted instance. Refresh hands the engine inputs made from these outputs, and only the outputs
 * reach `read`: recording adoptInstanceId keeps it in the inputs after a refresh, so that old and new
 * inputs differ exactly where the settings do (the engine's own diff compares inputs).
 */
export type RecordedInstance = InstanceOutputs & { apiBaseUrl: string; adoptInstanceId?: number };

/** `adoptInstanceId` as recorded, for a bag of inputs or recorded outputs that may hold one. */
function adoption(bag: { adoptInstanceId?: unknown } | undefined): { adoptInstanceId?: number } {
  const id = bag?.adoptInstanceId;
  return typeof id === "number" ? { adoptInstanceId: id } : {};
}

/** Runs one lifecycle call, adding Pulumi advice to the client's errors. */
async function advised<T>(call: LifecycleCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw withPulumiAdvice(error, call);
  }
}

/**
 * WAAPI creates an instance in two steps: a body-less POST, then a PUT with its settings. If the PUT
 * fails, the instance exists and is paid for, so it must not be forgotten: the error carries its id
 * and live properties, which the doors record as a resource that failed to initialize; the next `up`
 * updates it instead of creating another. An adopted instance (adoptInstanceId) skips the POST.
 * A POST whose answer was lost is resolved by the connection's ledger (see creation.ts), which tells
 * `warn` when it recovered one.
 */
export function createInstance(
  connection: Connection,
  inputs: InstanceInputs,
  warn?: Warn,
): Promise<{ id: string; outputs: RecordedInstance }> {
  return advised("create", async () => {
    const { client, apiBaseUrl } = connection;
    const adopted =
      inputs.adoptInstanceId !== undefined ? await adopt(client, inputs.adoptInstanceId) : undefined;
    const live = adopted ?? (await connection.creations.create(client, warn));
    const id = String(live.id);
    const recorded: RecordedInstance = { ...outputsFromApi(live), apiBaseUrl, ...adoption(inputs) };
    if (adopted && !diffInstance(recorded, inputs).changes) {
      return { id, outputs: recorded }; // adopted as it is: nothing to write
    }
    try {
      return {
        id,
        outputs: { ...(await applySettings(client, id, inputs, recorded)), apiBaseUrl, ...adoption(inputs) },
      };
    } catch (error) {
      throw new InstanceInitializationError(id, { ...recorded }, adopted ? "adopted" : "created", error);
    }
  });
}

/**
 * The explicit stand-in for Pulumi's `import` option, which the engine cannot apply to dynamic
 * resources (pulumi/pulumi#3550: the host gets no serialized provider to read with).
 *
 * An adopted instance deleted by hand is dropped by the next refresh, and `up` then lands here with
 * an id that names nothing. It stops rather than create an instance in its place: the declaration
 * says "this existing instance", a new paid instance is a decision for a person, and the same 404
 * comes for a mistyped id or another account's token. The engine prefixes the resource's name.
 */
async function adopt(client: WaapiClient, instanceId: number): Promise<ApiInstance> {
  try {
    return await client.getInstance(instanceId);
  } catch (error) {
    if (error instanceof WaapiNotFoundError) {
      throw new Error(
        `adoptInstanceId ${instanceId} names no instance of the token's account: it was deleted, or the id ` +
          `is wrong. Nothing was created. If it was deleted and this resource should get a new instance, ` +
          `remove adoptInstanceId from its declaration and run \`pulumi up\` again (that creates exactly ` +
          `one); if the instance is gone for good, remove the declaration. Otherwise check the id on the ` +
          `waapi.app dashboard.`,
      );
    }
    throw error;
  }
}

/**
 * The live instance, or undefined when it was deleted behind our back. `recorded` are the recorded
 * outputs (undefined when the engine has none to give, e.g. a user-driven get or an import).
 */
export function readInstance(
  connection: Connection,
  id: string,
  recorded?: PropertyBag,
): Promise<RecordedInstance | undefined> {
  return advised("read", async () => {
    assertSameApi(connection, recorded);
    const { client, apiBaseUrl } = connection;
    try {
      return { ...outputsFromApi(await client.getInstance(id)), apiBaseUrl, ...adoption(recorded) };
    } catch (error) {
      if (!(error instanceof WaapiNotFoundError)) throw error;
      await assertSameAccount(client, recorded, id);
      return undefined;
    }
  });
}

/** One instance by id, for a lookup: unlike a refresh, a missing instance is an error, not "gone". */
export function lookupInstance(connection: Connection, id: number | string): Promise<RecordedInstance> {
  return advised("read", async () => ({
    ...outputsFromApi(await connection.client.getInstance(id)),
    apiBaseUrl: connection.apiBaseUrl,
  }));
}

/** Every instance the token's account has, sorted by id. */
export function listAllInstances(connection: Connection): Promise<RecordedInstance[]> {
  return advised("read", async () =>
    (await connection.client.listInstances())
      .map((instance) => ({ ...outputsFromApi(instance), apiBaseUrl: connection.apiBaseUrl }))
      .sort((a, b) => a.instanceId - b.instanceId),
  );
}

/** One PUT that makes instance `id` match `inputs`. */
export function updateInstance(
  connection: Connection,
  id: string,
  recorded: PropertyBag,
  inputs: InstanceInputs,
): Promise<RecordedInstance> {
  return advised("update", async () => {
    assertSameApi(connection, recorded);
    const { client, apiBaseUrl } = connection;
    // The PUT answer lacks owner and trial status: those cannot change, so keep the recorded ones.
    const base = recordedBase(recorded, id) ?? outputsFromApi(await client.getInstance(id));
    return { ...(await applySettings(client, id, inputs, base)), apiBaseUrl, ...adoption(inputs) };
  });
}

/** What an update keeps of the recorded outputs; undefined if the state lacks them (then they are read). */
function recordedBase(
  recorded: PropertyBag,
  id: string,
): Pick<InstanceOutputs, "instanceId" | "owner" | "isTrial"> | undefined {
  const { instanceId, owner, isTrial } = recorded;
  if (typeof owner !== "string" || typeof isTrial !== "boolean") return undefined;
  return { instanceId: typeof instanceId === "number" ? instanceId : Number(id), owner, isTrial };
}

/**
 * One PUT that makes instance `id` match `inputs`, and the instance's outputs afterwards. The PUT
 * answer carries name and webhook; owner and trial status come from `base`. When WAAPI accepted the
 * PUT (2xx) but its answer cannot be read, the write was applied all the same: reporting it as failed
 * would leave the stack behind the instance (and a create half-made), so read the instance back.
 */
async function applySettings(
  client: WaapiClient,
  id: string,
  inputs: InstanceInputs,
  base: Pick<InstanceOutputs, "instanceId" | "owner" | "isTrial">,
): Promise<InstanceOutputs> {
  try {
    return outputsFromUpdate(base, await client.updateInstance(id, updateBodyFor(inputs)));
  } catch (error) {
    if (!(error instanceof WaapiResponseError && error.accepted)) throw error;
    return outputsFromApi(await client.getInstance(id));
  }
}

/** Deletes the instance. Only reached when the user removes or destroys it: `diff` never replaces. */
export function deleteInstance(connection: Connection, id: string, recorded?: PropertyBag): Promise<void> {
  return advised("delete", async () => {
    assertSameApi(connection, recorded);
    const { client } = connection;
    try {
      await client.deleteInstance(id);
    } catch (error) {
      if (!(error instanceof WaapiNotFoundError)) throw error;
      // Already gone: the goal is reached — once the token is shown to be the owner's, or when an
      // earlier attempt of this very DELETE may have been acted on and the account is now empty.
      await assertSameAccount(client, recorded, id, error.afterPossibleEffect);
    }
  });
}

/**
 * WAAPI answers 404 for another account's instance too, so a 404 alone does not mean "deleted": a
 * stray token (another account's, in a shell or a CI secret) would make refresh forget real, paid
 * instances, and the next `up` create them again. A 404 counts as "gone" only once the token is shown
 * to be the recorded owner's: its account lists another instance of that owner. When that cannot be
 * shown — the account the token sees has no instances, or the token may not list them (no `read`) —
 * the safe side is to keep the instance in the stack and say why. Without a recorded owner (a `get`
 * or an import, which have no recorded instance to lose) the 404 stands.
 */
async function assertSameAccount(
  client: WaapiClient,
  recorded: PropertyBag | undefined,
  id: string,
  deletedByEarlierAttempt = false,
): Promise<void> {
  const owner = recorded?.["owner"];
  if (typeof owner !== "string") return;
  const kept =
    `WAAPI answered 404 for instance ${id}, recorded as owned by ${owner}, ` +
    `but the API token cannot be shown to belong to ${owner}'s account: `;
  const whatToDo =
    ` The instance is kept in the stack; nothing was changed. If the token is another account's, set ` +
    `${owner}'s with \`pulumi config set --secret ${CONFIG_KEYS.apiToken} <token>\`. If the instance ` +
    `really was deleted, remove it from the stack with \`pulumi state delete <urn>\` (\`pulumi stack --show-urns\` lists them).`;
  let instances: ApiInstance[];
  try {
    instances = await client.listInstances();
  } catch (error) {
    if (error instanceof WaapiPermissionError) {
      throw new Error(
        `${kept}the token lacks the 'read' permission, so the account's instances cannot be listed. ` +
          `Give the token 'read' and run the command again.${whatToDo}`,
      );
    }
    throw error;
  }
  if (isShownGone(owner, instances, deletedByEarlierAttempt)) return;
  const owners = new Set(instances.map((instance) => instance.owner));
  throw new Error(
    kept +
      (owners.size === 0
        ? "the token's account has no instances to show whose it is."
        : `the token belongs to another account (${[...owners].join(", ")}).`) +
      whatToDo,
  );
}

/**
 * Whether an instance recorded as `owner`'s that WAAPI no longer shows is really gone, from what the
 * token's account lists: another instance of that owner proves the token is the owner's. An empty
 * account proves nothing, except after a DELETE of it that may have been acted on (`deleteMayHaveActed`:
 * a DELETE answered 502, reset or timed out, or one a killed run had under way, seen by
 * `pulumi-waapi recover`) — that DELETE deleted the last instance (a destroy's usual end); another
 * account's token would have met a 404 on it, unless a fault struck exactly it.
 */
export function isShownGone(
  owner: string,
  listed: readonly Pick<ApiInstance, "owner">[],
  deleteMayHaveActed: boolean,
): boolean {
  const owners = new Set(listed.map((instance) => instance.owner));
  return owners.has(owner) || (owners.size === 0 && deleteMayHaveActed);
}

/** A create that made (or adopted) an instance but could not apply its settings (see ResourceInitializationError). */
export class InstanceInitializationError extends ResourceInitializationError {
  constructor(id: string, properties: PropertyBag, how: "created" | "adopted", cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "ERR_WAAPI_INSTANCE_INCOMPLETE",
      id,
      properties,
      `WAAPI instance ${id} was ${how} but its settings could not be applied: ${reason} ` +
        `The instance is recorded in the stack; run \`pulumi up\` again to finish configuring it` +
        (how === "created" ? " (no second instance will be created)." : "."),
    );
    this.name = "InstanceInitializationError";
  }
}
