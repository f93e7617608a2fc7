/**
 * What a program of 100 WaapiInstances pays for its provider: no closure serialization at all, and
 * the same small `__provider` text on every resource (PROVIDER_SHIM). Serializing the provider per
 * resource (`new WaapiInstanceProvider()` in each `pulumi.dynamic.Resource`) cost tens of
 * milliseconds a resource; this test fails if any serialization creeps back in.
 *
 * The resources are registered with Pulumi's mocks (no engine), in Node's own realm, against the
 * built package: what a program loads.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadBuiltPackage, requireFromRoot } from "../support/provider";

const COUNT = 100;

const { WaapiInstance } = loadBuiltPackage();
const pulumiSdk = requireFromRoot("@pulumi/pulumi") as typeof pulumi;
// The module `pulumi.dynamic.Resource` loads to serialize a provider (see @pulumi/pulumi/dynamic).
const closure = requireFromRoot("@pulumi/pulumi/runtime/closure/serializeClosure") as {
  serializeFunction: (...args: unknown[]) => Promise<unknown>;
};

const registered: Record<string, unknown>[] = [];
let serializations = 0;
const original = closure.serializeFunction;

beforeAll(async () => {
  closure.serializeFunction = (...args) => {
    serializations += 1;
    return original(...args);
  };
  await pulumiSdk.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.inputs as Record<string, unknown>);
        return { id: String(registered.length), state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "many-resources",
    "test",
    true,
  );
});
afterAll(() => {
  closure.serializeFunction = original;
});

/** Resolves once every resource has been registered with the (mock) engine. */
function registeredAll(resources: pulumi.CustomResource[]): Promise<unknown> {
  return new Promise((resolve) => pulumiSdk.all(resources.map((r) => r.urn)).apply(resolve));
}

beforeEach(() => {
  registered.length = 0;
  serializations = 0;
});

it(`${COUNT} WaapiInstances serialize nothing and share one small shim`, async () => {
  const started = performance.now();
  const resources = Array.from(
    { length: COUNT },
    (_, i) => new WaapiInstance(`line-${i}`, { name: `Line ${i}`, webhookEvents: ["message"] }),
  );
  await registeredAll(resources);
  console.log(`${COUNT} WaapiInstances registered in ${(performance.now() - started).toFixed(0)} ms`);

  expect(serializations).toBe(0);
  expect(registered).toHaveLength(COUNT);
  const shims = new Set(registered.map((inputs) => inputs["__provider"]));
  expect([...shims]).toEqual([expect.stringContaining("pulumi-waapi/internal/instance-lifecycle")]);
  expect(Buffer.byteLength(String([...shims][0]))).toBeLessThan(256);
});

it("the probe sees serializations: a plain dynamic resource's provider is serialized once per object", async () => {
  const shared: pulumi.dynamic.ResourceProvider = {
    async create(inputs: Record<string, unknown>) {
      return { id: "x", outs: inputs };
    },
  };
  class Plain extends pulumiSdk.dynamic.Resource {
    constructor(name: string) {
      super(shared, name, {}, {}, "probe");
    }
  }
  const resources = Array.from({ length: 3 }, (_, i) => new Plain(`plain-${i}`));
  await registeredAll(resources);
  expect(serializations).toBe(1);
});
