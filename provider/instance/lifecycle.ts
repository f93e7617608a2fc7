/**
 * The WaapiInstance lifecycle: what each Pulumi call does against WAAPI. The serialized provider is
 * a thin shim (./provider.ts) that loads this module from the installed package at run time, so the
 * state stores under 4 KB of shim per resource instead of this code and everything it imports.
 *
 * Shims already stored in users' states call these exports by name, with these parameters: keep
 * every export, and only ever add optional parameters.
 *
 * Pulumi's side of the contract lives here; HTTP details live in the client.
 */
import type * as pulumi from "@pulumi/pulumi";
import { WaapiClient, WaapiNotFoundError, WaapiPermissionError } from "../client";
import type { ApiInstance } from "../waapi-api";
import { CONFIG_KEYS, ENV_VARS, MissingApiTokenError, resolveSettings, type ConfigSource } from "../settings";
import { withPulumiAdvice, type LifecycleCall } from "./advice";
import { PROVIDER_KEY, checkInstanceInputs, type InstanceInputs } from "./inputs";
import {
  diffInstance,
  inputsFromOutputs,
  outputsFromApi,
  outputsFromUpdate,
  updateBodyFor,
  type InstanceOutputs,
} from "./state";

type PropertyBag = Record<string, unknown>;

/** A configured connection: the client, and the API it talks to (recorded with every instance). */
interface Connection {
  client: WaapiClient;
  apiBaseUrl: string;
}

/**
 * One connection per configured provider object, kept here rather than on the provider so the token
 * can never be serialized with it. The dynamic-provider host caches the provider *before* `configure`
 * has finished, so calls may arrive early: they await the promise `configure` registers
 * synchronously when it starts.
 */
const connections = new WeakMap<object, Promise<Connection>>();

export function configure(provider: object, request: { config: ConfigSource }): Promise<void> {
  const connection = Promise.resolve().then(() => connect(request.config));
  connections.set(provider, connection);
  // A missing token is reported by the first call that needs the API: check and diff work without one.
  return connection.then(
    () => undefined,
    () => undefined,
  );
}

function connectionFor(provider: object): Promise<Connection> {
  let connection = connections.get(provider);
  if (!connection) {
    // Driven directly (not by the Pulumi engine), nobody called configure: use the environment.
    connection = Promise.resolve().then(() => connect(undefined));
    connections.set(provider, connection);
  }
  return connection;
}

function connect(config: ConfigSource | undefined): Connection {
  const settings = resolveSettings(config);
  if (!settings.apiToken) throw new MissingApiTokenError();
  const client = new WaapiClient({ apiToken: settings.apiToken, baseUrl: settings.baseUrl });
  return { client, apiBaseUrl: settings.baseUrl };
}

/**
 * The connection for a call on a recorded instance. An instance lives on the API it was created
 * through; a call through another (a stray WAAPI_BASE_URL, a sandbox URL left in the config) would
 * find nothing there, and refresh would then drop real, paid instances from the stack.
 */
async function connectionForRecorded(
  provider: object,
  recorded: PropertyBag | undefined,
): Promise<Connection> {
  const connection = await connectionFor(provider);
  const recordedUrl = recorded?.["apiBaseUrl"];
  if (typeof recordedUrl === "string" && recordedUrl !== connection.apiBaseUrl) {
    throw new Error(
      `This instance lives on ${recordedUrl}, but the provider is configured for ${connection.apiBaseUrl} ` +
        `(${CONFIG_KEYS.baseUrl}, or ${ENV_VARS.baseUrl} when that is unset). Nothing was read or changed. ` +
        `Point ${CONFIG_KEYS.baseUrl} at ${recordedUrl} for this stack.`,
    );
  }
  return connection;
}

/** Runs one lifecycle call, adding Pulumi advice to the client's errors. */
async function advised<T>(call: LifecycleCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw withPulumiAdvice(error, call);
  }
}

export async function check(_olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkInstanceInputs(news);
  return failures.length > 0 ? { inputs: news, failures } : { inputs };
}

export async function diff(
  _id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<pulumi.dynamic.DiffResult> {
  return diffInstance(olds, news);
}

/**
 * WAAPI creates an instance in two steps: a body-less POST, then a PUT with its settings. If the PUT
 * fails, the instance exists and is paid for, so it must not be forgotten: the error carries its id
 * and live properties, which Pulumi records as a resource that failed to initialize; the next `up`
 * updates it instead of creating another. An adopted instance (adoptInstanceId) skips the POST.
 */
export function create(provider: object, news: PropertyBag): Promise<pulumi.dynamic.CreateResult> {
  return advised("create", async () => {
    const inputs = news as unknown as InstanceInputs;
    const { client, apiBaseUrl } = await connectionFor(provider);
    const adopted =
      inputs.adoptInstanceId !== undefined ? await adopt(client, inputs.adoptInstanceId) : undefined;
    const live = adopted ?? (await client.createInstance());
    const id = String(live.id);
    const recorded = { ...outputsFromApi(live), apiBaseUrl };
    if (adopted && !diffInstance(recorded, inputs).changes) {
      return { id, outs: recorded }; // adopted as it is: nothing to write
    }
    try {
      const updated = await client.updateInstance(id, updateBodyFor(inputs));
      return { id, outs: { ...outputsFromUpdate(recorded, updated), apiBaseUrl } };
    } catch (error) {
      const properties = { ...recorded, [PROVIDER_KEY]: news[PROVIDER_KEY] };
      throw new InstanceInitializationError(id, properties, adopted ? "adopted" : "created", error);
    }
  });
}

/**
 * The explicit stand-in for Pulumi's `import` option, which the engine cannot apply to dynamic
 * resources (pulumi/pulumi#3550: the host gets no serialized provider to read with).
 */
async function adopt(client: WaapiClient, instanceId: number): Promise<ApiInstance> {
  try {
    return await client.getInstance(instanceId);
  } catch (error) {
    if (error instanceof WaapiNotFoundError) {
      throw new Error(
        `adoptInstanceId ${instanceId}: the token's account has no such instance. ` +
          `Check the id on the waapi.app dashboard; nothing was created.`,
      );
    }
    throw error;
  }
}

/** `props` are the recorded outputs (undefined when the engine has none to give, e.g. a user-driven get). */
export function read(provider: object, id: string, props?: PropertyBag): Promise<pulumi.dynamic.ReadResult> {
  return advised("read", async () => {
    const { client, apiBaseUrl } = await connectionForRecorded(provider, props);
    let outputs: InstanceOutputs & { apiBaseUrl: string };
    try {
      outputs = { ...outputsFromApi(await client.getInstance(id)), apiBaseUrl };
    } catch (error) {
      if (!(error instanceof WaapiNotFoundError)) throw error;
      // Deleted behind our back: an empty result tells the engine the resource is gone.
      await assertSameAccount(client, props, id);
      return {};
    }
    return { id, props: outputs, inputs: { ...inputsFromOutputs(outputs) } };
  });
}

export function update(
  provider: object,
  id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<pulumi.dynamic.UpdateResult> {
  return advised("update", async () => {
    const { client, apiBaseUrl } = await connectionForRecorded(provider, olds);
    const updated = await client.updateInstance(id, updateBodyFor(news as unknown as InstanceInputs));
    // The PUT answer lacks owner and trial status: those cannot change, so keep the recorded ones.
    const recorded = olds as unknown as InstanceOutputs;
    const base = { ...recorded, instanceId: recorded.instanceId ?? Number(id) };
    return { outs: { ...outputsFromUpdate(base, updated), apiBaseUrl } };
  });
}

/** Deletes the instance. Only reached when the user removes or destroys it: `diff` never replaces. */
export function remove(provider: object, id: string, props?: PropertyBag): Promise<void> {
  return advised("delete", async () => {
    const { client } = await connectionForRecorded(provider, props);
    try {
      await client.deleteInstance(id);
    } catch (error) {
      if (!(error instanceof WaapiNotFoundError)) throw error;
      await assertSameAccount(client, props, id); // already gone: the goal is reached
    }
  });
}

/**
 * WAAPI answers 404 for another account's instance too. Before a 404 counts as "gone", make sure the
 * token is the recorded owner's: if the account it sees has instances, and none is the owner's, the
 * token is someone else's, and forgetting the instance would leave a paid one unmanaged.
 */
async function assertSameAccount(
  client: WaapiClient,
  recorded: PropertyBag | undefined,
  id: string,
): Promise<void> {
  const owner = recorded?.["owner"];
  if (typeof owner !== "string") return;
  let instances: ApiInstance[];
  try {
    instances = await client.listInstances();
  } catch (error) {
    // A token without the read permission (a destroy-only token) cannot tell; the 404 stands.
    if (error instanceof WaapiPermissionError) return;
    throw error;
  }
  const owners = new Set(instances.map((instance) => instance.owner));
  if (owners.size > 0 && !owners.has(owner)) {
    throw new Error(
      `WAAPI answered 404 for instance ${id}, recorded as owned by ${owner}, but the API token belongs to ` +
        `another account (${[...owners].join(", ")}). Nothing was changed in the stack. ` +
        `Set the token of ${owner}'s account with \`pulumi config set --secret ${CONFIG_KEYS.apiToken} <token>\`.`,
    );
  }
}

/**
 * The shape the dynamic-provider host turns into a "resource initialization failed" response: `id`,
 * `properties` and `reasons` make Pulumi record the instance in the state.
 */
export class InstanceInitializationError extends Error {
  readonly code = "ERR_WAAPI_INSTANCE_INCOMPLETE";
  readonly reasons: string[];

  constructor(
    readonly id: string,
    readonly properties: PropertyBag,
    how: "created" | "adopted",
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `WAAPI instance ${id} was ${how} but its settings could not be applied: ${reason} ` +
        `The instance is recorded in the stack; run \`pulumi up\` again to finish configuring it` +
        (how === "created" ? " (no second instance will be created)." : "."),
    );
    this.name = "InstanceInitializationError";
    // The engine shows the reasons, not the message: give them the whole story.
    this.reasons = [this.message];
  }
}
