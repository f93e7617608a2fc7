/**
 * Pacing shared by every request of a process to one account: WAAPI's rate limit counts the
 * account's requests, not each caller's, so the callers must slow down together.
 *
 * - After a 429, every request waits out the `Retry-After` the server gave, not only the one that
 *   got it (otherwise each of `--parallel` N requests discovers the limit on its own).
 * - Optionally, a steady pace: at most `maxRequestsPerMinute`, evenly spaced.
 */
export interface PacerOptions {
  maxRequestsPerMinute?: number;
  /** For tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class RequestPacer {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The earliest start of the next request under steady pacing. */
  private nextSlot = 0;
  /** No request starts before this (set by a 429). */
  private pausedUntil = 0;

  constructor(options: PacerOptions = {}) {
    const perMinute = options.maxRequestsPerMinute;
    if (perMinute !== undefined && !(Number.isFinite(perMinute) && perMinute > 0)) {
      throw new RangeError(`maxRequestsPerMinute must be a number above 0, got ${String(perMinute)}`);
    }
    this.intervalMs = perMinute === undefined ? 0 : 60_000 / perMinute;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when a request may start. */
  async admit(): Promise<void> {
    for (;;) {
      const now = this.now();
      const start = Math.max(now, this.pausedUntil, this.nextSlot);
      if (this.intervalMs > 0) this.nextSlot = start + this.intervalMs;
      if (start > now) await this.sleep(start - now);
      // A 429 seen by another request while this one waited moves the start again.
      if (this.pausedUntil <= this.now()) return;
    }
  }

  /** Holds every request back for `ms` (a 429's `Retry-After`). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
