/**
 * Writes docs/benchmarks.md again from the raw figures `make bench` kept beside it
 * (docs/benchmarks.md.json), after bench/report.ts or the figures' note changed: `make bench-page`.
 * tests/docs-pages.test.ts fails when the page and its figures disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderReport, type RunReport } from "./report";

const output = path.resolve(__dirname, "..", "..", process.env["BENCH_OUTPUT"] ?? "docs/benchmarks.md");
writeFileSync(output, renderReport(JSON.parse(readFileSync(`${output}.json`, "utf8")) as RunReport));
console.log(`${path.relative(process.cwd(), output)} rendered from ${path.basename(output)}.json`);
