/**
 * The client against small real HTTP servers on 127.0.0.1 (no HTTP mocking), with an injected
 * sleep that records the retry delays instead of waiting them out.
 */
import got from "got";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import {
  WaapiAuthenticationError,
  WaapiClient,
  WaapiError,
  WaapiHttpError,
  WaapiNetworkError,
  WaapiNotFoundError,
  WaapiPermissionError,
  WaapiRateLimitError,
  WaapiResponseError,
  WaapiServerError,
  WaapiValidationError,
  type RetryEvent,
  type WaapiClientOptions,
} from "./index";

const TOKEN = "wa-test-token-5f2c8e1d9b7a4c3e";

const INSTANCE = {
  id: 42,
  name: "support line",
  owner: "owner@example.com",
  webhook_url: "https://hooks.example.com/waapi",
  webhook_events: ["message", "ready"],
  is_trial: false,
};

// ---------------------------------------------------------------------------------------------
// A scriptable server: the n-th request gets the n-th handler (the last one repeats).

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

interface TestServer {
  baseUrl: string;
  seen: Seen[];
}

const servers: { close: () => Promise<void> }[] = [];

async function startServer(...handlers: Handler[]): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const record: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const handler = handlers[Math.min(seen.length, handlers.length - 1)];
      seen.push(record);
      handler?.(req, res, record);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/v1`, seen };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

const noContent: Handler = (_req, res) => {
  res.writeHead(204);
  res.end();
};

/** Drops the connection without answering: the client sees ECONNRESET ("socket hang up"). */
const reset: Handler = (req) => {
  req.socket.destroy();
};

/** Never answers; the client's timeout has to fire. */
const hang: Handler = () => {};

// ---------------------------------------------------------------------------------------------
// The client under test, with recorded delays.

interface Harness {
  client: WaapiClient;
  delays: number[];
  events: RetryEvent[];
}

function makeClient(baseUrl: string, options: Partial<WaapiClientOptions> = {}): Harness {
  const delays: number[] = [];
  const events: RetryEvent[] = [];
  const client = new WaapiClient({
    apiToken: TOKEN,
    baseUrl,
    timeoutMs: 2000,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    onRetry: (event) => events.push(event),
    ...options,
  });
  return { client, delays, events };
}

/** The four ways an error ends up in a log or a Pulumi diagnostic. */
function renderings(error: unknown): string[] {
  return [
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    String(error),
    error instanceof Error ? (error.stack ?? "") : "",
  ];
}

function expectNoToken(error: unknown): void {
  for (const text of renderings(error)) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(0, 12));
  }
}

/** Awaits the rejection, checks its class and that the token appears in none of its renderings. */
async function rejection<E extends WaapiError>(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => E,
): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(errorClass);
  expect(caught).toBeInstanceOf(WaapiError);
  expectNoToken(caught);
  return caught as E;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/v1`;
}

// ---------------------------------------------------------------------------------------------

describe("requests", () => {
  it("sends the token, JSON Accept and Content-Type, and the user agent", async () => {
    const server = await startServer(json(200, { instances: [INSTANCE], status: "success" }));
    const { client } = makeClient(server.baseUrl, { userAgent: "test-agent/1" });
    await expect(client.listInstances()).resolves.toEqual([INSTANCE]);
    expect(server.seen).toHaveLength(1);
    const [request] = server.seen;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe("/api/v1/instances");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["user-agent"]).toBe("test-agent/1");
  });

  it("passes the list filter as a query parameter and tolerates a trailing slash in baseUrl", async () => {
    const server = await startServer(json(200, { instances: [], status: "success" }));
    const { client } = makeClient(`${server.baseUrl}/`);
    await expect(client.listInstances("support line")).resolves.toEqual([]);
    expect(server.seen[0]?.url).toBe("/api/v1/instances?filter=support+line");
  });

  it("creates with a POST that has no body but still the JSON headers", async () => {
    const server = await startServer(json(200, { instance: INSTANCE, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.createInstance()).resolves.toEqual(INSTANCE);
    const [request] = server.seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/api/v1/instances");
    expect(request?.body).toBe("");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["content-type"]).toBe("application/json");
  });

  it('retrieves an instance answered as the documented {"instances":[x]}', async () => {
    const server = await startServer(json(200, { instances: [INSTANCE], status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.getInstance(42)).resolves.toEqual(INSTANCE);
    expect(server.seen[0]?.url).toBe("/api/v1/instances/42");
  });

  it('retrieves an instance answered as {"instance":x}, by string id too', async () => {
    const server = await startServer(json(200, { instance: INSTANCE, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.getInstance("42")).resolves.toEqual(INSTANCE);
  });

  it("reads Laravel's loose encodings: is_trial 0/1 and webhook_events null", async () => {
    const loose = { ...INSTANCE, is_trial: 1, webhook_events: null, webhook_url: null };
    const server = await startServer(json(200, { instance: loose, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.getInstance(42)).resolves.toEqual({
      ...INSTANCE,
      is_trial: true,
      webhook_events: [],
      webhook_url: null,
    });
  });

  it("updates with a JSON body and returns the response's data", async () => {
    const data = {
      status: "success",
      instanceId: "42",
      name: "renamed",
      instanceStatus: "ready",
      instanceWebhook: null,
      instanceEvents: [],
    };
    const server = await startServer(
      json(200, { data, links: { self: "https://waapi.app/api/v1/instances/42" }, status: "success" }),
    );
    const { client } = makeClient(server.baseUrl);
    const body = { name: "renamed", webhook: { url: null, events: [] } };
    await expect(client.updateInstance(42, body)).resolves.toEqual(data);
    const [request] = server.seen;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/api/v1/instances/42");
    expect(JSON.parse(request?.body ?? "")).toEqual(body);
    expect(request?.headers["content-type"]).toBe("application/json");
  });

  it("hands out the update's instanceId as the documented string even when the server sends a number", async () => {
    const data = {
      status: "success",
      instanceId: 42,
      name: "n",
      instanceStatus: "qr",
      instanceWebhook: "https://x.example",
      instanceEvents: ["qr"],
    };
    const server = await startServer(json(200, { data, links: { self: "" }, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.updateInstance(42, { name: "n" })).resolves.toMatchObject({ instanceId: "42" });
  });

  it("deletes with a DELETE answered 204", async () => {
    const server = await startServer(noContent);
    const { client } = makeClient(server.baseUrl);
    await expect(client.deleteInstance(42)).resolves.toBeUndefined();
    expect(server.seen[0]?.method).toBe("DELETE");
    expect(server.seen[0]?.url).toBe("/api/v1/instances/42");
  });

  it("refuses ids that are not positive integers (rules.ts) before sending anything", async () => {
    const server = await startServer(noContent);
    const { client } = makeClient(server.baseUrl);
    await expect(client.getInstance("../users")).rejects.toThrow(TypeError);
    await expect(client.deleteInstance(-1)).rejects.toThrow(/positive integer/);
    await expect(client.getInstance(0)).rejects.toThrow(/positive integer, got 0/);
    await expect(client.getInstance("0")).rejects.toThrow(TypeError);
    await expect(client.updateInstance(1.5, {})).rejects.toThrow(TypeError);
    expect(server.seen).toHaveLength(0);
  });
});

describe("every answer shape the contract or the API documentation allows", () => {
  const links = { self: "https://waapi.app/api/v1/instances/42" };
  const updated = {
    status: "success",
    instanceId: "42",
    name: "renamed",
    instanceStatus: "ready",
    instanceWebhook: "https://hooks.example.com/waapi",
  };

  /** [which shape, the PUT answer's data, the events the client must hand out] */
  const updateShapes: [string, Record<string, unknown>, string[]][] = [
    [
      "the documentation's flat instanceEvents",
      { ...updated, instanceEvents: ["message", "qr"] },
      ["message", "qr"],
    ],
    [
      "the contract's list-of-lists instanceEvents",
      { ...updated, instanceEvents: [["message", "qr"]] },
      ["message", "qr"],
    ],
    [
      "the contract's list-of-lists, one list per event",
      { ...updated, instanceEvents: [["message"], ["qr"], []] },
      ["message", "qr"],
    ],
    ["no events: an empty list", { ...updated, instanceEvents: [] }, []],
    ["no events: null (Laravel's unset JSON column)", { ...updated, instanceEvents: null }, []],
    ["the contract's example: a numeric instanceId", { ...updated, instanceId: 42, instanceEvents: [] }, []],
    ["the contract's extra `data` object (example null)", { ...updated, data: null, instanceEvents: [] }, []],
    ["a reset webhook: instanceWebhook null", { ...updated, instanceWebhook: null, instanceEvents: [] }, []],
  ];

  it.each(updateShapes)("update: %s", async (_shape, data, events) => {
    const server = await startServer(json(200, { data, links, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    await expect(client.updateInstance(42, { name: "renamed" })).resolves.toEqual({
      status: "success",
      instanceId: "42",
      name: "renamed",
      instanceStatus: "ready",
      instanceWebhook: data["instanceWebhook"],
      instanceEvents: events,
    });
  });

  /** [which shape, the instance as sent, as the client must hand it out] */
  const instanceShapes: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["as documented", INSTANCE, INSTANCE],
    ["the contract's example is_trial 0", { ...INSTANCE, is_trial: 0 }, { ...INSTANCE, is_trial: false }],
    ["is_trial 1", { ...INSTANCE, is_trial: 1 }, { ...INSTANCE, is_trial: true }],
    ["no webhook: webhook_url null", { ...INSTANCE, webhook_url: null }, { ...INSTANCE, webhook_url: null }],
    [
      "no events: webhook_events null",
      { ...INSTANCE, webhook_events: null },
      { ...INSTANCE, webhook_events: [] },
    ],
  ];

  it.each(instanceShapes)(
    "create, retrieve (both shapes) and list: an instance %s",
    async (_shape, sent, read) => {
      const server = await startServer(
        json(200, { instance: sent, status: "success" }),
        json(200, { instances: [sent], status: "success" }),
        json(200, { instance: sent, status: "success" }),
        json(200, { instances: [sent], status: "success" }),
      );
      const { client } = makeClient(server.baseUrl);
      await expect(client.createInstance()).resolves.toEqual(read);
      await expect(client.getInstance(42)).resolves.toEqual(read);
      await expect(client.getInstance(42)).resolves.toEqual(read);
      await expect(client.listInstances()).resolves.toEqual([read]);
    },
  );

  it("a PUT answered 2xx with a body it cannot read reports that the server accepted it", async () => {
    const server = await startServer(json(200, { data: { ...updated, instanceEvents: "message" }, links }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.updateInstance(42, { name: "renamed" }), WaapiResponseError);
    expect(error.accepted).toBe(true);
    expect(error.message).toContain("data.instanceEvents should be a list of strings");
  });

  it("an unreadable answer with another status is not counted as accepted", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(418, { "content-type": "text/html" });
      res.end("<html>teapot</html>");
    });
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.updateInstance(42, { name: "renamed" }), WaapiResponseError);
    expect(error.accepted).toBe(false);
  });
});

describe("unexpected answers", () => {
  it("rejects an instance without a numeric id, naming the operation and the field", async () => {
    const server = await startServer(json(200, { instance: { ...INSTANCE, id: "42" }, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.getInstance(42), WaapiResponseError);
    expect(error.code).toBe("ERR_WAAPI_UNEXPECTED_RESPONSE");
    expect(error.operation).toBe("getInstance");
    expect(error.message).toContain("getInstance (GET /instances/42)");
    expect(error.message).toContain("instance.id should be a non-negative safe integer");
  });

  it("rejects an id beyond 2^53, which JSON.parse has already rounded", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"instances":[${JSON.stringify(INSTANCE).replace('"id":42', '"id":9007199254740993')}]}`);
    });
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.listInstances(), WaapiResponseError);
    expect(error.message).toContain("instances[0].id");
  });

  it("rejects a retrieve that answers with another instance", async () => {
    const server = await startServer(json(200, { instance: { ...INSTANCE, id: 43 }, status: "success" }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.getInstance(42), WaapiResponseError);
    expect(error.message).toContain("asked for instance 42 but got instance 43");
  });

  it('rejects a 200 that says "status":"error"', async () => {
    const server = await startServer(json(200, { status: "error", message: "instance is busy" }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.createInstance(), WaapiResponseError);
    expect(error.message).toContain("instance is busy");
    // A create whose answer cannot be read may still have made an instance.
    expect(error.message).toContain("The instance has probably been created");
  });

  it("turns an HTML page into a clear error instead of a JSON parse failure", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=UTF-8" });
      res.end("<!DOCTYPE html>\n<html><head><title>Login - WaAPI</title></head><body>…</body></html>");
    });
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.listInstances(), WaapiResponseError);
    expect(error.statusCode).toBe(200);
    expect(error.message).toContain("listInstances (GET /instances)");
    expect(error.message).toContain("not JSON");
    expect(error.message).toContain("text/html");
    expect(error.message).toContain("login page");
  });

  it("reports Laravel's redirect to the login page instead of following it", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: "http://127.0.0.1/login?next=secret-ish", "content-type": "text/html" });
      res.end("<html>Redirecting…</html>");
    });
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.getInstance(42), WaapiResponseError);
    expect(server.seen).toHaveLength(1);
    expect(error.statusCode).toBe(302);
    expect(error.message).toContain("redirected to http://127.0.0.1/login instead of answering");
    expect(error.message).not.toContain("next=");
  });
});

describe("HTTP errors", () => {
  it("401 → WaapiAuthenticationError telling how to set a new token, not retried", async () => {
    const server = await startServer(json(401, { message: "Unauthenticated." }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.listInstances(), WaapiAuthenticationError);
    expect(server.seen).toHaveLength(1);
    expect(error).toMatchObject({
      name: "WaapiAuthenticationError",
      code: "ERR_WAAPI_UNAUTHORIZED",
      operation: "listInstances",
      method: "GET",
      path: "/instances",
      statusCode: 401,
      serverMessage: "Unauthenticated.",
      attempts: 1,
    });
    expect(error.message).toContain("invalid or has been deleted");
    expect(error.message).toContain('"User API Tokens"');
    expect(error.message).not.toMatch(/pulumi/i); // the client knows HTTP, not Pulumi
  });

  it("403 → WaapiPermissionError naming the permission and quoting the server", async () => {
    const server = await startServer(json(403, { message: "You have reached your instance limit." }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.createInstance(), WaapiPermissionError);
    expect(error.code).toBe("ERR_WAAPI_FORBIDDEN");
    expect(error.permission).toBe("create");
    expect(error.serverMessage).toBe("You have reached your instance limit.");
    expect(error.message).toContain('"create" permission');
    expect(error.message).toContain("You have reached your instance limit.");
    expect(server.seen).toHaveLength(1);
  });

  it("403 on update names the update permission", async () => {
    const server = await startServer(json(403, { message: "This action is unauthorized." }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.updateInstance(7, { name: "x" }), WaapiPermissionError);
    expect(error.permission).toBe("update");
    expect(error.path).toBe("/instances/7");
  });

  it("404 → WaapiNotFoundError with the instance id", async () => {
    const server = await startServer(
      json(404, { message: "No query results for model [App\\Models\\Instance]." }),
    );
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.deleteInstance("42"), WaapiNotFoundError);
    expect(error).toMatchObject({
      code: "ERR_WAAPI_NOT_FOUND",
      instanceId: "42",
      statusCode: 404,
      attempts: 1,
    });
    expect(error.message).toContain("Instance 42 was not found");
    expect(error.message).toContain("deleteInstance (DELETE /instances/42)");
  });

  it("422 → WaapiValidationError with fieldErrors listed in the message", async () => {
    const server = await startServer(
      json(422, {
        message: "The given data was invalid.",
        errors: {
          "webhook.url": ["The webhook.url must be a valid URL."],
          "webhook.events.0": ["The selected webhook.events.0 is invalid."],
        },
      }),
    );
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(
      client.updateInstance(42, { webhook: { url: "nope", events: ["nope"] } }),
      WaapiValidationError,
    );
    expect(error.code).toBe("ERR_WAAPI_VALIDATION");
    expect(error.fieldErrors).toEqual({
      "webhook.url": ["The webhook.url must be a valid URL."],
      "webhook.events.0": ["The selected webhook.events.0 is invalid."],
    });
    expect(error.message).toContain("The given data was invalid.");
    expect(error.message).toContain("webhook.url: The webhook.url must be a valid URL.");
    expect(error.message).toContain("webhook.events.0: The selected webhook.events.0 is invalid.");
    expect(server.seen).toHaveLength(1);
  });

  it("another 4xx → WaapiHttpError", async () => {
    const server = await startServer(json(405, { message: "The PUT method is not supported." }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.updateInstance(1, {}), WaapiHttpError);
    expect(error.code).toBe("ERR_WAAPI_HTTP");
    expect(error.message).toContain("405");
    expect(error.message).toContain("The PUT method is not supported.");
  });

  it("a 500 is not retried (a Laravel 500 is a bug, not a blip)", async () => {
    const server = await startServer(json(500, { message: "Server Error" }));
    const { client, delays } = makeClient(server.baseUrl);
    const error = await rejection(client.getInstance(42), WaapiServerError);
    expect(server.seen).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error.attempts).toBe(1);
  });

  it("redacts the token if the server echoes it back", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: `Token ${req.headers.authorization ?? ""} is not allowed`,
          errors: { [TOKEN]: [`bad ${TOKEN}`] },
        }),
      );
    });
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.listInstances(), WaapiPermissionError);
    expect(error.serverMessage).toBe("Token Bearer [REDACTED] is not allowed");
  });
});

describe("retries", () => {
  it("honours Retry-After on a 429", async () => {
    const server = await startServer(
      json(429, { message: "Too Many Attempts." }, { "retry-after": "2" }),
      json(200, { instances: [INSTANCE], status: "success" }),
    );
    const { client, delays, events } = makeClient(server.baseUrl);
    await expect(client.listInstances()).resolves.toEqual([INSTANCE]);
    expect(server.seen).toHaveLength(2);
    expect(delays).toEqual([2000]);
    expect(events).toEqual([
      {
        operation: "listInstances",
        method: "GET",
        path: "/instances",
        attempt: 1,
        delayMs: 2000,
        reason: "HTTP 429",
      },
    ]);
  });

  it("caps a long Retry-After at maxDelayMs", async () => {
    const server = await startServer(
      json(429, { message: "Too Many Attempts." }, { "retry-after": "3600" }),
      json(200, { instances: [], status: "success" }),
    );
    const { client, delays } = makeClient(server.baseUrl, { retry: { maxDelayMs: 5000 } });
    await client.listInstances();
    expect(delays).toEqual([5000]);
  });

  it("waits out 429s with Retry-After beyond retry.limit: they do not use it up", async () => {
    const server = await startServer(
      ...Array.from({ length: 8 }, () =>
        json(429, { message: "Too Many Attempts." }, { "retry-after": "1" }),
      ),
      json(503, { message: "Service Unavailable" }),
      json(200, { instances: [INSTANCE], status: "success" }),
    );
    const { client, delays } = makeClient(server.baseUrl, { retry: { limit: 1 } });
    await expect(client.getInstance(42)).resolves.toEqual(INSTANCE);
    expect(server.seen).toHaveLength(10);
    expect(delays.slice(0, 8)).toEqual(Array<number>(8).fill(1000));
  });

  it("gives up on 429s with Retry-After once their waits would pass retry.rateLimitWaitMs", async () => {
    const server = await startServer(json(429, { message: "Too Many Attempts." }, { "retry-after": "1" }));
    const { client, delays } = makeClient(server.baseUrl, { retry: { rateLimitWaitMs: 4000 } });
    const error = await rejection(client.getInstance(42), WaapiRateLimitError);
    expect(server.seen).toHaveLength(5);
    expect(delays).toEqual([1000, 1000, 1000, 1000]);
    expect(error).toMatchObject({
      code: "ERR_WAAPI_RATE_LIMITED",
      attempts: 5,
      statusCode: 429,
      retryAfterMs: 1000,
    });
    expect(error.message).toContain("after 5 attempts");
    expect(error.message).toContain("Too Many Attempts.");
  });

  it("marks an answer that follows an attempt the server may have acted on", async () => {
    const server = await startServer(
      json(502, { message: "Bad Gateway" }),
      json(404, { message: "Not found" }),
    );
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.deleteInstance(42), WaapiNotFoundError);
    expect(error.afterPossibleEffect).toBe(true);
  });

  it("does not mark an answer that follows only a 429, which the server cannot have acted on", async () => {
    const server = await startServer(
      json(429, { message: "Too Many Attempts." }, { "retry-after": "1" }),
      json(404, { message: "Not found" }),
    );
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.deleteInstance(42), WaapiNotFoundError);
    expect(error.afterPossibleEffect).toBe(false);
  });

  it("gives up on 429s without Retry-After after limit + 1 attempts", async () => {
    const server = await startServer(json(429, { message: "Too Many Attempts." }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.getInstance(42), WaapiRateLimitError);
    expect(server.seen).toHaveLength(5);
    expect(error.attempts).toBe(5);
  });

  it("succeeds on 503, 503, 200 after 3 attempts with exponential jittered delays", async () => {
    const server = await startServer(
      json(503, { message: "Service Unavailable" }),
      json(503, { message: "Service Unavailable" }),
      json(200, { instances: [INSTANCE], status: "success" }),
    );
    const { client, delays } = makeClient(server.baseUrl);
    await expect(client.getInstance(42)).resolves.toEqual(INSTANCE);
    expect(server.seen).toHaveLength(3);
    // random() = 0.5 of the ceilings 500 and 1000.
    expect(delays).toEqual([250, 500]);
  });

  it("reports a persistent 5xx on PUT with what was tried", async () => {
    const server = await startServer(json(502, { message: "Bad Gateway" }));
    const { client, delays } = makeClient(server.baseUrl);
    const error = await rejection(client.updateInstance(42, { name: "x" }), WaapiServerError);
    expect(server.seen).toHaveLength(5);
    expect(delays).toHaveLength(4);
    expect(error).toMatchObject({
      code: "ERR_WAAPI_SERVER",
      statusCode: 502,
      attempts: 5,
      serverMessage: "Bad Gateway",
    });
    expect(error.message).toMatch(
      /^PUT \/instances\/42 failed after 5 attempts: WAAPI answered 502 \("Bad Gateway"\)/,
    );
  });

  it("a 5xx with an HTML body still gives a server error", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(504, { "content-type": "text/html" });
      res.end("<html><body>504 Gateway Time-out</body></html>");
    });
    const { client } = makeClient(server.baseUrl, { retry: { limit: 1 } });
    const error = await rejection(client.deleteInstance(42), WaapiServerError);
    expect(error.attempts).toBe(2);
    expect(error.serverMessage).toBeUndefined();
  });

  it("retries a PUT after a connection reset", async () => {
    const data = {
      status: "success",
      instanceId: "42",
      name: "x",
      instanceStatus: "ready",
      instanceWebhook: null,
      instanceEvents: [],
    };
    const server = await startServer(reset, json(200, { data, links: { self: "" }, status: "success" }));
    const { client, delays, events } = makeClient(server.baseUrl);
    await expect(client.updateInstance(42, { name: "x" })).resolves.toEqual(data);
    expect(server.seen.map((request) => request.method)).toEqual(["PUT", "PUT"]);
    expect(delays).toEqual([250]);
    expect(events[0]?.reason).toBe("ECONNRESET");
  });

  it("never retries a POST after a reset: the outcome is unknown", async () => {
    const server = await startServer(reset, json(200, { instance: INSTANCE, status: "success" }));
    const { client, delays } = makeClient(server.baseUrl);
    const error = await rejection(client.createInstance(), WaapiNetworkError);
    expect(server.seen.filter((request) => request.method === "POST")).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error).toMatchObject({
      code: "ERR_WAAPI_NETWORK",
      networkCode: "ECONNRESET",
      outcomeUnknown: true,
      timedOut: false,
      attempts: 1,
      method: "POST",
      path: "/instances",
    });
    expect(error.message).toContain("outcome is unknown");
    expect(error.message).toContain("may have created an instance");
    expect(error.message).toContain("deliberately not retried");
    expect(error.message).toContain("duplicate (paid) instance");
    expect(error.message).toContain("GET /instances");
  });

  it("never retries a POST after a 5xx", async () => {
    const server = await startServer(json(503, { message: "Service Unavailable" }));
    const { client } = makeClient(server.baseUrl);
    const error = await rejection(client.createInstance(), WaapiServerError);
    expect(server.seen).toHaveLength(1);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("duplicate (paid) instance");
  });

  it("retries a POST after a 429: the throttle answered before anything was created", async () => {
    const server = await startServer(
      json(429, { message: "Too Many Attempts." }),
      json(200, { instance: INSTANCE, status: "success" }),
    );
    const { client, delays } = makeClient(server.baseUrl);
    await expect(client.createInstance()).resolves.toEqual(INSTANCE);
    expect(server.seen.map((request) => request.method)).toEqual(["POST", "POST"]);
    expect(delays).toEqual([250]);
  });

  it("retries ECONNREFUSED on a closed port, then reports a network error", async () => {
    const { client, delays } = makeClient(await closedPortUrl(), { retry: { limit: 2 } });
    const error = await rejection(client.listInstances(), WaapiNetworkError);
    expect(error).toMatchObject({
      networkCode: "ECONNREFUSED",
      attempts: 3,
      outcomeUnknown: false,
      timedOut: false,
    });
    expect(delays).toEqual([250, 500]);
    expect(error.message).toContain("after 3 attempts");
  });

  it("retries a POST on ECONNREFUSED: nothing reached the server", async () => {
    const { client, delays } = makeClient(await closedPortUrl(), { retry: { limit: 2 } });
    const error = await rejection(client.createInstance(), WaapiNetworkError);
    expect(error).toMatchObject({ networkCode: "ECONNREFUSED", attempts: 3, outcomeUnknown: false });
    expect(delays).toHaveLength(2);
    expect(error.message).not.toContain("outcome is unknown");
  });

  it("passes plain retry events to onRetry, and a throwing hook changes nothing", async () => {
    const server = await startServer(json(503, {}), json(200, { instances: [], status: "success" }));
    const events: unknown[] = [];
    const { client } = makeClient(server.baseUrl, {
      onRetry: (event) => {
        events.push(event);
        throw new Error("logger broke");
      },
    });
    await expect(client.listInstances()).resolves.toEqual([]);
    expect(events).toEqual([
      {
        operation: "listInstances",
        method: "GET",
        path: "/instances",
        attempt: 1,
        delayMs: 250,
        reason: "HTTP 503",
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it("uses the real sleep when none is injected", async () => {
    const server = await startServer(json(503, {}), json(200, { instances: [], status: "success" }));
    const client = new WaapiClient({ apiToken: TOKEN, baseUrl: server.baseUrl, retry: { baseDelayMs: 20 } });
    await expect(client.listInstances()).resolves.toEqual([]);
    expect(server.seen).toHaveLength(2);
  });
});

describe("timeouts", () => {
  it("times out a GET per attempt and retries it", async () => {
    const server = await startServer(hang);
    const { client, delays } = makeClient(server.baseUrl, { timeoutMs: 150, retry: { limit: 1 } });
    const error = await rejection(client.getInstance(42), WaapiNetworkError);
    expect(server.seen).toHaveLength(2);
    expect(delays).toEqual([250]);
    expect(error).toMatchObject({
      timedOut: true,
      networkCode: "ETIMEDOUT",
      attempts: 2,
      outcomeUnknown: false,
    });
    expect(error.message).toContain("timed out after 150 ms after 2 attempts");
  });

  it("never retries a POST that timed out, and says the outcome is unknown", async () => {
    const server = await startServer(hang);
    const { client, delays } = makeClient(server.baseUrl, { timeoutMs: 150 });
    const error = await rejection(client.createInstance(), WaapiNetworkError);
    // Give a stray retry the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.seen).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(error).toMatchObject({ timedOut: true, outcomeUnknown: true, attempts: 1 });
    expect(error.message).toContain("timed out after 150 ms");
    expect(error.message).toContain("outcome is unknown");
    expect(error.message).toContain("deliberately not retried");
  });
});

describe("the token never escapes", () => {
  it("got's own errors would leak it — which is why the client never rethrows them", async () => {
    const server = await startServer(json(401, { message: "Unauthenticated." }));
    let gotError: unknown;
    try {
      await got(`${server.baseUrl}/instances`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        retry: { limit: 0 },
      });
    } catch (error) {
      gotError = error;
    }
    expect(inspect(gotError, { depth: Infinity, showHidden: true })).toContain(TOKEN);
  });

  it("the client itself does not show the token when logged or serialised", () => {
    const client = new WaapiClient({ apiToken: TOKEN, baseUrl: "https://user:hunter2@waapi.example/api/v1" });
    for (const text of [JSON.stringify(client), inspect(client, { depth: Infinity }), String(client)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain("hunter2");
    }
  });

  it("constructor errors explain how to get a token", () => {
    expect(() => new WaapiClient({ apiToken: " " })).toThrow(/no API token.*"User API Tokens"/);
    expect(() => new WaapiClient({ apiToken: TOKEN, baseUrl: "not a url" })).toThrow(TypeError);
    expect(() => new WaapiClient({ apiToken: TOKEN, timeoutMs: 0 })).toThrow(RangeError);
  });
});
