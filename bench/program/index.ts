// make bench's program: `count` resources of one `kind`, with settings that change with `generation`.
//   kind "waapi": WaapiInstances against the sandbox;
//   kind "noop":  the same resources through a dynamic provider that does nothing — the engine's own
//                 cost, the baseline the bench subtracts. Written the plain way, once; never tuned.
import * as pulumi from "@pulumi/pulumi";
import type { WaapiInstanceArgs } from "pulumi-waapi";

const config = new pulumi.Config();
const kind = config.require("kind");
const count = config.requireNumber("count");
const generation = config.requireNumber("generation");

type Inputs = Record<string, unknown>;

const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Inputs) {
    return { id: String(inputs["name"]), outs: inputs };
  },
  async read(id: string, props: Inputs) {
    return { id, props };
  },
  async update(_id: string, _olds: Inputs, news: Inputs) {
    return { outs: news };
  },
  async delete() {},
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, args: WaapiInstanceArgs) {
    super(noopProvider, name, { ...args }, {}, "bench", "Noop");
  }
}

function declare(name: string, args: WaapiInstanceArgs): void {
  if (kind === "noop") {
    new NoopResource(name, args);
  } else {
    // Loaded only for this kind, so that the no-op program does not pay for loading the package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WaapiInstance } = require("pulumi-waapi") as typeof import("pulumi-waapi");
    new WaapiInstance(name, args);
  }
}

for (let i = 0; i < count; i++) {
  declare(`line-${i}`, {
    name: `Line ${i} g${generation}`,
    webhookUrl: `https://hooks.example.com/waapi/${i}/g${generation}`,
    webhookEvents: generation % 2 === 0 ? ["message", "ready"] : ["message", "qr"],
  });
}
