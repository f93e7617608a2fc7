/**
 * A TypeScript stack of dynamic WaapiInstances moves to the native plugin's Instance (which aliases
 * the dynamic type) through the real CLI and engine: no instance is created, written or deleted, and
 * the state loses the serialized provider. The state sizes of both doors are measured in one run.
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSandbox, type Sandbox } from "../../sandbox";
import { OfflineStacks } from "../support/pulumi";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "migration-program");

let sandbox: Sandbox;
const stacks = new OfflineStacks();
const onOutput = stacks.onOutput;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await stacks.removeAll();
  await sandbox.close();
});

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

async function instancesInState(stack: Stack): Promise<StateResource[]> {
  const { deployment } = await stack.exportStack();
  return (deployment.resources as StateResource[]).filter(
    (r) => r.urn.endsWith("::support") || r.urn.endsWith("::sales"),
  );
}

/** Bytes an instance's inputs and outputs take in the state (what the provider puts there). */
const recordedBytes = (resource: StateResource) =>
  Buffer.byteLength(JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs }));

it("moves dynamic WaapiInstances to the native Instance in place: no POST, no PUT, no DELETE", async () => {
  const token = sandbox.createToken();
  const stack = await stacks.create(PROGRAM_DIR, {
    apiToken: token,
    baseUrl: sandbox.baseUrl,
    config: { door: "dynamic" },
  });
  const before = await stack.up({ onOutput, color: "never" });
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
  const preview = await stack.preview({ diff: true, onOutput, color: "never" });
  expect(preview.changeSummary).toMatchObject({ update: 2 });
  expect(preview.changeSummary).not.toHaveProperty("create");
  expect(preview.changeSummary).not.toHaveProperty("replace");
  const moved = await stack.up({ onOutput, color: "never" });
  // The two updates drop the serialized provider from the state; no instance is deleted or created.
  expect(moved.summary.resourceChanges).toEqual({ same: 1, update: 2 });
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);
  expect(moved.outputs["instanceIds"]?.value).toEqual(ids);

  const native = await instancesInState(stack);
  const name = (urn: string) => urn.split("::").pop();
  expect(native.map((r) => [name(r.urn), r.type, r.id])).toEqual(
    dynamic.map((r) => [name(r.urn), "waapi:index:Instance", r.id]),
  );
  const state = JSON.stringify(native);
  expect(state).not.toContain("__provider");

  const dynamicBytes = recordedBytes(dynamic[0] as StateResource);
  const nativeBytes = recordedBytes(native[0] as StateResource);
  console.info(
    `state per instance (inputs+outputs), same instance in one run: dynamic ${dynamicBytes} bytes, ` +
      `native ${nativeBytes} bytes (${(dynamicBytes / nativeBytes).toFixed(1)}x smaller)`,
  );
  expect(nativeBytes * 4).toBeLessThan(dynamicBytes);

  // From now on the plugin manages them: nothing to do, and a change is one PUT.
  await stack.preview({ expectNoChanges: true, onOutput, color: "never" });
  await stack.destroy({ onOutput, color: "never" });
  expect(sandbox.instances()).toEqual([]);
  for (const text of [state, stacks.output.join("")]) expect(text).not.toContain(token);
}, 300_000);
