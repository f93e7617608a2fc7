/**
 * The self-contained plugin executable (scripts/pack-plugin.cjs, `npm run pack-plugin`), as a team
 * without Node.js gets it: the linux-amd64 archive installed with `pulumi plugin install resource
 * waapi <version> --file`, then a YAML and a Python program deploy, import, look up and destroy
 * through it against the sandbox — the Pulumi CLI, its language hosts and the plugin running on a
 * PATH where no `node` can be found. The other platforms' executables are checked by their headers.
 */
import { execFile, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeInstanceByHand } from "../support/dashboard";
import { executableFacts } from "../support/executables";
import { useOfflineStacks, type OfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as { version: string })
  .version;
const archiveName = (target: string) => `pulumi-resource-waapi-v${VERSION}-${target}.tar.gz`;

const work = mkdtempSync(join(tmpdir(), "waapi-executable-"));
const pulumiHome = join(work, "pulumi-home");
/** A bin folder with the Pulumi CLI and its language hosts, and nothing else: no `node` to find. */
const noNodeBin = join(work, "bin");
let venv = "";
/** The PATH of every Pulumi run here: the folder above and the Python environment's bin. */
const noNodePath = () => `${noNodeBin}:${join(venv, "bin")}`;

const sandbox = useSandbox();
const stacks: OfflineStacks = useOfflineStacks({ PULUMI_HOME: pulumiHome });

beforeAll(async () => {
  const pulumi = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  if (pulumi === "")
    throw new Error("no pulumi on PATH: run under `bin=$(scripts/install-pulumi.sh) && PATH=$bin:$PATH`");
  const cliDir = join(pulumi, "..");
  mkdirSync(noNodeBin);
  for (const tool of [
    "pulumi",
    "pulumi-language-yaml",
    "pulumi-language-python",
    "pulumi-language-python-exec",
  ]) {
    symlinkSync(join(cliDir, tool), join(noNodeBin, tool));
  }
  // Cached after the first run (`make test` makes both before jest): the archives and the Python SDK.
  const [packed, python] = await Promise.all([
    run("node", [join("scripts", "pack-plugin.cjs"), join(work, "plugin-archive")], { maxBuffer: 1 << 24 }),
    run(join(process.cwd(), "scripts", "install-python-sdk.sh")),
  ]);
  venv = python.stdout.trim();
  expect(packed.stdout).toContain(archiveName("linux-amd64"));
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it("five archives as Pulumi names them, each with the executable at its root, and a checksums file that sha256sum accepts", async () => {
  const archives = join(work, "plugin-archive");
  const checked = await run("sha256sum", ["-c", `pulumi-resource-waapi-v${VERSION}-checksums.txt`], {
    cwd: archives,
  });
  const targets = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];
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
    // The blob holds the bundled provider (no code cache: it is the same blob on every platform).
    expect(facts.seaBlob?.includes("waapi:index:getInstance")).toBe(true);
    console.info(
      `${target}: archive ${statSync(join(archives, archiveName(target))).size} bytes, executable ${file.length} bytes`,
    );
    rmSync(unpacked, { recursive: true });
  }
}, 120_000);

it("installs with `pulumi plugin install --file` on a PATH with no node", async () => {
  const noNode = spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH: noNodePath() } });
  expect(noNode.status).not.toBe(0);
  const installed = spawnSync(
    "pulumi",
    [
      "plugin",
      "install",
      "resource",
      "waapi",
      VERSION,
      "--file",
      join(work, "plugin-archive", archiveName("linux-amd64")),
    ],
    { env: { ...process.env, ...stacks.env(), PATH: noNodePath() }, encoding: "utf8" },
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
    env: { PATH: noNodePath(), ...env },
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

it("a Python program (the generated SDK) deploys, imports, looks up and destroys through it", async () => {
  const legacyId = await makeInstanceByHand(sandbox, sandbox.token, LEGACY);
  const dir = join(work, "python");
  mkdirSync(dir);
  writeFileSync(join(dir, "Pulumi.yaml"), "name: waapi-executable-python\nruntime: python\n");
  copyFileSync(
    join(process.cwd(), "tests", "e2e", "native-executable-program", "__main__.py"),
    join(dir, "__main__.py"),
  );
  await deployImportLookUpDestroy(dir, legacyId, { VIRTUAL_ENV: venv });
}, 180_000);
