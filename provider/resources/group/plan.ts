/**
 * The calls that make a live group match its declaration, and no others: the subject when it differs
 * from the live one; the description and the admins-only setting when they differ from what was last
 * written (they cannot be read back); members added, removed, promoted and demoted by set difference.
 * A member who stays is never removed and added again; a member who goes is removed, not demoted first.
 * Pure: the lifecycle carries the steps out.
 */
import { memberDelta, type LiveMembership } from "./state";
import type { GroupInputs } from "./inputs";

export type GroupStep =
  | { call: "updateGroupInfo"; subject?: string; description?: string }
  | { call: "updateGroupSettings"; messageAdminOnly: boolean }
  | {
      call:
        | "addGroupParticipant"
        | "promoteGroupParticipant"
        | "demoteGroupParticipant"
        | "removeGroupParticipant";
      participant: string;
    };

/** What was last written of the two settings WAAPI cannot read back. */
export interface WrittenSettings {
  description?: string;
  messagesAdminsOnly: boolean;
}

/**
 * The steps, in the order they are run: the group's info and setting first, then members in (so an
 * admin-to-be is a member before being promoted), then admin changes, then members out.
 */
export function planGroupSteps(
  live: LiveMembership,
  written: WrittenSettings,
  declared: Pick<GroupInputs, "subject" | "description" | "participants" | "admins" | "messagesAdminsOnly">,
): GroupStep[] {
  const steps: GroupStep[] = [];
  const info: { subject?: string; description?: string } = {};
  if (declared.subject !== live.subject) info.subject = declared.subject;
  // An absent description means none: clearing one that was written is writing "".
  const description = declared.description ?? "";
  if (description !== (written.description ?? "")) info.description = description;
  if (info.subject !== undefined || info.description !== undefined)
    steps.push({ call: "updateGroupInfo", ...info });
  if (declared.messagesAdminsOnly !== written.messagesAdminsOnly) {
    steps.push({ call: "updateGroupSettings", messageAdminOnly: declared.messagesAdminsOnly });
  }
  const members = memberDelta(live.participants, declared.participants, live.owner);
  const admins = memberDelta(live.admins, declared.admins, live.owner);
  const leaving = new Set(members.removed);
  for (const participant of members.added) steps.push({ call: "addGroupParticipant", participant });
  for (const participant of admins.added) steps.push({ call: "promoteGroupParticipant", participant });
  for (const participant of admins.removed) {
    if (!leaving.has(participant)) steps.push({ call: "demoteGroupParticipant", participant });
  }
  for (const participant of members.removed) steps.push({ call: "removeGroupParticipant", participant });
  return steps;
}

/** The membership once `steps` are carried out on `live`. */
export function membershipAfter(live: LiveMembership, steps: readonly GroupStep[]): LiveMembership {
  const participants = new Set(live.participants);
  const admins = new Set(live.admins);
  let subject = live.subject;
  for (const step of steps) {
    switch (step.call) {
      case "updateGroupInfo":
        if (step.subject !== undefined) subject = step.subject;
        break;
      case "updateGroupSettings":
        break;
      case "addGroupParticipant":
        participants.add(step.participant);
        break;
      case "promoteGroupParticipant":
        admins.add(step.participant);
        break;
      case "demoteGroupParticipant":
        admins.delete(step.participant);
        break;
      case "removeGroupParticipant":
        participants.delete(step.participant);
        admins.delete(step.participant);
        break;
    }
  }
  return { subject, owner: live.owner, participants: [...participants].sort(), admins: [...admins].sort() };
}
