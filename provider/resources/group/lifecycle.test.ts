import { jest } from "@jest/globals";
import { WaapiClient, WaapiGroupCreateOutcomeUnknownError, WaapiLineNotReadyError } from "../../client";
import { CreationLedger } from "../../instance/creation";
import type { Connection } from "../../connection";
import type { GroupInfo } from "../../waapi-api";
import { decodeGroupInputs, checkGroupInputs } from "./inputs";
import { LineNotReadyError } from "../../instance/line-status";
import { createGroup, deleteGroup, readGroup, updateGroup } from "./lifecycle";
import { groupResource } from "./resource";

const LINE = "15550100000@c.us";
const A = "15550100201@c.us";
const B = "15550100202@c.us";
const C = "15550100203@c.us";
const GROUP = "120363000000000001@g.us";
const BASE = "http://127.0.0.1:9/api/v1";

/** A real client whose group methods never reach the network: each test says what WAAPI answers. */
function connection(): { connection: Connection; client: WaapiClient; calls: string[] } {
  const client = new WaapiClient({ apiToken: "t", baseUrl: BASE });
  const calls: string[] = [];
  const log =
    (name: string) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push(
        `${name} ${args
          .slice(2)
          .map((arg) => JSON.stringify(arg))
          .join(" ")}`.trim(),
      );
    };
  jest.spyOn(client, "updateGroupInfo").mockImplementation(log("updateGroupInfo"));
  jest.spyOn(client, "updateGroupSettings").mockImplementation(log("updateGroupSettings"));
  jest.spyOn(client, "addGroupParticipant").mockImplementation(log("add"));
  jest.spyOn(client, "removeGroupParticipant").mockImplementation(log("remove"));
  jest.spyOn(client, "promoteGroupParticipant").mockImplementation(log("promote"));
  jest.spyOn(client, "demoteGroupParticipant").mockImplementation(log("demote"));
  return { connection: { client, apiBaseUrl: BASE, creations: new CreationLedger() }, client, calls };
}

function group(members: [string, boolean][], subject = "On-call"): GroupInfo {
  return {
    groupId: GROUP,
    subject,
    owner: LINE,
    inviteCode: "abc",
    inviteLink: "https://chat.whatsapp.com/abc",
    participants: [
      { id: LINE, isAdmin: true, isSuperAdmin: true },
      ...members.map(([id, isAdmin]) => ({ id, isAdmin, isSuperAdmin: false })),
    ],
  };
}

const declare = (inputs: Record<string, unknown>) =>
  decodeGroupInputs(checkGroupInputs({ instanceId: 7, subject: "On-call", ...inputs }).inputs);

describe("createGroup", () => {
  it("creates, then writes the description, the setting and the admins", async () => {
    const { connection: c, client, calls } = connection();
    const create = jest
      .spyOn(client, "createGroup")
      .mockResolvedValue({ groupId: GROUP, missingParticipants: [] });
    jest.spyOn(client, "getGroupInfo").mockResolvedValue(
      group([
        [A, false],
        [B, false],
      ]),
    );
    const { id, outputs } = await createGroup(
      c,
      declare({
        participants: [A, "+1 555 010 0202"],
        admins: [B],
        description: "Pager",
        messagesAdminsOnly: true,
      }),
    );
    expect(create).toHaveBeenCalledWith(7, { name: "On-call", participants: [A, B] });
    expect(calls).toEqual([
      'updateGroupInfo {"description":"Pager"}',
      'updateGroupSettings {"messageAdminOnly":true}',
      `promote "${B}"`,
    ]);
    expect(id).toBe(`7/${GROUP}`);
    expect(outputs).toMatchObject({ participants: [A, B], admins: [B], owner: LINE, apiBaseUrl: BASE });
  });

  it("records a group whose members WhatsApp would not add, and names them", async () => {
    const { connection: c, client } = connection();
    jest.spyOn(client, "createGroup").mockResolvedValue({ groupId: GROUP, missingParticipants: [B] });
    jest.spyOn(client, "getGroupInfo").mockResolvedValue(group([[A, false]]));
    const made = createGroup(c, declare({ participants: [A, B], admins: [B] }));
    await expect(made).rejects.toMatchObject({
      code: "WAAPI_GROUP_INCOMPLETE",
      id: `7/${GROUP}`,
      properties: expect.objectContaining({ groupId: GROUP, participants: [A], admins: [] }),
      message: expect.stringContaining(`WhatsApp would not add ${B}`),
    });
  });

  it("never retries an ambiguous create, and carries the candidates as facts, in no door's words", async () => {
    const { connection: c, client } = connection();
    const create = jest
      .spyOn(client, "createGroup")
      .mockRejectedValue(
        new WaapiGroupCreateOutcomeUnknownError(
          { operation: "createGroup", method: "POST", path: "/x", attempts: 1 },
          { instanceId: "7", subject: "On-call", candidates: [GROUP], failure: "HTTP 502" },
        ),
      );
    const error: unknown = await createGroup(c, declare({ participants: [A] })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN",
      instanceId: 7,
      subject: "On-call",
      candidates: [GROUP],
    });
    expect(String(error)).toContain(GROUP);
    expect(String(error)).not.toMatch(/adoptGroupId|pulumi import/);
    expect(groupResource.mayHaveCreated?.(error)).toEqual({
      candidates: [{ id: `7/${GROUP}`, adopt: GROUP }],
    });
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("adopts a group as declared with no write", async () => {
    const { connection: c, client, calls } = connection();
    const create = jest.spyOn(client, "createGroup");
    jest.spyOn(client, "getGroupInfo").mockResolvedValue(group([[A, true]]));
    const { id, outputs } = await createGroup(
      c,
      declare({ participants: [A], admins: [A], adoptGroupId: GROUP }),
    );
    expect(create).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(id).toBe(`7/${GROUP}`);
    expect(outputs.adoptGroupId).toBe(GROUP);
  });

  it("says the line is not ready, with its facts, and leaves the link command to the doors", async () => {
    const { connection: c, client } = connection();
    jest
      .spyOn(client, "createGroup")
      .mockRejectedValue(
        new WaapiLineNotReadyError(
          { operation: "createGroup", method: "POST", path: "/x", attempts: 1 },
          "7",
          "qr",
        ),
      );
    const error: unknown = await createGroup(c, declare({ participants: [A] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineNotReadyError);
    expect(error).toMatchObject({ code: "WAAPI_LINE_NOT_READY", instanceId: 7, status: "qr" });
    expect(String(error)).toContain("not linked (status qr), so its groups cannot be changed");
    expect(String(error)).not.toContain("pulumi-waapi link");
  });
});

describe("updateGroup", () => {
  it("makes the minimal membership calls against the live group", async () => {
    const { connection: c, client, calls } = connection();
    jest.spyOn(client, "getGroupInfo").mockResolvedValue(
      group([
        [A, true],
        [B, false],
      ]),
    );
    const recorded = {
      instanceId: 7,
      groupId: GROUP,
      owner: LINE,
      messagesAdminsOnly: false,
      apiBaseUrl: BASE,
    };
    const outputs = await updateGroup(
      c,
      `7/${GROUP}`,
      recorded,
      declare({ participants: [B, C], admins: [B] }),
    );
    expect(calls).toEqual([`add "${C}"`, `promote "${B}"`, `remove "${A}"`]);
    expect(outputs).toMatchObject({ participants: [B, C], admins: [B] });
  });

  it("refuses another API's group before sending anything", async () => {
    const { connection: c, client } = connection();
    const read = jest.spyOn(client, "getGroupInfo");
    await expect(
      updateGroup(
        c,
        `7/${GROUP}`,
        { apiBaseUrl: "https://waapi.app/api/v1" },
        declare({ participants: [A] }),
      ),
    ).rejects.toThrow("lives on https://waapi.app/api/v1");
    expect(read).not.toHaveBeenCalled();
  });
});

describe("readGroup", () => {
  it("reads members and admins, keeps the settings it cannot read, and reports a group gone", async () => {
    const { connection: c, client } = connection();
    const read = jest.spyOn(client, "getGroupInfo").mockResolvedValue(
      group(
        [
          [A, false],
          [C, true],
        ],
        "Renamed",
      ),
    );
    const live = await readGroup(c, `7/${GROUP}`, { description: "Pager", messagesAdminsOnly: true });
    expect(read).toHaveBeenCalledWith(7, GROUP);
    expect(live).toMatchObject({
      subject: "Renamed",
      participants: [A, C],
      admins: [C],
      description: "Pager",
    });
    read.mockResolvedValue(undefined);
    await expect(readGroup(c, `7/${GROUP}`)).resolves.toBeUndefined();
    await expect(readGroup(c, GROUP)).rejects.toThrow(
      'is not a Group id: a Group\'s id is "<instanceId>/<groupId>"',
    );
  });
});

describe("deleteGroup", () => {
  it("forgets the group by default, sends nothing and says it still exists", async () => {
    const { connection: c, client, calls } = connection();
    const read = jest.spyOn(client, "getGroupInfo");
    const warnings: string[] = [];
    await deleteGroup(c, `7/${GROUP}`, { subject: "On-call", onDelete: "forget" }, (line) =>
      warnings.push(line),
    );
    expect(read).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining(
        `Group ${GROUP} ("On-call") was removed from the stack but still exists on WhatsApp`,
      ),
    ]);
  });

  it("with removeMembers, removes every member but the line", async () => {
    const { connection: c, client, calls } = connection();
    jest.spyOn(client, "getGroupInfo").mockResolvedValue(
      group([
        [A, false],
        [B, true],
      ]),
    );
    const warnings: string[] = [];
    await deleteGroup(c, `7/${GROUP}`, { onDelete: "removeMembers" }, (line) => warnings.push(line));
    expect(calls).toEqual([`remove "${A}"`, `remove "${B}"`]);
    expect(warnings).toEqual([expect.stringContaining("emptied (2 member(s) removed)")]);
  });
});
