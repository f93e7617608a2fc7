/**
 * A WaapiGroup through the real Pulumi CLI (tests/e2e/group-program) on a sandbox line made ready
 * with the sandbox's scan hook: create, a membership update that sends only the difference, a member
 * added by hand that `pulumi-waapi drift` names (exit 7) and refresh records and the preview names,
 * adoption with no write, drift on a line no longer linked (the group reported unread, exit 1), and
 * destroy, which leaves the group on WhatsApp and sends nothing.
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { WaapiClient } from "../../provider/client";
import { runCli, type CliResult } from "../support/cli";
import { ALICE, BOB, CAROL, groupCalls } from "../support/groups";
import { expectNoLeak } from "../support/leaks";
import { e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "group-program");
const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });
const stacks = useOfflineStacks();

async function readyLine(): Promise<number> {
  const client = new WaapiClient({ apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  const { id } = await client.createInstance();
  sandbox.scanQr(id, { phoneNumber: "50664083362", displayName: "On call" });
  return id;
}

async function declare(stack: Stack, groups: Record<string, Record<string, unknown>>): Promise<void> {
  await stack.setConfig("groups", { value: JSON.stringify(groups) });
}

afterAll(() => expectNoLeak(stacks.everything(), e2eSecrets()));

/** `pulumi-waapi drift` in the program's folder, as a nightly job runs it; what it printed is kept for the leak check. */
async function drift(stack: Stack): Promise<CliResult> {
  const result = await runCli(["drift", "--stack", stack.name], {
    cwd: PROGRAM_DIR,
    env: stacks.env(),
  });
  stacks.note(result.stdout);
  stacks.note(result.stderr);
  return result;
}

it("creates, updates minimally, sees a member added by hand, adopts with no write, forgets on destroy", async () => {
  const instanceId = await readyLine();
  const declared = {
    instanceId,
    subject: "On call",
    participants: ["+49 151 12345678", BOB],
    admins: [BOB],
    description: "Pager",
  };
  const stack = await stacks.create(PROGRAM_DIR, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  await declare(stack, { oncall: declared });
  const created = await stacks.up(stack);
  const groupId = created.outputs["groupIds"]?.value?.oncall as string;
  expect(sandbox.groups(instanceId)).toEqual([
    expect.objectContaining({ id: groupId, subject: "On call", description: "Pager" }),
  ]);
  // The invite link lets anyone join: a secret in the state (exportStack shows it decrypted, marked).
  const state = (await stack.exportStack()).deployment as {
    resources: { type: string; outputs?: Record<string, unknown> }[];
  };
  const recorded = state.resources.find((resource) => resource.type.endsWith(":Group"))?.outputs;
  expect(recorded?.["inviteLink"]).toEqual({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(sandbox.groups(instanceId)[0]?.inviteLink),
  });

  // Bob stays (no longer an admin), Alice goes, Carol comes in.
  sandbox.clearRequests();
  await declare(stack, { oncall: { ...declared, participants: [BOB, CAROL], admins: [] } });
  await stacks.up(stack);
  expect(groupCalls(sandbox)).toEqual([
    "get-group-info",
    `add-group-participant ${CAROL}`,
    `demote-group-participant ${BOB}`,
    `remove-group-participant ${ALICE}`,
  ]);

  // Alice is added back on a phone: drift names her (exit 7, drift's code), refresh records her, and
  // the preview wants her out again.
  sandbox.addGroupMember(instanceId, groupId, ALICE);
  sandbox.clearRequests();
  const text = await drift(stack);
  expect(text).toMatchObject({ code: 7 });
  expect(text.stdout).toContain(
    `oncall (group ${groupId} of instance ${instanceId}: modified outside Pulumi)`,
  );
  expect(text.stdout).toContain(`  participants: +${ALICE} added outside Pulumi`);
  expect(groupCalls(sandbox)).toEqual(["get-group-info"]); // drift reads, never writes
  await stacks.refresh(stack);
  const preview = await stacks.preview(stack, { diff: true });
  expect(preview.changeSummary).toMatchObject({ update: 1 });
  expect(preview.stdout).toContain(ALICE);

  // A second stack takes the same group over: one read, no write.
  const adopter = await stacks.create(
    PROGRAM_DIR,
    { apiToken: sandbox.token, baseUrl: sandbox.baseUrl },
    "adopter",
  );
  sandbox.clearRequests();
  await declare(adopter, {
    taken: { instanceId, subject: "On call", participants: [ALICE, BOB, CAROL], adoptGroupId: groupId },
  });
  await stacks.up(adopter);
  expect(groupCalls(sandbox)).toEqual(["get-group-info"]);

  // The phone drops the line: drift cannot read the group, says so for it, and exits 1, not 0.
  sandbox.disconnectClient(instanceId);
  const unread = await drift(adopter);
  expect(unread.code).toBe(1);
  expect(unread.stdout).toContain(`taken (group ${groupId} of instance ${instanceId}: could not be read)`);
  expect(unread.stdout).toContain(
    `Instance ${instanceId}'s WhatsApp line is not linked (status disconnected)`,
  );
  expect(unread.stdout).toContain(`npx pulumi-waapi link ${instanceId}`);

  // Destroy forgets: nothing is sent, and the group is still there.
  sandbox.clearRequests();
  // The dynamic door prints the core's delete warning too (with the stack's diagnostics: its host gives no URN).
  const destroyed = await stacks.destroy(stack);
  expect(destroyed.stdout).toContain(
    `Group ${groupId} ("On call") was removed from the stack but still exists on WhatsApp`,
  );
  await stacks.destroy(adopter);
  expect(groupCalls(sandbox)).toEqual([]);
  expect(sandbox.groups(instanceId)).toHaveLength(1);
}, 240_000);
