/**
 * What a Group records, how the live group maps onto it, and how recorded outputs and new inputs
 * differ. Pure: no client, no Pulumi.
 *
 * The line's own number (the group's owner, its super-admin) is never listed in `participants` or
 * `admins`: it is in every group it made and cannot be removed or demoted, so declaring it or not
 * means the same, and it is left out on both sides of every comparison.
 */
import type { GroupInfo } from "../../waapi-api";
import { DEFAULT_ON_DELETE, isOnDelete, type GroupInputs, type OnDelete } from "./inputs";

/** What a Group records in the state. */
export interface GroupOutputs {
  instanceId: number;
  /** `<digits>@g.us` */
  groupId: string;
  subject: string;
  /** Set on write: WAAPI cannot read it back, so this is the last value the provider wrote. */
  description?: string;
  /** Sorted contact ids, the owner aside. */
  participants: string[];
  /** Sorted contact ids, the owner aside. */
  admins: string[];
  /** Set on write, like `description`. */
  messagesAdminsOnly: boolean;
  onDelete: OnDelete;
  /** The line's contact id, which made the group. */
  owner: string;
  /** Anyone holding it can join: a secret in both doors. */
  inviteLink: string;
  /** The declared adoptGroupId of an adopted group (dynamic door), kept so refresh keeps it in the inputs. */
  adoptGroupId?: string;
}

/** A group's Pulumi id: `<instanceId>/<groupId>`, which is also what `pulumi import` takes. */
export function groupResourceId(instanceId: number, groupId: string): string {
  return `${instanceId}/${groupId}`;
}

/** The instance and group a Pulumi id names, or undefined when it is not `<instanceId>/<groupId>`. */
export function parseGroupResourceId(id: string): { instanceId: number; groupId: string } | undefined {
  const match = /^\s*([1-9][0-9]*)\/([0-9]+(?:-[0-9]+)?@g\.us)\s*$/.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  const instanceId = Number(match[1]);
  return Number.isSafeInteger(instanceId) ? { instanceId, groupId: match[2] } : undefined;
}

/** The members and admins of a live group as the provider compares them: sorted, owner left out. */
export interface LiveMembership {
  subject: string;
  owner: string;
  participants: string[];
  admins: string[];
}

export function membershipOf(info: GroupInfo): LiveMembership {
  const others = info.participants.filter((participant) => participant.id !== info.owner);
  return {
    subject: info.subject,
    owner: info.owner,
    participants: others.map((participant) => participant.id).sort(),
    admins: others
      .filter((participant) => participant.isAdmin || participant.isSuperAdmin)
      .map((participant) => participant.id)
      .sort(),
  };
}

/**
 * The outputs for a live group. `written` holds what cannot be read back — the description and the
 * admins-only setting last written, and onDelete — from the recorded state or the create that just
 * wrote them; without it (an import) there is no description and messagesAdminsOnly is false.
 */
export function outputsFromInfo(instanceId: number, info: GroupInfo, written: WrittenFields): GroupOutputs {
  return outputsFor(instanceId, info, membershipOf(info), written);
}

/** What cannot be read back, as recorded (or just written). */
export type WrittenFields = Partial<
  Pick<GroupOutputs, "description" | "messagesAdminsOnly" | "onDelete" | "adoptGroupId">
>;

/** The outputs for group `info` with `membership` (read, or as it is once planned calls are made). */
export function outputsFor(
  instanceId: number,
  info: Pick<GroupInfo, "groupId" | "inviteLink">,
  membership: LiveMembership,
  written: WrittenFields,
): GroupOutputs {
  const outputs: GroupOutputs = {
    instanceId,
    groupId: info.groupId,
    subject: membership.subject,
    participants: [...membership.participants],
    admins: [...membership.admins],
    messagesAdminsOnly: written.messagesAdminsOnly ?? false,
    onDelete: written.onDelete ?? DEFAULT_ON_DELETE,
    owner: membership.owner,
    inviteLink: info.inviteLink,
  };
  if (written.description !== undefined && written.description !== "")
    outputs.description = written.description;
  if (written.adoptGroupId !== undefined) outputs.adoptGroupId = written.adoptGroupId;
  return outputs;
}

/** What a recorded bag says was written (and cannot be read back). */
export function writtenIn(recorded: Readonly<Record<string, unknown>> | undefined): WrittenFields {
  const written: WrittenFields = {};
  const { description, messagesAdminsOnly, onDelete, adoptGroupId } = recorded ?? {};
  if (typeof description === "string") written.description = description;
  if (typeof messagesAdminsOnly === "boolean") written.messagesAdminsOnly = messagesAdminsOnly;
  if (isOnDelete(onDelete)) written.onDelete = onDelete;
  if (typeof adoptGroupId === "string") written.adoptGroupId = adoptGroupId;
  return written;
}

/** The inputs that declare the group exactly, in check's shape: refresh and import record these. */
export function inputsFromOutputs(outputs: GroupOutputs): GroupInputs {
  const inputs: GroupInputs = {
    instanceId: outputs.instanceId,
    subject: outputs.subject,
    participants: [...outputs.participants],
    admins: [...outputs.admins],
    messagesAdminsOnly: outputs.messagesAdminsOnly,
    onDelete: outputs.onDelete,
  };
  if (outputs.description !== undefined) inputs.description = outputs.description;
  if (outputs.adoptGroupId !== undefined) inputs.adoptGroupId = outputs.adoptGroupId;
  return inputs;
}

/** The properties a diff compares: everything an update can change. */
export const GROUP_DIFFED_PROPERTIES = [
  "subject",
  "description",
  "participants",
  "admins",
  "messagesAdminsOnly",
  "onDelete",
] as const;
export type GroupDiffedProperty = (typeof GROUP_DIFFED_PROPERTIES)[number];

export interface GroupPropertyChange {
  property: GroupDiffedProperty;
  kind: "add" | "update" | "delete";
}

/** Thrown by the diff when the inputs ask for something no update can do. */
export class GroupDiffError extends Error {
  override name = "GroupDiffError";
  constructor(
    readonly code: "WAAPI_GROUP_INSTANCE_CHANGED" | "WAAPI_GROUP_ADOPT_CHANGED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Compares recorded outputs with new inputs: members and admins as sets (order, formatting and the
 * owner ignored), an absent description equal to an empty one, messagesAdminsOnly false when unset.
 * Never a replacement: a group lives on one line, and WAAPI can neither delete nor leave one, so a
 * "replacement" would make a second group and leave the first behind. Moving to another instance is
 * refused with what to do instead.
 */
export function groupChanges(oldBag: object, newBag: object): GroupPropertyChange[] {
  const olds: Partial<Record<string, unknown>> = oldBag;
  const news: Partial<Record<string, unknown>> = newBag;
  const wasInstance = olds["instanceId"];
  const isInstance = news["instanceId"];
  if (typeof wasInstance === "number" && typeof isInstance === "number" && wasInstance !== isInstance) {
    throw new GroupDiffError(
      "WAAPI_GROUP_INSTANCE_CHANGED",
      `instanceId changed from ${wasInstance} to ${isInstance}, but a WhatsApp group belongs to the line that ` +
        `made it: WAAPI cannot move group ${String(olds["groupId"])} to another line, nor delete it. Nothing ` +
        `was changed. Keep instanceId ${wasInstance}; for a group on instance ${isInstance}, declare a new ` +
        `Group resource (and remove this one, which leaves its group on WhatsApp, see onDelete).`,
    );
  }
  const adopt = news["adoptGroupId"];
  if (typeof adopt === "string" && typeof olds["groupId"] === "string" && adopt !== olds["groupId"]) {
    throw new GroupDiffError(
      "WAAPI_GROUP_ADOPT_CHANGED",
      `adoptGroupId ${adopt} differs from the group this resource already manages (${olds["groupId"]}). ` +
        `A Group never switches groups: remove adoptGroupId, or declare a new resource to adopt ${adopt}.`,
    );
  }
  const owner = typeof olds["owner"] === "string" ? olds["owner"] : undefined;
  const changes: GroupPropertyChange[] = [];
  for (const property of GROUP_DIFFED_PROPERTIES) {
    const was = comparable(property, olds[property], owner);
    const is = comparable(property, news[property], owner);
    if (was === is) continue;
    // A setting with a default is never absent, only changed.
    const empty =
      property === "messagesAdminsOnly" || property === "onDelete"
        ? undefined
        : comparable(property, undefined, owner);
    changes.push({ property, kind: was === empty ? "add" : is === empty ? "delete" : "update" });
  }
  return changes;
}

/** The members of a participants or admins value as the diff compares them: distinct, sorted, owner aside. */
export function memberSet(value: unknown, owner: string | undefined): string[] {
  return Array.isArray(value) ? [...new Set(value.map(String))].filter((id) => id !== owner).sort() : [];
}

/** The set-valued inputs, member by member (drift names each member added or removed by hand). */
export const GROUP_MEMBER_SETS = {
  properties: ["participants", "admins"],
  members: (value: unknown, outputs: Readonly<Record<string, unknown>>): string[] =>
    memberSet(value, typeof outputs["owner"] === "string" ? outputs["owner"] : undefined),
} as const;

/** Members in `after` and not in `before`, and the other way round, owner aside. */
export function memberDelta(
  before: readonly string[],
  after: readonly string[],
  owner?: string,
): { added: string[]; removed: string[] } {
  const was = new Set(before.filter((id) => id !== owner));
  const is = new Set(after.filter((id) => id !== owner));
  return {
    added: [...is].filter((id) => !was.has(id)).sort(),
    removed: [...was].filter((id) => !is.has(id)).sort(),
  };
}

function comparable(property: GroupDiffedProperty, value: unknown, owner: string | undefined): string {
  switch (property) {
    case "participants":
    case "admins":
      return JSON.stringify(Array.isArray(value) ? memberSet(value, owner) : (value ?? []));
    case "description":
      return JSON.stringify(value === undefined || value === null || value === "" ? null : value);
    case "messagesAdminsOnly":
      return JSON.stringify(value ?? false);
    case "onDelete":
      return JSON.stringify(value ?? DEFAULT_ON_DELETE);
    case "subject":
      return JSON.stringify(value ?? null);
  }
}
