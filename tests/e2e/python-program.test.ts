/**
 * The native plugin from a Python program, through its generated SDK (sdk/python, `pulumi_waapi`),
 * with the real CLI, engine and Python language host against the WAAPI sandbox. What this needs is
 * made by the repository's scripts: the Python host beside the CLI (scripts/install-pulumi.sh) and a
 * virtual environment with the PyPI `pulumi` SDK and sdk/python (scripts/install-python-sdk.sh),
 * which the stacks run in as if it were activated. The program sits in a folder outside the
 * repository and finds the plugin through `plugins: providers:` in Pulumi.yaml.
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ALICE, BOB, CAROL, groupCalls } from "../support/groups";
import { expectNoLeak } from "../support/leaks";
import { expectSupportLineCreated, expectSupportLineRenamed } from "../support/native-programs";
import { e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { readmeBlock, readmeCommand } from "../support/readme";
import { useSandbox } from "../support/sandbox";
import { expectSuccess, runShell } from "../support/shell";

const PLUGIN_DIR = join(process.cwd(), "bin");
const PROGRAM = join(process.cwd(), "tests", "e2e", "python-program", "__main__.py");
const PROJECT = "waapi-python";
// The README's Python part, as written: its two setup commands, then its program.
const MAKE_VENV = readmeCommand("python3 -m venv venv && . venv/bin/activate");
const INSTALL_SDK = readmeCommand("pip install pulumi==3.272.0 /path/to/pulumi-waapi/sdk/python");
const README_PROGRAM = readmeBlock("python", "import pulumi_waapi");

// A new line shows its QR code at once, and is ready as soon as it is scanned: the statuses the
// program reads do not depend on how fast the engine runs it.
const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0 } });
const stacks = useOfflineStacks();
const folders: string[] = [];
let programDir = "";
let venv = "";

/** A fresh folder outside the repository, removed after the tests. */
function folder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `waapi-${name}-`));
  folders.push(dir);
  return dir;
}

/** Pulumi.yaml of a Python project that finds the plugin as the README says: `plugins: providers:`. */
function writeProject(dir: string, name: string): void {
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    [
      `name: ${name}`,
      "runtime: python",
      "plugins:",
      "  providers:",
      "    - name: waapi",
      `      path: ${PLUGIN_DIR}`,
      "",
    ].join("\n"),
  );
}

/** What `source <venv>/bin/activate` does for the runs: the language host runs this environment's python. */
function activated(venvDir: string): Record<string, string> {
  return { VIRTUAL_ENV: venvDir, PATH: `${join(venvDir, "bin")}:${process.env["PATH"] ?? ""}` };
}

beforeAll(async () => {
  // Cached after the first run (`make test` makes it before jest); the first one installs from PyPI.
  const made = await promisify(execFile)(join(process.cwd(), "scripts", "install-python-sdk.sh"));
  venv = made.stdout.trim();
  programDir = folder("python");
  copyFileSync(PROGRAM, join(programDir, "__main__.py"));
  writeProject(programDir, PROJECT);
}, 600_000);

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** `pulumi stack export`, as far as these tests read it. */
interface Exported {
  deployment: { resources: { urn: string; type: string; outputs: Record<string, unknown> }[] };
}

const writes = () => sandbox.requests().filter((request) => request.method !== "GET");

it("a Python program: up, a no-op preview, an in-place update, getInstance, listInstances and getInstanceStatus calls, a Group created, changed minimally and refreshed, destroy", async () => {
  const stack = await stacks.create(programDir, {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    env: activated(venv),
  });

  const first = await stacks.up(stack);
  const created = expectSupportLineCreated(sandbox, first);
  // listInstances, through the SDK's list_instances_output, after the instance was made.
  expect(first.outputs["listedIds"]?.value).toEqual([created?.id]);
  // get_instance_status: a new line waits to be linked, and nobody is linked yet.
  expect(first.outputs["lineStatus"]?.value).toBe("qr");
  expect(first.outputs["linkedNumber"]?.value ?? null).toBeNull(); // not linked yet

  // The state: the resource under its schema type, no provider code, the secret webhook encrypted.
  const exported = (await stacks.cli(programDir, ["stack", "export", "--stack", stack.name])).stdout;
  const { deployment } = JSON.parse(exported) as Exported;
  const instance = deployment.resources.find((r) => r.type === "waapi:index:Instance");
  expect(instance?.urn).toMatch(/::waapi:index:Instance::support$/);
  expect(instance?.outputs).toMatchObject({ instanceId: created?.id, name: "Support line" });
  expect(JSON.stringify(instance?.outputs["webhookUrl"])).toContain("ciphertext");
  expect(exported).not.toContain("__provider");
  expect(exported).not.toContain("hooks.example.com/waapi/support");

  sandbox.clearRequests();
  const noop = await stacks.preview(stack, { expectNoChanges: true });
  expect(noop.changeSummary).toEqual({ same: 2 });
  expect(writes()).toEqual([]);

  await stack.setConfig("lineName", { value: "Support line (renamed)" });
  sandbox.scanQr(created?.id ?? 0, { phoneNumber: "50664083362", displayName: "Support desk" });
  sandbox.clearRequests();
  const renamed = await stacks.up(stack);
  expectSupportLineRenamed(sandbox, created, renamed);
  expect(renamed.outputs["lookedUpName"]?.value).toBe("Support line (renamed)");
  // The phone scanned the QR code before this run: the status and who is linked, read by the program.
  expect(renamed.outputs["lineStatus"]?.value).toBe("ready");
  const linked = sandbox.clientState(created?.id ?? 0).me;
  expect(linked?.formattedNumber).toMatch(/^\+\d/);
  expect(renamed.outputs["linkedNumber"]?.value).toBe(linked?.formattedNumber);
  expect(renamed.outputs["linkedName"]?.value).toBe("Support desk");

  // A group on the linked line, through the SDK's Group: its members (one written as a phone number),
  // Bob an admin, only admins may post.
  const lineId = created?.id ?? 0;
  await stack.setConfig("groupMembers", { value: JSON.stringify(["+49 151 12345678", BOB]) });
  sandbox.clearRequests();
  const grouped = await stacks.up(stack);
  expect(grouped.summary.resourceChanges).toEqual({ same: 2, create: 1 });
  const [group] = sandbox.groups(lineId);
  expect(sandbox.groups(lineId)).toHaveLength(1);
  expect(group).toMatchObject({ subject: "On call", messageAdminOnly: true, owner: linked?.contactId });
  expect(group?.participants.filter((member) => member.isAdmin).map((member) => member.id)).toEqual(
    expect.arrayContaining([BOB]),
  );
  expect(grouped.outputs["groupId"]?.value).toBe(group?.id);
  expect(grouped.outputs["groupOwner"]?.value).toBe(linked?.contactId);
  expect(grouped.outputs["groupParticipants"]?.value).toEqual([ALICE, BOB]);
  expect(grouped.outputs["inviteLink"]).toEqual({ value: group?.inviteLink, secret: true });

  // Alice leaves, Carol comes in, Bob stays an admin: only those two member calls, after one read.
  await stack.setConfig("groupMembers", { value: JSON.stringify([BOB, CAROL]) });
  sandbox.clearRequests();
  const regrouped = await stacks.up(stack);
  expect(regrouped.summary.resourceChanges).toEqual({ same: 2, update: 1 });
  expect(groupCalls(sandbox)).toEqual([
    "get-group-info",
    `add-group-participant ${CAROL}`,
    `remove-group-participant ${ALICE}`,
  ]);
  expect(writes().filter((request) => !request.path.includes("/client/action/"))).toEqual([]);

  // Refresh reads the group and the line back and finds nothing changed.
  sandbox.clearRequests();
  const refreshed = await stacks.refresh(stack);
  expect(refreshed.summary.resourceChanges).toEqual({ same: 3 });
  expect(groupCalls(sandbox)).toEqual(["get-group-info"]);
  expect(writes().filter((request) => !request.path.includes("/client/action/get-"))).toEqual([]);

  // The invite link lets anyone join: encrypted in the state, and shown nowhere the engine printed.
  const groupState = (await stacks.cli(programDir, ["stack", "export", "--stack", stack.name])).stdout;
  const recorded = (JSON.parse(groupState) as Exported).deployment.resources.find(
    (r) => r.type === "waapi:index:Group",
  );
  expect(recorded?.outputs).toMatchObject({ groupId: group?.id, participants: [CAROL, BOB], admins: [BOB] });
  expect(JSON.stringify(recorded?.outputs["inviteLink"])).toContain("ciphertext");
  expectNoLeak([groupState, ...stacks.everything()], [group?.inviteLink ?? "no invite link"]);

  // Destroy forgets the group (nothing sent for it, it stays on WhatsApp, and says so) and deletes the line.
  sandbox.clearRequests();
  const destroyed = await stacks.destroy(stack);
  expect(destroyed.summary.resourceChanges).toEqual({ delete: 3 });
  expect(groupCalls(sandbox)).toEqual([]);
  expect(destroyed.stdout.replace(/\s+/g, " ")).toContain(
    `Group ${group?.id} ("On call") was removed from the stack but still exists on WhatsApp`,
  );
  expect(sandbox.instances()).toEqual([]);

  // The token was used all along, and shows nowhere: state, config file, anything the engine printed.
  const stateFile = readFileSync(
    join(stacks.stateDir, ".pulumi", "stacks", PROJECT, `${stack.name}.json`),
    "utf8",
  );
  const configFile = readFileSync(join(programDir, `Pulumi.${stack.name}.yaml`), "utf8");
  expectNoLeak([exported, stateFile, configFile, ...stacks.everything()], e2eSecrets());
}, 300_000);

it("the README's Python program, set up with the README's commands, deploys and is destroyed", async () => {
  // A folder standing for /path/to/pulumi-waapi with a copy of the SDK: pip builds a local folder in
  // place, and the repository's sdk/python stays as generated.
  const checkout = folder("checkout");
  cpSync(join(process.cwd(), "sdk", "python"), join(checkout, "sdk", "python"), { recursive: true });
  const dir = folder("python-readme");
  const setup = [MAKE_VENV, INSTALL_SDK.replace("/path/to/pulumi-waapi", checkout)].join(" && ");
  expectSuccess(setup, await runShell(setup, { cwd: dir, timeoutMs: 600_000 }));
  writeFileSync(join(dir, "__main__.py"), README_PROGRAM);
  writeProject(dir, "waapi-python-readme");

  const stack = await stacks.create(dir, {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    env: activated(join(dir, "venv")),
  });
  const up = await stacks.up(stack);
  expect(up.summary.resourceChanges).toEqual({ create: 2 });
  const [created] = sandbox.instances();
  expect(sandbox.instances()).toHaveLength(1);
  expect(created).toMatchObject({ name: "Support line", webhook_events: ["message", "ready"] });
  expect(up.outputs["instanceId"]?.value).toBe(created?.id);
  expect(up.outputs["owner"]?.value).toBe(created?.owner);
  const destroyed = await stacks.destroy(stack);
  expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
  expect(sandbox.instances()).toEqual([]);
}, 900_000);
