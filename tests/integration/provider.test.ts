/**
 * WaapiInstanceProvider driven directly, as the dynamic-provider host drives it, against the WAAPI
 * sandbox over real HTTP: every lifecycle path and every error class.
 */
import type { Permission } from "../../provider/waapi-api";
import { expectNoLeak } from "../support/leaks";
import {
  configureRequest,
  configuredProvider,
  loadBuiltPackage,
  thrownBy,
  withEnvironment,
  type Provider,
} from "../support/provider";
import { issuedTokens, useSandbox, withSandbox } from "../support/sandbox";

const { WaapiInstanceProvider } = loadBuiltPackage();

const sandbox = useSandbox();

/** Asserts that nothing a person or a log could see of `value` holds any token issued so far. */
function expectNoToken(value: unknown): void {
  expectNoLeak([value], issuedTokens());
}

async function provider(settings: { apiToken?: string; baseUrl?: string } = {}): Promise<Provider> {
  return configuredProvider(new WaapiInstanceProvider(), {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    ...settings,
  });
}

/** check, then create with the checked inputs, as the engine does. */
async function createChecked(p: Provider, news: Record<string, unknown>) {
  const checked = await p.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await p.create(checked.inputs);
  expectNoToken(created);
  return { inputs: checked.inputs as Record<string, unknown>, ...created };
}

/**
 * diff's answer when something changed: no verdict, so that the engine compares the inputs itself and
 * records which properties differ (it then finds the change; tests/e2e/lifecycle.test.ts checks that).
 */
const LEFT_TO_THE_ENGINE = { replaces: [], deleteBeforeReplace: false };

const declared = {
  name: " Support line ",
  webhookUrl: "https://hooks.example.com/waapi/support",
  webhookEvents: ["ready", "message", "message"],
};

describe("create", () => {
  it("POSTs without a body, then PUTs the settings, and records the live instance", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, declared);

    // The first create of a process (per account) lists the account once: see create-recovery.test.ts.
    const [list, post, put] = sandbox.requests();
    expect(list).toMatchObject({ method: "GET", path: "/api/v1/instances", status: 200 });
    expect(post).toMatchObject({ method: "POST", path: "/api/v1/instances", body: null, status: 200 });
    expect(put).toMatchObject({
      method: "PUT",
      path: `/api/v1/instances/${id}`,
      body: { name: "Support line", webhook: { url: declared.webhookUrl, events: ["message", "ready"] } },
      status: 200,
    });
    expect(sandbox.requests()).toHaveLength(3);
    expect(outs).toEqual({
      instanceId: Number(id),
      name: "Support line",
      owner: expect.stringContaining("@"),
      webhookUrl: declared.webhookUrl,
      webhookEvents: ["message", "ready"],
      isTrial: false,
      apiBaseUrl: sandbox.baseUrl,
    });
    expect(sandbox.instances()).toEqual([
      expect.objectContaining({
        id: Number(id),
        name: "Support line",
        webhook_url: declared.webhookUrl,
        webhook_events: ["message", "ready"],
      }),
    ]);
  });

  it("keeps a paid instance whose PUT failed: the error carries its id and properties", async () => {
    const p = await provider();
    sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 500 });
    const checked = await p.check({}, { ...declared, __provider: "serialized-provider" });

    const error = await thrownBy(() => p.create(checked.inputs));
    expectNoToken(error);
    const [instance] = sandbox.instances();
    expect(sandbox.instances()).toHaveLength(1);
    expect(error["id"]).toBe(String(instance?.id));
    expect(error["properties"]).toMatchObject({
      instanceId: instance?.id,
      __provider: "serialized-provider",
    });
    expect(error["reasons"]).toEqual([expect.stringContaining("PUT /instances")]);
    expect(error.message).toContain(`instance ${instance?.id} was created`);
    expect(error.message).toContain("run `pulumi up` again");

    // The next `up` diffs the recorded properties against the program and updates in place.
    const recorded = error["properties"] as Record<string, unknown>;
    // Changed: left to the engine (see diff), which forces an update of a resource that failed to
    // initialize anyway.
    expect(await p.diff(String(instance?.id), recorded, checked.inputs)).toEqual(LEFT_TO_THE_ENGINE);
    await p.update(String(instance?.id), recorded, checked.inputs);
    expect(sandbox.instances()).toEqual([
      expect.objectContaining({
        id: instance?.id,
        name: "Support line",
        webhook_events: ["message", "ready"],
      }),
    ]);
    expect(sandbox.requests().filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("does not repeat a POST the server acted on: it finds the instance instead", async () => {
    const p = await provider();
    // The server creates the instance but the answer is lost (a timeout would do the same; 30 s by
    // default is too slow for a test). More cases: create-recovery.test.ts.
    sandbox.injectFault({ kind: "reset", match: "POST /instances", resetAfterActing: true });
    const { id } = await createChecked(p, { name: "x" });
    expect(sandbox.requests().filter((r) => r.method === "POST")).toHaveLength(1);
    expect(sandbox.instances()).toEqual([expect.objectContaining({ id: Number(id), name: "x" })]);
  });

  it("waits for configure when a call arrives while it is still running", async () => {
    const p = new WaapiInstanceProvider() as Provider;
    const configuring = p.configure(configureRequest({ apiToken: sandbox.token, baseUrl: sandbox.baseUrl }));
    const created = await p.create({ name: "Early" });
    await configuring;
    expect(sandbox.instances()).toEqual([expect.objectContaining({ id: Number(created.id), name: "Early" })]);
  });
});

describe("adoptInstanceId", () => {
  async function existingInstance(p: Provider, settings: Record<string, unknown>) {
    const { id } = await createChecked(p, settings);
    sandbox.clearRequests();
    return Number(id);
  }

  it("manages an existing instance without creating one, and writes nothing when it already matches", async () => {
    const p = await provider();
    const id = await existingInstance(p, declared);
    const { id: adoptedId, outs } = await createChecked(p, { ...declared, adoptInstanceId: String(id) });
    expect(adoptedId).toBe(String(id));
    expect(outs).toMatchObject({ instanceId: id, name: "Support line", webhookEvents: ["message", "ready"] });
    expect(sandbox.requests().map((r) => r.method)).toEqual(["GET"]);
  });

  it("applies the declared settings with one PUT when the instance differs", async () => {
    const p = await provider();
    const id = await existingInstance(p, { name: "Hand-made" });
    await createChecked(p, { ...declared, adoptInstanceId: id });
    expect(sandbox.requests().map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(sandbox.instances()).toEqual([expect.objectContaining({ id, name: "Support line" })]);
  });

  it("keeps an adopted instance recorded when its PUT fails, and says it was adopted", async () => {
    const p = await provider();
    const id = await existingInstance(p, { name: "Hand-made" });
    sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 500 });
    const error = await thrownBy(() => p.create({ name: "Declared", adoptInstanceId: id }));
    expect(error["id"]).toBe(String(id));
    expect(error.message).toContain(`instance ${id} was adopted but its settings could not be applied`);
    expect(error.message).not.toContain("second instance");
    expect(sandbox.requests().filter((r) => r.method === "POST")).toEqual([]);
  });

  it("says so when the instance does not exist, and creates nothing", async () => {
    const p = await provider();
    const error = await thrownBy(() => p.create({ name: "x", adoptInstanceId: 424242 }));
    expectNoToken(error);
    expect(error.message).toContain("adoptInstanceId 424242 names no instance of the token's account");
    expect(error.message).toContain("Nothing was created");
    // The way out, for an adopted instance deleted by hand: drop adoptInstanceId to get a new one.
    expect(error.message).toContain("remove adoptInstanceId from its declaration");
    expect(sandbox.instances()).toEqual([]);
  });

  it("records adoptInstanceId, and keeps it in the inputs a refresh records", async () => {
    const p = await provider();
    const id = await existingInstance(p, declared);
    const { outs } = await createChecked(p, { ...declared, adoptInstanceId: id });
    expect(outs).toMatchObject({ instanceId: id, adoptInstanceId: id });
    const refreshed = await p.read(String(id), outs);
    expect(refreshed.props).toMatchObject({ adoptInstanceId: id });
    expect(refreshed.inputs).toEqual({
      name: "Support line",
      webhookUrl: declared.webhookUrl,
      webhookEvents: ["message", "ready"],
      adoptInstanceId: id,
    });
    const updated = await p.update(String(id), outs, { ...declared, name: "Renamed", adoptInstanceId: id });
    expect(updated.outs).toMatchObject({ name: "Renamed", adoptInstanceId: id });
  });

  it("refuses to switch a resource to another instance", async () => {
    const p = await provider();
    const { outs } = await createChecked(p, { name: "x" });
    const error = await thrownBy(() => p.diff("1", outs, { name: "x", adoptInstanceId: 999 }));
    expect(error.message).toContain("never switches instances");
  });
});

describe("read", () => {
  it("returns the live values as outputs and as inputs, so refresh shows drift and leaves no diff", async () => {
    const p = await provider();
    const { id, inputs, outs } = await createChecked(p, declared);
    sandbox.changeInstance(Number(id), {
      name: "Renamed by hand",
      webhook_url: "https://elsewhere.example.com/hook",
      webhook_events: ["call", "message"],
    });

    const result = await p.read(id, outs);
    expectNoToken(result);
    expect(result.id).toBe(id);
    expect(result.props).toMatchObject({
      name: "Renamed by hand",
      webhookUrl: "https://elsewhere.example.com/hook",
      webhookEvents: ["call", "message"],
    });
    expect(result.inputs).toEqual({
      name: "Renamed by hand",
      webhookUrl: "https://elsewhere.example.com/hook",
      webhookEvents: ["call", "message"],
    });
    // The program still declares the old settings: the next preview shows an update (never a replace).
    expect(await p.diff(id, result.props, inputs)).toEqual(LEFT_TO_THE_ENGINE);
    // And the refreshed inputs, checked again, diff clean against the refreshed outputs.
    const rechecked = await p.check({}, result.inputs ?? {});
    expect((await p.diff(id, result.props, rechecked.inputs)).changes).toBe(false);
  });

  it("accepts the {instance: …} answer as well as the documented {instances: […]}", async () => {
    await withSandbox({ retrieveShape: "instance" }, async (other) => {
      const p = await provider({ apiToken: other.createToken(), baseUrl: other.baseUrl });
      const { id, outs } = await createChecked(p, { name: "Shape" });
      expect((await p.read(id, outs)).props).toMatchObject({ instanceId: Number(id), name: "Shape" });
    });
  });

  it("returns an empty result for an instance deleted out of band, so refresh drops it", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Doomed" });
    await createChecked(p, { name: "Still there" }); // shows that the token is the owner's
    sandbox.deleteInstanceOutOfBand(Number(id));
    expect(await p.read(id, outs)).toEqual({});
  });

  it("returns an empty result for an unknown id when nothing is recorded (a get or an import)", async () => {
    const p = await provider();
    expect(await p.read("424242")).toEqual({});
  });
});

describe("update", () => {
  it("changes everything in one PUT, clearing an undeclared webhook with url null and events []", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, declared);
    sandbox.clearRequests();

    const news = (await p.check(outs, { name: "Support line (EU)" })).inputs;
    expect(await p.diff(id, outs, news)).toEqual(LEFT_TO_THE_ENGINE);
    const updated = await p.update(id, outs, news);
    expectNoToken(updated);

    expect(sandbox.requests()).toEqual([
      expect.objectContaining({
        method: "PUT",
        path: `/api/v1/instances/${id}`,
        body: { name: "Support line (EU)", webhook: { url: null, events: [] } },
      }),
    ]);
    expect(updated.outs).toEqual({
      instanceId: Number(id),
      name: "Support line (EU)",
      owner: outs.owner,
      webhookEvents: [],
      isTrial: false,
      apiBaseUrl: sandbox.baseUrl,
    });
    expect(sandbox.instances()[0]).toMatchObject({ webhook_url: null, webhook_events: [] });
  });
});

describe("a write WAAPI applied is never reported failed because of its answer's shape", () => {
  /** The PUT answer as the published contract shapes it: instanceEvents a list of lists. */
  function contractShapedAnswer(id: string, events: string[]) {
    return {
      data: {
        status: "success",
        instanceId: id,
        name: "Support line",
        data: null,
        instanceStatus: "qr",
        instanceWebhook: declared.webhookUrl,
        instanceEvents: [events],
      },
      links: { self: `${sandbox.baseUrl}/instances/${id}` },
      status: "success",
    };
  }

  it("update: an answer in the contract's shape (nested instanceEvents) is read as it means", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Support line" });
    sandbox.injectFault({
      kind: "respond",
      match: "PUT /instances/:id",
      status: 200,
      body: contractShapedAnswer(id, ["message", "ready"]),
      afterActing: true,
    });
    sandbox.clearRequests();
    const { outs: updated } = await p.update(id, outs, (await p.check(outs, declared)).inputs);
    expect(updated).toMatchObject({ webhookUrl: declared.webhookUrl, webhookEvents: ["message", "ready"] });
    expect(sandbox.requests().map((r) => r.method)).toEqual(["PUT"]);
  });

  it.each<[string, unknown]>([
    ["not JSON", "<html>OK</html>"],
    ["JSON without data", { status: "success" }],
    ["events of an unknown shape", { data: { instanceEvents: "message" }, status: "success" }],
  ])("update: an answer %s is not an error: the instance is read back", async (_what, body) => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Support line" });
    sandbox.injectFault({
      kind: "respond",
      match: "PUT /instances/:id",
      status: 200,
      body,
      afterActing: true,
    });
    sandbox.clearRequests();
    const result = await p.update(id, outs, (await p.check(outs, declared)).inputs);
    expectNoToken(result);
    expect(result.outs).toEqual({
      instanceId: Number(id),
      name: "Support line",
      owner: outs.owner,
      webhookUrl: declared.webhookUrl,
      webhookEvents: ["message", "ready"],
      isTrial: false,
      apiBaseUrl: sandbox.baseUrl,
    });
    expect(sandbox.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 200", "GET 200"]);
  });

  it("create: an unreadable answer to the PUT still makes a whole instance, not a half-made one", async () => {
    const p = await provider();
    sandbox.injectFault({
      kind: "respond",
      match: "PUT /instances/:id",
      status: 200,
      body: "{",
      afterActing: true,
    });
    const { id, outs } = await createChecked(p, declared);
    expect(outs).toMatchObject({ instanceId: Number(id), webhookEvents: ["message", "ready"] });
    // (After the one list of the account a provider process makes before its first POST.)
    expect(
      sandbox
        .requests()
        .map((r) => r.method)
        .slice(-3),
    ).toEqual(["POST", "PUT", "GET"]);
    expect(sandbox.instances()).toHaveLength(1);
  });

  it("a 200 sent without applying the PUT: the live settings are recorded, so the next diff asks again", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Support line" });
    sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 200, body: "{" });
    sandbox.clearRequests();
    // Answered 200 without acting: the read-back shows the old settings, and that is what is recorded.
    const { outs: recorded } = await p.update(id, outs, (await p.check(outs, declared)).inputs);
    expect(recorded).toMatchObject({ name: "Support line", webhookEvents: [] });
    // A change is left to the engine to itemize (`changes: undefined`); only `false` would mean "none".
    expect((await p.diff(id, recorded, (await p.check(outs, declared)).inputs)).changes).not.toBe(false);
  });
});

describe("delete", () => {
  it("deletes the instance", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Short-lived" });
    await p.delete(id, outs);
    expect(sandbox.instances()).toEqual([]);
    expect(sandbox.requests().at(-1)).toMatchObject({ method: "DELETE", status: 204 });
  });

  it("counts an instance that is already gone as deleted, once the token is shown to be the owner's", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Gone" });
    await createChecked(p, { name: "Still there" });
    sandbox.deleteInstanceOutOfBand(Number(id));
    sandbox.clearRequests();
    await expect(p.delete(id, outs)).resolves.toBeUndefined();
    expect(sandbox.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 404", "GET 200"]);
  });

  it.each([
    ["a gateway's 502", { kind: "respond", match: "DELETE /instances/:id", status: 502, afterActing: true }],
    ["a reset", { kind: "reset", match: "DELETE /instances/:id", resetAfterActing: true }],
  ] as const)(
    "deletes the last instance whose DELETE was acted on and answered with %s (the retry meets 404)",
    async (_label, fault) => {
      const p = await provider();
      const { id, outs } = await createChecked(p, { name: "Last one" });
      sandbox.injectFault(fault);
      sandbox.clearRequests();
      await expect(p.delete(id, outs)).resolves.toBeUndefined();
      expect(sandbox.instances()).toEqual([]);
      expect(sandbox.requests().map((r) => `${r.method} ${r.status ?? "reset"}`)).toEqual([
        `DELETE ${fault.kind === "reset" ? "reset" : 502}`,
        "DELETE 404",
        "GET 200",
      ]);
    },
  );
});

describe("an instance is only ever reached through the API and account it was recorded with", () => {
  it("refuses read, update and delete through another base URL, and sends nothing there", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Production line" });
    await withSandbox({}, async (elsewhere) => {
      const stray = await provider({ apiToken: elsewhere.createToken(), baseUrl: elsewhere.baseUrl });
      for (const call of [
        () => stray.read(id, outs),
        () => stray.update(id, outs, { name: "x" }),
        () => stray.delete(id, outs),
      ]) {
        const error = await thrownBy(call);
        expect(error.message).toContain(`This instance lives on ${sandbox.baseUrl}`);
        expect(error.message).toContain("Nothing was read or changed");
      }
      expect(elsewhere.requests()).toEqual([]);
      expect(sandbox.instances()).toHaveLength(1);
    });
  });

  /**
   * A 404 counts as "gone" only once the token is shown to be the recorded owner's. Each case: a
   * token that cannot show it; refresh (read) and destroy (delete) must keep the instance and say why.
   */
  const unproven: [string, (id: string) => Promise<Provider>, RegExp][] = [
    [
      "another account's token, whose account has instances",
      async () => {
        sandbox.createAccount({ id: "other", owner: "someone@else.example" });
        const other = await provider({ apiToken: sandbox.createToken(undefined, { account: "other" }) });
        await other.create({ name: "Theirs" });
        return other;
      },
      /the token belongs to another account \(someone@else\.example\)/,
    ],
    [
      "another account's token, whose account has no instances",
      async () => {
        sandbox.createAccount({ id: "empty", owner: "nobody@else.example" });
        return provider({ apiToken: sandbox.createToken(undefined, { account: "empty" }) });
      },
      /the token's account has no instances to show whose it is/,
    ],
    [
      "the owner's own token, when the account has no other instance left",
      async (id) => {
        sandbox.deleteInstanceOutOfBand(Number(id));
        return provider();
      },
      /the token's account has no instances to show whose it is/,
    ],
  ];

  it.each(unproven)("keeps the instance after a 404, with %s", async (_who, stray, reason) => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Ours" });
    const other = await stray(id);

    for (const call of [() => other.read(id, outs), () => other.delete(id, outs)]) {
      const error = await thrownBy(call);
      expectNoToken(error);
      expect(error.message).toMatch(reason);
      expect(error.message).toContain(
        `WAAPI answered 404 for instance ${id}, recorded as owned by ${outs.owner}`,
      );
      expect(error.message).toContain("The instance is kept in the stack; nothing was changed.");
      expect(error.message).toContain("pulumi state delete");
      expect(error.message).toContain("pulumi config set --secret waapi:apiToken");
    }
  });

  it("keeps the instance after a 404 when the token may not list instances (no 'read')", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Ours" });
    await createChecked(p, { name: "Also ours" });
    sandbox.deleteInstanceOutOfBand(Number(id));
    const deleteOnly = await provider({ apiToken: sandbox.createToken(["delete"]) });
    const error = await thrownBy(() => deleteOnly.delete(id, outs));
    expectNoToken(error);
    expect(error.message).toContain("the token lacks the 'read' permission");
    expect(error.message).toContain("The instance is kept in the stack");
  });

  it("another account's 404 never touches the instance: it is still there, still the owner's", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "Ours" });
    sandbox.createAccount({ id: "other", owner: "someone@else.example" });
    const other = await provider({ apiToken: sandbox.createToken(undefined, { account: "other" }) });
    await expect(other.delete(id, outs)).rejects.toThrow(/cannot be shown to belong/);
    expect((await p.read(id, outs)).id).toBe(id);
  });
});

describe("errors a person can act on", () => {
  it("without a token: check and diff still work, API calls say how to set one", async () => {
    // Whatever the shell running the tests has set: the provider reads the environment at configure.
    await withEnvironment({ WAAPI_API_TOKEN: undefined }, async () => {
      const p = await configuredProvider(new WaapiInstanceProvider(), { baseUrl: sandbox.baseUrl });
      expect((await p.check({}, { name: "x" })).failures).toBeUndefined();
      expect(await p.diff("1", { name: "x" }, { name: "y" })).toEqual(LEFT_TO_THE_ENGINE);
      const error = await thrownBy(() => p.create({ name: "x" }));
      expect(error.message).toContain("pulumi config set --secret waapi:apiToken");
      expect(error.message).toContain("WAAPI_API_TOKEN");
      expect(sandbox.requests()).toEqual([]);
    });
  });

  it("with neither stack config: the token and base URL come from the environment", async () => {
    await withEnvironment({ WAAPI_API_TOKEN: sandbox.token, WAAPI_BASE_URL: sandbox.baseUrl }, async () => {
      const p = await configuredProvider(new WaapiInstanceProvider(), {});
      const { id, outs } = await createChecked(p, { name: "From the environment" });
      expect(outs).toMatchObject({ apiBaseUrl: sandbox.baseUrl });
      expect(sandbox.instances()).toEqual([expect.objectContaining({ id: Number(id) })]);
    });
  });

  it("stack config wins over the environment", async () => {
    const decoy = "1|environment-token-that-is-not-used";
    await withEnvironment(
      { WAAPI_API_TOKEN: decoy, WAAPI_BASE_URL: "http://127.0.0.1:9/api/v1" },
      async () => {
        const { id } = await createChecked(await provider(), { name: "From the stack config" });
        expect(sandbox.instances()).toEqual([expect.objectContaining({ id: Number(id) })]);
        expectNoToken(sandbox.requests());
      },
    );
  });

  it("a plain-HTTP base URL off this machine is refused before the token is sent, with the fix", async () => {
    const p = await provider({ baseUrl: "http://203.0.113.7/api/v1" });
    expect((await p.check({}, { name: "x" })).failures).toBeUndefined(); // preview still works
    const error = await thrownBy(() => p.create({ name: "x" }));
    expect(error["code"]).toBe("ERR_WAAPI_INSECURE_BASE_URL");
    expect(error.message).toContain("travel in clear text; nothing was sent");
    expect(error.message).toContain("https://203.0.113.7/api/v1");
    expectNoToken(error);
  });

  it("401: the token is invalid or was deleted", async () => {
    const p = await provider({ apiToken: "1|not-a-real-token" });
    const error = await thrownBy(() => p.create({ name: "x" }));
    expectNoToken(error);
    expect(error.message).toMatch(/invalid or has been deleted/);
    expect(error.message).toContain("pulumi config set --secret waapi:apiToken");
    expect(error["statusCode"]).toBe(401);
  });

  it.each<
    [string, Permission, (p: Provider, id: string, recorded: Record<string, unknown>) => Promise<unknown>]
  >([
    ["create", "create", (p) => p.create({ name: "x" })],
    ["read", "read", (p, id, recorded) => p.read(id, recorded)],
    ["update", "update", (p, id, recorded) => p.update(id, recorded, { name: "y" })],
    ["delete", "delete", (p, id, recorded) => p.delete(id, recorded)],
  ])(
    "403 on %s names the missing '%s' permission and the server's message",
    async (_op, permission, call) => {
      const instance = await (await provider()).create({ name: "existing" });
      const others = (["create", "read", "update", "delete"] as const).filter((perm) => perm !== permission);
      const p = await provider({ apiToken: sandbox.createToken(others) });
      const error = await thrownBy(() => call(p, instance.id, instance.outs));
      expectNoToken(error);
      expect(error["statusCode"]).toBe(403);
      expect(error["permission"]).toBe(permission);
      expect(error.message).toContain(`'${permission}'`);
      expect(error.message).toContain(String(error["serverMessage"]));
    },
  );

  it("403 at the account's instance limit carries the server's message, and nothing is recorded", async () => {
    await withSandbox({ instanceLimit: 1 }, async (limited) => {
      const p = await provider({ apiToken: limited.createToken(), baseUrl: limited.baseUrl });
      await p.create({ name: "first" });
      const error = await thrownBy(() => p.create({ name: "second" }));
      expectNoToken(error);
      expect(error["statusCode"]).toBe(403);
      expect(error.message).toMatch(/limit/i);
      expect(error["id"]).toBeUndefined();
      expect(limited.instances()).toHaveLength(1);
    });
  });

  it("404 on update names the instance", async () => {
    const p = await provider();
    const { outs } = await createChecked(p, { name: "x" });
    // As recorded by a stack whose instance 987654 was deleted since.
    const error = await thrownBy(() => p.update("987654", { ...outs, instanceId: 987654 }, { name: "y" }));
    expectNoToken(error);
    expect(error["statusCode"]).toBe(404);
    expect(error.message).toContain("987654");
    expect(error.message).toContain("`pulumi refresh` drops it from the stack");
  });

  it("422 lists the server's field errors", async () => {
    const p = await provider();
    const { id } = await createChecked(p, { name: "x" });
    const errors = { "webhook.url": ["The webhook.url field must be a valid URL."] };
    sandbox.injectFault({
      kind: "respond",
      match: "PUT /instances/:id",
      status: 422,
      body: { message: "The webhook.url field must be a valid URL.", errors },
    });
    const error = await thrownBy(() => p.update(id, {}, { name: "y", webhookUrl: "https://x.example" }));
    expectNoToken(error);
    expect(error["statusCode"]).toBe(422);
    expect(error["fieldErrors"]).toEqual(errors);
    expect(error.message).toContain("webhook.url");
  });

  it("5xx: retried, then reported with the server's message and what was tried", async () => {
    const p = await provider();
    const { id, outs } = await createChecked(p, { name: "x" });
    sandbox.injectFault({ kind: "respond", match: "GET /instances/:id", status: 503, times: 2 });
    expect((await p.read(id, outs)).id).toBe(id); // two 503s, then success

    sandbox.injectFault({ kind: "respond", match: "GET /instances/:id", status: 502, times: 100 });
    const error = await thrownBy(() => p.read(id, outs));
    expectNoToken(error);
    expect(error["statusCode"]).toBe(502);
    expect(error["attempts"]).toBe(5);
    expect(error.message).toContain(`GET /instances/${id}`);
    expect(error.message).toContain("5 attempts");
    sandbox.clearFaults();
  }, 60_000);

  it("429: honours Retry-After and then succeeds", async () => {
    const p = await provider();
    sandbox.injectFault({
      kind: "respond",
      match: "POST /instances",
      status: 429,
      headers: { "Retry-After": "1" },
    });
    const started = Date.now();
    const { id } = await createChecked(p, { name: "Patient" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sandbox.instances()).toEqual([expect.objectContaining({ id: Number(id) })]);
    expect(
      sandbox
        .requests()
        .filter((r) => r.method === "POST")
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });
});

describe("the API token", () => {
  it("is not kept on the provider object, which Pulumi serializes into the state", async () => {
    const p = await provider();
    await p.create({ name: "x" });
    expectNoLeak([p], [sandbox.token]);
    expect(Object.keys(p)).toEqual([]);
  });
});
