/**
 * What `npm publish` would ship: the tarball's file list (only what users need, and everything the
 * package's entry points name), the metadata a registry page shows, and a clean `npm publish
 * --dry-run`. Scripts are skipped (`--ignore-scripts`): `prepare` would rebuild the dist/ other test
 * files are using; `make test` has just built it.
 */
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const REPO = process.cwd();
const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as Record<string, unknown>;

async function npm(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  // Without npm_* variables that `npm test` sets: npm reads them as configuration.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return promisify(execFile)("npm", args, { cwd: REPO, env, maxBuffer: 16 * 1024 * 1024 });
}

/** The folders `npm run build` compiles into dist/ (tsconfig.build.json's `include`). */
/** Where tsconfig.sdk.json compiles the generated Node.js SDK to. */
const NATIVE_SDK_OUT = (
  JSON.parse(readFileSync(join(REPO, "tsconfig.sdk.json"), "utf8")) as { compilerOptions: { outDir: string } }
).compilerOptions.outDir;
const compiledFolders = (
  JSON.parse(readFileSync(join(REPO, "tsconfig.build.json"), "utf8")) as { include: string[] }
).include;

let files: string[];
beforeAll(async () => {
  const { stdout } = await npm("pack", "--dry-run", "--json", "--ignore-scripts");
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  files = (pack?.files ?? []).map((file) => file.path).sort();
}, 60_000);

/** The TypeScript sources that make up the package (tests excluded), relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
    .map((file) => relative(REPO, join(REPO, dir, file)));
}

/** Every file path named by main, types, bin and exports. */
function entryPoints(): string[] {
  const targets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") targets.push(value.replace(/^\.\//, ""));
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect([manifest["main"], manifest["types"], manifest["bin"], manifest["exports"]]);
  return targets;
}

test("the tarball holds the compiled code, its types, and the documents; no sources, tests or maps", () => {
  const documents = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];
  const unexpected = files.filter(
    (file) =>
      !documents.includes(file) &&
      !(
        compiledFolders.some((folder) => file.startsWith(`dist/${folder}/`)) &&
        /(?<!\.test)\.(js|d\.ts|json)$/.test(file) // .json: data tsc copies, e.g. the native schema
      ) &&
      // The generated Node.js SDK (sdk/nodejs, tsconfig.sdk.json), which `pulumi-waapi/native` re-exports.
      !(file.startsWith(`${NATIVE_SDK_OUT}/`) && /\.(js|d\.ts|json)$/.test(file)) &&
      // The native provider plugin (issue 9) ships as an executable under bin/.
      !file.startsWith("bin/"),
  );
  expect(unexpected).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(documents));
});

test("every source file's JavaScript and declarations are in the tarball", () => {
  const compiled = compiledFolders
    .flatMap(sources)
    .flatMap((source) => [
      `dist/${source.replace(/\.ts$/, ".js")}`,
      `dist/${source.replace(/\.ts$/, ".d.ts")}`,
    ]);
  expect(compiled.length).toBeGreaterThan(20);
  expect(compiled.filter((file) => !files.includes(file))).toEqual([]);
  const sdk = sources("sdk/nodejs").flatMap((source) => {
    const out = source.replace(/^sdk\/nodejs\//, `${NATIVE_SDK_OUT}/`).replace(/\.ts$/, "");
    return [`${out}.js`, `${out}.d.ts`];
  });
  expect(sdk).toEqual(expect.arrayContaining([`${NATIVE_SDK_OUT}/instance.js`]));
  // Its utilities read their version from the package.json beside them.
  expect([...sdk, `${NATIVE_SDK_OUT}/package.json`].filter((file) => !files.includes(file))).toEqual([]);
});

test("every entry point the package names (main, types, bin, exports) is in the tarball", () => {
  const targets = entryPoints();
  expect(targets).toEqual(expect.arrayContaining(["dist/provider/index.js", "dist/sandbox/cli.js"]));
  expect(targets.filter((target) => !files.includes(target))).toEqual([]);
});

test("the metadata a registry needs is there; fastify stays out of the dependencies", () => {
  for (const field of [
    "repository",
    "keywords",
    "homepage",
    "bugs",
    "license",
    "engines",
    "exports",
    "types",
  ]) {
    expect({ field, present: manifest[field] !== undefined }).toEqual({ field, present: true });
  }
  expect(manifest["dependencies"]).not.toHaveProperty("fastify");
  expect(manifest["peerDependenciesMeta"]).toEqual({ fastify: { optional: true } });
});

test("npm publish --dry-run is clean: no warning but the one about not being logged in", async () => {
  const { stdout, stderr } = await npm("publish", "--dry-run", "--ignore-scripts");
  const warnings = `${stdout}\n${stderr}`
    .split("\n")
    .filter((line) => /^npm (warn|error)/i.test(line))
    .filter((line) => !/requires you to be logged in .*\(dry-run\)/.test(line));
  expect(warnings).toEqual([]);
  expect(stdout).toContain(`+ pulumi-waapi@${String(manifest["version"])}`);
}, 60_000);
