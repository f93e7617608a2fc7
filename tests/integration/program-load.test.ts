/**
 * What loading pulumi-waapi costs a program and the dynamic-provider host, in a fresh Node process
 * each: the modules `require` loads. Profiled with `make bench` (BENCH_CPU_PROF), loading got and its
 * dependencies took about a quarter of a second; a program never sends a request, nor does a preview,
 * so the client loads got on its first request. This keeps it so, and keeps the sandbox's server
 * (fastify) and the native door out of both.
 */
import { execFileSync } from "node:child_process";
import { loadBuiltPackage } from "../support/provider";

/** The files `require(specifier)` loads in a fresh Node process started at the repository root. */
function modulesLoadedBy(specifier: string): string[] {
  loadBuiltPackage(); // fails clearly when dist/ is missing
  const script =
    `const before = new Set(Object.keys(require.cache)); require(${JSON.stringify(specifier)});` +
    "console.log(JSON.stringify(Object.keys(require.cache).filter((file) => !before.has(file))));";
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
}

const own = (files: string[]): string[] => files.filter((file) => !file.includes("/node_modules/"));
const packages = (files: string[]): Set<string> =>
  new Set(files.flatMap((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));

it.each(["pulumi-waapi", "pulumi-waapi/internal/instance-lifecycle"])(
  "require(%j) loads neither got, nor fastify, nor the native door",
  (specifier) => {
    const files = modulesLoadedBy(specifier);
    const loaded = packages(files);

    expect(own(files).length).toBeGreaterThan(5); // the probe sees the package's own modules
    expect(loaded.has("got")).toBe(false);
    expect(loaded.has("fastify")).toBe(false);
    expect(own(files).filter((file) => /\/dist\/(provider\/native|sandbox)\//.test(file))).toEqual([]);
  },
);

it("the probe sees got where it is loaded", () => {
  expect(packages(modulesLoadedBy("got")).has("got")).toBe(true);
});
