/**
 * Minimal checks of WAAPI's JSON answers. The client hands the provider typed values; if the API
 * ever answers something else, it is better to stop with a clear message than to write a
 * half-understood instance into the Pulumi state.
 */
import {
  INSTANCE_STATUSES,
  isInstanceStatus,
  type ApiInstance,
  type ClientMe,
  type ClientStatus,
  type GroupInfo,
  type GroupParticipant,
  type InstanceStatus,
  type InstanceUpdateResponse,
} from "../waapi-api";

/** Raised by the readers below; the client turns it into a WaapiResponseError with the request's context. */
export class ResponseShapeError extends Error {
  override name = "ResponseShapeError";
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

/** JSON.parse without throwing; `undefined` marks a body that is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function expectObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new ResponseShapeError(`${where} should be an object, got ${describe(value)}`);
  return value;
}

function expectString(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== "string") {
    throw new ResponseShapeError(`${where}.${key} should be a string, got ${describe(value)}`);
  }
  return value;
}

function expectStringOrNull(object: JsonObject, key: string, where: string): string | null {
  const value = object[key];
  if (value !== null && typeof value !== "string") {
    throw new ResponseShapeError(`${where}.${key} should be a string or null, got ${describe(value)}`);
  }
  return value;
}

/** A list of strings; `null` reads as empty, because Laravel serialises an unset JSON column as null. */
function expectStringList(object: JsonObject, key: string, where: string): string[] {
  const value = object[key];
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) {
    throw new ResponseShapeError(`${where}.${key} should be a list of strings, got ${describe(value)}`);
  }
  return [...value];
}

/**
 * `instanceEvents` of a PUT answer: the API documentation shows a flat list of event names, the
 * published OpenAPI contract a list of lists. Both are read as the flat list they mean.
 */
function expectEventList(object: JsonObject, key: string, where: string): string[] {
  const value = object[key];
  if (Array.isArray(value) && value.every((item) => Array.isArray(item))) {
    return expectStringList({ [key]: value.flat() }, key, where);
  }
  return expectStringList(object, key, where);
}

/** A successful status code can still carry `"status":"error"`; never mistake that for success. */
function rejectErrorStatus(body: JsonObject, where: string): void {
  if (body.status === "error") {
    const message = typeof body.message === "string" ? `: ${JSON.stringify(body.message)}` : "";
    throw new ResponseShapeError(`${where} reports "status":"error"${message}`);
  }
}

export function readInstance(value: unknown, where: string): ApiInstance {
  const object = expectObject(value, where);
  const id = object.id;
  // Ids are 64-bit; above 2^53 JSON.parse has already rounded them, and a rounded id names another instance.
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
    throw new ResponseShapeError(`${where}.id should be a non-negative safe integer, got ${describe(id)}`);
  }
  let isTrial = object.is_trial;
  // Laravel without a boolean cast serialises a tinyint column as 0/1.
  if (isTrial === 0 || isTrial === 1) isTrial = isTrial === 1;
  if (typeof isTrial !== "boolean") {
    throw new ResponseShapeError(`${where}.is_trial should be a boolean, got ${describe(isTrial)}`);
  }
  return {
    id,
    name: expectString(object, "name", where),
    owner: expectString(object, "owner", where),
    webhook_url: expectStringOrNull(object, "webhook_url", where),
    webhook_events: expectStringList(object, "webhook_events", where),
    is_trial: isTrial,
  };
}

/** `GET /instances`: `{"instances":[…]}`. */
export function readInstanceList(value: unknown): ApiInstance[] {
  const body = expectObject(value, "the body");
  rejectErrorStatus(body, "the body");
  const list = body.instances;
  if (!Array.isArray(list)) {
    throw new ResponseShapeError(`the body.instances should be a list, got ${describe(list)}`);
  }
  return list.map((item: unknown, index) => readInstance(item, `instances[${index}]`));
}

/**
 * `POST /instances` and `GET /instances/{id}`: `{"instance":{…}}`, or the documented
 * `{"instances":[{…}]}` for a retrieve. With `expectedId`, the instance must be that one: reading
 * another instance into the state would silently point the resource elsewhere.
 */
export function readSingleInstance(value: unknown, expectedId?: string): ApiInstance {
  const body = expectObject(value, "the body");
  rejectErrorStatus(body, "the body");
  let instance: ApiInstance;
  if ("instance" in body) {
    instance = readInstance(body.instance, "instance");
  } else if (Array.isArray(body.instances)) {
    const list = body.instances.map((item: unknown, index) => readInstance(item, `instances[${index}]`));
    const match = expectedId === undefined ? list[0] : list.find((item) => String(item.id) === expectedId);
    if (match === undefined) {
      throw new ResponseShapeError(
        `"instances" holds ${list.length} instance(s) but not ` +
          (expectedId === undefined ? "one" : `instance ${expectedId}`),
      );
    }
    instance = match;
  } else {
    throw new ResponseShapeError('the body has neither "instance" nor "instances"');
  }
  if (expectedId !== undefined && String(instance.id) !== expectedId) {
    throw new ResponseShapeError(`asked for instance ${expectedId} but got instance ${instance.id}`);
  }
  return instance;
}

/** `PUT /instances/{id}`: `{"data":{…},"links":{…},"status":"success"}`; only `data` is returned. */
export function readUpdateData(value: unknown): InstanceUpdateResponse["data"] {
  const body = expectObject(value, "the body");
  rejectErrorStatus(body, "the body");
  const data = expectObject(body.data, "data");
  rejectErrorStatus(data, "data");
  // Documented as a string although ids are integers elsewhere; accept both and hand out the documented string.
  const instanceId = data.instanceId;
  if (
    typeof instanceId !== "string" &&
    !(typeof instanceId === "number" && Number.isSafeInteger(instanceId))
  ) {
    throw new ResponseShapeError(`data.instanceId should be a string, got ${describe(instanceId)}`);
  }
  const status = data.status;
  if (status !== "success" && status !== "error") {
    throw new ResponseShapeError(`data.status should be "success", got ${describe(status)}`);
  }
  return {
    status,
    instanceId: String(instanceId),
    name: expectString(data, "name", "data"),
    // Checked as a string only: a status added to WAAPI later must not turn a successful update into a failure.
    instanceStatus: expectString(data, "instanceStatus", "data") as InstanceStatus,
    instanceWebhook: expectStringOrNull(data, "instanceWebhook", "data"),
    instanceEvents: expectEventList(data, "instanceEvents", "data"),
  };
}

/** Laravel's error body, read leniently: an error answer must never fail for being oddly shaped. */
export function readErrorBody(value: unknown): { message?: string; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  if (!isObject(value)) return { fieldErrors };
  if (isObject(value.errors)) {
    for (const [field, problems] of Object.entries(value.errors)) {
      if (Array.isArray(problems)) {
        fieldErrors[field] = problems.filter((item): item is string => typeof item === "string");
      } else if (typeof problems === "string") {
        fieldErrors[field] = [problems];
      }
    }
  }
  return typeof value.message === "string" ? { message: value.message, fieldErrors } : { fieldErrors };
}

// --- the linked-client endpoints ---

/**
 * A linked-client answer whose `status` (top level, or that of the object it carries) is "error":
 * a 200 that reports a failure. The client turns it into a WaapiActionError.
 */
export class ActionFailedError extends Error {
  override name = "ActionFailedError";
  constructor(readonly serverMessage: string | undefined) {
    super(serverMessage ?? 'the answer reports "status":"error"');
  }
}

function messageOf(object: JsonObject): string | undefined {
  return typeof object.message === "string" ? object.message : undefined;
}

/**
 * The object a linked-client answer carries under `key` (`clientStatus`, `qrCode`, `data`, …), after
 * refusing an answer that reports an error at the top level or inside that object. `alternatives`
 * are other keys the same object may arrive under.
 */
function clientAnswer(value: unknown, key: string, alternatives: readonly string[] = []): JsonObject {
  const body = expectObject(value, "the body");
  if (body.status === "error") throw new ActionFailedError(messageOf(body) ?? innerMessage(body, key));
  const found = [key, ...alternatives].find((candidate) => candidate in body);
  if (found === undefined) {
    throw new ResponseShapeError(
      `the body has no ${[key, ...alternatives].map((k) => `"${k}"`).join(" or ")}`,
    );
  }
  const inner = expectObject(body[found], found);
  if (inner.status === "error") throw new ActionFailedError(messageOf(inner) ?? messageOf(body));
  return inner;
}

function innerMessage(body: JsonObject, key: string): string | undefined {
  const inner = body[key];
  return isObject(inner) ? messageOf(inner) : undefined;
}

/** `GET …/client/status` → `clientStatus`, with `instanceStatus` one of the seven documented states. */
export function readClientStatus(value: unknown): ClientStatus {
  const state = clientAnswer(value, "clientStatus");
  const instanceStatus = state.instanceStatus;
  if (!isInstanceStatus(instanceStatus)) {
    // A state WAAPI added later is reported, not guessed at: a caller deciding "linked or not" must not misread it.
    throw new ResponseShapeError(
      `clientStatus.instanceStatus should be one of ${INSTANCE_STATUSES.join(", ")}, got ${describe(instanceStatus)}`,
    );
  }
  const instanceId = state.instanceId;
  if (
    typeof instanceId !== "string" &&
    !(typeof instanceId === "number" && Number.isSafeInteger(instanceId))
  ) {
    throw new ResponseShapeError(`clientStatus.instanceId should be a string, got ${describe(instanceId)}`);
  }
  return {
    status: "success",
    instanceId: String(instanceId),
    name: expectString(state, "name", "clientStatus"),
    instanceStatus,
    instanceWebhook: expectStringOrNull(state, "instanceWebhook", "clientStatus"),
    instanceEvents: expectEventList(state, "instanceEvents", "clientStatus"),
  };
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/** `GET …/client/qr` → `qrCode.data.qr_code`, a PNG data URL. */
export function readQrCode(value: unknown): string {
  const qrCode = clientAnswer(value, "qrCode");
  const data = expectObject(qrCode.data, "qrCode.data");
  const image = expectString(data, "qr_code", "qrCode.data");
  if (!PNG_DATA_URL.test(image)) {
    throw new ResponseShapeError(
      `qrCode.data.qr_code should be a "data:image/png;base64,…" URL, got ${describe(image)}`,
    );
  }
  return image;
}

/**
 * `GET …/client/me` → `data`. The contract names the carrying key `qrCode`, surely a copy-paste slip
 * from the QR route; a server that fixes it would say `me`. Both are read, the contract's first.
 */
export function readClientMe(value: unknown): ClientMe {
  const me = clientAnswer(value, "qrCode", ["me"]);
  const data = expectObject(me.data, "me.data");
  const result: ClientMe = {
    displayName: expectString(data, "displayName", "me.data"),
    contactId: expectString(data, "contactId", "me.data"),
    formattedNumber: expectString(data, "formattedNumber", "me.data"),
  };
  const picture = data.profilePicUrl;
  // Optional in practice: WhatsApp hides the picture by privacy setting, and a server may send null.
  if (typeof picture === "string" && picture !== "") result.profilePicUrl = picture;
  else if (picture !== undefined && picture !== null && picture !== "") {
    throw new ResponseShapeError(`me.data.profilePicUrl should be a string, got ${describe(picture)}`);
  }
  return result;
}

/** `POST …/client/action/request-pairing-code` → `data.data.pairingCode`. */
export function readPairingCode(value: unknown): string {
  const data = clientAnswer(value, "data");
  const inner = expectObject(data.data, "data.data");
  const code = expectString(inner, "pairingCode", "data.data");
  if (code.trim() === "") throw new ResponseShapeError("data.data.pairingCode is empty");
  return code;
}

/** `POST …/client/action/reboot` and `…/logout`: only whether it worked. */
export function readClientAction(value: unknown): void {
  clientAnswer(value, "data");
}

// --- groups of a linked line ---

/**
 * An id the contract types as `{server, user, _serialized}`; a bare `"…@g.us"` string is read too,
 * as whatsapp-web.js serialises some ids (e.g. an owner) that way.
 */
function readSerializedId(value: unknown, where: string): string {
  if (typeof value === "string" && value !== "") return value;
  const object = expectObject(value, where);
  const serialized = expectString(object, "_serialized", where);
  if (serialized === "") throw new ResponseShapeError(`${where}._serialized is empty`);
  return serialized;
}

function expectBoolean(object: JsonObject, key: string, where: string): boolean {
  const value = object[key];
  if (typeof value !== "boolean") {
    throw new ResponseShapeError(`${where}.${key} should be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** The group answers' top-level checks: an object, not `"status":"error"`. */
function groupAnswer(value: unknown): JsonObject {
  const body = expectObject(value, "the body");
  if (body.status === "error") throw new ActionFailedError(messageOf(body));
  return body;
}

/** `…/create-group` → the new group's id and the contacts that could not be added. */
export function readCreatedGroup(value: unknown): { groupId: string; missingParticipants: string[] } {
  const data = expectObject(groupAnswer(value).data, "data");
  if (data.status === "error") throw new ActionFailedError(messageOf(data));
  const groupId = readSerializedId(data.gid, "data.gid");
  // Absent or null when everyone could be added: a server may leave the empty list out.
  const missing = data.missingParticipants;
  const missingParticipants =
    missing === undefined || missing === null ? [] : expectStringList(data, "missingParticipants", "data");
  return { groupId, missingParticipants };
}

function readParticipants(value: unknown, where: string): GroupParticipant[] {
  if (!Array.isArray(value))
    throw new ResponseShapeError(`${where} should be a list, got ${describe(value)}`);
  return value.map((item: unknown, index) => {
    const at = `${where}[${index}]`;
    const participant = expectObject(item, at);
    return {
      id: readSerializedId(participant.id, `${at}.id`),
      isAdmin: expectBoolean(participant, "isAdmin", at),
      isSuperAdmin: expectBoolean(participant, "isSuperAdmin", at),
    };
  });
}

/**
 * `…/get-group-info` → the group. `expectedId`: the group asked for; an answer about another group
 * would point the caller's state elsewhere.
 */
export function readGroupInfo(value: unknown, expectedId: string): GroupInfo {
  const data = expectObject(groupAnswer(value).data, "data");
  if (data.status === "error") throw new ResponseShapeError(`data reports "status":"error"`);
  // The contract names the id `chatId`; whatsapp-web.js's GroupChat calls it `id`.
  const idValue = data.chatId ?? data.id;
  const groupId = idValue === undefined ? expectedId : readSerializedId(idValue, "data.chatId");
  if (groupId !== expectedId) {
    throw new ResponseShapeError(`asked for group ${expectedId} but got group ${groupId}`);
  }
  return {
    groupId,
    subject: expectString(data, "subject", "data"),
    owner: readSerializedId(data.owner, "data.owner"),
    inviteCode: expectString(data, "inviteCode", "data"),
    inviteLink: expectString(data, "inviteCodeLink", "data"),
    participants: readParticipants(data.participants, "data.participants"),
  };
}

/** `…/get-group-participants` → `data.participants`. */
export function readGroupParticipants(value: unknown): GroupParticipant[] {
  const data = expectObject(groupAnswer(value).data, "data");
  return readParticipants(data.participants, "data.participants");
}

/**
 * A group change (update-group-info, update-group-settings, the member actions): only whether it
 * worked. Their `data` is an echo or empty (`{}`, or `[]` as PHP serialises an empty array).
 */
export function readGroupAck(value: unknown): void {
  const body = groupAnswer(value);
  const data = body.data;
  if (isObject(data) && data.status === "error") throw new ActionFailedError(messageOf(data));
}

/** A chat of the line, reduced to what listing groups needs. */
export interface ChatSummary {
  id: string;
  name: string;
  isGroup: boolean;
}

/** `…/get-chats` → `data`, one page. */
export function readChats(value: unknown): ChatSummary[] {
  const list = groupAnswer(value).data;
  if (!Array.isArray(list)) throw new ResponseShapeError(`data should be a list, got ${describe(list)}`);
  return list.map((item: unknown, index) => {
    const at = `data[${index}]`;
    const chat = expectObject(item, at);
    const id = readSerializedId(chat.id, `${at}.id`);
    // A chat without a name (a contact never saved) is still a chat; only groups need one.
    const name = typeof chat.name === "string" ? chat.name : "";
    const isGroup = chat.isGroup === true || (chat.isGroup === undefined && id.endsWith("@g.us"));
    return { id, name, isGroup };
  });
}
