import fc from "fast-check";
import { contactIdProblem, groupIdProblem, groupSubjectProblem } from "../provider/rules";
import {
  GroupStateError,
  changeMember,
  createGroup,
  onWhatsApp,
  updateInfo,
  type GroupRecord,
} from "./groups";
import { validateCreateGroup, validateMemberAction, validateUpdateGroupInfo } from "./validation";

const LINE = "50664083362@c.us";
const ALICE = "4915112345678@c.us";
const BOB = "4915187654321@c.us";

function made(participants: string[] = [ALICE]): { groups: GroupRecord[]; group: GroupRecord } {
  const groups: GroupRecord[] = [];
  const { group } = createGroup(groups, LINE, { subject: "On call", participants }, 1_000);
  return { groups, group };
}

describe("the group model", () => {
  it("the line creates, owns and administers the group; repeats and the line itself count once", () => {
    const groups: GroupRecord[] = [];
    const { group, missingParticipants } = createGroup(
      groups,
      LINE,
      { subject: "On call", participants: [ALICE, ALICE, LINE, "0123@c.us"] },
      1_000,
    );
    expect(missingParticipants).toEqual(["0123@c.us"]);
    expect(group).toMatchObject({
      owner: LINE,
      subject: "On call",
      description: "",
      messageAdminOnly: false,
    });
    expect(group.participants).toEqual([
      { id: LINE, isAdmin: true, isSuperAdmin: true },
      { id: ALICE, isAdmin: false, isSuperAdmin: false },
    ]);
    expect(groupIdProblem(group.id)).toBeUndefined();
    expect(groups).toEqual([group]);
  });

  it("two groups never share an id or an invite code", () => {
    const groups: GroupRecord[] = [];
    for (let i = 0; i < 50; i++) createGroup(groups, LINE, { subject: `g${i}`, participants: [ALICE] }, i);
    expect(new Set(groups.map((group) => group.id)).size).toBe(50);
    expect(new Set(groups.map((group) => group.inviteCode)).size).toBe(50);
  });

  it("member actions as WhatsApp takes them", () => {
    const { group } = made();
    changeMember(group, LINE, "add", BOB, 2_000);
    changeMember(group, LINE, "promote", BOB, 2_000);
    changeMember(group, LINE, "promote", BOB, 2_000); // already an admin: no change, no error
    changeMember(group, LINE, "demote", ALICE, 2_000); // not an admin: no change, no error
    changeMember(group, LINE, "remove", ALICE, 3_000);
    expect(group.participants).toEqual([
      { id: LINE, isAdmin: true, isSuperAdmin: true },
      { id: BOB, isAdmin: true, isSuperAdmin: false },
    ]);
    expect(group.changedAt).toBe(3_000);
    expect(() => changeMember(group, LINE, "add", BOB, 0)).toThrow(GroupStateError);
    expect(() => changeMember(group, LINE, "remove", ALICE, 0)).toThrow(/not a participant/);
    expect(() => changeMember(group, LINE, "demote", LINE, 0)).toThrow(/creator/);
    expect(() => changeMember(group, LINE, "add", "0123@c.us", 0)).toThrow(/not on WhatsApp/);
  });

  it("only admins change a group through the API; a change by hand needs no admin", () => {
    const { group } = made();
    expect(() => updateInfo(group, ALICE, { subject: "x" }, 0)).toThrow(/not an admin/);
    expect(() => changeMember(group, ALICE, "add", BOB, 0)).toThrow(/not an admin/);
    changeMember(group, ALICE, "add", BOB, 0, { byHand: true });
    expect(group.participants.map((participant) => participant.id)).toContain(BOB);
  });

  it("numbers off WhatsApp are those no phone has in international format", () => {
    expect([LINE, ALICE].map(onWhatsApp)).toEqual([true, true]);
    expect(["0123456789@c.us", "123456@c.us", "1234567890123456@c.us"].map(onWhatsApp)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe("the group routes' validation asks the same rules as the client", () => {
  it("a participant id passes create-group exactly when contactIdProblem accepts it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{0,4}@[a-z.]{0,5}$/), fc.string()), (participant) => {
        const accepted = validateCreateGroup({ groupName: "x", groupParticipants: [participant] }).ok;
        expect(accepted).toBe(contactIdProblem(participant) === undefined);
      }),
    );
  });

  it("a chat id passes the member actions exactly when groupIdProblem accepts it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9-]{0,6}@[a-z.]{0,5}$/), fc.string()), (chatId) => {
        const accepted = validateMemberAction({ chatId, participant: ALICE }).ok;
        expect(accepted).toBe(groupIdProblem(chatId) === undefined);
      }),
    );
  });

  it("a subject passes update-group-info exactly when groupSubjectProblem accepts it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.constant("a".repeat(101))), (subject) => {
        const accepted = validateUpdateGroupInfo({ chatId: "1@g.us", subject }).ok;
        expect(accepted).toBe(groupSubjectProblem(subject) === undefined);
      }),
    );
  });
});
