/**
 * Minimal checks of WAAPI's JSON answers. The client hands the provider typed values; if the API
 * ever answers something else, it is better to stop with a clear message than to write a
 * half-understood instance into the Pulumi state.
 */
import type { ApiInstance, InstanceStatus, InstanceUpdateResponse } from "../waapi-api";

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
