/**
 * The sandbox's API behaviour over real HTTP (Node's fetch against a sandbox on 127.0.0.1): auth,
 * permissions, limits, not-found, validation, the update semantics and the request log.
 */
import { PERMISSIONS, type Permission } from "../provider/waapi-api";
import { useSandbox, withSandbox } from "../tests/support/sandbox";
import type { Sandbox } from "./index";

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  sb: Sandbox,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method,
    redirect: "manual",
    headers: {
      Accept: "application/json",
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// A boot delay no test outlasts: new instances stay `booting` here (the lifecycle is client.test.ts's).
const sb = useSandbox({ owner: "ops@example.com", instanceLimit: 5, clientTiming: { bootDelayMs: 600_000 } });
let token: string;
beforeEach(() => {
  token = sb.token;
});

async function create(t = token): Promise<number> {
  const res = await call(sb, t, "POST", "/instances");
  expect(res.status).toBe(200);
  return (res.json as { instance: { id: number } }).instance.id;
}

describe("authentication", () => {
  test("no token: 401 Unauthenticated as JSON", async () => {
    const res = await call(sb, undefined, "GET", "/instances");
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: "Unauthenticated." });
  });

  test("an unknown token, or a malformed header: 401", async () => {
    expect((await call(sb, "1|not-a-token", "GET", "/instances")).status).toBe(401);
    const basic = await call(sb, undefined, "GET", "/instances", undefined, {
      Authorization: `Basic ${token}`,
    });
    expect(basic.status).toBe(401);
  });

  test("the scheme is case-insensitive, as in Laravel", async () => {
    const res = await call(sb, undefined, "GET", "/instances", undefined, {
      Authorization: `bearer ${token}`,
    });
    expect(res.status).toBe(200);
  });

  test("without Accept: application/json a failed auth is a 302 to /login with an HTML body", async () => {
    for (const accept of [undefined, "*/*", "text/html"]) {
      const res = await fetch(`${sb.baseUrl}/instances`, {
        redirect: "manual",
        headers: accept === undefined ? {} : { Accept: accept },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${sb.url}/login`);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain(`Redirecting to <a href="${sb.url}/login">`);
    }
  });

  test("a client that follows the redirect gets a 200 HTML page, not an error", async () => {
    const res = await fetch(`${sb.baseUrl}/instances`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${sb.url}/login`);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });

  test("an AJAX request accepting anything gets JSON (Laravel's expectsJson)", async () => {
    const res = await fetch(`${sb.baseUrl}/instances`, {
      redirect: "manual",
      headers: { Accept: "*/*", "X-Requested-With": "XMLHttpRequest" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Unauthenticated." });
  });

  test("a token of a later-reset sandbox no longer works", async () => {
    sb.reset();
    expect((await call(sb, token, "GET", "/instances")).status).toBe(401);
  });
});

describe("permissions", () => {
  const cases: { operation: string; permission: Permission; method: string; path: (id: number) => string }[] =
    [
      { operation: "list", permission: "read", method: "GET", path: () => "/instances" },
      { operation: "create", permission: "create", method: "POST", path: () => "/instances" },
      { operation: "retrieve", permission: "read", method: "GET", path: (id) => `/instances/${id}` },
      { operation: "update", permission: "update", method: "PUT", path: (id) => `/instances/${id}` },
      { operation: "delete", permission: "delete", method: "DELETE", path: (id) => `/instances/${id}` },
      {
        operation: "client status",
        permission: "read",
        method: "GET",
        path: (id) => `/instances/${id}/client/status`,
      },
    ];

  test.each(cases)("$operation needs '$permission': 403 without it, nothing done", async (c) => {
    const id = await create();
    const without = sb.createToken(
      PERMISSIONS.filter((p) => p !== c.permission),
      { name: "lacking" },
    );
    const body = c.method === "PUT" ? { name: "renamed" } : undefined;
    const res = await call(sb, without, c.method, c.path(id), body);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      message: `This action is unauthorized. The API token lacks the '${c.permission}' permission.`,
    });
    expect(sb.instances()).toHaveLength(1);
    expect(sb.instances()[0]?.name).toBe(`Instance ${id}`);

    const only = sb.createToken([c.permission]);
    const allowed = await call(sb, only, c.method, c.path(id), body);
    expect(allowed.status).toBeLessThan(300);
  });

  test("the request log names the token that lacked the permission", async () => {
    const readOnly = sb.createToken(["read"], { name: "read-only" });
    await call(sb, readOnly, "POST", "/instances");
    expect(sb.requests().at(-1)).toMatchObject({ status: 403, tokenName: "read-only" });
  });
});

describe("instances", () => {
  test("create: default name, null webhook, no events, the account's owner; ids increase", async () => {
    const first = await call(sb, token, "POST", "/instances");
    expect(first.json).toEqual({
      instance: {
        id: expect.any(Number),
        name: expect.stringMatching(/^Instance \d+$/),
        owner: "ops@example.com",
        webhook_url: null,
        webhook_events: [],
        is_trial: false,
      },
      status: "success",
    });
    const a = (first.json as { instance: { id: number; name: string } }).instance;
    expect(a.name).toBe(`Instance ${a.id}`);
    const b = await create();
    expect(b).toBeGreaterThan(a.id);
  });

  test("create ignores a body (the endpoint takes none)", async () => {
    const res = await call(sb, token, "POST", "/instances", { name: "ignored" });
    expect(res.status).toBe(200);
    expect((res.json as { instance: { name: string } }).instance.name).toMatch(/^Instance /);
  });

  test("a trial account's instances say so", async () => {
    sb.createAccount({ id: "trial", owner: "trial@example.com", isTrial: true });
    const t = sb.createToken(undefined, { account: "trial" });
    const res = await call(sb, t, "POST", "/instances");
    expect(res.json).toMatchObject({ instance: { is_trial: true, owner: "trial@example.com" } });
  });

  test("list returns only the caller's account's instances", async () => {
    sb.createAccount({ id: "other", owner: "other@example.com" });
    const other = sb.createToken(undefined, { account: "other" });
    const mine = await create();
    await create(other);
    const res = await call(sb, token, "GET", "/instances");
    expect(res.json).toEqual({ instances: [expect.objectContaining({ id: mine })], status: "success" });
    expect(sb.instances("other")).toHaveLength(1);
  });

  test("filter matches an exact id, or a name containing the text (case-insensitive)", async () => {
    const a = await create();
    const b = await create();
    await call(sb, token, "PUT", `/instances/${a}`, { name: "Support Line" });
    await call(sb, token, "PUT", `/instances/${b}`, { name: "sales" });
    const ids = async (filter: string): Promise<number[]> => {
      const res = await call(sb, token, "GET", `/instances?filter=${encodeURIComponent(filter)}`);
      return (res.json as { instances: { id: number }[] }).instances.map((i) => i.id);
    };
    expect(await ids(String(b))).toEqual([b]);
    expect(await ids("support")).toEqual([a]);
    expect(await ids("S")).toEqual([a, b]);
    expect(await ids("nothing")).toEqual([]);
    expect(await ids("")).toEqual([a, b]);
  });

  test("retrieve answers the documented {instances:[…]} shape by default", async () => {
    const id = await create();
    const res = await call(sb, token, "GET", `/instances/${id}`);
    expect(res.json).toEqual({ instances: [sb.instances()[0]], status: "success" });
  });

  test("retrieve can answer {instance:…} (retrieveShape option)", async () => {
    await withSandbox({ retrieveShape: "instance" }, async (other) => {
      const t = other.createToken();
      const created = await call(other, t, "POST", "/instances");
      const { instance } = created.json as { instance: { id: number } };
      const res = await call(other, t, "GET", `/instances/${instance.id}`);
      expect(res.json).toEqual({ instance, status: "success" });
    });
  });

  test("latencyMs delays every API answer, after acting, and not the hooks", async () => {
    const latencyMs = 1000;
    await withSandbox({ latencyMs }, async (slow) => {
      const t = slow.createToken();
      const started = performance.now();
      let answered = false;
      const created = call(slow, t, "POST", "/instances").finally(() => (answered = true));
      // Acted at once: the instance exists while the answer is still held back.
      while (slow.instances().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(answered).toBe(false);
      expect((await created).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(latencyMs - 5);
      const hookStarted = performance.now();
      expect((await fetch(`${slow.url}/__sandbox/requests`)).status).toBe(200);
      expect(performance.now() - hookStarted).toBeLessThan(latencyMs - 5);
    });
    await expect(withSandbox({ latencyMs: -1 }, async () => undefined)).rejects.toThrow(/latencyMs/);
  });

  test("client status reports the instance and its client state", async () => {
    const id = await create();
    const res = await call(sb, token, "GET", `/instances/${id}/client/status`);
    expect(res.json).toEqual({
      clientStatus: {
        status: "success",
        instanceId: String(id),
        name: `Instance ${id}`,
        instanceStatus: "booting",
        instanceWebhook: null,
        instanceEvents: [],
      },
      links: { self: `${sb.baseUrl}/instances/${id}/client/status` },
      status: "success",
    });
    sb.changeInstance(id, { instanceStatus: "ready" });
    const later = await call(sb, token, "GET", `/instances/${id}/client/status`);
    expect(later.json).toMatchObject({ clientStatus: { instanceStatus: "ready" } });
  });

  test("another account's instance, an unknown id and a non-numeric id are all 404", async () => {
    sb.createAccount({ id: "other", owner: "other@example.com" });
    const theirs = await create(sb.createToken(undefined, { account: "other" }));
    for (const [method, suffix] of [
      ["GET", ""],
      ["PUT", ""],
      ["DELETE", ""],
      ["GET", "/client/status"],
    ] as const) {
      const res = await call(
        sb,
        token,
        method,
        `/instances/${theirs}${suffix}`,
        method === "PUT" ? {} : undefined,
      );
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ message: `No query results for model [App\\Models\\Instance] ${theirs}` });
    }
    expect(sb.instances("other")).toHaveLength(1);
    expect((await call(sb, token, "GET", "/instances/999999")).status).toBe(404);
    const word = await call(sb, token, "GET", "/instances/abc");
    expect(word.status).toBe(404);
    expect(word.json).toEqual({ message: "No query results for model [App\\Models\\Instance] abc" });
  });

  test("unknown routes are 404 and wrong methods 405, before auth, in Laravel's words", async () => {
    const missing = await call(sb, undefined, "GET", "/nothing/here");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: "The route api/v1/nothing/here could not be found." });
    const patch = await call(sb, undefined, "PATCH", "/instances/5");
    expect(patch.status).toBe(405);
    expect(patch.headers.get("allow")).toBe("GET, HEAD, PUT, DELETE");
  });
});

describe("instance limit", () => {
  test("creating past the limit is a 403 that names the limit", async () => {
    sb.createAccount({ id: "small", owner: "small@example.com", instanceLimit: 2 });
    const t = sb.createToken(undefined, { account: "small" });
    await create(t);
    await create(t);
    const res = await call(sb, t, "POST", "/instances");
    expect(res.status).toBe(403);
    expect((res.json as { message: string }).message).toMatch(/instance limit \(2\)/);
    expect(sb.instances("small")).toHaveLength(2);
  });

  test("DELETE answers 204 without a body and permanently lowers the limit", async () => {
    sb.createAccount({ id: "small", owner: "small@example.com", instanceLimit: 2 });
    const t = sb.createToken(undefined, { account: "small" });
    const a = await create(t);
    await create(t);
    const res = await call(sb, t, "DELETE", `/instances/${a}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(sb.instanceLimit("small")).toBe(1);
    expect(sb.instances("small")).toHaveLength(1);
    // One instance left, limit now one: the freed slot is gone for good.
    expect((await call(sb, t, "POST", "/instances")).status).toBe(403);
    expect((await call(sb, t, "GET", `/instances/${a}`)).status).toBe(404);
  });

  test("an out-of-band delete does not touch the limit", async () => {
    const id = await create();
    sb.deleteInstanceOutOfBand(id);
    expect(sb.instanceLimit()).toBe(5);
    expect(sb.instances()).toEqual([]);
  });
});

describe("update", () => {
  let id: number;
  beforeEach(async () => {
    id = await create();
  });

  test("answers the documented data/links shape with the id as a string", async () => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, {
      name: "support",
      webhook: { url: "https://hooks.example.com/waapi", events: ["message", "ready"] },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: {
        status: "success",
        instanceId: String(id),
        name: "support",
        instanceStatus: "booting",
        instanceWebhook: "https://hooks.example.com/waapi",
        instanceEvents: ["message", "ready"],
      },
      links: { self: `${sb.baseUrl}/instances/${id}` },
      status: "success",
    });
    expect(sb.instances()[0]).toMatchObject({
      name: "support",
      webhook_url: "https://hooks.example.com/waapi",
      webhook_events: ["message", "ready"],
    });
  });

  test("absent keys leave fields as they are; url:null and events:[] reset them", async () => {
    await call(sb, token, "PUT", `/instances/${id}`, {
      name: "support",
      webhook: { url: "https://hooks.example.com/a", events: ["qr"] },
    });
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: { events: ["message"] } });
    expect(sb.instances()[0]).toMatchObject({ name: "support", webhook_url: "https://hooks.example.com/a" });
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: {} });
    expect(sb.instances()[0]).toMatchObject({
      webhook_url: "https://hooks.example.com/a",
      webhook_events: ["message"],
    });
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: { url: null } });
    expect(sb.instances()[0]).toMatchObject({
      name: "support",
      webhook_url: null,
      webhook_events: ["message"],
    });
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: { events: [] } });
    expect(sb.instances()[0]).toMatchObject({ name: "support", webhook_url: null, webhook_events: [] });
  });

  test("Laravel's input middleware: strings are trimmed, and an empty url clears like null", async () => {
    await call(sb, token, "PUT", `/instances/${id}`, {
      name: "  padded  ",
      webhook: { url: "https://a.example/x" },
    });
    expect(sb.instances()[0]?.name).toBe("padded");
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: { url: "" } });
    expect(sb.instances()[0]?.webhook_url).toBeNull();
  });

  test("a repeated event is stored once (a subscription is a set)", async () => {
    await call(sb, token, "PUT", `/instances/${id}`, { webhook: { events: ["qr", "message", "qr"] } });
    expect(sb.instances()[0]?.webhook_events).toEqual(["qr", "message"]);
  });

  test("an empty body changes nothing", async () => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, undefined, {
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(200);
    expect(sb.instances()[0]?.name).toBe(`Instance ${id}`);
  });

  const invalid: { title: string; body: unknown; errors: Record<string, string[]> }[] = [
    {
      title: "url not a URL",
      body: { webhook: { url: "not a url" } },
      errors: { "webhook.url": ["The webhook.url field must be a valid URL."] },
    },
    {
      title: "url not http(s)",
      body: { webhook: { url: "ftp://files.example.com/x" } },
      errors: { "webhook.url": ["The webhook.url field must be a valid URL."] },
    },
    {
      title: "url relative",
      body: { webhook: { url: "/hook" } },
      errors: { "webhook.url": ["The webhook.url field must be a valid URL."] },
    },
    {
      title: "url a number",
      body: { webhook: { url: 5 } },
      errors: { "webhook.url": ["The webhook.url field must be a valid URL."] },
    },
    { title: "name empty", body: { name: "   " }, errors: { name: ["The name field is required."] } },
    { title: "name null", body: { name: null }, errors: { name: ["The name field is required."] } },
    { title: "name not a string", body: { name: 7 }, errors: { name: ["The name field must be a string."] } },
    {
      title: "name too long",
      body: { name: "x".repeat(256) },
      errors: { name: ["The name field must not be greater than 255 characters."] },
    },
    {
      title: "webhook not an object",
      body: { webhook: "https://a.example" },
      errors: { webhook: ["The webhook field must be an array."] },
    },
    {
      title: "events not an array",
      body: { webhook: { events: "qr" } },
      errors: { "webhook.events": ["The webhook.events field must be an array."] },
    },
    {
      title: "events null",
      body: { webhook: { events: null } },
      errors: { "webhook.events": ["The webhook.events field must be an array."] },
    },
    {
      title: "unknown event",
      body: { webhook: { events: ["qr", "QR", 3] } },
      errors: {
        "webhook.events.1": ["The selected webhook.events.1 is invalid."],
        "webhook.events.2": ["The selected webhook.events.2 is invalid."],
      },
    },
  ];

  test.each(invalid)("422 for $title, and nothing changes", async ({ body, errors }) => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, body);
    expect(res.status).toBe(422);
    const first = Object.values(errors)[0]?.[0];
    const count = Object.values(errors).flat().length;
    const suffix = count === 1 ? "" : ` (and ${count - 1} more ${count === 2 ? "error" : "errors"})`;
    expect(res.json).toEqual({ message: `${first}${suffix}`, errors });
    expect(sb.instances()[0]).toMatchObject({
      name: `Instance ${id}`,
      webhook_url: null,
      webhook_events: [],
    });
  });

  test("255 characters (not bytes) is a valid name", async () => {
    const name = "é".repeat(255);
    expect((await call(sb, token, "PUT", `/instances/${id}`, { name })).status).toBe(200);
  });

  test("several errors: the first one's message plus '(and N more errors)', errors in field order", async () => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, {
      name: 1,
      webhook: { url: "nope", events: ["bogus"] },
    });
    expect(res.json).toEqual({
      message: "The name field must be a string. (and 2 more errors)",
      errors: {
        name: ["The name field must be a string."],
        "webhook.url": ["The webhook.url field must be a valid URL."],
        "webhook.events.0": ["The selected webhook.events.0 is invalid."],
      },
    });
    expect(sb.instances()[0]?.webhook_url).toBeNull();
  });

  test.each([
    ["a JSON array", "[]"],
    ["a JSON string", '"name"'],
    ["invalid JSON", "{name:"],
  ])("a body that is %s: 422", async (_title, raw) => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, raw);
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      message: "The request body must be a JSON object.",
      errors: { body: ["The request body must be a JSON object."] },
    });
  });

  test("a body over Fastify's 1 MiB limit: 413 in Laravel's shape, and logged", async () => {
    const res = await call(
      sb,
      token,
      "PUT",
      `/instances/${id}`,
      JSON.stringify({ name: "x".repeat(1_100_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ message: "Payload Too Large" });
    expect(sb.requests().at(-1)).toMatchObject({ method: "PUT", status: 413, body: null });
  });

  test("a body without a JSON content type is not read, as in Laravel: a silent no-op", async () => {
    const res = await call(sb, token, "PUT", `/instances/${id}`, JSON.stringify({ name: "x" }), {
      "Content-Type": "text/plain",
    });
    expect(res.status).toBe(200);
    expect(sb.instances()[0]?.name).toBe(`Instance ${id}`);
  });
});

describe("request log", () => {
  test("records method, path with query, parsed body, status and the token's label", async () => {
    sb.clearRequests();
    const named = sb.createToken(undefined, { name: "ci" });
    const id = await create(named);
    await call(sb, named, "PUT", `/instances/${id}`, { name: "n" });
    await call(sb, named, "GET", "/instances?filter=n");
    await call(sb, undefined, "GET", "/instances");
    const log = sb.requests();
    expect(log.map(({ at: _at, ...rest }) => rest)).toEqual([
      { method: "POST", path: "/api/v1/instances", body: null, status: 200, tokenName: "ci" },
      { method: "PUT", path: `/api/v1/instances/${id}`, body: { name: "n" }, status: 200, tokenName: "ci" },
      { method: "GET", path: "/api/v1/instances?filter=n", body: null, status: 200, tokenName: "ci" },
      { method: "GET", path: "/api/v1/instances", body: null, status: 401, tokenName: null },
    ]);
    for (const entry of log) expect(Date.parse(entry.at)).not.toBeNaN();
    sb.clearRequests();
    expect(sb.requests()).toEqual([]);
  });

  test("never contains a token value, valid or not, nor other headers", async () => {
    const secret = token.split("|")[1] ?? token;
    await create();
    await call(sb, "1|wrong-token-value-123", "GET", "/instances");
    await call(sb, token, "PUT", "/instances/1", { name: "x" }, { "X-Api-Token": token });
    const text = JSON.stringify(sb.requests());
    expect(text).not.toContain(secret);
    expect(text).not.toContain("wrong-token-value-123");
  });
});
