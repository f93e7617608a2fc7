/**
 * `pulumi-waapi discover --format import` through the real CLI: the bulk-import file it writes, taken
 * by `pulumi import --file` with the native plugin (waapi:index:Instance, and waapi:index:Group for
 * the group of a linked line), in a Pulumi YAML project outside the repository that finds the plugin
 * through `plugins: providers:` as the README says.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WaapiClient } from "../../provider/client";
import { startSandbox, type Sandbox } from "../../sandbox";
import { discoverEnv, runCli } from "../support/cli";
import { makeInstanceByHand } from "../support/dashboard";
import { ALICE, BOB } from "../support/groups";
import { expectNoLeak } from "../support/leaks";
import { OfflineStacks } from "../support/pulumi";

let sandbox: Sandbox;
let project: string;
const stacks = new OfflineStacks();

beforeAll(async () => {
  sandbox = await startSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });
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
  // The front desk's line is linked, and someone made a group on it by hand.
  sandbox.scanQr(ids[2] ?? 0, { phoneNumber: "50664083362", displayName: "Front desk" });
  const client = new WaapiClient({ apiToken: token, baseUrl: sandbox.baseUrl });
  const { groupId } = await client.createGroup(ids[2] ?? 0, { name: "On call", participants: [ALICE, BOB] });
  const stack = await stacks.create(project, { apiToken: token, baseUrl: sandbox.baseUrl });

  const discovered = await runCli(["discover", "--format", "import", "--out", "import.json"], {
    cwd: project,
    env: discoverEnv(sandbox, token),
  });
  expect(discovered).toMatchObject({ code: 0, stdout: "" });
  expect(JSON.parse(readFileSync(join(project, "import.json"), "utf8")).resources).toHaveLength(4);

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
  expect(writes()).toEqual([]);
  // The group was read by the plugin (get-group-info, a POST on the wire), not skipped.
  expect(sandbox.requests().some((request) => request.path.endsWith("/client/action/get-group-info"))).toBe(
    true,
  );
  const { deployment } = await stack.exportStack();
  const recorded = deployment.resources.filter((r: { type: string }) => r.type === "waapi:index:Instance");
  expect(recorded.map((r: { id: string; protect?: boolean }) => [r.id, r.protect]).sort()).toEqual(
    ids.map((id) => [String(id), true]).sort(),
  );
  for (const id of ids) expect(recorded.find((r: { id: string }) => r.id === String(id))?.urn).toBeDefined();
  const groups = deployment.resources.filter((r: { type: string }) => r.type === "waapi:index:Group");
  expect(groups.map((r: { id: string; protect?: boolean }) => [r.id, r.protect])).toEqual([
    [`${ids[2]}/${groupId}`, true],
  ]);
  expect(recorded.map((r: { urn: string }) => r.urn.split("::").pop()).sort()).toEqual(
    [`support-line-${ids[0]}`, `support-line-${ids[1]}`, "zoe-s-front-desk"].sort(),
  );

  // The code pulumi import generated, added to the program: nothing left to change.
  appendFileSync(join(project, "Pulumi.yaml"), readFileSync(join(project, "generated.yaml"), "utf8"));
  const preview = await stacks.cli(project, ["preview", "--expect-no-changes", "--stack", stack.name]);
  expect(preview.status).toBe(0);
  expect(writes()).toEqual([]);
  expectNoLeak([...stacks.everything(), discovered.stdout, discovered.stderr], [token]);
}, 300_000);

/** The requests that could change the account: all but GETs and the group reads (POSTs on the wire). */
function writes() {
  return sandbox
    .requests()
    .filter(
      (request) =>
        request.method !== "GET" &&
        !/\/client\/action\/get-(group-info|group-participants|chats)$/.test(request.path),
    );
}
