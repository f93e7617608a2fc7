/** docs/benchmarks.md from one `make bench` run: the tables, the targets, and the machine. */

export interface Measurement {
  operation: "create" | "preview" | "refresh" | "update" | "destroy";
  noopMs: number;
  waapiMs: number;
  /** 0 where no request is needed (preview) or the floor was not measured. */
  floorMs: number;
  requests: string;
}

export interface SizeReport {
  count: number;
  rows: Measurement[];
  stateBytesPerInstance: { noop: number; waapi: number };
}

export interface RunReport {
  command: string;
  startedAt: string;
  machine: {
    cpu: string;
    memoryGiB: number;
    os: string;
    node: string;
    pulumi: string;
    commit: string;
    loadBefore: number[];
    loadAfter: number[];
  };
  latencyMs: number;
  parallel: number;
  /** Runs per figure; the median is shown. */
  repeats: number;
  sizes: SizeReport[];
  /** The same operations with PULUMI_SKIP_CHECKPOINTS=true (no floor). */
  checkpoints: { count: number; rows: Measurement[] } | undefined;
  durationS: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const load = (values: number[]): string => values.map((v) => v.toFixed(2)).join(" / ");

/** (WaapiInstance − no-op) ÷ floor, or the extra seconds where there is no floor. */
function overhead(row: Measurement): string {
  const extra = row.waapiMs - row.noopMs;
  if (row.floorMs === 0) return `${extra >= 0 ? "+" : ""}${(extra / 1000).toFixed(2)} s, no request`;
  return (extra / row.floorMs).toFixed(2);
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

function sizeSection(size: SizeReport): string {
  const rows = size.rows.map((row) => [
    `\`${row.operation}\``,
    seconds(row.noopMs),
    seconds(row.waapiMs),
    row.requests,
    row.floorMs === 0 ? "0" : seconds(row.floorMs),
    overhead(row),
  ]);
  const { noop, waapi } = size.stateBytesPerInstance;
  return [
    `### N = ${size.count}`,
    "",
    table(
      ["operation", "no-op stack", "WaapiInstance", "requests", "floor", "(WaapiInstance − no-op) ÷ floor"],
      rows,
    ),
    "",
    `State after create: ${kb(waapi)} per WaapiInstance, ${kb(noop)} per no-op resource ` +
      `(${(waapi / noop).toFixed(2)} ×).`,
  ].join("\n");
}

/** Per-instance cost of WaapiInstance over the no-op stack, at each size: linear growth keeps it flat. */
function linearitySection(sizes: SizeReport[]): string {
  const operations = sizes[0]?.rows.map((row) => row.operation) ?? [];
  const rows = operations.map((operation) => {
    const perInstance = sizes.map((size) => {
      const row = size.rows.find((r) => r.operation === operation);
      return row ? row.waapiMs / size.count : Number.NaN;
    });
    const spread = Math.max(...perInstance) / Math.min(...perInstance);
    return [`\`${operation}\``, ...perInstance.map((ms) => `${ms.toFixed(0)} ms`), `${spread.toFixed(2)} ×`];
  });
  const slopes = operations.map((operation) => {
    const increments = sizes.slice(1).map((size, i) => {
      const previous = sizes[i];
      const now = size.rows.find((r) => r.operation === operation);
      const before = previous?.rows.find((r) => r.operation === operation);
      if (!previous || !now || !before) return Number.NaN;
      return (now.waapiMs - before.waapiMs) / (size.count - previous.count);
    });
    return [`\`${operation}\``, ...increments.map((ms) => `${ms.toFixed(0)} ms`)];
  });
  const pairs = sizes.slice(1).map((size, i) => `N ${sizes[i]?.count ?? "?"} → ${size.count}`);
  return [
    "WaapiInstance time ÷ N (includes each run's fixed start-up, which dominates at small N):",
    "",
    table(["operation", ...sizes.map((s) => `N = ${s.count}`), "max ÷ min"], rows),
    "",
    "Time per added instance (the slope between sizes; equal slopes mean linear growth):",
    "",
    table(["operation", ...pairs], slopes),
  ].join("\n");
}

function targetsSection(size: SizeReport): string {
  const lines: string[] = [];
  for (const row of size.rows) {
    if (row.operation === "preview") {
      const extra = (row.waapiMs - row.noopMs) / 1000;
      lines.push(
        `- preview unchanged: ${extra.toFixed(2)} s over the no-op stack (target ≤ 0.5 s): ${extra <= 0.5 ? "met" : "NOT met"}`,
      );
    } else if (row.floorMs > 0) {
      const ratio = (row.waapiMs - row.noopMs) / row.floorMs;
      lines.push(
        `- ${row.operation}: (WaapiInstance − no-op) ÷ floor = ${ratio.toFixed(2)} (target ≤ 1.25): ${ratio <= 1.25 ? "met" : "NOT met"}`,
      );
    }
  }
  const stateRatio = size.stateBytesPerInstance.waapi / size.stateBytesPerInstance.noop;
  lines.push(
    `- state bytes per instance: ${stateRatio.toFixed(2)} × the no-op stack's (target ≤ 1.25): ${stateRatio <= 1.25 ? "met" : "NOT met"}`,
  );
  return lines.join("\n");
}

function checkpointSection(report: RunReport): string {
  const skipped = report.checkpoints;
  if (!skipped) return "";
  const normal = report.sizes.find((size) => size.count === skipped.count);
  const rows = skipped.rows.map((row) => {
    const base = normal?.rows.find((r) => r.operation === row.operation);
    return [
      `\`${row.operation}\``,
      base ? seconds(base.noopMs) : "–",
      seconds(row.noopMs),
      base ? seconds(base.waapiMs) : "–",
      seconds(row.waapiMs),
    ];
  });
  return [
    `## PULUMI_SKIP_CHECKPOINTS (N = ${skipped.count})`,
    "",
    "The same operations with `PULUMI_SKIP_CHECKPOINTS=true`: the engine writes the state once at the end",
    "instead of after every step. See the README's advice on large stacks before using it.",
    "",
    table(
      [
        "operation",
        "no-op, checkpoints",
        "no-op, skipped",
        "WaapiInstance, checkpoints",
        "WaapiInstance, skipped",
      ],
      rows,
    ),
  ].join("\n");
}

export function renderReport(report: RunReport): string {
  const { machine } = report;
  const largest = report.sizes[report.sizes.length - 1];
  return `${[
    "# Benchmarks",
    "",
    "<!-- Written by `make bench` (bench/bench.ts); do not edit by hand. -->",
    "",
    `WaapiInstance stacks through the real Pulumi CLI against a WAAPI sandbox that adds ${report.latencyMs} ms to`,
    `every answer, \`--parallel ${report.parallel}\`. In the same run, one operation after the other: the **no-op stack**`,
    "(the same N resources through a dynamic provider that does nothing: the engine's own cost) and the",
    `**floor** (the same minimal requests made by a plain script, ${report.parallel} at a time). The requests of every`,
    "operation were counted in the sandbox's log and are exact (2 / 0 / 1 / 1 / 1 per instance, plus the",
    "one list of the account a WaapiInstance create run makes before its first POST), or the",
    `bench would have failed. Times are wall-clock, the median of ${report.repeats} run${report.repeats === 1 ? "" : "s"} each (fresh stacks every run).`,
    "",
    `Reproduce: \`${report.command}\` (BENCH_SIZES, BENCH_REPEATS, BENCH_CHECKPOINT_SIZE, BENCH_CPU_PROF: see bench/bench.ts).`,
    "",
    "## Machine",
    "",
    `- ${machine.cpu}, ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}`,
    `- Node.js ${machine.node}; Pulumi CLI ${machine.pulumi}; commit ${machine.commit}`,
    `- run started ${report.startedAt}, took ${(report.durationS / 60).toFixed(1)} min`,
    `- load average (1 / 5 / 15 min) before: ${load(machine.loadBefore)}, after: ${load(machine.loadAfter)}.`,
    "  The machine is shared: other people's test runs compete for its cores, so absolute times vary",
    "  from run to run; the ratios within one run are what count.",
    "",
    "## Results",
    "",
    ...report.sizes.flatMap((size) => [sizeSection(size), ""]),
    ...(largest ? [`## Targets at N = ${largest.count}`, "", targetsSection(largest), ""] : []),
    ...(report.sizes.length > 1 ? ["## Growth", "", linearitySection(report.sizes), ""] : []),
    "## Where the time goes",
    "",
    "Profiled with `BENCH_CPU_PROF=<folder> make bench` (a `.cpuprofile` per Node.js process). A program",
    "serializes nothing (WaapiInstance stores a constant 145-byte provider reference), and neither it nor",
    "a preview loads the HTTP client's `got`. What remains per resource in the program is Pulumi's own",
    "stack-trace capture, as in the no-op stack; each provider host spends seconds loading",
    "`@pulumi/pulumi` itself, for both stacks. The no-op stack stores its serialized provider (about",
    "1.2 KB, twice) in every resource, so its state is the larger one and its steps can be the slower.",
    "A create run sends its POSTs one at a time (provider/instance/creation.ts recognises an instance",
    "made by a POST whose answer was lost), so `create` cannot come near a floor that sends 8 at once:",
    "at 50 ms a round trip, N POSTs alone take N × 50 ms.",
    "",
    checkpointSection(report),
  ].join("\n")}\n`;
}
