/**
 * End to end: the real Pulumi CLI and engine (through the Automation API's LocalWorkspace) run
 * tests/e2e/program, whose dynamic provider talks to the WAAPI sandbox over HTTP. `make test` puts
 * the CLI on PATH (scripts/install-pulumi.sh).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import type { WebhookEvent } from "../../provider/waapi-api";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "program");

interface DeclaredInstance {
  name: string;
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
  adoptInstanceId?: number;
  importId?: string;
  /** The program reads the line's status (getInstanceStatusOutput) into lineStatuses. */
  readStatus?: boolean;
}

const sandbox = useSandbox();
const stacks = useOfflineStacks();

/** A new stack of the e2e program declaring `instances`. */
async function newStack(instances: Record<string, DeclaredInstance>): Promise<Stack> {
  return stacks.create(PROGRAM_DIR, {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    config: { instances: JSON.stringify(instances) },
  });
}

async function declare(stack: Stack, instances: Record<string, DeclaredInstance>): Promise<void> {
  await stack.setConfig("instances", { value: JSON.stringify(instances) });
}

async function up(stack: Stack) {
  const result = await stacks.up(stack);
  return { summary: result.summary.resourceChanges ?? {}, ids: instanceIds(result.outputs) };
}

function instanceIds(outputs: OutputMap): Record<string, number> {
  return (outputs["instanceIds"]?.value ?? {}) as Record<string, number>;
}

/** The sandbox's instances, in the terms a program declares them. */
function live() {
  return sandbox
    .instances()
    .map(({ id, name, webhook_url, webhook_events }) => ({ id, name, webhook_url, webhook_events }))
    .sort((a, b) => a.id - b.id);
}

const requestsBy = (method: string) => sandbox.requests().filter((request) => request.method === method);

const support: DeclaredInstance = {
  name: "Support line",
  webhookUrl: "https://hooks.example.com/waapi/support",
  webhookEvents: ["message", "message_ack", "ready"],
};
const sales: DeclaredInstance = {
  name: "Sales line",
  webhookUrl: "https://hooks.example.com/waapi/sales",
  webhookEvents: ["call", "message"],
};

it("up creates exactly the declared instances, and a second preview shows no changes", async () => {
  const stack = await newStack({ support, sales });
  const { summary, ids } = await up(stack);

  expect(summary["create"]).toBe(3); // the stack and two instances
  // The engine creates the two in parallel, so their ids come in either order.
  expect(live()).toEqual(
    [
      {
        id: ids["support"],
        name: "Support line",
        webhook_url: support.webhookUrl,
        webhook_events: ["message", "message_ack", "ready"],
      },
      {
        id: ids["sales"],
        name: "Sales line",
        webhook_url: sales.webhookUrl,
        webhook_events: ["call", "message"],
      },
    ].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)),
  );

  // Event order and repeats carry no meaning: declaring them shuffled is still no change.
  await declare(stack, {
    support: { ...support, webhookEvents: ["ready", "message", "message_ack", "ready"] },
    sales,
  });
  sandbox.clearRequests();
  const preview = await stacks.preview(stack, { expectNoChanges: true });
  expect(preview.changeSummary).toEqual({ same: 3 });
  expect(sandbox.requests()).toEqual([]); // check and diff make no API call
}, 120_000);

it("changing the events or the URL is one in-place PUT: no DELETE, no POST", async () => {
  const stack = await newStack({ support });
  const { ids } = await up(stack);

  await declare(stack, {
    support: { ...support, webhookUrl: "https://hooks.example.com/v2/support", webhookEvents: ["message"] },
  });
  const preview = await stacks.preview(stack);
  expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
  // The instance id stays known in the preview of an update (where a dynamic resource has only its
  // inputs), so the stack output built from it is not shown as changing ("~ instanceIds").
  expect(preview.stdout).toContain("[diff: ~webhookEvents,webhookUrl]");
  expect(preview.stdout).not.toContain("instanceIds");

  sandbox.clearRequests();
  const { summary } = await up(stack);
  expect(summary).toEqual({ same: 1, update: 1 });
  expect(requestsBy("PUT")).toHaveLength(1);
  expect(requestsBy("POST")).toEqual([]);
  expect(requestsBy("DELETE")).toEqual([]);
  expect(live()).toEqual([
    {
      id: ids["support"],
      name: "Support line",
      webhook_url: "https://hooks.example.com/v2/support",
      webhook_events: ["message"],
    },
  ]);
}, 120_000);

it("drift made by hand fails preview --refresh --expect-no-changes, shows in refresh, and up restores", async () => {
  const stack = await newStack({ support });
  const { ids } = await up(stack);
  const id = ids["support"] ?? 0;
  sandbox.changeInstance(id, {
    webhook_url: "https://attacker.example.com/steal",
    webhook_events: ["message", "qr"],
  });

  await expect(stacks.preview(stack, { refresh: true, expectNoChanges: true })).rejects.toThrow(
    /no changes were expected/i,
  );

  const refresh = await stacks.refresh(stack);
  expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
  const recorded = (await stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
    r.urn.endsWith("::support"),
  );
  expect(recorded.outputs.webhookUrl).toBe("https://attacker.example.com/steal");

  sandbox.clearRequests();
  const { summary } = await up(stack);
  expect(summary).toMatchObject({ update: 1 });
  expect(requestsBy("POST")).toEqual([]);
  expect(requestsBy("DELETE")).toEqual([]);
  expect(live()).toEqual([
    {
      id,
      name: "Support line",
      webhook_url: support.webhookUrl,
      webhook_events: ["message", "message_ack", "ready"],
    },
  ]);
  await stacks.preview(stack, { refresh: true, expectNoChanges: true });
}, 120_000);

it("an instance deleted out of band is dropped by refresh and created again by up", async () => {
  const stack = await newStack({ support, sales });
  const { ids } = await up(stack);
  sandbox.deleteInstanceOutOfBand(ids["support"] ?? 0);

  // The sales line, still listed, shows that the token is the recorded owner's: the 404 means "gone".
  const refresh = await stacks.refresh(stack);
  expect(refresh.summary.resourceChanges).toMatchObject({ delete: 1 });

  const { summary, ids: after } = await up(stack);
  expect(summary).toMatchObject({ create: 1 });
  expect(after["support"]).not.toBe(ids["support"]);
  expect(live().find((instance) => instance.id === after["support"])).toEqual({
    id: after["support"],
    name: "Support line",
    webhook_url: support.webhookUrl,
    webhook_events: ["message", "message_ack", "ready"],
  });
}, 120_000);

it("refresh with a token that cannot be shown to be the owner's keeps the instance and says why", async () => {
  const stack = await newStack({ support });
  const { ids } = await up(stack);
  // A stray token of another, empty account: WAAPI answers 404 for an instance that is not its own.
  sandbox.createAccount({ id: "stray", owner: "stray@else.example" });
  await stack.setConfig("waapi:apiToken", {
    value: sandbox.createToken(undefined, { account: "stray" }),
    secret: true,
  });

  // A plain refresh configures the provider with the inputs recorded at the last `up` (the owner's
  // token); running the program hands it the stack's config as it is now, the stray token.
  await expect(stacks.refresh(stack, { runProgram: true })).rejects.toThrow(
    /cannot be shown to belong to .*'s account: the token's account has no instances[\s\S]*kept in the stack/,
  );
  const recorded = (await stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
    r.urn.endsWith("::support"),
  );
  expect(recorded?.id).toBe(String(ids["support"]));
  expect(sandbox.instances()).toHaveLength(1);
}, 120_000);

it("a create whose PUT failed is recorded, and the next up finishes it without a second instance", async () => {
  const stack = await newStack({ support });
  sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 500 });

  await expect(up(stack)).rejects.toThrow(/was created but its settings could not be applied/);
  const [orphanCandidate] = sandbox.instances();
  expect(sandbox.instances()).toHaveLength(1);
  const recorded = (await stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
    r.urn.endsWith("::support"),
  );
  expect(recorded.id).toBe(String(orphanCandidate?.id));

  sandbox.clearRequests();
  const { ids } = await up(stack);
  expect(ids["support"]).toBe(orphanCandidate?.id);
  expect(requestsBy("POST")).toEqual([]);
  expect(live()).toEqual([
    {
      id: orphanCandidate?.id,
      name: "Support line",
      webhook_url: support.webhookUrl,
      webhook_events: ["message", "message_ack", "ready"],
    },
  ]);
}, 120_000);

it("a POST whose answer was lost: the recovery's warnings print in `pulumi up`'s output, and no second instance is made", async () => {
  const stack = await newStack({ support });
  // WAAPI made the instance, but the gateway answered 502: the provider finds it in the account's list.
  sandbox.injectFault({ kind: "respond", match: "POST /instances", status: 502, afterActing: true });

  const result = await stacks.up(stack);
  const [made] = sandbox.instances();
  expect(sandbox.instances()).toHaveLength(1);
  expect(requestsBy("POST")).toHaveLength(1);
  expect(instanceIds(result.outputs)["support"]).toBe(made?.id);
  // The dynamic-provider host passes create no URN: the engine prints the Log message as a warning
  // with the stack's diagnostics. First the wait for the account to settle, then what it found.
  expect(result.stdout).toMatch(
    new RegExp(
      `warning: The answer to a POST that creates an instance was lost, and 1 instance\\(s\\) appeared ` +
        `that no answer explains, as the server makes them \\(${made?.id}\\)\\. Waiting until the account settles`,
    ),
  );
  expect(result.stdout).toMatch(/warning: The answer to the POST that creates an instance was lost/);
  expect(result.stdout).toContain(`instance ${made?.id} appeared in the account since`);
  expect(result.stdout).toContain("No second instance was created.");
  expect(result.stdout.indexOf("Waiting until the account settles")).toBeLessThan(
    result.stdout.indexOf("No second instance was created."),
  );
}, 120_000);

it("an existing instance is brought under management with adoptInstanceId, without creating one", async () => {
  // An instance made by hand in the dashboard.
  const id = await makeInstanceByHand(sandbox, sandbox.token, {
    name: "Legacy line",
    webhook: { url: "https://legacy.example.com/hook", events: ["message"] },
  });
  const legacy: DeclaredInstance = {
    name: "Legacy line",
    webhookUrl: "https://legacy.example.com/hook",
    webhookEvents: ["message"],
  };

  // Pulumi's own `import` option cannot work for dynamic resources: the engine's Read reaches the
  // dynamic-provider host without the serialized provider (pulumi/pulumi#3550, #16175). If this starts
  // to pass, a newer engine fixed it and adoptInstanceId can give way to the import option. The
  // message is the dynamic-provider host's (as of @pulumi/pulumi 3.270 under CLI 3.274.1).
  const viaImportOption = await newStack({ legacy: { ...legacy, importId: String(id) } });
  sandbox.clearRequests();
  await expect(up(viaImportOption)).rejects.toThrow(/code must be a string, not undefined/);
  expect(sandbox.requests()).toEqual([]);

  const stack = await newStack({ legacy: { ...legacy, adoptInstanceId: id } });
  const { ids } = await up(stack);
  expect(ids["legacy"]).toBe(id);
  expect(requestsBy("POST")).toEqual([]);
  expect(requestsBy("PUT")).toEqual([]); // it already matched: adopted without a write
  expect(sandbox.instances()).toHaveLength(1);
  await stacks.preview(stack, { expectNoChanges: true });

  // From now on it is managed like any other.
  await declare(stack, { legacy: { ...legacy, name: "Legacy line (managed)", adoptInstanceId: id } });
  await up(stack);
  expect(requestsBy("PUT")).toHaveLength(1);
  expect(live()).toEqual([
    { id, name: "Legacy line (managed)", webhook_url: legacy.webhookUrl, webhook_events: ["message"] },
  ]);
}, 120_000);

it("destroy deletes every instance", async () => {
  const stack = await newStack({ support, sales });
  await up(stack);
  expect(sandbox.instances()).toHaveLength(2);

  const destroyed = await stacks.destroy(stack);
  expect(destroyed.summary.resourceChanges).toMatchObject({ delete: 3 });
  expect(sandbox.instances()).toEqual([]);
}, 120_000);

it("getInstanceStatusOutput reads the line's status from the program, previews included: qr when new, ready with who is linked once scanned", async () => {
  // A new line shows its QR code at once and is ready as soon as it is scanned (WAAPI takes seconds).
  sandbox.setClientTiming({ bootDelayMs: 0, readyDelayMs: 0 });
  const stack = await newStack({ support: { ...support, readStatus: true } });
  const first = await stacks.up(stack);
  const id = instanceIds(first.outputs)["support"] ?? 0;
  expect(first.outputs["lineStatuses"]?.value).toEqual({ support: { instanceId: id, status: "qr" } });

  sandbox.scanQr(id, { phoneNumber: "50664083362", displayName: "Support desk" });
  const me = sandbox.clientState(id).me;
  expect(me?.formattedNumber).toMatch(/^\+\d/);
  // A preview runs the program, so it reads the status too (and only reads).
  sandbox.clearRequests();
  await stacks.preview(stack, { expectNoChanges: true });
  expect(sandbox.requests().map((request) => `${request.method} ${request.path}`)).toEqual(
    expect.arrayContaining([
      `GET /api/v1/instances/${id}/client/status`,
      `GET /api/v1/instances/${id}/client/me`,
    ]),
  );
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);

  const second = await stacks.up(stack);
  expect(second.summary.resourceChanges).toEqual({ same: 2 });
  expect(second.outputs["lineStatuses"]?.value).toEqual({
    support: {
      instanceId: id,
      status: "ready",
      linkedNumber: me?.formattedNumber,
      linkedName: "Support desk",
      linkedContactId: me?.contactId,
    },
  });
}, 120_000);

it("the API token appears nowhere in the state, the serialized provider, the config file, logs or anything the engine printed, failed runs included", async () => {
  const stack = await newStack({ support });
  await up(stack);
  await stacks.refresh(stack);
  // A failed run: its error (with the CLI's stdout and stderr) is searched too.
  sandbox.injectFault({ kind: "respond", match: "PUT /instances/:id", status: 500, times: 10 });
  await declare(stack, { support: { ...support, name: "Support line (EU)" } });
  await expect(up(stack)).rejects.toThrow(/HTTP 500|500/);
  sandbox.clearFaults();

  // `pulumi stack export` as a person runs it (the Automation API's exportStack adds --show-secrets),
  // and the state file itself.
  const exported = execFileSync("pulumi", ["stack", "export", "--stack", stack.name], {
    cwd: PROGRAM_DIR,
    env: { ...process.env, ...stacks.env() },
    encoding: "utf8",
  });
  stacks.note(exported);
  const stateFile = readFileSync(
    join(stacks.stateDir, ".pulumi", "stacks", "waapi-e2e", `${stack.name}.json`),
    "utf8",
  );
  const state = exported + stateFile;
  expect(exported).toContain("ciphertext"); // the token is there, encrypted, for the provider's config
  const providers = [...state.matchAll(/"__provider":"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? "");
  expect(providers.length).toBeGreaterThan(0);
  const configFile = readFileSync(join(PROGRAM_DIR, `Pulumi.${stack.name}.yaml`), "utf8");
  expect(configFile).toContain("secure:");

  const everything = stacks.everything();
  expect(everything.join("\n")).toContain("500"); // the failed run's error was recorded
  expect(sandbox.requests().length).toBeGreaterThan(0); // the token was really used
  expectNoLeak([state, ...providers, configFile, ...everything, sandbox.requests()], e2eSecrets());
}, 120_000);
