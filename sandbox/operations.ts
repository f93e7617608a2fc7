/**
 * The instance endpoints as operations on the store: what each answers for an authenticated account.
 * Authentication, permissions, faults and logging happen around these, in the server.
 */
import QRCode from "qrcode";
import type {
  ApiInstance,
  ClientActionResponse,
  ClientErrorResponse,
  ClientMeResponse,
  ClientStatusResponse,
  InstanceListResponse,
  InstanceResponse,
  InstanceStatus,
  InstanceUpdateResponse,
  PairingCodeResponse,
  QrCodeResponse,
} from "../provider/waapi-api";
import { boot, requestPairingCode as handOutPairingCode } from "./client-lifecycle";
import {
  errorResult,
  instanceLimitReached,
  json,
  modelNotFound,
  validationFailed,
  type ApiResult,
} from "./responses";
import type { SandboxStore } from "./store";
import { isPlainObject, validateInstanceUpdate, validatePairingRequest } from "./validation";

export type RetrieveShape = "instances" | "instance";

/** The request, as far as an operation needs it. */
export interface OperationContext {
  store: SandboxStore;
  account: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body: an object, `"invalid"` when the body is not a JSON object, or `{}` when none was read. */
  input: Record<string, unknown> | "invalid";
  /** `<scheme>://<host>/api/v1` as the client addressed it, for `links.self`. */
  baseUrl: string;
  /** The request path below `/api/v1` without the query, for `links.self` of the client routes. */
  path: string;
  retrieveShape: RetrieveShape;
}

export type Operation = (ctx: OperationContext) => ApiResult | Promise<ApiResult>;

/** `{id}` as route model binding sees it: a decimal id within JavaScript's exact integer range. */
function parseId(raw: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function bound(
  ctx: OperationContext,
): { id: number; instance: ApiInstance; instanceStatus: InstanceStatus } | ApiResult {
  const raw = ctx.params.id ?? "";
  const id = parseId(raw);
  const found = id === undefined ? undefined : ctx.store.findInstance(ctx.account, id);
  if (id === undefined || !found) return modelNotFound(raw);
  return { id, ...found };
}

export function isResult(value: object): value is ApiResult {
  return "status" in value;
}

/** The `data` / `clientStatus` object both `PUT /instances/{id}` and the client status answer with. */
function instanceState(
  instance: ApiInstance,
  instanceStatus: InstanceStatus,
): InstanceUpdateResponse["data"] {
  return {
    status: "success",
    instanceId: String(instance.id),
    name: instance.name,
    instanceStatus,
    instanceWebhook: instance.webhook_url,
    instanceEvents: [...instance.webhook_events],
  };
}

export const listInstances: Operation = (ctx) => {
  const body: InstanceListResponse = {
    instances: ctx.store.listInstances(ctx.account, ctx.query.filter),
    status: "success",
  };
  return json(200, body);
};

export const createInstance: Operation = (ctx) => {
  const created = ctx.store.createInstance(ctx.account);
  if (created === "limit") return instanceLimitReached(ctx.store.account(ctx.account).instanceLimit);
  const body: InstanceResponse = { instance: created, status: "success" };
  return json(200, body);
};

export const retrieveInstance: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  if (ctx.retrieveShape === "instance") {
    const body: InstanceResponse = { instance: found.instance, status: "success" };
    return json(200, body);
  }
  const body: InstanceListResponse = { instances: [found.instance], status: "success" };
  return json(200, body);
};

export const updateInstance: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  if (ctx.input === "invalid" || !isPlainObject(ctx.input)) {
    // Laravel would read such a body as no input at all; the sandbox is stricter so client bugs show.
    return validationFailed({ body: ["The request body must be a JSON object."] });
  }
  const checked = validateInstanceUpdate(ctx.input);
  if (!checked.ok) return validationFailed(checked.errors);
  const updated = ctx.store.updateInstance(found.id, checked.changes);
  const body: InstanceUpdateResponse = {
    data: instanceState(updated, found.instanceStatus),
    links: { self: `${ctx.baseUrl}/instances/${found.id}` },
    status: "success",
  };
  return json(200, body);
};

export const deleteInstance: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  ctx.store.deleteInstance(found.id, { shrinkLimit: true });
  return { status: 204 };
};

export const clientStatus: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  const body: ClientStatusResponse = {
    clientStatus: instanceState(found.instance, found.instanceStatus),
    links: { self: `${ctx.baseUrl}/instances/${found.id}/client/status` },
    status: "success",
  };
  return json(200, body);
};

// --- the linked client: QR code, who linked it, pairing, reboot, logout ---

/**
 * A linked-client request the client's state does not allow. The contract documents no error answer
 * for these routes; the sandbox answers 200 with `"status": "error"` and a message, the shape every
 * answer of the contract allows (`status` is success|error), and the one a careful client refuses.
 */
export function clientError(ctx: OperationContext, message: string): ApiResult {
  const body: ClientErrorResponse = { status: "error", message, links: { self: ctx.baseUrl + ctx.path } };
  return json(200, body);
}

/** PNG data URLs by payload: a client polling the QR code gets the same image until it rotates. */
const qrImages = new Map<string, Promise<string>>();

function qrImage(payload: string): Promise<string> {
  let image = qrImages.get(payload);
  if (image === undefined) {
    // A real QR code (ISO/IEC 18004) from a well-kept encoder, so a decoder reads back the payload.
    image = QRCode.toDataURL(payload, { type: "image/png", errorCorrectionLevel: "M", margin: 4, scale: 4 });
    qrImages.set(payload, image);
    if (qrImages.size > 64) {
      const oldest = qrImages.keys().next().value;
      if (oldest !== undefined) qrImages.delete(oldest);
    }
  }
  return image;
}

export const qrCode: Operation = async (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  const client = ctx.store.clientView(found.id);
  const payload = client.qrPayload;
  if (payload === undefined) {
    return clientError(ctx, `There is no QR code to scan: the client's status is ${client.instanceStatus}.`);
  }
  const body: QrCodeResponse = {
    qrCode: { status: "success", instanceId: String(found.id), data: { qr_code: await qrImage(payload) } },
    links: { self: ctx.baseUrl + ctx.path },
    status: "success",
  };
  return json(200, body);
};

export const clientMe: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  const me = ctx.store.linkedAccount(found.id);
  if (me === undefined) {
    return clientError(ctx, `No WhatsApp account is linked: the client's status is ${found.instanceStatus}.`);
  }
  // The contract's key for this answer is `qrCode` (sic); the sandbox answers as published.
  const body: ClientMeResponse = {
    qrCode: { status: "success", instanceId: String(found.id), data: me },
    links: { self: ctx.baseUrl + ctx.path },
    status: "success",
  };
  return json(200, body);
};

export const requestPairingCode: Operation = (ctx) => {
  const found = bound(ctx);
  if (isResult(found)) return found;
  if (ctx.input === "invalid" || !isPlainObject(ctx.input)) {
    return validationFailed({ body: ["The request body must be a JSON object."] });
  }
  const checked = validatePairingRequest(ctx.input);
  if (!checked.ok) return validationFailed(checked.errors);
  const outcome = ctx.store.withClient(found.id, (slot, now, timing) =>
    handOutPairingCode(slot, checked.phoneNumber.trim(), now, timing),
  );
  if ("retryAfterSeconds" in outcome) {
    // "limited to 2 per minute" (contract): Laravel's throttle answer. Counted per instance, codes handed out only.
    const limited = errorResult(429, "Too Many Attempts.");
    limited.headers = {
      "Retry-After": String(outcome.retryAfterSeconds),
      "X-RateLimit-Limit": "2",
      "X-RateLimit-Remaining": "0",
    };
    return limited;
  }
  if ("refused" in outcome) return clientError(ctx, outcome.refused);
  const body: PairingCodeResponse = {
    data: { status: "success", instanceId: found.id, data: { pairingCode: outcome.code } },
    links: { self: ctx.baseUrl + ctx.path },
    status: "success",
  };
  return json(200, body);
};

/**
 * Reboot and logout both end the session (the contract: after a reboot "the instance will need to be
 * re-authenticated"): the client boots again and shows a new QR code after the boot delay.
 */
function restart(kind: "reboot" | "logout"): Operation {
  return (ctx) => {
    const found = bound(ctx);
    if (isResult(found)) return found;
    ctx.store.withClient(found.id, (slot, now, timing) => boot(slot, now, timing));
    const body: ClientActionResponse = {
      data: { status: "success", instanceId: found.id, ...(kind === "logout" ? { data: [] } : {}) },
      links: { self: ctx.baseUrl + ctx.path },
      status: "success",
    };
    return json(200, body);
  };
}

export const rebootClient: Operation = restart("reboot");
export const logoutClient: Operation = restart("logout");
