/**
 * Creating instances without orphans or duplicates when the answer to `POST /instances` is lost.
 *
 * A POST whose outcome is unknown (a 5xx or a dropped connection after the request was sent, an
 * unreadable 2xx: the client's `outcomeUnknown`) may or may not have made a paid instance. POSTs of
 * one provider process run concurrently; before the first one the process notes the ids the account
 * already has (one `GET /instances` per process, shared by the creates that start together). An id
 * is *explained* when a POST of this process was answered with it, or an earlier recovery gave it
 * to a create (or named it in an error).
 *
 * After an ambiguous failure, no new POST starts, the POSTs already in flight are allowed to settle
 * (so every id this process was answered with is known), and then the account is listed once for
 * all the ambiguous POSTs that are waiting by then. The ids listed that were neither noted before
 * nor explained can only come from those POSTs — unless someone else created an instance in the
 * same account at the same moment, the design's one caveat. A body-less POST makes interchangeable
 * instances, so with k POSTs waiting and u such ids:
 *
 * - u = k: one id each; every create carries on with its instance;
 * - u < k: u creates carry on with one each; the other k − u POSTs made nothing (the list was taken
 *   after every POST of the process had settled, so any instance they made would be in it), and
 *   each of those sends a fresh POST — which cannot duplicate anything (a few attempts at most);
 * - u > k, or a token that may not list (no `read` permission): a clear error naming the
 *   candidates, and nothing recorded — which one is ours cannot be told.
 */
import { WaapiError, WaapiPermissionError, type WaapiClient } from "../client";
import type { ApiInstance } from "../waapi-api";

/** What the core tells the person running Pulumi, though nothing failed; each door shows it its own way. */
export type Warn = (message: string) => void;

const IGNORE: Warn = () => undefined;

/** POSTs per create, when each ambiguous failure is followed by a list showing nothing for it. */
export const MAX_CREATE_ATTEMPTS = 3;

/** How long a recovery lets a server that acted as it failed take to show the instance in its list. */
export const LIST_GRACE_MS = 250;

/** What creation needs of the client (a fake in unit tests). */
export type CreationClient = Pick<WaapiClient, "createInstance" | "listInstances">;

/** More instances appeared than POSTs were waiting for one: which are ours cannot be told. */
export class AmbiguousCreateError extends Error {
  readonly code = "ERR_WAAPI_CREATE_AMBIGUOUS";
  constructor(
    readonly candidateIds: number[],
    cause: string,
  ) {
    super(
      `Creating the instance failed with an unknown outcome (${cause}), and since this provider last ` +
        `looked, ${candidateIds.length} instances appeared in the account that no answer explains: ` +
        `${candidateIds.join(", ")}. One may be this resource's, the others someone else's (another ` +
        "`pulumi up`, the dashboard). Nothing was recorded. Look at them on the waapi.app dashboard; take " +
        "this resource's over with `adoptInstanceId: <its id>` and run `pulumi up` again.",
    );
    this.name = "AmbiguousCreateError";
  }
}

/** An ambiguous POST waiting for the next recovery: it gets an instance, nothing (POST again), or an error. */
interface Waiter {
  failure: WaapiError;
  attempt: number;
  resolve: (found: ApiInstance | undefined) => void;
  reject: (error: Error) => void;
}

/** The ids an account had before this process created anything, and the ids explained since. */
export class CreationLedger {
  /** The first list, shared by the creates that start before it returns. */
  private snapshot: Promise<Set<number> | "unlisted"> | undefined;
  private readonly explained = new Set<number>();
  private inFlight = 0;
  private waiting: Waiter[] = [];
  /** Set from the first ambiguous failure until its recovery has listed: no POST starts meanwhile. */
  private gate: { closed: Promise<void>; open: () => void } | undefined;

  constructor(private readonly wait: (ms: number) => Promise<void> = sleep) {}

  /**
   * Creates one instance, or finds the one an ambiguous POST made — and then says so through `warn`
   * (a door shows it to the person running `pulumi up`: the POST failed, yet nothing needs doing).
   */
  async create(client: CreationClient, warn: Warn = IGNORE): Promise<ApiInstance> {
    const known = await this.snapshotOf(client);
    for (let attempt = 1; ; attempt++) {
      while (this.gate) await this.gate.closed;
      this.inFlight++;
      let made: ApiInstance;
      try {
        made = await client.createInstance();
      } catch (error) {
        const recoverable = error instanceof WaapiError && error.outcomeUnknown && known !== "unlisted";
        const found = recoverable ? this.join(error, attempt) : undefined;
        this.settled(client, known);
        if (!found) throw withUnlistedReason(error, known);
        const ours = await found;
        if (ours) {
          warn(
            `The answer to the POST that creates an instance was lost (${firstSentence(errorMessage(error))}), ` +
              `and instance ${ours.id} appeared in the account since: that POST made it, so this resource ` +
              "carries on with it. No second instance was created.",
          );
          return ours;
        }
        if (attempt >= MAX_CREATE_ATTEMPTS) {
          if (error instanceof Error) {
            error.message += ` The account's instance list showed no instance for it after each of ${attempt} attempts, so none was created.`;
          }
          throw error;
        }
        continue;
      }
      this.explained.add(made.id);
      this.settled(client, known);
      return made;
    }
  }

  private snapshotOf(client: CreationClient): Promise<Set<number> | "unlisted"> {
    this.snapshot ??= listIds(client).catch((error: unknown) => {
      this.snapshot = undefined; // a failed first list is tried again by the next create
      throw error;
    });
    return this.snapshot;
  }

  /** Joins the next recovery; closes the gate so no new POST muddies the list it will take. */
  private join(failure: WaapiError, attempt: number): Promise<ApiInstance | undefined> {
    if (!this.gate) {
      let open = (): void => undefined;
      const closed = new Promise<void>((resolve) => (open = resolve));
      this.gate = { closed, open };
    }
    return new Promise((resolve, reject) => this.waiting.push({ failure, attempt, resolve, reject }));
  }

  /** A POST has settled; once none is in flight, the waiting ambiguous ones are recovered together. */
  private settled(client: CreationClient, known: Set<number> | "unlisted"): void {
    this.inFlight--;
    if (this.inFlight > 0 || this.waiting.length === 0 || known === "unlisted") return;
    const batch = this.waiting;
    this.waiting = [];
    void this.recover(client, known, batch);
  }

  private async recover(client: CreationClient, known: Set<number>, batch: Waiter[]): Promise<void> {
    try {
      // Give a server that acted as it failed a moment to show the instance in its list.
      await this.wait(LIST_GRACE_MS * Math.max(...batch.map((waiter) => waiter.attempt)));
      let listed: ApiInstance[];
      try {
        listed = await client.listInstances();
      } catch (error) {
        const reason = errorMessage(error);
        for (const waiter of batch) {
          waiter.failure.message += ` Listing the account's instances to find out failed too: ${reason}`;
          waiter.reject(waiter.failure);
        }
        return;
      }
      const unexplained = listed
        .filter((instance) => !known.has(instance.id) && !this.explained.has(instance.id))
        .sort((a, b) => a.id - b.id);
      for (const instance of unexplained) this.explained.add(instance.id);
      if (unexplained.length > batch.length) {
        const ids = unexplained.map((instance) => instance.id);
        for (const waiter of batch) {
          waiter.reject(new AmbiguousCreateError(ids, firstSentence(waiter.failure.message)));
        }
        return;
      }
      batch.forEach((waiter, n) => waiter.resolve(unexplained[n]));
    } finally {
      const gate = this.gate;
      this.gate = undefined;
      gate?.open();
    }
  }
}

async function listIds(client: CreationClient): Promise<Set<number> | "unlisted"> {
  try {
    return new Set((await client.listInstances()).map((instance) => instance.id));
  } catch (error) {
    if (error instanceof WaapiPermissionError) return "unlisted";
    throw error;
  }
}

function withUnlistedReason(error: unknown, known: Set<number> | "unlisted"): unknown {
  if (known === "unlisted" && error instanceof WaapiError && error.outcomeUnknown) {
    error.message +=
      " The API token lacks the read permission, so the provider could not list the account's " +
      "instances to find out whether one was created.";
  }
  return error;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end === -1 ? message : message.slice(0, end);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
