/**
 * A TypeScript stack of dynamic WaapiInstances moves to the native plugin's Instance (which aliases
 * the dynamic type) through the real CLI and engine: no instance is created, written or deleted, and
 * the state loses the serialized provider. The state sizes of both doors are measured in one run.
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "migration-program");

const sandbox = useSandbox();
const stacks = useOfflineStacks();

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

async function instancesInState(stack: Stack): Promise<StateResource[]> {
  const { deployment } = await stack.exportStack();
  // Sorted by resource name: the engine writes resources in the order their steps finished.
  return (deployment.resources as StateResource[])
    .filter((r) => r.urn.endsWith("::support") || r.urn.endsWith("::sales"))
    .sort((a, b) => resourceName(a.urn).localeCompare(resourceName(b.urn)));
}

const resourceName = (urn: string) => urn.split("::").pop() ?? urn;

/** Bytes an instance's inputs and outputs take in the state (what the provider puts there). */
const recordedBytes = (resource: StateResource) =>
  Buffer.byteLength(JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs }));

it("moves dynamic WaapiInstances to the native Instance in place: no POST, no PUT, no DELETE", async () => {
  const token = sandbox.token;
  const stack = await stacks.create(PROGRAM_DIR, {
    apiToken: token,
    baseUrl: sandbox.baseUrl,
    config: { door: "dynamic" },
  });
  const before = await stacks.up(stack);
  const ids = before.outputs["instanceIds"]?.value as Record<string, number>;
  expect(
    sandbox
      .instances()
      .map((i) => i.id)
      .sort(),
  ).toEqual([ids["support"], ids["sales"]].sort());
  const dynamic = await instancesInState(stack);
  expect(dynamic.map((r) => r.type)).toEqual([
    "pulumi-nodejs:dynamic/waapi:Instance",
    "pulumi-nodejs:dynamic/waapi:Instance",
  ]);

  await stack.setConfig("door", { value: "native" });
  sandbox.clearRequests();
  const preview = await stacks.preview(stack, { diff: true });
  expect(preview.changeSummary).toMatchObject({ update: 2 });
  expect(preview.changeSummary).not.toHaveProperty("create");
  expect(preview.changeSummary).not.toHaveProperty("replace");
  const moved = await stacks.up(stack);
  // The two updates drop the serialized provider from the state; no instance is deleted or created.
  expect(moved.summary.resourceChanges).toEqual({ same: 1, update: 2 });
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);
  expect(moved.outputs["instanceIds"]?.value).toEqual(ids);

  const native = await instancesInState(stack);
  expect(native.map((r) => [resourceName(r.urn), r.type, r.id])).toEqual(
    dynamic.map((r) => [resourceName(r.urn), "waapi:index:Instance", r.id]),
  );
  const state = JSON.stringify(native);
  expect(state).not.toContain("__provider");

  const dynamicBytes = recordedBytes(dynamic[0] as StateResource);
  const nativeBytes = recordedBytes(native[0] as StateResource);
  console.info(
    `state per instance (inputs+outputs), same instance in one run: dynamic ${dynamicBytes} bytes, ` +
      `native ${nativeBytes} bytes (dynamic/native ${(dynamicBytes / nativeBytes).toFixed(2)})`,
  );
  expect(nativeBytes).toBeLessThan(dynamicBytes);

  // From now on the plugin manages them: nothing to do, and a change is one PUT.
  await stacks.preview(stack, { expectNoChanges: true });
  await stacks.destroy(stack);
  expect(sandbox.instances()).toEqual([]);
  for (const text of [state, ...stacks.everything()]) expect(text).not.toContain(token);
}, 300_000);
