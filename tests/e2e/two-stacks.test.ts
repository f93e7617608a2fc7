/**
 * Two stacks of one account deploying at the same moment — staging and production, each with its
 * own token, as two CI jobs have — while the first two POST answers of one of them are lost (a 502
 * after WAAPI acted). Through the real CLI and engine, for both doors: a TypeScript program on the
 * dynamic provider and a YAML program on the native plugin, each in both roles.
 *
 * The overlap is made by the sandbox, not left to how fast each `pulumi up` starts (`waitFor`
 * faults, sandbox/faults.ts): staging's lost POSTs are acted on only once production has listed the
 * account (so production's first list shows none of them as a leftover to take), staging's recovery
 * list is answered only once production has created an instance, and production's PUTs land only
 * after that list: it shows production's new instances as the server made them beside staging's own.
 * The provider knows nothing of this: it sees a slow server.
 *
 * Afterwards the account is counted: every instance recorded by exactly one stack (0 orphans, 0
 * recorded by both), each declared line once (0 duplicates, 0 lost), settings as declared, and each
 * stack needed at most one re-run. `make test` runs REDUCED repetitions, `make reliability`
 * (WAAPI_RELIABILITY=full) 10, each against a sandbox with another latency, and writes the table to
 * docs/reliability-two-stacks.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { claimName } from "../../provider/instance/creation";
import type { Sandbox, SandboxRequest } from "../../sandbox";
import { PROGRAM_DIR } from "../support/fault-matrix";
import { useOfflineStacks } from "../support/pulumi";
import { loadNow, provenance, provenanceParagraph } from "../support/report";
import { withSandbox } from "../support/sandbox";

const FULL = process.env["WAAPI_RELIABILITY"] === "full";
const LINES = 4;
/** POST answers lost in the faulted stack: its first two, as in the measurement. */
const LOST = 2;
/**
 * The bound of each sandbox wait: below the provider's 30 s request timeout, so a held request is
 * answered before its client gives up; well above a `pulumi up`'s start on a loaded machine. A wait
 * that runs out is logged `waited: "timed out"` and counted; the test then fails on that count, not hangs.
 */
const WAIT_MS = 25_000;

type Door = "dynamic" | "yaml";
interface Repetition {
  /** Milliseconds the sandbox adds to every answer it acted on. */
  latencyMs: number;
  /** How long production's PUTs wait, after staging's recovery list, before the sandbox acts on them. */
  putDelayMs: number;
  /** The door of the stack whose answers are lost (staging), and of its neighbour (production). */
  staging: Door;
  production: Door;
}

const ALL: Repetition[] = [
  { latencyMs: 0, putDelayMs: 0, staging: "dynamic", production: "yaml" },
  { latencyMs: 150, putDelayMs: 1500, staging: "yaml", production: "dynamic" },
  { latencyMs: 40, putDelayMs: 600, staging: "dynamic", production: "dynamic" },
  { latencyMs: 300, putDelayMs: 2500, staging: "dynamic", production: "yaml" },
  { latencyMs: 10, putDelayMs: 200, staging: "yaml", production: "yaml" },
  { latencyMs: 80, putDelayMs: 1000, staging: "dynamic", production: "dynamic" },
  { latencyMs: 220, putDelayMs: 3000, staging: "yaml", production: "dynamic" },
  { latencyMs: 20, putDelayMs: 0, staging: "dynamic", production: "yaml" },
  { latencyMs: 120, putDelayMs: 2000, staging: "dynamic", production: "dynamic" },
  { latencyMs: 400, putDelayMs: 800, staging: "yaml", production: "dynamic" },
];
/**
 * `make test`: the recovering (staging) stack in each door, beside a YAML production (the quicker to
 * start, so the suite stays within its budget); `make reliability` runs all 10.
 */
const REDUCED = [0, 4];
const plan = FULL ? ALL : REDUCED.map((index) => ALL[index]).filter((rep) => rep !== undefined);

const PLUGIN_DIR = join(process.cwd(), "bin");
const stacks = useOfflineStacks();
const programDirs: string[] = [];
const rows: Row[] = [];
const loadAtStart = loadNow();

afterAll(() => {
  for (const dir of programDirs) rmSync(dir, { recursive: true, force: true });
  if (rows.length > 0) {
    process.stdout.write(`\n${table(rows)}\n`);
    if (FULL) writeReport(table(rows));
  }
});

interface Declared {
  name: string;
  webhookUrl: string;
  webhookEvents: string[];
}

function declared(role: string): Record<string, Declared> {
  return Object.fromEntries(
    Array.from({ length: LINES }, (_, n) => [
      `line-${n}`,
      {
        name: `${role} line ${n}`,
        webhookUrl: `https://hooks.example.com/${role}/line-${n}`,
        webhookEvents: ["message"],
      },
    ]),
  );
}

/** A YAML program declaring `lines` on the native plugin, in a fresh folder. */
function yamlProgram(role: string, lines: Record<string, Declared>): string {
  const dir = mkdtempSync(join(tmpdir(), `waapi-two-stacks-${role}-`));
  programDirs.push(dir);
  const resources = Object.entries(lines).flatMap(([key, line]) => [
    `  ${key}:`,
    "    type: waapi:index:Instance",
    "    properties:",
    `      name: ${JSON.stringify(line.name)}`,
    `      webhookUrl: ${JSON.stringify(line.webhookUrl)}`,
    `      webhookEvents: ${JSON.stringify(line.webhookEvents)}`,
  ]);
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    [
      `name: waapi-two-stacks-${role}`,
      "runtime: yaml",
      "plugins:",
      "  providers:",
      "    - name: waapi",
      `      path: ${PLUGIN_DIR}`,
      "resources:",
      ...resources,
      "",
    ].join("\n"),
  );
  return dir;
}

async function stackFor(sandbox: Sandbox, role: string, door: Door): Promise<Stack> {
  const lines = declared(role);
  const apiToken = sandbox.createToken(undefined, { name: role });
  if (door === "yaml") return stacks.create(yamlProgram(role, lines), { apiToken, baseUrl: sandbox.baseUrl });
  return stacks.create(PROGRAM_DIR, {
    apiToken,
    baseUrl: sandbox.baseUrl,
    config: { instances: JSON.stringify(lines) },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `line-N` resources a stack records: key → instance id. */
async function recorded(stack: Stack): Promise<Map<string, number>> {
  const { deployment } = await stack.exportStack();
  const resources: { urn: string; type: string; id?: string }[] = deployment.resources ?? [];
  return new Map(
    resources
      .filter(
        (resource) => /::line-\d+$/.test(resource.urn) && !resource.type.startsWith("pulumi:providers:"),
      )
      .filter((resource) => resource.id)
      .map((resource) => [resource.urn.split("::").at(-1) ?? "", Number(resource.id)]),
  );
}

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `up`, and one re-run if it failed; how many runs it took (a failing re-run fails the test). */
async function upWithOneRerun(stack: Stack): Promise<number> {
  try {
    await stacks.up(stack);
    return 1;
  } catch {
    await stacks.up(stack);
    return 2;
  }
}

interface Row extends Repetition {
  stagingRuns: number;
  productionRuns: number;
  struck: number;
  overlapping: number;
  beforeRecoveryList: number;
  /** Sandbox waits (`waitFor`) that ran out instead of seeing production's request. */
  timedOut: number;
  /** Claim PUTs (creation.ts: `claimName`) by each stack: staging's recovery taking its lost instances. */
  stagingClaims: number;
  productionClaims: number;
  instances: number;
  orphans: number;
  duplicates: number;
  lost: number;
  both: number;
  wrong: number;
  seconds: number;
}

async function repetition(sandbox: Sandbox, rep: Repetition): Promise<Row> {
  const started = Date.now();
  const staging = await stackFor(sandbox, "staging", rep.staging);
  const production = await stackFor(sandbox, "production", rep.production);
  // Staging's first POSTs act only after production's first list: production sees no lost instance
  // of staging's as a leftover to take, so staging's recovery finds its own.
  sandbox.injectFault({
    kind: "respond",
    match: "POST /instances",
    status: 502,
    afterActing: true,
    times: LOST,
    tokenName: "staging",
    waitFor: { match: "GET /instances", tokenName: "production", maxMs: WAIT_MS },
  });
  const stagingDone = upWithOneRerun(staging);
  const listed = (request: SandboxRequest, tokenName: string): boolean =>
    request.tokenName === tokenName && request.method === "GET" && /\/instances$/.test(request.path);
  // Staging's first list answered (its creates share it, before any POST), its recovery list is the
  // next: answered only once production has created an instance, so production creates during it.
  await until("staging's first list", () => sandbox.requests().some((request) => listed(request, "staging")));
  sandbox.injectFault({
    kind: "delay-then-act",
    delayMs: 0,
    match: "GET /instances",
    tokenName: "staging",
    waitFor: { match: "POST /instances", tokenName: "production", maxMs: WAIT_MS },
  });
  // Production's PUTs land only after that list (and the repetition's delay): it shows production's
  // new instances as the server made them, beside staging's own — the case the issue measured.
  sandbox.injectFault({
    kind: "delay-then-act",
    delayMs: rep.putDelayMs,
    match: "PUT /instances/:id",
    times: LINES,
    tokenName: "production",
    waitFor: { match: "GET /instances", tokenName: "staging", maxMs: WAIT_MS },
  });
  const [stagingRuns, productionRuns] = await Promise.all([stagingDone, upWithOneRerun(production)]);
  const log = sandbox.requests();
  const struck = log.filter(
    (request) => request.tokenName === "staging" && request.method === "POST" && request.fault === "respond",
  ).length;
  // Production's POSTs that WAAPI answered between staging's first list and the lists of its
  // recovery (the first of them, and the last): the instances that recovery had to tell from its own.
  const stagingLists = log
    .filter((request) => listed(request, "staging"))
    .map((request) => Date.parse(request.at));
  const [firstList = 0, recoveryList = 0] = stagingLists;
  const lastList = stagingLists.at(-1) ?? 0;
  const productionPosts = log
    .filter((request) => request.tokenName === "production" && request.method === "POST")
    .map((request) => Date.parse(request.at));
  const overlapping = productionPosts.filter((at) => at > firstList && at < lastList).length;
  const beforeRecoveryList = productionPosts.filter((at) => at > firstList && at < recoveryList).length;
  const timedOut = log.filter((request) => request.waited === "timed out").length;
  const claims = (tokenName: string) =>
    log.filter(
      (request) =>
        request.tokenName === tokenName &&
        request.method === "PUT" &&
        isRecord(request.body) &&
        typeof request.body["name"] === "string" &&
        request.body["name"].startsWith(claimName("")),
    ).length;

  const live = sandbox.instances();
  const liveById = new Map(live.map((instance) => [instance.id, instance]));
  const byStack = [
    { lines: declared("staging"), ids: await recorded(staging) },
    { lines: declared("production"), ids: await recorded(production) },
  ];
  const [stagingIds, productionIds] = byStack.map(({ ids }) => new Set(ids.values()));
  const both = [...(stagingIds ?? [])].filter((id) => productionIds?.has(id)).length;
  const orphans = live.filter(
    (instance) => !stagingIds?.has(instance.id) && !productionIds?.has(instance.id),
  );
  const names = new Map<string, number>();
  for (const instance of live) names.set(instance.name, (names.get(instance.name) ?? 0) + 1);
  const duplicates = [...names.values()].reduce((sum, seen) => sum + Math.max(0, seen - 1), 0);
  let lost = 0;
  let wrong = 0;
  for (const { lines, ids } of byStack) {
    for (const [key, line] of Object.entries(lines)) {
      const instance = liveById.get(ids.get(key) ?? -1);
      if (!instance) lost++;
      else if (
        instance.name !== line.name ||
        instance.webhook_url !== line.webhookUrl ||
        JSON.stringify(instance.webhook_events) !== JSON.stringify(line.webhookEvents)
      )
        wrong++;
    }
  }
  return {
    ...rep,
    stagingRuns,
    productionRuns,
    struck,
    overlapping,
    beforeRecoveryList,
    timedOut,
    stagingClaims: claims("staging"),
    productionClaims: claims("production"),
    instances: live.length,
    orphans: orphans.length,
    duplicates,
    lost,
    both,
    wrong,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

describe.each(plan.map((rep, n) => [n + 1, rep] as const))("repetition %i", (_n, rep) => {
  it(`${rep.staging} staging (its first ${LOST} POST answers lost) beside ${rep.production} production, ${rep.latencyMs} ms latency: each line once, recorded by one stack`, async () => {
    const row = await withSandbox({ instanceLimit: 1000, latencyMs: rep.latencyMs }, (sandbox) =>
      repetition(sandbox, rep),
    );
    rows.push(row);
    // Production created while staging recovered (the overlap the issue measured). The sandbox's
    // waits make it so; this checks they did: none ran out, and production POSTed between
    // staging's first list and its recovery's last. Staging claimed exactly its lost instances and
    // production none (production took none of staging's as a leftover).
    expect({ overlapping: row.overlapping > 0, timedOut: row.timedOut }).toEqual({
      overlapping: true,
      timedOut: 0,
    });
    expect(row).toMatchObject({
      stagingClaims: LOST,
      productionClaims: 0,
      struck: LOST,
      instances: 2 * LINES,
      orphans: 0,
      duplicates: 0,
      lost: 0,
      both: 0,
      wrong: 0,
    });
    // A failing re-run fails the test (upWithOneRerun); beyond "at most one", the design needs none:
    // staging's recovery tells its lost instances from production's new ones.
    expect({ staging: row.stagingRuns, production: row.productionRuns }).toEqual({
      staging: 1,
      production: 1,
    });
  }, 240_000);
});

function table(results: readonly Row[]): string {
  return [
    "| # | latency ms | production's PUT delay ms | staging (lost answers) | production | POSTs struck | production POSTs during staging's recovery (before its first recovery list) | sandbox waits timed out | claims by staging, production | instances | orphans | duplicates | lost | recorded by both | wrong settings | staging runs | production runs | seconds |",
    "| --: | --: | --: | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
    ...results.map(
      (r, n) =>
        `| ${n + 1} | ${r.latencyMs} | ${r.putDelayMs} | ${r.staging} | ${r.production} | ${r.struck} | ${r.overlapping} (${r.beforeRecoveryList}) | ${r.timedOut} | ${r.stagingClaims}, ${r.productionClaims} | ${r.instances} | ${r.orphans} | ` +
        `${r.duplicates} | ${r.lost} | ${r.both} | ${r.wrong} | ${r.stagingRuns} | ${r.productionRuns} | ${r.seconds} |`,
    ),
  ].join("\n");
}

function writeReport(body: string): void {
  const report = [
    "# Two stacks of one account, deploying at once",
    "",
    provenanceParagraph("tests/e2e/two-stacks.test.ts", provenance(loadAtStart)),
    "",
    `Each repetition: a staging and a production stack (own tokens, one sandbox account), ${LINES} lines`,
    `each; staging's first ${LOST} \`POST /instances\` answers are lost (502 after the sandbox acted). Production's`,
    "`pulumi up` starts once staging has listed the account. The sandbox makes the two overlap (`waitFor`",
    "faults): staging's lost POSTs are acted on only after production's first list, staging's recovery list",
    "is answered only after production has created an instance, and production's PUTs are acted on only after",
    "that list and the delay shown, so the list shows production's new instances as the server made them",
    `beside staging's own (each wait at most ${WAIT_MS / 1000} s; a column counts those that ran out). A stack`,
    "whose `up` failed is run once more. Then the account is counted; a claim is a recovery's PUT of a name",
    "that takes an instance no answer explained (staging's of its own lost instances).",
    "",
    body,
    "",
  ].join("\n");
  mkdirSync(join(process.cwd(), "docs"), { recursive: true });
  writeFileSync(join(process.cwd(), "docs", "reliability-two-stacks.md"), report);
}
