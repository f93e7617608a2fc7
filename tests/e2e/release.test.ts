/**
 * `make release` from a fresh clone, and its artifacts installed the way their users install them,
 * each into a clean environment, deploying against the sandbox:
 * - the plugin archives: named and laid out as Pulumi expects, checksummed, the other platforms'
 *   executables checked by their headers; the linux-amd64 one installed with `pulumi plugin install
 *   resource waapi <version> --file`, then a YAML and a Python program deploy, import, look up and
 *   destroy through it — the Pulumi CLI, its language hosts and the plugin on a PATH where no `node`
 *   can be found, as a team without Node.js runs them;
 * - the Python wheel, in a new virtual environment (the Python program above runs on it);
 * - the npm package tarball, in a TypeScript program.
 * The Go SDK tree comes from the same generator that tests/sdk.test.ts compiles a program against.
 *
 * The clone is of HEAD: uncommitted changes are not part of what is released.
 */
import { execFile, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeInstanceByHand } from "../support/dashboard";
import { executableFacts } from "../support/executables";
import { useOfflineStacks, type OfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";
import { expectSuccess, runShell, userEnvironment } from "../support/shell";

const run = promisify(execFile);
const REPO = process.cwd();
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const archiveName = (target: string) => `pulumi-resource-waapi-v${VERSION}-${target}.tar.gz`;
const TARGETS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"] as const;
/** The `pulumi` Python SDK the repository's scripts pin (scripts/install-python-sdk.sh). */
const PULUMI_PYTHON = /^PULUMI_PYTHON_SDK_VERSION=(\S+)$/m.exec(
  readFileSync(join(REPO, "scripts", "install-python-sdk.sh"), "utf8"),
)?.[1];
/** The @pulumi/pulumi this package is built and tested with. */
const PULUMI_NODEJS = (
  JSON.parse(readFileSync(join(REPO, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
    version: string;
  }
).version;

/** Whether `make release` below finds rcodesign, which signs the macOS executables (scripts/pack-plugin.cjs). */
const SIGNER_ON_PATH =
  process.env["WAAPI_RCODESIGN"] !== undefined ||
  spawnSync("sh", ["-c", "command -v rcodesign"]).status === 0;

const work = mkdtempSync(join(tmpdir(), "waapi-release-"));
const clone = join(work, "pulumi-waapi");
const released = join(clone, "release");
const pulumiHome = join(work, "pulumi-home");
/** A bin folder with the Pulumi CLI and its language hosts, and nothing else: no `node` to find. */
const noNodeBin = join(work, "bin");
const venv = join(work, "venv");
/** The PATH of the YAML and Python runs: the folder above and the wheel's virtual environment. */
const noNodePath = `${noNodeBin}:${join(venv, "bin")}`;
const tsProgram = join(work, "typescript");

const sandbox = useSandbox();
const stacks: OfflineStacks = useOfflineStacks({ PULUMI_HOME: pulumiHome });

async function shell(command: string, cwd: string, env: Record<string, string> = {}): Promise<void> {
  const started = Date.now();
  expectSuccess(`${command}\` in \`${cwd}`, await runShell(command, { cwd, env: userEnvironment(env) }));
  console.info(`${command}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

beforeAll(async () => {
  const pulumi = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  if (pulumi === "")
    throw new Error("no pulumi on PATH: run under `bin=$(scripts/install-pulumi.sh) && PATH=$bin:$PATH`");
  mkdirSync(noNodeBin);
  for (const tool of [
    "pulumi",
    "pulumi-language-yaml",
    "pulumi-language-python",
    "pulumi-language-python-exec",
  ]) {
    symlinkSync(join(pulumi, "..", tool), join(noNodeBin, tool));
  }

  await run("git", ["clone", "--quiet", REPO, clone]);
  // The clone's dependencies, as `make install` would install them from the same lock file: linked
  // from this repository rather than installed a second time. Dated before the link's install, so
  // make sees them installed (and never runs `npm ci` through the link).
  symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"));
  for (const file of ["package.json", "package-lock.json"]) utimesSync(join(clone, file), 0, 0);
  await shell("make release", clone);

  // Each artifact into a clean environment of its own, at once: pip and npm mostly wait on their caches.
  mkdirSync(tsProgram);
  writeFileSync(
    join(tsProgram, "package.json"),
    JSON.stringify({ name: "released-npm-package", private: true }),
  );
  await Promise.all([
    shell(
      `python3 -m venv ${venv} && ${venv}/bin/pip install --quiet --disable-pip-version-check ` +
        `pulumi==${PULUMI_PYTHON} ${released}/pulumi_waapi-${VERSION}-py3-none-any.whl`,
      work,
    ),
    shell(
      `npm install --no-audit --no-fund --silent @pulumi/pulumi@${PULUMI_NODEJS} ${released}/pulumi-waapi-${VERSION}.tgz`,
      tsProgram,
    ),
  ]);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it("writes every artifact into release/", () => {
  expect(readdirSync(released).sort()).toEqual(
    [
      "go",
      `pulumi-waapi-${VERSION}.tgz`,
      `pulumi-resource-waapi-v${VERSION}-checksums.txt`,
      ...TARGETS.map(archiveName),
      `pulumi_waapi-${VERSION}-py3-none-any.whl`,
      `pulumi_waapi-${VERSION}.tar.gz`,
    ].sort(),
  );
  // The Go SDK tree: the package with the resource and both functions.
  for (const file of ["instance.go", "getInstance.go", "listInstances.go", "provider.go"]) {
    expect(existsSync(join(released, "go", "waapi", file))).toBe(true);
  }
});

it("five archives as Pulumi names them, each with the executable at its root, and a checksums file that sha256sum accepts", async () => {
  const archives = released;
  const checked = await run("sha256sum", ["-c", `pulumi-resource-waapi-v${VERSION}-checksums.txt`], {
    cwd: archives,
  });
  const targets = [...TARGETS];
  expect(checked.stdout.trim().split("\n").sort()).toEqual(
    targets.map((target) => `${archiveName(target)}: OK`).sort(),
  );
  const expected = {
    "linux-amd64": { format: "ELF 64", machine: "x86-64" },
    "linux-arm64": { format: "ELF 64", machine: "aarch64" },
    "darwin-amd64": { format: "Mach-O 64", machine: "x86-64" },
    "darwin-arm64": { format: "Mach-O 64", machine: "aarch64" },
    "windows-amd64": { format: "PE32+", machine: "x86-64" },
  } as const;
  for (const target of targets) {
    const unpacked = join(work, "unpacked", target);
    mkdirSync(unpacked, { recursive: true });
    const listing = await run("tar", ["-tzf", join(archives, archiveName(target))]);
    const name = target.startsWith("windows") ? "pulumi-resource-waapi.exe" : "pulumi-resource-waapi";
    expect(listing.stdout.trim()).toBe(name); // alone, at the root
    await run("tar", ["-xzf", join(archives, archiveName(target)), "-C", unpacked]);
    const file = readFileSync(join(unpacked, name));
    const facts = executableFacts(file);
    expect({ target, format: facts.format, machine: facts.machine, fuseFlipped: facts.fuseFlipped }).toEqual({
      target,
      ...expected[target as keyof typeof expected],
      fuseFlipped: true,
    });
    // macOS executables are signed ad hoc when the release had rcodesign on its PATH (see docs/releasing.md).
    if (facts.format === "Mach-O 64")
      expect({ target, signed: facts.signed }).toEqual({ target, signed: SIGNER_ON_PATH });
    // The blob holds the bundled provider (no code cache: it is the same blob on every platform).
    expect(facts.seaBlob?.includes("waapi:index:getInstance")).toBe(true);
    console.info(
      `${target}: archive ${statSync(join(archives, archiveName(target))).size} bytes, executable ${file.length} bytes`,
    );
    rmSync(unpacked, { recursive: true });
  }
}, 120_000);

it("installs with `pulumi plugin install --file` on a PATH with no node", async () => {
  const noNode = spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH: noNodePath } });
  expect(noNode.status).not.toBe(0);
  const installed = spawnSync(
    "pulumi",
    ["plugin", "install", "resource", "waapi", VERSION, "--file", join(released, archiveName("linux-amd64"))],
    { env: { ...process.env, ...stacks.env(), PATH: noNodePath }, encoding: "utf8" },
  );
  expect(installed.stderr + installed.stdout).not.toMatch(/error/i);
  expect(installed.status).toBe(0);
  const executable = join(pulumiHome, "plugins", `resource-waapi-v${VERSION}`, "pulumi-resource-waapi");
  expect(executableFacts(readFileSync(executable))).toMatchObject({ format: "ELF 64", machine: "x86-64" });
}, 60_000);

/** The instance made by hand that each program takes over with the `import` resource option. */
const LEGACY = {
  name: "Legacy line",
  webhook: { url: "https://legacy.example.com/hook", events: ["message"] },
};

/**
 * `pulumi up` of a program that makes the Support line, imports `legacyId` and looks the first up,
 * then `pulumi destroy`: each through the installed executable, with no node on the PATH.
 */
async function deployImportLookUpDestroy(
  dir: string,
  legacyId: number,
  env: Record<string, string> = {},
): Promise<void> {
  const stack = await stacks.create(dir, {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    config: { legacyId: String(legacyId) },
    env: { PATH: noNodePath, ...env },
  });
  const up = await stacks.up(stack);
  expect(up.summary.resourceChanges).toEqual({ create: 2, import: 1 });
  const support = sandbox.instances().find((instance) => instance.id !== legacyId);
  expect(sandbox.instances()).toHaveLength(2);
  expect(support).toMatchObject({ name: "Support line", webhook_events: ["message", "ready"] });
  // One POST and one PUT made the Support line; the imported instance got no write.
  const writes = sandbox.requests().filter((request) => request.method !== "GET");
  expect(writes.map((request) => request.method).sort()).toEqual(["POST", "PUT"]);
  expect(writes.some((request) => request.path.includes(`/${legacyId}`))).toBe(false);
  expect(up.outputs["instanceId"]?.value).toBe(support?.id);
  expect(up.outputs["lookedUpName"]?.value).toBe("Support line");
  expect(up.outputs["lookedUpOwner"]?.value).toBe(support?.owner);
  expect(up.outputs["legacyName"]?.value).toBe("Legacy line");
  const destroyed = await stacks.destroy(stack);
  expect(destroyed.summary.resourceChanges).toEqual({ delete: 3 });
  expect(sandbox.instances()).toEqual([]);
}

it("a YAML program deploys, imports, looks up and destroys through it", async () => {
  const legacyId = await makeInstanceByHand(sandbox, sandbox.token, LEGACY);
  const dir = join(work, "yaml");
  mkdirSync(dir);
  // No `plugins:` block: the engine takes the installed plugin.
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: waapi-executable-yaml
runtime: yaml
resources:
  support:
    type: waapi:index:Instance
    properties:
      name: Support line
      webhookUrl:
        fn::secret: https://hooks.example.com/waapi/support
      webhookEvents: [ready, message]
  legacy:
    type: waapi:index:Instance
    properties:
      name: Legacy line
      webhookUrl: https://legacy.example.com/hook
      webhookEvents: [message]
    options:
      import: "${legacyId}"
variables:
  lookedUp:
    fn::invoke:
      function: waapi:index:getInstance
      arguments:
        instanceId: \${support.instanceId}
outputs:
  instanceId: \${support.instanceId}
  lookedUpName: \${lookedUp.name}
  lookedUpOwner: \${lookedUp.owner}
  legacyName: \${legacy.name}
`,
  );
  await deployImportLookUpDestroy(dir, legacyId);
}, 180_000);

it("a Python program on the released wheel deploys, imports, looks up and destroys through it", async () => {
  const legacyId = await makeInstanceByHand(sandbox, sandbox.token, LEGACY);
  const dir = join(work, "python");
  mkdirSync(dir);
  writeFileSync(join(dir, "Pulumi.yaml"), "name: waapi-executable-python\nruntime: python\n");
  copyFileSync(
    join(REPO, "tests", "e2e", "native-executable-program", "__main__.py"),
    join(dir, "__main__.py"),
  );
  await deployImportLookUpDestroy(dir, legacyId, { VIRTUAL_ENV: venv });
}, 180_000);

it("a TypeScript program on the released npm package deploys and destroys", async () => {
  writeFileSync(
    join(tsProgram, "Pulumi.yaml"),
    "name: released-npm-package\nruntime: nodejs\nmain: index.ts\n",
  );
  writeFileSync(
    join(tsProgram, "index.ts"),
    [
      'import { WaapiInstance } from "pulumi-waapi";',
      'const line = new WaapiInstance("line", { name: "Released line", webhookEvents: ["ready"] });',
      "export const instanceId = line.instanceId;",
      "",
    ].join("\n"),
  );
  const stack = await stacks.create(tsProgram, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  const { outputs } = await stacks.up(stack);
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({
      id: outputs["instanceId"]?.value,
      name: "Released line",
      webhook_events: ["ready"],
    }),
  ]);
  const { deployment } = await stack.exportStack();
  const line = (deployment.resources as { urn: string; outputs?: Record<string, unknown> }[]).find(
    (resource) => resource.urn.endsWith("::line"),
  );
  // The provider came from the installed tarball, not from this repository.
  expect(String(line?.outputs?.["__provider"])).not.toContain(REPO);
  await stacks.destroy(stack);
  expect(sandbox.instances()).toEqual([]);
}, 180_000);
