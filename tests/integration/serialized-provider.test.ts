/**
 * The provider as Pulumi stores and runs it: serialized by `pulumi.runtime.serializeFunction`
 * exactly as `pulumi.dynamic.Resource` does, then revived the way the dynamic-provider host revives
 * it (`require-from-string`, `.handler()`), and driven against the sandbox.
 */
import type * as pulumi from "@pulumi/pulumi";
import { startSandbox, type Sandbox } from "../../sandbox";
import { configuredProvider, everythingShown, loadBuiltPackage, requireFromRoot } from "../support/provider";

/** The budget per resource: the host stores this text in the inputs and the outputs of each one. */
const SIZE_BUDGET_BYTES = 4096;

const { WaapiInstanceProvider } = loadBuiltPackage();
const serializeLikeDynamicResource = requireFromRoot("./tests/support/serialize-provider.cjs") as (
  provider: pulumi.dynamic.ResourceProvider,
) => Promise<{ text: string; containsSecrets: boolean }>;
const requireFromString = requireFromRoot("require-from-string") as (code: string) => {
  handler: () => pulumi.dynamic.ResourceProvider;
};

let sandbox: Sandbox;
let serialized: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  serialized = (await serializeLikeDynamicResource(new WaapiInstanceProvider())).text;
});
afterAll(async () => {
  await sandbox.close();
});

it(`is at most ${SIZE_BUDGET_BYTES} bytes`, () => {
  const bytes = Buffer.byteLength(serialized);
  console.log(`serialized WaapiInstanceProvider: ${bytes} bytes (budget ${SIZE_BUDGET_BYTES})`);
  expect(bytes).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  // A shim: the implementation and its dependencies are loaded at run time, not inlined.
  expect(serialized).toContain("pulumi-waapi/internal/instance-lifecycle");
  expect(serialized).not.toMatch(/require\("(got|fastify)"\)|updateBodyFor|WaapiClient/);
});

it("revived by the host's loader, runs every lifecycle call against the sandbox", async () => {
  const token = sandbox.createToken();
  const revived = await configuredProvider(requireFromString(serialized).handler(), {
    apiToken: token,
    baseUrl: sandbox.baseUrl,
  });

  const checked = await revived.check({}, { name: "Revived", webhookEvents: ["qr", "message"] });
  const created = await revived.create(checked.inputs);
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({ id: Number(created.id), name: "Revived", webhook_events: ["message", "qr"] }),
  ]);
  const read = await revived.read(created.id, created.outs);
  expect(read.props).toEqual(created.outs);
  const news = (await revived.check(checked.inputs, { name: "Revived twice" })).inputs;
  expect((await revived.diff(created.id, created.outs, news)).changes).toBe(true);
  await revived.update(created.id, created.outs, news);
  expect(sandbox.instances()[0]?.name).toBe("Revived twice");
  await revived.delete(created.id, created.outs);
  expect(sandbox.instances()).toEqual([]);

  expect(everythingShown(revived)).not.toContain(token);
});

it("captures no token, even when serialized after configure", async () => {
  const token = sandbox.createToken();
  const provider = await configuredProvider(new WaapiInstanceProvider(), {
    apiToken: token,
    baseUrl: sandbox.baseUrl,
  });
  await provider.create({ name: "Configured" });
  const closure = await serializeLikeDynamicResource(provider);
  expect(closure.text).not.toContain(token);
  expect(closure.containsSecrets).toBe(false);
});
