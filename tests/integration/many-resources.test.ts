/**
 * What a program of 100 WaapiInstances pays for its provider: no closure serialization at all, and
 * the same small `__provider` text on every resource (PROVIDER_SHIM). Serializing the provider per
 * resource (`new WaapiInstanceProvider()` in each `pulumi.dynamic.Resource`) cost tens of
 * milliseconds a resource; this test fails if any serialization creeps back in. Nor does it pay for a
 * stack trace per promise of its registration (see provider/dynamic/resource.ts).
 *
 * The resources are registered with Pulumi's mocks (no engine), in Node's own realm, against the
 * built package: what a program loads.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NodeError, loadBuiltPackage, requireFromRoot } from "../support/provider";

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

/** A plain `pulumi.dynamic.Resource`, as a program would write one: what the probes compare with. */
class PlainResource extends pulumiSdk.dynamic.Resource {
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string, props: pulumi.Inputs = {}) {
    super(provider, name, props, {}, "probe");
  }
}

/** A new provider object that does nothing (Pulumi serializes each provider object once). */
function noopProvider(): pulumi.dynamic.ResourceProvider {
  return {
    async create(inputs: Record<string, unknown>) {
      return { id: "x", outs: inputs };
    },
  };
}

it("the probe sees serializations: a plain dynamic resource's provider is serialized once per object", async () => {
  const shared = noopProvider();
  const resources = Array.from({ length: 3 }, (_, i) => new PlainResource(shared, `plain-${i}`));
  await registeredAll(resources);
  expect(serializations).toBe(1);
});

/**
 * Counts the stack traces V8 formats while `build` runs, and their frames: `Error.prepareStackTrace`
 * is called once for each (with the frames), which is where ts-node source-maps them in a TypeScript
 * program. Formats them as V8 would, so nothing else changes.
 */
function stackTracesDuring(build: () => void): { traces: number; frames: number } {
  const original = NodeError.prepareStackTrace;
  const seen = { traces: 0, frames: 0 };
  NodeError.prepareStackTrace = (error, callSites) => {
    if (callSites.length > 0) {
      seen.traces += 1;
      seen.frames += callSites.length;
    }
    return original
      ? original(error, callSites)
      : `${String(error)}${callSites.map((site) => `\n    at ${String(site)}`).join("")}`;
  };
  try {
    build();
  } finally {
    NodeError.prepareStackTrace = original;
  }
  return seen;
}

it(`${COUNT} WaapiInstances capture one stack trace each (their source position), not one per promise`, async () => {
  const limitBefore = NodeError.stackTraceLimit;
  const resources: pulumi.CustomResource[] = [];
  const seen = stackTracesDuring(() => {
    for (let i = 0; i < COUNT; i++) {
      resources.push(new WaapiInstance(`traced-${i}`, { name: `Line ${i}`, webhookEvents: ["message"] }));
    }
  });
  await registeredAll(resources);
  // Pulumi's Resource.callsites (the source position), which sets its own limit: all that is left.
  expect(seen.traces).toBe(COUNT);
  // The limit is back where it was, for everything after the constructor.
  expect(NodeError.stackTraceLimit).toBe(limitBefore);
});

it("the probe sees Pulumi's stack trace per promise: a plain dynamic resource of 4 properties makes 17 or more", async () => {
  const resources: pulumi.CustomResource[] = [];
  const seen = stackTracesDuring(() =>
    resources.push(new PlainResource(noopProvider(), "plain-traced", { a: 1, b: 2, c: 3 })),
  );
  await registeredAll(resources);
  // 4 promises for each of a, b, c and __provider, plus the source position.
  expect(seen.traces).toBeGreaterThanOrEqual(17);
});

it("an error thrown while registering a WaapiInstance keeps a stack trace naming its caller", () => {
  const limitBefore = NodeError.stackTraceLimit;
  let thrown: unknown;
  try {
    // A resource name that is not a string: Pulumi's Resource constructor throws at once.
    new WaapiInstance(undefined as unknown as string, { name: "x" });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(NodeError);
  expect((thrown as Error).message).toContain("name");
  expect((thrown as Error).stack).toContain("many-resources.test");
  expect(NodeError.stackTraceLimit).toBe(limitBefore);
});
