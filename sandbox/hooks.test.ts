/** The HTTP test hooks under /__sandbox/, for tests that drive a sandbox running in another process. */
import { useSandbox, withSandbox } from "../tests/support/sandbox";

const sb = useSandbox();

async function hook(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

async function api(token: string, method: string, path: string): Promise<Response> {
  return fetch(`${sb.baseUrl}${path}`, {
    method,
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
  });
}

test("tokens: created with the given permissions, account and name; the value is returned", async () => {
  const created = await hook("POST", "/tokens", { permissions: ["read"], name: "reader" });
  expect(created.status).toBe(201);
  const { token } = created.json as { token: string };
  expect((await api(token, "GET", "/instances")).status).toBe(200);
  expect((await api(token, "POST", "/instances")).status).toBe(403);
  expect(sb.requests().map((r) => r.tokenName)).toEqual(["reader", "reader"]);
  expect((await hook("POST", "/tokens", { permissions: ["admin"] })).status).toBe(400);
  expect((await hook("POST", "/tokens", { account: "nobody" })).status).toBe(404);
});

test("accounts: create, read, list their instances", async () => {
  const created = await hook("POST", "/accounts", {
    id: "acme",
    owner: "acme@example.com",
    instanceLimit: 3,
  });
  expect(created.status).toBe(201);
  const { token } = (await hook("POST", "/tokens", { account: "acme" })).json as { token: string };
  await api(token, "POST", "/instances");
  expect(await hook("GET", "/accounts/acme")).toEqual({
    status: 200,
    json: {
      account: { id: "acme", owner: "acme@example.com", instanceLimit: 3, isTrial: false },
      instanceCount: 1,
    },
  });
  const listed = await hook("GET", "/accounts/acme/instances");
  expect(listed.json).toEqual({ instances: sb.instances("acme") });
  expect((await hook("POST", "/accounts", { id: "acme", owner: "x@example.com" })).status).toBe(400);
  expect((await hook("POST", "/accounts", { id: "no-owner" })).status).toBe(400);
  expect((await hook("GET", "/accounts/nobody")).status).toBe(404);
});

test("drift: change an instance behind the provider's back; out-of-band delete keeps the limit", async () => {
  const token = sb.createToken();
  const { instance } = (await (await api(token, "POST", "/instances")).json()) as {
    instance: { id: number };
  };
  const changed = await hook("PATCH", `/instances/${instance.id}`, {
    name: "drifted",
    webhook_url: "https://elsewhere.example/h",
    webhook_events: ["message", "not-an-event"],
    instanceStatus: "disconnected",
  });
  expect(changed.status).toBe(200);
  expect(sb.instances()[0]).toMatchObject({
    name: "drifted",
    webhook_url: "https://elsewhere.example/h",
    webhook_events: ["message", "not-an-event"],
  });
  expect((await hook("PATCH", `/instances/${instance.id}`, { webhook_url: null })).status).toBe(200);
  expect(sb.instances()[0]?.webhook_url).toBeNull();
  expect((await hook("PATCH", `/instances/${instance.id}`, { webhook_events: "qr" })).status).toBe(400);
  expect((await hook("PATCH", `/instances/${instance.id}`, { instanceStatus: "asleep" })).status).toBe(400);
  expect((await hook("PATCH", "/instances/424242", { name: "x" })).status).toBe(404);

  expect((await hook("DELETE", `/instances/${instance.id}`)).status).toBe(204);
  expect(sb.instances()).toEqual([]);
  expect(sb.instanceLimit()).toBe(10);
  expect((await hook("DELETE", `/instances/${instance.id}`)).status).toBe(404);
});

test("request log: read and clear", async () => {
  await fetch(`${sb.baseUrl}/instances`, { headers: { Accept: "application/json" } });
  const log = await hook("GET", "/requests");
  expect(log.json).toEqual({
    requests: [expect.objectContaining({ method: "GET", path: "/api/v1/instances", status: 401 })],
  });
  expect((await hook("DELETE", "/requests")).status).toBe(204);
  expect((await hook("GET", "/requests")).json).toEqual({ requests: [] });
});

test("faults: add (validated), list, clear", async () => {
  const token = sb.createToken();
  const added = await hook("POST", "/faults", {
    match: "GET /instances",
    kind: "respond",
    status: 503,
    times: 2,
  });
  expect(added).toEqual({
    status: 201,
    json: { faults: [{ match: "GET /instances", kind: "respond", status: 503, times: 2 }] },
  });
  expect((await api(token, "GET", "/instances")).status).toBe(503);
  expect((await hook("GET", "/faults")).json).toEqual({ faults: [expect.objectContaining({ times: 1 })] });
  expect((await hook("DELETE", "/faults")).status).toBe(204);
  expect((await api(token, "GET", "/instances")).status).toBe(200);
  const bad = await hook("POST", "/faults", { match: "GET /instances", kind: "respond" });
  expect(bad.status).toBe(400);
  expect(bad.json).toEqual({ message: expect.stringMatching(/status/) });
});

test("reset: instances, tokens, log and faults are gone", async () => {
  const token = sb.createToken();
  await api(token, "POST", "/instances");
  sb.injectFault({ match: "/instances", kind: "reset", times: 3 });
  expect((await hook("POST", "/reset")).status).toBe(204);
  expect(sb.instances()).toEqual([]);
  expect(sb.requests()).toEqual([]);
  expect(sb.pendingFaults()).toEqual([]);
  expect((await api(token, "GET", "/instances")).status).toBe(401);
});

test("a token given at start survives reset", async () => {
  await withSandbox({ token: "start-token-1" }, async (own) => {
    own.reset();
    const res = await fetch(`${own.baseUrl}/instances`, {
      headers: { Accept: "application/json", Authorization: "Bearer start-token-1" },
    });
    expect(res.status).toBe(200);
  });
});
