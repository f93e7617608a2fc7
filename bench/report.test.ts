/** docs/benchmarks.md's figures, from a made-up run whose answers are known. */
import { renderReport, type Measurement, type RunReport, type SizeReport } from "./report";

const OPERATIONS = ["create", "preview", "refresh", "update", "destroy"] as const;

/** A size where the no-op stack takes 1 s + 10 ms × N and WaapiInstance `extraMs` more per operation. */
function size(count: number, extraMs: number, runs = 1): SizeReport {
  const rows: Measurement[] = OPERATIONS.map((operation) => ({
    operation,
    noopMs: 1000 + 10 * count,
    waapiMs: 1000 + 10 * count + extraMs,
    noopCpuMs: 500,
    waapiCpuMs: 400,
    floorMs: operation === "preview" ? 0 : 1000,
    requests: "…",
  }));
  return {
    count,
    rows,
    stateBytesPerInstance: { noop: 4000, waapi: 2000 },
    runs: Array.from({ length: runs }, () => rows),
    load: { min: 4, median: 6, max: 9, samples: 12 },
  };
}

function report(sizes: SizeReport[]): RunReport {
  return {
    command: "make bench",
    startedAt: "2026-11-26T21:00:00.000Z",
    machine: {
      cpu: "2 × Test CPU",
      memoryGiB: 8,
      os: "Linux",
      node: "v20",
      pulumi: "v3",
      commit: "abc1234",
      loadBefore: [1, 2, 3],
      loadAfter: [4, 5, 6],
      loadDuring: { min: 4, median: 6, max: 9, samples: 36 },
    },
    latencyMs: 50,
    parallel: 8,
    repeats: 1,
    sizes,
    checkpoints: undefined,
    durationS: 60,
  };
}

it("gives every size its table, preview delta, state per instance and load", () => {
  const page = renderReport(report([size(10, 500), size(50, 500), size(200, 500)]));

  for (const n of [10, 50, 200]) expect(page).toContain(`### N = ${n}`);
  expect(page.match(/Preview of the unchanged stack: .* = \+0\.50 s \(target ≤ 0\.5 s\)/g)).toHaveLength(3);
  expect(
    page.match(/State after create: 2\.0 KB per WaapiInstance, 3\.9 KB per no-op resource/g),
  ).toHaveLength(3);
  expect(page).toContain("| `update` | 1.50 s | 2.00 s | … | 1.00 s | 0.50 |");
  expect(page).toContain("Load average (1 min) while this size ran: 4.0 / 6.0 / 9.0");
  expect(page).toContain("1-minute load during the run: 4.0 / 6.0 / 9.0 (min / median / max of 36 samples)");
  expect(page).toContain(
    "- update: (WaapiInstance − no-op) ÷ floor = 0.50 (target ≤ 1.25): met; CPU, WaapiInstance − no-op: −0.10 s",
  );
  expect(page).toContain("Reproduce: `make bench`");
});

it("judges linear growth by the per-instance cost across the sizes", () => {
  // Time ÷ N: 1 s + 10 ms × N + 0.5 s over N = 10, 50, 200 → 160, 40, 17.5 ms: not within 1.5 ×.
  const page = renderReport(report([size(10, 500), size(50, 500), size(200, 500)]));
  expect(page).toContain(
    "- `update`: WaapiInstance time ÷ N varies 9.14 × across the sizes (target ≤ 1.5): NOT met",
  );
  // The slope between sizes is the no-op's 10 ms per instance.
  expect(page).toMatch(/\| `update` \| 10 ms \| 10 ms \| 1\.00 × \| 10 ms \| 10 ms \|/);
});

it("shows the spread of the ratio over the runs", () => {
  const slow = size(50, 500);
  const fast = size(50, 100);
  const page = renderReport(report([{ ...slow, runs: [slow.rows, fast.rows] }]));
  expect(page).toContain("| 0.10 … 0.50 |");
});

it("says so when the run was stopped before it finished", () => {
  const page = renderReport({ ...report([size(10, 500)]), complete: false });
  expect(page).toContain("This run was stopped before it finished");
  expect(renderReport(report([size(10, 500)]))).not.toContain("stopped before it finished");
});
