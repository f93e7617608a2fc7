/**
 * The sandbox's HTTP server: WAAPI's instance routes under `/api/v1` with Sanctum-style bearer auth,
 * token permissions, Laravel error shapes, injected faults and a request log; the test hooks under
 * `/__sandbox/`; and a `/login` page for clients that follow Laravel's auth redirect.
 */
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CLIENT_OPERATIONS,
  CLIENT_ROUTES,
  GROUP_OPERATIONS,
  OPERATION_PERMISSIONS,
  type ClientOperation,
  type GroupOperation,
  type Permission,
} from "../provider/waapi-api";
import { bearerToken, expectsJson } from "./auth";
import { apiSegments, faultMatches, type FaultQueue, type RespondFault, type WaitFor } from "./faults";
import { GROUP_ROUTE_OPERATIONS } from "./group-operations";
import { hookRoutes } from "./hooks";
import {
  clientMe,
  clientStatus,
  createInstance,
  logoutClient,
  qrCode,
  rebootClient,
  requestPairingCode,
  deleteInstance,
  listInstances,
  retrieveInstance,
  updateInstance,
  type Operation,
  type RetrieveShape,
} from "./operations";
import type { RateLimiter } from "./rate-limit";
import type { RequestLog, SandboxRequest } from "./request-log";
import {
  errorResult,
  loginPage,
  loginRedirect,
  methodNotAllowed,
  missingPermission,
  routeNotFound,
  send,
  unauthenticated,
  type ApiResult,
} from "./responses";
import type { SandboxStore } from "./store";
import { isPlainObject } from "./validation";

export const API_PREFIX = "/api/v1";
export const HOOK_PREFIX = "/__sandbox";

/** Everything the routes share. `reset` and `closing` come from the sandbox that owns the server. */
export interface ServerContext {
  store: SandboxStore;
  faults: FaultQueue;
  log: RequestLog;
  retrieveShape: RetrieveShape;
  /** Added before every API answer (after acting), so that benchmarks see a server's round trip. */
  latencyMs: number;
  /** Clears store, log and faults (the hooks' `POST /__sandbox/reset`). */
  reset(): void;
  /** Aborted when the sandbox closes, to cut injected delays short. */
  closing: AbortSignal;
  /** Answers 429 to API requests beyond the configured rate (none unless set). */
  rateLimiter: RateLimiter;
}

interface ApiRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  permission: Permission;
  run: Operation;
}

const API_ROUTES: readonly ApiRoute[] = [
  { method: "GET", url: "/instances", permission: OPERATION_PERMISSIONS.listInstances, run: listInstances },
  {
    method: "POST",
    url: "/instances",
    permission: OPERATION_PERMISSIONS.createInstance,
    run: createInstance,
  },
  {
    method: "GET",
    url: "/instances/:id",
    permission: OPERATION_PERMISSIONS.getInstance,
    run: retrieveInstance,
  },
  {
    method: "PUT",
    url: "/instances/:id",
    permission: OPERATION_PERMISSIONS.updateInstance,
    run: updateInstance,
  },
  {
    method: "DELETE",
    url: "/instances/:id",
    permission: OPERATION_PERMISSIONS.deleteInstance,
    run: deleteInstance,
  },
  ...clientRoutes({
    getClientStatus: clientStatus,
    getQrCode: qrCode,
    getClientMe: clientMe,
    requestPairingCode,
    rebootClient,
    logoutClient,
    ...GROUP_ROUTE_OPERATIONS,
  }),
];

/** The linked-client and group routes, where the vocabulary puts them, with the permission it names. */
function clientRoutes(operations: Record<ClientOperation | GroupOperation, Operation>): ApiRoute[] {
  return [...CLIENT_OPERATIONS, ...GROUP_OPERATIONS].map((operation) => ({
    method: CLIENT_ROUTES[operation].method,
    url: CLIENT_ROUTES[operation].path.replace("{id}", ":id"),
    permission: OPERATION_PERMISSIONS[operation],
    run: operations[operation],
  }));
}

export function buildServer(ctx: ServerContext, options: { logger: boolean }): FastifyInstance {
  const app = Fastify({
    // Fastify logs no headers by default; the redaction guards against a future serializer change.
    logger: options.logger ? { redact: ["req.headers.authorization"] } : false,
    // close() must not wait for keep-alive connections or requests held by an injected delay.
    forceCloseConnections: true,
  });
  void app.register(apiRoutes(ctx), { prefix: API_PREFIX });
  void app.register(hookRoutes(ctx), { prefix: HOOK_PREFIX });
  app.get("/login", (_request, reply) => send(reply, loginPage()));
  return app;
}

function apiRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (api) => {
    // Bodies are read raw: the API must answer Laravel's 422, not Fastify's 400, for a malformed body,
    // and the request log wants the body whatever its content type.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
    for (const route of API_ROUTES) {
      api.route({
        method: route.method,
        url: route.url,
        handler: (request, reply) => serve(ctx, route, request, reply),
      });
    }
    api.setNotFoundHandler((request, reply) => serve(ctx, undefined, request, reply));
    // Errors Fastify raises before a handler runs (e.g. a body over 1 MiB) get Laravel's shape and a log entry.
    api.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      const status = typeof error.statusCode === "number" && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) request.log.error(error);
      const result = errorResult(status, defaultMessage(status));
      const at = new Date().toISOString();
      ctx.log.record({ method: request.method, path: request.url, body: null, status, tokenName: null, at });
      return send(reply, result);
    });
  };
}

/** The outcome of authenticating and running an operation. */
interface Execution {
  result: ApiResult;
  tokenName: string | null;
}

/** One API request: fault first, then auth, permission, operation; recorded in the log either way. */
async function serve(
  ctx: ServerContext,
  route: ApiRoute | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const at = new Date().toISOString();
  const { logged, input } = readBody(request);
  // The token's name only, so a fault can be aimed at one token's requests (faults.ts: tokenName).
  const bearer = bearerToken(request.headers);
  const taken = ctx.faults.take(
    request.method,
    request.url,
    bearer === undefined ? undefined : ctx.store.authenticate(bearer)?.name,
  );
  const fault = taken?.fault;
  let waited: "met" | "timed out" | undefined;
  const record = (status: number | null, tokenName: string | null): void => {
    ctx.log.record({
      method: request.method,
      path: request.url,
      body: logged,
      status,
      tokenName,
      at,
      ...(fault ? { fault: fault.kind } : {}),
      ...(waited ? { waited } : {}),
    });
  };
  if (taken?.fault.waitFor) {
    const outcome = await awaitRequest(ctx, taken.fault.waitFor, taken.since);
    if (outcome === "closed") {
      record(null, null);
      return resetConnection(request, reply);
    }
    waited = outcome;
  }

  const retryAfterSeconds = route ? ctx.rateLimiter.take() : undefined;
  if (retryAfterSeconds !== undefined) {
    const limited = errorResult(429, defaultMessage(429));
    limited.headers = { "Retry-After": String(retryAfterSeconds), "X-RateLimit-Remaining": "0" };
    record(429, null);
    return send(reply, limited);
  }
  if (fault?.kind === "respond" && !fault.afterActing) {
    const result = faultResult(fault);
    record(result.status, null);
    return send(reply, result);
  }
  if (fault?.kind === "reset" && !fault.resetAfterActing) {
    record(null, null);
    return resetConnection(request, reply);
  }
  if (fault?.kind === "delay-then-act" && !(await pause(ctx, fault.delayMs))) {
    record(null, null);
    return resetConnection(request, reply);
  }
  if (fault?.kind === "hold" && !fault.afterActing) {
    record(null, null); // logged on arrival, so a test sees the request is held
    await clientGone(ctx, request);
    return resetConnection(request, reply);
  }

  const { result, tokenName } = await execute(ctx, route, request, input);

  if (fault?.kind === "reset") {
    record(null, tokenName);
    return resetConnection(request, reply);
  }
  if (fault?.kind === "respond") {
    // Acted; the answer is lost on the way back and replaced by the fault's.
    const replaced = faultResult(fault);
    record(replaced.status, tokenName);
    return send(reply, replaced);
  }
  record(result.status, tokenName);
  if (fault?.kind === "hold") {
    await clientGone(ctx, request);
    return resetConnection(request, reply);
  }
  if (fault?.kind === "act-then-delay" && !(await pause(ctx, fault.delayMs))) {
    return resetConnection(request, reply);
  }
  if (ctx.latencyMs > 0 && !(await pause(ctx, ctx.latencyMs))) return resetConnection(request, reply);
  return send(reply, result);
}

async function execute(
  ctx: ServerContext,
  route: ApiRoute | undefined,
  request: FastifyRequest,
  input: Record<string, unknown> | "invalid",
): Promise<Execution> {
  // No route, no middleware: Laravel answers 404/405 before authenticating.
  if (!route) return { result: unrouted(request), tokenName: null };

  const value = bearerToken(request.headers);
  const token = value === undefined ? undefined : ctx.store.authenticate(value);
  if (!token) {
    const result = expectsJson(request.headers) ? unauthenticated() : loginRedirect(origin(request));
    return { result, tokenName: null };
  }
  if (!token.permissions.includes(route.permission)) {
    return { result: missingPermission(route.permission), tokenName: token.name };
  }
  try {
    const result = await route.run({
      store: ctx.store,
      account: token.account,
      params: stringRecord(request.params),
      query: stringRecord(request.query),
      input,
      baseUrl: `${origin(request)}${API_PREFIX}`,
      path: (request.url.split("?")[0] ?? "").slice(API_PREFIX.length),
      retrieveShape: ctx.retrieveShape,
    });
    return { result, tokenName: token.name };
  } catch (error) {
    request.log.error(error);
    // Laravel's production answer to an unhandled exception.
    return { result: errorResult(500, "Server Error"), tokenName: token.name };
  }
}

/** 405 when the path is an API route but the method is not, else 404 — Laravel's router does the same. */
function unrouted(request: FastifyRequest): ApiResult {
  const path = request.url.split("?")[0] ?? "";
  const segments = apiSegments(path);
  const allowed = API_ROUTES.filter((route) => {
    const pattern = apiSegments(route.url);
    return (
      pattern.length === segments.length && pattern.every((p, i) => p.startsWith(":") || p === segments[i])
    );
  }).flatMap((route) => (route.method === "GET" ? ["GET", "HEAD"] : [route.method]));
  return allowed.length > 0 ? methodNotAllowed(request.method, path, allowed) : routeNotFound(path);
}

/**
 * The body for the log (parsed JSON or null) and for the operation. Like Laravel, only a JSON content
 * type is read as JSON input; any other body counts as no input. An empty body is `{}`.
 */
function readBody(request: FastifyRequest): { logged: unknown; input: Record<string, unknown> | "invalid" } {
  const raw = typeof request.body === "string" ? request.body : "";
  let parsed: unknown = null;
  let isJson = false;
  if (raw.trim() !== "") {
    try {
      parsed = JSON.parse(raw);
      isJson = true;
    } catch {
      // Logged as null; for a JSON content type it is a 422 below.
    }
  }
  const contentType = request.headers["content-type"] ?? "";
  const declaredJson = /\/json|\+json/i.test(contentType);
  let input: Record<string, unknown> | "invalid" = {};
  if (declaredJson && raw.trim() !== "") input = isJson && isPlainObject(parsed) ? parsed : "invalid";
  return { logged: isJson ? parsed : null, input };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      // `?filter=a&filter=b` arrives as an array; PHP would keep the last one.
      const last = Array.isArray(inner) ? inner[inner.length - 1] : inner;
      if (typeof last === "string") out[key] = last;
    }
  }
  return out;
}

/** `<scheme>://<host>` as the client addressed the server (for links and the login redirect). */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function faultResult(fault: RespondFault): ApiResult {
  const headers: Record<string, string> =
    fault.status === 429
      ? { "Retry-After": "1", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", ...fault.headers }
      : { ...fault.headers };
  if (fault.body === null) return { status: fault.status, headers };
  if (fault.body !== undefined) return { status: fault.status, body: fault.body, headers };
  return { status: fault.status, body: { message: defaultMessage(fault.status) }, headers };
}

/** The `message` Laravel gives each status when the app gives none. */
function defaultMessage(status: number): string {
  if (status === 429) return "Too Many Attempts.";
  if (status === 500) return "Server Error";
  return STATUS_CODES[status] ?? "Error";
}

/** A fault's `waitFor`: until the sandbox has answered a request it names, since the fault was added. */
function awaitRequest(
  ctx: ServerContext,
  wait: WaitFor,
  since: number,
): Promise<"met" | "timed out" | "closed"> {
  const answered = (entry: SandboxRequest): boolean =>
    entry.status !== null &&
    (wait.tokenName === undefined || entry.tokenName === wait.tokenName) &&
    faultMatches(wait.match, entry.method, entry.path);
  return ctx.log.waitFor(answered, since, wait.maxMs, ctx.closing);
}

/** Waits for an injected delay; false when the sandbox closed meanwhile. */
async function pause(ctx: ServerContext, ms: number): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: ctx.closing });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the request's connection closes (its client exited or gave up) or the sandbox closes. */
function clientGone(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  const socket = request.raw.socket;
  if (socket.destroyed || ctx.closing.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once("close", () => resolve());
    ctx.closing.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** A network error for the client: the TCP connection is reset, no status line is ever sent. */
function resetConnection(request: FastifyRequest, reply: FastifyReply): undefined {
  void reply.hijack();
  if (!request.raw.socket.destroyed) request.raw.socket.resetAndDestroy();
  return undefined;
}
