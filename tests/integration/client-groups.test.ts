/**
 * The REST client's group calls against the sandbox over HTTP: every group route, the sandbox's
 * validation (422 per field, straight at the API, since the client refuses such input unsent), lines
 * that are not ready, unknown groups, permissions, faults that make create-group ambiguous or make a
 * member action's retry land on its own effect, the hooks that change membership by hand (in-process
 * and over HTTP), and persistence of groups across a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  WaapiActionError,
  WaapiClient,
  WaapiGroupCreateOutcomeUnknownError,
  WaapiGroupNotFoundError,
  WaapiLineNotReadyError,
  WaapiPermissionError,
} from "../../provider/client";
import { CLIENT_ROUTES, GROUP_OPERATIONS, OPERATION_PERMISSIONS } from "../../provider/waapi-api";
import { expectNoLeak } from "../support/leaks";
import { issuedTokens, useSandbox, withSandbox } from "../support/sandbox";

const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });

const LINE = "50664083362";
const ALICE = "4915112345678@c.us";
const BOB = "4915187654321@c.us";
const CAROL = "33612345678@c.us";
/** The contract's pattern takes it, but no phone has it: the sandbox treats it as not on WhatsApp. */
const NOBODY = "0123@c.us";

function client(token = sandbox.token, retry = { limit: 0, rateLimitWaitMs: 0 }): WaapiClient {
  return new WaapiClient({ apiToken: token, baseUrl: sandbox.baseUrl, retry });
}

/** A new instance whose line is linked (ready) to LINE. */
async function readyLine(): Promise<number> {
  const id = (await client().createInstance()).id;
  sandbox.scanQr(id, { phoneNumber: LINE, displayName: "Support" });
  return id;
}

const errors: unknown[] = [];
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    errors.push(error);
    return error;
  }
  throw new Error("expected the call to fail");
}
afterAll(() => expectNoLeak(errors, issuedTokens()));

/** A raw API call, for what the client would never send. */
async function post(
  path: string,
  body: unknown,
  token = sandbox.token,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const route = (operation: (typeof GROUP_OPERATIONS)[number], id: number): string =>
  CLIENT_ROUTES[operation].path.replace("{id}", String(id));

test("the whole life of a group through the client", async () => {
  const id = await readyLine();
  const c = client();
  const { groupId, missingParticipants } = await c.createGroup(id, {
    name: "On call",
    participants: [ALICE, NOBODY],
  });
  expect(groupId).toMatch(/^120363[0-9]{12}@g\.us$/);
  expect(missingParticipants).toEqual([NOBODY]);

  const info = await c.getGroupInfo(id, groupId);
  expect(info).toEqual({
    groupId,
    subject: "On call",
    owner: `${LINE}@c.us`,
    inviteCode: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
    inviteLink: `https://chat.whatsapp.com/${info?.inviteCode ?? ""}`,
    participants: [
      { id: `${LINE}@c.us`, isAdmin: true, isSuperAdmin: true },
      { id: ALICE, isAdmin: false, isSuperAdmin: false },
    ],
  });

  await c.updateGroupInfo(id, groupId, { subject: "Incidents", description: "Who is on call" });
  await c.updateGroupSettings(id, groupId, { messageAdminOnly: true });
  await c.addGroupParticipant(id, groupId, BOB);
  await c.promoteGroupParticipant(id, groupId, BOB);
  await c.promoteGroupParticipant(id, groupId, ALICE);
  await c.demoteGroupParticipant(id, groupId, ALICE);
  await c.removeGroupParticipant(id, groupId, ALICE);

  expect(await c.getGroupParticipants(id, groupId)).toEqual([
    { id: `${LINE}@c.us`, isAdmin: true, isSuperAdmin: true },
    { id: BOB, isAdmin: true, isSuperAdmin: false },
  ]);
  const [kept] = sandbox.groups(id);
  // Kept, though get-group-info does not return them (the contract).
  expect(kept).toMatchObject({ subject: "Incidents", description: "Who is on call", messageAdminOnly: true });
  const raw = await post(route("getGroupInfo", id), { chatId: groupId });
  expect(raw.body).not.toHaveProperty(["data", "description"]);
  expect(raw.body).not.toHaveProperty(["data", "messageAdminOnly"]);
  expect(raw.body).toMatchObject({ data: { subject: "Incidents", chatId: { _serialized: groupId } } });
});

test("listGroups: the line's groups through get-chats, each read in full; another line's are not there", async () => {
  const id = await readyLine();
  const other = await readyLine();
  const c = client();
  const first = await c.createGroup(id, { name: "First", participants: [ALICE] });
  const second = await c.createGroup(id, { name: "Second", participants: [BOB, CAROL] });
  await c.createGroup(other, { name: "Elsewhere", participants: [ALICE] });
  const groups = await c.listGroups(id);
  expect(groups.map((group) => [group.groupId, group.subject, group.participants.length]).sort()).toEqual(
    [
      [first.groupId, "First", 2],
      [second.groupId, "Second", 3],
    ].sort(),
  );
  const chats = await post(route("listChats", id), { offset: 1, limit: 1 });
  expect(chats.body).toMatchObject({ instanceId: String(id), status: "success", data: [{ isGroup: true }] });
  expect((chats.body as { data: unknown[] }).data).toHaveLength(1);
  await expect(c.listGroups(await readyLine())).resolves.toEqual([]);
});

test("the permission each group call needs: read to look, update to change", async () => {
  expect(
    Object.fromEntries(GROUP_OPERATIONS.map((operation) => [operation, OPERATION_PERMISSIONS[operation]])),
  ).toEqual({
    listChats: "read",
    getGroupInfo: "read",
    getGroupParticipants: "read",
    createGroup: "update",
    updateGroupInfo: "update",
    updateGroupSettings: "update",
    addGroupParticipant: "update",
    removeGroupParticipant: "update",
    promoteGroupParticipant: "update",
    demoteGroupParticipant: "update",
  });
  const id = await readyLine();
  const { groupId } = await client().createGroup(id, { name: "x", participants: [ALICE] });
  const readOnly = client(sandbox.createToken(["read"]));
  await expect(readOnly.getGroupInfo(id, groupId)).resolves.toMatchObject({ groupId });
  const refused = await failure(readOnly.addGroupParticipant(id, groupId, BOB));
  expect(refused).toBeInstanceOf(WaapiPermissionError);
  expect(refused).toMatchObject({ permission: "update", statusCode: 403 });
  const updateOnly = client(sandbox.createToken(["update"]));
  expect(await failure(updateOnly.listGroups(id))).toMatchObject({ permission: "read" });
  expect(sandbox.groups(id)[0]?.participants).toHaveLength(2);
});

describe("a line that is not ready", () => {
  test.each(["qr", "disconnected", "auth_failure"] as const)(
    "refuses every group call in status %s",
    async (status) => {
      const id = await readyLine();
      const { groupId } = await client().createGroup(id, { name: "x", participants: [ALICE] });
      sandbox.changeInstance(id, { instanceStatus: status });
      const c = client();
      const calls: [string, Promise<unknown>][] = [
        ["createGroup", c.createGroup(id, { name: "y", participants: [ALICE] })],
        ["getGroupInfo", c.getGroupInfo(id, groupId)],
        ["getGroupParticipants", c.getGroupParticipants(id, groupId)],
        ["listGroups", c.listGroups(id)],
        ["updateGroupInfo", c.updateGroupInfo(id, groupId, { subject: "z" })],
        ["updateGroupSettings", c.updateGroupSettings(id, groupId, { messageAdminOnly: true })],
        ["addGroupParticipant", c.addGroupParticipant(id, groupId, BOB)],
        ["removeGroupParticipant", c.removeGroupParticipant(id, groupId, ALICE)],
        ["promoteGroupParticipant", c.promoteGroupParticipant(id, groupId, ALICE)],
        ["demoteGroupParticipant", c.demoteGroupParticipant(id, groupId, ALICE)],
      ];
      for (const [name, call] of calls) {
        const error = await failure(call);
        expect([name, error]).toEqual([name, expect.any(WaapiLineNotReadyError)]);
        expect(error).toMatchObject({ code: "WAAPI_LINE_NOT_READY", instanceId: String(id), status });
      }
      const raw = await post(route("getGroupInfo", id), { chatId: groupId });
      expect(raw).toEqual({
        status: 200,
        body: expect.objectContaining({
          status: "error",
          message: `The client is not ready (status: ${status}).`,
        }),
      });
      // Nothing changed while it was refused.
      expect(sandbox.groups(id)).toEqual([
        expect.objectContaining({ subject: "x", messageAdminOnly: false }),
      ]);
    },
  );
});

describe("unknown groups and refused steps", () => {
  test("getGroupInfo answers undefined; a change is WAAPI_GROUP_NOT_FOUND", async () => {
    const id = await readyLine();
    const c = client();
    const unknown = "120363000000000001@g.us";
    await expect(c.getGroupInfo(id, unknown)).resolves.toBeUndefined();
    const error = await failure(c.addGroupParticipant(id, unknown, ALICE));
    expect(error).toBeInstanceOf(WaapiGroupNotFoundError);
    expect(error).toMatchObject({ code: "WAAPI_GROUP_NOT_FOUND", instanceId: String(id), groupId: unknown });
    // Another line's group is unknown here too.
    const other = await readyLine();
    const { groupId } = await c.createGroup(other, { name: "theirs", participants: [ALICE] });
    await expect(c.getGroupInfo(id, groupId)).resolves.toBeUndefined();
  });

  test.each([
    [
      "adding a member twice",
      (c: WaapiClient, id: number, g: string) => c.addGroupParticipant(id, g, ALICE),
      /already a participant/,
    ],
    [
      "adding a number not on WhatsApp",
      (c: WaapiClient, id: number, g: string) => c.addGroupParticipant(id, g, NOBODY),
      /not on WhatsApp/,
    ],
    [
      "removing a non-member",
      (c: WaapiClient, id: number, g: string) => c.removeGroupParticipant(id, g, BOB),
      /not a participant/,
    ],
    [
      "demoting the creator",
      (c: WaapiClient, id: number, g: string) => c.demoteGroupParticipant(id, g, `${LINE}@c.us`),
      /creator cannot be demoted/,
    ],
    [
      "removing the creator",
      (c: WaapiClient, id: number, g: string) => c.removeGroupParticipant(id, g, `${LINE}@c.us`),
      /creator cannot be removed/,
    ],
  ])("%s is a WaapiActionError with WhatsApp's reason", async (_title, step, reason) => {
    const id = await readyLine();
    const c = client();
    const { groupId } = await c.createGroup(id, { name: "x", participants: [ALICE] });
    const error = await failure(step(c, id, groupId));
    expect(error).toBeInstanceOf(WaapiActionError);
    expect((error as WaapiActionError).serverMessage).toMatch(reason);
  });

  test("promoting an admin and demoting a plain member change nothing and succeed", async () => {
    const id = await readyLine();
    const c = client();
    const { groupId } = await c.createGroup(id, { name: "x", participants: [ALICE] });
    await c.demoteGroupParticipant(id, groupId, ALICE);
    await c.promoteGroupParticipant(id, groupId, `${LINE}@c.us`);
    expect(sandbox.groups(id)[0]?.participants).toEqual([
      { id: `${LINE}@c.us`, isAdmin: true, isSuperAdmin: true },
      { id: ALICE, isAdmin: false, isSuperAdmin: false },
    ]);
  });

  test("a line that is only a member of a group made elsewhere may read it but not change it", async () => {
    const id = await readyLine();
    const made = sandbox.createGroupByHand(id, {
      subject: "Family",
      participants: [ALICE, BOB],
      lineIsAdmin: false,
    });
    expect(made).toMatchObject({ owner: ALICE });
    const c = client();
    await expect(c.getGroupInfo(id, made.id)).resolves.toMatchObject({ owner: ALICE, subject: "Family" });
    const error = await failure(c.updateGroupInfo(id, made.id, { subject: "Mine now" }));
    expect((error as WaapiActionError).serverMessage).toMatch(/not an admin/);
  });
});

describe("the API's validation (what the client refuses unsent)", () => {
  test.each([
    [
      "createGroup",
      {},
      {
        groupName: ["The group name field is required."],
        groupParticipants: ["The group participants field is required."],
      },
    ],
    [
      "createGroup",
      { groupName: "  ", groupParticipants: [] },
      {
        groupName: ["The group name field is required."],
        groupParticipants: ["The group participants field is required."],
      },
    ],
    [
      "createGroup",
      { groupName: "x".repeat(101), groupParticipants: [ALICE] },
      { groupName: ["The group name field must not be greater than 100 characters."] },
    ],
    [
      "createGroup",
      { groupName: "x", groupParticipants: [ALICE, "50664083362", 7] },
      {
        "groupParticipants.1": ["The groupParticipants.1 field format is invalid."],
        "groupParticipants.2": ["The groupParticipants.2 field format is invalid."],
      },
    ],
    [
      "createGroup",
      { groupName: "x", groupParticipants: ALICE },
      { groupParticipants: ["The group participants field must be an array."] },
    ],
    ["getGroupInfo", {}, { chatId: ["The chat id field is required."] }],
    ["getGroupInfo", { chatId: "120363" }, { chatId: ["The chat id field format is invalid."] }],
    ["getGroupParticipants", { chatId: ALICE }, { chatId: ["The chat id field format is invalid."] }],
    [
      "addGroupParticipant",
      { chatId: "120363000000000001@g.us" },
      { participant: ["The participant field is required."] },
    ],
    [
      "removeGroupParticipant",
      { chatId: "1@g.us", participant: "+4915112345678" },
      { participant: ["The participant field format is invalid."] },
    ],
    ["updateGroupInfo", { chatId: "1@g.us", subject: "" }, { subject: ["The subject field is required."] }],
    [
      "updateGroupInfo",
      { chatId: "1@g.us", description: 5 },
      { description: ["The description field must be a string."] },
    ],
    [
      "updateGroupSettings",
      { chatId: "1@g.us" },
      { messageAdminOnly: ["The message admin only field is required."] },
    ],
    [
      "updateGroupSettings",
      { chatId: "1@g.us", messageAdminOnly: "yes" },
      { messageAdminOnly: ["The message admin only field must be true or false."] },
    ],
    [
      "listChats",
      { offset: -1, limit: 0 },
      { offset: ["The offset field must be at least 0."], limit: ["The limit field must be at least 1."] },
    ],
  ] as const)("%s %j → 422", async (operation, body, fieldErrors) => {
    const id = await readyLine();
    const answer = await post(route(operation, id), body);
    expect(answer).toEqual({ status: 422, body: { message: expect.any(String), errors: fieldErrors } });
    expect(sandbox.groups(id)).toEqual([]);
  });

  test("a body that is not a JSON object → 422", async () => {
    const id = await readyLine();
    const response = await fetch(`${sandbox.baseUrl}${route("createGroup", id)}`, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        Authorization: `Bearer ${sandbox.token}`,
      },
      body: "[1]",
    });
    expect(response.status).toBe(422);
  });

  test("an unknown instance → 404, before validation", async () => {
    const answer = await post(route("createGroup", 999_999), {});
    expect(answer.status).toBe(404);
  });
});

describe("faults", () => {
  test("a create-group whose answer is lost is not repeated; the error names the group it made", async () => {
    const id = await readyLine();
    sandbox.injectFault({
      match: "POST /instances/:id/client/action/create-group",
      kind: "reset",
      resetAfterActing: true,
    });
    const c = client(sandbox.token, { limit: 3, rateLimitWaitMs: 0 });
    const error = await failure(c.createGroup(id, { name: "On call", participants: [ALICE] }));
    expect(error).toBeInstanceOf(WaapiGroupCreateOutcomeUnknownError);
    const [made] = sandbox.groups(id);
    expect(sandbox.groups(id)).toHaveLength(1);
    expect((error as WaapiGroupCreateOutcomeUnknownError).candidates).toEqual([made?.id]);
    const creates = sandbox.requests().filter((request) => request.path.endsWith("/create-group"));
    expect(creates).toHaveLength(1);
  });

  test("a create-group turned away by a 503 before acting is still not repeated (it cannot be known)", async () => {
    const id = await readyLine();
    sandbox.injectFault({
      match: "POST /instances/:id/client/action/create-group",
      kind: "respond",
      status: 503,
    });
    const error = await failure(
      client(sandbox.token, { limit: 3, rateLimitWaitMs: 0 }).createGroup(id, {
        name: "On call",
        participants: [ALICE],
      }),
    );
    expect(error).toMatchObject({ code: "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN", candidates: [] });
    expect(sandbox.groups(id)).toEqual([]);
  });

  test("an add whose answer is lost is retried; the retry's refusal is read back and counts as done", async () => {
    const id = await readyLine();
    const c = client(sandbox.token, { limit: 3, rateLimitWaitMs: 0 });
    const { groupId } = await c.createGroup(id, { name: "x", participants: [ALICE] });
    sandbox.injectFault({
      match: "POST /instances/:id/client/action/add-group-participant",
      kind: "reset",
      resetAfterActing: true,
    });
    await c.addGroupParticipant(id, groupId, BOB);
    expect(sandbox.groups(id)[0]?.participants.map((participant) => participant.id)).toEqual([
      `${LINE}@c.us`,
      ALICE,
      BOB,
    ]);
    const adds = sandbox.requests().filter((request) => request.path.endsWith("/add-group-participant"));
    expect(adds.map((request) => request.status)).toEqual([null, 200]);
  });
});

describe("hooks: membership changed by hand", () => {
  test("in-process: add, promote, remove a member and rename; the client sees each", async () => {
    const id = await readyLine();
    const c = client();
    const { groupId } = await c.createGroup(id, { name: "On call", participants: [ALICE] });
    sandbox.addGroupMember(id, groupId, BOB);
    sandbox.setGroupAdmin(id, groupId, BOB, true);
    sandbox.removeGroupMember(id, groupId, ALICE);
    sandbox.changeGroupByHand(id, groupId, { subject: "Renamed on a phone", messageAdminOnly: true });
    expect(await c.getGroupInfo(id, groupId)).toMatchObject({
      subject: "Renamed on a phone",
      participants: [
        { id: `${LINE}@c.us`, isAdmin: true, isSuperAdmin: true },
        { id: BOB, isAdmin: true, isSuperAdmin: false },
      ],
    });
    expect(sandbox.groups(id)[0]?.messageAdminOnly).toBe(true);
    sandbox.leaveGroup(id, groupId);
    await expect(c.getGroupInfo(id, groupId)).resolves.toBeUndefined();
  });

  test("over HTTP under /__sandbox: the same steps, and 400/404/409 for bad ones", async () => {
    const id = await readyLine();
    const hook = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${sandbox.url}/__sandbox/instances/${id}/groups${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
      });
      return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
    };
    const created = await hook("POST", "", {
      subject: "Made on the phone",
      participants: [ALICE],
      description: "d",
    });
    expect(created.status).toBe(201);
    const groupId = (created.body as { group: { id: string } }).group.id;
    const member = (who: string): string =>
      `/${encodeURIComponent(groupId)}/participants/${encodeURIComponent(who)}`;
    expect((await hook("POST", `/${encodeURIComponent(groupId)}/participants`, { id: BOB })).status).toBe(
      200,
    );
    expect((await hook("PATCH", member(BOB), { isAdmin: true })).status).toBe(200);
    expect((await hook("DELETE", member(ALICE))).status).toBe(200);
    expect((await hook("PATCH", `/${encodeURIComponent(groupId)}`, { subject: "Renamed" })).status).toBe(200);
    const listed = await hook("GET", "");
    expect(listed.body).toEqual({
      groups: [
        expect.objectContaining({
          id: groupId,
          subject: "Renamed",
          description: "d",
          inviteLink: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//),
          participants: [
            { id: `${LINE}@c.us`, isAdmin: true, isSuperAdmin: true },
            { id: BOB, isAdmin: true, isSuperAdmin: false },
          ],
        }),
      ],
    });
    await expect(client().getGroupInfo(id, groupId)).resolves.toMatchObject({ subject: "Renamed" });
    expect((await hook("POST", `/${encodeURIComponent(groupId)}/participants`, { id: BOB })).status).toBe(
      409,
    );
    expect((await hook("POST", `/${encodeURIComponent(groupId)}/participants`, { id: "bob" })).status).toBe(
      400,
    );
    expect((await hook("PATCH", member(ALICE), {})).status).toBe(400);
    expect((await hook("DELETE", member(ALICE))).status).toBe(409);
    expect((await hook("PATCH", "/120363000000000001%40g.us", { subject: "x" })).status).toBe(404);
    expect((await hook("DELETE", `/${encodeURIComponent(groupId)}`)).status).toBe(204);
    expect((await hook("GET", "")).body).toEqual({ groups: [] });
  });
});

test("groups are kept in the data file and survive a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "waapi-groups-"));
  const dataFile = join(dir, "state.json");
  try {
    const timing = { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 };
    const { id, groupId } = await withSandbox(
      { dataFile, clientTiming: timing, token: "persist-token-1" },
      async (first) => {
        const c = new WaapiClient({ apiToken: "persist-token-1", baseUrl: first.baseUrl });
        const instance = (await c.createInstance()).id;
        first.scanQr(instance, { phoneNumber: LINE });
        const made = await c.createGroup(instance, { name: "Kept", participants: [ALICE] });
        await c.updateGroupInfo(instance, made.groupId, { description: "on disk" });
        return { id: instance, groupId: made.groupId };
      },
    );
    await withSandbox({ dataFile, clientTiming: timing, token: "persist-token-1" }, async (second) => {
      const c = new WaapiClient({ apiToken: "persist-token-1", baseUrl: second.baseUrl });
      await expect(c.getGroupInfo(id, groupId)).resolves.toMatchObject({ subject: "Kept" });
      expect(second.groups(id)[0]?.description).toBe("on disk");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
