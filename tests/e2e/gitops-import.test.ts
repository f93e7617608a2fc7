/**
 * `pulumi-waapi discover --format import` through the real CLI: the bulk-import file it writes, taken
 * by `pulumi import --file` with the native plugin (waapi:index:Instance), in a Pulumi YAML project
 * outside the repository that finds the plugin through `plugins: providers:` as the README says.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { discoverEnv, runCli } from "../support/cli";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { OfflineStacks } from "../support/pulumi";

let sandbox: Sandbox;
let project: string;
const stacks = new OfflineStacks();

beforeAll(async () => {
  sandbox = await startSandbox();
  project = mkdtempSync(join(tmpdir(), "waapi-import-file-"));
  writeFileSync(
    join(project, "Pulumi.yaml"),
    [
      "name: waapi-account",
      "runtime: yaml",
      "plugins:",
      "  providers:",
      "    - name: waapi",
      `      path: ${join(process.cwd(), "bin")}`,
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await stacks.removeAll();
  await sandbox.close();
  rmSync(project, { recursive: true, force: true });
});

it("pulumi import --file takes the discovered instances over without a write; the program then matches", async () => {
  const token = sandbox.createToken();
  const ids = [
    await makeInstanceByHand(sandbox, token, {
      name: "Support line",
      webhook: { url: "https://hooks.example.com/a", events: ["message", "ready"] },
    }),
    await makeInstanceByHand(sandbox, token, {
      name: "Support line",
      webhook: { url: null, events: ["call"] },
    }),
    await makeInstanceByHand(sandbox, token, { name: `Zoë's "Front desk"` }),
  ];
  const stack = await stacks.create(project, { apiToken: token, baseUrl: sandbox.baseUrl });

  const discovered = await runCli(["discover", "--format", "import", "--out", "import.json"], {
    cwd: project,
    env: discoverEnv(sandbox, token),
  });
  expect(discovered).toMatchObject({ code: 0, stdout: "" });
  expect(JSON.parse(readFileSync(join(project, "import.json"), "utf8")).resources).toHaveLength(3);

  sandbox.clearRequests();
  const imported = await stacks.cli(project, [
    "import",
    "--file",
    "import.json",
    "--out",
    "generated.yaml",
    "--yes",
    "--stack",
    stack.name,
  ]);
  expect(imported.status).toBe(0);
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);
  const { deployment } = await stack.exportStack();
  const recorded = deployment.resources.filter((r: { type: string }) => r.type === "waapi:index:Instance");
  expect(recorded.map((r: { id: string; protect?: boolean }) => [r.id, r.protect]).sort()).toEqual(
    ids.map((id) => [String(id), true]).sort(),
  );
  for (const id of ids) expect(recorded.find((r: { id: string }) => r.id === String(id))?.urn).toBeDefined();
  expect(recorded.map((r: { urn: string }) => r.urn.split("::").pop()).sort()).toEqual(
    [`support-line-${ids[0]}`, `support-line-${ids[1]}`, "zoe-s-front-desk"].sort(),
  );

  // The code pulumi import generated, added to the program: nothing left to change.
  appendFileSync(join(project, "Pulumi.yaml"), readFileSync(join(project, "generated.yaml"), "utf8"));
  const preview = await stacks.cli(project, ["preview", "--expect-no-changes", "--stack", stack.name]);
  expect(preview.status).toBe(0);
  expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);
  expectNoLeak([...stacks.everything(), discovered.stdout, discovered.stderr], [token]);
}, 300_000);
