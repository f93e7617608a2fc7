import * as pulumi from "@pulumi/pulumi";
import { WEBHOOK_EVENTS } from "../waapi-api";
import { UNKNOWN_VALUE, checkInstanceInputs, closestName, normalizeEvents } from "./inputs";

describe("checkInstanceInputs", () => {
  it("trims the name and URL, and turns events into a sorted set", () => {
    const { inputs, failures } = checkInstanceInputs({
      name: "  Support line ",
      webhookUrl: " https://hooks.example.com/waapi ",
      webhookEvents: ["ready", "message", "ready", " qr"],
    });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      name: "Support line",
      webhookUrl: "https://hooks.example.com/waapi",
      webhookEvents: ["message", "qr", "ready"],
    });
  });

  it("leaves an undeclared webhook undeclared", () => {
    expect(checkInstanceInputs({ name: "x" })).toEqual({ inputs: { name: "x" }, failures: [] });
  });

  it("records an empty event list as none, the way refresh records an instance without events", () => {
    expect(checkInstanceInputs({ name: "x", webhookEvents: [] })).toEqual({
      inputs: { name: "x" },
      failures: [],
    });
  });

  it("keeps the serialized provider in the inputs", () => {
    const { inputs } = checkInstanceInputs({ name: "x", __provider: "exports.handler = …" });
    expect(inputs["__provider"]).toBe("exports.handler = …");
  });

  it("accepts every documented event", () => {
    const { inputs, failures } = checkInstanceInputs({ name: "x", webhookEvents: [...WEBHOOK_EVENTS] });
    expect(failures).toEqual([]);
    expect(inputs["webhookEvents"]).toHaveLength(20);
  });

  it("reports one failure per bad property, each naming it", () => {
    const { failures } = checkInstanceInputs({ name: "", webhookUrl: "ftp://x", webhookEvents: ["mesage"] });
    expect(failures.map((failure) => failure.property)).toEqual(["name", "webhookUrl", "webhookEvents"]);
  });

  it("suggests the closest event for a typo", () => {
    const { failures } = checkInstanceInputs({ name: "x", webhookEvents: ["message", "mesage_ack"] });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain("webhookEvents[1] 'mesage_ack' is not a WAAPI webhook event");
    expect(failures[0]?.reason).toContain("did you mean 'message_ack'?");
  });

  it("suggests the input a misspelt property meant", () => {
    const { failures } = checkInstanceInputs({ name: "x", webhookURL: "https://example.com" });
    expect(failures).toEqual([
      {
        property: "webhookURL",
        reason: "'webhookURL' is not a WaapiInstance input; did you mean 'webhookUrl'?",
      },
    ]);
  });

  it("leaves values that are not known yet for a later check", () => {
    const news = {
      name: UNKNOWN_VALUE,
      webhookUrl: UNKNOWN_VALUE,
      webhookEvents: ["message", UNKNOWN_VALUE],
    };
    const { inputs, failures } = checkInstanceInputs(news);
    expect(failures).toEqual([]);
    expect(inputs["name"]).toBe(UNKNOWN_VALUE);
    expect(inputs["webhookUrl"]).toBe(UNKNOWN_VALUE);
    expect(inputs["webhookEvents"]).toContain(UNKNOWN_VALUE);
  });

  it("uses Pulumi's own marker for unknown values", () => {
    expect(UNKNOWN_VALUE).toBe(pulumi.runtime.unknownValue);
  });
});

describe("closestName", () => {
  it("finds near misses and ignores case", () => {
    expect(closestName("Mesage", WEBHOOK_EVENTS)).toBe("message");
    expect(closestName("group_joined", WEBHOOK_EVENTS)).toBe("group_join");
  });

  it("suggests nothing for a word that resembles no event", () => {
    expect(closestName("subscribe_everything", WEBHOOK_EVENTS)).toBeUndefined();
  });
});

describe("normalizeEvents", () => {
  it("sorts and removes repeats", () => {
    expect(normalizeEvents(["ready", "call", "ready"])).toEqual(["call", "ready"]);
  });
});
