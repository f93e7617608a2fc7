/**
 * The WaapiInstance lifecycle: what each Pulumi call does against WAAPI. The serialized provider is
 * a thin shim (./provider.ts) that loads this module from the installed package at run time, so the
 * state file stores a few hundred bytes of shim instead of this code and everything it imports.
 *
 * Pulumi's side of the contract lives here; HTTP details live in the client.
 */
import type * as pulumi from "@pulumi/pulumi";
import { WaapiClient, WaapiNotFoundError } from "../client";
import type { ApiInstance } from "../waapi-api";
import { MissingApiTokenError, resolveSettings, type ConfigSource } from "../settings";
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

/**
 * One client per configured provider object, kept here rather than on the provider so the token can
 * never be serialized with it. The dynamic-provider host caches the provider *before* `configure`
 * has finished, so calls may arrive early: they await the promise `configure` registers
 * synchronously when it starts.
 */
const clients = new WeakMap<object, Promise<WaapiClient>>();

export function configure(provider: object, request: { config: ConfigSource }): Promise<void> {
  const client = Promise.resolve().then(() => clientFromSettings(request.config));
  clients.set(provider, client);
  // A missing token is reported by the first call that needs the API: check and diff work without one.
  return client.then(
    () => undefined,
    () => undefined,
  );
}

function clientFor(provider: object): Promise<WaapiClient> {
  let client = clients.get(provider);
  if (!client) {
    // Driven directly (not by the Pulumi engine), nobody called configure: use the environment.
    client = Promise.resolve().then(() => clientFromSettings(undefined));
    clients.set(provider, client);
  }
  return client;
}

function clientFromSettings(config: ConfigSource | undefined): WaapiClient {
  const settings = resolveSettings(config);
  if (!settings.apiToken) throw new MissingApiTokenError();
  return new WaapiClient({ apiToken: settings.apiToken, baseUrl: settings.baseUrl });
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
 * updates it instead of creating another.
 */
export async function create(provider: object, news: PropertyBag): Promise<pulumi.dynamic.CreateResult> {
  const inputs = news as unknown as InstanceInputs;
  const client = await clientFor(provider);
  const adopted =
    inputs.adoptInstanceId !== undefined ? await adopt(client, inputs.adoptInstanceId) : undefined;
  const live = adopted ?? (await client.createInstance());
  const id = String(live.id);
  if (adopted && !diffInstance(outputsFromApi(adopted), inputs).changes) {
    return { id, outs: { ...outputsFromApi(adopted) } }; // adopted as it is: nothing to write
  }
  try {
    const updated = await client.updateInstance(id, updateBodyFor(inputs));
    return { id, outs: outputsFromUpdate(outputsFromApi(live), updated) };
  } catch (error) {
    throw new InstanceInitializationError(
      id,
      { ...outputsFromApi(live), [PROVIDER_KEY]: news[PROVIDER_KEY] },
      error,
    );
  }
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
        `adoptInstanceId ${instanceId}: this account has no such instance (WAAPI answered 404). ` +
          `Check the id on the waapi.app dashboard or with GET /instances; nothing was created.`,
      );
    }
    throw error;
  }
}

export async function read(provider: object, id: string): Promise<pulumi.dynamic.ReadResult> {
  const client = await clientFor(provider);
  try {
    const outputs = outputsFromApi(await client.getInstance(id));
    return { id, props: { ...outputs }, inputs: { ...inputsFromOutputs(outputs) } };
  } catch (error) {
    // Deleted behind our back: an empty result tells the engine the resource is gone.
    if (error instanceof WaapiNotFoundError) return {};
    throw error;
  }
}

export async function update(
  provider: object,
  id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = news as unknown as InstanceInputs;
  const client = await clientFor(provider);
  const updated = await client.updateInstance(id, updateBodyFor(inputs));
  // The PUT answer lacks owner and trial status: those cannot change, so keep the recorded ones.
  const recorded = olds as unknown as InstanceOutputs;
  return { outs: outputsFromUpdate({ ...recorded, instanceId: recorded.instanceId ?? Number(id) }, updated) };
}

/** Deletes the instance. Only reached when the user removes or destroys it: `diff` never replaces. */
export async function remove(provider: object, id: string): Promise<void> {
  const client = await clientFor(provider);
  try {
    await client.deleteInstance(id);
  } catch (error) {
    if (error instanceof WaapiNotFoundError) return; // already gone: the goal is reached
    throw error;
  }
}

/**
 * The shape the dynamic-provider host turns into a "resource initialization failed" response: `id`,
 * `properties` and `reasons` make Pulumi record the created instance in the state.
 */
export class InstanceInitializationError extends Error {
  readonly code = "ERR_WAAPI_INSTANCE_INCOMPLETE";
  readonly reasons: string[];

  constructor(
    readonly id: string,
    readonly properties: PropertyBag,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `WAAPI instance ${id} was created but its settings could not be applied: ${reason} ` +
        `The instance is recorded in the stack; run \`pulumi up\` again to finish configuring it ` +
        `(no second instance will be created).`,
    );
    this.name = "InstanceInitializationError";
    // The engine shows the reasons, not the message: give them the whole story.
    this.reasons = [this.message];
  }
}
