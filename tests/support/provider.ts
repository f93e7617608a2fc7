/**
 * Helpers for driving WaapiInstanceProvider the way the dynamic-provider host does, against the
 * compiled package (`npm run build`): that is what Pulumi loads at run time.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import type * as Package from "../../provider";

declare global {
  /** Node's own `require`, from the repository root (set by tests/support/node-environment.cjs). */
  var requireFromNode: NodeJS.Require;
}

/** `require` as Node (not jest) does it, from the repository root: the dynamic-provider host's view. */
export const requireFromRoot = globalThis.requireFromNode;

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

/** Everything a value could show a person or a log: message, stack, JSON and deep inspection. */
export function everythingShown(value: unknown): string {
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    // circular: inspect covered it
  }
  if (value instanceof Error) parts.push(String(value), value.stack ?? "");
  return parts.join("\n");
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
