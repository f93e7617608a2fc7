/**
 * Sandbox faults during real engine runs (see tests/support/fault-matrix.ts). `make test` runs the
 * reduced matrix: every fault kind once and every operation at least twice, chained on two stacks of
 * 8 instances (REDUCED). `make reliability` (WAAPI_RELIABILITY=full) runs every fault × every
 * operation it can strike, on 20 instances, and the paced 50-instance figure, and writes both to
 * docs/reliability.md. Every stack here is under the shared token-leak check (useOfflineStacks).
 */
import type { Sandbox } from "../../sandbox";
import {
  FAULTS,
  FaultMatrix,
  PROGRAM_DIR,
  declaration,
  formatTable,
  operationsOf,
  type CellResult,
  type FaultCase,
  type Operation,
  type Step,
} from "../support/fault-matrix";
import { useOfflineStacks } from "../support/pulumi";
import { loadNow, provenance, provenanceParagraph, writeReliabilitySection } from "../support/report";
import { useSandbox, withSandbox } from "../support/sandbox";

const FULL = process.env["WAAPI_RELIABILITY"] === "full";
const INSTANCES = FULL ? 20 : 8;

function fault(name: string): FaultCase {
  const found = FAULTS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no fault named ${name}`);
  return found;
}

/**
 * What `make test` runs: each of the 9 fault kinds in one cell, each operation in two or more, as
 * two chains (one stack each, so the setup `up` is paid twice, not per cell).
 */
const REDUCED: [string, Operation][][] = [
  [
    ["502 after acting (25%)", "up"],
    ["500 (25%)", "update"],
    ["429 burst, Retry-After 1", "refresh"],
    ["503 (25%)", "destroy"],
  ],
  [
    ["reset after acting (25%)", "up"],
    ["truncated JSON (25%)", "update"],
    ["latency beyond the timeout (20%)", "update"],
    ["reset before acting (25%)", "refresh"],
    ["malformed JSON (25%)", "refresh"],
  ],
];

const plan: [string, Step[]][] = FULL
  ? FAULTS.map((each) => [each.name, operationsOf(each).map((operation) => ({ fault: each, operation }))])
  : REDUCED.map((chain) => [
      chain.map(([name, operation]) => `${name} × ${operation}`).join(", "),
      chain.map(([name, operation]) => ({ fault: fault(name), operation })),
    ]);

const sandbox = useSandbox({ instanceLimit: 1000 });
/** The machine's load average when the run started, for the report. */
const loadAtStart = loadNow();
const stacks = useOfflineStacks();
const results: CellResult[] = [];

afterAll(() => {
  if (results.length > 0) {
    const table = formatTable(results);
    process.stdout.write(`\n${table}\n`);
    if (FULL) writeReport(table);
  }
});

/** A cell says what the README says: its fault struck, nothing orphaned, duplicated or lost, one re-run at most. */
function expectCellHolds(cell: CellResult): void {
  const label = `${cell.fault} × ${cell.operation}`;
  expect({ label, ...cell }).toMatchObject({ label, orphans: 0, duplicates: 0, lost: 0, wrong: 0 });
  // The fault struck every request route it names (a cell that struck nothing tested nothing).
  expect({ label, unstruck: Object.keys(cell.struck).filter((route) => cell.struck[route] === 0) }).toEqual({
    label,
    unstruck: [],
  });
  if (cell.expectedToFail === "maybe" && cell.runs === 2) {
    // A create gave up after POSTs that each made nothing, and said so; the re-run made it.
    expect({ label, unnamed: cell.unnamed }).toEqual({ label, unnamed: [] });
    // The whole message: the sentence that says so ends it, past where the table's excerpt is cut.
    expect(cell.messages.length).toBeGreaterThan(0);
    for (const message of cell.messages)
      expect({ label, message }).toEqual({ label, message: expect.stringContaining("so none was created") });
  } else if (cell.expectedToFail === true) {
    // The run failed, each failure naming the instance and the cause, and one re-run finished it.
    expect({ label, runs: cell.runs, unnamed: cell.unnamed }).toEqual({ label, runs: 2, unnamed: [] });
    expect(cell.failures).toBeGreaterThan(0);
  } else {
    // The provider absorbed the fault: no failure, no re-run.
    expect({ label, runs: cell.runs, failures: cell.failures }).toEqual({ label, runs: 1, failures: 0 });
  }
}

describe.each(plan)("%s", (_name, steps) => {
  it(
    `on ${INSTANCES} instances: each fault struck, no orphan, duplicate or loss, a re-run only where the fault fails the run`,
    async () => {
      const cells = await new FaultMatrix(sandbox, stacks, INSTANCES).runSteps(steps);
      results.push(...cells);
      for (const cell of cells) expectCellHolds(cell);
    },
    steps.length * 120_000,
  );
});

const figures: string[] = [];

/**
 * One `up` of `count` instances against `target`: the seconds it took, the requests it made, and how
 * many declared instances did not end up made and configured (a failed `up` is reported, not thrown).
 */
async function timedUp(target: Sandbox, count: number, config: Record<string, string> = {}) {
  const declared = declaration(count, 1);
  const stack = await stacks.create(PROGRAM_DIR, {
    apiToken: target.createToken(),
    baseUrl: target.baseUrl,
    config: { instances: JSON.stringify(declared), ...config },
  });
  const started = Date.now();
  const error = await stacks.up(stack).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  const seconds = (Date.now() - started) / 1000;
  const requests = target.requests();
  const arrivals = requests.map((request) => Date.parse(request.at));
  const configured = new Set(target.instances().map((instance) => instance.name));
  return {
    seconds,
    /** The engine's own start-up: from the start of `up` to the first request. */
    beforeFirstRequest: (Math.min(...arrivals) - started) / 1000,
    /** From the first request's arrival to the last's. */
    requestSpan: (Math.max(...arrivals) - Math.min(...arrivals)) / 1000,
    error,
    failed: Object.values(declared).filter((instance) => !configured.has(instance.name)).length,
    /** Instances in the sandbox afterwards. */
    made: target.instances().length,
    answered: requests.filter((request) => request.status !== 429).length,
    limited: requests.filter((request) => request.status === 429).length,
  };
}

if (FULL) {
  it("paced: 50 instances against a sandbox limited to 60 requests a minute, within 1.15x of the floor", async () => {
    const perMinute = 60;
    const baseline = await withSandbox({ instanceLimit: 1000 }, (unlimited) => timedUp(unlimited, 50));
    const steady = { instanceLimit: 1000, rateLimit: { requestsPerMinute: perMinute } };
    const paced = await withSandbox(steady, (limited) =>
      timedUp(limited, 50, { "waapi:maxRequestsPerMinute": String(perMinute) }),
    );
    // Without the setting, only the shared wait after each 429 (Retry-After) spaces the requests.
    const windowed = { instanceLimit: 1000, rateLimit: { requestsPerMinute: perMinute, burst: perMinute } };
    const unpaced = await withSandbox(windowed, (limited) => timedUp(limited, 50));
    // The floor: the requests really made (the list, a POST and a PUT per instance) at the limit.
    const floorSeconds = (paced.answered / perMinute) * 60;
    const ratio = paced.seconds / floorSeconds;
    const row = (label: string, run: Awaited<ReturnType<typeof timedUp>>) =>
      `| ${label} | ${run.seconds.toFixed(1)} | ${(run.seconds / floorSeconds).toFixed(2)} | ${run.beforeFirstRequest.toFixed(1)} | ${run.requestSpan.toFixed(1)} | ${run.answered} | ${run.limited} | ${run.failed} |`;
    figures.push(
      "## Paced `up` of 50 instances against a rate-limited sandbox",
      "",
      "Command: `make reliability` (the test `paced: 50 instances …` in tests/e2e/fault-matrix.test.ts).",
      `The rate floor is ${floorSeconds.toFixed(0)} s: the ${paced.answered} requests the paced run made ` +
        `(one \`GET /instances\`, a POST and a PUT per instance) at ${perMinute} a minute. Seconds are the whole ` +
        "`pulumi up`, engine start-up included.",
      "",
      "| run | seconds | ÷ floor | before the first request | first to last request | requests answered | 429s | instances not made and configured |",
      "| --- | --: | --: | --: | --: | --: | --: | --: |",
      row("no limit (baseline, beside it)", baseline),
      row(
        `sandbox ${perMinute}/min evenly spaced (\`--rate-limit ${perMinute}\`), \`waapi:maxRequestsPerMinute ${perMinute}\``,
        paced,
      ),
      row(`sandbox ${perMinute}/min in bursts of ${perMinute}, no pacing: 429s waited out`, unpaced),
      "",
    );
    expect(paced.error).toBeUndefined();
    expect(paced).toMatchObject({ failed: 0, made: 50 }); // every instance made and configured
    expect(paced.limited).toBe(0);
    expect(ratio).toBeLessThanOrEqual(1.15);
    // 429s waited out, not turned into half-made instances.
    expect(unpaced.error).toBeUndefined();
    expect(unpaced).toMatchObject({ failed: 0, made: 50 });
  }, 1_200_000);
}

/** Writes the paced figures and the matrix into the fault matrix's own section of docs/reliability.md. */
function writeReport(table: string): void {
  const body = [
    provenanceParagraph("tests/e2e/fault-matrix.test.ts", provenance(loadAtStart)),
    "",
    ...figures,
    `## Fault matrix: ${INSTANCES} instances`,
    "",
    "Each fault is aimed at the requests the operation depends on (up: `POST /instances` and",
    "`PUT /instances/:id`; update: `PUT`; refresh: `GET /instances/:id`; destroy: `DELETE`), with a",
    "seeded share of them struck (counted per route from the sandbox's request log). Malformed and",
    "truncated JSON are not aimed at `DELETE`, whose answer body the client never reads. A failed run",
    "is followed by one re-run without faults; a fault the provider absorbs must cause no failure at",
    "all. Then the sandbox is compared with the stack's state.",
    "",
    table,
  ].join("\n");
  writeReliabilitySection(process.cwd(), "fault-matrix", body);
}
