import * as nodeModule from "node:module";
import type * as pulumi from "@pulumi/pulumi";
import type * as Lifecycle from "./lifecycle";

/**
 * The package subpath of the lifecycle implementation (see package.json "exports"). It is resolved
 * from the Pulumi program's directory, where the dynamic-provider host runs: a project that installed
 * pulumi-waapi finds it in node_modules, and this repository's own programs find it through Node's
 * package self-reference.
 */
const LIFECYCLE_MODULE = "pulumi-waapi/internal/instance-lifecycle";

/**
 * The dynamic provider for WaapiInstance.
 *
 * Pulumi serializes this object into the inputs and outputs of every WaapiInstance in the state, and
 * the file backend rewrites the whole state at each step. So it is a shim: no fields, and methods
 * that load the implementation from the installed package when called. It must never hold the API
 * token: `configure` hands the config to the implementation, which keeps the client to itself.
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
