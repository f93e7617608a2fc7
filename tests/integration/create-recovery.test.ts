/**
 * A POST /instances whose answer is lost must leave neither an orphan nor a duplicate: the provider
 * (driven as the dynamic-provider host drives it, over HTTP to the sandbox) finds the instance the
 * server made and carries on with it, or says which ids to look at.
 */
import type { SandboxFault } from "../../sandbox/faults";
import { configuredProvider, loadBuiltPackage, thrownBy, type Provider } from "../support/provider";
import { useSandbox } from "../support/sandbox";

const { WaapiInstanceProvider } = loadBuiltPackage();

// A new token before each test is a new account connection: a fresh ledger.
const sandbox = useSandbox();

async function provider(apiToken = sandbox.token): Promise<Provider> {
  return configuredProvider(new WaapiInstanceProvider(), { apiToken, baseUrl: sandbox.baseUrl });
}

const support = {
  name: "Support line",
  webhookUrl: "https://hooks.example.com/waapi/support",
  webhookEvents: ["message", "ready"],
};

const calls = () =>
  sandbox.requests().map((request) => `${request.method} ${request.path.replace("/api/v1", "")}`);

it("a normal create is a POST and a PUT, after one list per process (not per instance)", async () => {
  const p = await provider();
  const first = await p.create(support);
  const second = await p.create({ ...support, name: "Sales line" });
  expect(calls()).toEqual([
    "GET /instances",
    "POST /instances",
    `PUT /instances/${first.id}`,
    "POST /instances",
    `PUT /instances/${second.id}`,
  ]);
  // Another provider object of the same process and account shares the connection: no new list.
  sandbox.clearRequests();
  await (await provider()).create({ name: "Third" });
  expect(calls().filter((call) => call.startsWith("GET"))).toEqual([]);
});

const ambiguous: [string, SandboxFault][] = [
  [
    "a connection reset after the server acted",
    { kind: "reset", match: "POST /instances", resetAfterActing: true },
  ],
  [
    "a gateway's 502 after the server acted",
    { kind: "respond", match: "POST /instances", status: 502, afterActing: true },
  ],
  [
    "a 200 whose JSON was cut short",
    {
      kind: "respond",
      match: "POST /instances",
      status: 200,
      afterActing: true,
      body: '{"instance":{"id":',
      headers: { "Content-Type": "application/json" },
    },
  ],
  ["a 500 with no instance made", { kind: "respond", match: "POST /instances", status: 500 }],
  ["a connection reset before the server acted", { kind: "reset", match: "POST /instances" }],
];

describe.each(ambiguous)("after %s", (_label, fault) => {
  it("the create carries on with exactly one instance, configured and recorded", async () => {
    const p = await provider();
    const before = await p.create({ name: "Existing" }); // the ledger already knows the account
    sandbox.injectFault(fault);
    const { id, outs } = await p.create(support);

    expect(sandbox.instances().map((instance) => instance.id)).toEqual([Number(before.id), Number(id)]);
    expect(sandbox.instances()[1]).toMatchObject({
      name: support.name,
      webhook_url: support.webhookUrl,
      webhook_events: ["message", "ready"],
    });
    expect(outs).toMatchObject({ instanceId: Number(id), name: support.name });
    expect(sandbox.pendingFaults()).toEqual([]);
  });
});

it("several unknown instances after an ambiguous POST: an error naming them, nothing recorded", async () => {
  const p = await provider();
  await p.create({ name: "Ours from before" });
  // Someone else creates an instance in the same account meanwhile (the dashboard, another stack).
  const other = sandbox.createToken();
  const made = await fetch(`${sandbox.baseUrl}/instances`, {
    method: "POST",
    headers: { authorization: `Bearer ${other}`, accept: "application/json" },
  });
  const theirs = ((await made.json()) as { instance: { id: number } }).instance.id;
  sandbox.injectFault({ kind: "reset", match: "POST /instances", resetAfterActing: true });

  const error = await thrownBy(() => p.create(support));
  const ours = Math.max(...sandbox.instances().map((instance) => instance.id));
  expect(error["code"]).toBe("ERR_WAAPI_CREATE_AMBIGUOUS");
  expect(error["candidateIds"]).toEqual([theirs, ours]);
  expect(error.message).toContain(`${theirs}, ${ours}`);
  expect(error.message).toContain("adoptInstanceId");
  expect(error["id"]).toBeUndefined(); // not recorded as this resource
});

it("a token that may not list keeps the clear error, saying why it could not find out", async () => {
  const p = await provider(sandbox.createToken(["create", "update"]));
  sandbox.injectFault({ kind: "reset", match: "POST /instances", resetAfterActing: true });
  const error = await thrownBy(() => p.create(support));
  expect(error["outcomeUnknown"]).toBe(true);
  expect(error.message).toContain("lacks the read permission");
  expect(error.message).toContain("adoptInstanceId");
  expect(sandbox.requests().filter((request) => request.method === "POST")).toHaveLength(1); // no retry
});

it("POSTs of one process run concurrently: a slow one holds up none of the others", async () => {
  const p = await provider();
  await p.create({ name: "Existing" });
  // The first POST to arrive waits 3 s before the server acts on it.
  sandbox.injectFault({ kind: "delay-then-act", match: "POST /instances", delayMs: 3000 });
  const instancesWhenFinished: number[] = [];
  await Promise.all(
    Array.from({ length: 4 }, (_, n) =>
      p
        .create({ ...support, name: `Line ${n}` })
        .then(() => instancesWhenFinished.push(sandbox.instances().length)),
    ),
  );
  // Three creates finished while the slow POST had not made its instance yet. (One POST at a
  // time, the slow one, sent first, would have been made before any other.)
  expect(instancesWhenFinished).toEqual([4, 4, 4, 5]);
  expect(calls().filter((call) => call === "GET /instances")).toHaveLength(1);
});

it("concurrent creates with ambiguous POSTs among them: one instance each, no duplicate, no orphan", async () => {
  const p = await provider();
  sandbox.injectFault({ kind: "reset", match: "POST /instances", resetAfterActing: true, times: 3 });
  sandbox.injectFault({ kind: "reset", match: "POST /instances", times: 2 }); // these made nothing
  const created = await Promise.all(
    Array.from({ length: 8 }, (_, n) => p.create({ ...support, name: `Line ${n}` })),
  );
  const ids = created.map((result) => Number(result.id)).sort((a, b) => a - b);
  expect(sandbox.instances().map((instance) => instance.id)).toEqual(ids);
  expect(new Set(ids).size).toBe(8);
  expect(
    sandbox
      .instances()
      .map((instance) => instance.name)
      .sort(),
  ).toEqual(Array.from({ length: 8 }, (_, n) => `Line ${n}`));
  expect(sandbox.pendingFaults()).toEqual([]);
});

it("the recovery's own list fails after a lost answer: nothing recorded, and the next process reuses that instance", async () => {
  const p = await provider();
  await p.create({ name: "Existing" });
  sandbox.injectFault({ kind: "respond", match: "POST /instances", status: 502, afterActing: true });
  // The list after the lost answer fails, retries included (the client tries a GET up to 3 times).
  sandbox.injectFault({ kind: "respond", match: "GET /instances", status: 503, times: 5 });
  const error = await thrownBy(() => p.create(support));
  expect(error.message).toContain("Listing the account's instances to find out failed too");
  expect(error["id"]).toBeUndefined(); // not recorded
  const left = sandbox.instances().find((instance) => instance.name === `Instance ${instance.id}`);
  expect(left).toBeDefined();
  sandbox.clearFaults();

  // A re-run is a new provider process: a new connection, so a new ledger (here: another token).
  sandbox.clearRequests();
  const rerun = await provider(sandbox.createToken());
  const { id } = await rerun.create(support);
  expect(Number(id)).toBe(left?.id);
  expect(calls().filter((call) => call.startsWith("POST"))).toEqual([]);
  expect(sandbox.instances()).toHaveLength(2);
  expect(sandbox.instances()[1]).toMatchObject({ id: left?.id, name: support.name });
});

it("a neighbour's instance made during the recovery, and named by its PUT, is not taken", async () => {
  const p = await provider(sandbox.createToken(undefined, { name: "staging" }));
  await p.create({ name: "Ours from before" });
  const neighbour = sandbox.createToken(undefined, { name: "production" });
  const { baseUrl } = sandbox;
  const asNeighbour = { authorization: `Bearer ${neighbour}`, accept: "application/json" };
  sandbox.injectFault({
    kind: "respond",
    match: "POST /instances",
    status: 502,
    afterActing: true,
    tokenName: "staging",
  });
  const ours = p.create(support);
  // Another stack's create, beside ours: its POST, and its PUT a second later.
  const made = await fetch(`${baseUrl}/instances`, { method: "POST", headers: asNeighbour });
  const theirs = ((await made.json()) as { instance: { id: number } }).instance.id;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await fetch(`${baseUrl}/instances/${theirs}`, {
    method: "PUT",
    headers: { ...asNeighbour, "content-type": "application/json" },
    body: JSON.stringify({ name: "Production line" }),
  });
  const { id } = await ours;
  expect(Number(id)).not.toBe(theirs);
  expect(sandbox.pendingFaults()).toEqual([]); // the fault struck our POST
  expect(
    sandbox
      .instances()
      .map((instance) => instance.name)
      .sort(),
  ).toEqual(["Ours from before", "Production line", support.name]);
});
