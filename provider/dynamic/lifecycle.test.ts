import { PROVIDER_KEY } from "../instance/inputs";
import { diff, dynamicHostEngineAddress } from "./lifecycle";

const recorded = {
  [PROVIDER_KEY]: "shim",
  instanceId: 1001,
  name: "Support line",
  owner: "ops@example.com",
  webhookUrl: "https://hooks.example.com/a",
  webhookEvents: ["message"],
  isTrial: false,
  apiBaseUrl: "https://waapi.app/api/v1",
};
const declared = {
  [PROVIDER_KEY]: "shim",
  name: "Support line",
  webhookUrl: "https://hooks.example.com/a",
  webhookEvents: ["message"],
};

describe("diff", () => {
  it("says 'no changes' itself when the settings match", async () => {
    expect((await diff("1001", recorded, declared)).changes).toBe(false);
    expect((await diff("1001", recorded, { ...declared, [PROVIDER_KEY]: "another shim" })).changes).toBe(
      false,
    );
  });

  it("leaves a change to the engine, which then records the changed properties", async () => {
    const result = await diff("1001", recorded, { ...declared, webhookUrl: "https://hooks.example.com/b" });
    expect(result).toEqual({ replaces: [], deleteBeforeReplace: false });
    expect(result).not.toHaveProperty("changes");
  });

  it("answers itself where the engine would also count the serialized provider or adoptInstanceId", async () => {
    const renamed = { ...declared, name: "Help line" };
    expect((await diff("1001", recorded, { ...renamed, [PROVIDER_KEY]: "another shim" })).changes).toBe(true);
    // adoptInstanceId added to a resource that already manages that instance: recorded without it.
    expect((await diff("1001", recorded, { ...renamed, adoptInstanceId: 1001 })).changes).toBe(true);
    // Recorded with it (adopted by this version): the inputs match, the engine can compare.
    expect(
      await diff("1001", { ...recorded, adoptInstanceId: 1001 }, { ...renamed, adoptInstanceId: 1001 }),
    ).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("dynamicHostEngineAddress", () => {
  const host = "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";

  it("is the dynamic-provider host's first argument, as pulumi-resource-pulumi-nodejs starts it", () => {
    expect(dynamicHostEngineAddress(["/usr/bin/node", host, "127.0.0.1:40123"])).toBe("127.0.0.1:40123");
    expect(dynamicHostEngineAddress(["/usr/bin/node", host, "[::1]:40123", "127.0.0.1:5"])).toBe(
      "[::1]:40123",
    );
  });

  it("is undefined in any other process, or when the host was given no address", () => {
    expect(
      dynamicHostEngineAddress(["/usr/bin/node", "/p/node_modules/jest/bin/jest.js", "x:1"]),
    ).toBeUndefined();
    expect(dynamicHostEngineAddress(["/usr/bin/node", host])).toBeUndefined();
    expect(dynamicHostEngineAddress(["/usr/bin/node", host, "--flag"])).toBeUndefined();
  });
});
