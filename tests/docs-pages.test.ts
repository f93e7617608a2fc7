/**
 * The measurement pages under docs/ against what they were made from: docs/benchmarks.md is what
 * bench/report.ts renders from the run's raw figures (docs/benchmarks.md.json); docs/reliability.md
 * (written by `make reliability`, which keeps no raw file) agrees with itself and with the figures the
 * README and docs/design.md quote from it; and every commit any page cites is in the history.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { renderReport, type RunReport } from "../bench/report";

const ROOT = process.cwd();
const read = (file: string): string => readFileSync(join(ROOT, file), "utf8");

it("docs/benchmarks.md is what bench/report.ts renders from docs/benchmarks.md.json", async () => {
  const report = JSON.parse(read("docs/benchmarks.md.json")) as RunReport;
  const file = join(ROOT, "docs", "benchmarks.md");
  const rendered = await prettier.format(renderReport(report), {
    ...(await prettier.resolveConfig(file)),
    filepath: file,
  });
  expect(read("docs/benchmarks.md")).toBe(rendered);
});

/** The cells of a markdown table's rows whose first cell matches `first`. */
function rows(page: string, first: RegExp): string[][] {
  return page
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    )
    .filter(([cell = ""]) => first.test(cell));
}

describe("docs/reliability.md", () => {
  const page = read("docs/reliability.md");
  const floor = Number(/The rate floor is (\d+(?:\.\d+)?) s/.exec(page)?.[1]);
  const paced = rows(page, /^sandbox 60\/min evenly spaced/)[0] ?? [];
  const bursts = rows(page, /^sandbox 60\/min in bursts/)[0] ?? [];

  it("gives each paced run's ratio to the floor from its seconds", () => {
    expect(floor).toBeGreaterThan(0);
    const runs = rows(page, /^(no limit|sandbox 60\/min)/);
    expect(runs).toHaveLength(3);
    for (const [, seconds = "", ratio = ""] of runs) {
      expect(Number(ratio)).toBeCloseTo(Number(seconds) / floor, 2);
    }
  });

  it("every fault-matrix cell: no orphan, duplicate, lost instance or wrong setting; every failure named", () => {
    const cells = rows(page, /./).filter(
      (cells) => cells.length === 11 && ["up", "update", "refresh", "destroy"].includes(cells[1] ?? ""),
    );
    expect(cells.length).toBeGreaterThan(10);
    for (const [fault, operation, , runs, , orphans, duplicates, lost, wrong, named = ""] of cells) {
      expect({ fault, operation, orphans, duplicates, lost, wrong }).toEqual({
        fault,
        operation,
        orphans: "0",
        duplicates: "0",
        lost: "0",
        wrong: "0",
      });
      // A cell whose fault the provider absorbed says "no failure" (fault-matrix.ts), in one run.
      if (named === "no failure") {
        expect({ fault, operation, runs }).toEqual({ fault, operation, runs: "1" });
        continue;
      }
      const [failed, of] = named.split("/");
      expect({ fault, operation, named: failed }).toEqual({ fault, operation, named: of });
    }
  });

  it("the README and docs/design.md quote its paced figures as it gives them", () => {
    const [, seconds = "", ratio = "", , , , fourTwentyNines = ""] = paced;
    expect(read("README.md")).toContain(`took ${ratio} × the time its ${floor} requests need`);
    const design = read("docs/design.md");
    expect(design).toContain(`took ${seconds} s with 0 failed operations and 0 \`429\`s — ${ratio} × the`);
    expect(design).toContain(`rate floor of ${floor} s`);
    expect(fourTwentyNines).toBe("0");
    expect(design).toContain(`the \`429\`s were waited out: ${bursts[1]} s, ${bursts[6]} \`429\`s`);
  });
});

it("every commit the pages under docs/ and the README cite is in the history", () => {
  const pages = ["README.md", ...readdirSync(join(ROOT, "docs")).map((file) => join("docs", file))].filter(
    (file) => /\.(md|json)$/.test(file),
  );
  const cited = new Map<string, string>();
  for (const file of pages) {
    // An abbreviated hash: 7 to 12 hex digits with a letter and a digit (so no plain number or word).
    for (const [hash] of read(file).matchAll(/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,12}\b/g)) {
      cited.set(hash, file);
    }
  }
  expect(cited.size).toBeGreaterThan(3);
  const missing = [...cited].filter(([hash]) => {
    try {
      execFileSync("git", ["cat-file", "-e", `${hash}^{commit}`], { cwd: ROOT, stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  expect(missing.map(([hash, file]) => `${file}: ${hash}`)).toEqual([]);
});
