/**
 * The group routes of a linked line as operations on the store (see groups.ts for the model and
 * validation.ts for the rules of each body). Every one needs a line in status `ready`: on any other
 * the sandbox answers 200 with `"status":"error"` and a message naming the status, the shape of the
 * other linked-client refusals (the contract documents no error answer; real WAAPI relays
 * whatsapp-web.js, which cannot act without a session). An unknown group and a step WhatsApp would
 * refuse (adding a member twice, demoting the creator) are answered the same way; malformed bodies
 * get Laravel's 422.
 */
import {
  LINKED_STATUS,
  type ChatsResponse,
  type CreateGroupResponse,
  type GroupInfoResponse,
  type GroupOperation,
  type GroupParticipantsResponse,
  type MemberActionResponse,
  type SerializedId,
  type UpdateGroupInfoResponse,
  type UpdateGroupSettingsResponse,
  type WireChat,
  type WireParticipant,
} from "../provider/waapi-api";
import {
  GroupStateError,
  UnknownGroupError,
  changeMember,
  createGroup as makeGroup,
  findGroup,
  inviteLink,
  updateInfo,
  updateSettings,
  type GroupRecord,
  type MemberAction,
} from "./groups";
import { bound, clientError, isResult, type Operation, type OperationContext } from "./operations";
import { json, validationFailed } from "./responses";
import {
  isPlainObject,
  validateChatsPage,
  validateCreateGroup,
  validateGroupChat,
  validateMemberAction,
  validateUpdateGroupInfo,
  validateUpdateGroupSettings,
  type ValidationErrors,
} from "./validation";

export function serializedId(id: string): SerializedId {
  const at = id.lastIndexOf("@");
  return { server: id.slice(at + 1), user: id.slice(0, at), _serialized: id };
}

function wireParticipants(group: GroupRecord): WireParticipant[] {
  return group.participants.map((participant) => ({
    id: serializedId(participant.id),
    isAdmin: participant.isAdmin,
    isSuperAdmin: participant.isSuperAdmin,
  }));
}

/** get-chats' entry for a group: the fields the contract lists, with what the sandbox knows. */
function chatOf(group: GroupRecord): WireChat & Record<string, unknown> {
  return {
    id: serializedId(group.id),
    name: group.subject,
    isGroup: true,
    isReadOnly: false,
    unreadCount: 0,
    timestamp: Math.floor(group.changedAt / 1000),
    archived: false,
    pinned: false,
    isMuted: false,
    muteExpiration: 0,
  };
}

type Validated<T> = { ok: true; value: T } | { ok: false; errors: ValidationErrors };

/**
 * The frame of every group route: the instance, a JSON object body that passes `validate`, a ready
 * line; then `act` on the line's groups. Refusals of the group model become `"status":"error"`.
 */
function groupRoute<T>(
  validate: (body: Record<string, unknown>) => Validated<T>,
  act: (ctx: OperationContext, input: T, groups: GroupRecord[], line: string, now: number) => unknown,
): Operation {
  return (ctx) => {
    const found = bound(ctx);
    if (isResult(found)) return found;
    if (ctx.input === "invalid" || !isPlainObject(ctx.input)) {
      return validationFailed({ body: ["The request body must be a JSON object."] });
    }
    const checked = validate(ctx.input);
    if (!checked.ok) return validationFailed(checked.errors);
    if (found.instanceStatus !== LINKED_STATUS) {
      return clientError(ctx, `The client is not ready (status: ${found.instanceStatus}).`);
    }
    ctx.store.linkedAccount(found.id); // a line made ready by drift gets its account (and number) now
    try {
      const body = ctx.store.withGroups(found.id, (groups, line, now) =>
        act(ctx, checked.value, groups, line, now),
      );
      return json(200, body);
    } catch (error) {
      if (error instanceof GroupStateError || error instanceof UnknownGroupError)
        return clientError(ctx, error.message);
      throw error;
    }
  };
}

const links = (ctx: OperationContext): { self: string } => ({ self: ctx.baseUrl + ctx.path });

const createGroup = groupRoute(validateCreateGroup, (ctx, input, groups, line, now) => {
  const { group, missingParticipants } = makeGroup(groups, line, input, now);
  const body: CreateGroupResponse = {
    status: "success",
    data: { gid: serializedId(group.id), missingParticipants },
    links: links(ctx),
  };
  return body;
});

const getGroupInfo = groupRoute(validateGroupChat, (ctx, input, groups) => {
  const group = findGroup(groups, input.chatId);
  // As the contract: no description, no messageAdminOnly.
  const body: GroupInfoResponse = {
    data: {
      chatId: serializedId(group.id),
      owner: serializedId(group.owner),
      subject: group.subject,
      createdAt: new Date(group.createdAt).toISOString(),
      createdAtTimestamp: Math.floor(group.createdAt / 1000),
      inviteCode: group.inviteCode,
      inviteCodeLink: inviteLink(group),
      participants: wireParticipants(group),
    },
    links: links(ctx),
    status: "success",
  };
  return body;
});

const getGroupParticipants = groupRoute(validateGroupChat, (ctx, input, groups) => {
  const body: GroupParticipantsResponse = {
    data: { participants: wireParticipants(findGroup(groups, input.chatId)) },
    links: links(ctx),
    status: "success",
  };
  return body;
});

const updateGroupInfo = groupRoute(validateUpdateGroupInfo, (ctx, input, groups, line, now) => {
  const group = findGroup(groups, input.chatId);
  updateInfo(group, line, input, now);
  const body: UpdateGroupInfoResponse = {
    status: "success",
    data: {
      gid: serializedId(group.id),
      ...(input.subject === undefined ? {} : { subject: group.subject }),
      ...(input.description === undefined ? {} : { description: group.description }),
    },
    links: links(ctx),
  };
  return body;
});

const updateGroupSettings = groupRoute(validateUpdateGroupSettings, (ctx, input, groups, line, now) => {
  const group = findGroup(groups, input.chatId);
  updateSettings(group, line, input.messageAdminOnly, now);
  const body: UpdateGroupSettingsResponse = {
    status: "success",
    data: { messageAdminOnly: group.messageAdminOnly },
    links: links(ctx),
  };
  return body;
});

function memberRoute(action: MemberAction): Operation {
  return groupRoute(validateMemberAction, (ctx, input, groups, line, now) => {
    changeMember(findGroup(groups, input.chatId), line, action, input.participant, now);
    // `data` empty, as the contract types it (an object with no properties).
    const body: MemberActionResponse = { data: {}, links: links(ctx), status: "success" };
    return body;
  });
}

/** The line's chats: the sandbox knows only its groups, most recently changed first. */
const listChats = groupRoute(validateChatsPage, (ctx, input, groups) => {
  const chats = [...groups].sort((a, b) => b.changedAt - a.changedAt).map(chatOf);
  const page = chats.slice(input.offset, input.limit === undefined ? undefined : input.offset + input.limit);
  const body: ChatsResponse = { instanceId: String(ctx.params.id ?? ""), data: page, status: "success" };
  return body;
});

export const GROUP_ROUTE_OPERATIONS: Record<GroupOperation, Operation> = {
  listChats,
  getGroupInfo,
  getGroupParticipants,
  createGroup,
  updateGroupInfo,
  updateGroupSettings,
  addGroupParticipant: memberRoute("add"),
  removeGroupParticipant: memberRoute("remove"),
  promoteGroupParticipant: memberRoute("promote"),
  demoteGroupParticipant: memberRoute("demote"),
};
