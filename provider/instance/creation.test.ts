import fc from "fast-check";
import { WaapiPermissionError, WaapiServerError, type WaapiErrorContext } from "../client";
import { serverDefaultName, type ApiInstance } from "../waapi-api";
import {
  AmbiguousCreateError,
  CreationLedger,
  MAX_CREATE_ATTEMPTS,
  MAX_SETTLE_MS,
  POLL_MS,
  QUIET_MS,
  claimName,
  type CreationClient,
} from "./creation";

/** How the fake server treats one POST. */
type Outcome = "answered" | "lost after acting" | "lost before acting" | "refused";

const POST: WaapiErrorContext = {
  operation: "createInstance",
  method: "POST",
  path: "/instances",
  attempts: 1,
};

/**
 * An account on a fake WAAPI. Every request takes `step` twice (it arrives, then its answer does),
 * so a scheduler can interleave them any way it likes. POSTs follow `plan`, then are answered. An
 * instance starts as the server makes them (its default name); `touch` is someone's PUT.
 */
class FakeAccount {
  readonly ids: number[] = [];
  readonly existing: number[];
  private readonly names = new Map<number, string>();
  lists = 0;
  posts = 0;
  puts = 0;
  postsInFlight = 0;
  mostPostsInFlight = 0;
  private nextId = 100;

  constructor(
    private readonly step: (label: string) => Promise<void>,
    private readonly plan: Outcome[] = [],
    existing = 2,
    private readonly canList = true,
  ) {
    for (let n = 0; n < existing; n++) this.touch(this.createElsewhere(), `Existing ${n}`);
    this.existing = [...this.ids];
  }

  /** An instance made by someone else (the dashboard, another stack), as the server makes it. */
  createElsewhere(): number {
    const id = this.nextId++;
    this.ids.push(id);
    return id;
  }

  /** Someone's PUT: the instance is no longer as the server made it. */
  touch(id: number, name: string): void {
    this.names.set(id, name);
  }

  nameOf(id: number): string {
    return this.names.get(id) ?? serverDefaultName(id);
  }

  private instance(id: number): ApiInstance {
    return {
      id,
      owner: "owner@example.com",
      name: this.nameOf(id),
      webhook_url: null,
      webhook_events: [],
      is_trial: false,
    };
  }

  readonly client: CreationClient = {
    createInstance: async () => {
      const outcome = this.plan[this.posts++] ?? "answered";
      this.postsInFlight++;
      this.mostPostsInFlight = Math.max(this.mostPostsInFlight, this.postsInFlight);
      try {
        await this.step("POST arrives");
        const id =
          outcome === "answered" || outcome === "lost after acting" ? this.createElsewhere() : undefined;
        await this.step("POST answered");
        if (id !== undefined && outcome === "answered") return this.instance(id);
        if (outcome === "refused") throw new WaapiPermissionError({ ...POST, statusCode: 403 });
        throw new WaapiServerError({ ...POST, statusCode: 502, outcomeUnknown: true });
      } finally {
        this.postsInFlight--;
      }
    },
    listInstances: async () => {
      this.lists++;
      await this.step("GET /instances");
      if (!this.canList)
        throw new WaapiPermissionError({
          ...POST,
          operation: "listInstances",
          method: "GET",
          statusCode: 403,
        });
      return this.ids.map((id) => this.instance(id));
    },
    getInstance: async (id) => {
      await this.step("GET /instances/:id");
      return this.instance(Number(id));
    },
    updateInstance: async (id, body) => {
      this.puts++;
      await this.step("PUT /instances/:id");
      this.touch(Number(id), body.name ?? this.nameOf(Number(id)));
      return {
        status: "success",
        instanceId: String(id),
        name: this.nameOf(Number(id)),
        instanceStatus: "qr",
        instanceWebhook: null,
        instanceEvents: [],
      };
    },
  };
}

/** The re-lists of a settle on a quiet account: the quiet window in polls. */
const SETTLE_LISTS = Math.ceil(QUIET_MS / POLL_MS);
const MAX_SETTLE_LISTS = Math.ceil(MAX_SETTLE_MS / POLL_MS);

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `count` creates (each after `start`, at once by default); each settles to an id or an error. */
function createAll(
  ledger: CreationLedger,
  account: FakeAccount,
  count: number,
  start: (n: number) => Promise<void> = () => Promise.resolve(),
) {
  return Promise.all(
    Array.from({ length: count }, (_, n) =>
      start(n)
        .then(() => ledger.create(account.client))
        .then(
          (made) => ({ id: made.id }),
          (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
        ),
    ),
  );
}

const made = (account: FakeAccount): number[] => account.ids.filter((id) => !account.existing.includes(id));
const ids = (results: ({ id: number } | { error: Error })[]): number[] =>
  results.flatMap((result) => ("id" in result ? [result.id] : [])).sort((a, b) => a - b);

describe("CreationLedger", () => {
  it("runs the POSTs of a process concurrently, after one list for all of them", async () => {
    const account = new FakeAccount(tick);
    const results = await createAll(new CreationLedger(tick), account, 10);
    expect(ids(results)).toEqual(made(account));
    expect(made(account)).toHaveLength(10);
    expect(account.lists).toBe(1);
    expect(account.posts).toBe(10);
    expect(account.mostPostsInFlight).toBe(10);
  });

  it("k ambiguous POSTs that each made an instance get one each, from one list after the POSTs settle", async () => {
    const account = new FakeAccount(tick, ["answered", "lost after acting", "answered", "lost after acting"]);
    const results = await createAll(new CreationLedger(tick), account, 4);
    expect(ids(results)).toEqual(made(account));
    expect(made(account)).toHaveLength(4);
    // The snapshot, and one recovery for both: its list and the settle's re-lists.
    expect(account.lists).toBe(2 + SETTLE_LISTS);
    expect(account.posts).toBe(4);
    expect(account.puts).toBe(2); // one claim each
  });

  it("a waiting POST that made nothing sends a fresh POST; the one that made an instance keeps it", async () => {
    const account = new FakeAccount(tick, ["lost after acting", "lost before acting", "answered"]);
    const results = await createAll(new CreationLedger(tick), account, 3);
    expect(ids(results)).toEqual(made(account));
    expect(made(account)).toHaveLength(3);
    expect(account.posts).toBe(4); // three, and one fresh POST for the one that made nothing
  });

  it(`gives up after ${MAX_CREATE_ATTEMPTS} POSTs that each made nothing, having made nothing`, async () => {
    const account = new FakeAccount(tick, Array<Outcome>(MAX_CREATE_ATTEMPTS).fill("lost before acting"));
    const [result] = await createAll(new CreationLedger(tick), account, 1);
    expect(result && "error" in result ? result.error.message : "").toContain(
      `after each of ${MAX_CREATE_ATTEMPTS} attempts, so none was created`,
    );
    expect(made(account)).toEqual([]);
  });

  it("more unexplained ids than waiting POSTs: an error naming every candidate, for each of them", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    let once = true;
    const ledger = new CreationLedger(async () => {
      // Someone else creates an instance during the recovery's grace, and leaves it as the server made it.
      if (once) account.createElsewhere();
      once = false;
      await tick();
    });
    const [result] = await createAll(ledger, account, 1);
    const error = result && "error" in result ? result.error : undefined;
    expect(error).toBeInstanceOf(AmbiguousCreateError);
    expect(error instanceof AmbiguousCreateError ? error.candidateIds : []).toEqual(made(account));
    expect(error?.message).toContain(made(account).join(", "));
    // The named candidates are left to a person: a later recovery does not count them again.
    const [next] = await createAll(ledger, account, 1);
    expect(next && "id" in next).toBe(true);
  });

  it("a token that may not list: the ambiguous POST fails at once, saying why, and is not repeated", async () => {
    const account = new FakeAccount(tick, ["lost after acting", "answered"], 2, false);
    const results = await createAll(new CreationLedger(tick), account, 2);
    const failed = results.flatMap((result) => ("error" in result ? [result.error.message] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain("lacks the read permission");
    expect(account.posts).toBe(2);
    expect(account.lists).toBe(1);
  });

  it("a first list that fails is tried again by the next create", async () => {
    const account = new FakeAccount(tick);
    let failNext = true;
    const list = account.client.listInstances;
    const client: CreationClient = {
      ...account.client,
      listInstances: () => {
        if (!failNext) return list();
        failNext = false;
        return Promise.reject(new WaapiServerError({ ...POST, method: "GET", statusCode: 503 }));
      },
    };
    const ledger = new CreationLedger(tick);
    await expect(ledger.create(client)).rejects.toThrow("503");
    const second = await ledger.create(client);
    expect(made(account)).toEqual([second.id]);
    expect(account.posts).toBe(1);
    expect(account.lists).toBe(1); // the failed list never reached the fake's count
  });

  it("any interleaving of answered, ambiguous and refused POSTs: one instance per successful create, none unexplained", async () => {
    const outcome = fc.constantFrom<Outcome>(
      "answered",
      "lost after acting",
      "lost before acting",
      "refused",
    );
    let ambiguousRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(outcome, { maxLength: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat({ max: 6 }), { minLength: 1, maxLength: 12 }),
        async (scheduler, plan, creates, delays) => {
          const step = (label: string) => scheduler.schedule(Promise.resolve(), label);
          const account = new FakeAccount(step, plan);
          const results = await scheduler.waitFor(
            createAll(new CreationLedger(() => step("grace")), account, creates, async (n) => {
              // The engine starts creates over time, some while a recovery is under way.
              for (let wait = 0; wait < (delays[n % delays.length] ?? 0); wait++) await step("engine");
            }),
          );

          // Every instance the account gained belongs to exactly one create that succeeded: no orphan,
          // no duplicate.
          expect(ids(results)).toEqual(made(account));
          // Each failure is certain (the server refused) or made nothing after every attempt; never a guess.
          for (const result of results) {
            if ("error" in result) {
              expect(result.error).not.toBeInstanceOf(AmbiguousCreateError);
              expect(result.error.message).toMatch(/403|so none was created/);
            }
          }
          const ambiguous = plan.slice(0, account.posts).filter((o) => o.startsWith("lost")).length;
          if (ambiguous > 0) ambiguousRuns++;
          // One list before the first POST; after that, at most one recovery per ambiguous POST (batched).
          expect(account.lists).toBeLessThanOrEqual(1 + ambiguous * (1 + MAX_SETTLE_LISTS));
          if (ambiguous === 0) expect(account.lists).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
    expect(ambiguousRuns).toBeGreaterThan(50); // the property was not vacuous
  });

  it("concurrent ambiguous POSTs share one recovery list", async () => {
    const account = new FakeAccount(tick, Array<Outcome>(6).fill("lost after acting"));
    const results = await createAll(new CreationLedger(tick), account, 6);
    expect(ids(results)).toEqual(made(account));
    expect(account.lists).toBe(2 + SETTLE_LISTS);
    expect(account.posts).toBe(6);
  });

  it("a neighbour's new instance, named a moment after its POST, is told from ours, which stays as the server made it", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    let waits = 0;
    let neighbour = 0;
    const ledger = new CreationLedger(async () => {
      // Another stack's POST lands during the recovery's grace; its PUT, two polls later.
      if (waits === 0) neighbour = account.createElsewhere();
      if (waits === 2) account.touch(neighbour, "Production line");
      waits++;
      await tick();
    });
    const warnings: string[] = [];
    const ours = await ledger.create(account.client, (message) => warnings.push(message));
    expect(made(account)).toEqual([ours.id, neighbour].sort((a, b) => a - b));
    expect(ours.id).not.toBe(neighbour);
    expect(account.nameOf(ours.id)).toMatch(/^pulumi-waapi claim [0-9a-f]{12}$/);
    expect(account.nameOf(neighbour)).toBe("Production line"); // never written by us
    expect(account.posts).toBe(1);
    // One line says why it waits, one what it found.
    expect(warnings).toEqual([
      expect.stringContaining("Waiting until the account settles"),
      expect.stringContaining(`instance ${ours.id} appeared`),
    ]);
  });

  it("an instance of someone else's that stays untouched too: the typed error names both, nothing claimed", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    let first = true;
    const ledger = new CreationLedger(async () => {
      if (first) account.createElsewhere(); // another stack's POST whose answer was lost too
      first = false;
      await tick();
    });
    const error = await ledger.create(account.client).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AmbiguousCreateError);
    expect(error).toMatchObject({ code: "ERR_WAAPI_CREATE_AMBIGUOUS", candidateIds: made(account) });
    expect(account.puts).toBe(0);
  });

  it("a claim overwritten by someone else's: the instance is theirs, and our create POSTs afresh", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    let rival: number | undefined;
    const client: CreationClient = {
      ...account.client,
      updateInstance: async (id, body) => {
        const answer = await account.client.updateInstance(id, body);
        rival = Number(id);
        account.touch(rival, claimName("0123456789ab")); // another claimer's PUT lands after ours
        return answer;
      },
    };
    const ours = await new CreationLedger(tick).create(client);
    expect(rival).toBeDefined();
    expect(ours.id).not.toBe(rival);
    expect(made(account)).toEqual([rival, ours.id]);
    expect(account.posts).toBe(2);
  });

  it("a fresh process takes an instance a failed create left as the server made it, instead of a POST", async () => {
    const account = new FakeAccount(tick);
    const leftover = account.createElsewhere(); // a POST whose answer was lost, in an earlier process
    const warnings: string[] = [];
    const results = await Promise.all([
      new CreationLedger(tick).create(account.client, (message) => warnings.push(message)),
    ]);
    expect(results.map((result) => result.id)).toEqual([leftover]);
    expect(account.posts).toBe(0);
    expect(account.lists).toBe(1 + SETTLE_LISTS);
    expect(warnings[0]).toContain(`still as the server made them (${leftover})`);
    expect(warnings[1]).toContain(`Instance ${leftover} was still as the server made it`);
  });

  it("a leftover named meanwhile (another stack's create under way) is not taken: the create POSTs", async () => {
    const account = new FakeAccount(tick);
    const theirs = account.createElsewhere();
    let waits = 0;
    const ledger = new CreationLedger(async () => {
      if (waits++ === 1) account.touch(theirs, "Their line");
      await tick();
    });
    const [a, b] = await Promise.all([ledger.create(account.client), ledger.create(account.client)]);
    expect(account.nameOf(theirs)).toBe("Their line");
    expect(account.posts).toBe(2);
    expect(made(account)).toEqual([theirs, a?.id, b?.id].sort((x = 0, y = 0) => x - y));
    // Creates after the round do not wait again.
    await ledger.create(account.client);
    expect(account.posts).toBe(3);
  });

  it("the recovery's own list fails: the create fails saying so, and the next process reuses the instance", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    let lists = 0;
    const client: CreationClient = {
      ...account.client,
      listInstances: () =>
        lists++ === 1
          ? Promise.reject(new WaapiServerError({ ...POST, method: "GET", statusCode: 503 }))
          : account.client.listInstances(),
    };
    const error = await new CreationLedger(tick).create(client).then(
      () => new Error("the create succeeded"),
      (failure: Error) => failure,
    );
    expect(error.message).toContain("Listing the account's instances to find out failed too");
    expect(error.message).toContain("running `pulumi up` again takes the instance");
    const [left] = made(account);
    const again = await new CreationLedger(tick).create(account.client);
    expect(again.id).toBe(left);
    expect(account.posts).toBe(1);
  });

  it("no leftovers, no lost answer: one list per process, then POSTs only", async () => {
    const account = new FakeAccount(tick);
    const ledger = new CreationLedger(tick);
    await Promise.all([ledger.create(account.client), ledger.create(account.client)]);
    expect({ lists: account.lists, posts: account.posts, puts: account.puts }).toEqual({
      lists: 1,
      posts: 2,
      puts: 0,
    });
  });

  it("a claim PUT WAAPI applied but whose answer was unreadable still counts: the read shows our name", async () => {
    const account = new FakeAccount(tick, ["lost after acting"]);
    const client: CreationClient = {
      ...account.client,
      updateInstance: async (id, body) => {
        await account.client.updateInstance(id, body); // applied, then the answer is lost
        throw new WaapiServerError({ ...POST, method: "PUT", operation: "updateInstance", statusCode: 502 });
      },
    };
    const ours = await new CreationLedger(tick).create(client);
    expect(made(account)).toEqual([ours.id]);
    expect(account.posts).toBe(1);
  });
});
