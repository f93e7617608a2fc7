import * as nodeModule from "node:module";
import type * as pulumi from "@pulumi/pulumi";
import type * as Lifecycle from "./lifecycle";
import { INSTANCE_TYPE } from "../tokens";

/**
 * The package subpath of the lifecycle implementation (see package.json "exports"). It is resolved
 * from the Pulumi program's directory, where the dynamic-provider host runs: a project that installed
 * pulumi-waapi finds it in node_modules, and this repository's own programs find it through Node's
 * package self-reference.
 */
const LIFECYCLE_MODULE = "pulumi-waapi/internal/instance-lifecycle";

/**
 * What every WaapiInstance stores as its `__provider`, in its inputs and its outputs: the module the
 * dynamic-provider host loads (with `require-from-string`) and whose `handler()` gives it the provider.
 *
 * Written here rather than serialized from an object by `pulumi.runtime.serializeFunction`, which is
 * what `pulumi.dynamic.Resource` does: that took tens of milliseconds per resource and produced 3.9 KB
 * of closure code, stored twice per resource and rewritten with the whole state at every step. The
 * host reads this text the way it reads every state ever written (`exports.handler`), so the format is
 * as stable as users' states are. A constant: the host configures one provider per distinct text, and
 * package upgrades leave the state alone. It must never hold the API token.
 */
export const PROVIDER_SHIM = shimCalling("");

/**
 * The `__provider` of a dynamic resource of type `token` (a registry token): WaapiInstance's is
 * PROVIDER_SHIM as 0.2.0 wrote it, so no stored state sees it change; any other resource's names its
 * token, which `provider(token)` serves.
 */
export function providerShim(token: string): string {
  return token === INSTANCE_TYPE ? PROVIDER_SHIM : shimCalling(JSON.stringify(token));
}

function shimCalling(providerArgs: string): string {
  return (
    `exports.handler = () => require("module").createRequire(process.cwd() + "/package.json")` +
    `(${JSON.stringify(LIFECYCLE_MODULE)}).provider(${providerArgs});\n`
  );
}

/**
 * The provider as pulumi-waapi 0.1.0 stored it: `pulumi.dynamic.Resource` serialized this class into
 * every WaapiInstance, so states written by 0.1.0 hold its methods, which call ./lifecycle's exports
 * by name. WaapiInstance now stores PROVIDER_SHIM instead; this stays for those states' sake and for
 * programs that pass it to a `pulumi.dynamic.Resource` of their own.
 *
 * No fields, and methods that load the implementation from the installed package when called. It must
 * never hold the API token: `configure` hands the config to the implementation, which keeps the client
 * to itself.
 */
export class WaapiInstanceProvider implements pulumi.dynamic.ResourceProvider {
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return lifecycle().configure(this, request);
  }

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return lifecycle().check(olds, news);
  }

  async diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.DiffResult> {
    return lifecycle().diff(id, olds, news);
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return lifecycle().create(this, inputs);
  }

  async read(id: string, props?: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return lifecycle().read(this, id, props);
  }

  async update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return lifecycle().update(this, id, olds, news);
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return lifecycle().remove(this, id, props);
  }
}

/** Loads the implementation (Node caches it after the first call). Kept short: it is serialized. */
function lifecycle(): typeof Lifecycle {
  return nodeModule.createRequire(`${process.cwd()}/package.json`)(LIFECYCLE_MODULE) as typeof Lifecycle;
}
