/**
 * The WAAPI REST client: the instance endpoints of https://waapi.app/api/v1 over got, with our own
 * retry policy and typed errors. It knows HTTP and nothing of Pulumi.
 */
import type { Response } from "got";
import {
  baseUrlProblem,
  contactIdProblem,
  groupIdProblem,
  groupSubjectProblem,
  isInstanceId,
  normalizeBaseUrl,
  parseInstanceId,
  phoneNumberProblem,
} from "../rules";
import {
  CLIENT_ROUTES,
  DEFAULT_BASE_URL,
  LINKED_STATUS,
  type ApiInstance,
  type ChatsBody,
  type ClientMe,
  type ClientOperation,
  type ClientStatus,
  type CreateGroupBody,
  type GroupInfo,
  type GroupOperation,
  type GroupParticipant,
  type InstanceOperation,
  type InstanceStatus,
  type InstanceUpdateBody,
  type InstanceUpdateResponse,
  type MemberActionBody,
  type MemberOperation,
  type PairingCodeBody,
  type UpdateGroupInfoBody,
  type UpdateGroupSettingsBody,
} from "../waapi-api";
import {
  WaapiActionError,
  WaapiAuthenticationError,
  WaapiError,
  WaapiGroupCreateOutcomeUnknownError,
  WaapiGroupNotFoundError,
  WaapiHttpError,
  WaapiLineNotReadyError,
  WaapiNetworkError,
  WaapiNotFoundError,
  WaapiPermissionError,
  WaapiRateLimitError,
  WaapiResponseError,
  WaapiServerError,
  WaapiValidationError,
  type WaapiErrorContext,
} from "./errors";
import { RequestPacer } from "./pacer";
import {
  ActionFailedError,
  ResponseShapeError,
  parseJson,
  readChats,
  readClientAction,
  readClientMe,
  readClientStatus,
  readCreatedGroup,
  readErrorBody,
  readGroupAck,
  readGroupInfo,
  readGroupParticipants,
  readInstanceList,
  readPairingCode,
  readQrCode,
  readSingleInstance,
  readUpdateData,
  type ChatSummary,
} from "./parse";
import {
  isRetryable,
  serverMayHaveActed,
  parseRetryAfter,
  resolveRetrySettings,
  retryDelay,
  type AttemptFailure,
  type HttpMethod,
  type RetrySettings,
} from "./retry";

/** What the `onRetry` hook is told: plain data, safe to log. */
export interface RetryEvent {
  operation: InstanceOperation;
  method: HttpMethod;
  path: string;
  /** The attempt that just failed, counting from 1. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** "HTTP 503", "ECONNRESET", "timeout", … */
  reason: string;
}

export interface WaapiClientOptions {
  apiToken: string;
  /** Defaults to DEFAULT_BASE_URL; a trailing slash is tolerated. */
  baseUrl?: string;
  /** Per attempt, not for the whole call with its retries. Default 30 000. */
  timeoutMs?: number;
  retry?: { limit?: number; baseDelayMs?: number; maxDelayMs?: number; rateLimitWaitMs?: number };
  userAgent?: string;
  /**
   * Shared by every client of a process that talks to one account: a 429 holds them all back, and
   * an optional steady pace spaces their requests (see pacer.ts). Default: a pacer of this client's own.
   */
  pacer?: RequestPacer;
  /** Called before each wait for a retry, e.g. to log it. Errors it throws are ignored. */
  onRetry?: (event: RetryEvent) => void;
  /** Waits between attempts; tests inject one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the backoff jitter; tests inject a fixed one. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = "pulumi-waapi";

const REDACTED = "[REDACTED]";

interface RequestSpec {
  operation: InstanceOperation;
  method: HttpMethod;
  path: string;
  searchParams?: Record<string, string>;
  body?: unknown;
  /** For 404 messages: which instance was missing. */
  instanceId?: string;
  /**
   * Whether repeating the request cannot change the outcome. Default: every method but POST. A POST
   * that reads, or that sets a state, says true; see retry.ts's isRetryable.
   */
  idempotent?: boolean;
}

/** A finished HTTP exchange, reduced to what the client reads. */
interface Answer {
  statusCode: number;
  body: string;
  contentType: string | undefined;
  retryAfter: string | undefined;
  location: string | undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isIdempotent(spec: RequestSpec): boolean {
  return spec.idempotent ?? spec.method !== "POST";
}

/** The context a WaapiError was made from, to make a more telling error of the same failure. */
function contextOf(error: WaapiError): WaapiErrorContext {
  const context: WaapiErrorContext = {
    operation: error.operation,
    method: error.method,
    path: error.path,
    attempts: error.attempts,
    outcomeUnknown: error.outcomeUnknown,
    afterPossibleEffect: error.afterPossibleEffect,
  };
  if (error.statusCode !== undefined) context.statusCode = error.statusCode;
  if (error.serverMessage !== undefined) context.serverMessage = error.serverMessage;
  return context;
}

/** A group id, contact id or subject the client would send: refused before anything is sent. */
function checkGroupId(groupId: string, operation: GroupOperation): string {
  if (typeof groupId !== "string" || groupIdProblem(groupId) !== undefined) {
    throw new TypeError(
      `WaapiClient.${operation}: a group id is "<digits>@g.us" (e.g. 120363041234567890@g.us), got ${JSON.stringify(groupId)}`,
    );
  }
  return groupId.trim();
}

function checkContactId(contactId: string, operation: GroupOperation, what: string): string {
  if (typeof contactId !== "string" || contactIdProblem(contactId) !== undefined) {
    throw new TypeError(
      `WaapiClient.${operation}: ${what} must be a contact id "<digits>@c.us" (e.g. 50664083362@c.us), got ${JSON.stringify(contactId)}`,
    );
  }
  return contactId.trim();
}

function checkSubject(subject: string, operation: GroupOperation, what: string): string {
  const problem = typeof subject === "string" ? groupSubjectProblem(subject) : { kind: "empty" as const };
  if (problem !== undefined) {
    const why =
      problem.kind === "too-long"
        ? `at most ${problem.max} characters, got ${problem.length}`
        : problem.kind === "empty"
          ? "at least one character besides spaces"
          : "no control characters";
    throw new TypeError(`WaapiClient.${operation}: ${what} needs ${why}, got ${JSON.stringify(subject)}`);
  }
  return subject.trim();
}

/**
 * Why a create-group may have made a group after all, or undefined when it surely did not: a 2xx
 * whose answer could not be read, or a failure after WAAPI may have acted (a 5xx, reset, timeout).
 */
function ambiguousCreateFailure(error: unknown): string | undefined {
  if (error instanceof WaapiResponseError && error.accepted) return `an unreadable answer: ${error.problem}`;
  if ((error instanceof WaapiServerError || error instanceof WaapiNetworkError) && error.outcomeUnknown) {
    return error instanceof WaapiServerError
      ? `HTTP ${error.statusCode ?? 500}`
      : error.timedOut
        ? "a timeout"
        : error.networkCode;
  }
  return undefined;
}

/** How many chats one get-chats request asks for while listing the line's groups. */
export const CHATS_PAGE_SIZE = 100;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Ids go into the URL path, so only instance ids (rules.ts) are allowed (no "../", no "1?x=y"). */
function normaliseInstanceId(id: number | string, operation: InstanceOperation): string {
  const parsed = typeof id === "number" ? id : parseInstanceId(id);
  if (isInstanceId(parsed)) return String(parsed);
  throw new TypeError(
    `WaapiClient.${operation}: an instance id must be a positive integer, got ${JSON.stringify(id)}`,
  );
}

/** The base-URL rule's refusals (rules.ts), in the client's words. */
const BASE_URL_PROBLEMS = {
  "not-a-url": "is not a URL",
  scheme: "must be an http(s) URL",
  "query-or-fragment": "must not have a query or fragment",
  insecure: "must use https to another machine (the token would travel in clear text; http only to loopback)",
} as const;

/**
 * got, loaded on the first request rather than with this module: a Pulumi program imports the
 * package (and so this module) but never sends a request, and neither does a preview, while loading
 * got and its dependencies took about a quarter of a second of each (profiled: `make bench` with
 * BENCH_CPU_PROF).
 */
let got: Promise<typeof import("got").default> | undefined;
function loadGot(): Promise<typeof import("got").default> {
  got ??= import("got").then((module) => module.default);
  return got;
}

export class WaapiClient {
  // Not an ES private (#) field: Pulumi's closure serialiser cannot see those. The token still never
  // reaches an error, and toJSON/inspect below keep it out of accidental logs of the client itself.
  private readonly apiToken: string;
  private readonly baseUrl: string;
  /** host[:port] of the base URL, without credentials, for messages. */
  private readonly host: string;
  private readonly secrets: readonly string[];
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;
  private readonly userAgent: string;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly pacer: RequestPacer;

  constructor(options: WaapiClientOptions) {
    if (typeof options.apiToken !== "string" || options.apiToken.trim() === "") {
      throw new TypeError(
        'WaapiClient: no API token. Create one under "User API Tokens" in the waapi.app dashboard.',
      );
    }
    this.apiToken = options.apiToken.trim();
    const baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    const problem = baseUrlProblem(baseUrl);
    if (problem)
      throw new TypeError(
        `WaapiClient: baseUrl ${BASE_URL_PROBLEMS[problem.kind]}: ${JSON.stringify(baseUrl)}`,
      );
    const parsed = new URL(baseUrl);
    this.baseUrl = baseUrl;
    this.host = parsed.host;
    // Credentials in the base URL are as secret as the token: keep them out of messages too.
    this.secrets = [this.apiToken, parsed.password, safeDecode(parsed.password)].filter(
      (secret) => secret.length > 0,
    );
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`WaapiClient: timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
    }
    this.timeoutMs = timeoutMs;
    this.retry = resolveRetrySettings(options.retry);
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.pacer = options.pacer ?? new RequestPacer();
  }

  /** `GET /instances[?filter=…]`: all instances of the account, or those matching an id or name. */
  async listInstances(filter?: string): Promise<ApiInstance[]> {
    const spec: RequestSpec = { operation: "listInstances", method: "GET", path: "/instances" };
    if (filter !== undefined) spec.searchParams = { filter };
    return this.call(spec, (value) => readInstanceList(value));
  }

  /** `POST /instances` without a body. Retried only when the server cannot have acted (see retry.ts). */
  async createInstance(): Promise<ApiInstance> {
    return this.call({ operation: "createInstance", method: "POST", path: "/instances" }, (value) =>
      readSingleInstance(value),
    );
  }

  /** `GET /instances/{id}`; accepts both `{"instances":[x]}` (documented) and `{"instance":x}`. */
  async getInstance(id: number | string): Promise<ApiInstance> {
    const instanceId = normaliseInstanceId(id, "getInstance");
    return this.call(
      { operation: "getInstance", method: "GET", path: `/instances/${instanceId}`, instanceId },
      (value) => readSingleInstance(value, instanceId),
    );
  }

  /** `PUT /instances/{id}`. `webhook.url: null` and `webhook.events: []` reset the webhook. */
  async updateInstance(
    id: number | string,
    body: InstanceUpdateBody,
  ): Promise<InstanceUpdateResponse["data"]> {
    const instanceId = normaliseInstanceId(id, "updateInstance");
    return this.call(
      { operation: "updateInstance", method: "PUT", path: `/instances/${instanceId}`, body, instanceId },
      (value) => readUpdateData(value),
    );
  }

  /** `DELETE /instances/{id}` (204). Irreversible, and it lowers the account's instance limit. */
  async deleteInstance(id: number | string): Promise<void> {
    const instanceId = normaliseInstanceId(id, "deleteInstance");
    await this.call(
      { operation: "deleteInstance", method: "DELETE", path: `/instances/${instanceId}`, instanceId },
      undefined,
    );
  }

  // --- the linked client (the WhatsApp session of an instance) ---

  /** `GET /instances/{id}/client/status` → `clientStatus` (its `instanceStatus`: booting … ready, disconnected). */
  async getClientStatus(id: number | string): Promise<ClientStatus> {
    return this.clientCall("getClientStatus", id, undefined, readClientStatus);
  }

  /** `GET /instances/{id}/client/qr` → the QR code to scan, a `data:image/png;base64,…` URL (status `qr` only). */
  async getQrCode(id: number | string): Promise<string> {
    return this.clientCall("getQrCode", id, undefined, readQrCode);
  }

  /** `GET /instances/{id}/client/me` → who linked the line (status `ready` only). */
  async getClientMe(id: number | string): Promise<ClientMe> {
    return this.clientCall("getClientMe", id, undefined, readClientMe);
  }

  /**
   * `POST /instances/{id}/client/action/request-pairing-code` → the code to type on the phone
   * (WhatsApp → Linked devices → Link with phone number). A malformed number is refused here, before
   * anything is sent (the rule: provider/rules.ts). WAAPI allows two requests a minute.
   */
  async requestPairingCode(
    id: number | string,
    phoneNumber: string,
    options: { showNotification?: boolean } = {},
  ): Promise<string> {
    const problem = phoneNumberProblem(phoneNumber);
    if (problem !== undefined) {
      throw new TypeError(
        `WaapiClient.requestPairingCode: the phone number must be in international format without ` +
          `symbols, digits only (e.g. 50664083362); ${JSON.stringify(phoneNumber)} is not (${problem.kind})`,
      );
    }
    const body: PairingCodeBody = { phoneNumber: phoneNumber.trim() };
    if (options.showNotification !== undefined) body.showNotification = options.showNotification;
    return this.clientCall("requestPairingCode", id, body, readPairingCode);
  }

  /** `POST /instances/{id}/client/action/reboot`: restarts the client; the line must be linked again. */
  async rebootClient(id: number | string): Promise<void> {
    await this.clientCall("rebootClient", id, undefined, readClientAction);
  }

  /** `POST /instances/{id}/client/action/logout`: ends the WhatsApp session; the line must be linked again. */
  async logoutClient(id: number | string): Promise<void> {
    await this.clientCall("logoutClient", id, undefined, readClientAction);
  }

  // --- groups of a linked line ---
  //
  // Retry policy. Reads (get-chats, get-group-info, get-group-participants) are POSTs that change
  // nothing: retried like a GET. update-group-info, update-group-settings and the four member actions
  // set a state ("the subject is S", "X is a member", "X is an admin"): repeating one that took effect
  // leaves the same state, so they are retried like a PUT; and when a repeat is refused after an
  // attempt WAAPI may have carried out ("already a participant"), the member actions read the group
  // back and count the call done if its state holds. create-group is the one that is not idempotent
  // (each one makes a new group): it is retried only when WAAPI cannot have acted, like POST
  // /instances, and an ambiguous failure is a WaapiGroupCreateOutcomeUnknownError naming the groups
  // that may be it.
  //
  // Refusals. The contract documents no error answer for these routes. A refused call (a 200 with
  // "status":"error", a 404 on an instance that exists, or another 4xx) is explained by asking the
  // line's status: a line that is not `ready` makes it a WaapiLineNotReadyError; a call on a group the
  // line's chats do not hold makes it a WaapiGroupNotFoundError. This reads facts, not the server's
  // wording, which the contract does not give.

  /**
   * `POST …/client/action/create-group`: a group named `name` with `participants` (contact ids
   * `<digits>@c.us`, at least one); the line's own number becomes its owner and only admin.
   * `missingParticipants`: contacts WhatsApp would not add (not on WhatsApp, or their privacy settings).
   */
  async createGroup(
    id: number | string,
    input: { name: string; participants: string[] },
  ): Promise<{ groupId: string; missingParticipants: string[] }> {
    const instanceId = normaliseInstanceId(id, "createGroup");
    const groupName = checkSubject(input.name, "createGroup", "a group name");
    if (!Array.isArray(input.participants) || input.participants.length === 0) {
      throw new TypeError(
        "WaapiClient.createGroup: a group needs at least one participant besides the line itself",
      );
    }
    const participants = [
      ...new Set(
        input.participants.map((participant) => checkContactId(participant, "createGroup", "a participant")),
      ),
    ];
    const body: CreateGroupBody = { groupName, groupParticipants: participants };
    try {
      return await this.groupCall("createGroup", instanceId, body, readCreatedGroup, false);
    } catch (error) {
      const failure = ambiguousCreateFailure(error);
      if (failure === undefined || !(error instanceof WaapiError)) throw error;
      let candidates: string[] | undefined;
      try {
        candidates = (await this.chatGroups(instanceId))
          .filter((chat) => chat.name === groupName)
          .map((chat) => chat.id);
      } catch {
        candidates = undefined;
      }
      throw new WaapiGroupCreateOutcomeUnknownError(contextOf(error), {
        instanceId,
        subject: groupName,
        candidates,
        failure,
      });
    }
  }

  /**
   * `POST …/client/action/get-group-info`: subject, owner, invite code and link, members with their
   * admin flags; undefined when the line holds no such group. WAAPI does not return the description
   * or the messageAdminOnly setting: those two cannot be read back.
   */
  async getGroupInfo(id: number | string, groupId: string): Promise<GroupInfo | undefined> {
    const instanceId = normaliseInstanceId(id, "getGroupInfo");
    const chatId = checkGroupId(groupId, "getGroupInfo");
    try {
      return await this.groupCall(
        "getGroupInfo",
        instanceId,
        { chatId },
        (value) => readGroupInfo(value, chatId),
        true,
        chatId,
      );
    } catch (error) {
      if (error instanceof WaapiGroupNotFoundError) return undefined;
      throw error;
    }
  }

  /** `POST …/client/action/get-group-participants`: the members and their admin flags. */
  async getGroupParticipants(id: number | string, groupId: string): Promise<GroupParticipant[]> {
    const instanceId = normaliseInstanceId(id, "getGroupParticipants");
    const chatId = checkGroupId(groupId, "getGroupParticipants");
    return this.groupCall(
      "getGroupParticipants",
      instanceId,
      { chatId },
      readGroupParticipants,
      true,
      chatId,
    );
  }

  /**
   * Every group of the line: its chats (get-chats, page by page) that are groups, each read with
   * get-group-info. One request per page and per group, all through the pacer. A group that goes away
   * between the two reads is left out.
   */
  async listGroups(id: number | string): Promise<GroupInfo[]> {
    const instanceId = normaliseInstanceId(id, "listChats");
    const groups: GroupInfo[] = [];
    for (const chat of await this.chatGroups(instanceId)) {
      const info = await this.getGroupInfo(instanceId, chat.id);
      if (info !== undefined) groups.push(info);
    }
    return groups;
  }

  /**
   * `POST …/client/action/update-group-info`: the subject and/or the description. Nothing is sent when
   * neither is given. The description cannot be read back (get-group-info does not return it).
   */
  async updateGroupInfo(
    id: number | string,
    groupId: string,
    input: { subject?: string; description?: string },
  ): Promise<void> {
    const instanceId = normaliseInstanceId(id, "updateGroupInfo");
    const chatId = checkGroupId(groupId, "updateGroupInfo");
    const body: UpdateGroupInfoBody = { chatId };
    if (input.subject !== undefined)
      body.subject = checkSubject(input.subject, "updateGroupInfo", "a subject");
    if (input.description !== undefined) {
      if (typeof input.description !== "string") {
        throw new TypeError("WaapiClient.updateGroupInfo: a description must be a string");
      }
      body.description = input.description;
    }
    if (body.subject === undefined && body.description === undefined) return;
    await this.groupCall("updateGroupInfo", instanceId, body, readGroupAck, true, chatId);
  }

  /**
   * `POST …/client/action/update-group-settings`: whether only admins may send messages. It cannot be
   * read back (get-group-info does not return it).
   */
  async updateGroupSettings(
    id: number | string,
    groupId: string,
    input: { messageAdminOnly: boolean },
  ): Promise<void> {
    const instanceId = normaliseInstanceId(id, "updateGroupSettings");
    const chatId = checkGroupId(groupId, "updateGroupSettings");
    if (typeof input.messageAdminOnly !== "boolean") {
      throw new TypeError("WaapiClient.updateGroupSettings: messageAdminOnly must be true or false");
    }
    const body: UpdateGroupSettingsBody = { chatId, messageAdminOnly: input.messageAdminOnly };
    await this.groupCall("updateGroupSettings", instanceId, body, readGroupAck, true, chatId);
  }

  /** `POST …/client/action/add-group-participant`. */
  async addGroupParticipant(id: number | string, groupId: string, participant: string): Promise<void> {
    await this.memberAction("addGroupParticipant", id, groupId, participant);
  }

  /** `POST …/client/action/remove-group-participant`. */
  async removeGroupParticipant(id: number | string, groupId: string, participant: string): Promise<void> {
    await this.memberAction("removeGroupParticipant", id, groupId, participant);
  }

  /** `POST …/client/action/promote-group-participant`: makes a member an admin. */
  async promoteGroupParticipant(id: number | string, groupId: string, participant: string): Promise<void> {
    await this.memberAction("promoteGroupParticipant", id, groupId, participant);
  }

  /** `POST …/client/action/demote-group-participant`: makes an admin a plain member. */
  async demoteGroupParticipant(id: number | string, groupId: string, participant: string): Promise<void> {
    await this.memberAction("demoteGroupParticipant", id, groupId, participant);
  }

  private async memberAction(
    operation: MemberOperation,
    id: number | string,
    groupId: string,
    participant: string,
  ): Promise<void> {
    const instanceId = normaliseInstanceId(id, operation);
    const chatId = checkGroupId(groupId, operation);
    const body: MemberActionBody = {
      chatId,
      participant: checkContactId(participant, operation, "the participant"),
    };
    try {
      await this.groupCall(operation, instanceId, body, readGroupAck, true, chatId);
    } catch (error) {
      // A repeat refused after an attempt that may have worked: done if the group shows it worked.
      if (error instanceof WaapiError && error.afterPossibleEffect) {
        const holds = await this.memberStateHolds(operation, instanceId, chatId, body.participant).catch(
          () => false,
        );
        if (holds) return;
      }
      throw error;
    }
  }

  private async memberStateHolds(
    operation: MemberOperation,
    instanceId: string,
    groupId: string,
    participant: string,
  ): Promise<boolean> {
    const info = await this.getGroupInfo(instanceId, groupId);
    if (info === undefined) return false;
    const member = info.participants.find((candidate) => candidate.id === participant);
    switch (operation) {
      case "addGroupParticipant":
        return member !== undefined;
      case "removeGroupParticipant":
        return member === undefined;
      case "promoteGroupParticipant":
        return member?.isAdmin === true;
      case "demoteGroupParticipant":
        return member !== undefined && !member.isAdmin;
    }
  }

  /**
   * The line's group chats, all pages of get-chats. It stops at a page shorter than asked for, and
   * also at one that brings nothing new (a server that ignores `offset` would otherwise loop forever).
   */
  private async chatGroups(instanceId: string): Promise<ChatSummary[]> {
    const seen = new Map<string, ChatSummary>();
    for (let offset = 0; ; offset += CHATS_PAGE_SIZE) {
      const body: ChatsBody = { offset, limit: CHATS_PAGE_SIZE };
      const page = await this.groupCall("listChats", instanceId, body, readChats, true);
      const before = seen.size;
      for (const chat of page) if (!seen.has(chat.id)) seen.set(chat.id, chat);
      if (page.length < CHATS_PAGE_SIZE || seen.size === before) break;
    }
    return [...seen.values()].filter((chat) => chat.isGroup && chat.id.endsWith("@g.us"));
  }

  /** A group route; a refusal is explained by the line's status and its chats (see above). */
  private async groupCall<T>(
    operation: GroupOperation,
    instanceId: string,
    body: unknown,
    read: (value: unknown) => T,
    idempotent: boolean,
    groupId?: string,
  ): Promise<T> {
    try {
      return await this.clientCall(operation, instanceId, body, read, idempotent);
    } catch (error) {
      throw await this.explainRefusal(error, instanceId, groupId);
    }
  }

  private async explainRefusal(
    error: unknown,
    instanceId: string,
    groupId: string | undefined,
  ): Promise<unknown> {
    const refused =
      error instanceof WaapiActionError ||
      error instanceof WaapiNotFoundError ||
      error instanceof WaapiHttpError;
    if (!refused) return error;
    let status: InstanceStatus;
    try {
      status = (await this.getClientStatus(instanceId)).instanceStatus;
    } catch {
      return error; // e.g. the instance itself is gone: the original 404 says so
    }
    if (status !== LINKED_STATUS) return new WaapiLineNotReadyError(contextOf(error), instanceId, status);
    if (groupId === undefined) return error;
    let known: boolean;
    try {
      known = (await this.chatGroups(instanceId)).some((chat) => chat.id === groupId);
    } catch {
      return error;
    }
    return known ? error : new WaapiGroupNotFoundError(contextOf(error), instanceId, groupId);
  }

  /** A linked-client route from the vocabulary; a 200 reporting `"status":"error"` is a WaapiActionError. */
  private async clientCall<T>(
    operation: ClientOperation | GroupOperation,
    id: number | string,
    body: unknown,
    read: (value: unknown) => T,
    idempotent?: boolean,
  ): Promise<T> {
    const instanceId = normaliseInstanceId(id, operation);
    const route = CLIENT_ROUTES[operation];
    const spec: RequestSpec = {
      operation,
      method: route.method,
      path: route.path.replace("{id}", instanceId),
      instanceId,
      ...(body === undefined ? {} : { body }),
      ...(idempotent === undefined ? {} : { idempotent }),
    };
    return this.call(spec, read);
  }

  /** Keeps the token out of `JSON.stringify(client)`. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.redact(this.baseUrl) };
  }

  /** Keeps the token out of `util.inspect(client)` and console.log. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `WaapiClient { baseUrl: ${JSON.stringify(this.redact(this.baseUrl))} }`;
  }

  /** Sends the request with retries, then reads a 2xx body with `read` (none for DELETE). */
  private async call<T>(spec: RequestSpec, read: (value: unknown) => T): Promise<T>;
  private async call(spec: RequestSpec, read: undefined): Promise<undefined>;
  private async call<T>(
    spec: RequestSpec,
    read: ((value: unknown) => T) | undefined,
  ): Promise<T | undefined> {
    const { answer, attempts, afterPossibleEffect } = await this.send(spec);
    const context = this.context(spec, attempts, answer.statusCode);
    // A refusal in a 2xx may describe what an earlier, lost attempt did ("already a participant").
    if (afterPossibleEffect) context.afterPossibleEffect = true;
    // A 2xx to a POST means the server acted, whatever the body says: the outcome is not known to us.
    if (!isIdempotent(spec)) context.outcomeUnknown = true;
    if (read === undefined) return undefined;
    // A create that succeeded but cannot be read has still made a (paid) instance: say so.
    const createdHint =
      spec.operation === "createInstance"
        ? " The instance has probably been created: check the waapi.app dashboard or `GET /instances`" +
          " before trying again, to avoid a duplicate."
        : "";
    const parsed = parseJson(answer.body);
    if (parsed === undefined)
      throw new WaapiResponseError(context, this.notJsonProblem(answer) + createdHint);
    try {
      return read(parsed.value);
    } catch (error) {
      if (error instanceof ActionFailedError) {
        const serverMessage = error.serverMessage;
        throw new WaapiActionError(
          serverMessage === undefined ? context : { ...context, serverMessage: this.redact(serverMessage) },
        );
      }
      if (error instanceof ResponseShapeError) {
        throw new WaapiResponseError(context, this.redact(error.message) + createdHint);
      }
      throw error;
    }
  }

  /** The attempt loop: returns the first 2xx answer, or throws the error of the last failed attempt. */
  private async send(
    spec: RequestSpec,
  ): Promise<{ answer: Answer; attempts: number; afterPossibleEffect: boolean }> {
    let retries = 0; // those that count against retry.limit
    let rateLimitWaitedMs = 0;
    let afterPossibleEffect = false;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.admit();
      const outcome = await this.attempt(spec);
      if ("answer" in outcome && outcome.answer.statusCode >= 200 && outcome.answer.statusCode < 300) {
        return { answer: outcome.answer, attempts: attempt, afterPossibleEffect };
      }
      const failure: AttemptFailure =
        "answer" in outcome
          ? { kind: "status", statusCode: outcome.answer.statusCode, retryAfter: outcome.answer.retryAfter }
          : { kind: "network", code: outcome.code, timedOut: outcome.timedOut };
      const delayMs = retryDelay(failure, attempt, this.retry, this.random);
      // A 429 that says when to come back is waited out (within its own budget), not given up on.
      const toldToWait =
        failure.kind === "status" &&
        failure.statusCode === 429 &&
        parseRetryAfter(failure.retryAfter) !== undefined;
      const budgetLeft = toldToWait
        ? rateLimitWaitedMs + delayMs <= this.retry.rateLimitWaitMs
        : retries < this.retry.limit;
      if (!budgetLeft || !isRetryable(spec.method, failure, isIdempotent(spec))) {
        const outcomeUnknown = !isIdempotent(spec) && serverMayHaveActed(failure);
        throw "answer" in outcome
          ? this.statusError(spec, outcome.answer, attempt, { outcomeUnknown, afterPossibleEffect })
          : new WaapiNetworkError(
              { ...this.context(spec, attempt), outcomeUnknown, afterPossibleEffect },
              {
                networkCode: outcome.code,
                timedOut: outcome.timedOut,
                host: this.host,
                timeoutMs: this.timeoutMs,
                detail: outcome.detail,
              },
            );
      }
      afterPossibleEffect ||= serverMayHaveActed(failure);
      if (toldToWait) rateLimitWaitedMs += delayMs;
      else retries++;
      // The limit is the account's: every request of the process waits it out, not only this one.
      if (failure.kind === "status" && failure.statusCode === 429) this.pacer.pause(delayMs);
      this.notifyRetry({
        operation: spec.operation,
        method: spec.method,
        path: spec.path,
        attempt,
        delayMs,
        reason:
          failure.kind === "status"
            ? `HTTP ${failure.statusCode}`
            : failure.timedOut
              ? "timeout"
              : failure.code,
      });
      await this.sleep(delayMs);
    }
  }

  /**
   * One HTTP exchange. got's error is reduced to plain strings right here and then dropped: it
   * holds the request options, Authorization header included.
   */
  private async attempt(
    spec: RequestSpec,
  ): Promise<{ answer: Answer } | { code: string; timedOut: boolean; detail: string }> {
    let response: Response<string>;
    try {
      const request = await loadGot();
      response = await request(this.baseUrl + spec.path, {
        method: spec.method,
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          // Without it Laravel answers an unauthenticated call with an HTML redirect to the login page.
          accept: "application/json",
          "content-type": "application/json",
          "user-agent": this.userAgent,
        },
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        ...(spec.searchParams === undefined ? {} : { searchParams: spec.searchParams }),
        responseType: "text",
        // Status codes are ours to judge, and got's HTTPError message would contain the full URL.
        throwHttpErrors: false,
        // A redirect from this API is the login page, never the answer; report it instead of following.
        followRedirect: false,
        // Our own retry loop decides, because POST needs rules got's retry cannot express.
        retry: { limit: 0 },
        timeout: { request: this.timeoutMs },
      });
    } catch (error: unknown) {
      const { name, code, message } =
        typeof error === "object" && error !== null
          ? (error as { name?: unknown; code?: unknown; message?: unknown })
          : { name: undefined, code: undefined, message: undefined };
      return {
        code: typeof code === "string" ? code : "ERR_UNKNOWN",
        timedOut: name === "TimeoutError",
        detail: this.redact(typeof message === "string" ? message : String(error)).slice(0, 200),
      };
    }
    return {
      answer: {
        statusCode: response.statusCode,
        body: response.body,
        contentType: firstHeader(response.headers["content-type"]),
        retryAfter: firstHeader(response.headers["retry-after"]),
        location: firstHeader(response.headers.location),
      },
    };
  }

  /** Turns an unsuccessful status into the matching typed error. */
  private statusError(
    spec: RequestSpec,
    answer: Answer,
    attempts: number,
    flags: Pick<WaapiErrorContext, "outcomeUnknown" | "afterPossibleEffect">,
  ): WaapiError {
    const parsed = parseJson(answer.body);
    const { message, fieldErrors } = readErrorBody(parsed?.value);
    const context = { ...this.context(spec, attempts, answer.statusCode, message), ...flags };
    const status = answer.statusCode;
    if (status === 401) return new WaapiAuthenticationError(context);
    if (status === 403) return new WaapiPermissionError(context);
    if (status === 404) return new WaapiNotFoundError(context, spec.instanceId);
    if (status === 422) {
      const redacted = Object.fromEntries(
        Object.entries(fieldErrors).map(([field, problems]) => [
          this.redact(field),
          problems.map((problem) => this.redact(problem)),
        ]),
      );
      return new WaapiValidationError(context, redacted);
    }
    if (status === 429) return new WaapiRateLimitError(context, parseRetryAfter(answer.retryAfter));
    if (status >= 500) return new WaapiServerError(context);
    if (status >= 300 && status < 400) {
      return new WaapiResponseError(
        context,
        `it redirected to ${this.describeLocation(answer.location)} instead of answering. Laravel redirects ` +
          "requests it does not take for API calls to the login page; check that the base URL " +
          `${this.describeLocation(this.baseUrl)} is the API (${DEFAULT_BASE_URL}) and that no proxy drops the Accept header.`,
      );
    }
    if (parsed === undefined && answer.body.trim() !== "") {
      return new WaapiResponseError(context, this.notJsonProblem(answer));
    }
    return new WaapiHttpError(context);
  }

  private context(
    spec: RequestSpec,
    attempts: number,
    statusCode?: number,
    serverMessage?: string,
  ): WaapiErrorContext {
    const context: WaapiErrorContext = {
      operation: spec.operation,
      method: spec.method,
      path: spec.path,
      attempts,
    };
    if (statusCode !== undefined) context.statusCode = statusCode;
    if (serverMessage !== undefined) context.serverMessage = this.redact(serverMessage);
    return context;
  }

  private notJsonProblem(answer: Answer): string {
    const start = this.redact(answer.body.replace(/\s+/g, " ").trim().slice(0, 60));
    const looksHtml = /^\s*</.test(answer.body) || (answer.contentType ?? "").includes("html");
    return (
      `the body is not JSON (content-type ${JSON.stringify(answer.contentType ?? "none")}, ` +
      `starts with ${JSON.stringify(start)}).` +
      (looksHtml
        ? ` An HTML page usually means the base URL ${this.describeLocation(this.baseUrl)} does not point at the API ` +
          `(${DEFAULT_BASE_URL}) or the request was redirected to the login page.`
        : "")
    );
  }

  /** A redirect target without credentials or query string. */
  private describeLocation(location: string | undefined): string {
    if (location === undefined) return "an unnamed location";
    try {
      const url = new URL(location, this.baseUrl);
      return this.redact(`${url.origin}${url.pathname}`);
    } catch {
      return "an unreadable location";
    }
  }

  private notifyRetry(event: RetryEvent): void {
    try {
      this.onRetry?.(event);
    } catch {
      // A logging hook must not change the outcome of the call.
    }
  }

  /** Belt and braces: server messages and low-level errors could echo a credential back. */
  private redact(text: string): string {
    return this.secrets.reduce((result, secret) => result.split(secret).join(REDACTED), text);
  }
}
