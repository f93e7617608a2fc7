/**
 * The Group core's lifecycle (provider/resources/group) against the sandbox over HTTP: create on a
 * linked line, minimal membership updates (which calls reached the server), a member added by hand
 * seen by read, adoption with no write, the line not linked, and delete, which never deletes the
 * group on WhatsApp.
 */
import { WaapiClient } from "../../provider/client";
import { CreationLedger } from "../../provider/instance/creation";
import type { Connection } from "../../provider/connection";
import { checkGroupInputs, decodeGroupInputs } from "../../provider/resources/group/inputs";
import { createGroup, deleteGroup, readGroup, updateGroup } from "../../provider/resources/group/lifecycle";
import { groupChanges } from "../../provider/resources/group/state";
import { useSandbox } from "../support/sandbox";

const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });

const LINE = "50664083362";
const ALICE = "4915112345678@c.us";
const BOB = "4915187654321@c.us";
const CAROL = "33612345678@c.us";

function connection(): Connection {
  const client = new WaapiClient({ apiToken: sandbox.token, baseUrl: sandbox.baseUrl, retry: { limit: 0 } });
  return { client, apiBaseUrl: sandbox.baseUrl, creations: new CreationLedger() };
}

async function line(linked = true): Promise<number> {
  const id = (await connection().client.createInstance()).id;
  if (linked) sandbox.scanQr(id, { phoneNumber: LINE, displayName: "Support" });
  return id;
}

const declare = (instanceId: number, inputs: Record<string, unknown>) => {
  const { inputs: checked, failures } = checkGroupInputs({ instanceId, subject: "On call", ...inputs });
  expect(failures).toEqual([]);
  return decodeGroupInputs(checked);
};

/** The group calls the sandbox received since the last clear, as "<action> <participant>". */
function groupCalls(): string[] {
  return sandbox
    .requests()
    .filter((request) => request.path.includes("/client/action/"))
    .map((request) => {
      const action = request.path.split("/").pop() ?? "";
      const body = request.body as { participant?: string } | null;
      return body?.participant ? `${action} ${body.participant}` : action;
    });
}

test("create, update minimally, see a member added by hand, forget on delete", async () => {
  const id = await line();
  const c = connection();
  const { id: resourceId, outputs } = await createGroup(
    c,
    declare(id, {
      participants: ["+49 151 12345678", BOB],
      admins: [BOB],
      description: "Pager",
      messagesAdminsOnly: true,
    }),
  );
  const [group] = sandbox.groups(id);
  expect(resourceId).toBe(`${id}/${group?.id}`);
  expect(group).toMatchObject({ subject: "On call", description: "Pager", messageAdminOnly: true });
  expect(outputs).toMatchObject({
    participants: [BOB, ALICE].sort(),
    admins: [BOB],
    owner: `${LINE}@c.us`,
    inviteLink: group?.inviteLink,
  });

  // Bob stays (and stops being an admin), Alice goes, Carol comes in as an admin.
  sandbox.clearRequests();
  const updated = await updateGroup(
    c,
    resourceId,
    { ...outputs },
    declare(id, {
      participants: [BOB, CAROL],
      admins: [CAROL],
      description: "Pager",
      messagesAdminsOnly: true,
    }),
  );
  expect(groupCalls()).toEqual([
    "get-group-info",
    `add-group-participant ${CAROL}`,
    `promote-group-participant ${CAROL}`,
    `demote-group-participant ${BOB}`,
    `remove-group-participant ${ALICE}`,
  ]);
  expect(updated).toMatchObject({ participants: [BOB, CAROL].sort(), admins: [CAROL] });

  // Someone adds Alice back on a phone: a refresh reads her, and the diff names the participants.
  sandbox.addGroupMember(id, group?.id ?? "", ALICE);
  const live = await readGroup(c, resourceId, { ...updated });
  expect(live?.participants).toEqual([BOB, CAROL, ALICE].sort());
  expect(live).toMatchObject({ description: "Pager", messagesAdminsOnly: true });
  expect(groupChanges(live ?? {}, declare(id, { participants: [BOB, CAROL], admins: [CAROL] }))).toEqual(
    expect.arrayContaining([{ property: "participants", kind: "update" }]),
  );

  sandbox.clearRequests();
  const warnings: string[] = [];
  await deleteGroup(c, resourceId, { ...live }, (message) => warnings.push(message));
  expect(groupCalls()).toEqual([]);
  expect(sandbox.groups(id)).toHaveLength(1);
  expect(warnings).toEqual([expect.stringContaining("still exists on WhatsApp")]);
});

test("adopting a group as declared writes nothing; removeMembers empties it on delete", async () => {
  const id = await line();
  const made = sandbox.createGroupByHand(id, { subject: "On call", participants: [ALICE, BOB] });
  const c = connection();
  sandbox.clearRequests();
  const { id: resourceId, outputs } = await createGroup(
    c,
    declare(id, { participants: [ALICE, BOB], adoptGroupId: made.id, onDelete: "removeMembers" }),
  );
  expect(groupCalls()).toEqual(["get-group-info"]);
  expect(
    sandbox
      .requests()
      .filter((request) => request.method !== "GET" && !request.path.endsWith("get-group-info")),
  ).toEqual([]);

  sandbox.clearRequests();
  await deleteGroup(c, resourceId, { ...outputs });
  expect(groupCalls()).toEqual([
    "get-group-info",
    `remove-group-participant ${ALICE}`,
    `remove-group-participant ${BOB}`,
  ]);
  expect(sandbox.groups(id)[0]?.participants.map((participant) => participant.id)).toEqual([`${LINE}@c.us`]);
});

test("a line that is not linked is refused with its facts (each door adds the link command), and makes no group", async () => {
  const id = await line(false);
  const error: unknown = await createGroup(connection(), declare(id, { participants: [ALICE] })).catch(
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: "WAAPI_LINE_NOT_READY", instanceId: id, status: expect.any(String) });
  expect(String(error)).toMatch(new RegExp(`Instance ${id}'s WhatsApp line is not linked \\(status \\w+\\)`));
  expect(sandbox.groups(id)).toEqual([]);
});
