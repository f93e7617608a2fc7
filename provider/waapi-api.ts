/**
 * The WAAPI vocabulary: webhook events, token permissions and the JSON shapes of the instance
 * endpoints, as documented by waapi.app ("WaAPI API" v1.6.0). The REST client, the provider and the
 * sandbox all speak in these terms, so this is the one place to change when the API changes.
 */

/** Where the real service lives. */
export const DEFAULT_BASE_URL = "https://waapi.app/api/v1";

/** The only webhook events WAAPI accepts. A subscription is a set: order and repeats mean nothing. */
export const WEBHOOK_EVENTS = [
  "message",
  "loading_screen",
  "qr",
  "authenticated",
  "auth_failure",
  "ready",
  "disconnected",
  "message_create",
  "message_edit",
  "message_revoke_everyone",
  "message_revoke_me",
  "message_ack",
  "message_reaction",
  "media_uploaded",
  "group_join",
  "group_leave",
  "group_update",
  "change_state",
  "call",
  "vote_update",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const webhookEventSet: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === "string" && webhookEventSet.has(value);
}

/** The four permissions an API token can carry ("User API Tokens" in the dashboard). */
export const PERMISSIONS = ["create", "read", "update", "delete"] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * The operations the client offers, and the token permission each one needs. The token guide names
 * the four permissions for instances only; for the linked-client endpoints this assumes what a
 * careful reading implies: looking at the client (its status, the QR code, who linked it) is a
 * `read` of the instance, and acting on it (asking for a pairing code, reboot, logout) changes the
 * instance, an `update`. Neither deletes anything, so neither needs `delete`.
 */
export const OPERATION_PERMISSIONS = {
  listInstances: "read",
  createInstance: "create",
  getInstance: "read",
  updateInstance: "update",
  deleteInstance: "delete",
  getClientStatus: "read",
  getQrCode: "read",
  getClientMe: "read",
  requestPairingCode: "update",
  rebootClient: "update",
  logoutClient: "update",
  // Groups of a linked line: reading one (a POST on the wire, but it changes nothing) is a `read`;
  // making or changing one acts on the line, an `update`, like the line actions above.
  listChats: "read",
  getGroupInfo: "read",
  getGroupParticipants: "read",
  createGroup: "update",
  updateGroupInfo: "update",
  updateGroupSettings: "update",
  addGroupParticipant: "update",
  removeGroupParticipant: "update",
  promoteGroupParticipant: "update",
  demoteGroupParticipant: "update",
} as const satisfies Record<string, Permission>;

/** Every operation of the client (the name is older than the linked-client operations). */
export type InstanceOperation = keyof typeof OPERATION_PERMISSIONS;

/** The linked-client operations: they act on the WhatsApp client of an instance, `{id}` in the path. */
export const CLIENT_OPERATIONS = [
  "getClientStatus",
  "getQrCode",
  "getClientMe",
  "requestPairingCode",
  "rebootClient",
  "logoutClient",
] as const satisfies readonly InstanceOperation[];

export type ClientOperation = (typeof CLIENT_OPERATIONS)[number];

/**
 * The group operations of a linked line (also `{id}` in the path, all `POST …/client/action/…`).
 * A line that is not `ready` cannot carry them out.
 */
export const GROUP_OPERATIONS = [
  "listChats",
  "getGroupInfo",
  "getGroupParticipants",
  "createGroup",
  "updateGroupInfo",
  "updateGroupSettings",
  "addGroupParticipant",
  "removeGroupParticipant",
  "promoteGroupParticipant",
  "demoteGroupParticipant",
] as const satisfies readonly InstanceOperation[];

export type GroupOperation = (typeof GROUP_OPERATIONS)[number];

/** The four member actions: `{chatId, participant}` in, empty `data` out. */
export const MEMBER_OPERATIONS = [
  "addGroupParticipant",
  "removeGroupParticipant",
  "promoteGroupParticipant",
  "demoteGroupParticipant",
] as const satisfies readonly GroupOperation[];

export type MemberOperation = (typeof MEMBER_OPERATIONS)[number];

/**
 * Where each linked-client and group operation lives, below the base URL; the client and the sandbox
 * both route by it.
 */
export const CLIENT_ROUTES = {
  getClientStatus: { method: "GET", path: "/instances/{id}/client/status" },
  getQrCode: { method: "GET", path: "/instances/{id}/client/qr" },
  getClientMe: { method: "GET", path: "/instances/{id}/client/me" },
  requestPairingCode: { method: "POST", path: "/instances/{id}/client/action/request-pairing-code" },
  rebootClient: { method: "POST", path: "/instances/{id}/client/action/reboot" },
  logoutClient: { method: "POST", path: "/instances/{id}/client/action/logout" },
  listChats: { method: "POST", path: "/instances/{id}/client/action/get-chats" },
  getGroupInfo: { method: "POST", path: "/instances/{id}/client/action/get-group-info" },
  getGroupParticipants: { method: "POST", path: "/instances/{id}/client/action/get-group-participants" },
  createGroup: { method: "POST", path: "/instances/{id}/client/action/create-group" },
  updateGroupInfo: { method: "POST", path: "/instances/{id}/client/action/update-group-info" },
  updateGroupSettings: { method: "POST", path: "/instances/{id}/client/action/update-group-settings" },
  addGroupParticipant: { method: "POST", path: "/instances/{id}/client/action/add-group-participant" },
  removeGroupParticipant: { method: "POST", path: "/instances/{id}/client/action/remove-group-participant" },
  promoteGroupParticipant: {
    method: "POST",
    path: "/instances/{id}/client/action/promote-group-participant",
  },
  demoteGroupParticipant: { method: "POST", path: "/instances/{id}/client/action/demote-group-participant" },
} as const satisfies Record<
  ClientOperation | GroupOperation,
  { method: "GET" | "POST"; path: `/instances/{id}/${string}` }
>;

/** The states a linked WhatsApp client goes through (`instanceStatus`). */
export const INSTANCE_STATUSES = [
  "booting",
  "loading_screen",
  "qr",
  "authenticated",
  "auth_failure",
  "ready",
  "disconnected",
] as const;

export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

const instanceStatusSet: ReadonlySet<string> = new Set(INSTANCE_STATUSES);

export function isInstanceStatus(value: unknown): value is InstanceStatus {
  return typeof value === "string" && instanceStatusSet.has(value);
}

/** The one status in which the line sends and receives messages. */
export const LINKED_STATUS = "ready" satisfies InstanceStatus;

/** An instance as the API returns it (snake_case on the wire). */
export interface ApiInstance {
  /** A 64-bit integer. */
  id: number;
  name: string;
  /** The account owner's e-mail address. */
  owner: string;
  webhook_url: string | null;
  webhook_events: string[];
  is_trial: boolean;
}

/**
 * The name WAAPI gives an instance that its body-less POST made. The contract documents none; the
 * sandbox names them this way, and the provider treats the pattern as an assumption, never as proof:
 * an instance *as the server made it* (see below) is only a hint in listings, and a recovery that
 * claims one also watches it stay untouched (provider/instance/creation.ts).
 */
export function serverDefaultName(id: number): string {
  return `Instance ${id}`;
}

/**
 * An instance no PUT has touched: the server's default name, no webhook URL, no events — what a
 * POST whose answer was lost, or a create killed before its PUT, leaves behind.
 */
export function isAsServerMade(
  instance: Pick<ApiInstance, "id" | "name" | "webhook_url" | "webhook_events">,
): boolean {
  return (
    instance.name === serverDefaultName(instance.id) &&
    (instance.webhook_url === null || instance.webhook_url === "") &&
    instance.webhook_events.length === 0
  );
}

/** `PUT /instances/{id}` body. `url: null` and `events: []` reset the webhook. */
export interface InstanceUpdateBody {
  name?: string;
  webhook?: {
    url?: string | null;
    events?: string[];
  };
}

/** `GET /instances` (and, as documented, `GET /instances/{id}`). */
export interface InstanceListResponse {
  instances: ApiInstance[];
  status: "success" | "error";
}

/** `POST /instances`; some deployments also answer `GET /instances/{id}` this way. */
export interface InstanceResponse {
  instance: ApiInstance;
  status: "success" | "error";
}

/** `PUT /instances/{id}`. */
export interface InstanceUpdateResponse {
  data: {
    status: "success" | "error";
    instanceId: string;
    name: string;
    instanceStatus: InstanceStatus;
    instanceWebhook: string | null;
    instanceEvents: string[];
  };
  links: { self: string };
  status: "success" | "error";
}

/** `GET /instances/{id}/client/status`: the same object as a PUT answer's `data`. */
export type ClientStatus = InstanceUpdateResponse["data"];

export interface ClientStatusResponse {
  clientStatus: ClientStatus;
  links: { self: string };
  status: "success" | "error";
}

/** `GET /instances/{id}/client/qr`, while the status is `qr`. `instanceId` is typed string here. */
export interface QrCodeResponse {
  qrCode: { status: "success" | "error"; instanceId: string; data: { qr_code: string } };
  links: { self: string };
  status: "success" | "error";
}

/** Who linked the line: `GET /instances/{id}/client/me`'s `data`. */
export interface ClientMe {
  displayName: string;
  /** `<digits>@c.us` */
  contactId: string;
  /** e.g. `+506 6408 3362` */
  formattedNumber: string;
  profilePicUrl?: string;
}

/**
 * `GET /instances/{id}/client/me`. The contract names the answer's key `qrCode` (a copy-paste slip
 * from the QR route, most likely); the sandbox answers as published, and the client also accepts `me`.
 */
export interface ClientMeResponse {
  qrCode: { status: "success" | "error"; instanceId: string; data: ClientMe };
  links: { self: string };
  status: "success" | "error";
}

/** `POST /instances/{id}/client/action/request-pairing-code` body. */
export interface PairingCodeBody {
  /** International format without symbols, e.g. `50664083362` (see rules.ts). */
  phoneNumber: string;
  /** Default true (contract). */
  showNotification?: boolean;
}

/** The pairing-code answer; here `instanceId` is an integer. */
export interface PairingCodeResponse {
  data: { status: "success" | "error"; instanceId: number; data: { pairingCode: string } };
  links: { self: string };
  status: "success" | "error";
}

/** `…/client/action/reboot` and `…/logout` (logout's `data` also carries an empty `data: []`). */
export interface ClientActionResponse {
  data: { status: "success" | "error"; instanceId: number; data?: [] };
  links: { self: string };
  status: "success" | "error";
}

/**
 * A linked-client answer with `"status": "error"` (the contract documents no error answers; this is
 * the shape the sandbox gives them, and what the client looks for: the status, and a message if any).
 */
export interface ClientErrorResponse {
  status: "error";
  message: string;
  links: { self: string };
}

// --- groups of a linked line ---

/** WhatsApp's id object (whatsapp-web.js `Wid`): `_serialized` is `<user>@<server>`. */
export interface SerializedId {
  server: string;
  user: string;
  _serialized: string;
}

/** `POST …/client/action/create-group` body. */
export interface CreateGroupBody {
  /** At least one character (contract). */
  groupName: string;
  /** Contact ids `<digits>@c.us`, at least one (contract). */
  groupParticipants: string[];
}

export interface CreateGroupResponse {
  status: "success" | "error";
  data: {
    gid: SerializedId;
    /** Contact ids that could not be added (not on WhatsApp, or their privacy settings refuse it). */
    missingParticipants: string[];
  };
  links: { self: string };
}

/** A member as get-group-info and get-group-participants report it. */
export interface WireParticipant {
  id: SerializedId;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

/**
 * `POST …/client/action/get-group-info` → `data`. The contract returns no description and no
 * `messageAdminOnly`: those two can be written but not read back.
 */
export interface WireGroupInfo {
  chatId: SerializedId;
  owner: SerializedId;
  subject: string;
  createdAt: string;
  createdAtTimestamp: number;
  inviteCode: string;
  inviteCodeLink: string;
  participants: WireParticipant[];
}

export interface GroupInfoResponse {
  data: WireGroupInfo;
  links: { self: string };
  status: "success" | "error";
}

/** `…/get-group-participants` → `data.participants`. */
export interface GroupParticipantsResponse {
  data: { participants: WireParticipant[] };
  links: { self: string };
  status: "success" | "error";
}

/** The body of every group call that names a group; the member actions add `participant`. */
export interface GroupChatBody {
  /** `<digits>@g.us` */
  chatId: string;
}

export interface UpdateGroupInfoBody extends GroupChatBody {
  subject?: string;
  description?: string;
  pictureUrl?: string;
}

/** An echo of what was set. */
export interface UpdateGroupInfoResponse {
  status: "success" | "error";
  data: { gid: SerializedId; subject?: string; description?: string };
  links: { self: string };
}

export interface UpdateGroupSettingsBody extends GroupChatBody {
  /** true: only admins may send messages. */
  messageAdminOnly: boolean;
}

export interface UpdateGroupSettingsResponse {
  status: "success" | "error";
  data: { messageAdminOnly: boolean };
  links: { self: string };
}

export interface MemberActionBody extends GroupChatBody {
  /** `<digits>@c.us` */
  participant: string;
}

/** The member actions answer an empty `data` (the contract types it as an object with no properties). */
export interface MemberActionResponse {
  data: Record<string, never> | [];
  links: { self: string };
  status: "success" | "error";
}

/** `…/get-chats` body: pagination (both optional). */
export interface ChatsBody {
  offset?: number;
  limit?: number;
}

/** A chat of the line, as far as the provider reads it (the contract's entries carry more). */
export interface WireChat {
  id: SerializedId;
  name: string;
  isGroup: boolean;
  timestamp?: number;
}

/** `…/get-chats`; here `instanceId` is a string. */
export interface ChatsResponse {
  instanceId: string;
  data: WireChat[];
  status: "success" | "error";
}

/** A group as the client hands it out: ids flattened to their `_serialized` form. */
export interface GroupParticipant {
  /** `<digits>@c.us` */
  id: string;
  isAdmin: boolean;
  /** The group's creator (owner); also an admin. */
  isSuperAdmin: boolean;
}

export interface GroupInfo {
  /** `<digits>@g.us` */
  groupId: string;
  subject: string;
  /** `<digits>@c.us` of the creator. */
  owner: string;
  inviteCode: string;
  /** `inviteCodeLink` on the wire: anyone holding it can join, so callers treat it as a secret. */
  inviteLink: string;
  participants: GroupParticipant[];
}

/** Laravel's error body: 401/403/404/429 carry `message`; 422 adds per-field `errors`. */
export interface ApiErrorBody {
  message: string;
  errors?: Record<string, string[]>;
}
