/**
 * Fault injection: a FIFO queue of faults, each aimed at requests by method and path, so client and
 * provider tests can meet rate limits, server errors, timeouts after the server acted, and dropped
 * connections at exactly the call they care about.
 */

export interface FaultMatch {
  /**
   * Which requests: `"PUT /instances/:id"`, `"/instances/1001"` (any method) or `"* /instances"`.
   * Paths are relative to `/api/v1` (a leading `/api/v1` is accepted too); a `:name` or `*` segment
   * matches any one segment; the query string is not considered.
   */
  match: string;
  /** How many matching requests the fault affects; default 1, or no limit when `rate` is given. */
  times?: number;
  /**
   * The share of matching requests affected, from 0 to 1 (e.g. 0.3 for "30% of PUTs fail"); the
   * others pass untouched. Drawn from a generator seeded with `seed` (default 1), so a run repeats.
   */
  rate?: number;
  seed?: number;
  /**
   * Only requests authenticated by the token with this name (`createToken(…, { name })`): one stack
   * of two that share an account can lose answers while the other's requests pass untouched.
   */
  tokenName?: string;
  /**
   * Hold the request first, until the sandbox has answered a request matching `waitFor` since this
   * fault was added (at once if it already has), then apply the fault: one stack's request can be
   * made to wait for a neighbour's, so two deployments overlap by construction, not by luck.
   */
  waitFor?: WaitFor;
}

/** The request a `waitFor` waits for, and how long at most. */
export interface WaitFor {
  /** As `FaultMatch.match`: `"POST /instances"`. */
  match: string;
  /** Only requests authenticated by the token with this name. */
  tokenName?: string;
  /**
   * The bound, so that a test whose neighbour never comes fails instead of hanging: after it the held
   * request goes on all the same, and its log entry says `waited: "timed out"`.
   */
  maxMs: number;
}

/** Answer with this instead of performing the operation (429 + Retry-After, 500, 503, a fake 422 …). */
export interface RespondFault extends FaultMatch {
  kind: "respond";
  status: number;
  /** Omitted: Laravel's JSON `{"message": …}` for the status; `null`: no body; a string: sent as is. */
  body?: unknown;
  /** For 429 the default is `Retry-After: 1` (plus rate-limit headers); given headers override. */
  headers?: Record<string, string>;
  /**
   * Perform the real operation first, then answer with this instead of its result: a gateway's 502
   * after the application acted, or a 200 whose body was cut short (`body: '{"instance":{"id":'`).
   */
  afterActing?: boolean;
}

/** Perform the real operation, then wait before answering: a client timeout after the server acted. */
export interface ActThenDelayFault extends FaultMatch {
  kind: "act-then-delay";
  delayMs: number;
}

/** Wait, then perform the operation and answer: a slow server that acts late. */
export interface DelayThenActFault extends FaultMatch {
  kind: "delay-then-act";
  delayMs: number;
}

/** Destroy the connection without an answer: a network error. `resetAfterActing`: was the operation done? */
export interface ResetFault extends FaultMatch {
  kind: "reset";
  resetAfterActing?: boolean;
}

/**
 * Hold the request without ever answering, until its client goes away (a killed `pulumi up`) or the
 * sandbox closes: the crash tests' way to kill a process at a known phase. `afterActing`: the
 * operation is performed first (a PUT that landed, its answer never sent); otherwise it never is,
 * not even after the client has gone.
 */
export interface HoldFault extends FaultMatch {
  kind: "hold";
  afterActing?: boolean;
}

export type SandboxFault = RespondFault | ActThenDelayFault | DelayThenActFault | ResetFault | HoldFault;
export type SandboxFaultKind = SandboxFault["kind"];

const API_PREFIX = "/api/v1";
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"];

interface QueuedFault {
  fault: SandboxFault;
  remaining: number;
  method: string;
  segments: string[];
  /** The request log's sequence number when the fault was added: `waitFor` counts answers after it. */
  since: number;
  /** For a `rate`: the next number in [0, 1) of its seeded sequence. */
  draw?: () => number;
}

/** mulberry32: a small, good-enough seeded generator, so a fault rate gives the same run twice. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Path segments relative to the API base, without query string or empty segments. */
export function apiSegments(path: string): string[] {
  let p = path.split("?")[0] ?? "";
  if (p === API_PREFIX || p.startsWith(`${API_PREFIX}/`)) p = p.slice(API_PREFIX.length);
  return p.split("/").filter((s) => s !== "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative integer`);
  }
  return value;
}

/** Checks a fault that may come from JSON over HTTP; throws a readable error for anything malformed. */
export function parseFault(value: unknown): SandboxFault {
  if (!isRecord(value)) throw new Error("a fault must be an object");
  const { match, times, kind } = value;
  if (typeof match !== "string" || match.trim() === "")
    throw new Error("fault.match must be a non-empty string");
  parseMatch(match);
  const base: FaultMatch = { match };
  if (times !== undefined) {
    if (nonNegativeInteger(times, "fault.times") < 1) throw new Error("fault.times must be at least 1");
    base.times = times as number;
  }
  if (value.rate !== undefined) {
    const rate = value.rate;
    if (typeof rate !== "number" || !(rate > 0 && rate <= 1)) {
      throw new Error("fault.rate must be a number above 0 and at most 1");
    }
    base.rate = rate;
  }
  if (value.seed !== undefined) base.seed = nonNegativeInteger(value.seed, "fault.seed");
  if (value.tokenName !== undefined) {
    if (typeof value.tokenName !== "string" || value.tokenName === "") {
      throw new Error("fault.tokenName must be a non-empty string");
    }
    base.tokenName = value.tokenName;
  }
  if (value.waitFor !== undefined) base.waitFor = parseWaitFor(value.waitFor);
  switch (kind) {
    case "respond": {
      const status = nonNegativeInteger(value.status, "fault.status");
      if (status < 100 || status > 599) throw new Error("fault.status must be an HTTP status (100-599)");
      const fault: RespondFault = { ...base, kind, status };
      if ("body" in value) fault.body = value.body;
      if (value.afterActing !== undefined) {
        if (typeof value.afterActing !== "boolean") throw new Error("fault.afterActing must be a boolean");
        fault.afterActing = value.afterActing;
      }
      if (value.headers !== undefined) {
        const headers = value.headers;
        if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === "string")) {
          throw new Error("fault.headers must map header names to strings");
        }
        fault.headers = headers as Record<string, string>;
      }
      return fault;
    }
    case "act-then-delay":
    case "delay-then-act":
      return { ...base, kind, delayMs: nonNegativeInteger(value.delayMs, "fault.delayMs") };
    case "hold": {
      const after = value.afterActing;
      if (after !== undefined && typeof after !== "boolean")
        throw new Error("fault.afterActing must be a boolean");
      return after === undefined ? { ...base, kind } : { ...base, kind, afterActing: after };
    }
    case "reset": {
      const after = value.resetAfterActing;
      if (after !== undefined && typeof after !== "boolean")
        throw new Error("fault.resetAfterActing must be a boolean");
      return after === undefined ? { ...base, kind } : { ...base, kind, resetAfterActing: after };
    }
    default:
      throw new Error('fault.kind must be "respond", "act-then-delay", "delay-then-act", "reset" or "hold"');
  }
}

function parseWaitFor(value: unknown): WaitFor {
  if (!isRecord(value)) throw new Error("fault.waitFor must be an object: { match, tokenName?, maxMs }");
  const { match, tokenName, maxMs } = value;
  if (typeof match !== "string" || match.trim() === "")
    throw new Error("fault.waitFor.match must be a non-empty string");
  parseMatch(match);
  if (typeof maxMs !== "number" || !Number.isSafeInteger(maxMs) || maxMs < 1) {
    throw new Error("fault.waitFor.maxMs must be a positive integer: a wait needs a bound");
  }
  const waitFor: WaitFor = { match, maxMs };
  if (tokenName !== undefined) {
    if (typeof tokenName !== "string" || tokenName === "") {
      throw new Error("fault.waitFor.tokenName must be a non-empty string");
    }
    waitFor.tokenName = tokenName;
  }
  return waitFor;
}

function parseMatch(match: string): { method: string; segments: string[] } {
  const parts = match.trim().split(/\s+/);
  const [first = "", second] = parts;
  if (parts.length > 2) throw new Error(`fault.match "${match}": expected "[METHOD] /path"`);
  const method = second === undefined ? "*" : first.toUpperCase();
  const path = second ?? first;
  if (!METHODS.includes(method)) throw new Error(`fault.match "${match}": unknown method ${method}`);
  if (!path.startsWith("/")) throw new Error(`fault.match "${match}": the path must start with "/"`);
  return { method, segments: apiSegments(path) };
}

/** Whether a request (method and path as received) is one that `match` aims at. */
export function faultMatches(match: string, method: string, path: string): boolean {
  const pattern = parseMatch(match);
  return (
    (pattern.method === "*" || pattern.method === method.toUpperCase()) &&
    segmentsMatch(pattern.segments, apiSegments(path))
  );
}

function segmentsMatch(pattern: readonly string[], actual: readonly string[]): boolean {
  return (
    pattern.length === actual.length &&
    pattern.every((p, i) => p === "*" || p.startsWith(":") || p === actual[i])
  );
}

/** A fault taken for a request, with the log sequence number its `waitFor` counts from. */
export interface TakenFault {
  fault: SandboxFault;
  since: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  /** `sequence`: the request log's count of recorded requests (see RequestLog.recorded). */
  constructor(private readonly sequence: () => number = () => 0) {}

  add(fault: SandboxFault): void {
    const checked = parseFault(fault);
    const { method, segments } = parseMatch(checked.match);
    const remaining = checked.times ?? (checked.rate === undefined ? 1 : Infinity);
    const entry: QueuedFault = { fault: checked, remaining, method, segments, since: this.sequence() };
    if (checked.rate !== undefined) entry.draw = seededRandom(checked.seed ?? 1);
    this.queue.push(entry);
  }

  clear(): void {
    this.queue = [];
  }

  /** The faults still waiting, with `times` set to what is left of each. */
  pending(): SandboxFault[] {
    return this.queue.map((q) =>
      Number.isFinite(q.remaining) ? { ...q.fault, times: q.remaining } : { ...q.fault },
    );
  }

  /**
   * Takes one use of the first fault matching the request, if any. A fault with a `rate` that
   * draws "no" for this request lets it through (to the next matching fault, if any). `tokenName`:
   * the name of the token the request carries, if it is a known one.
   */
  take(method: string, path: string, tokenName?: string): TakenFault | undefined {
    const segments = apiSegments(path);
    const upper = method.toUpperCase();
    const index = this.queue.findIndex(
      (q) =>
        (q.method === "*" || q.method === upper) &&
        segmentsMatch(q.segments, segments) &&
        (q.fault.tokenName === undefined || q.fault.tokenName === tokenName) &&
        (q.draw === undefined || q.draw() < (q.fault.rate ?? 1)),
    );
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return { fault: entry.fault, since: entry.since };
  }
}
