/**
 * The native plugin's generated SDKs (scripts/gen-sdk.sh, pkg/v3's codegen on provider/native/schema.json).
 * The Python SDK is committed (users install it from sdk/python), so it must be what the generator
 * writes from the committed schema; the Go SDK is generated here and compiled with a program on it.
 * `npm run docs` rewrites sdk/python with the schema (`npm run sdk` alone). Both tests build
 * scripts/gen-sdk with Go once, then reuse it from the cache.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const GEN_SDK = join(process.cwd(), "scripts", "gen-sdk.sh");
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

it("sdk/python is what scripts/gen-sdk.sh writes from schema.json (run `npm run docs` to update it)", async () => {
  const out = scratchDir("python-sdk");
  await run(GEN_SDK, ["python", out]);
  const generated = tree(out);
  expect(Object.keys(generated)).toEqual(
    expect.arrayContaining(["pyproject.toml", "pulumi_waapi/instance.py", "pulumi_waapi/get_instance.py"]),
  );
  // The version the SDK's resources ask the engine for is the plugin's.
  expect(JSON.parse(generated["pulumi_waapi/pulumi-plugin.json"] ?? "{}")).toEqual({
    resource: true,
    name: "waapi",
    version: (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version,
  });
  expect(tree(join(process.cwd(), "sdk", "python"))).toEqual(generated);
}, 600_000);

it("the generated Go SDK compiles: a Go program on it passes go vet and go build", async () => {
  const module = scratchDir("go-program");
  cpSync(join(process.cwd(), "tests", "go-program"), module, { recursive: true });
  const generated = join(scratchDir("go-sdk"), "sdk");
  await run(GEN_SDK, ["go", generated]);
  cpSync(join(generated, "waapi"), join(module, "waapi"), { recursive: true });
  // -mod=readonly: the committed go.sum must already cover what the SDK imports. -trimpath, as the
  // CLI is built (scripts/install-pulumi.sh): the sdk/v3 packages it compiled are reused from Go's cache.
  const env = { ...process.env, GOFLAGS: `${process.env["GOFLAGS"] ?? ""} -mod=readonly -trimpath`.trim() };
  await run("go", ["vet", "./..."], { cwd: module, env });
  await run("go", ["build", "-o", join(module, "program"), "."], { cwd: module, env });
}, 600_000);
