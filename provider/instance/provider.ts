import * as nodeModule from "node:module";
import * as nodePath from "node:path";
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
    return loadLifecycle().configure(this, request);
  }

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return loadLifecycle().check(olds, news);
  }

  async diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.DiffResult> {
    return loadLifecycle().diff(id, olds, news);
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return loadLifecycle().create(this, inputs);
  }

  async read(id: string): Promise<pulumi.dynamic.ReadResult> {
    return loadLifecycle().read(this, id);
  }

  async update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return loadLifecycle().update(this, id, olds, news);
  }

  async delete(id: string): Promise<void> {
    return loadLifecycle().remove(this, id);
  }
}

function loadLifecycle(): typeof Lifecycle {
  const requireFromProgram = nodeModule.createRequire(nodePath.join(process.cwd(), "package.json"));
  return requireFromProgram(LIFECYCLE_MODULE) as typeof Lifecycle;
}
