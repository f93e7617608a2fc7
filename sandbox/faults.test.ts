/** Injected faults over real HTTP: each kind, matching, `times`, FIFO order and the request log. */
import { setTimeout as sleep } from "node:timers/promises";
import { FaultQueue, faultMatches, parseFault } from "./faults";
import { useSandbox } from "../tests/support/sandbox";
import { startSandbox } from "./index";

const sb = useSandbox();
let token: string;
beforeEach(() => {
  token = sb.token;
});

async function createInstance(): Promise<number> {
  const res = await request("POST", "/instances");
  return ((await res.json()) as { instance: { id: number } }).instance.id;
}

function request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sb.baseUrl}${path}`, {
    method,
    ...init,
    headers: {
      Accept: "application/json",
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
    },
  });
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(10);
  }
}

describe("respond", () => {
  test("429 with Laravel's message and a Retry-After header; the operation is not performed", async () => {
    sb.injectFault({ match: "POST /instances", kind: "respond", status: 429 });
    const res = await request("POST", "/instances");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ message: "Too Many Attempts." });
    expect(sb.instances()).toEqual([]);
    // Used up: the next call goes through.
    expect((await request("POST", "/instances")).status).toBe(200);
    expect(sb.instances()).toHaveLength(1);
  });

  test("times: the fault answers that many matching requests", async () => {
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 503, times: 2 });
    expect(sb.pendingFaults()).toEqual([expect.objectContaining({ kind: "respond", times: 2 })]);
    expect((await request("GET", "/instances")).status).toBe(503);
    expect(sb.pendingFaults()).toEqual([expect.objectContaining({ times: 1 })]);
    const second = await request("GET", "/instances");
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ message: "Service Unavailable" });
    expect((await request("GET", "/instances")).status).toBe(200);
    expect(sb.pendingFaults()).toEqual([]);
  });

  test("custom body and headers; a string body is sent as is; null means no body", async () => {
    sb.injectFault({
      match: "GET /instances",
      kind: "respond",
      status: 502,
      body: "<html>Bad Gateway</html>",
      headers: { "Content-Type": "text/html" },
    });
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 500, body: null });
    sb.injectFault({
      match: "GET /instances",
      kind: "respond",
      status: 429,
      body: { message: "slow down" },
      headers: { "Retry-After": "7" },
    });
    const html = await request("GET", "/instances");
    expect([html.status, html.headers.get("content-type"), await html.text()]).toEqual([
      502,
      "text/html",
      "<html>Bad Gateway</html>",
    ]);
    const empty = await request("GET", "/instances");
    expect([empty.status, await empty.text()]).toEqual([500, ""]);
    const custom = await request("GET", "/instances");
    expect([custom.status, custom.headers.get("retry-after"), await custom.json()]).toEqual([
      429,
      "7",
      { message: "slow down" },
    ]);
  });

  test("a fake 422 can be injected on an update", async () => {
    const id = await createInstance();
    const errors = { "webhook.url": ["The webhook.url field must be a valid URL."] };
    sb.injectFault({
      match: "PUT /instances/:id",
      kind: "respond",
      status: 422,
      body: { message: errors["webhook.url"][0], errors },
    });
    const res = await request("PUT", `/instances/${id}`, { body: JSON.stringify({ name: "x" }) });
    expect(res.status).toBe(422);
    expect(sb.instances()[0]?.name).toBe(`Instance ${id}`);
  });
});

describe("afterActing and rate", () => {
  test("afterActing: the operation is performed, then the fault's answer replaces its own", async () => {
    sb.injectFault({ match: "POST /instances", kind: "respond", status: 502, afterActing: true });
    const res = await request("POST", "/instances");
    expect(res.status).toBe(502);
    expect(sb.instances()).toHaveLength(1);
    expect(sb.requests()[0]).toMatchObject({ status: 502, fault: "respond" });
  });

  test("rate: a seeded share of the matching requests, the same share on every run", async () => {
    const statuses = async () => {
      sb.reset();
      token = sb.createToken();
      sb.injectFault({ match: "GET /instances", kind: "respond", status: 503, rate: 0.3, seed: 7 });
      const seen: number[] = [];
      for (let i = 0; i < 40; i++) seen.push((await request("GET", "/instances")).status);
      return seen;
    };
    const first = await statuses();
    const failed = first.filter((status) => status === 503).length;
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(24);
    expect(first.every((status) => status === 503 || status === 200)).toBe(true);
    expect(await statuses()).toEqual(first);
    expect(sb.pendingFaults()).toEqual([expect.objectContaining({ rate: 0.3 })]); // no use limit
  });

  test("rate and afterActing are checked", () => {
    expect(() => parseFault({ match: "/instances", kind: "respond", status: 500, rate: 1.5 })).toThrow(
      /rate/,
    );
    expect(() => parseFault({ match: "/x", kind: "respond", status: 500, afterActing: "yes" })).toThrow(
      /afterActing/,
    );
  });
});

describe("matching", () => {
  test("method and :param patterns, exact paths, '*' methods and the optional /api/v1 prefix", async () => {
    const id = await createInstance();
    sb.injectFault({ match: "PUT /instances/:id", kind: "respond", status: 500 });
    expect((await request("GET", `/instances/${id}`)).status).toBe(200);
    expect((await request("PUT", `/instances/${id}`, { body: "{}" })).status).toBe(500);

    sb.injectFault({ match: `/instances/${id + 1}`, kind: "respond", status: 500 });
    expect((await request("GET", `/instances/${id}`)).status).toBe(200);
    sb.clearFaults();

    sb.injectFault({ match: `/api/v1/instances/${id}`, kind: "respond", status: 501 });
    expect((await request("DELETE", `/instances/${id}`)).status).toBe(501);
    sb.injectFault({ match: "* /instances/*/client/status", kind: "respond", status: 502 });
    expect((await request("GET", `/instances/${id}/client/status`)).status).toBe(502);
    // The query string is not part of the match.
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 503 });
    expect((await request("GET", "/instances?filter=x")).status).toBe(503);
  });

  test("tokenName: only the named token's requests are struck, another token of the account passes", async () => {
    const staging = sb.createToken(undefined, { name: "staging" });
    const production = sb.createToken(undefined, { name: "production" });
    sb.injectFault({
      match: "POST /instances",
      kind: "respond",
      status: 502,
      afterActing: true,
      tokenName: "staging",
    });
    token = production;
    expect((await request("POST", "/instances")).status).toBe(200);
    token = staging;
    expect((await request("POST", "/instances")).status).toBe(502);
    expect(sb.pendingFaults()).toEqual([]);
    expect(sb.requests().map((entry) => [entry.tokenName, entry.status, entry.fault])).toEqual([
      ["production", 200, undefined],
      ["staging", 502, "respond"],
    ]);
    expect(() => parseFault({ match: "/instances", kind: "reset", tokenName: "" })).toThrow(/tokenName/);
  });

  test("faultMatches: the test of a logged request against a fault's match", () => {
    expect(faultMatches("PUT /instances/:id", "put", "/api/v1/instances/7?x=1")).toBe(true);
    expect(faultMatches("GET /instances", "GET", "/api/v1/instances/7")).toBe(false);
    expect(faultMatches("/instances", "DELETE", "/api/v1/instances")).toBe(true);
  });

  test("faults are used first-in, first-out", async () => {
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 500 });
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 503 });
    expect((await request("GET", "/instances")).status).toBe(500);
    expect((await request("GET", "/instances")).status).toBe(503);
  });

  test("clearFaults drops all pending faults", async () => {
    sb.injectFault({ match: "GET /instances", kind: "respond", status: 500, times: 5 });
    sb.clearFaults();
    expect((await request("GET", "/instances")).status).toBe(200);
  });

  test("malformed faults are refused with a reason", () => {
    expect(() => sb.injectFault({ match: "instances", kind: "respond", status: 500 })).toThrow(
      /must start with/,
    );
    expect(() => sb.injectFault({ match: "FETCH /instances", kind: "respond", status: 500 })).toThrow(
      /method/,
    );
    expect(() => sb.injectFault({ match: "/instances", kind: "respond", status: 42 })).toThrow(/status/);
    expect(() => sb.injectFault({ match: "/instances", kind: "reset", times: 0 })).toThrow(/times/);
    expect(() => parseFault({ match: "/instances", kind: "explode" })).toThrow(/kind/);
    expect(() => parseFault({ match: "/instances", kind: "act-then-delay" })).toThrow(/delayMs/);
    expect(() => parseFault({ match: "/instances", kind: "hold", afterActing: "yes" })).toThrow(
      /afterActing/,
    );
  });

  test("the queue unit: pending shows what is left", () => {
    const queue = new FaultQueue();
    queue.add({ match: "/instances", kind: "reset", times: 2 });
    expect(queue.take("GET", "/api/v1/instances/1")).toBeUndefined();
    expect(queue.take("GET", "/api/v1/instances")?.fault.kind).toBe("reset");
    expect(queue.pending()).toEqual([{ match: "/instances", kind: "reset", times: 1 }]);
  });
});

describe("timing and connection faults", () => {
  test("act-then-delay: the server acts, then the client times out before the answer", async () => {
    sb.injectFault({ match: "POST /instances", kind: "act-then-delay", delayMs: 1000 });
    await expect(request("POST", "/instances", { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    // On a loaded machine the request may reach the server only after the client gave up.
    await waitFor(() => sb.instances().length === 1);
    expect(sb.instances()).toHaveLength(1);
    expect(sb.requests().at(-1)).toMatchObject({ method: "POST", status: 200, fault: "act-then-delay" });
  });

  test("act-then-delay: a patient client gets the real answer late", async () => {
    sb.injectFault({ match: "GET /instances", kind: "act-then-delay", delayMs: 150 });
    const started = Date.now();
    const res = await request("GET", "/instances");
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test("delay-then-act: the client times out first, the server acts afterwards", async () => {
    sb.injectFault({ match: "POST /instances", kind: "delay-then-act", delayMs: 300 });
    await expect(request("POST", "/instances", { signal: AbortSignal.timeout(80) })).rejects.toThrow();
    expect(sb.instances()).toHaveLength(0);
    await waitFor(() => sb.instances().length === 1);
  });

  test("reset before acting: a network error and nothing done", async () => {
    sb.injectFault({ match: "POST /instances", kind: "reset" });
    await expect(request("POST", "/instances")).rejects.toThrow(/fetch failed/);
    expect(sb.instances()).toHaveLength(0);
    expect(sb.requests().at(-1)).toMatchObject({ status: null, tokenName: null, fault: "reset" });
  });

  test("reset after acting: a network error, but the instance exists", async () => {
    sb.injectFault({ match: "POST /instances", kind: "reset", resetAfterActing: true });
    await expect(request("POST", "/instances")).rejects.toThrow(/fetch failed/);
    expect(sb.instances()).toHaveLength(1);
    expect(sb.requests().at(-1)).toMatchObject({
      status: null,
      tokenName: expect.any(String),
      fault: "reset",
    });
    // The server is fine afterwards.
    expect((await request("GET", "/instances")).status).toBe(200);
  });

  test("hold: never answered and never applied, even after the client has gone", async () => {
    const id = await createInstance();
    sb.injectFault({ match: "PUT /instances/:id", kind: "hold" });
    const client = new AbortController();
    const held = request("PUT", `/instances/${id}`, {
      body: JSON.stringify({ name: "Held" }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => sb.requests().some((entry) => entry.fault === "hold"));
    await sleep(200); // held: no answer comes
    client.abort(); // the client goes away, as a killed process does
    expect(String(await held)).toMatch(/abort/i);
    await sleep(100);
    expect(sb.instances()).toEqual([expect.objectContaining({ id, name: `Instance ${id}` })]);
    expect(sb.requests().at(-1)).toMatchObject({ method: "PUT", status: null, fault: "hold" });
  });

  test("hold afterActing: applied, then its answer held until the client goes away", async () => {
    const id = await createInstance();
    sb.injectFault({ match: "PUT /instances/:id", kind: "hold", afterActing: true });
    const client = new AbortController();
    const held = request("PUT", `/instances/${id}`, {
      body: JSON.stringify({ name: "Applied" }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => sb.requests().some((entry) => entry.fault === "hold"));
    expect(sb.instances()).toEqual([expect.objectContaining({ id, name: "Applied" })]);
    expect(sb.requests().at(-1)).toMatchObject({ method: "PUT", status: 200, fault: "hold" });
    client.abort();
    expect(String(await held)).toMatch(/abort/i);
    // The server is fine afterwards.
    expect((await request("GET", "/instances")).status).toBe(200);
  });

  test("hold: close() does not wait for a held request", async () => {
    const own = await startSandbox();
    const t = own.createToken();
    own.injectFault({ match: "GET /instances", kind: "hold" });
    const pending = fetch(`${own.baseUrl}/instances`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${t}` },
    }).catch((error: unknown) => error);
    await waitFor(() => own.requests().length === 1);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(String(await pending)).toMatch(/fetch failed/);
  });

  test("close() does not wait for an injected delay", async () => {
    const own = await startSandbox();
    const t = own.createToken();
    own.injectFault({ match: "GET /instances", kind: "act-then-delay", delayMs: 20_000 });
    const pending = fetch(`${own.baseUrl}/instances`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${t}` },
    }).catch((error: unknown) => error);
    await waitFor(() => own.requests().length === 1);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    // A network error (checked by text: errors from fetch belong to another realm under jest).
    expect(String(await pending)).toMatch(/fetch failed/);
  });
});

describe("waitFor: a request held until another has been answered", () => {
  function as(name: string, method: string, path: string): Promise<Response> {
    token = sb.createToken(undefined, { name });
    return request(method, path);
  }

  test("held until the other token's POST is answered, then acted on: its list shows that instance", async () => {
    sb.injectFault({
      match: "GET /instances",
      kind: "delay-then-act",
      delayMs: 0,
      tokenName: "staging",
      waitFor: { match: "POST /instances", tokenName: "production", maxMs: 10_000 },
    });
    const list = as("staging", "GET", "/instances");
    await waitFor(() => sb.pendingFaults().length === 0);
    await sleep(200);
    // A POST by another token does not release it; nor does the held request answer meanwhile.
    expect((await as("other", "POST", "/instances")).status).toBe(200);
    const early = await Promise.race([list.then(() => "answered"), sleep(200).then(() => "held")]);
    expect(early).toBe("held");
    const made = await as("production", "POST", "/instances");
    const listed = (await (await list).json()) as { instances: { id: number }[] };
    const { instance } = (await made.json()) as { instance: { id: number } };
    expect(listed.instances.map((i) => i.id)).toContain(instance.id);
    expect(sb.requests().map((entry) => [entry.tokenName, entry.method, entry.waited])).toEqual([
      ["other", "POST", undefined],
      ["production", "POST", undefined],
      ["staging", "GET", "met"],
    ]);
  });

  test("an answer since the fault was added releases at once; one before it does not count", async () => {
    expect((await as("production", "POST", "/instances")).status).toBe(200);
    const wait = { match: "POST /instances", tokenName: "production", maxMs: 300 };
    sb.injectFault({ match: "GET /instances", kind: "delay-then-act", delayMs: 0, waitFor: wait });
    const started = Date.now();
    expect((await as("staging", "GET", "/instances")).status).toBe(200); // after the bound: goes on
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sb.requests().at(-1)).toMatchObject({ method: "GET", status: 200, waited: "timed out" });

    sb.injectFault({ match: "GET /instances", kind: "delay-then-act", delayMs: 0, waitFor: wait });
    expect((await as("production", "POST", "/instances")).status).toBe(200);
    expect((await as("staging", "GET", "/instances")).status).toBe(200);
    expect(sb.requests().at(-1)).toMatchObject({ method: "GET", waited: "met" });
  });

  test("the fault applies after the wait: a POST acted on once the other token has listed, answered 502", async () => {
    sb.injectFault({
      match: "POST /instances",
      kind: "respond",
      status: 502,
      afterActing: true,
      tokenName: "staging",
      waitFor: { match: "GET /instances", tokenName: "production", maxMs: 10_000 },
    });
    const post = as("staging", "POST", "/instances");
    await waitFor(() => sb.pendingFaults().length === 0);
    await sleep(200);
    // The production list was answered before the held POST acted: it shows no instance.
    const listed = (await (await as("production", "GET", "/instances")).json()) as { instances: unknown[] };
    expect(listed.instances).toEqual([]);
    expect((await post).status).toBe(502);
    expect(sb.instances()).toHaveLength(1);
    expect(sb.requests().at(-1)).toMatchObject({ tokenName: "staging", fault: "respond", waited: "met" });
  });

  test("close() does not wait for a waiting request; a wait needs a bound and a valid match", async () => {
    const own = await startSandbox();
    const t = own.createToken();
    own.injectFault({
      match: "GET /instances",
      kind: "delay-then-act",
      delayMs: 0,
      waitFor: { match: "POST /instances", maxMs: 60_000 },
    });
    const pending = fetch(`${own.baseUrl}/instances`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${t}` },
    }).catch((error: unknown) => error);
    await waitFor(() => own.pendingFaults().length === 0);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(String(await pending)).toMatch(/fetch failed/);

    const base = { match: "/instances", kind: "reset" };
    expect(() => parseFault({ ...base, waitFor: { match: "POST /instances" } })).toThrow(/maxMs.*bound/);
    expect(() => parseFault({ ...base, waitFor: { match: "instances", maxMs: 10 } })).toThrow(
      /must start with/,
    );
    expect(() => parseFault({ ...base, waitFor: "POST /instances" })).toThrow(/waitFor must be an object/);
    expect(() => parseFault({ ...base, waitFor: { match: "/x", maxMs: 10, tokenName: "" } })).toThrow(
      /waitFor.tokenName/,
    );
    expect(parseFault({ ...base, waitFor: { match: "/x", maxMs: 10, tokenName: "p" } })).toEqual({
      ...base,
      waitFor: { match: "/x", maxMs: 10, tokenName: "p" },
    });
  });
});
