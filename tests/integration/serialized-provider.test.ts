/**
 * The provider as states hold it and the dynamic-provider host runs it: the `__provider` text is
 * loaded the way the host loads it (`require-from-string`, `.handler()`), configured, and driven
 * against the sandbox. Two texts must work: the shim WaapiInstance stores now (PROVIDER_SHIM), and
 * the one pulumi-waapi 0.1.0 stored — `WaapiInstanceProvider` serialized by `pulumi.dynamic.Resource`,
 * kept verbatim in tests/fixtures — which users' states keep until each resource is next updated.
 */
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { expectNoLeak } from "../support/leaks";
import { configuredProvider, loadBuiltPackage, requireFromRoot } from "../support/provider";
import { useSandbox } from "../support/sandbox";

/** The budget of the stored shim: the host stores this text in the inputs and the outputs of each resource. */
const SHIM_BUDGET_BYTES = 256;
/** The budget of WaapiInstanceProvider serialized by a program's own `pulumi.dynamic.Resource`. */
const SERIALIZED_BUDGET_BYTES = 4096;

const { WaapiInstanceProvider } = loadBuiltPackage();
const { PROVIDER_SHIM } = requireFromRoot("./dist/provider/dynamic/provider.js") as { PROVIDER_SHIM: string };
const SHIM_0_1_0 = readFileSync("tests/fixtures/provider-shim-0.1.0.js", "utf8");
const serializeLikeDynamicResource = requireFromRoot("./tests/support/serialize-provider.cjs") as (
  provider: pulumi.dynamic.ResourceProvider,
) => Promise<{ text: string; containsSecrets: boolean }>;
const requireFromString = requireFromRoot("require-from-string") as (code: string) => {
  handler: () => pulumi.dynamic.ResourceProvider;
};

const sandbox = useSandbox();

it(`the shim WaapiInstance stores is at most ${SHIM_BUDGET_BYTES} bytes and only loads the package`, () => {
  const bytes = Buffer.byteLength(PROVIDER_SHIM);
  console.log(
    `PROVIDER_SHIM: ${bytes} bytes (budget ${SHIM_BUDGET_BYTES}; 0.1.0 stored ${SHIM_0_1_0.length})`,
  );
  expect(bytes).toBeLessThanOrEqual(SHIM_BUDGET_BYTES);
  expect(PROVIDER_SHIM).toContain('("pulumi-waapi/internal/instance-lifecycle").provider()');
});

describe.each([
  ["the shim WaapiInstance stores", PROVIDER_SHIM],
  ["the shim 0.1.0 stored", SHIM_0_1_0],
])("%s, revived by the host's loader", (_label, text) => {
  it("runs every lifecycle call against the sandbox, and shows no token", async () => {
    const token = sandbox.token;
    const revived = await configuredProvider(requireFromString(text).handler(), {
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
    // A change: left to the engine, which compares the inputs itself (see diff in provider/dynamic).
    expect(await revived.diff(created.id, created.outs, news)).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
    await revived.update(created.id, created.outs, news);
    expect(sandbox.instances()[0]?.name).toBe("Revived twice");
    await revived.delete(created.id, created.outs);
    expect(sandbox.instances()).toEqual([]);
    // The list before the first POST is the provider process's note of the account's ids (creation.ts).
    expect(sandbox.requests().map((r) => r.method)).toEqual(["GET", "POST", "PUT", "GET", "PUT", "DELETE"]);

    expectNoLeak([revived], [token]);
  });
});

it(`WaapiInstanceProvider, serialized by a program's own dynamic.Resource, is a shim of at most ${SERIALIZED_BUDGET_BYTES} bytes`, async () => {
  const serialized = (await serializeLikeDynamicResource(new WaapiInstanceProvider())).text;
  expect(Buffer.byteLength(serialized)).toBeLessThanOrEqual(SERIALIZED_BUDGET_BYTES);
  // The implementation and its dependencies are loaded at run time, not inlined.
  expect(serialized).toContain("pulumi-waapi/internal/instance-lifecycle");
  expect(serialized).not.toMatch(/require\("(got|fastify)"\)|updateBodyFor|WaapiClient/);
});

it("WaapiInstanceProvider captures no token, even when serialized after configure", async () => {
  const token = sandbox.token;
  const provider = await configuredProvider(new WaapiInstanceProvider(), {
    apiToken: token,
    baseUrl: sandbox.baseUrl,
  });
  await provider.create({ name: "Configured" });
  const closure = await serializeLikeDynamicResource(provider);
  expectNoLeak([closure.text], [token]);
  expect(closure.containsSecrets).toBe(false);
});
