/**
 * The Group lifecycle: what create, read, update and delete do against WAAPI, over the client's group
 * calls. Knows neither door: it takes a connection and checked inputs, and returns what to record.
 *
 * Every call needs the instance's line linked (`ready`); the client tells a refusal for that reason
 * apart (WaapiLineNotReadyError), and this turns it into a LineNotReadyError, to which each door adds
 * the command that links the line.
 */
import { WaapiGroupCreateOutcomeUnknownError, WaapiLineNotReadyError, type WaapiClient } from "../../client";
import { withPulumiAdvice, type LifecycleCall } from "../../instance/advice";
import { assertSameApi, type Connection } from "../../connection";
import { ResourceInitializationError, type Warn } from "../descriptor";
import { LineNotReadyError } from "../../instance/line-status";
import type { GroupInfo } from "../../waapi-api";
import type { GroupInputs } from "./inputs";
import { membershipAfter, planGroupSteps, type GroupStep, type WrittenSettings } from "./plan";
import {
  groupResourceId,
  membershipOf,
  outputsFor,
  outputsFromInfo,
  parseGroupResourceId,
  writtenIn,
  type GroupOutputs,
} from "./state";

type PropertyBag = Record<string, unknown>;

/** What a Group records: its outputs and the API it lives on. */
export type RecordedGroup = GroupOutputs & { apiBaseUrl: string };

/**
 * A create-group whose answer was lost: WAAPI may have made the group. It is never retried blindly
 * (a second call would make a second group); `candidates` are the line's groups with the subject
 * (undefined when they could not be read). The facts only: each door adds how its users take one over
 * (the registry's `mayHaveCreated`).
 */
export class GroupCreateOutcomeUnknownError extends Error {
  override name = "GroupCreateOutcomeUnknownError";
  readonly code = "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN";
  constructor(
    readonly instanceId: number,
    readonly subject: string,
    readonly candidates: readonly string[] | undefined,
    cause: WaapiGroupCreateOutcomeUnknownError,
  ) {
    const retry =
      candidates?.length === 0
        ? " If no such group shows on the phone either, `pulumi up` again creates it."
        : "";
    super(`${cause.message}${retry}`);
  }
}

/**
 * A create that made the group but could not finish it (a member WhatsApp would not add, a setting
 * refused). The group exists, so it is recorded: `id`, `properties` and `reasons` are the shape the
 * doors turn into "resource initialization failed", and the next `up` finishes it instead of making a
 * second group.
 */
export class GroupIncompleteError extends ResourceInitializationError {
  override name = "GroupIncompleteError";
  constructor(id: string, properties: PropertyBag, why: string) {
    super(
      "WAAPI_GROUP_INCOMPLETE",
      id,
      properties,
      `WhatsApp group ${String(properties["groupId"])} was made on instance ${String(properties["instanceId"])}'s ` +
        `line but not finished: ${why} The group is recorded in the stack; \`pulumi up\` again finishes it ` +
        "(no second group is made).",
    );
  }
}

/** The client's errors in the words of a Pulumi user; the line's status as the link command. */
async function advised<T>(call: LifecycleCall, instanceId: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WaapiLineNotReadyError) {
      throw new LineNotReadyError(
        instanceId,
        error.status,
        `its groups cannot be ${call === "read" ? "read" : "changed"}`,
      );
    }
    throw withPulumiAdvice(error, call);
  }
}

function ids(id: string): { instanceId: number; groupId: string } {
  const parsed = parseGroupResourceId(id);
  if (!parsed) {
    throw new Error(
      `${JSON.stringify(id)} is not a Group id: a Group's id is "<instanceId>/<groupId>", ` +
        "e.g. 1234/120363041234567890@g.us (pulumi-waapi discover lists a line's groups).",
    );
  }
  return parsed;
}

/**
 * Creates the group (create-group with the subject and the participants), then writes what
 * create-group cannot: the description, the admins-only setting, the admins. With adoptGroupId it
 * takes an existing group instead and makes only the calls that differ from it (none, when it is as
 * declared). Members WhatsApp would not add make the create incomplete (the group is recorded and
 * the error names them), not a silent difference.
 */
export async function createGroup(
  connection: Connection,
  inputs: GroupInputs,
): Promise<{ id: string; outputs: RecordedGroup }> {
  const { instanceId } = inputs;
  return advised("create", instanceId, async () => {
    const { client } = connection;
    if (inputs.adoptGroupId !== undefined) {
      const info = await client.getGroupInfo(instanceId, inputs.adoptGroupId);
      if (!info) {
        throw new Error(
          `adoptGroupId ${inputs.adoptGroupId} names no group of instance ${instanceId}'s line: the id is ` +
            "wrong, or the line has left that group. Nothing was created. `npx pulumi-waapi discover` lists " +
            "the line's groups; remove adoptGroupId to create a new group instead.",
        );
      }
      // Nothing was written to it by this stack: no description, and the admins-only setting as
      // WhatsApp makes groups (off). Declaring them writes them once.
      const outputs = await apply(client, info, { messagesAdminsOnly: false }, inputs);
      return {
        id: groupResourceId(instanceId, info.groupId),
        outputs: { ...outputs, apiBaseUrl: connection.apiBaseUrl },
      };
    }

    let made: { groupId: string; missingParticipants: string[] };
    try {
      made = await client.createGroup(instanceId, {
        name: inputs.subject,
        participants: inputs.participants,
      });
    } catch (error) {
      if (error instanceof WaapiGroupCreateOutcomeUnknownError) {
        throw new GroupCreateOutcomeUnknownError(instanceId, inputs.subject, error.candidates, error);
      }
      throw error;
    }
    const id = groupResourceId(instanceId, made.groupId);
    // From here on the group exists: whatever fails, it is recorded, never forgotten.
    const written: WrittenSettings = { messagesAdminsOnly: false };
    let info: GroupInfo | undefined;
    try {
      info = await client.getGroupInfo(instanceId, made.groupId);
      if (!info) throw new Error(`WAAPI made group ${made.groupId} but get-group-info does not find it.`);
      const missing = new Set(made.missingParticipants);
      // A member WhatsApp would not add cannot be promoted either; the error below names them.
      const reachable = {
        ...inputs,
        participants: inputs.participants.filter((id) => !missing.has(id)),
        admins: inputs.admins.filter((id) => !missing.has(id)),
      };
      const outputs = await apply(client, info, written, reachable);
      if (missing.size > 0) {
        throw new GroupIncompleteError(
          id,
          { ...outputs, apiBaseUrl: connection.apiBaseUrl },
          `WhatsApp would not add ${[...missing].sort().join(", ")} (not on WhatsApp, or their privacy ` +
            "settings do not let others add them). Send them the group's invite link, or remove them from " +
            "participants.",
        );
      }
      return { id, outputs: { ...outputs, apiBaseUrl: connection.apiBaseUrl } };
    } catch (error) {
      if (error instanceof GroupIncompleteError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      const properties: PropertyBag = info
        ? { ...outputsFromInfo(instanceId, info, { ...written, onDelete: inputs.onDelete }) }
        : {
            instanceId,
            groupId: made.groupId,
            subject: inputs.subject,
            participants: inputs.participants.filter((id) => !made.missingParticipants.includes(id)),
            admins: [],
            messagesAdminsOnly: written.messagesAdminsOnly,
            onDelete: inputs.onDelete,
          };
      throw new GroupIncompleteError(id, { ...properties, apiBaseUrl: connection.apiBaseUrl }, reason);
    }
  });
}

/** The live group, or undefined when the line holds no such group any more. */
export async function readGroup(
  connection: Connection,
  id: string,
  recorded?: PropertyBag,
): Promise<RecordedGroup | undefined> {
  const { instanceId, groupId } = ids(id);
  return advised("read", instanceId, async () => {
    assertSameApi(connection, recorded);
    const info = await connection.client.getGroupInfo(instanceId, groupId);
    if (!info) return undefined;
    return { ...outputsFromInfo(instanceId, info, writtenIn(recorded)), apiBaseUrl: connection.apiBaseUrl };
  });
}

/** Reads the group, then makes only the calls that differ from the declaration. */
export async function updateGroup(
  connection: Connection,
  id: string,
  recorded: PropertyBag,
  inputs: GroupInputs,
): Promise<RecordedGroup> {
  const { instanceId, groupId } = ids(id);
  return advised("update", instanceId, async () => {
    assertSameApi(connection, recorded);
    const info = await connection.client.getGroupInfo(instanceId, groupId);
    if (!info) {
      throw new Error(
        `Group ${groupId} is no longer on instance ${instanceId}'s line (left or deleted on the phone). ` +
          "Nothing was changed. `pulumi refresh` drops it from the stack; the next `pulumi up` then makes a new group.",
      );
    }
    const { description, messagesAdminsOnly } = writtenIn(recorded);
    const written: WrittenSettings = {
      messagesAdminsOnly: messagesAdminsOnly ?? false,
      ...(description === undefined ? {} : { description }),
    };
    return { ...(await apply(connection.client, info, written, inputs)), apiBaseUrl: connection.apiBaseUrl };
  });
}

/** Runs the planned steps on `info` and returns the outputs they leave. */
async function apply(
  client: WaapiClient,
  info: GroupInfo,
  written: WrittenSettings,
  declared: GroupInputs,
): Promise<GroupOutputs> {
  const live = membershipOf(info);
  const steps = planGroupSteps(live, written, declared);
  for (const step of steps) await run(client, declared.instanceId, info.groupId, step);
  return outputsFor(declared.instanceId, info, membershipAfter(live, steps), {
    messagesAdminsOnly: declared.messagesAdminsOnly,
    onDelete: declared.onDelete,
    ...(declared.description === undefined ? {} : { description: declared.description }),
    ...(declared.adoptGroupId === undefined ? {} : { adoptGroupId: declared.adoptGroupId }),
  });
}

function run(client: WaapiClient, instanceId: number, groupId: string, step: GroupStep): Promise<void> {
  switch (step.call) {
    case "updateGroupInfo": {
      const change: { subject?: string; description?: string } = {};
      if (step.subject !== undefined) change.subject = step.subject;
      if (step.description !== undefined) change.description = step.description;
      return client.updateGroupInfo(instanceId, groupId, change);
    }
    case "updateGroupSettings":
      return client.updateGroupSettings(instanceId, groupId, { messageAdminOnly: step.messageAdminOnly });
    case "addGroupParticipant":
      return client.addGroupParticipant(instanceId, groupId, step.participant);
    case "promoteGroupParticipant":
      return client.promoteGroupParticipant(instanceId, groupId, step.participant);
    case "demoteGroupParticipant":
      return client.demoteGroupParticipant(instanceId, groupId, step.participant);
    case "removeGroupParticipant":
      return client.removeGroupParticipant(instanceId, groupId, step.participant);
  }
}

/**
 * WAAPI has no call that deletes a group or makes the line leave one, so deleting a Group never
 * deletes it on WhatsApp. `onDelete: "forget"` (the default) sends nothing: the stack stops managing
 * the group, which stays as it is. `"removeMembers"` removes every member but the line first, leaving
 * a group of one. Either way `warn` says what was left behind.
 */
export async function deleteGroup(
  connection: Connection,
  id: string,
  recorded?: PropertyBag,
  warn?: Warn,
): Promise<void> {
  const { instanceId, groupId } = ids(id);
  const subject =
    typeof recorded?.["subject"] === "string" ? ` (${JSON.stringify(recorded["subject"])})` : "";
  return advised("delete", instanceId, async () => {
    assertSameApi(connection, recorded);
    if (recorded?.["onDelete"] !== "removeMembers") {
      warn?.(
        `Group ${groupId}${subject} was removed from the stack but still exists on WhatsApp, with its ` +
          `members, on instance ${instanceId}'s line: WAAPI cannot delete a group (onDelete: "forget"). ` +
          'Delete it on the phone, or set onDelete: "removeMembers" before removing a Group to empty it.',
      );
      return;
    }
    const info = await connection.client.getGroupInfo(instanceId, groupId);
    if (!info) return; // the line is no longer in it: nothing to remove
    const live = membershipOf(info);
    for (const participant of live.participants) {
      await connection.client.removeGroupParticipant(instanceId, groupId, participant);
    }
    warn?.(
      `Group ${groupId}${subject} was emptied (${live.participants.length} member(s) removed) and removed from ` +
        `the stack; it still exists on WhatsApp with instance ${instanceId}'s line as its only member: WAAPI ` +
        "cannot delete a group or leave one.",
    );
  });
}
