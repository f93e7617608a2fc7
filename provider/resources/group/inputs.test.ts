import { BAD_GROUP_INPUTS, GOOD_GROUP } from "../../../tests/support/group-bad-inputs";
import { PROVIDER_KEY, UNKNOWN_VALUE } from "../../instance/inputs";
import { checkGroupInputs, decodeGroupInputs } from "./inputs";

describe("checkGroupInputs", () => {
  it("normalises members to sorted contact ids and fills the defaults", () => {
    const { inputs, failures } = checkGroupInputs({
      [PROVIDER_KEY]: "shim",
      instanceId: "12",
      subject: "  On-call  ",
      participants: ["15550100201@c.us", "+1 555 010 0200", "+44 (20) 7946-0958", 4915123456789],
      admins: ["+1-555-010-0200"],
    });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      [PROVIDER_KEY]: "shim",
      instanceId: 12,
      subject: "On-call",
      participants: ["15550100200@c.us", "15550100201@c.us", "442079460958@c.us", "4915123456789@c.us"],
      admins: ["15550100200@c.us"],
      messagesAdminsOnly: false,
      onDelete: "forget",
    });
    expect(decodeGroupInputs(inputs)).toEqual({
      instanceId: 12,
      subject: "On-call",
      participants: ["15550100200@c.us", "15550100201@c.us", "442079460958@c.us", "4915123456789@c.us"],
      admins: ["15550100200@c.us"],
      messagesAdminsOnly: false,
      onDelete: "forget",
    });
  });

  it("records an empty description as none, and keeps the settings given", () => {
    const { inputs } = checkGroupInputs({
      ...GOOD_GROUP,
      description: "",
      messagesAdminsOnly: true,
      onDelete: "removeMembers",
      adoptGroupId: " 120363041234567890@g.us ",
    });
    expect(inputs).not.toHaveProperty("description");
    expect(inputs).toMatchObject({
      messagesAdminsOnly: true,
      onDelete: "removeMembers",
      adoptGroupId: "120363041234567890@g.us",
    });
  });

  it("passes values not known yet through, and checks the rest", () => {
    const { inputs, failures } = checkGroupInputs({
      instanceId: UNKNOWN_VALUE,
      subject: "On-call",
      participants: ["15550100200", UNKNOWN_VALUE],
      admins: ["15550100299"], // may be the unknown member: not judged yet
    });
    expect(failures).toEqual([]);
    expect(inputs["instanceId"]).toBe(UNKNOWN_VALUE);
    expect(inputs["participants"]).toEqual(["15550100200@c.us", UNKNOWN_VALUE]);
    expect(() => decodeGroupInputs(inputs)).toThrow("instanceId reached the lifecycle unchecked");
  });

  it("has a bad-input corpus of at least 25 cases", () => {
    expect(BAD_GROUP_INPUTS.length).toBeGreaterThanOrEqual(25);
    expect(checkGroupInputs(GOOD_GROUP).failures).toEqual([]);
  });

  it.each(BAD_GROUP_INPUTS.map((c) => [c.title, c] as const))("refuses %s", (_title, c) => {
    const { failures } = checkGroupInputs(c.inputs);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(c.property);
    expect(failures[0]?.reason).toContain(c.says);
  });

  it("names every bad member of a list in one failure", () => {
    const { failures } = checkGroupInputs({ ...GOOD_GROUP, participants: ["abc", "15550100200", "+1 555"] });
    expect(failures).toEqual([
      {
        property: "participants",
        reason: expect.stringMatching(
          /^participants\[0\] 'abc' has 'a'.*; participants\[2\] '\+1 555' has 4 digits/,
        ),
      },
    ]);
  });
});
