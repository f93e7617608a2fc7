import type { ApiInstance } from "../waapi-api";
import {
  diffInstance,
  inputsFromOutputs,
  outputsFromApi,
  outputsFromUpdate,
  propertyChanges,
  updateBodyFor,
} from "./state";

const live: ApiInstance = {
  id: 1001,
  name: "Support line",
  owner: "ops@example.com",
  webhook_url: "https://hooks.example.com/waapi",
  webhook_events: ["ready", "message"],
  is_trial: false,
};

describe("outputsFromApi", () => {
  it("maps the wire shape to camelCase outputs with sorted events", () => {
    expect(outputsFromApi(live)).toEqual({
      instanceId: 1001,
      name: "Support line",
      owner: "ops@example.com",
      webhookUrl: "https://hooks.example.com/waapi",
      webhookEvents: ["message", "ready"],
      isTrial: false,
    });
  });

  it("omits a null webhook URL", () => {
    expect(outputsFromApi({ ...live, webhook_url: null })).not.toHaveProperty("webhookUrl");
  });
});

describe("inputsFromOutputs", () => {
  it("gives the inputs that declare the live instance, in check's shape", () => {
    expect(inputsFromOutputs(outputsFromApi(live))).toEqual({
      name: "Support line",
      webhookUrl: "https://hooks.example.com/waapi",
      webhookEvents: ["message", "ready"],
    });
    expect(inputsFromOutputs(outputsFromApi({ ...live, webhook_url: null, webhook_events: [] }))).toEqual({
      name: "Support line",
    });
  });
});

describe("inputsFromOutputs with adoptInstanceId", () => {
  it("keeps a recorded adoptInstanceId, so that a refresh does not drop it from the inputs", () => {
    expect(inputsFromOutputs({ ...outputsFromApi(live), adoptInstanceId: 1001 })).toMatchObject({
      adoptInstanceId: 1001,
    });
  });
});

describe("outputsFromUpdate", () => {
  const base = { instanceId: 1001, owner: "ops@example.com", isTrial: true };

  it("takes name and webhook from the PUT answer, the rest from the base", () => {
    const outputs = outputsFromUpdate(base, {
      status: "success",
      instanceId: "1001",
      name: "Sales",
      instanceStatus: "qr",
      instanceWebhook: null,
      instanceEvents: ["qr", "call"],
    });
    expect(outputs).toEqual({ ...base, name: "Sales", webhookEvents: ["call", "qr"] });
  });
});

describe("updateBodyFor", () => {
  it("states every field, clearing an undeclared webhook", () => {
    expect(updateBodyFor({ name: "x" })).toEqual({ name: "x", webhook: { url: null, events: [] } });
    expect(
      updateBodyFor({ name: "x", webhookUrl: "https://a.example", webhookEvents: ["qr", "call"] }),
    ).toEqual({
      name: "x",
      webhook: { url: "https://a.example", events: ["call", "qr"] },
    });
  });
});

describe("diffInstance", () => {
  const olds = outputsFromApi(live);

  it("sees no change when only the order or repeats of events differ", () => {
    const news = {
      name: "Support line",
      webhookUrl: live.webhook_url,
      webhookEvents: ["ready", "message", "ready"],
    };
    expect(diffInstance(olds, news).changes).toBe(false);
  });

  it("treats an absent webhook as an empty one", () => {
    const bare = outputsFromApi({ ...live, webhook_url: null, webhook_events: [] });
    expect(diffInstance(bare, { name: "Support line" }).changes).toBe(false);
  });

  it.each([
    ["name", { name: "Sales line" }],
    ["webhookUrl", { webhookUrl: "https://other.example.com/hook" }],
    ["webhookUrl removed", { webhookUrl: undefined }],
    ["webhookEvents", { webhookEvents: ["message"] }],
  ])("reports a change of %s as an in-place update, never a replacement", (_label, change) => {
    const news = {
      name: "Support line",
      webhookUrl: live.webhook_url,
      webhookEvents: ["message", "ready"],
      ...change,
    };
    const result = diffInstance(olds, news);
    expect(result.changes).toBe(true);
    expect(result.replaces).toEqual([]);
    expect(result.deleteBeforeReplace).toBe(false);
  });
});

describe("propertyChanges", () => {
  const olds = outputsFromApi(live);
  const declared = {
    name: "Support line",
    webhookUrl: live.webhook_url,
    webhookEvents: ["message", "ready"],
  };

  it("names each changed property with how it changed", () => {
    expect(propertyChanges(olds, declared)).toEqual([]);
    expect(
      propertyChanges(olds, { ...declared, name: "Sales", webhookUrl: undefined, webhookEvents: ["ready"] }),
    ).toEqual([
      { property: "name", kind: "update" },
      { property: "webhookUrl", kind: "delete" },
      { property: "webhookEvents", kind: "update" },
    ]);
    const bare = outputsFromApi({ ...live, webhook_url: null, webhook_events: [] });
    expect(propertyChanges(bare, declared)).toEqual([
      { property: "webhookUrl", kind: "add" },
      { property: "webhookEvents", kind: "add" },
    ]);
  });

  it("refuses to switch to another instance", () => {
    expect(() => propertyChanges(olds, { ...declared, adoptInstanceId: 7 })).toThrow(
      /never switches instances/,
    );
  });
});
