/**
 * The package as users get it, installed with the README's own commands (run as written, with only
 * the placeholder path replaced) into programs outside the repository, deployed by the real Pulumi
 * CLI: once from a git clone (npm clones it and runs `prepare`), once from a tarball packed in that
 * clone. This catches what the in-repo programs (which find the package through Node's
 * self-reference) cannot: a file missing from the tarball, a build that only works here, an export
 * map that only works from here, a serialized provider that points into the repository, and a
 * dependency a provider user should not get (fastify, the sandbox's optional peer).
 *
 * The native plugin (bin/pulumi-resource-waapi) the same way: the README's YAML program, read from the
 * README, deployed from a folder that installed the packed package as the README says; the account
 * taken over with the README's `discover --format import` and `pulumi import --file`; and the plugin
 * archive of `npm run pack-plugin`, installed with `pulumi plugin install --file` as written, serving
 * the program without its `plugins:` block.
 *
 * The clone is of HEAD: uncommitted changes are not part of what gets installed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeInstanceByHand } from "../support/dashboard";
import { useOfflineStacks, type OfflineStacks } from "../support/pulumi";
import { readmeBlock, readmeCommand } from "../support/readme";
import { useSandbox } from "../support/sandbox";
import { expectSuccess, runShell, userEnvironment } from "../support/shell";

const REPO = process.cwd();
/** The README's name for the user's clone of this repository. */
const CLONE_PLACEHOLDER = "/path/to/pulumi-waapi";
const INSTALL_FROM_GIT = readmeCommand("npm install @pulumi/pulumi git+file:///path/to/pulumi-waapi");
const PACK = readmeCommand("(cd /path/to/pulumi-waapi && npm pack)");
const INSTALL_TARBALL = readmeCommand(
  "npm install @pulumi/pulumi /path/to/pulumi-waapi/pulumi-waapi-0.1.0.tgz",
);
const ADD_SANDBOX_SERVER = readmeCommand("npm install --save-dev fastify");
const RUN_SANDBOX = readmeCommand(
  "WAAPI_SANDBOX_TOKEN=my-local-token npx waapi-sandbox --data ./sandbox.json",
);
const INSTALL_FOR_YAML = readmeCommand("npm install /path/to/pulumi-waapi/pulumi-waapi-0.1.0.tgz");
/** The native plugin's YAML program, exactly as the README shows it. */
const README_YAML_PROGRAM = readmeBlock("yaml", "waapi:index:Instance");
const PACK_PLUGIN = readmeCommand("(cd /path/to/pulumi-waapi && npm run pack-plugin)");
const INSTALL_PLUGIN_ARCHIVE = readmeCommand(
  "pulumi plugin install resource waapi 0.1.0 --file /path/to/pulumi-waapi/plugin-archive/pulumi-resource-waapi-v0.1.0-linux-amd64.tar.gz",
);
const IMPORT_ACCOUNT = [
  readmeCommand("npx pulumi-waapi discover --format import --out import.json"),
  readmeCommand("pulumi import --file import.json --out generated.yaml"),
  readmeCommand("cat generated.yaml >> Pulumi.yaml"),
  readmeCommand("pulumi preview --expect-no-changes"),
];

let work: string;
let clone: string;
let fromGit: string;
let fromTarball: string;
let yamlProgram: string;
const sandbox = useSandbox();
const stacks = useOfflineStacks();
/** Pulumi's plugin cache for the archive test, kept out of the user's ~/.pulumi. */
const pluginHome = mkdtempSync(join(tmpdir(), "waapi-pulumi-home-"));
const archiveStacks = useOfflineStacks({ PULUMI_HOME: pluginHome });
const running: ChildProcess[] = [];

/** Runs a README command with bash in `cwd`, the clone's path in place of the placeholder. */
async function shell(command: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const script = command.replaceAll(CLONE_PLACEHOLDER, clone);
  const run = await runShell(script, { cwd, env: userEnvironment(env) });
  expectSuccess(`${script}\` in \`${cwd}`, run);
  return run.stdout + run.stderr;
}

function writeProgram(dir: string, name: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true }));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  writeFileSync(
    join(dir, "index.js"),
    [
      'const { WaapiInstance } = require("pulumi-waapi");',
      'const line = new WaapiInstance("line", { name: "Installed line", webhookEvents: ["ready"] });',
      "exports.instanceId = line.instanceId;",
    ].join("\n"),
  );
}

interface Deployed {
  instanceId: unknown;
  /** The serialized provider the engine stored with the resource. */
  provider: string;
}

/** `pulumi up` of a program against a WAAPI API, then `pulumi destroy`; checks both through `list`. */
async function deployAndDestroy(
  dir: string,
  api: { baseUrl: string; apiToken: string },
  list: () => Promise<Array<{ id: number; name: string; webhook_events: string[] }>>,
): Promise<Deployed> {
  const stack = await stacks.create(dir, api);
  const { outputs } = await stacks.up(stack);
  const instanceId = outputs["instanceId"]?.value;
  expect(await list()).toEqual([
    expect.objectContaining({ id: instanceId, name: "Installed line", webhook_events: ["ready"] }),
  ]);
  const { deployment } = await stack.exportStack();
  const recorded = deployment.resources.find((resource: { urn: string }) => resource.urn.endsWith("::line"));
  const provider = String(recorded.outputs.__provider);
  await stacks.destroy(stack);
  expect(await list()).toEqual([]);
  return { instanceId, provider };
}

function expectProviderLoadedFromInstalledPackage(provider: string): void {
  expect(provider).toContain("pulumi-waapi/internal/instance-lifecycle");
  expect(provider).not.toContain(REPO); // the serialized provider does not point into this repository
  expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(4096);
}

/** The README's `npm pack` in the clone, run once for all who need the tarball. */
let packed: Promise<string> | undefined;
const packOnce = (): Promise<string> => (packed ??= shell(PACK, work));

/**
 * The three installs, started together in the first beforeAll and awaited by the tests that need
 * each: npm mostly waits on its cache and on tsc, so the git install (the slowest: npm installs the
 * clone's dependencies and runs `prepare` on its own) goes on while the tarball's tests deploy, and
 * its own tests run last.
 */
const installs: { git?: Promise<unknown>; tarball?: Promise<unknown>; yaml?: Promise<unknown> } = {};
/** Awaits an install started in beforeAll (a failed one fails the tests that need it). */
async function installed(install: Promise<unknown> | undefined): Promise<void> {
  if (install === undefined) throw new Error("the installs did not start: see the first beforeAll's error");
  await install;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "waapi-install-"));
  clone = join(work, "pulumi-waapi");
  await promisify(execFile)("git", ["clone", "--quiet", REPO, clone]);
  // The clone's dependencies, as `make build` installs them before the README's `npm pack`: linked
  // from this repository rather than installed a second time. The git install below cannot take
  // this shortcut (npm clones the clone, then installs and builds on its own), and does not.
  symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"));

  fromGit = join(work, "program-from-git");
  fromTarball = join(work, "program-from-tarball");
  yamlProgram = join(work, "yaml-program");
  writeProgram(fromGit, "from-git");
  writeProgram(fromTarball, "from-tarball");
  mkdirSync(yamlProgram);
  installs.git = shell(INSTALL_FROM_GIT, fromGit);
  installs.tarball = packOnce().then(() => shell(INSTALL_TARBALL, fromTarball));
  installs.yaml = packOnce().then(() => shell(INSTALL_FOR_YAML, yamlProgram));
  // Awaited later, by the tests that need them; until then a failure is not an unhandled rejection.
  for (const install of Object.values(installs)) install.catch(() => undefined);
}, 120_000);
afterAll(async () => {
  // An install still running (its tests failed early) finishes before its folder goes.
  await Promise.allSettled(Object.values(installs));
  for (const child of running)
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  rmSync(work, { recursive: true, force: true });
  rmSync(pluginHome, { recursive: true, force: true });
}, 900_000);

/** The tests of one way to install the npm package, once `install` has finished. */
function installedFrom(
  way: string,
  program: () => string,
  install: () => Promise<unknown> | undefined,
): void {
  describe(`installed from ${way}`, () => {
    beforeAll(() => installed(install()), 900_000);

    it("holds the built provider and no server framework", () => {
      const modules = join(program(), "node_modules");
      expect(existsSync(join(modules, "pulumi-waapi", "dist", "provider", "index.js"))).toBe(true);
      expect(existsSync(join(modules, "pulumi-waapi", "provider"))).toBe(false); // no TypeScript sources
      expect(existsSync(join(modules, "got"))).toBe(true);
      expect(existsSync(join(modules, "fastify"))).toBe(false);
      // The native provider plugin, where Pulumi.yaml's `plugins: providers:` can point, still executable.
      expect(statSync(join(modules, "pulumi-waapi", "bin", "pulumi-resource-waapi")).mode & 0o111).not.toBe(
        0,
      );
    });

    it("deploys and destroys with pulumi up, through a provider loaded from the installed package", async () => {
      const { provider } = await deployAndDestroy(
        program(),
        { apiToken: sandbox.token, baseUrl: sandbox.baseUrl },
        async () => sandbox.instances(),
      );
      expectProviderLoadedFromInstalledPackage(provider);
    }, 180_000);
  });
}

describe("the npm package in a TypeScript program", () => {
  installedFrom(
    "a tarball packed in the clone",
    () => fromTarball,
    () => installs.tarball,
  );

  it("npx waapi-sandbox names the missing fastify, then runs once the README's command installed it", async () => {
    await installed(installs.tarball);
    // Without fastify (a lean install) the bin fails with the fix rather than a stack trace.
    await expect(shell(RUN_SANDBOX, fromTarball)).rejects.toThrow(
      /fastify, is not installed[\s\S]*npm install --save-dev fastify/,
    );

    await shell(ADD_SANDBOX_SERVER, fromTarball);
    const child = spawn("bash", ["-c", RUN_SANDBOX], {
      cwd: fromTarball,
      env: userEnvironment({ WAAPI_SANDBOX_PORT: "0" }),
      detached: true, // its own process group: npx runs the bin as a child of its own
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /listening: (http:\/\/\S+\/api\/v1)\n/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
        else if (child.exitCode !== null) reject(new Error(`waapi-sandbox exited:\n${output}`));
        else return;
        clearInterval(timer);
      }, 50);
    });

    const apiToken = "my-local-token";
    const list = async (): Promise<Array<{ id: number; name: string; webhook_events: string[] }>> => {
      const response = await fetch(`${baseUrl}/instances`, {
        headers: { Accept: "application/json", Authorization: `Bearer ${apiToken}` },
      });
      expect(response.status).toBe(200);
      const { instances } = (await response.json()) as {
        instances: Array<{ id: number; name: string; webhook_events: string[] }>;
      };
      return instances;
    };
    await deployAndDestroy(fromTarball, { apiToken, baseUrl }, list);
    expect(existsSync(join(fromTarball, "sandbox.json"))).toBe(true);
  }, 300_000);
});

/** `pulumi up` of a README YAML program against the sandbox: the instance and the lookup; then destroy. */
async function deployReadmeYaml(on: OfflineStacks, dir: string): Promise<void> {
  const stack = await on.create(dir, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  const { outputs } = await on.up(stack);
  const [live] = sandbox.instances();
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({
      id: outputs["instanceId"]?.value,
      name: "Support line",
      webhook_url: "https://hooks.example.com/waapi/support",
      webhook_events: ["message", "ready"],
    }),
  ]);
  expect(outputs["owner"]?.value).toBe(live?.owner); // through the getInstance call
  const { deployment } = await stack.exportStack();
  expect(JSON.stringify(deployment)).not.toContain("__provider"); // no provider code in the state
  await on.destroy(stack);
  expect(sandbox.instances()).toEqual([]);
}

const writesToWaapi = () => sandbox.requests().filter((request) => request.method !== "GET");

describe("the native plugin in a YAML program", () => {
  beforeAll(() => installed(installs.yaml), 900_000);

  it("the README's program deploys through the plugin of the npm-installed package", async () => {
    expect(
      statSync(join(yamlProgram, "node_modules", "pulumi-waapi", "bin", "pulumi-resource-waapi")).isFile(),
    ).toBe(true);
    writeFileSync(join(yamlProgram, "Pulumi.yaml"), README_YAML_PROGRAM);
    await deployReadmeYaml(stacks, yamlProgram);
  }, 300_000);

  it("the README's discover --format import and pulumi import --file take an account over without a write", async () => {
    const ids = [
      await makeInstanceByHand(sandbox, sandbox.token, {
        name: "Support line",
        webhook: { url: "https://hooks.example.com/a", events: ["message", "ready"] },
      }),
      await makeInstanceByHand(sandbox, sandbox.token, { name: "Sales", webhook: { url: null, events: [] } }),
    ];
    // The README's project, as set up above, with no resources yet.
    const project = README_YAML_PROGRAM.slice(0, README_YAML_PROGRAM.indexOf("\nresources:") + 1);
    expect(project).toContain("path: ./node_modules/pulumi-waapi/bin");
    writeFileSync(join(yamlProgram, "Pulumi.yaml"), project);
    const stack = await stacks.create(yamlProgram, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
    const asTheUser = {
      ...stacks.env(),
      WAAPI_API_TOKEN: sandbox.token,
      WAAPI_BASE_URL: sandbox.baseUrl,
      PULUMI_SKIP_CONFIRMATIONS: "true", // `pulumi import` as the README writes it, without a terminal
    };

    sandbox.clearRequests();
    for (const command of IMPORT_ACCOUNT) stacks.note(await shell(command, yamlProgram, asTheUser));
    expect(writesToWaapi()).toEqual([]); // 0 POST, 0 PUT, 0 DELETE: adopted as they are
    const { deployment } = await stack.exportStack();
    const recorded = deployment.resources.filter((r: { type: string }) => r.type === "waapi:index:Instance");
    expect(recorded.map((r: { id: string; protect?: boolean }) => [r.id, r.protect]).sort()).toEqual(
      ids.map((id) => [String(id), true]).sort(),
    );
    expect(
      sandbox
        .instances()
        .map((instance) => instance.id)
        .sort(),
    ).toEqual([...ids].sort());
  }, 300_000);

  it("the plugin archive installs with pulumi plugin install and serves the program without its plugins block", async () => {
    expect(await shell(PACK_PLUGIN, work)).toContain(
      "plugin-archive/pulumi-resource-waapi-v0.1.0-linux-amd64.tar.gz",
    );
    await shell(INSTALL_PLUGIN_ARCHIVE, work, { PULUMI_HOME: pluginHome });
    expect(
      statSync(join(pluginHome, "plugins", "resource-waapi-v0.1.0", "pulumi-resource-waapi")).mode & 0o111,
    ).not.toBe(0);

    const dir = join(work, "yaml-program-without-npm");
    mkdirSync(dir);
    const withoutPluginsBlock = README_YAML_PROGRAM.replace(/^plugins:\n(?: {2}.*\n)+/m, "");
    expect(withoutPluginsBlock).not.toContain("plugins:");
    writeFileSync(join(dir, "Pulumi.yaml"), withoutPluginsBlock);
    await deployReadmeYaml(archiveStacks, dir);
  }, 300_000);
});

// Last: the git install has had the tests above to finish in.
describe("the npm package in a TypeScript program", () => {
  installedFrom(
    "a git clone (npm runs prepare)",
    () => fromGit,
    () => installs.git,
  );
});
