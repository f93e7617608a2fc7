/**
 * The Group's properties, written once: the registry's descriptor (./resource.ts) takes its input
 * names, dynamic-only inputs, computed and secret outputs from here, and the generators (schema.json,
 * the README reference, the SDKs) read it from the built registry. The dynamic door's WaapiGroup
 * declares the same members for TypeScript (provider/dynamic/classes.test.ts holds them to this).
 */
import type { ResourceSpec } from "../descriptor";

/** What removing a Group may do (its `onDelete`): WAAPI can neither delete a group nor leave one. */
export const ON_DELETE = ["forget", "removeMembers"] as const;

export const GROUP_SPEC = {
  description:
    "A WhatsApp group of a linked WAAPI line: its name, description, members, admins and who " +
    "may post." +
    "\n\nCreating one makes a group on the line's WhatsApp account (the line must be linked, " +
    "status ready). Every change is an update in place, made with the fewest member calls. " +
    "Deleting it does not delete the group: WAAPI has no call for that; see `onDelete`.",
  example: "A WhatsApp line with a secret webhook and an on-call group, read back and listed",
  reference: {
    marker: "GENERATED GROUP REFERENCE",
    inputsHeading: "Group inputs",
    outputsHeading: "Group outputs",
    note: "All of them but `instanceId` and `adoptGroupId` are updated in place; a Group is never replaced.\n`adoptGroupId` is the TypeScript door's only: other languages use `pulumi import`.",
  },
  inputs: [
    {
      name: "instanceId",
      type: "number",
      required: true,
      description:
        "The WAAPI instance whose WhatsApp line owns the group, e.g. a WaapiInstance's " +
        "`instanceId`. It cannot change: a group belongs to the line that made it.",
    },
    {
      name: "subject",
      type: "string",
      required: true,
      description: "The group's name, 1–100 characters; surrounding blanks are trimmed.",
    },
    {
      name: "description",
      type: "string",
      description:
        "The group's description (at most 2048 characters); omit it for none. Set on write: WAAPI " +
        "cannot read it back, so a change made on a phone is not seen.",
    },
    {
      name: "participants",
      type: "string[]",
      required: true,
      description:
        "The members, as a set (order and formatting carry no meaning; a member listed twice is " +
        "refused). At least one; the line's own number owns the group and need not be listed.",
    },
    {
      name: "admins",
      type: "string[]",
      description:
        "The members who are admins, each one of `participants`; the line itself is always an " + "admin.",
    },
    {
      name: "messagesAdminsOnly",
      type: "boolean",
      description:
        "Whether only admins may send messages (default false). Set on write: WAAPI cannot read " +
        "it back, so a change made on a phone is not seen.",
    },
    {
      name: "onDelete",
      type: { oneOf: ON_DELETE },
      description:
        "What removing the resource does, since WAAPI can neither delete a group nor leave one: " +
        '`"forget"` (the default) sends nothing and leaves the group on WhatsApp as it is; ' +
        '`"removeMembers"` removes every member but the line first.',
    },
    {
      name: "adoptGroupId",
      type: "string",
      dynamicOnly: true,
      description:
        "Manage this existing group (`<digits>@g.us`) of the line instead of creating one; it " +
        "cannot change later. `up` reads the group and writes only what differs from the other " +
        "inputs. This stands in for Pulumi's `import` option, which the engine cannot apply to " +
        "dynamic resources.",
    },
  ],
  outputs: [
    {
      name: "instanceId",
      type: "number",
      required: true,
      description: "The WAAPI instance whose line owns the group.",
    },
    {
      name: "groupId",
      type: "string",
      required: true,
      computed: true,
      description: "WhatsApp's id of the group, `<digits>@g.us`.",
    },
    {
      name: "subject",
      type: "string",
      required: true,
      description: "The group's name as WhatsApp has it.",
    },
    {
      name: "description",
      type: "string",
      description: "The description last written; undefined when none.",
    },
    {
      name: "participants",
      type: "string[]",
      required: true,
      description: "The members as contact ids (`<digits>@c.us`), sorted, the line itself left out.",
    },
    {
      name: "admins",
      type: "string[]",
      required: true,
      description: "The admins as contact ids, sorted, the line itself left out.",
    },
    {
      name: "messagesAdminsOnly",
      type: "boolean",
      required: true,
      description: "Whether only admins may send messages, as last written.",
    },
    {
      name: "onDelete",
      type: "string",
      required: true,
      description: "What removing the resource does (see the input).",
    },
    {
      name: "owner",
      type: "string",
      required: true,
      computed: true,
      description: "The contact id of the line that made the group.",
    },
    {
      name: "inviteLink",
      type: "string",
      required: true,
      computed: true,
      secret: true,
      description: "The group's invite link: anyone holding it can join, so it is a secret.",
    },
    {
      name: "apiBaseUrl",
      type: "string",
      required: true,
      description: "The WAAPI API the group's line lives on.",
    },
  ],
} as const satisfies ResourceSpec;
