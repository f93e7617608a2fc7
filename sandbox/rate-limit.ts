/**
 * The sandbox's rate limit: a token bucket over all API requests. `requestsPerMinute` tokens are added
 * evenly over each minute, up to `burst` stored; a request finding none gets WAAPI's 429 with a
 * `Retry-After` (whole seconds, rounded up) saying when the next one is due. With the default `burst`
 * of 2 the requests are spaced evenly — a strict reading of "N a minute", so that N requests take at
 * least (N - 2)/requestsPerMinute minutes whatever the client does — while the one spare token
 * absorbs the few milliseconds of timer jitter of a client that paces itself at exactly that rate.
 */
export interface RateLimit {
  requestsPerMinute: number;
  /** How many requests may go at once after a quiet spell; default 2. */
  burst?: number;
}

export function checkRateLimit(limit: RateLimit): Required<RateLimit> {
  const { requestsPerMinute, burst = 2 } = limit;
  if (!(Number.isFinite(requestsPerMinute) && requestsPerMinute > 0)) {
    throw new Error("WAAPI sandbox: rateLimit.requestsPerMinute must be a number above 0");
  }
  if (!(Number.isSafeInteger(burst) && burst >= 1)) {
    throw new Error("WAAPI sandbox: rateLimit.burst must be a whole number of at least 1");
  }
  return { requestsPerMinute, burst };
}

export class RateLimiter {
  private limit: Required<RateLimit> | undefined;
  private tokens = 0;
  private refilledAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Sets (or with undefined, lifts) the limit; the bucket starts full. */
  set(limit: RateLimit | undefined): void {
    this.limit = limit === undefined ? undefined : checkRateLimit(limit);
    this.tokens = this.limit?.burst ?? 0;
    this.refilledAt = this.now();
  }

  current(): Required<RateLimit> | undefined {
    return this.limit ? { ...this.limit } : undefined;
  }

  /** Takes a token for a request: undefined if it may go, else the seconds to wait (Retry-After). */
  take(): number | undefined {
    const limit = this.limit;
    if (!limit) return undefined;
    const perMs = limit.requestsPerMinute / 60_000;
    const now = this.now();
    this.tokens = Math.min(limit.burst, this.tokens + (now - this.refilledAt) * perMs);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / perMs / 1000));
  }
}
