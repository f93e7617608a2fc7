/**
 * Bad Group declarations, one fault each, with the property check must name and words its reason must
 * hold. Shared by the unit test of check (provider/resources/group/inputs.test.ts) and the end-to-end
 * test that runs them through the real CLI (tests/e2e/group-bad-input.test.ts), where nothing may
 * reach the sandbox.
 */

/** A good declaration; each case changes one thing in it. */
export const GOOD_GROUP = {
  instanceId: 1,
  subject: "On-call",
  participants: ["+1 555 010 0200", "15550100201@c.us"],
} as const;

export interface BadGroupCase {
  title: string;
  /** The whole declaration (GOOD_GROUP with the fault). */
  inputs: Record<string, unknown>;
  property: string;
  says: string;
}

function bad(title: string, change: Record<string, unknown>, property: string, says: string): BadGroupCase {
  // A change to undefined leaves the property out.
  const inputs = Object.fromEntries(
    Object.entries({ ...GOOD_GROUP, ...change }).filter(([, value]) => value !== undefined),
  );
  return { title, inputs, property, says };
}

const withMembers = (participants: unknown, admins?: unknown): Record<string, unknown> =>
  admins === undefined ? { participants } : { participants, admins };

export const BAD_GROUP_INPUTS: readonly BadGroupCase[] = [
  bad("no instanceId", { instanceId: undefined }, "instanceId", "instanceId is required"),
  bad("instanceId 0", { instanceId: 0 }, "instanceId", "numeric id of a WAAPI instance"),
  bad("negative instanceId", { instanceId: -4 }, "instanceId", "numeric id of a WAAPI instance"),
  bad("fractional instanceId", { instanceId: 1.5 }, "instanceId", "numeric id of a WAAPI instance"),
  bad("instanceId a name", { instanceId: "support" }, "instanceId", "the string 'support'"),
  bad("no subject", { subject: undefined }, "subject", "subject is required"),
  bad("blank subject", { subject: "   " }, "subject", "must not be empty or blank"),
  bad("subject of 101 characters", { subject: "x".repeat(101) }, "subject", "at most 100"),
  bad("subject with a line feed", { subject: "On\ncall" }, "subject", "a line feed (U+000A)"),
  bad("subject a number", { subject: 7 }, "subject", "must be a string"),
  bad("description a list", { description: ["a"] }, "description", "must be a string"),
  bad("description too long", { description: "d".repeat(2049) }, "description", "at most 2048"),
  bad("no participants", { participants: undefined }, "participants", "at least one member"),
  bad("empty participants", withMembers([]), "participants", "at least one member"),
  bad("participants a string", withMembers("+1 555 010 0200"), "participants", "must be a list"),
  bad("a letter in a number", withMembers(["+1 555 O10 0200"]), "participants", "'O' (U+004F)"),
  bad("a national number", withMembers(["020 7946 0958"]), "participants", "starts with 0"),
  bad("too few digits", withMembers(["+1 555"]), "participants", "has 4 digits"),
  bad("too many digits", withMembers(["+1 555 010 0200 1234 5"]), "participants", "at most 15"),
  bad("a + in the middle", withMembers(["1555+0100200"]), "participants", "position 5"),
  bad("a group id as member", withMembers(["120363041234567890@g.us"]), "participants", "is a group id"),
  bad(
    "another domain",
    withMembers(["15550100200@s.whatsapp.net"]),
    "participants",
    "ends in @s.whatsapp.net",
  ),
  bad("a contact id with a +", withMembers(["+15550100200@c.us"]), "participants", "'+' (U+002B)"),
  bad(
    "the same member twice",
    withMembers(["+1 555 010 0200", "15550100200@c.us"]),
    "participants",
    "listed twice",
  ),
  bad("a member that is an object", withMembers([{ phone: "15550100200" }]), "participants", "an object"),
  bad(
    "an admin who is not a participant",
    withMembers(["15550100200"], ["15550100299"]),
    "admins",
    "15550100299@c.us) is not in participants",
  ),
  bad(
    "an admin twice",
    withMembers(["15550100200"], ["15550100200", "+1 555 010 0200"]),
    "admins",
    "listed twice",
  ),
  bad("admins a string", withMembers(["15550100200"], "15550100200"), "admins", "must be a list"),
  bad("a malformed admin", withMembers(["15550100200"], ["abc"]), "admins", "'a' (U+0061)"),
  bad("messagesAdminsOnly a string", { messagesAdminsOnly: "yes" }, "messagesAdminsOnly", "must be true"),
  bad("onDelete misspelt", { onDelete: "removeMember" }, "onDelete", "did you mean 'removeMembers'?"),
  bad("onDelete delete", { onDelete: "delete" }, "onDelete", 'must be "forget"'),
  bad("a misspelt input", { participant: ["15550100200"] }, "participant", "did you mean 'participants'?"),
  bad("an unknown input", { groupPicture: "x.png" }, "groupPicture", "not a Group input"),
  bad("adoptGroupId a contact id", { adoptGroupId: "15550100200@c.us" }, "adoptGroupId", "<digits>@g.us"),
];
