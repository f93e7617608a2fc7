import type { ApiInstance } from "../provider/waapi-api";
import {
  planDeletes,
  planRecovery,
  renderRecovery,
  type Decision,
  type PendingDeclaration,
  type Take,
} from "./recover";

const urn = (name: string) => `urn:pulumi:prod::account::waapi:index:Instance::${name}`;
const made = (id: number): ApiInstance => ({
  id,
  name: `Instance ${id}`,
  owner: "ops@example.com",
  webhook_url: null,
  webhook_events: [],
  is_trial: false,
});
const configured = (
  id: number,
  name: string,
  url: string | null = null,
  events: string[] = [],
): ApiInstance => ({
  ...made(id),
  name,
  webhook_url: url,
  webhook_events: events,
});
const line = (name: string, extra: Partial<PendingDeclaration> = {}): PendingDeclaration => ({
  urn: urn(name),
  name: `Line ${name}`,
  ...extra,
});
const all = (instances: readonly ApiInstance[]) => new Set(instances.map((instance) => instance.id));

describe("planRecovery", () => {
  it("matches a configured instance by its declared settings (events as a set), and one as the server made it", () => {
    const live = [
      configured(1001, "Line a", "https://hooks.example.com/a", ["ready", "message"]),
      made(1002),
      configured(1003, "Recorded"),
    ];
    const pending = [
      line("a", { webhookUrl: "https://hooks.example.com/a", webhookEvents: ["message", "ready"] }),
      line("b"),
    ];
    expect(planRecovery(pending, live, new Set([1003]), all(live))).toEqual([
      { urn: urn("a"), action: "import", instanceId: 1001, why: "configured" },
      { urn: urn("b"), action: "import", instanceId: 1002, why: "as-server-made" },
    ]);
  });

  it("clears a create that made nothing, and never claims a recorded instance", () => {
    const live = [made(1001)];
    expect(planRecovery([line("a")], live, new Set([1001]), all(live))).toEqual([
      { urn: urn("a"), action: "clear" },
    ]);
  });

  it("claims no instance that changed between the two listings (a neighbour's create being configured)", () => {
    const live = [made(1001)];
    expect(planRecovery([line("a")], live, new Set(), new Set())).toEqual([
      { urn: urn("a"), action: "clear" },
    ]);
  });

  it("fewer instances as the server made them than creates: each taken once, the rest cleared", () => {
    const live = [made(1001)];
    expect(planRecovery([line("a"), line("b")], live, new Set(), all(live))).toEqual([
      { urn: urn("a"), action: "import", instanceId: 1001, why: "as-server-made" },
      { urn: urn("b"), action: "clear" },
    ]);
  });

  it("decides nothing where more instances fit than creates: too many as the server made them", () => {
    const live = [made(1001), made(1002)];
    expect(planRecovery([line("a")], live, new Set(), all(live))).toEqual([
      expect.objectContaining({ urn: urn("a"), action: "undecided", candidates: [1001, 1002] }),
    ]);
  });

  it("decides nothing where two unrecorded instances carry one create's settings", () => {
    const live = [configured(1001, "Line a"), configured(1002, "Line a")];
    const plan = planRecovery([line("a"), line("b")], live, new Set(), all(live));
    expect(plan).toEqual([
      expect.objectContaining({ urn: urn("a"), action: "undecided", candidates: [1001, 1002] }),
      { urn: urn("b"), action: "clear" },
    ]);
  });

  it("creates declaring the same settings share their matches", () => {
    const live = [configured(1001, "Twin"), configured(1002, "Twin")];
    const twins = [line("a", { name: "Twin" }), line("b", { name: "Twin" })];
    expect(planRecovery(twins, live, new Set(), all(live))).toEqual([
      { urn: urn("a"), action: "import", instanceId: 1001, why: "configured" },
      { urn: urn("b"), action: "import", instanceId: 1002, why: "configured" },
    ]);
  });

  it("an adoptInstanceId is its own match; one naming a recorded instance is left undecided", () => {
    const live = [configured(1001, "Anything"), configured(1002, "Other")];
    expect(
      planRecovery(
        [line("a", { adoptInstanceId: 1001 }), line("b", { adoptInstanceId: 1002 })],
        live,
        new Set([1002]),
        new Set(),
      ),
    ).toEqual([
      { urn: urn("a"), action: "import", instanceId: 1001, why: "adopted" },
      expect.objectContaining({ urn: urn("b"), action: "undecided", candidates: [1002] }),
    ]);
  });
});

describe("planRecovery with --take", () => {
  it("takes the named instance, or none, before any matching; a take of an unlisted or recorded one is refused", () => {
    const live = [configured(1001, "Line a"), configured(1002, "Line a"), made(1003)];
    const takes = new Map<string, Take>([
      ["a", 1002],
      ["b", "none"],
      ["c", 1001],
    ]);
    expect(
      planRecovery([line("a"), line("b"), line("c"), line("d")], live, new Set([1001]), all(live), takes),
    ).toEqual([
      { urn: urn("a"), action: "import", instanceId: 1002, why: "taken" },
      { urn: urn("b"), action: "clear" },
      expect.objectContaining({ urn: urn("c"), action: "undecided", candidates: [1001] }),
      { urn: urn("d"), action: "import", instanceId: 1003, why: "as-server-made" },
    ]);
  });
});

describe("planDeletes", () => {
  const deleting = (name: string, instanceId: number) => ({
    urn: urn(name),
    instanceId,
    owner: "ops@example.com",
  });
  it("a killed delete's instance no longer listed leaves the stack; one still listed needs nothing", () => {
    expect(planDeletes([deleting("a", 1001), deleting("b", 1002)], [made(1002)])).toEqual([
      { urn: urn("a"), action: "drop", instanceId: 1001 },
    ]);
  });
  it("an empty account counts, as after any DELETE that may have been acted on", () => {
    expect(planDeletes([deleting("a", 1001)], [])).toEqual([
      { urn: urn("a"), action: "drop", instanceId: 1001 },
    ]);
  });
  it("an account of another owner proves nothing: left undecided", () => {
    const others = [{ ...made(2001), owner: "someone@example.com" }];
    expect(planDeletes([deleting("a", 1001)], others)).toEqual([
      expect.objectContaining({ urn: urn("a"), action: "undecided" }),
    ]);
  });
});

describe("renderRecovery", () => {
  it("says what it did, what it would do, and what it left undecided", () => {
    const decisions: Decision[] = [
      { urn: urn("a"), action: "import", instanceId: 1001, why: "configured" },
      { urn: urn("b"), action: "clear" },
      { urn: urn("c"), action: "undecided", candidates: [1002, 1003], why: "2 unrecorded instances" },
    ];
    const text = renderRecovery({ decisions, otherPending: [], applied: true }, true);
    expect(text).toContain("a: recorded instance 1001");
    expect(text).toContain("b: no instance carries its settings");
    expect(text).toContain("c: NOT DECIDED, left pending: 2 unrecorded instances (1002, 1003)");
    expect(renderRecovery({ decisions, otherPending: [], applied: false }, true)).toContain(
      "Nothing changed: every pending create must be decided first",
    );
    expect(
      renderRecovery({ decisions: decisions.slice(0, 2), otherPending: [], applied: false }, false),
    ).toContain("Nothing changed: run again with --yes to apply.");
    expect(
      renderRecovery(
        { decisions: [], otherPending: [{ urn: urn("d"), type: "updating" }], applied: false },
        true,
      ),
    ).toBe(
      "d: interrupted while updating; nothing to decide (the next `pulumi up` or `pulumi destroy` does it again).\nNothing for recover to decide.\n",
    );
  });
});
