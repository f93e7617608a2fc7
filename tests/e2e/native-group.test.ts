/**
 * waapi:index:Group through the real CLI from Pulumi YAML programs (the native plugin), on a sandbox
 * line made ready by the sandbox's scan hook: create with the admins-only setting, an update that
 * sends only the membership difference, an admin demoted by hand that `pulumi-waapi drift` names
 * (exit 7), `pulumi import` of the group with no write, and destroy, which sends nothing and prints
 * that the group still exists on WhatsApp.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WaapiClient } from "../../provider/client";
import { runCli } from "../support/cli";
import { ALICE, BOB, CAROL, groupCalls } from "../support/groups";
import { expectNoLeak } from "../support/leaks";
import { e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PLUGIN_DIR = join(process.cwd(), "bin");
const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });
const stacks = useOfflineStacks();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  expectNoLeak(stacks.everything(), e2eSecrets());
});

function yamlProgram(name: string, body: string, dir?: string): string {
  const folder = dir ?? mkdtempSync(join(tmpdir(), `waapi-yaml-${name}-`));
  if (!dir) dirs.push(folder);
  const header = [
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: waapi",
    `      path: ${PLUGIN_DIR}`,
  ];
  writeFileSync(join(folder, "Pulumi.yaml"), [`name: ${name}`, ...header, body].join("\n"));
  return folder;
}

const groupProgram = (instanceId: number, participants: string[]) => `
resources:
  oncall:
    type: waapi:index:Group
    properties:
      instanceId: ${instanceId}
      subject: On call
      participants: ${JSON.stringify(participants)}
      admins: ["${BOB}"]
      messagesAdminsOnly: true
outputs:
  groupId: \${oncall.groupId}
`;

it("creates, updates minimally, imports with no write, and forgets on destroy with a warning", async () => {
  const client = new WaapiClient({ apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  const { id: instanceId } = await client.createInstance();
  sandbox.scanQr(instanceId, { phoneNumber: "50664083362", displayName: "On call" });

  const dir = yamlProgram("waapi-native-group", groupProgram(instanceId, ["+49 151 12345678", BOB]));
  const stack = await stacks.create(dir, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  const created = await stacks.up(stack);
  const groupId = String(created.outputs["groupId"]?.value);
  expect(sandbox.groups(instanceId)).toEqual([
    expect.objectContaining({ id: groupId, subject: "On call", messageAdminOnly: true }),
  ]);

  sandbox.clearRequests();
  yamlProgram("waapi-native-group", groupProgram(instanceId, [BOB, CAROL]), dir);
  await stacks.up(stack);
  expect(groupCalls(sandbox)).toEqual([
    "get-group-info",
    `add-group-participant ${CAROL}`,
    `remove-group-participant ${ALICE}`,
  ]);

  // Bob is demoted on a phone: drift names him, through the native plugin's type too (exit 7).
  sandbox.setGroupAdmin(instanceId, groupId, BOB, false);
  sandbox.clearRequests();
  const drift = await runCli(["drift", "--stack", stack.name], { cwd: dir, env: stacks.env() });
  stacks.note(drift.stdout + drift.stderr);
  expect(drift.code).toBe(7);
  expect(drift.stdout).toContain(
    `oncall (group ${groupId} of instance ${instanceId}: modified outside Pulumi)`,
  );
  expect(drift.stdout).toContain(`  admins: -${BOB} removed outside Pulumi`);
  // Drift only reads: the group's one call is the read its refresh makes.
  expect(groupCalls(sandbox)).toEqual(["get-group-info"]);

  // Another project takes the group over with `pulumi import`: reads, no write.
  const importDir = yamlProgram("waapi-native-group-import", "resources: {}\n");
  const importer = await stacks.create(importDir, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  sandbox.clearRequests();
  const imported = await stacks.cli(importDir, [
    "import",
    "waapi:index:Group",
    "taken",
    `${instanceId}/${groupId}`,
    "--yes",
    "--stack",
    importer.name,
  ]);
  expect(imported.status).toBe(0);
  // The engine reads it (import, then its check that the code matches): reads only, never a write.
  expect(groupCalls(sandbox)).toContain("get-group-info");
  expect(groupCalls(sandbox).filter((call) => call !== "get-group-info")).toEqual([]);
  expect(imported.stdout).toMatch(/taken:\s+type: waapi:(index:)?Group/);
  expect(imported.stdout).toContain(CAROL);

  sandbox.clearRequests();
  const { stdout: output } = await stacks.destroy(stack);
  expect(groupCalls(sandbox)).toEqual([]);
  expect(sandbox.groups(instanceId)).toHaveLength(1);
  expect(output.replace(/\s+/g, " ")).toContain(
    `Group ${groupId} ("On call") was removed from the stack but still exists on WhatsApp`,
  );
}, 150_000);
