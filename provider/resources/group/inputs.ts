/**
 * A WhatsApp group's inputs: what a program may declare, how `check` refuses bad values (one failure
 * per property, naming the fix, before anything is sent), and the typed shape the lifecycle takes.
 * The rules of a phone number, contact id, group id and subject are provider/rules.ts's, which the
 * client and the sandbox ask too.
 */
import {
  MAX_GROUP_DESCRIPTION_LENGTH,
  PHONE_NUMBER_DIGITS,
  contactIdFor,
  describeCodePoint,
  groupIdProblem,
  groupSubjectProblem,
  isInstanceId,
  parseInstanceId,
  type ContactProblem,
} from "../../rules";
import { UNKNOWN_VALUE, closestName, describe, oneLineTextReason, quoteText, unknownInputs } from "../check";
import { names, type CheckedInputs, type InputFailure } from "../descriptor";
import { GROUP_SPEC, ON_DELETE } from "./properties";

export { ON_DELETE };
export type OnDelete = (typeof ON_DELETE)[number];
export const DEFAULT_ON_DELETE: OnDelete = "forget";

/** The checked, normalized inputs of a Group. */
export interface GroupInputs {
  /** The WAAPI instance whose WhatsApp line owns the group. */
  instanceId: number;
  /** Trimmed, 1–100 characters. */
  subject: string;
  /** Absent (or empty) means none. */
  description?: string;
  /** Contact ids `<digits>@c.us`, sorted, at least one, the line's own number aside. */
  participants: string[];
  /** Contact ids, sorted, each one of `participants`. */
  admins: string[];
  messagesAdminsOnly: boolean;
  onDelete: OnDelete;
  /** Dynamic door only: manage this existing group (`<digits>@g.us`) instead of creating one. */
  adoptGroupId?: string;
}

/** Every input a Group takes, in either door (adoptGroupId only in the dynamic one). */
const GROUP_INPUT_PROPERTIES = names(GROUP_SPEC.inputs);

const EXAMPLE_MEMBERS = '["+1 555 010 0200", "15550100201@c.us"]';

/**
 * Validates and normalizes a Group's inputs. Makes no API call. Values not known yet (an instance
 * still being created, in a preview) pass through; the engine calls check again once they are known.
 */
export function checkGroupInputs(news: Readonly<Record<string, unknown>>): CheckedInputs {
  const failures: InputFailure[] = [];
  const inputs: Record<string, unknown> = {};
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  unknownInputs(news, GROUP_INPUT_PROPERTIES, "Group", inputs, fail);

  const given = (property: string): unknown => {
    const value = news[property];
    return value === null ? undefined : value;
  };

  const instanceId = given("instanceId");
  if (instanceId === UNKNOWN_VALUE) inputs["instanceId"] = instanceId;
  else {
    const id = instanceIdFrom(instanceId);
    if (id !== undefined) inputs["instanceId"] = id;
    else
      fail(
        "instanceId",
        instanceId === undefined
          ? "instanceId is required: give the id of the WAAPI instance whose line owns the group, " +
              "e.g. instanceId: line.instanceId (a WaapiInstance) or instanceId: 1234."
          : `instanceId must be the numeric id of a WAAPI instance, e.g. 1234, not ${describe(instanceId)}.`,
      );
  }

  const subject = given("subject");
  if (subject === UNKNOWN_VALUE) inputs["subject"] = subject;
  else if (subject === undefined)
    fail("subject", 'subject is required: give the group its name, e.g. subject: "On-call".');
  else if (typeof subject !== "string")
    fail("subject", `subject must be a string, not ${describe(subject)}.`);
  else {
    const reason = subjectReason(subject);
    if (reason) fail("subject", reason);
    else inputs["subject"] = subject.trim();
  }

  const description = given("description");
  if (description === UNKNOWN_VALUE) inputs["description"] = description;
  else if (description !== undefined) {
    if (typeof description !== "string")
      fail("description", `description must be a string, not ${describe(description)}.`);
    else if ([...description].length > MAX_GROUP_DESCRIPTION_LENGTH)
      fail(
        "description",
        `description is ${[...description].length} characters long; WhatsApp takes at most ` +
          `${MAX_GROUP_DESCRIPTION_LENGTH}: shorten it.`,
      );
    // An empty description means none, as an absent one does, and is recorded the same way.
    else if (description.trim() !== "") inputs["description"] = description;
  }

  const participantsValue = given("participants");
  const participants =
    participantsValue === UNKNOWN_VALUE ? undefined : checkMembers("participants", participantsValue);
  if (participantsValue === UNKNOWN_VALUE) inputs["participants"] = participantsValue;
  else if (typeof participants === "string") fail("participants", participants);
  else if (participants === undefined || (participants.ids.length === 0 && !participants.unknown))
    fail(
      "participants",
      `participants must list at least one member besides the line itself, e.g. participants: ${EXAMPLE_MEMBERS}: ` +
        "WhatsApp makes no group without one (the line's own number owns the group and need not be listed).",
    );
  else inputs["participants"] = participants.values;

  const adminsValue = given("admins");
  const admins = adminsValue === UNKNOWN_VALUE ? undefined : checkMembers("admins", adminsValue);
  if (adminsValue === UNKNOWN_VALUE) inputs["admins"] = adminsValue;
  else if (typeof admins === "string") fail("admins", admins);
  else if (admins === undefined) inputs["admins"] = [];
  else {
    const members = typeof participants === "object" ? participants : undefined;
    // Participants not known yet (a preview): check runs again once they are.
    const strangers =
      members === undefined || members.unknown
        ? [] // not known yet, or already refused
        : admins.entries.filter((entry) => !members.ids.includes(entry.contactId));
    if (strangers.length > 0)
      fail(
        "admins",
        strangers
          .map(
            (entry) =>
              `admins[${entry.index}] ${quoteText(entry.written)} (${entry.contactId}) is not in participants`,
          )
          .join("; ") +
          ". An admin must be a member: add it to participants too, or remove it from admins " +
          "(the line's own number is always an admin and need not be listed).",
      );
    else inputs["admins"] = admins.values;
  }

  const messagesAdminsOnly = given("messagesAdminsOnly");
  if (messagesAdminsOnly === UNKNOWN_VALUE || typeof messagesAdminsOnly === "boolean")
    inputs["messagesAdminsOnly"] = messagesAdminsOnly;
  else if (messagesAdminsOnly === undefined) inputs["messagesAdminsOnly"] = false;
  else
    fail(
      "messagesAdminsOnly",
      `messagesAdminsOnly must be true (only admins may send messages) or false (everyone may), not ${describe(messagesAdminsOnly)}.`,
    );

  const onDelete = given("onDelete");
  if (onDelete === UNKNOWN_VALUE) inputs["onDelete"] = onDelete;
  else if (onDelete === undefined) inputs["onDelete"] = DEFAULT_ON_DELETE;
  else if (typeof onDelete === "string" && isOnDelete(onDelete.trim())) inputs["onDelete"] = onDelete.trim();
  else {
    const hint = typeof onDelete === "string" ? closestName(onDelete.trim(), ON_DELETE) : undefined;
    fail(
      "onDelete",
      `onDelete must be "forget" (deleting the resource leaves the group on WhatsApp as it is) or ` +
        `"removeMembers" (it removes every member but the line first), not ${describe(onDelete)}` +
        (hint ? `; did you mean '${hint}'?` : "."),
    );
  }

  const adoptGroupId = given("adoptGroupId");
  if (adoptGroupId === UNKNOWN_VALUE) inputs["adoptGroupId"] = adoptGroupId;
  else if (adoptGroupId !== undefined) {
    if (typeof adoptGroupId === "string" && groupIdProblem(adoptGroupId) === undefined)
      inputs["adoptGroupId"] = adoptGroupId.trim();
    else
      fail(
        "adoptGroupId",
        `adoptGroupId must be the id of an existing group of the line, "<digits>@g.us" ` +
          `(e.g. 120363041234567890@g.us; pulumi-waapi discover lists them), not ${describe(adoptGroupId)}.`,
      );
  }

  return { inputs, failures };
}

/**
 * Inputs that `checkGroupInputs` passed, typed. The doors hand the lifecycle only checked inputs with
 * every value known (create and update run after the preview): anything else is a door's bug, so this
 * throws rather than send a request built from a wrong shape.
 */
export function decodeGroupInputs(checked: Readonly<Record<string, unknown>>): GroupInputs {
  const {
    instanceId,
    subject,
    description,
    participants,
    admins,
    messagesAdminsOnly,
    onDelete,
    adoptGroupId,
  } = checked;
  const unchecked = (property: string): Error =>
    new TypeError(`Group: ${property} reached the lifecycle unchecked (${describe(checked[property])}).`);
  const known = (value: unknown): value is string => typeof value === "string" && value !== UNKNOWN_VALUE;
  const ids = (property: string, value: unknown): string[] => {
    if (!Array.isArray(value) || !value.every(known)) throw unchecked(property);
    return [...value];
  };
  if (typeof instanceId !== "number") throw unchecked("instanceId");
  if (!known(subject)) throw unchecked("subject");
  if (typeof messagesAdminsOnly !== "boolean") throw unchecked("messagesAdminsOnly");
  if (!known(onDelete) || !isOnDelete(onDelete)) throw unchecked("onDelete");
  const inputs: GroupInputs = {
    instanceId,
    subject,
    participants: ids("participants", participants),
    admins: ids("admins", admins),
    messagesAdminsOnly,
    onDelete,
  };
  if (description !== undefined) {
    if (!known(description)) throw unchecked("description");
    inputs.description = description;
  }
  if (adoptGroupId !== undefined) {
    if (!known(adoptGroupId)) throw unchecked("adoptGroupId");
    inputs.adoptGroupId = adoptGroupId;
  }
  return inputs;
}

export function isOnDelete(value: unknown): value is OnDelete {
  return (ON_DELETE as readonly unknown[]).includes(value);
}

/** An instance id by the one rule (rules.ts), also written as digits (stack config holds strings). */
function instanceIdFrom(value: unknown): number | undefined {
  const id = typeof value === "string" ? parseInstanceId(value.trim()) : value;
  return isInstanceId(id) ? id : undefined;
}

function subjectReason(subject: string): string | undefined {
  return oneLineTextReason("subject", groupSubjectProblem(subject), {
    empty: "give the group its name",
    what: "a group's name",
    limitedBy: "WhatsApp",
  });
}

interface MemberEntry {
  index: number;
  written: string;
  contactId: string;
}

interface CheckedMembers {
  entries: MemberEntry[];
  /** The contact ids, sorted. */
  ids: string[];
  /** What check records: the sorted ids, and any values not known yet. */
  values: string[];
  unknown: boolean;
}

/**
 * A list of members as contact ids (a set: sorted), or the reason it is not acceptable. Repeats are refused rather than merged: two spellings of one number are more likely a typo
 * for another member than meant twice.
 */
function checkMembers(
  property: "participants" | "admins",
  value: unknown,
): CheckedMembers | string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    return `${property} must be a list of phone numbers or contact ids, e.g. ${EXAMPLE_MEMBERS}, not ${describe(value)}.`;
  }
  const problems: string[] = [];
  const entries: MemberEntry[] = [];
  let unknown = false;
  value.forEach((member: unknown, index) => {
    if (member === UNKNOWN_VALUE) {
      unknown = true;
      return;
    }
    // A number written without quotes (YAML) is still a phone number.
    const written = typeof member === "number" && Number.isSafeInteger(member) ? String(member) : member;
    if (typeof written !== "string") {
      problems.push(`${property}[${index}] must be a phone number or contact id, not ${describe(member)}`);
      return;
    }
    const read = contactIdFor(written);
    if ("problem" in read) {
      problems.push(`${property}[${index}] ${quoteText(written)} ${contactReason(read.problem)}`);
      return;
    }
    const twin = entries.find((entry) => entry.contactId === read.contactId);
    if (twin)
      problems.push(
        `${property}[${twin.index}] ${quoteText(twin.written)} and ${property}[${index}] ${quoteText(written)} ` +
          `are the same member (${read.contactId}), listed twice: list it once`,
      );
    else entries.push({ index, written, contactId: read.contactId });
  });
  if (problems.length > 0) return `${problems.join("; ")}.`;
  const ids = entries.map((entry) => entry.contactId).sort();
  return { entries, ids, values: unknown ? [...ids, UNKNOWN_VALUE] : ids, unknown };
}

function contactReason(problem: ContactProblem): string {
  const format =
    "write a phone number in international format, country code first (e.g. +1 555 010 0200), " +
    "or a contact id (15550100200@c.us)";
  switch (problem.kind) {
    case "empty":
      return `is empty: ${format}`;
    case "symbol": {
      // A printable character is shown as itself: "O" for "0" is the usual slip.
      const shown =
        problem.codePoint > 0x20 && problem.codePoint !== 0x7f
          ? `'${String.fromCodePoint(problem.codePoint)}' (U+${problem.codePoint.toString(16).toUpperCase().padStart(4, "0")})`
          : describeCodePoint(problem.codePoint);
      return `has ${shown} at position ${problem.index + 1}: ${format}`;
    }
    case "leading-zero":
      return (
        "starts with 0: that is a national or trunk prefix (or 00 for abroad); " +
        "start with the country code instead, e.g. +44 20 7946 0958, not 020 7946 0958"
      );
    case "too-short":
      return `has ${problem.length} digits; a phone number in international format has ${problem.min} to ${PHONE_NUMBER_DIGITS.max}: ${format}`;
    case "too-long":
      return `has ${problem.length} digits; a phone number in international format has at most ${problem.max}: ${format}`;
    case "group-id":
      return "is a group id, not a member: list people's phone numbers or contact ids (<digits>@c.us)";
    case "other-domain":
      return `ends in @${problem.domain}: a member's contact id ends in @c.us, e.g. 15550100200@c.us`;
  }
}
