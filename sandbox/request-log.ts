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
}

/** Enough for any test; bounds the memory of a long-running CLI sandbox. */
const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: SandboxRequest[] = [];

  record(entry: SandboxRequest): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  all(): SandboxRequest[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
