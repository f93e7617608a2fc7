/**
 * What the serialized shim (./provider.ts) calls. The shim is stored in every WaapiInstance of
 * every user's state and loads this module from the installed package at run time
 * (`pulumi-waapi/internal/instance-lifecycle`), so the state holds a few KB of shim per resource
 * instead of this code and everything it imports.
 *
 * A versioned interface: shims already stored in users' states call these exports by name, with
 * these parameters. Keep every export, and only ever add optional parameters.
 *
 * Each call maps the dynamic-provider API onto the core (../instance) and back.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../settings";
import { PROVIDER_KEY, checkInstanceInputs, type InstanceInputs } from "../instance/inputs";
import {
  InstanceInitializationError,
  connect,
  createInstance,
  deleteInstance,
  readInstance,
  updateInstance,
  type Connection,
} from "../instance/lifecycle";
import { diffInstance, inputsFromOutputs } from "../instance/state";

export { InstanceInitializationError };

type PropertyBag = Record<string, unknown>;

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

export async function check(_olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkInstanceInputs(news);
  return failures.length > 0 ? { inputs: news, failures } : { inputs };
}

/**
 * Whether anything changed is decided here (events as sets, an absent URL equal to an empty one), but
 * when something did, the answer `changes: undefined` hands the verdict to the engine: it then
 * compares old and new inputs itself and records which properties differ (`diffReasons` and
 * `detailedDiff` in `pulumi preview --json`), which a dynamic provider has no other way to report.
 *
 * That is only right where the engine's comparison finds exactly the properties this one does. Check
 * normalizes the inputs, and refresh records inputs made from the live instance, so the settings
 * compare alike; what else the inputs hold must match too. `olds` are the recorded outputs, which
 * carry the same serialized provider and adoptInstanceId as the recorded inputs: where either differs
 * from the new inputs (a new package version, adoptInstanceId added to an existing resource), the
 * engine would list it as a change, so this diff answers itself, without property details.
 */
export async function diff(
  _id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<pulumi.dynamic.DiffResult> {
  const result = diffInstance(olds, news);
  const engineSeesTheSame =
    olds[PROVIDER_KEY] === news[PROVIDER_KEY] && olds["adoptInstanceId"] === news["adoptInstanceId"];
  return result.changes && engineSeesTheSame ? { replaces: [], deleteBeforeReplace: false } : result;
}

export async function create(provider: object, news: PropertyBag): Promise<pulumi.dynamic.CreateResult> {
  const connection = await connectionFor(provider);
  try {
    const { id, outputs } = await createInstance(connection, news as unknown as InstanceInputs);
    return { id, outs: outputs };
  } catch (error) {
    // The host records a half-made instance with these properties; keep the shim with them.
    if (error instanceof InstanceInitializationError) {
      Object.assign(error.properties, { [PROVIDER_KEY]: news[PROVIDER_KEY] });
    }
    throw error;
  }
}

/** `props` are the recorded outputs (undefined when the engine has none to give, e.g. a user-driven get). */
export async function read(
  provider: object,
  id: string,
  props?: PropertyBag,
): Promise<pulumi.dynamic.ReadResult> {
  const live = await readInstance(await connectionFor(provider), id, props);
  // Deleted behind our back: an empty result tells the engine the resource is gone.
  if (!live) return {};
  return { id, props: live, inputs: { ...inputsFromOutputs(live) } };
}

export async function update(
  provider: object,
  id: string,
  olds: PropertyBag,
  news: PropertyBag,
): Promise<pulumi.dynamic.UpdateResult> {
  const outs = await updateInstance(
    await connectionFor(provider),
    id,
    olds,
    news as unknown as InstanceInputs,
  );
  return { outs };
}

export async function remove(provider: object, id: string, props?: PropertyBag): Promise<void> {
  return deleteInstance(await connectionFor(provider), id, props);
}

/**
 * The provider the shim in the state (PROVIDER_SHIM, ./provider.ts) hands the dynamic-provider host:
 * the calls above, on an object of their own (the host makes one per distinct shim text and
 * configures it once). Added in 0.2.0; like the other exports, it stays.
 */
export function provider(): Required<pulumi.dynamic.ResourceProvider> {
  const self: Required<pulumi.dynamic.ResourceProvider> = {
    configure: (request) => configure(self, request),
    check,
    diff,
    create: (news) => create(self, news),
    read: (id, props) => read(self, id, props),
    update: (id, olds, news) => update(self, id, olds, news),
    delete: (id, props) => remove(self, id, props),
  };
  return self;
}
