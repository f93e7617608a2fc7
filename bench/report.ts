/** docs/benchmarks.md from one `make bench` run: the tables, the targets, and the machine. */

export interface Measurement {
  operation: "create" | "preview" | "refresh" | "update" | "destroy";
  noopMs: number;
  waapiMs: number;
  /**
   * CPU time (user + system) of the CLI and the processes it started; absent in runs made before
   * the bench measured it.
   */
  noopCpuMs?: number;
  waapiCpuMs?: number;
  /** 0 where no request is needed (preview) or the floor was not measured. */
  floorMs: number;
  requests: string;
}

/** The 1-minute load average sampled during a stretch of the run. */
export interface LoadSummary {
  min: number;
  median: number;
  max: number;
  samples: number;
}

export interface SizeReport {
  count: number;
  /** Each figure is the median of the runs. */
  rows: Measurement[];
  stateBytesPerInstance: { noop: number; waapi: number };
  /** Every run's rows, for the spread (absent in older reports). */
  runs?: Measurement[][];
  load?: LoadSummary;
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
    loadDuring: LoadSummary | undefined;
  };
  latencyMs: number;
  parallel: number;
  /** Runs per figure; the median is shown. */
  repeats: number;
  /** Why this run differs from the default one (BENCH_NOTE), if it does. */
  note?: string;
  /** False in the figures saved after each size while the run goes on (absent in older reports). */
  complete?: boolean;
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

const cpu = (ms: number | undefined): string => (ms === undefined ? "–" : seconds(ms));
const loadLine = (summary: LoadSummary): string =>
  `${summary.min.toFixed(1)} / ${summary.median.toFixed(1)} / ${summary.max.toFixed(1)} ` +
  `(min / median / max of ${summary.samples} samples)`;

/** The lowest and highest of a figure over the runs, when there was more than one. */
function spread(size: SizeReport, index: number, figure: (row: Measurement) => number): string {
  const values = (size.runs ?? []).map((rows) => rows[index]).flatMap((row) => (row ? [figure(row)] : []));
  if (values.length < 2) return "–";
  return `${Math.min(...values).toFixed(2)} … ${Math.max(...values).toFixed(2)}`;
}

/** (WaapiInstance − no-op) ÷ floor, or the extra seconds where there is no floor. */
function overheadValue(row: Measurement): number {
  const extra = row.waapiMs - row.noopMs;
  return row.floorMs === 0 ? extra / 1000 : extra / row.floorMs;
}

function sizeSection(size: SizeReport): string {
  const rows = size.rows.map((row, index) => [
    `\`${row.operation}\``,
    seconds(row.noopMs),
    seconds(row.waapiMs),
    row.requests,
    row.floorMs === 0 ? "0" : seconds(row.floorMs),
    overhead(row),
    spread(size, index, overheadValue),
    cpu(row.noopCpuMs),
    cpu(row.waapiCpuMs),
  ]);
  const { noop, waapi } = size.stateBytesPerInstance;
  const preview = size.rows.find((row) => row.operation === "preview");
  return [
    `### N = ${size.count}`,
    "",
    ...(size.load ? [`Load average (1 min) while this size ran: ${loadLine(size.load)}.`, ""] : []),
    table(
      [
        "operation",
        "no-op stack",
        "WaapiInstance",
        "requests",
        "floor",
        "(WaapiInstance − no-op) ÷ floor",
        "same, lowest … highest run",
        "CPU, no-op",
        "CPU, WaapiInstance",
      ],
      rows,
    ),
    "",
    ...(preview
      ? [
          `Preview of the unchanged stack: WaapiInstance ${seconds(preview.waapiMs)} − no-op ${seconds(preview.noopMs)} = ` +
            `${signedSeconds(preview.waapiMs - preview.noopMs)} (target ≤ 0.5 s).`,
          "",
        ]
      : []),
    `State after create: ${kb(waapi)} per WaapiInstance, ${kb(noop)} per no-op resource ` +
      `(${(waapi / noop).toFixed(2)} ×).`,
  ].join("\n");
}

const signedSeconds = (ms: number): string => `${ms >= 0 ? "+" : "−"}${(Math.abs(ms) / 1000).toFixed(2)} s`;

/** A figure of one operation at every size. */
function perSize(sizes: SizeReport[], operation: string, figure: (row: Measurement, n: number) => number) {
  return sizes.map((size) => {
    const row = size.rows.find((r) => r.operation === operation);
    return row ? figure(row, size.count) : Number.NaN;
  });
}

/** Largest ÷ smallest: 1 for a cost that does not change with N. */
const maxOverMin = (values: number[]): number => Math.max(...values) / Math.min(...values);

/** maxOverMin, where it means something: not across a slope of zero or below (noise at that size). */
const spreadOf = (values: number[]): string =>
  values.every((value) => value > 0) ? `${maxOverMin(values).toFixed(2)} ×` : "– (a slope ≤ 0)";

/**
 * Per-instance cost at each size, for WaapiInstance and the no-op stack alike: time ÷ N keeps the
 * run's fixed start-up (the CLI, the language host, loading @pulumi/pulumi), which weighs most at small
 * N; the slope between sizes (time per added instance) does not.
 */
function linearitySection(sizes: SizeReport[]): string {
  const operations = sizes[0]?.rows.map((row) => row.operation) ?? [];
  const perInstanceRows = operations.map((operation) => {
    const waapi = perSize(sizes, operation, (row, n) => row.waapiMs / n);
    const noop = perSize(sizes, operation, (row, n) => row.noopMs / n);
    return [
      `\`${operation}\``,
      ...waapi.map((ms) => `${ms.toFixed(0)} ms`),
      `${maxOverMin(waapi).toFixed(2)} ×`,
      ...noop.map((ms) => `${ms.toFixed(0)} ms`),
      `${maxOverMin(noop).toFixed(2)} ×`,
    ];
  });
  const slopes = (figure: (row: Measurement) => number, operation: string): number[] =>
    sizes.slice(1).map((size, i) => {
      const previous = sizes[i];
      const now = size.rows.find((r) => r.operation === operation);
      const before = previous?.rows.find((r) => r.operation === operation);
      if (!previous || !now || !before) return Number.NaN;
      return (figure(now) - figure(before)) / (size.count - previous.count);
    });
  const slopeRows = operations.map((operation) => {
    const waapi = slopes((row) => row.waapiMs, operation);
    const noop = slopes((row) => row.noopMs, operation);
    return [
      `\`${operation}\``,
      ...waapi.map((ms) => `${ms.toFixed(0)} ms`),
      ...(waapi.length > 1 ? [spreadOf(waapi)] : []),
      ...noop.map((ms) => `${ms.toFixed(0)} ms`),
    ];
  });
  const relativeRows = operations.map((operation) => {
    const relative = perSize(sizes, operation, (row) => row.waapiMs / row.noopMs);
    return [
      `\`${operation}\``,
      ...relative.map((r) => `${r.toFixed(2)}`),
      `${maxOverMin(relative).toFixed(2)} ×`,
    ];
  });
  const header = sizes.map((s) => `N = ${s.count}`);
  const pairs = sizes.slice(1).map((size, i) => `${sizes[i]?.count ?? "?"} → ${size.count}`);
  const verdicts = operations.map((operation) => {
    const waapi = maxOverMin(perSize(sizes, operation, (row, n) => row.waapiMs / n));
    const noop = maxOverMin(perSize(sizes, operation, (row, n) => row.noopMs / n));
    return (
      `- \`${operation}\`: WaapiInstance time ÷ N varies ${waapi.toFixed(2)} × across the sizes ` +
      `(target ≤ 1.5): ${waapi <= 1.5 ? "met" : "NOT met"}; the no-op stack's, ${noop.toFixed(2)} ×.`
    );
  });
  return [
    "Time ÷ N, WaapiInstance and no-op stack (includes each run's fixed start-up, the same for both):",
    "",
    table(
      [
        "operation",
        ...header.map((h) => `WaapiInstance, ${h}`),
        "max ÷ min",
        ...header.map((h) => `no-op, ${h}`),
        "max ÷ min",
      ],
      perInstanceRows,
    ),
    "",
    "Time per added instance (the slope between sizes: equal slopes mean linear growth):",
    "",
    table(
      [
        "operation",
        ...pairs.map((p) => `WaapiInstance, N ${p}`),
        ...(pairs.length > 1 ? ["max ÷ min"] : []),
        ...pairs.map((p) => `no-op, N ${p}`),
      ],
      slopeRows,
    ),
    "",
    "WaapiInstance time ÷ no-op time at each size (a ratio that stays put means WaapiInstance grows as",
    "the engine's own cost does):",
    "",
    table(["operation", ...header, "max ÷ min"], relativeRows),
    "",
    ...verdicts,
  ].join("\n");
}

/** The CPU WaapiInstance used beyond the no-op stack, where both were measured. */
function cpuExtra(row: Measurement): string {
  if (row.waapiCpuMs === undefined || row.noopCpuMs === undefined) return "";
  return `; CPU, WaapiInstance − no-op: ${signedSeconds(row.waapiCpuMs - row.noopCpuMs)}`;
}

function targetsSection(size: SizeReport): string {
  const lines: string[] = [];
  for (const row of size.rows) {
    if (row.operation === "preview") {
      const extra = (row.waapiMs - row.noopMs) / 1000;
      lines.push(
        `- preview unchanged: ${extra.toFixed(2)} s over the no-op stack (target ≤ 0.5 s): ` +
          `${extra <= 0.5 ? "met" : "NOT met"}${cpuExtra(row)}`,
      );
    } else if (row.floorMs > 0) {
      const ratio = (row.waapiMs - row.noopMs) / row.floorMs;
      lines.push(
        `- ${row.operation}: (WaapiInstance − no-op) ÷ floor = ${ratio.toFixed(2)} (target ≤ 1.25): ` +
          `${ratio <= 1.25 ? "met" : "NOT met"}${cpuExtra(row)}`,
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
    "CPU is the user + system time of the CLI and every process it started (the engine, the language",
    "host, the program, the dynamic-provider host), from bash's `times`: it moves far less with the",
    "machine's load than wall-clock time, and shows where a difference between the stacks comes from.",
    "",
    `Reproduce: \`${report.command}\` (BENCH_SIZES, BENCH_REPEATS, BENCH_CHECKPOINT_SIZE, BENCH_CPU_PROF: see bench/bench.ts).`,
    ...(report.note ? ["", report.note] : []),
    ...(report.complete === false
      ? ["", "**This run was stopped before it finished: below is what it had measured by then.**"]
      : []),
    "",
    "## Machine",
    "",
    `- ${machine.cpu}, ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}`,
    `- Node.js ${machine.node}; Pulumi CLI ${machine.pulumi}; commit ${machine.commit}`,
    `- run started ${report.startedAt}, took ${(report.durationS / 60).toFixed(1)} min`,
    `- load average (1 / 5 / 15 min) before: ${load(machine.loadBefore)}, after: ${load(machine.loadAfter)}` +
      (machine.loadDuring ? `; 1-minute load during the run: ${loadLine(machine.loadDuring)}.` : "."),
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
    "Profiled with `BENCH_CPU_PROF=<folder> make bench` (a `.cpuprofile` per Node.js process), and read",
    "with the CPU columns above:",
    "",
    "- **Program.** A WaapiInstance serializes nothing (it stores a constant 145-byte provider reference),",
    "  and loading the package loads neither `got` nor the native door (tests/integration/program-load.test.ts).",
    "  Registering a resource makes four promises per property, and Pulumi records a stack trace on each",
    "  for its leak report, which ts-node source-maps frame by frame: that was most of a WaapiInstance's",
    "  CPU in the program. WaapiInstance now registers without them (its source position is kept); the",
    "  no-op stack pays them, as any plain dynamic resource does, and also serializes its provider object",
    "  once per run (Pulumi's closure serializer, which loads TypeScript's parser). So WaapiInstance's",
    "  program can cost less CPU than the no-op's (tests/integration/many-resources.test.ts).",
    "- **Provider host.** Each run's dynamic-provider host spends 1–1.5 s of CPU loading `@pulumi/pulumi`",
    "  itself, for both stacks: a dynamic provider cannot avoid it. Per call, both pay gRPC and protobuf;",
    "  WaapiInstance's outputs have more properties. Its requests add the HTTP client's work (loading",
    "  `got` on the first request, then a few ms of CPU each); connections are kept alive",
    "  (tests/integration/connection-reuse.test.ts).",
    "- **Create.** Before its first POST a create run lists the account once, to recognise an instance made",
    "  by a POST whose answer was lost (provider/instance/creation.ts).",
    "",
    "On 2 cores shared with other work, a second of CPU costs several seconds of wall-clock time, and",
    "the wall-clock difference between two runs of the same stack can exceed the whole floor: where the",
    "lowest and highest runs of a ratio straddle the target, the CPU columns say which way it goes.",
    "",
    checkpointSection(report),
  ].join("\n")}\n`;
}
