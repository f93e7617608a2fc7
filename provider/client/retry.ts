/**
 * The retry policy of the WAAPI client, kept free of I/O so it can be tested on its own: which
 * failures are worth another attempt, and how long to wait before it.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RetrySettings {
  /** Retries after the first attempt; `limit + 1` attempts in all. */
  limit: number;
  /** The ceiling of the first backoff; it doubles with every retry. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever the backoff or `Retry-After` says. */
  maxDelayMs: number;
  /**
   * How long in all one request waits out 429s that said when to come back (`Retry-After`). Those
   * waits do not use up `limit`: the server asked for a wait, not a give-up, and with many requests
   * queued behind a steady limit a request may be turned away many times before its turn comes.
   */
  rateLimitWaitMs: number;
}

export const DEFAULT_RETRY_SETTINGS: Readonly<RetrySettings> = {
  limit: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  rateLimitWaitMs: 600_000,
};

/** Why an attempt failed, reduced to plain values (never got's error object, which holds the token). */
export type AttemptFailure =
  | { kind: "status"; statusCode: number; retryAfter?: string }
  | { kind: "network"; code: string; timedOut: boolean };

/** Statuses a proxy or an overloaded server answers before the application has done anything. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Connection-level failures that are usually transient. ENOTFOUND is included because resolvers
 * report passing outages that way too; a wrong host name simply fails after the last attempt.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
]);

/**
 * Could the server have acted on a request that failed this way? Only a 429 (Laravel's throttle
 * rejects before the controller runs) or a refused connection (nothing was sent) rule it out; after
 * a timeout, a reset or a 5xx the operation may have happened.
 */
export function serverMayHaveActed(failure: AttemptFailure): boolean {
  return failure.kind === "status"
    ? failure.statusCode !== 429
    : !(failure.code === "ECONNREFUSED" && !failure.timedOut);
}

/**
 * May this failed attempt be repeated without changing the outcome?
 *
 * GET, PUT and DELETE are idempotent, so any transient failure may be retried. POST /instances
 * creates a paid instance, so it is repeated only when the server cannot have acted on it: a retry
 * after the server acted could create a second one. Some POSTs are idempotent all the same (a read
 * such as get-group-info, or a change that sets a state such as "this member is an admin"): their
 * caller says so with `idempotent`, and they are retried like a PUT.
 */
export function isRetryable(
  method: HttpMethod,
  failure: AttemptFailure,
  idempotent: boolean = method !== "POST",
): boolean {
  if (!idempotent) return !serverMayHaveActed(failure);
  return failure.kind === "status"
    ? RETRYABLE_STATUSES.has(failure.statusCode)
    : failure.timedOut || RETRYABLE_NETWORK_CODES.has(failure.code);
}

/**
 * `Retry-After` in milliseconds from `now`: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns undefined when the header is absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only a date (which has letters) may go to Date.parse: it also accepts "1.5" or "-1" as years.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * "Full jitter" exponential backoff: a random wait between 0 and min(max, base * 2^(retry-1)).
 * Randomising the whole interval spreads out clients that failed together (e.g. parallel
 * `pulumi up` operations hitting the same rate limit), which a fixed schedule would keep in step.
 *
 * @param retry 1 for the first retry, 2 for the second, …
 * @param random returns a number in [0, 1), like Math.random.
 */
export function backoffDelay(
  retry: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.floor(fraction * ceiling);
}

/** How long to wait before retry number `retry`: the server's `Retry-After` if it gave one, else backoff. */
export function retryDelay(
  failure: AttemptFailure,
  retry: number,
  settings: RetrySettings,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  if (failure.kind === "status") {
    const retryAfterMs = parseRetryAfter(failure.retryAfter, now);
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, settings.maxDelayMs);
  }
  return backoffDelay(retry, settings, random);
}

/** Checks and completes user-supplied retry options, so a typo fails at construction, not mid-deploy. */
export function resolveRetrySettings(options: Partial<RetrySettings> | undefined): RetrySettings {
  const settings: RetrySettings = { ...DEFAULT_RETRY_SETTINGS };
  for (const key of ["limit", "baseDelayMs", "maxDelayMs", "rateLimitWaitMs"] as const) {
    const value = options?.[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`WaapiClient: retry.${key} must be a non-negative integer, got ${String(value)}`);
    }
    settings[key] = value;
  }
  return settings;
}
