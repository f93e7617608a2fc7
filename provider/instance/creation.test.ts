import fc from "fast-check";
import { WaapiPermissionError, WaapiServerError, type WaapiErrorContext } from "../client";
import type { ApiInstance } from "../waapi-api";
import { AmbiguousCreateError, CreationLedger, MAX_CREATE_ATTEMPTS, type CreationClient } from "./creation";

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
 * so a scheduler can interleave them any way it likes. POSTs follow `plan`, then are answered.
 */
class FakeAccount {
  readonly ids: number[] = [];
  readonly existing: number[];
  lists = 0;
  posts = 0;
  postsInFlight = 0;
  mostPostsInFlight = 0;
  private nextId = 100;

  constructor(
    private readonly step: (label: string) => Promise<void>,
    private readonly plan: Outcome[] = [],
    existing = 2,
    private readonly canList = true,
  ) {
    for (let n = 0; n < existing; n++) this.ids.push(this.nextId++);
    this.existing = [...this.ids];
  }

  /** An instance made by someone else (the dashboard, another stack). */
  createElsewhere(): number {
    const id = this.nextId++;
    this.ids.push(id);
    return id;
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
        if (id !== undefined && outcome === "answered") return instance(id);
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
      return this.ids.map(instance);
    },
  };
}

function instance(id: number): ApiInstance {
  return { id, owner: "owner@example.com", name: "", webhook_url: null, webhook_events: [], is_trial: false };
}

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
    expect(account.lists).toBe(2); // the snapshot, and one recovery for both
    expect(account.posts).toBe(4);
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
    const ledger = new CreationLedger(async () => {
      account.createElsewhere(); // someone else creates an instance during the recovery's grace
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
      createInstance: () => account.client.createInstance(),
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
          // One list before the first POST; after that, at most one per ambiguous POST (batched).
          expect(account.lists).toBeLessThanOrEqual(1 + ambiguous);
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
    expect(account.lists).toBe(2);
    expect(account.posts).toBe(6);
  });
});
