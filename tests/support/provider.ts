/**
 * Helpers for driving WaapiInstanceProvider the way the dynamic-provider host does, against the
 * compiled package (`npm run build`): that is what Pulumi loads at run time.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type * as Package from "../../provider";

declare global {
  /** Node's own `require`, from the repository root (set by tests/support/node-environment.cjs). */
  var requireFromNode: NodeJS.Require;
  /**
   * Sets (or, given undefined, unsets) a variable in Node's own `process.env`, which the built
   * package reads (jest gives tests a copy); returns the previous value.
   */
  var nodeEnvironment: (name: string, value: string | undefined) => string | undefined;
}

/** `require` as Node (not jest) does it, from the repository root: the dynamic-provider host's view. */
export const requireFromRoot = globalThis.requireFromNode;

/**
 * Node's own `Error` (jest gives tests another realm's): the one the built package and @pulumi/pulumi
 * see, whose `stackTraceLimit` and `prepareStackTrace` apply to their stack traces.
 */
export const NodeError = (requireFromRoot("node:vm") as typeof import("node:vm")).runInThisContext(
  "Error",
) as ErrorConstructor;

/** The compiled package, loaded by Node itself (jest's module registry cannot load ESM-only got). */
export function loadBuiltPackage(): typeof Package {
  if (!existsSync(join(process.cwd(), "dist", "provider", "dynamic", "lifecycle.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (`make test` does)");
  }
  return requireFromRoot("pulumi-waapi") as typeof Package;
}

export type Provider = Required<pulumi.dynamic.ResourceProvider>;

export interface ProviderSettings {
  apiToken?: string;
  baseUrl?: string;
}

/** The request the host passes to `configure`: stack config `waapi:apiToken` and `waapi:baseUrl`. */
export function configureRequest(settings: ProviderSettings): pulumi.dynamic.ConfigureRequest {
  const config: Record<string, string | undefined> = {
    "waapi:apiToken": settings.apiToken,
    "waapi:baseUrl": settings.baseUrl,
  };
  return { config: { get: (key) => config[key], require: (key) => config[key] ?? "" } };
}

/** A provider configured as the host would configure it. */
export async function configuredProvider(
  provider: pulumi.dynamic.ResourceProvider,
  settings: ProviderSettings,
): Promise<Provider> {
  await provider.configure?.(configureRequest(settings));
  return provider as Provider;
}

/** Runs `action` and returns what it threw; fails the test if it did not throw. */
export async function thrownBy(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

/**
 * Runs `body` with the given environment variables set (a string) or unset (undefined), and puts
 * the environment back afterwards: a test must not depend on, nor leave behind, what the shell set.
 */
export async function withEnvironment<T>(
  variables: Record<string, string | undefined>,
  body: () => Promise<T>,
): Promise<T> {
  const set = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
    return globalThis.nodeEnvironment(name, value);
  };
  const saved = Object.entries(variables).map(([name, value]) => [name, set(name, value)] as const);
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) set(name, value);
  }
}
