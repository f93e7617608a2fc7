/**
 * The WhatsApp groups of a sandbox line: what WAAPI's group routes act on (create-group,
 * get-group-info, update-group-info/-settings, the member actions, get-chats).
 *
 * A group is kept with the instance whose line is in it, and outlives reboots and logouts (the
 * groups are the WhatsApp account's; the sandbox keeps them with the line). The line's own number
 * creates a group and is its owner and super-admin. Description and `messageAdminOnly` are kept
 * although get-group-info does not return them, as the contract says; tests read them through the
 * hooks. Every function here is pure over the records; the store persists after each step.
 */
import { randomBytes, randomInt } from "node:crypto";
import { phoneNumberProblem } from "../provider/rules";
import type { GroupParticipant } from "../provider/waapi-api";

export interface GroupRecord {
  /** `<18 digits>@g.us`, like the ids WhatsApp hands out today. */
  id: string;
  subject: string;
  description: string;
  messageAdminOnly: boolean;
  /** The creator's contact id. */
  owner: string;
  /** Epoch ms. */
  createdAt: number;
  /** Last change (for get-chats' `timestamp` and order), epoch ms. */
  changedAt: number;
  inviteCode: string;
  participants: GroupParticipant[];
}

/** A group step the group's state does not allow: the API answers it with `"status":"error"`, a hook 409. */
export class GroupStateError extends Error {}

/** No such group on the line: the API answers `"status":"error"`, a hook 404. */
export class UnknownGroupError extends Error {}

/**
 * Numbers the sandbox treats as not on WhatsApp: those no phone can have in international format
 * (a leading 0, fewer than 7 or more than 15 digits, provider/rules.ts's phone rule). The contract's
 * pattern lets them through; create-group reports them in `missingParticipants`, an add refuses them.
 */
export function onWhatsApp(contactId: string): boolean {
  return phoneNumberProblem(contactId.replace(/@c\.us$/, "")) === undefined;
}

function newGroupId(taken: readonly GroupRecord[]): string {
  for (;;) {
    const id = `120363${String(randomInt(1e6)).padStart(6, "0")}${String(randomInt(1e6)).padStart(6, "0")}@g.us`;
    if (!taken.some((group) => group.id === id)) return id;
  }
}

/** 22 characters of [A-Za-z0-9], the shape of a WhatsApp invite code. */
function newInviteCode(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(22)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

export function inviteLink(group: Pick<GroupRecord, "inviteCode">): string {
  return `https://chat.whatsapp.com/${group.inviteCode}`;
}

export function findGroup(groups: readonly GroupRecord[], groupId: string): GroupRecord {
  const group = groups.find((candidate) => candidate.id === groupId);
  if (group === undefined) throw new UnknownGroupError(`This line is not in a group ${groupId}.`);
  return group;
}

/**
 * A new group: the line's number owns it and is its super-admin; every other participant that is on
 * WhatsApp becomes a member, the others are returned as missing. Repeats count once.
 */
export function createGroup(
  groups: GroupRecord[],
  line: string,
  input: {
    subject: string;
    participants: readonly string[];
    description?: string;
    messageAdminOnly?: boolean;
  },
  now: number,
): { group: GroupRecord; missingParticipants: string[] } {
  const unique = [...new Set(input.participants)].filter((participant) => participant !== line);
  const missingParticipants = unique.filter((participant) => !onWhatsApp(participant));
  const group: GroupRecord = {
    id: newGroupId(groups),
    subject: input.subject,
    description: input.description ?? "",
    messageAdminOnly: input.messageAdminOnly ?? false,
    owner: line,
    createdAt: now,
    changedAt: now,
    inviteCode: newInviteCode(),
    participants: [
      { id: line, isAdmin: true, isSuperAdmin: true },
      ...unique.filter(onWhatsApp).map((id) => ({ id, isAdmin: false, isSuperAdmin: false })),
    ],
  };
  groups.push(group);
  return { group, missingParticipants };
}

/** Only admins change a group, as in WhatsApp; a line in a group it did not create may not be one. */
function requireAdmin(group: GroupRecord, line: string): void {
  const self = group.participants.find((participant) => participant.id === line);
  if (self?.isAdmin !== true) {
    throw new GroupStateError(`This line is not an admin of group ${group.id}; only admins can change it.`);
  }
}

export function updateInfo(
  group: GroupRecord,
  line: string,
  changes: { subject?: string; description?: string },
  now: number,
): void {
  requireAdmin(group, line);
  if (changes.subject !== undefined) group.subject = changes.subject;
  if (changes.description !== undefined) group.description = changes.description;
  group.changedAt = now;
}

export function updateSettings(
  group: GroupRecord,
  line: string,
  messageAdminOnly: boolean,
  now: number,
): void {
  requireAdmin(group, line);
  group.messageAdminOnly = messageAdminOnly;
  group.changedAt = now;
}

export type MemberAction = "add" | "remove" | "promote" | "demote";

/**
 * The four member actions, as WhatsApp takes them: adding a member or an unknown number and
 * removing a non-member are refused; promoting an admin or demoting a plain member changes nothing
 * and succeeds; the super-admin (the creator) can be neither removed nor demoted. `byHand` skips the
 * admin check: a hook acts as some admin's phone, not as the line.
 */
export function changeMember(
  group: GroupRecord,
  line: string,
  action: MemberAction,
  participant: string,
  now: number,
  options: { byHand?: boolean } = {},
): void {
  if (options.byHand !== true) requireAdmin(group, line);
  const member = group.participants.find((candidate) => candidate.id === participant);
  if (action === "add") {
    if (member !== undefined)
      throw new GroupStateError(`${participant} is already a participant of ${group.id}.`);
    if (!onWhatsApp(participant))
      throw new GroupStateError(`${participant} is not on WhatsApp and cannot be added.`);
    group.participants.push({ id: participant, isAdmin: false, isSuperAdmin: false });
  } else {
    if (member === undefined)
      throw new GroupStateError(`${participant} is not a participant of ${group.id}.`);
    if (member.isSuperAdmin && action !== "promote") {
      throw new GroupStateError(
        `${participant} created group ${group.id}: the creator cannot be ${action}d.`,
      );
    }
    if (action === "remove")
      group.participants = group.participants.filter((candidate) => candidate !== member);
    else member.isAdmin = action === "promote";
  }
  group.changedAt = now;
}

export function copyGroup(group: GroupRecord): GroupRecord {
  return { ...group, participants: group.participants.map((participant) => ({ ...participant })) };
}
