/**
 * A record of every API request, for tests that assert what a client sent (and did not send).
 * It names the token used by its label only: the token value never enters the log.
 */
import type { SandboxFaultKind } from "./faults";

export interface SandboxRequest {
  method: string;
  /** The path as received, including `/api/v1` and the query string. */
  path: string;
  /** The body parsed as JSON, or null (no body, or not JSON). */
  body: unknown;
  /** The status answered; null when the connection was reset without an answer. */
  status: number | null;
  /** The label of the token that authenticated the request; null when none did. */
  tokenName: string | null;
  /** Arrival time, ISO 8601. */
  at: string;
  /** The injected fault that shaped the answer, if any. */
  fault?: SandboxFaultKind;
  /** How the fault's `waitFor` ended: the awaited request was answered, or the bound passed first. */
  waited?: "met" | "timed out";
}

/** Enough for any test; bounds the memory of a long-running CLI sandbox. */
const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: SandboxRequest[] = [];
  /** Requests ever recorded, across clear(): the sequence number of the latest one. */
  private total = 0;
  private readonly listeners = new Set<(entry: SandboxRequest) => void>();

  record(entry: SandboxRequest): void {
    this.entries.push(entry);
    this.total += 1;
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    for (const listener of this.listeners) listener(entry);
  }

  /** The sequence number of the latest recorded request (0 before the first). */
  get recorded(): number {
    return this.total;
  }

  /**
   * Resolves "met" once a request recorded after sequence number `since` satisfies `matches` (at once
   * if one already has), "timed out" after `maxMs`, "closed" when `signal` aborts first.
   */
  waitFor(
    matches: (entry: SandboxRequest) => boolean,
    since: number,
    maxMs: number,
    signal: AbortSignal,
  ): Promise<"met" | "timed out" | "closed"> {
    // Entries are contiguous up to the latest: the first kept one has number total - length + 1.
    const first = this.total - this.entries.length + 1;
    if (this.entries.some((entry, n) => first + n > since && matches(entry))) return Promise.resolve("met");
    if (signal.aborted) return Promise.resolve("closed");
    return new Promise((resolve) => {
      const done = (outcome: "met" | "timed out" | "closed"): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        signal.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const listener = (entry: SandboxRequest): void => {
        if (matches(entry)) done("met");
      };
      const onAbort = (): void => done("closed");
      const timer = setTimeout(() => done("timed out"), maxMs);
      this.listeners.add(listener);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  all(): SandboxRequest[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
