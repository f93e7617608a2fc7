import { PROVIDER_KEY } from "../instance/inputs";
import { diff } from "./lifecycle";

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
