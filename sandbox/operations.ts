/**
 * The instance endpoints as operations on the store: what each answers for an authenticated account.
 * Authentication, permissions, faults and logging happen around these, in the server.
 */
import type {
  ApiInstance,
  InstanceListResponse,
  InstanceResponse,
  InstanceStatus,
  InstanceUpdateResponse,
} from "../provider/waapi-api";
import { instanceLimitReached, json, modelNotFound, validationFailed, type ApiResult } from "./responses";
import type { SandboxStore } from "./store";
import { isPlainObject, validateInstanceUpdate } from "./validation";

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
  retrieveShape: RetrieveShape;
}

export type Operation = (ctx: OperationContext) => ApiResult;

/** `{id}` as route model binding sees it: a decimal id within JavaScript's exact integer range. */
function parseId(raw: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

function bound(
  ctx: OperationContext,
): { id: number; instance: ApiInstance; instanceStatus: InstanceStatus } | ApiResult {
  const raw = ctx.params.id ?? "";
  const id = parseId(raw);
  const found = id === undefined ? undefined : ctx.store.findInstance(ctx.account, id);
  if (id === undefined || !found) return modelNotFound(raw);
  return { id, ...found };
}

function isResult(value: object): value is ApiResult {
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
  return json(200, {
    clientStatus: instanceState(found.instance, found.instanceStatus),
    links: { self: `${ctx.baseUrl}/instances/${found.id}/client/status` },
    status: "success",
  });
};
