/**
 * The package as users get it: `npm pack` of this repository, unpacked into the node_modules of a
 * program outside the repository, deployed by the real Pulumi CLI. This catches what the in-repo
 * programs (which find the package through Node's self-reference) cannot: a file missing from the
 * tarball, an export map that only works from here, a serialized provider that points into the repo.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { OfflineStacks } from "../support/pulumi";

const REPO = process.cwd();
let sandbox: Sandbox;
let programDir: string;
const stacks = new OfflineStacks();

beforeAll(async () => {
  sandbox = await startSandbox();
  programDir = mkdtempSync(join(tmpdir(), "waapi-user-program-"));
  const modules = join(programDir, "node_modules");
  mkdirSync(join(modules, "pulumi-waapi"), { recursive: true });

  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", programDir], {
    cwd: REPO,
    encoding: "utf8",
  }).trim();
  execFileSync("tar", [
    "-xzf",
    join(programDir, tarball),
    "-C",
    join(modules, "pulumi-waapi"),
    "--strip-components=1",
  ]);
  // The package's own dependencies, as npm would have installed them beside it (linked, not fetched);
  // not fastify, the sandbox's optional peer.
  for (const dependency of ["@pulumi", "got"]) {
    symlinkSync(join(REPO, "node_modules", dependency), join(modules, dependency));
  }

  writeFileSync(join(programDir, "package.json"), JSON.stringify({ name: "user-program", private: true }));
  writeFileSync(join(programDir, "Pulumi.yaml"), "name: user-program\nruntime: nodejs\nmain: index.js\n");
  writeFileSync(
    join(programDir, "index.js"),
    [
      'const { WaapiInstance } = require("pulumi-waapi");',
      'const line = new WaapiInstance("line", { name: "Installed line", webhookEvents: ["ready"] });',
      "exports.instanceId = line.instanceId;",
    ].join("\n"),
  );
});
afterAll(async () => {
  await stacks.removeAll();
  await sandbox.close();
  rmSync(programDir, { recursive: true, force: true });
});

it("deploys from a program that installed the packed package, with a provider that loads it from there", async () => {
  const stack = await stacks.create(programDir, {
    apiToken: sandbox.createToken(),
    baseUrl: sandbox.baseUrl,
  });
  const { outputs } = await stack.up({ onOutput: stacks.onOutput, color: "never" });
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({
      id: outputs["instanceId"]?.value,
      name: "Installed line",
      webhook_events: ["ready"],
    }),
  ]);

  const { deployment } = await stack.exportStack();
  const recorded = deployment.resources.find((resource: { urn: string }) => resource.urn.endsWith("::line"));
  const provider = String(recorded.outputs.__provider);
  expect(provider).toContain("pulumi-waapi/internal/instance-lifecycle");
  expect(provider).not.toContain(REPO); // the serialized provider does not point into this repository
  expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(4096);

  await stack.destroy({ onOutput: stacks.onOutput, color: "never" });
  expect(sandbox.instances()).toEqual([]);
}, 120_000);
