/**
 * `pulumi up` and `pulumi destroy` SIGKILLed at each phase of their writes, for both doors, then the
 * README's recovery steps as written (see tests/support/crash-matrix.ts). `make test` runs two cells
 * (the dynamic door killed after its POSTs were answered, the native door killed after its PUTs were
 * applied); `make reliability` (WAAPI_RELIABILITY=full) runs all eight and writes their table into its
 * own section of docs/reliability.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CrashMatrix,
  DOORS,
  PHASES,
  formatCrashTable,
  type CrashResult,
  type Door,
  type Phase,
} from "../support/crash-matrix";
import { makeInstanceByHand } from "../support/dashboard";
import { useOfflineStacks } from "../support/pulumi";
import { readmeBlock, readmeCommand } from "../support/readme";
import { loadNow, provenance, provenanceParagraph, writeReliabilitySection } from "../support/report";
import { PROBABLY_INTERRUPTED } from "../../cli/unmanaged";
import { startTestSandbox } from "../support/sandbox";
import type { Sandbox } from "../../sandbox";

const FULL = process.env["WAAPI_RELIABILITY"] === "full";
const INSTANCES = 3;
const REDUCED: [Door, Phase][] = [
  ["dynamic", "post-answered"],
  ["native", "put-applied"],
];
const plan: [Door, Phase][] = FULL
  ? DOORS.flatMap((door) => PHASES.map((phase): [Door, Phase] => [door, phase]))
  : REDUCED;

// One sandbox for the file, not reset between tests: each cell resets it when it starts, and the
// unmanaged listing reads the account the cell before it left.
let sandbox: Sandbox;
const stacks = useOfflineStacks();
beforeAll(async () => {
  sandbox = await startTestSandbox({ instanceLimit: 1000 });
});
const matrix = new CrashMatrix({
  get sandbox() {
    return sandbox;
  },
  stacks,
  count: INSTANCES,
  steps: {
    cancel: readmeCommand("pulumi cancel --yes --stack prod"),
    recover: readmeCommand("npx pulumi-waapi recover --stack prod --yes"),
    up: readmeCommand("pulumi up --yes --stack prod"),
    destroy: readmeCommand("pulumi destroy --yes --stack prod"),
  },
});
const results: CrashResult[] = [];
/** The machine's load when the file started, for the report. */
const loadAtStart = loadNow();

afterAll(async () => {
  await stacks.removeAll();
  await sandbox.close();
  matrix.removeProjects();
  if (results.length === 0) return;
  const table = formatCrashTable(results);
  process.stdout.write(`\n${table}\n`);
  if (FULL) writeSection(table);
});

function cells(which: [Door, Phase][]): void {
  describe.each(which)("%s door, killed at %s", (door, phase) => {
    it(`after the README's steps the account holds exactly the declared instances, each recorded once`, async () => {
      const result = await matrix.run(door, phase);
      results.push(result);
      // The kill landed where the cell says: every write of the run held, and the state shows it.
      expect(result.held).toBe(INSTANCES);
      expect(result.pendingAfterKill).toHaveLength(INSTANCES);
      const kind = {
        "post-answered": "creating",
        "put-applied": "creating",
        update: "updating",
        destroy: "deleting",
      }[phase];
      for (const pending of result.pendingAfterKill)
        expect(pending).toMatch(new RegExp(`^${kind} inst-\\d+$`));
      expect(result.locked).toBe(true);
      // Every step of the README succeeded.
      expect(result.steps.map((step) => [step.command, step.code])).toEqual([
        ["pulumi cancel --yes --stack prod", 0],
        ["npx pulumi-waapi recover --stack prod --yes", 0],
        [phase === "destroy" ? "pulumi destroy --yes --stack prod" : "pulumi up --yes --stack prod", 0],
      ]);
      const said = result.steps[1]?.said ?? [];
      if (phase === "post-answered") {
        expect(
          said.filter((line) => /^inst-\d+: recorded instance \d+: still as the server made it/.test(line)),
        ).toHaveLength(INSTANCES);
      } else if (phase === "put-applied") {
        expect(
          said.filter((line) =>
            /^inst-\d+: recorded instance \d+: it carries the declared settings/.test(line),
          ),
        ).toHaveLength(INSTANCES);
      } else if (phase === "destroy") {
        expect(
          said.filter((line) =>
            /^inst-\d+: interrupted while deleting; WAAPI no longer lists instance \d+: its DELETE was applied; removed it from the stack\.$/.test(
              line,
            ),
          ),
        ).toHaveLength(INSTANCES);
      } else {
        expect(said).toContain("Nothing for recover to decide.");
      }
      expect(result).toMatchObject({
        live: result.declared,
        orphans: 0,
        duplicates: 0,
        lost: 0,
        wrong: 0,
        recordedTwice: 0,
      });
    }, 300_000);
  });
}

// The first cell (the dynamic door killed after its POSTs were answered), then the unmanaged listing
// against the stack it left, then the others.
const [first, ...others] = plan;
cells(first ? [first] : []);

it("unmanaged: a planted orphan and an instance made by hand, with coverage; the README's commands, exit codes and JSON", async () => {
  const dir = matrix.lastProject;
  if (dir === undefined || first?.[0] !== "dynamic" || first[1] !== "post-answered") {
    throw new Error("the first cell must run first: it leaves the stack prod with 3 instances");
  }
  const token = sandbox.createToken();
  const orphan = await makeInstanceByHand(sandbox, token, undefined); // a POST, no PUT
  const frontDesk = {
    name: "Front desk",
    webhook: { url: "https://hooks.example.com/front", events: ["message"] },
  };
  const handmade = await makeInstanceByHand(sandbox, token, frontDesk);

  const text = await matrix.shell(dir, readmeCommand("npx pulumi-waapi unmanaged --stack prod"));
  expect(text.code).toBe(7);
  expect(text.stdout.split("\n")).toEqual([
    "3 of 5 instances managed by stack prod.",
    "",
    `instance ${orphan} "Instance ${orphan}": ${PROBABLY_INTERRUPTED}`,
    `  adopt it: WaapiInstance input \`adoptInstanceId: ${orphan}\`, or \`pulumi import waapi:index:Instance instance-${orphan} ${orphan}\` (native plugin)`,
    "",
    `instance ${handmade} "Front desk"`,
    `  adopt it: WaapiInstance input \`adoptInstanceId: ${handmade}\`, or \`pulumi import waapi:index:Instance front-desk ${handmade}\` (native plugin)`,
    "",
  ]);
  // The nightly workflow's step is that command.
  const workflow = readFileSync(join(process.cwd(), "examples", "gitops", "nightly-drift.yml"), "utf8");
  expect(/- name: Instances no stack records\n[\s\S]*?\n\s+run: (.*)\n/.exec(workflow)?.[1]).toBe(
    "npx pulumi-waapi unmanaged --stack prod",
  );

  const json = await matrix.shell(
    dir,
    readmeCommand("npx pulumi-waapi unmanaged --stack prod --format json > unmanaged.json"),
  );
  expect(json.code).toBe(7);
  const report: unknown = JSON.parse(readFileSync(join(dir, "unmanaged.json"), "utf8"));
  // The README's JSON, field for field: the same keys, each with the same type.
  expect(shapeOf(report)).toEqual(shapeOf(JSON.parse(readmeBlock("json", '"coverage"'))));
  expect(report).toEqual({
    stacks: ["prod"],
    total: 5,
    managed: 3,
    coverage: "3 of 5 instances managed",
    unmanaged: [
      {
        instanceId: orphan,
        name: `Instance ${orphan}`,
        webhookUrl: null,
        webhookEvents: [],
        asServerMade: true,
        note: PROBABLY_INTERRUPTED,
        adopt: {
          waapiInstance: `adoptInstanceId: ${orphan}`,
          native: `pulumi import waapi:index:Instance instance-${orphan} ${orphan}`,
        },
      },
      {
        instanceId: handmade,
        name: "Front desk",
        webhookUrl: "https://hooks.example.com/front",
        webhookEvents: ["message"],
        asServerMade: false,
        note: null,
        adopt: {
          waapiInstance: `adoptInstanceId: ${handmade}`,
          native: `pulumi import waapi:index:Instance front-desk ${handmade}`,
        },
      },
    ],
  });

  // A second stack of the account adopts both: against both stacks, every instance is managed.
  const staging = await stacks.create(
    dir,
    { apiToken: sandbox.createToken(), baseUrl: sandbox.baseUrl },
    "staging",
  );
  const adopted = {
    orphan: { name: "Adopted line", adoptInstanceId: orphan },
    frontDesk: {
      name: "Front desk",
      webhookUrl: frontDesk.webhook.url,
      webhookEvents: ["message"],
      adoptInstanceId: handmade,
    },
  };
  await staging.setConfig("instances", { value: JSON.stringify(adopted) });
  await stacks.up(staging);
  const both = await matrix.shell(
    dir,
    readmeCommand("npx pulumi-waapi unmanaged --stack prod --stack staging"),
  );
  expect(both).toMatchObject({ code: 0, stdout: "5 of 5 instances managed by stacks prod, staging.\n" });
}, 300_000);

it("recover changes nothing it cannot prove: with a twin made by hand it exits 8 and writes nothing, until --take decides", async () => {
  const { dir } = await matrix.kill("native", "put-applied");
  const token = sandbox.createToken();
  // After the kill, someone makes by hand an instance with inst-1's declared settings.
  const twin = await makeInstanceByHand(sandbox, token, {
    name: "Line 1 v1",
    webhook: { url: "https://hooks.example.com/v1/line-1", events: ["message", "ready"] },
  });
  const before = sandbox.instances();
  const killed = await matrix.state(dir);
  expect((await matrix.shell(dir, readmeCommand("pulumi cancel --yes --stack prod"))).code).toBe(0);
  const recover = await matrix.shell(dir, readmeCommand("npx pulumi-waapi recover --stack prod --yes"));
  expect(recover.code).toBe(8);
  const lines1 = sandbox
    .instances()
    .filter((instance) => instance.name === "Line 1 v1")
    .map((instance) => instance.id)
    .sort((a, b) => a - b);
  expect(lines1).toHaveLength(2);
  const ours = lines1.find((id) => id !== twin);
  expect(recover.stdout).toContain(
    `inst-1: NOT DECIDED, left pending: 2 unrecorded instances carry its declared settings, for 1 pending create (${lines1.join(", ")}). ` +
      "Say which is its with --take inst-1=ID (or --take inst-1=none if none is), and run recover again.",
  );
  expect(recover.stdout).toMatch(/^inst-0: would record instance \d+: it carries the declared settings/m);
  expect(recover.stdout).toContain("Nothing changed: every pending create must be decided first");
  // Nothing written: the state is as the kill left it, the account as it was.
  expect(await matrix.state(dir)).toEqual(killed);
  expect(sandbox.instances()).toEqual(before);
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);

  // The user's decision, then the README's last step: the declared three, and the twin left unmanaged.
  const decided = await matrix.shell(
    dir,
    `npx pulumi-waapi recover --stack prod --yes --take inst-1=${ours}`,
  );
  expect(decided.code).toBe(0);
  expect(decided.stdout).toContain(`inst-1: recorded instance ${ours}: the instance --take names.`);
  expect((await matrix.shell(dir, readmeCommand("pulumi up --yes --stack prod"))).code).toBe(0);
  const { resources, pending } = await matrix.state(dir);
  expect(pending).toEqual([]);
  const recordedIds = resources
    .filter((resource) => /::inst-\d+$/.test(String(resource["urn"])))
    .map((resource) => Number(resource["id"]))
    .sort((a, b) => a - b);
  expect(recordedIds).toEqual(before.map((instance) => instance.id).filter((id) => id !== twin));
  expect(sandbox.instances().map((instance) => instance.id)).toEqual(before.map((instance) => instance.id));
  expect(sandbox.requests().filter((request) => ["POST", "DELETE"].includes(request.method))).toEqual([]);
}, 300_000);

cells(others);

/** The keys of a JSON value and the type of each, recursively (the first element stands for a list). */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
  }
  return value === null ? "null" : typeof value;
}

/** Writes the table into the crash matrix's own section of docs/reliability.md, leaving the rest as it is. */
function writeSection(table: string): void {
  const body = [
    `## Crash matrix: ${INSTANCES} instances, SIGKILL of the whole run`,
    "",
    provenanceParagraph("tests/e2e/crash-matrix.test.ts", provenance(loadAtStart)),
    "",
    "Each cell holds every write of its phase with a sandbox `hold` fault, SIGKILLs the CLI, language",
    "host and provider host together once all are held, then runs the README's steps of",
    "[Recovering from a cancelled or killed run](../README.md#recovering-from-a-cancelled-or-killed-run)",
    "as written and compares the account with the stack's state. The first instance's webhook URL is a",
    "secret in both doors.",
    "",
    table,
  ].join("\n");
  writeReliabilitySection(process.cwd(), "crash-matrix", body);
}

it("the GitOps deploy workflow runs the README's recover step before `up`, the steps the matrix runs", () => {
  const workflow = readFileSync(join(process.cwd(), "examples", "gitops", "deploy.yml"), "utf8");
  const runs = [...workflow.matchAll(/^\s+(?:- )?run: (.*)$/gm)].map(([, command]) => command);
  expect(runs).toEqual([
    "npm ci",
    readmeCommand("npx pulumi-waapi recover --stack prod --yes"),
    readmeCommand("pulumi up --yes --stack prod"),
  ]);
});
