/**
 * The native plugin (bin/pulumi-resource-waapi) as a process, driven over gRPC the way the engine
 * drives it, against the WAAPI sandbox over HTTP: configuration, every lifecycle call, previews,
 * per-property diffs, secrets, lookups, and a half-made create.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { requireFromRoot } from "../support/provider";
import {
  Empty,
  call,
  grpc,
  plain,
  rpc,
  startPlugin,
  struct,
  type Callback,
  type RunningPlugin,
} from "../support/plugin";
import { issuedTokens, useSandbox } from "../support/sandbox";

const { Status } = requireFromRoot("@pulumi/pulumi/proto/status_pb") as typeof StatusPb;
const { EngineService } = requireFromRoot("@pulumi/pulumi/proto/engine_grpc_pb") as typeof EngineGrpc;
const { LogSeverity } = requireFromRoot("@pulumi/pulumi/proto/engine_pb") as typeof EnginePb;
const { PluginAttach } = requireFromRoot("@pulumi/pulumi/proto/plugin_pb") as typeof PluginPb;

const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SECRET_KEY]: SECRET_SIG, value });
const URN = "urn:pulumi:dev::project::waapi:index:Instance::support";
const TYPE = "waapi:index:Instance";

const sandbox = useSandbox();
let token: string;
let plugin: RunningPlugin;
/** Every response and error of the plugin in the current test: none may hold a token. */
const seen: unknown[] = [];

beforeEach(async () => {
  token = sandbox.token;
  seen.length = 0;
  plugin = await startPlugin({ WAAPI_API_TOKEN: undefined, WAAPI_BASE_URL: undefined });
});
afterEach(async () => {
  await plugin.stop();
  expectNoLeak([plugin.stderr(), ...seen], issuedTokens());
});

async function send<Response>(invoke: (done: Callback<Response>) => unknown) {
  try {
    const response = await call<Response>(invoke);
    seen.push((response as { toObject?: () => unknown }).toObject?.() ?? response);
    return response;
  } catch (error) {
    seen.push(error);
    throw error;
  }
}

async function configure(
  args: Record<string, unknown> = { apiToken: secret(token), baseUrl: sandbox.baseUrl },
) {
  const request = new rpc.ConfigureRequest().setArgs(struct(args)).setAcceptsecrets(true);
  return send<ProviderPb.ConfigureResponse>((done) => plugin.client.configure(request, done));
}

async function check(news: Record<string, unknown>) {
  const request = new rpc.CheckRequest().setUrn(URN).setType(TYPE).setOlds(struct({})).setNews(struct(news));
  const response = await send<ProviderPb.CheckResponse>((done) => plugin.client.check(request, done));
  return {
    inputs: plain(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function create(inputs: Record<string, unknown>, preview = false) {
  const request = new rpc.CreateRequest()
    .setUrn(URN)
    .setType(TYPE)
    .setProperties(struct(inputs))
    .setPreview(preview);
  const response = await send<ProviderPb.CreateResponse>((done) => plugin.client.create(request, done));
  return { id: response.getId(), outputs: plain(response.getProperties()) };
}

async function diff(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const request = new rpc.DiffRequest()
    .setId("1")
    .setUrn(URN)
    .setType(TYPE)
    .setOlds(struct(olds))
    .setNews(struct(news));
  const response = await send<ProviderPb.DiffResponse>((done) => plugin.client.diff(request, done));
  const detailed: Record<string, number> = {};
  response.getDetaileddiffMap().forEach((entry, key) => (detailed[key] = entry.getKind()));
  return {
    changes: response.getChanges(),
    diffs: response.getDiffsList(),
    replaces: response.getReplacesList(),
    hasDetailedDiff: response.getHasdetaileddiff(),
    detailed,
  };
}

async function read(
  id: string,
  properties: Record<string, unknown> = {},
  inputs: Record<string, unknown> = {},
) {
  const request = new rpc.ReadRequest()
    .setId(id)
    .setUrn(URN)
    .setType(TYPE)
    .setProperties(struct(properties))
    .setInputs(struct(inputs));
  const response = await send<ProviderPb.ReadResponse>((done) => plugin.client.read(request, done));
  return {
    id: response.getId(),
    outputs: plain(response.getProperties()),
    inputs: plain(response.getInputs()),
  };
}

async function update(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  preview = false,
) {
  const request = new rpc.UpdateRequest()
    .setId(id)
    .setUrn(URN)
    .setType(TYPE)
    .setOlds(struct(olds))
    .setNews(struct(news))
    .setPreview(preview);
  const response = await send<ProviderPb.UpdateResponse>((done) => plugin.client.update(request, done));
  return plain(response.getProperties());
}

async function invoke(tok: string, args: Record<string, unknown> = {}) {
  const request = new rpc.InvokeRequest().setTok(tok).setArgs(struct(args));
  const response = await send<ProviderPb.InvokeResponse>((done) => plugin.client.invoke(request, done));
  return {
    result: plain(response.getReturn()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

const requestsBy = (method: string) => sandbox.requests().filter((request) => request.method === method);

const declared = {
  name: "  Support line ",
  webhookUrl: secret("https://hooks.example.com/waapi/support"),
  webhookEvents: ["ready", "message", "ready"],
};

it("tells the engine its version and serves the committed schema", async () => {
  const info = await send<{ getVersion(): string }>((done) => plugin.client.getPluginInfo(new Empty(), done));
  const manifest = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as {
    version: string;
  };
  expect(info.getVersion()).toBe(manifest.version);

  const response = await send<ProviderPb.GetSchemaResponse>((done) =>
    plugin.client.getSchema(new rpc.GetSchemaRequest(), done),
  );
  const schema = JSON.parse(response.getSchema()) as Record<string, Record<string, Record<string, unknown>>>;
  expect(response.getSchema()).toBe(
    readFileSync(join(process.cwd(), "provider", "native", "schema.json"), "utf8"),
  );
  expect(Object.keys(schema["resources"] ?? {})).toEqual([TYPE, "waapi:index:Group"]);
  expect(Object.keys(schema["functions"] ?? {})).toEqual([
    "waapi:index:getInstance",
    "waapi:index:listInstances",
    "waapi:index:getInstanceStatus",
  ]);
  expect(schema["config"]?.["variables"]).toMatchObject({
    apiToken: { secret: true },
    baseUrl: { type: "string" },
  });
});

it("checks its config: a bad baseUrl is named, and a plain-text token is kept as a secret", async () => {
  const request = new rpc.CheckRequest()
    .setUrn("urn:pulumi:dev::project::pulumi:providers:waapi::default")
    .setOlds(struct({}))
    .setNews(struct({ apiToken: "plain-token", baseUrl: "waapi.app/api/v1" }));
  const response = await send<ProviderPb.CheckResponse>((done) => plugin.client.checkConfig(request, done));
  expect(response.getFailuresList().map((f) => f.getProperty())).toEqual(["baseUrl"]);
  expect(response.getFailuresList()[0]?.getReason()).toMatch(/not an absolute http\(s\) URL/);
  expect(plain(response.getInputs())["apiToken"]).toEqual(secret("plain-token"));

  const insecure = new rpc.CheckRequest()
    .setOlds(struct({}))
    .setNews(struct({ baseUrl: "http://waapi.example.com/api/v1" }));
  const refused = await send<ProviderPb.CheckResponse>((done) => plugin.client.checkConfig(insecure, done));
  expect(refused.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
    ["baseUrl", expect.stringMatching(/plain HTTP to another machine/)],
  ]);

  // The whole-number settings (integers in the schema): a number, or the string `pulumi config set`
  // stored, is taken; anything else is named with the fix, as the dynamic door's settings say it.
  const numbers = (news: Record<string, unknown>) =>
    send<ProviderPb.CheckResponse>((done) =>
      plugin.client.checkConfig(new rpc.CheckRequest().setOlds(struct({})).setNews(struct(news)), done),
    );
  const taken = await numbers({ maxRequestsPerMinute: 60, requestTimeoutMs: "30000" });
  expect(taken.getFailuresList()).toEqual([]);
  const wrong = await numbers({ maxRequestsPerMinute: 1.5, requestTimeoutMs: "fast" });
  expect(wrong.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).toEqual([
    [
      "maxRequestsPerMinute",
      expect.stringMatching(/waapi:maxRequestsPerMinute .* whole number above 0, not "1\.5"/),
    ],
    ["requestTimeoutMs", expect.stringMatching(/pulumi config set waapi:requestTimeoutMs 60/)],
  ]);

  const diffRequest = new rpc.DiffRequest()
    .setOlds(struct({ apiToken: secret("a"), baseUrl: "https://waapi.app/api/v1" }))
    .setNews(struct({ apiToken: secret("b"), baseUrl: "https://waapi.app/api/v1" }));
  const diffed = await send<ProviderPb.DiffResponse>((done) => plugin.client.diffConfig(diffRequest, done));
  expect(diffed.getDiffsList()).toEqual(["apiToken"]);
  expect(diffed.getReplacesList()).toEqual([]);
});

it("runs an instance's whole lifecycle: preview, create, diff, update, refresh, import, lookups, delete", async () => {
  const configured = await configure();
  expect(configured.getAcceptsecrets()).toBe(true);
  expect(configured.getSupportspreview()).toBe(true);

  const { inputs, failures } = await check(declared);
  expect(failures).toEqual([]);
  expect(inputs).toEqual({
    name: "Support line",
    webhookUrl: secret("https://hooks.example.com/waapi/support"),
    webhookEvents: ["message", "ready"],
  });

  // The preview of a create sends nothing and leaves what only WAAPI knows unknown.
  const previewed = await create(inputs, true);
  expect(sandbox.requests()).toEqual([]);
  expect(previewed.outputs).toMatchObject({
    name: "Support line",
    owner: expect.stringMatching(/^04da6b54-/),
  });

  const { id, outputs } = await create(inputs);
  expect(requestsBy("POST")).toHaveLength(1);
  expect(requestsBy("PUT")).toHaveLength(1);
  expect(outputs).toEqual({
    instanceId: Number(id),
    name: "Support line",
    owner: expect.any(String),
    webhookUrl: secret("https://hooks.example.com/waapi/support"), // a secret input stays a secret
    webhookEvents: ["message", "ready"],
    isTrial: expect.any(Boolean),
    apiBaseUrl: sandbox.baseUrl,
  });

  expect(await diff(outputs, inputs)).toMatchObject({
    changes: rpc.DiffResponse.DiffChanges.DIFF_NONE,
    diffs: [],
  });
  const changed = { ...inputs, webhookEvents: ["message"], webhookUrl: undefined };
  delete changed.webhookUrl;
  expect(await diff(outputs, changed)).toEqual({
    changes: rpc.DiffResponse.DiffChanges.DIFF_SOME,
    diffs: ["webhookUrl", "webhookEvents"],
    replaces: [],
    hasDetailedDiff: true,
    detailed: { webhookUrl: rpc.PropertyDiff.Kind.DELETE, webhookEvents: rpc.PropertyDiff.Kind.UPDATE },
  });

  sandbox.clearRequests();
  const predicted = await update(id, outputs, changed, true);
  expect(sandbox.requests()).toEqual([]);
  // Known in the preview of an update: what cannot change is shown as recorded.
  expect(predicted).toEqual({ ...outputs, webhookUrl: undefined, webhookEvents: ["message"] });
  const updated = await update(id, outputs, changed);
  expect(requestsBy("PUT")).toHaveLength(1);
  expect(updated).toEqual({ ...predicted });
  expect(sandbox.instances()[0]).toMatchObject({ webhook_url: null, webhook_events: ["message"] });

  // Refresh: drift made by hand shows in the outputs and in the inputs.
  sandbox.changeInstance(Number(id), { name: "Renamed by hand" });
  const refreshed = await read(id, updated, changed);
  expect(refreshed.outputs).toMatchObject({ name: "Renamed by hand" });
  expect(refreshed.inputs).toEqual({ name: "Renamed by hand", webhookEvents: ["message"] });

  // Import: nothing recorded; the inputs that declare the instance come back too.
  const imported = await read(id);
  expect(imported.id).toBe(id);
  expect(imported.inputs).toEqual({ name: "Renamed by hand", webhookEvents: ["message"] });

  expect((await invoke("waapi:index:getInstance", { instanceId: Number(id) })).result).toMatchObject({
    instanceId: Number(id),
    name: "Renamed by hand",
  });
  expect((await invoke("waapi:index:listInstances")).result).toEqual({
    instances: [expect.objectContaining({ instanceId: Number(id), apiBaseUrl: sandbox.baseUrl })],
  });
  expect((await invoke("waapi:index:getInstance", { instanceId: "one" })).failures).toEqual([
    { property: "instanceId", reason: expect.stringMatching(/numeric id/) },
  ]);

  sandbox.clearRequests();
  const request = new rpc.DeleteRequest()
    .setId(id)
    .setUrn(URN)
    .setType(TYPE)
    .setProperties(struct(refreshed.outputs));
  await send((done) => plugin.client.delete(request, done));
  expect(requestsBy("DELETE")).toHaveLength(1);
  expect(sandbox.instances()).toEqual([]);

  // Gone, but the account has no instance left to show that the token is the owner's: kept, with why.
  await expect(read(id, refreshed.outputs)).rejects.toThrow(/cannot be shown to belong/);
  // Deleted behind the stack's back, another instance of the owner listed: an empty id tells the engine it is gone.
  await makeInstanceByHand(sandbox, token, { name: "Still there" });
  expect((await read(id, refreshed.outputs)).id).toBe("");
});

it("getInstanceStatus reads a line's client status with a read-only token: qr when new, then ready and who is linked", async () => {
  sandbox.setClientTiming({ bootDelayMs: 0, readyDelayMs: 0 });
  const id = await makeInstanceByHand(sandbox, token, { name: "Support line" });
  await configure({ apiToken: secret(sandbox.createToken(["read"])), baseUrl: sandbox.baseUrl });

  sandbox.clearRequests();
  expect((await invoke("waapi:index:getInstanceStatus", { instanceId: id })).result).toEqual({
    instanceId: id,
    status: "qr",
  });
  expect(sandbox.requests().map((request) => `${request.method} ${request.path}`)).toEqual([
    `GET /api/v1/instances/${id}/client/status`,
  ]);

  sandbox.scanQr(id, { phoneNumber: "50664083362", displayName: "Support desk" });
  const me = sandbox.clientState(id).me;
  expect((await invoke("waapi:index:getInstanceStatus", { instanceId: id })).result).toEqual({
    instanceId: id,
    status: "ready",
    linkedNumber: me?.formattedNumber,
    linkedName: "Support desk",
    linkedContactId: me?.contactId,
  });
  expect(me?.contactId).toMatch(/^\d+@c\.us$/);

  // Bad input fails the invoke naming the property, and nothing is sent.
  sandbox.clearRequests();
  expect((await invoke("waapi:index:getInstanceStatus", { instanceId: "one" })).failures).toEqual([
    {
      property: "instanceId",
      reason: expect.stringMatching(/^instanceId must be the numeric id of an instance/),
    },
  ]);
  expect(sandbox.requests()).toEqual([]);
  // An id the account does not have: the client's error, as the engine would show it.
  await expect(invoke("waapi:index:getInstanceStatus", { instanceId: id + 1000 })).rejects.toThrow(
    new RegExp(`Instance ${id + 1000} was not found`),
  );
});

it("names each bad input, and points adoptInstanceId users to import", async () => {
  await configure();
  const { failures } = await check({ name: " ", webhookEvents: ["mesage"], adoptInstanceId: 5 });
  expect(failures.map((f) => f.property).sort()).toEqual(["adoptInstanceId", "name", "webhookEvents"]);
  expect(failures.find((f) => f.property === "adoptInstanceId")?.reason).toMatch(
    /pulumi import waapi:index:Instance/,
  );
  expect(failures.find((f) => f.property === "webhookEvents")?.reason).toMatch(/did you mean 'message'/);
});

it("tells the engine's Log, at the address Attach gave, that it recovered a create whose answer was lost", async () => {
  // The engine's side of the Log RPC: what the plugin sends, as the engine would receive it.
  const logged: EnginePb.LogRequest[] = [];
  const engine = new grpc.Server();
  const log: EngineGrpc.IEngineServer["log"] = (request, done) => {
    logged.push(request.request);
    done(null, new Empty());
  };
  engine.addService(EngineService, { log });
  const port = await new Promise<number>((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  try {
    await send((done) => plugin.client.attach(new PluginAttach().setAddress(`127.0.0.1:${port}`), done));
    await configure();
    sandbox.injectFault({ kind: "respond", match: "POST /instances", status: 502, afterActing: true });
    const created = await create({ name: "Support line" });

    expect(sandbox.instances().map((instance) => String(instance.id))).toEqual([created.id]);
    // Why it waits (the recovery watches the new instance stay untouched), then what it found; then,
    // as after every create, that the line waits for a phone and how to link it.
    expect(logged.map((entry) => [entry.getSeverity(), entry.getUrn()])).toEqual([
      [LogSeverity.WARNING, URN],
      [LogSeverity.WARNING, URN],
      [LogSeverity.INFO, URN],
    ]);
    expect(logged[0]?.getMessage()).toMatch(
      /^The answer to a POST that creates an instance was lost.*Waiting until/,
    );
    expect(logged[1]?.getMessage()).toMatch(
      new RegExp(
        `^The answer to the POST that creates an instance was lost \\(.*502.*\\), and instance ${created.id} appeared`,
      ),
    );
    expect(logged[2]?.getMessage()).toMatch(
      new RegExp(
        `^Instance ${created.id} waits to be linked to a phone.*\`npx pulumi-waapi link support --stack dev\``,
      ),
    );
    expect(plugin.stderr()).not.toContain("was lost"); // delivered, so not written to stderr instead
    seen.push(...logged.map((entry) => entry.getMessage()));
  } finally {
    engine.forceShutdown();
  }
});

it("records a create whose PUT failed as a half-made resource, with its id", async () => {
  await configure();
  sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 500 });
  const error = await create({ name: "Support line" }).then(
    () => undefined,
    (caught: Error & { metadata?: { get(key: string): unknown[] } }) => caught,
  );
  expect(error?.message).toMatch(/was created but its settings could not be applied/);
  const [bytes] = (error?.metadata?.get("grpc-status-details-bin") ?? []) as Buffer[];
  const status = Status.deserializeBinary(new Uint8Array(bytes ?? []));
  const detail = status
    .getDetailsList()[0]
    ?.unpack(rpc.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
  const [made] = sandbox.instances();
  expect(detail?.getId()).toBe(String(made?.id));
  expect(plain(detail?.getProperties())).toMatchObject({ instanceId: made?.id, apiBaseUrl: sandbox.baseUrl });
  expect(plain(detail?.getInputs())).toEqual({ name: "Support line" });
});

it("works without a token until the API is needed, then says how to set one; the environment is a fallback", async () => {
  await configure({ baseUrl: sandbox.baseUrl });
  expect((await check({ name: "Support line" })).failures).toEqual([]);
  expect((await create({ name: "Support line" }, true)).id).toBe("");
  await expect(create({ name: "Support line" })).rejects.toThrow(/pulumi config set --secret waapi:apiToken/);
  expect(sandbox.requests()).toEqual([]);

  await plugin.stop();
  plugin = await startPlugin({ WAAPI_API_TOKEN: token, WAAPI_BASE_URL: sandbox.baseUrl });
  await configure({});
  const { id } = await create({ name: "From the environment" });
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({ id: Number(id), name: "From the environment" }),
  ]);
});
