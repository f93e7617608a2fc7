/**
 * What the serialized shims (./provider.ts) call. A shim is stored in every dynamic resource of
 * every user's state and loads this module from the installed package at run time
 * (`pulumi-waapi/internal/instance-lifecycle`), so the state holds a few KB of shim per resource
 * instead of this code and everything it imports.
 *
 * A versioned interface: shims already stored in users' states call these exports by name, with
 * these parameters. Keep every export, and only ever add optional parameters. The named calls
 * (configure … remove) are WaapiInstance's, as 0.1.0 stored them; `provider(token)` serves any
 * resource of the registry.
 *
 * Each call maps the dynamic-provider API onto the registry's resource (../resources) and back.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../settings";
import { connect, type Connection } from "../connection";
import { PROVIDER_KEY } from "../instance/inputs";
import { InstanceInitializationError } from "../instance/lifecycle";
import { instanceResource } from "../instance/resource";
import { ResourceInitializationError, type Resource } from "../resources/descriptor";
import { resourceFor } from "../resources";
import { withDoorAdvice } from "./advice";
import { EngineLog } from "../engine-log";

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

/**
 * Where the engine listens, when this runs in the dynamic-provider host: the host
 * (@pulumi/pulumi/cmd/dynamic-provider, started by pulumi-resource-pulumi-nodejs) is given the
 * engine's address as its first argument but keeps it to itself. Anywhere else (a test driving the
 * provider directly): undefined.
 */
export function dynamicHostEngineAddress(argv: readonly string[] = process.argv): string | undefined {
  const [, script = "", address = ""] = argv;
  return /[\\/]cmd[\\/]dynamic-provider\b/.test(script) && /^\S+:\d+$/.test(address) ? address : undefined;
}

let engineLog: EngineLog | undefined;

/**
 * The core's warnings (a POST whose lost answer was recovered, what a delete left behind) for the
 * person running `pulumi up`, as the native door gives them: through the engine's Log. The host
 * passes the provider no URN, so the engine prints them with the stack's diagnostics (each names the
 * instance it is about); with no engine to reach they go to stderr, which the engine prints too.
 */
function engineWarnings(): { warn: (message: string) => void; delivered: () => Promise<void> } {
  engineLog ??= new EngineLog(dynamicHostEngineAddress(), "pulumi-waapi");
  const log = engineLog;
  const sent: Promise<void>[] = [];
  return {
    warn: (message) => void sent.push(log.warn(message, "")),
    delivered: async () => void (await Promise.all(sent)),
  };
}

/** The dynamic-provider calls of one registered resource. */
function callsOf(resource: Resource) {
  return {
    async check(_olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.CheckResult> {
      const { inputs, failures } = resource.check(news);
      return failures.length > 0 ? { inputs: news, failures } : { inputs };
    },

    /**
     * Whether anything changed is decided here (events as sets, an absent URL equal to an empty one),
     * but when something did, the answer `changes: undefined` hands the verdict to the engine: it then
     * compares old and new inputs itself and records which properties differ (`diffReasons` and
     * `detailedDiff` in `pulumi preview --json`), which a dynamic provider has no other way to report.
     *
     * That is only right where the engine's comparison finds exactly the properties this one does.
     * Check normalizes the inputs, and refresh records inputs made from the live resource, so the
     * settings compare alike; what else the inputs hold must match too. `olds` are the recorded
     * outputs, which carry the same serialized provider and dynamic-only inputs (adoptInstanceId) as
     * the recorded inputs: where either differs from the new inputs (a new package version,
     * adoptInstanceId added to an existing resource), the engine would list it as a change, so this
     * diff answers itself, without property details.
     */
    async diff(_id: string, olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.DiffResult> {
      const changes = resource.changes(olds, news).length > 0;
      const engineSeesTheSame = [PROVIDER_KEY, ...resource.dynamicOnlyInputs].every(
        (key) => olds[key] === news[key],
      );
      const result = { replaces: [], deleteBeforeReplace: false };
      return changes && engineSeesTheSame ? result : { changes, ...result };
    },

    async create(provider: object, news: PropertyBag): Promise<pulumi.dynamic.CreateResult> {
      const connection = await connectionFor(provider);
      // Delivered before the answer, so they print while the resource is still being created.
      const warnings = engineWarnings();
      try {
        const { id, outputs } = await resource.create(connection, news, warnings.warn);
        await warnings.delivered();
        return { id, outs: outputs };
      } catch (error) {
        await warnings.delivered();
        // The host records a half-made resource with these properties; keep the shim with them.
        if (error instanceof ResourceInitializationError) {
          Object.assign(error.properties, { [PROVIDER_KEY]: news[PROVIDER_KEY] });
        }
        throw withDoorAdvice(resource, "create", error);
      }
    },

    /** `props` are the recorded outputs (undefined when the engine has none to give, e.g. a user-driven get). */
    async read(provider: object, id: string, props?: PropertyBag): Promise<pulumi.dynamic.ReadResult> {
      const connection = await connectionFor(provider);
      const live = await resource.read(connection, id, props).catch((error: unknown) => {
        throw withDoorAdvice(resource, "read", error);
      });
      // Deleted behind our back: an empty result tells the engine the resource is gone.
      if (!live) return {};
      return { id, props: live.outputs, inputs: live.inputs };
    },

    async update(
      provider: object,
      id: string,
      olds: PropertyBag,
      news: PropertyBag,
    ): Promise<pulumi.dynamic.UpdateResult> {
      const connection = await connectionFor(provider);
      const outs = await resource.update(connection, id, olds, news).catch((error: unknown) => {
        throw withDoorAdvice(resource, "update", error);
      });
      return { outs };
    },

    async remove(provider: object, id: string, props?: PropertyBag): Promise<void> {
      const warnings = engineWarnings();
      try {
        await resource.delete(await connectionFor(provider), id, props, warnings.warn);
      } catch (error) {
        throw withDoorAdvice(resource, "delete", error);
      } finally {
        await warnings.delivered();
      }
    },
  };
}

const instance = callsOf(instanceResource);

// WaapiInstance's calls, by the names 0.1.0's serialized provider calls them.
export const check = instance.check;
export const diff = instance.diff;
export const create = instance.create;
export const read = instance.read;
export const update = instance.update;
export const remove = instance.remove;

/**
 * The provider a shim in the state (./provider.ts) hands the dynamic-provider host: the calls of the
 * resource with token `token` (WaapiInstance's when absent, as 0.2.0's shim asks), on an object of
 * their own (the host makes one per distinct shim text and configures it once). Like the other
 * exports, it stays.
 */
export function provider(token?: string): Required<pulumi.dynamic.ResourceProvider> {
  const resource = token === undefined ? instanceResource : resourceFor(token);
  if (!resource) throw new Error(`This version of pulumi-waapi has no resource '${token}': upgrade it.`);
  const calls = callsOf(resource);
  const self: Required<pulumi.dynamic.ResourceProvider> = {
    configure: (request) => configure(self, request),
    check: calls.check,
    diff: calls.diff,
    create: (news) => calls.create(self, news),
    read: (id, props) => calls.read(self, id, props),
    update: (id, olds, news) => calls.update(self, id, olds, news),
    delete: (id, props) => calls.remove(self, id, props),
  };
  return self;
}
