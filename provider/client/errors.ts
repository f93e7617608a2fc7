/**
 * The errors the WAAPI client throws. Each one is built from plain values only (strings and
 * numbers): got's own errors carry the request options, and with them the `Authorization` header,
 * so they are never rethrown, wrapped as `cause` or kept on a property.
 */
import {
  OPERATION_PERMISSIONS,
  type InstanceOperation,
  type InstanceStatus,
  type Permission,
} from "../waapi-api";
import type { HttpMethod } from "./retry";

/** Where a failure happened and how far the client got; shared by every WAAPI error. */
export interface WaapiErrorContext {
  operation: InstanceOperation;
  method: HttpMethod;
  /** The request path below the base URL, e.g. "/instances/42"; never the full URL. */
  path: string;
  /** How many attempts were made, retries included. */
  attempts: number;
  statusCode?: number;
  /** The `message` of the server's JSON error body, if it sent one. */
  serverMessage?: string;
  /** A POST the server may have acted on (the client's retry policy decides; see serverMayHaveActed). */
  outcomeUnknown?: boolean;
  /**
   * An earlier attempt of this call failed in a way that leaves open whether the server acted on it
   * (a 5xx, a reset, a timeout), so this answer may describe that attempt's effect: a 404 to a DELETE
   * retried after a 502 may mean the first attempt deleted the instance.
   */
  afterPossibleEffect?: boolean;
}

export type WaapiErrorCode =
  | "ERR_WAAPI_UNAUTHORIZED"
  | "ERR_WAAPI_FORBIDDEN"
  | "ERR_WAAPI_NOT_FOUND"
  | "ERR_WAAPI_VALIDATION"
  | "ERR_WAAPI_RATE_LIMITED"
  | "ERR_WAAPI_SERVER"
  | "ERR_WAAPI_HTTP"
  | "ERR_WAAPI_NETWORK"
  | "ERR_WAAPI_UNEXPECTED_RESPONSE"
  | "ERR_WAAPI_ACTION_FAILED"
  // The group errors (agreed with the Group resource and the doors, which branch on these codes):
  | "WAAPI_LINE_NOT_READY"
  | "WAAPI_GROUP_NOT_FOUND"
  | "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN";

const TOKEN_HELP = 'Create a new token under "User API Tokens" in the waapi.app dashboard.';

function describeRequest(context: WaapiErrorContext): string {
  return `${context.operation} (${context.method} ${context.path})`;
}

function quoted(serverMessage: string | undefined): string {
  return serverMessage === undefined ? "no message" : JSON.stringify(serverMessage);
}

function afterAttempts(attempts: number): string {
  return attempts === 1 ? "" : ` after ${attempts} attempts`;
}

/** The base of every error the client throws; `code` tells the kinds apart without instanceof. */
export class WaapiError extends Error {
  override name = "WaapiError";
  readonly code: WaapiErrorCode;
  readonly operation: InstanceOperation;
  readonly method: HttpMethod;
  readonly path: string;
  readonly statusCode?: number;
  readonly serverMessage?: string;
  readonly attempts: number;
  /**
   * True when a non-idempotent request (POST /instances) failed in a way that leaves open whether the
   * server acted: it may have created an instance, and the client deliberately did not retry.
   */
  readonly outcomeUnknown: boolean;
  /** An earlier attempt may have been acted on, so this answer may describe its effect (see the context). */
  readonly afterPossibleEffect: boolean;

  constructor(code: WaapiErrorCode, message: string, context: WaapiErrorContext) {
    super(message);
    this.outcomeUnknown = context.outcomeUnknown ?? false;
    this.afterPossibleEffect = context.afterPossibleEffect ?? false;
    this.code = code;
    this.operation = context.operation;
    this.method = context.method;
    this.path = context.path;
    if (context.statusCode !== undefined) this.statusCode = context.statusCode;
    if (context.serverMessage !== undefined) this.serverMessage = context.serverMessage;
    this.attempts = context.attempts;
  }
}

/** 401: the token is wrong, or was deleted in the dashboard (tokens never expire on their own). */
export class WaapiAuthenticationError extends WaapiError {
  override name = "WaapiAuthenticationError";

  constructor(context: WaapiErrorContext) {
    super(
      "ERR_WAAPI_UNAUTHORIZED",
      `WAAPI rejected the API token for ${describeRequest(context)} with 401 (${quoted(context.serverMessage)}): ` +
        `the token is invalid or has been deleted. ${TOKEN_HELP}`,
      context,
    );
  }
}

/** 403: the token lacks the permission, or an account limit (e.g. the instance limit) is reached. */
export class WaapiPermissionError extends WaapiError {
  override name = "WaapiPermissionError";
  /** The token permission the operation needs. */
  readonly permission: Permission;

  constructor(context: WaapiErrorContext) {
    const permission = OPERATION_PERMISSIONS[context.operation];
    super(
      "ERR_WAAPI_FORBIDDEN",
      `WAAPI refused ${describeRequest(context)} with 403: ${quoted(context.serverMessage)}. ` +
        `This call needs an API token with the "${permission}" permission; if the token has it, ` +
        "an account limit has probably been reached (for example the total instance limit). " +
        'Check the token\'s permissions under "User API Tokens" and the limits of your plan.',
      context,
    );
    this.permission = permission;
  }
}

/** 404: no such instance, or one that belongs to another account than the token's. */
export class WaapiNotFoundError extends WaapiError {
  override name = "WaapiNotFoundError";
  readonly instanceId?: string;

  constructor(context: WaapiErrorContext, instanceId?: string) {
    const what = instanceId === undefined ? "The resource" : `Instance ${instanceId}`;
    super(
      "ERR_WAAPI_NOT_FOUND",
      `${what} was not found: ${describeRequest(context)} answered 404 (${quoted(context.serverMessage)}). ` +
        "It may have been deleted by someone else, or it belongs to another account than the API token's.",
      context,
    );
    if (instanceId !== undefined) this.instanceId = instanceId;
  }
}

/** 422: the server rejected the request body; `fieldErrors` maps field paths to its complaints. */
export class WaapiValidationError extends WaapiError {
  override name = "WaapiValidationError";
  readonly fieldErrors: Record<string, string[]>;

  constructor(context: WaapiErrorContext, fieldErrors: Record<string, string[]>) {
    const fields = Object.entries(fieldErrors).map(([field, problems]) => `${field}: ${problems.join(" ")}`);
    super(
      "ERR_WAAPI_VALIDATION",
      `WAAPI rejected ${describeRequest(context)} as invalid (422): ${quoted(context.serverMessage)}` +
        (fields.length > 0 ? `\n  - ${fields.join("\n  - ")}` : ""),
      context,
    );
    this.fieldErrors = fieldErrors;
  }
}

/** 429 on every attempt: the retries could not wait the limit out. */
export class WaapiRateLimitError extends WaapiError {
  override name = "WaapiRateLimitError";
  /** The wait the server asked for in its last answer, if it said. */
  readonly retryAfterMs?: number;

  constructor(context: WaapiErrorContext, retryAfterMs?: number) {
    super(
      "ERR_WAAPI_RATE_LIMITED",
      `WAAPI kept rate-limiting ${describeRequest(context)}: 429${afterAttempts(context.attempts)} ` +
        `(${quoted(context.serverMessage)}). Wait a minute and try again, or run fewer operations at once.`,
      context,
    );
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx: a fault on waapi.app's side (or its proxy), still there after the retries allowed. */
export class WaapiServerError extends WaapiError {
  override name = "WaapiServerError";

  constructor(context: WaapiErrorContext) {
    const status = context.statusCode ?? 500;
    const base =
      `${context.method} ${context.path} failed${afterAttempts(context.attempts)}: WAAPI answered ${status} ` +
      `(${quoted(context.serverMessage)}) to ${context.operation}.`;
    const advice =
      context.operation === "createInstance"
        ? " It was not retried: the server may have created the instance before failing, and a retry " +
          "could create a duplicate (paid) instance. Check the waapi.app dashboard or `GET /instances` " +
          "for a new instance before trying again."
        : context.outcomeUnknown === true
          ? " It was not retried, because the server may have acted on it before failing; check the " +
            "line's status (GET /instances/{id}/client/status) before trying again."
          : " This is a fault on waapi.app's side; try again later.";
    super("ERR_WAAPI_SERVER", base + advice, context);
  }
}

/** Any other unsuccessful status (400, 405, 409, …) that the API does not document. */
export class WaapiHttpError extends WaapiError {
  override name = "WaapiHttpError";

  constructor(context: WaapiErrorContext) {
    super(
      "ERR_WAAPI_HTTP",
      `WAAPI answered ${context.statusCode ?? "an error"} to ${describeRequest(context)}: ` +
        `${quoted(context.serverMessage)}.`,
      context,
    );
  }
}

export interface NetworkFailureDetails {
  /** The system or got error code, e.g. "ECONNREFUSED" or "ETIMEDOUT". */
  networkCode: string;
  /** True when our own per-attempt timeout fired. */
  timedOut: boolean;
  /** The host the client tried to reach (no credentials), for messages. */
  host: string;
  timeoutMs: number;
  /** A short, token-free description of the low-level failure. */
  detail: string;
}

/** No usable answer arrived: connection refused or reset, DNS failure, or our timeout. */
export class WaapiNetworkError extends WaapiError {
  override name = "WaapiNetworkError";
  readonly networkCode: string;
  readonly timedOut: boolean;

  constructor(context: WaapiErrorContext, details: NetworkFailureDetails) {
    const outcomeUnknown = context.outcomeUnknown ?? false;
    const failure = details.timedOut
      ? `timed out after ${details.timeoutMs} ms`
      : `could not complete (${details.networkCode}: ${details.detail})`;
    const message = !outcomeUnknown
      ? `${context.method} ${context.path} (${context.operation}) to ${details.host} ${failure}` +
        `${afterAttempts(context.attempts)}. Check the network connection and the base URL.`
      : context.operation !== "createInstance"
        ? `${context.method} ${context.path} (${context.operation}) to ${details.host} ${failure}. ` +
          "The outcome is unknown: WAAPI may have acted on it, so it was deliberately not retried. " +
          "Check the line's status before trying again."
        : `${context.method} ${context.path} (${context.operation}) to ${details.host} ${failure}. ` +
          "The outcome is unknown: WAAPI may have created an instance. The request was deliberately not " +
          "retried, to avoid creating a duplicate (paid) instance. Check the waapi.app dashboard or " +
          "`GET /instances` for a new instance before running again; if one was created, take it over " +
          "instead of creating another.";
    super("ERR_WAAPI_NETWORK", message, context);
    this.networkCode = details.networkCode;
    this.timedOut = details.timedOut;
  }
}

/** A 2xx (or redirect) whose body is not what the API documents: not JSON, or the wrong shape. */
export class WaapiResponseError extends WaapiError {
  override name = "WaapiResponseError";
  /** What was wrong with the answer. */
  readonly problem: string;
  /**
   * The server answered 2xx: it took the request — a write was applied — and only its answer could
   * not be read.
   */
  readonly accepted: boolean;

  constructor(context: WaapiErrorContext, problem: string) {
    super(
      "ERR_WAAPI_UNEXPECTED_RESPONSE",
      `WAAPI sent an unexpected answer to ${describeRequest(context)}` +
        `${context.statusCode === undefined ? "" : ` (status ${context.statusCode})`}: ${problem}`,
      context,
    );
    this.problem = problem;
    this.accepted = context.statusCode !== undefined && context.statusCode >= 200 && context.statusCode < 300;
  }
}

/**
 * A linked-client call answered 200 but with `"status": "error"` (e.g. a QR code asked for while the
 * line is already linked, or `/client/me` of a line nobody linked): the server did not do it.
 */
export class WaapiActionError extends WaapiError {
  override name = "WaapiActionError";

  constructor(context: WaapiErrorContext) {
    super(
      "ERR_WAAPI_ACTION_FAILED",
      `WAAPI could not carry out ${describeRequest(context)}: it answered ${context.statusCode ?? 200} with ` +
        `"status":"error" (${quoted(context.serverMessage)}). Check the line's status ` +
        "(GET /instances/{id}/client/status): most client actions need a particular state.",
      context,
    );
  }
}

// --- groups of a linked line ---

/**
 * A group call refused because the line is not linked: WAAPI's client is not `ready` (it is booting,
 * waiting for its QR code to be scanned, disconnected, …). The client learns the status by asking
 * `GET …/client/status` after the refusal, so this holds whatever words the server refused with.
 */
export class WaapiLineNotReadyError extends WaapiError {
  override name = "WaapiLineNotReadyError";
  readonly instanceId: string;
  /** The line's status when the call was refused. */
  readonly status: InstanceStatus;

  constructor(context: WaapiErrorContext, instanceId: string, status: InstanceStatus) {
    super(
      "WAAPI_LINE_NOT_READY",
      `Instance ${instanceId}'s WhatsApp line is not linked (status ${status}), so ${describeRequest(context)} ` +
        `was refused${context.serverMessage === undefined ? "" : ` (${quoted(context.serverMessage)})`}: ` +
        "group calls need a line in status ready. Link it (scan its QR code or enter a pairing code) and try again.",
      // The server refused: it did nothing, whatever a 2xx to a POST would otherwise leave open.
      { ...context, outcomeUnknown: false },
    );
    this.instanceId = instanceId;
    this.status = status;
  }
}

/** No group with that id on that line: never created there, or the line has left it. */
export class WaapiGroupNotFoundError extends WaapiError {
  override name = "WaapiGroupNotFoundError";
  readonly instanceId: string;
  readonly groupId: string;

  constructor(context: WaapiErrorContext, instanceId: string, groupId: string) {
    super(
      "WAAPI_GROUP_NOT_FOUND",
      `Group ${groupId} was not found on instance ${instanceId}'s line: ${describeRequest(context)} was refused ` +
        `(${quoted(context.serverMessage)}) and the line's chats hold no such group. It may have been left ` +
        "or deleted on the phone, or it belongs to another line.",
      { ...context, outcomeUnknown: false },
    );
    this.instanceId = instanceId;
    this.groupId = groupId;
  }
}

/**
 * A create-group that may or may not have made a group: the request failed after WAAPI may have
 * acted (a 5xx, a reset, a timeout) or its 2xx answer could not be read. It is never retried blindly,
 * since a second POST would make a second group. `candidates` are the ids of the line's groups with
 * the requested subject, read after the failure (undefined when they could not be read), for the
 * caller to adopt or to show.
 */
export class WaapiGroupCreateOutcomeUnknownError extends WaapiError {
  override name = "WaapiGroupCreateOutcomeUnknownError";
  readonly instanceId: string;
  readonly subject: string;
  readonly candidates: readonly string[] | undefined;
  /** What went wrong with the create itself: the status, network failure or unreadable answer. */
  readonly failure: string;

  constructor(
    context: WaapiErrorContext,
    facts: {
      instanceId: string;
      subject: string;
      candidates: readonly string[] | undefined;
      failure: string;
    },
  ) {
    const found =
      facts.candidates === undefined
        ? "The line's groups could not be read to check."
        : facts.candidates.length === 0
          ? `The line has no group named ${JSON.stringify(facts.subject)} now.`
          : `The line has ${facts.candidates.length} group(s) named ${JSON.stringify(facts.subject)} now: ` +
            `${facts.candidates.join(", ")}.`;
    super(
      "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN",
      `${describeRequest(context)} on instance ${facts.instanceId} failed (${facts.failure}) after WAAPI may ` +
        `have created the group; it was deliberately not retried, to avoid a duplicate group. ${found}`,
      { ...context, outcomeUnknown: true },
    );
    this.instanceId = facts.instanceId;
    this.subject = facts.subject;
    this.candidates = facts.candidates === undefined ? undefined : [...facts.candidates];
    this.failure = facts.failure;
  }
}
