/**
 * Creating instances without orphans or duplicates when the answer to `POST /instances` is lost —
 * also while another stack of the same account deploys, and on the run after a create that failed.
 *
 * A POST whose outcome is unknown (a 5xx or a dropped connection after the request was sent, an
 * unreadable 2xx: the client's `outcomeUnknown`) may or may not have made a paid instance. The API
 * has no idempotency key, no tags and no creation time. What it does show: an instance whose POST
 * answer was lost stays *as the server made it* (`isAsServerMade`: default name, no webhook, no
 * events) — nobody PUTs it — while a neighbour's new instance gets its PUT a moment after its POST.
 *
 * POSTs of one provider process run concurrently; before the first one the process notes the
 * account's instances (one `GET /instances` per process, shared by the creates that start together).
 * An id is *explained* when a POST of this process was answered with it, or this process claimed it
 * (or named it in an error).
 *
 * **After an ambiguous failure**, no new POST starts, the POSTs already in flight settle (so every id
 * this process was answered with is known), and the account is listed once for all the ambiguous
 * POSTs waiting by then. The ids neither noted before nor explained came from those POSTs or from
 * someone else at the same moment (another stack's `up`, the dashboard). Touched ones (not as the
 * server made them) are someone else's: no PUT of ours reached them. The untouched ones are watched
 * until the account settles (`settle`: re-listed every POLL_MS until nothing foreign changed for the
 * quiet window — at least QUIET_MS, and longer on a slow server — or MAX_SETTLE_MS passed), and only
 * those still untouched and unchanged throughout are candidates; a neighbour's got their PUT
 * meanwhile. With k POSTs waiting and c candidates (body-less POSTs make interchangeable instances):
 *
 * - c = k: one each, claimed (see below); each create carries on with its instance;
 * - c < k: c creates claim one each; the other k − c POSTs made nothing (the list was taken after
 *   every POST of the process had settled, so any instance they made would be in it, untouched, or
 *   taken over by someone else's claim and so theirs) and send a fresh POST (a few attempts at most);
 * - c > k, or a token that may not list (no `read` permission): a typed error naming the candidates,
 *   nothing recorded — which one is ours cannot be told.
 *
 * **On the run after a failed create** (a fresh process: the recovery's own list failed, the
 * candidates were too many, or the process was killed between POST and PUT), the instances its
 * first list shows as the server made them are *leftovers*: every create this provider finishes
 * PUTs its instance (a name of its own), so an untouched instance was left by a create that did not
 * finish — of this stack or another — or was made by hand and never named. Creates that start
 * before the leftovers are settled wait for them (the same `settle`) and take one each instead of
 * POSTing; the rest POST as usual. Taking another stack's leftover makes it this stack's (no
 * orphan: that stack's re-run then reuses another or POSTs); taking one named by nobody is the rule's
 * residual risk (README, "What it never does").
 *
 * **A claim** is exclusive: a PUT of a name no one else can choose (`claimName`), and after
 * CLAIM_CHECK_MS a read of the instance. Two claimers that picked the same instance from lists taken
 * before either PUT both write; the later write stays, so the earlier claimer reads a name not its
 * own and lets the instance go (its create POSTs, or takes another). The lifecycle then PUTs the
 * declared settings as for any create. Nothing here ever deletes an instance.
 */
import { randomBytes } from "node:crypto";
import { WaapiError, WaapiNotFoundError, WaapiPermissionError, type WaapiClient } from "../client";
import { isAsServerMade, type ApiInstance } from "../waapi-api";

/** What the core tells the person running Pulumi, though nothing failed; each door shows it its own way. */
export type Warn = (message: string) => void;

const IGNORE: Warn = () => undefined;

/** POSTs per create, when each ambiguous failure is followed by a list showing nothing for it. */
export const MAX_CREATE_ATTEMPTS = 3;

/** How long a recovery lets a server that acted as it failed take to show the instance in its list. */
export const LIST_GRACE_MS = 250;

/** How often `settle` lists the account while it watches untouched instances. */
export const POLL_MS = 1500;
/** The least time nothing foreign may change before untouched instances count as settled. */
export const QUIET_MS = 4500;
/**
 * The quiet window in units of the slowest list round trip seen: a neighbour's PUT follows its POST
 * by about one round trip, so a slow server gets a longer window.
 */
export const QUIET_ROUND_TRIPS = 10;
/** `settle` never watches longer than this: "tens of seconds at most". */
export const MAX_SETTLE_MS = 30_000;
/** How long a claim's name must stay before the instance counts as this process's. */
export const CLAIM_CHECK_MS = 1500;

/** What creation needs of the client (a fake in unit tests). */
export type CreationClient = Pick<
  WaapiClient,
  "createInstance" | "listInstances" | "getInstance" | "updateInstance"
>;

/** The timings above, shortened by unit tests. */
export interface CreationTimings {
  graceMs: number;
  pollMs: number;
  quietMs: number;
  quietRoundTrips: number;
  maxSettleMs: number;
  claimCheckMs: number;
}

const TIMINGS: CreationTimings = {
  graceMs: LIST_GRACE_MS,
  pollMs: POLL_MS,
  quietMs: QUIET_MS,
  quietRoundTrips: QUIET_ROUND_TRIPS,
  maxSettleMs: MAX_SETTLE_MS,
  claimCheckMs: CLAIM_CHECK_MS,
};

/**
 * The name a claim writes: unique to the claim (random), and recognisable as a claim in the
 * dashboard. Never a name a user declares by accident.
 */
export function claimName(nonce: string): string {
  return `pulumi-waapi claim ${nonce}`;
}

/**
 * More untouched instances appeared than POSTs were waiting for one: which are ours cannot be told.
 * The doors add how their users take one over (the registry's `mayHaveCreated`).
 */
export class AmbiguousCreateError extends Error {
  readonly code = "ERR_WAAPI_CREATE_AMBIGUOUS";
  constructor(
    readonly candidateIds: number[],
    cause: string,
  ) {
    super(
      `Creating the instance failed with an unknown outcome (${cause}), and since this provider last ` +
        `looked, ${candidateIds.length} instances appeared in the account that no answer explains and ` +
        `that no PUT has touched: ${candidateIds.join(", ")}. One may be this resource's, the others ` +
        "someone else's (another `pulumi up`, the dashboard). Nothing was recorded. Running `pulumi up` " +
        "again takes one of those still as the server made them instead of creating another.",
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

/** The account as this process first listed it. */
interface Snapshot {
  ids: Set<number>;
  /** The instances then still as the server made them: leftovers of creates that did not finish. */
  leftovers: ApiInstance[];
  listed: ApiInstance[];
}

/** A create waiting for the leftover round: it gets a claimed leftover, or nothing (POST). */
type LeftoverWaiter = (found: ApiInstance | undefined) => void;

/** The ids an account had before this process created anything, and the ids explained since. */
export class CreationLedger {
  /** The first list, shared by the creates that start before it returns. */
  private snapshot: Promise<Snapshot | "unlisted"> | undefined;
  private readonly explained = new Set<number>();
  private inFlight = 0;
  private waiting: Waiter[] = [];
  /** Set from the first ambiguous failure until its recovery has listed: no POST starts meanwhile. */
  private gate: { closed: Promise<void>; open: () => void } | undefined;
  /** The creates waiting for the leftovers to settle, and whether that round is over. */
  private leftoverWaiters: LeftoverWaiter[] | "done" = [];
  /** The slowest list round trip seen, in ms: a neighbour's POST-to-PUT gap is about one. */
  private slowestList = 0;
  private readonly timings: CreationTimings;

  constructor(
    private readonly wait: (ms: number) => Promise<void> = sleep,
    timings: Partial<CreationTimings> = {},
  ) {
    this.timings = { ...TIMINGS, ...timings };
  }

  /**
   * Creates one instance, or finds the one an ambiguous POST made, or takes a leftover of a create
   * that did not finish — and then says so through `warn` (a door shows it to the person running
   * `pulumi up`: the POST failed or was not needed, yet nothing needs doing).
   */
  async create(client: CreationClient, warn: Warn = IGNORE): Promise<ApiInstance> {
    const known = await this.snapshotOf(client);
    if (known !== "unlisted" && this.leftoverWaiters !== "done" && known.leftovers.length > 0) {
      const reused = await this.reuseLeftover(client, known, warn);
      if (reused) return reused;
    }
    for (let attempt = 1; ; attempt++) {
      while (this.gate) await this.gate.closed;
      this.inFlight++;
      let made: ApiInstance;
      try {
        made = await client.createInstance();
      } catch (error) {
        const recoverable = error instanceof WaapiError && error.outcomeUnknown && known !== "unlisted";
        const found = recoverable ? this.join(error, attempt) : undefined;
        this.settled(client, known, warn);
        if (!found) throw withUnlistedReason(error, known);
        const ours = await found;
        if (ours) {
          warn(
            `The answer to the POST that creates an instance was lost (${firstSentence(errorMessage(error))}), ` +
              `and instance ${ours.id} appeared in the account since, as the server makes them, and stayed ` +
              "so: that POST made it, so this resource carries on with it. No second instance was created.",
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
      this.settled(client, known, warn);
      return made;
    }
  }

  private snapshotOf(client: CreationClient): Promise<Snapshot | "unlisted"> {
    this.snapshot ??= this.takeSnapshot(client).catch((error: unknown) => {
      this.snapshot = undefined; // a failed first list is tried again by the next create
      throw error;
    });
    return this.snapshot;
  }

  private async takeSnapshot(client: CreationClient): Promise<Snapshot | "unlisted"> {
    try {
      const listed = await this.list(client);
      const ids = new Set(listed.map((instance) => instance.id));
      return { ids, leftovers: listed.filter(isAsServerMade), listed };
    } catch (error) {
      if (error instanceof WaapiPermissionError) return "unlisted";
      throw error;
    }
  }

  /** One `GET /instances`, timed: the slowest round trip sets how long `settle` waits. */
  private async list(client: CreationClient): Promise<ApiInstance[]> {
    const started = Date.now();
    const listed = await client.listInstances();
    this.slowestList = Math.max(this.slowestList, Date.now() - started);
    return listed;
  }

  /**
   * Joins the round that settles the snapshot's leftovers (the first create to come starts it), and
   * gets one claimed for it, or nothing. Creates that come after the round POST as usual.
   */
  private reuseLeftover(
    client: CreationClient,
    known: Snapshot,
    warn: Warn,
  ): Promise<ApiInstance | undefined> {
    const waiters = this.leftoverWaiters;
    if (waiters === "done") return Promise.resolve(undefined);
    const found = new Promise<ApiInstance | undefined>((resolve) => waiters.push(resolve));
    if (waiters.length === 1) void this.leftoverRound(client, known, waiters, warn);
    return found;
  }

  private async leftoverRound(
    client: CreationClient,
    known: Snapshot,
    waiters: LeftoverWaiter[],
    warn: Warn,
  ): Promise<void> {
    const ids = known.leftovers.map((instance) => instance.id);
    let survivors: ApiInstance[] = [];
    try {
      warn(
        `The account holds ${ids.length} instance(s) still as the server made them (${ids.join(", ")}), ` +
          "left by a create that did not finish (this stack's or another's) or by another stack's create " +
          "under way. Waiting until they settle (a create under way gives its instance a name within " +
          `moments; at most ${Math.round(this.timings.maxSettleMs / 1000)} s), then this run takes those ` +
          "still untouched instead of creating new ones.",
      );
      survivors = await this.settle(client, known.leftovers, known.listed);
    } catch {
      survivors = []; // the leftovers could not be watched: POST as usual, take nothing unproven
    }
    this.leftoverWaiters = "done"; // later creates POST
    const claims = waiters.map(async (resolve, n) => {
      const candidate = survivors[n];
      const claimed = candidate ? await this.claim(client, candidate).catch(() => undefined) : undefined;
      if (claimed) {
        warn(
          `Instance ${claimed.id} was still as the server made it, unrecorded by this run, and stayed so ` +
            "while the account settled: a create that did not finish left it, so this resource takes it " +
            "instead of creating (and paying for) another.",
        );
      }
      resolve(claimed);
    });
    await Promise.all(claims);
  }

  /**
   * Watches `watched` (instances as the server made them) until the account settles: re-lists every
   * pollMs, and stops once nothing foreign — an instance of someone else's, new or changed — has
   * changed for the quiet window, or after maxSettleMs. `baseline`: the list `watched` came from.
   * Returns those still present, unchanged and untouched in every list, sorted by id.
   */
  private async settle(
    client: CreationClient,
    watched: readonly ApiInstance[],
    baseline: readonly ApiInstance[],
  ): Promise<ApiInstance[]> {
    const { pollMs, quietMs, quietRoundTrips, maxSettleMs } = this.timings;
    let survivors = [...watched];
    const foreignIn = (listed: readonly ApiInstance[]) =>
      new Map(
        listed
          .filter((instance) => !this.explained.has(instance.id))
          .map((instance) => [instance.id, fingerprint(instance)]),
      );
    let previous = foreignIn(baseline);
    let quietFor = 0;
    for (let waited = 0; survivors.length > 0 && waited < maxSettleMs; waited += pollMs) {
      await this.wait(pollMs);
      const listed = await this.list(client);
      const now = new Map(listed.map((instance) => [instance.id, fingerprint(instance)]));
      survivors = survivors.filter((instance) => now.get(instance.id) === fingerprint(instance));
      // Someone else's activity: an instance this process cannot explain that is new or changed.
      const foreign = foreignIn(listed);
      const changed = [...foreign].some(([id, print]) => previous.get(id) !== print);
      quietFor = changed ? 0 : quietFor + pollMs;
      previous = foreign;
      const window = Math.max(quietMs, quietRoundTrips * this.slowestList);
      if (quietFor >= Math.min(window, maxSettleMs)) break;
    }
    return survivors.sort((a, b) => a.id - b.id);
  }

  /**
   * Makes `instance` this process's, or finds it taken: a PUT of a name only this claim uses, then,
   * after claimCheckMs, a read. Undefined when someone else's write came after ours (or the instance
   * went); the PUT's own error when it failed and left the instance untouched.
   */
  private async claim(client: CreationClient, instance: ApiInstance): Promise<ApiInstance | undefined> {
    this.explained.add(instance.id);
    const name = claimName(randomBytes(6).toString("hex"));
    // A PUT that failed may have been applied all the same (an unreadable 2xx, a reset after WAAPI
    // acted): the read below says whether the claim's name is there, so it is checked either way.
    const failure = await client.updateInstance(instance.id, { name }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (failure instanceof WaapiNotFoundError) return undefined;
    await this.wait(this.timings.claimCheckMs);
    const now = await client.getInstance(instance.id).catch((error: unknown) => {
      if (error instanceof WaapiNotFoundError) return undefined;
      throw error;
    });
    if (now?.name === name) return now;
    // Not ours. Had our PUT failed before WAAPI acted, the instance is as it was: say why.
    if (failure !== undefined && now && isAsServerMade(now)) throw failure;
    return undefined;
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
  private settled(client: CreationClient, known: Snapshot | "unlisted", warn: Warn): void {
    this.inFlight--;
    if (this.inFlight > 0 || this.waiting.length === 0 || known === "unlisted") return;
    const batch = this.waiting;
    this.waiting = [];
    void this.recover(client, known, batch, warn);
  }

  private async recover(client: CreationClient, known: Snapshot, batch: Waiter[], warn: Warn): Promise<void> {
    try {
      // Give a server that acted as it failed a moment to show the instance in its list.
      await this.wait(this.timings.graceMs * Math.max(...batch.map((waiter) => waiter.attempt)));
      let candidates: ApiInstance[];
      try {
        const listed = await this.list(client);
        const unexplained = listed.filter(
          (instance) => !known.ids.has(instance.id) && !this.explained.has(instance.id),
        );
        // Touched ones are someone else's: no PUT of this process reached an instance it was not answered with.
        for (const instance of unexplained) if (!isAsServerMade(instance)) this.explained.add(instance.id);
        const untouched = unexplained.filter(isAsServerMade);
        if (untouched.length > 0) {
          warn(
            `The answer to a POST that creates an instance was lost, and ${untouched.length} instance(s) ` +
              `appeared that no answer explains, as the server makes them (${untouched.map((i) => i.id).join(", ")}). ` +
              "Waiting until the account settles (another stack's new instances get their names within " +
              `moments; at most ${Math.round(this.timings.maxSettleMs / 1000)} s), to take only those that ` +
              "stay untouched.",
          );
        }
        candidates = await this.settle(client, untouched, listed);
      } catch (error) {
        const reason = errorMessage(error);
        for (const waiter of batch) {
          waiter.failure.message +=
            ` Listing the account's instances to find out failed too: ${reason} Nothing was recorded; ` +
            "running `pulumi up` again takes the instance that POST made, if it is still as the server " +
            "made it, instead of creating another.";
          waiter.reject(waiter.failure);
        }
        return;
      }
      for (const instance of candidates) this.explained.add(instance.id);
      if (candidates.length > batch.length) {
        const ids = candidates.map((instance) => instance.id);
        for (const waiter of batch) {
          waiter.reject(new AmbiguousCreateError(ids, firstSentence(waiter.failure.message)));
        }
        return;
      }
      await Promise.all(
        batch.map(async (waiter, n) => {
          const candidate = candidates[n];
          if (!candidate) return waiter.resolve(undefined); // made nothing: a fresh POST
          try {
            // Taken by someone else's claim meanwhile: theirs now, so ours made nothing left to us.
            waiter.resolve(await this.claim(client, candidate));
          } catch (error) {
            waiter.failure.message +=
              ` Instance ${candidate.id} appeared for it, but taking it failed: ${errorMessage(error)} ` +
              "Nothing was recorded; running `pulumi up` again takes it if it is still as the server made it.";
            waiter.reject(waiter.failure);
          }
        }),
      );
    } finally {
      const gate = this.gate;
      this.gate = undefined;
      gate?.open();
    }
  }
}

/** What `settle` compares between lists: the settings a PUT changes. */
function fingerprint(instance: ApiInstance): string {
  return JSON.stringify([instance.name, instance.webhook_url, instance.webhook_events]);
}

function withUnlistedReason(error: unknown, known: Snapshot | "unlisted"): unknown {
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
