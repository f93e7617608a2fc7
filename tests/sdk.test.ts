/**
 * The native plugin's generated SDKs (scripts/gen-sdk.sh, pkg/v3's codegen on provider/native/schema.json).
 * The Node.js, Python, Go and Java SDKs are committed under sdk/ (Node.js is built into this package
 * as `pulumi-waapi/native`; Python users install sdk/python; Go users `go get` the module sdk/go;
 * sdk/java is a Gradle project), so each must be what the generator writes from the committed schema:
 * `npm run sdk` (or `npm run docs`) rewrites them. The Go SDK is also compiled with the schema's Go
 * usage example on it, the Java one with javac against the Maven Central artifacts its build.gradle
 * names; the Node.js one is compiled by every `npm run build` (tsconfig.sdk.json). The generator is
 * built with Go once, then reused from the cache.
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = process.cwd();
const GEN_SDK = join(ROOT, "scripts", "gen-sdk.sh");
const VERSION = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "provider", "native", "schema.json"), "utf8")) as {
  pluginDownloadURL: string;
  language: { go: { importBasePath: string } };
};
const scratch: string[] = [];

function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `waapi-${name}-`));
  scratch.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `dir`, by its path relative to `dir`, with its text. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [relative(dir, path), readFileSync(path, "utf8")] as const;
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The SDK of `language` as scripts/gen-sdk.sh writes it now. */
async function generated(language: string): Promise<Record<string, string>> {
  const out = join(scratchDir(`${language}-sdk`), "sdk");
  await run(GEN_SDK, [language, out]);
  return tree(out);
}

/** What every SDK's plugin manifest must say: the plugin, its version and where its releases are. */
const PLUGIN = { resource: true, name: "waapi", version: VERSION, server: SCHEMA.pluginDownloadURL };

it("sdk/python is what scripts/gen-sdk.sh writes from schema.json (run `npm run sdk` to update it)", async () => {
  const sdk = await generated("python");
  expect(Object.keys(sdk)).toEqual(
    expect.arrayContaining([
      "pyproject.toml",
      "pulumi_waapi/instance.py",
      "pulumi_waapi/group.py",
      "pulumi_waapi/get_instance.py",
    ]),
  );
  // The version the SDK's resources ask the engine for is the plugin's.
  expect(JSON.parse(sdk["pulumi_waapi/pulumi-plugin.json"] ?? "{}")).toEqual(PLUGIN);
  expect(tree(join(ROOT, "sdk", "python"))).toEqual(sdk);
}, 600_000);

it("sdk/nodejs is what scripts/gen-sdk.sh writes from schema.json (run `npm run sdk` to update it)", async () => {
  const sdk = await generated("nodejs");
  expect(Object.keys(sdk)).toEqual(
    expect.arrayContaining(["package.json", "instance.ts", "group.ts", "getInstance.ts", "listInstances.ts"]),
  );
  const manifest = JSON.parse(sdk["package.json"] ?? "{}") as { version?: string; pulumi?: unknown };
  expect(manifest.version).toBe(VERSION);
  expect(manifest.pulumi).toEqual(PLUGIN);
  // The migration from the dynamic WaapiInstance in place rests on this alias.
  expect(sdk["instance.ts"]).toContain('aliases: [{ type: "pulumi-nodejs:dynamic/waapi:Instance" }]');
  expect(sdk["group.ts"]).toContain('aliases: [{ type: "pulumi-nodejs:dynamic/waapi:Group" }]');
  expect(tree(join(ROOT, "sdk", "nodejs"))).toEqual(sdk);
}, 600_000);

it("sdk/go is what scripts/gen-sdk.sh writes from schema.json: a Go module under the repository's path", async () => {
  const sdk = await generated("go");
  const modulePath = SCHEMA.language.go.importBasePath.replace(/\/waapi$/, "");
  expect(sdk["go.mod"]).toMatch(new RegExp(`^module ${modulePath}\n`));
  expect(JSON.parse(sdk["waapi/pulumi-plugin.json"] ?? "{}")).toEqual(PLUGIN);
  expect(tree(join(ROOT, "sdk", "go"))).toEqual(sdk);
}, 600_000);

it("the Go usage example compiles on the Go SDK: go vet and go build", async () => {
  // The example program (examples/native/go/main.go, which the schema's descriptions show) in a module
  // whose go.sum covers the SDK's imports (tests/go-program), with sdk/go as the SDK module.
  const module = scratchDir("go-program");
  cpSync(join(ROOT, "tests", "go-program"), module, { recursive: true });
  copyFileSync(join(ROOT, "examples", "native", "go", "main.go"), join(module, "main.go"));
  const modulePath = /^module (\S+)$/m.exec(readFileSync(join(ROOT, "sdk", "go", "go.mod"), "utf8"))?.[1];
  expect(modulePath).toBeDefined();
  await run(
    "go",
    ["mod", "edit", `-require=${modulePath}@v0.0.0`, `-replace=${modulePath}=${join(ROOT, "sdk", "go")}`],
    { cwd: module },
  );
  // -mod=readonly: the committed go.sum must already cover what the SDK imports. -trimpath, as the
  // CLI is built (scripts/install-pulumi.sh): the sdk/v3 packages it compiled are reused from Go's cache.
  const env = { ...process.env, GOFLAGS: `${process.env["GOFLAGS"] ?? ""} -mod=readonly -trimpath`.trim() };
  await run("go", ["vet", "./..."], { cwd: module, env });
  await run("go", ["build", "-o", join(module, "program"), "."], { cwd: module, env });
}, 600_000);

it("sdk/java is what scripts/gen-sdk.sh writes from schema.json (run `npm run sdk` to update it)", async () => {
  const sdk = await generated("java");
  expect(Object.keys(sdk)).toEqual(
    expect.arrayContaining([
      "build.gradle",
      "src/main/java/com/pulumi/waapi/Instance.java",
      "src/main/java/com/pulumi/waapi/Group.java",
      "src/main/java/com/pulumi/waapi/WaapiFunctions.java",
    ]),
  );
  expect(tree(join(ROOT, "sdk", "java"))).toEqual(sdk);
}, 600_000);

it("the generated Java SDK compiles with javac against the Maven Central artifacts its build.gradle names", async () => {
  const gradle = readFileSync(join(ROOT, "sdk", "java", "build.gradle"), "utf8");
  const dependencies = [...gradle.matchAll(/^\s*implementation\("([^:"]+):([^:"]+):([^"]+)"\)/gm)].map(
    ([, group = "", artifact = "", version = ""]) => ({ group, artifact, version }),
  );
  expect(dependencies.map(({ group, artifact }) => `${group}:${artifact}`)).toContain("com.pulumi:pulumi");
  // Maven resolves them (and what they depend on) from Maven Central into ~/.m2, then prints the class
  // path; Gradle, which the SDK's own build uses, is not installed here.
  const project = scratchDir("java-sdk");
  const pom = [
    '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>',
    "<groupId>local.check</groupId><artifactId>waapi-java-sdk</artifactId><version>0.0.0</version>",
    "<dependencies>",
    ...dependencies.map(
      ({ group, artifact, version }) =>
        `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`,
    ),
    "</dependencies></project>",
  ].join("\n");
  writeFileSync(join(project, "pom.xml"), pom);
  const classPath = join(project, "classpath.txt");
  await run("mvn", ["-q", "-B", "dependency:build-classpath", `-Dmdep.outputFile=${classPath}`], {
    cwd: project,
  });
  const sources = readdirSync(join(ROOT, "sdk", "java", "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".java"))
    .map((file) => join(ROOT, "sdk", "java", "src", file));
  expect(sources.length).toBeGreaterThan(10);
  await run("javac", [
    "--release",
    "11",
    "-d",
    join(project, "classes"),
    "-cp",
    readFileSync(classPath, "utf8").trim(),
    ...sources,
  ]);
  expect(readdirSync(join(project, "classes", "com", "pulumi", "waapi"))).toEqual(
    expect.arrayContaining(["Instance.class", "Group.class"]),
  );
}, 600_000);
