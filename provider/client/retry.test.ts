import {
  DEFAULT_RETRY_SETTINGS,
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  resolveRetrySettings,
  retryDelay,
  type AttemptFailure,
  type HttpMethod,
} from "./retry";

const status = (statusCode: number, retryAfter?: string): AttemptFailure =>
  retryAfter === undefined ? { kind: "status", statusCode } : { kind: "status", statusCode, retryAfter };
const network = (code: string, timedOut = false): AttemptFailure => ({ kind: "network", code, timedOut });

describe("isRetryable", () => {
  const idempotent: HttpMethod[] = ["GET", "PUT", "DELETE"];

  it.each(idempotent)("%s retries 429, 502, 503 and 504", (method) => {
    for (const code of [429, 502, 503, 504]) expect(isRetryable(method, status(code))).toBe(true);
  });

  it.each(idempotent)("%s does not retry other statuses", (method) => {
    for (const code of [400, 401, 403, 404, 409, 422, 500, 501, 505]) {
      expect(isRetryable(method, status(code))).toBe(false);
    }
  });

  it.each(idempotent)("%s retries transient network failures and timeouts", (method) => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]) {
      expect(isRetryable(method, network(code))).toBe(true);
    }
    expect(isRetryable(method, network("ETIMEDOUT", true))).toBe(true);
  });

  it.each(idempotent)("%s does not retry unknown failures", (method) => {
    expect(isRetryable(method, network("ERR_UNKNOWN"))).toBe(false);
    expect(isRetryable(method, network("CERT_HAS_EXPIRED"))).toBe(false);
  });

  it("POST retries a 429 and a refused connection only: the server cannot have acted on those", () => {
    expect(isRetryable("POST", status(429))).toBe(true);
    expect(isRetryable("POST", network("ECONNREFUSED"))).toBe(true);
  });

  it("POST never retries a 5xx, a reset or a timeout: an instance may already exist", () => {
    for (const code of [500, 502, 503, 504]) expect(isRetryable("POST", status(code))).toBe(false);
    for (const code of ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"]) {
      expect(isRetryable("POST", network(code))).toBe(false);
    }
    expect(isRetryable("POST", network("ETIMEDOUT", true))).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter(" 60 ", now)).toBe(60_000);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 10_000).toUTCString(), now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    for (const value of [undefined, "", "soon", "-1", "1.5", "2e3"]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe("backoffDelay", () => {
  const settings = { limit: 4, baseDelayMs: 500, maxDelayMs: 30_000, rateLimitWaitMs: 600_000 };

  it("uses full jitter: between 0 and base * 2^(retry-1)", () => {
    expect(backoffDelay(1, settings, () => 0)).toBe(0);
    expect(backoffDelay(1, settings, () => 0.5)).toBe(250);
    expect(backoffDelay(1, settings, () => 0.999999)).toBe(499);
    expect(backoffDelay(2, settings, () => 0.999999)).toBe(999);
    expect(backoffDelay(3, settings, () => 0.5)).toBe(1000);
  });

  it("never exceeds maxDelayMs, however many retries", () => {
    expect(backoffDelay(50, settings, () => 0.999999)).toBeLessThan(30_000);
    expect(backoffDelay(50, settings, () => 0.5)).toBe(15_000);
  });

  it("stays within bounds with the real Math.random", () => {
    for (let retry = 1; retry <= 10; retry++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(retry, settings);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(30_000, 500 * 2 ** (retry - 1)));
      }
    }
  });
});

describe("retryDelay", () => {
  const settings = { limit: 4, baseDelayMs: 500, maxDelayMs: 30_000, rateLimitWaitMs: 600_000 };
  const now = Date.UTC(2025, 0, 1);

  it("honours Retry-After instead of the backoff", () => {
    expect(retryDelay(status(429, "3"), 1, settings, () => 0.5, now)).toBe(3000);
    expect(retryDelay(status(503, new Date(now + 7000).toUTCString()), 1, settings, () => 0.5, now)).toBe(
      7000,
    );
  });

  it("caps Retry-After at maxDelayMs", () => {
    expect(retryDelay(status(429, "120"), 1, settings, () => 0.5, now)).toBe(30_000);
  });

  it("falls back to the backoff without a readable Retry-After", () => {
    expect(retryDelay(status(429), 2, settings, () => 0.5, now)).toBe(500);
    expect(retryDelay(status(429, "later"), 2, settings, () => 0.5, now)).toBe(500);
    expect(retryDelay(network("ECONNRESET"), 3, settings, () => 0.5, now)).toBe(1000);
  });
});

describe("resolveRetrySettings", () => {
  it("defaults to 4 retries, 500 ms base, 30 s cap", () => {
    expect(resolveRetrySettings(undefined)).toEqual({
      limit: 4,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      rateLimitWaitMs: 600_000,
    });
    expect(DEFAULT_RETRY_SETTINGS).toEqual({
      limit: 4,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      rateLimitWaitMs: 600_000,
    });
  });

  it("takes partial overrides", () => {
    expect(resolveRetrySettings({ limit: 0 })).toEqual({
      limit: 0,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      rateLimitWaitMs: 600_000,
    });
  });

  it("rejects nonsense early", () => {
    expect(() => resolveRetrySettings({ limit: -1 })).toThrow(RangeError);
    expect(() => resolveRetrySettings({ baseDelayMs: 1.5 })).toThrow(/retry.baseDelayMs/);
    expect(() => resolveRetrySettings({ maxDelayMs: Number.NaN })).toThrow(/non-negative integer/);
  });
});
