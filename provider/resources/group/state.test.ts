import type { GroupInfo } from "../../waapi-api";
import { membershipAfter, planGroupSteps } from "./plan";
import {
  groupChanges,
  inputsFromOutputs,
  membershipOf,
  outputsFromInfo,
  parseGroupResourceId,
  writtenIn,
} from "./state";

const LINE = "15550100000@c.us";
const A = "15550100201@c.us";
const B = "15550100202@c.us";
const C = "15550100203@c.us";

const info: GroupInfo = {
  groupId: "120363000000000001@g.us",
  subject: "On-call",
  owner: LINE,
  inviteCode: "abc",
  inviteLink: "https://chat.whatsapp.com/abc",
  participants: [
    { id: LINE, isAdmin: true, isSuperAdmin: true },
    { id: B, isAdmin: true, isSuperAdmin: false },
    { id: A, isAdmin: false, isSuperAdmin: false },
  ],
};

describe("group state", () => {
  it("leaves the owner out of members and admins, sorted", () => {
    expect(membershipOf(info)).toEqual({
      subject: "On-call",
      owner: LINE,
      participants: [A, B],
      admins: [B],
    });
  });

  it("keeps what cannot be read back from the record, and round-trips through inputs", () => {
    const outputs = outputsFromInfo(7, info, writtenIn({ description: "Pager", messagesAdminsOnly: true }));
    expect(outputs).toEqual({
      instanceId: 7,
      groupId: info.groupId,
      subject: "On-call",
      description: "Pager",
      participants: [A, B],
      admins: [B],
      messagesAdminsOnly: true,
      onDelete: "forget",
      owner: LINE,
      inviteLink: info.inviteLink,
    });
    expect(groupChanges(outputs, { ...inputsFromOutputs(outputs) })).toEqual([]);
    // An import has no record: no description, the setting as WhatsApp makes groups.
    expect(outputsFromInfo(7, info, writtenIn(undefined))).toMatchObject({ messagesAdminsOnly: false });
    expect(outputsFromInfo(7, info, writtenIn(undefined))).not.toHaveProperty("description");
  });

  it("parses <instanceId>/<groupId> ids", () => {
    expect(parseGroupResourceId("7/120363000000000001@g.us")).toEqual({
      instanceId: 7,
      groupId: "120363000000000001@g.us",
    });
    expect(parseGroupResourceId("7/15550100201-1600000000@g.us")?.groupId).toBe(
      "15550100201-1600000000@g.us",
    );
    for (const bad of ["120363000000000001@g.us", "0/1@g.us", "x/1@g.us", "7/15550100201@c.us", "7/"]) {
      expect(parseGroupResourceId(bad)).toBeUndefined();
    }
  });
});

describe("groupChanges", () => {
  const olds = outputsFromInfo(7, info, {});
  const same = inputsFromOutputs(olds);

  it("ignores order and the owner in member sets", () => {
    expect(groupChanges(olds, { ...same, participants: [B, A, LINE], admins: [LINE, B] })).toEqual([]);
  });

  it("names each property that changed, and how", () => {
    expect(
      groupChanges(olds, {
        ...same,
        subject: "Pager",
        description: "Who is on call",
        participants: [A, C],
        admins: [],
        messagesAdminsOnly: true,
        onDelete: "removeMembers",
      }),
    ).toEqual([
      { property: "subject", kind: "update" },
      { property: "description", kind: "add" },
      { property: "participants", kind: "update" },
      { property: "admins", kind: "delete" },
      { property: "messagesAdminsOnly", kind: "update" },
      { property: "onDelete", kind: "update" },
    ]);
    expect(groupChanges({ ...olds, description: "x" }, { ...same, description: "" })).toEqual([
      { property: "description", kind: "delete" },
    ]);
  });

  it("refuses to move a group to another instance, or to switch groups", () => {
    expect(() => groupChanges(olds, { ...same, instanceId: 8 })).toThrow(
      /instanceId changed from 7 to 8.*Keep instanceId 7/,
    );
    expect(() => groupChanges(olds, { ...same, adoptGroupId: "120363000000000009@g.us" })).toThrow(
      "never switches groups",
    );
  });
});

describe("planGroupSteps", () => {
  const live = membershipOf(info); // members A, B; admin B
  const written = { messagesAdminsOnly: false };
  const declared = { subject: "On-call", participants: [A, B], admins: [B], messagesAdminsOnly: false };

  it("plans nothing for a group as declared", () => {
    expect(planGroupSteps(live, written, declared)).toEqual([]);
  });

  it("adds the new, removes the gone, never touches a member who stays", () => {
    const steps = planGroupSteps(live, written, { ...declared, participants: [B, C], admins: [B, C] });
    expect(steps).toEqual([
      { call: "addGroupParticipant", participant: C },
      { call: "promoteGroupParticipant", participant: C },
      { call: "removeGroupParticipant", participant: A },
    ]);
    expect(membershipAfter(live, steps)).toEqual({
      subject: "On-call",
      owner: LINE,
      participants: [B, C],
      admins: [B, C],
    });
  });

  it("removes a leaving admin without demoting first, and demotes one who stays", () => {
    expect(planGroupSteps(live, written, { ...declared, participants: [A], admins: [] })).toEqual([
      { call: "removeGroupParticipant", participant: B },
    ]);
    expect(planGroupSteps(live, written, { ...declared, admins: [] })).toEqual([
      { call: "demoteGroupParticipant", participant: B },
    ]);
  });

  it("writes the subject against the live one, the rest against what was written", () => {
    expect(
      planGroupSteps(
        { ...live, subject: "Renamed by hand" },
        { description: "Old", messagesAdminsOnly: true },
        declared,
      ),
    ).toEqual([
      { call: "updateGroupInfo", subject: "On-call", description: "" },
      { call: "updateGroupSettings", messageAdminOnly: false },
    ]);
  });
});
