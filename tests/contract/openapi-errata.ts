/**
 * Errata for the published WAAPI OpenAPI contract ("WaAPI API" v1.6.0, shared/waapi-openapi.json).
 *
 * The contract's response schemas for the instance endpoints contain defects that make every honest
 * response fail validation. Rather than loosening the validator (or skipping keywords), each defect is
 * listed here with the exact text the contract publishes, what the contract test applies instead, and
 * why. The test checks that every `published` value still matches the contract: when waapi.app fixes
 * one, that test fails and the erratum should be dropped.
 *
 * Separately, `TIGHTENINGS` add what the API documentation guarantees but the contract leaves out
 * (required keys, no unknown keys, formats). They only add keywords; a test checks they never
 * override anything the contract says.
 */
import { INSTANCE_STATUSES, WEBHOOK_EVENTS } from "../../provider/waapi-api";

export interface Erratum {
  /** JSON pointer (RFC 6901) into the contract document. */
  pointer: string;
  /** The schema the contract publishes at `pointer`, exactly. */
  published: unknown;
  /** The schema the contract test validates with instead. */
  applied: unknown;
  why: string;
}

export interface Tightening {
  /** JSON pointer to a schema object in the contract. */
  pointer: string;
  /** Keywords added to that schema; none of them may already be present. */
  add: Record<string, unknown>;
  why: string;
}

/** A JSON pointer from path segments (escaping "~" and "/"). */
export function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

const response200 = (path: string, method: string): string =>
  pointer("paths", path, method, "responses", "200", "content", "application/json", "schema");

/** The response schemas the sandbox's answers are validated against. */
export const RESPONSES = {
  list: response200("/instances", "get"),
  create: response200("/instances", "post"),
  retrieve: response200("/instances/{id}", "get"),
  update: response200("/instances/{id}", "put"),
  clientStatus: response200("/instances/{id}/client/status", "get"),
  qrCode: response200("/instances/{id}/client/qr", "get"),
  clientMe: response200("/instances/{id}/client/me", "get"),
  pairingCode: response200("/instances/{id}/client/action/request-pairing-code", "post"),
  reboot: response200("/instances/{id}/client/action/reboot", "post"),
  logout: response200("/instances/{id}/client/action/logout", "post"),
  chats: response200("/instances/{id}/client/action/get-chats", "post"),
  createGroup: response200("/instances/{id}/client/action/create-group", "post"),
  groupInfo: response200("/instances/{id}/client/action/get-group-info", "post"),
  groupParticipants: response200("/instances/{id}/client/action/get-group-participants", "post"),
  updateGroupInfo: response200("/instances/{id}/client/action/update-group-info", "post"),
  updateGroupSettings: response200("/instances/{id}/client/action/update-group-settings", "post"),
  addParticipant: response200("/instances/{id}/client/action/add-group-participant", "post"),
  removeParticipant: response200("/instances/{id}/client/action/remove-group-participant", "post"),
  promoteParticipant: response200("/instances/{id}/client/action/promote-group-participant", "post"),
  demoteParticipant: response200("/instances/{id}/client/action/demote-group-participant", "post"),
} as const;

/** The member actions, whose `data` the contract publishes with `"properties": []`. */
const MEMBER_ANSWERS = [
  RESPONSES.addParticipant,
  RESPONSES.removeParticipant,
  RESPONSES.promoteParticipant,
  RESPONSES.demoteParticipant,
] as const;

/** The linked-client answers beyond the status, the key of the object each carries, and that object's keys. */
const CLIENT_ANSWERS = [
  [RESPONSES.qrCode, "qrCode", ["status", "instanceId", "data"]],
  [RESPONSES.clientMe, "qrCode", ["status", "instanceId", "data"]],
  [RESPONSES.pairingCode, "data", ["status", "instanceId", "data"]],
  [RESPONSES.reboot, "data", ["status", "instanceId"]],
  [RESPONSES.logout, "data", ["status", "instanceId", "data"]],
] as const;

export type ResponseName = keyof typeof RESPONSES;

/** Where the contract spells out an Instance (it has no shared component; each copy is identical). */
const INSTANCE_SCHEMAS = [
  `${RESPONSES.list}/properties/instances/items`,
  `${RESPONSES.create}/properties/instance`,
  `${RESPONSES.retrieve}/properties/instances/items`,
];

/** The `data` (update) and `clientStatus` objects, which share one shape. */
const STATE_SCHEMAS = [
  `${RESPONSES.update}/properties/data`,
  `${RESPONSES.clientStatus}/properties/clientStatus`,
];

const QR_STATUS_DESCRIPTION = "Status of the QR code request";
const WEBHOOK_URL_EXAMPLE = "https://my.url.com/webhook/handler";
const EVENTS_EXAMPLE = ["message", "qr"];

/** A string enum that wrongly carries `items` (a keyword for arrays). */
function stringEnumWithItems(example: string, values: readonly string[]): Erratum["published"] {
  return { type: "string", items: { type: "string", example }, enum: [...values] };
}

export const ERRATA: readonly Erratum[] = [
  ...INSTANCE_SCHEMAS.flatMap((instance): Erratum[] => [
    {
      pointer: `${instance}/properties/webhook_events`,
      published: {
        type: "array",
        example: EVENTS_EXAMPLE,
        items: { type: "string", example: "message" },
        enum: [...WEBHOOK_EVENTS],
      },
      applied: {
        type: "array",
        example: EVENTS_EXAMPLE,
        items: { type: "string", example: "message", enum: [...WEBHOOK_EVENTS] },
      },
      why:
        "`enum` sits on the array instead of on `items`: an array can never equal one of the event " +
        "strings, so no instance validates. The enum belongs to the items (the API doc: the only " +
        "accepted event values).",
    },
    {
      pointer: `${instance}/properties/webhook_url`,
      published: { type: "string", example: WEBHOOK_URL_EXAMPLE },
      applied: { type: ["string", "null"], example: WEBHOOK_URL_EXAMPLE },
      why:
        'Not nullable, yet the API doc types it `string|null`, `"url": null` resets it, and a new ' +
        "instance has no webhook.",
    },
  ]),
  ...STATE_SCHEMAS.flatMap((state): Erratum[] => [
    {
      pointer: `${state}/properties/instanceEvents`,
      published: {
        type: "array",
        items: {
          type: "array",
          example: EVENTS_EXAMPLE,
          items: { type: "string", example: "message" },
          enum: [...WEBHOOK_EVENTS],
        },
      },
      applied: {
        type: "array",
        example: EVENTS_EXAMPLE,
        items: { type: "string", example: "message", enum: [...WEBHOOK_EVENTS] },
      },
      why:
        "Typed as an array of arrays, and the inner array carries the enum (unsatisfiable). The event " +
        "list is a flat array of event names, like `webhook_events` (API doc: instanceEvents: string[]).",
    },
    {
      pointer: `${state}/properties/instanceWebhook`,
      published: { type: "string", example: WEBHOOK_URL_EXAMPLE },
      applied: { type: ["string", "null"], example: WEBHOOK_URL_EXAMPLE },
      why: "Not nullable, yet it reports `webhook_url`, which is null until set and after a reset.",
    },
    {
      pointer: `${state}/properties/status`,
      published: stringEnumWithItems("success", ["success", "error"]),
      applied: { type: "string", enum: ["success", "error"] },
      why:
        "`items` on a string schema is inert, but Ajv's strict mode (kept on to catch real mistakes) " +
        "refuses keywords that cannot apply to the type. Dropping it changes no verdict.",
    },
    {
      pointer: `${state}/properties/instanceStatus`,
      published: stringEnumWithItems("booting", INSTANCE_STATUSES),
      applied: { type: "string", enum: [...INSTANCE_STATUSES] },
      why: "As for `status`: an inert `items` on a string, refused by strict mode.",
    },
  ]),
  ...Object.values(RESPONSES).map((response): Erratum => ({
    pointer: `${response}/properties/status`,
    // The QR answer's alone comes with a description, kept as it is.
    published:
      response === RESPONSES.qrCode
        ? {
            type: "string",
            items: { type: "string", example: "success" },
            enum: ["success", "error"],
            description: QR_STATUS_DESCRIPTION,
          }
        : stringEnumWithItems("success", ["success", "error"]),
    applied:
      response === RESPONSES.qrCode
        ? { type: "string", enum: ["success", "error"], description: QR_STATUS_DESCRIPTION }
        : { type: "string", enum: ["success", "error"] },
    why: "An inert `items` on a string, refused by Ajv's strict mode; dropping it changes no verdict.",
  })),
  ...CLIENT_ANSWERS.map(([response, key]): Erratum => ({
    pointer: `${response}/properties/${key}/properties/status`,
    published: stringEnumWithItems("success", ["success", "error"]),
    applied: { type: "string", enum: ["success", "error"] },
    why: "As for the answer's own `status`: an inert `items` on a string, refused by strict mode.",
  })),
  {
    pointer: `${RESPONSES.logout}/properties/data/properties/data`,
    published: [],
    applied: { type: "array", maxItems: 0 },
    why:
      "`[]` is not a schema at all (a schema is an object or a boolean), so the published document " +
      "does not even compile here. It reads as the example of what the server sends, PHP's empty " +
      "array `[]`; the erratum types it as that: an empty array.",
  },
  ...MEMBER_ANSWERS.map((response): Erratum => ({
    pointer: `${response}/properties/data`,
    published: { type: "object", properties: [] },
    applied: { type: "object", maxProperties: 0 },
    why:
      '`"properties": []` is not a map of schemas, so strict mode refuses it. It says the data holds ' +
      "nothing (the description: the answer is empty); the erratum says that: an object with no keys.",
  })),
];

const INSTANCE_KEYS = ["id", "name", "owner", "webhook_url", "webhook_events", "is_trial"];
const STATE_KEYS = ["status", "instanceId", "name", "instanceStatus", "instanceWebhook", "instanceEvents"];
const NO_UNKNOWN_KEYS =
  "The sandbox must not invent fields; a real client should still tolerate extra fields from waapi.app.";

export const TIGHTENINGS: readonly Tightening[] = [
  {
    pointer: RESPONSES.list,
    add: { required: ["instances", "status"], additionalProperties: false },
    why: "API doc: list answers {instances, status}. " + NO_UNKNOWN_KEYS,
  },
  {
    pointer: RESPONSES.create,
    add: { required: ["instance", "status"], additionalProperties: false },
    why: "API doc: create answers {instance, status}. " + NO_UNKNOWN_KEYS,
  },
  {
    pointer: RESPONSES.retrieve,
    add: { required: ["instances", "status"], additionalProperties: false },
    why: "API doc: retrieve is documented as {instances: [Instance], status}. " + NO_UNKNOWN_KEYS,
  },
  {
    pointer: `${RESPONSES.retrieve}/properties/instances`,
    add: { minItems: 1, maxItems: 1 },
    why: "Retrieving one instance by id answers exactly that instance.",
  },
  ...[RESPONSES.update, RESPONSES.clientStatus].map((response): Tightening => ({
    pointer: response,
    add: {
      required: [response === RESPONSES.update ? "data" : "clientStatus", "links", "status"],
      additionalProperties: false,
    },
    why:
      "API doc: the update and client-status answers carry their object, links and status. " +
      NO_UNKNOWN_KEYS,
  })),
  ...[RESPONSES.update, RESPONSES.clientStatus].flatMap((response): Tightening[] => [
    {
      pointer: `${response}/properties/links`,
      add: { required: ["self"], additionalProperties: false },
      why: "API doc: links.self is always present.",
    },
    {
      pointer: `${response}/properties/links/properties/self`,
      add: { format: "uri" },
      why: "A link is an absolute URL.",
    },
  ]),
  ...INSTANCE_SCHEMAS.flatMap((instance): Tightening[] => [
    {
      pointer: instance,
      add: { required: INSTANCE_KEYS, additionalProperties: false },
      why: "API doc: Instance = {id, name, owner, webhook_url, webhook_events, is_trial}. " + NO_UNKNOWN_KEYS,
    },
    { pointer: `${instance}/properties/id`, add: { minimum: 1 }, why: "Ids are positive 64-bit integers." },
    {
      pointer: `${instance}/properties/owner`,
      add: { format: "email" },
      why: "API doc: owner is an e-mail.",
    },
    {
      pointer: `${instance}/properties/webhook_url`,
      add: { format: "uri" },
      why: "A webhook URL, when set, is absolute (formats apply to strings only, so null stays valid).",
    },
  ]),
  ...CLIENT_ANSWERS.flatMap(([response, key, inner]): Tightening[] => [
    {
      pointer: response,
      // A success carries its object, links and status; an error (the contract documents none) is
      // the sandbox's `{status: "error", message, links}`. No other keys either way.
      add: {
        required: ["status", "links"],
        if: { properties: { status: { const: "error" } } },
        then: { required: ["message"], properties: { message: { type: "string", minLength: 1 } } },
        else: { required: [key], properties: { [key]: true } },
        unevaluatedProperties: false,
      },
      why:
        `API doc: the answer carries \`${key}\`, links and status. The contract documents no error ` +
        'answer; the sandbox answers a refused client action with `"status": "error"` (which the ' +
        "contract's enum allows) and a `message`, Laravel's usual key, so a client has a reason to " +
        "show. " +
        NO_UNKNOWN_KEYS,
    },
    {
      pointer: `${response}/properties/${key}`,
      add: { required: [...inner], additionalProperties: false },
      why: "The carried object: its status, the instance id and (but for reboot) the data, nothing else.",
    },
    {
      pointer: `${response}/properties/links`,
      add: { required: ["self"], additionalProperties: false },
      why: "API doc: links.self is always present.",
    },
    {
      pointer: `${response}/properties/links/properties/self`,
      add: { format: "uri" },
      why: "A link is an absolute URL.",
    },
  ]),
  ...[RESPONSES.qrCode, RESPONSES.clientMe].map((response): Tightening => ({
    pointer: `${response}/properties/qrCode/properties/instanceId`,
    add: { pattern: "^[1-9][0-9]*$" },
    why: "Typed string here (integer in the action answers): a decimal id.",
  })),
  {
    pointer: `${RESPONSES.qrCode}/properties/qrCode/properties/data`,
    add: { required: ["qr_code"], additionalProperties: false },
    why: "The QR answer's one datum is the image.",
  },
  {
    pointer: `${RESPONSES.qrCode}/properties/qrCode/properties/data/properties/qr_code`,
    add: { pattern: "^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$" },
    why: "API doc and example: a PNG data URL.",
  },
  {
    pointer: `${RESPONSES.clientMe}/properties/qrCode/properties/data`,
    add: { required: ["displayName", "contactId", "formattedNumber"], additionalProperties: false },
    why: "Who linked the line: name, contact id and number (the picture may be hidden by privacy settings).",
  },
  {
    pointer: `${RESPONSES.clientMe}/properties/qrCode/properties/data/properties/contactId`,
    add: { pattern: "^[1-9][0-9]{6,14}@c\\.us$" },
    why: "A WhatsApp contact id: the number's digits @c.us (the contract's example `<xxxxx>@c.us`).",
  },
  {
    pointer: `${RESPONSES.clientMe}/properties/qrCode/properties/data/properties/profilePicUrl`,
    add: { format: "uri" },
    why: "A picture URL is absolute.",
  },
  {
    pointer: `${RESPONSES.pairingCode}/properties/data/properties/data`,
    add: { required: ["pairingCode"], additionalProperties: false },
    why: "The pairing answer's one datum is the code.",
  },
  {
    pointer: `${RESPONSES.pairingCode}/properties/data/properties/data/properties/pairingCode`,
    add: { minLength: 1 },
    why: "A code to type on the phone is never empty.",
  },
  ...[RESPONSES.pairingCode, RESPONSES.reboot, RESPONSES.logout].map((response): Tightening => ({
    pointer: `${response}/properties/data/properties/instanceId`,
    add: { minimum: 1 },
    why: "Ids are positive.",
  })),
  ...STATE_SCHEMAS.flatMap((state): Tightening[] => [
    {
      pointer: state,
      add: { required: STATE_KEYS, additionalProperties: false },
      why:
        "API doc: {status, instanceId, name, instanceStatus, instanceWebhook, instanceEvents}. The " +
        "contract's optional `data` property stays allowed. " +
        NO_UNKNOWN_KEYS,
    },
    {
      pointer: `${state}/properties/instanceId`,
      add: { pattern: "^[1-9][0-9]*$" },
      why: "The contract types it string (API doc: instanceId is the id as a string): a decimal id.",
    },
  ]),
];

/**
 * Oddities in the contract that the errata do not change, because they have no effect on validation
 * or concern requests rather than responses. Recorded so nobody rediscovers them; each is checked
 * against the contract like an erratum.
 */
export const NOTES: readonly { pointer: string; published: unknown; note: string }[] = [
  ...STATE_SCHEMAS.map((state) => ({
    pointer: `${state}/properties/instanceId`,
    published: { type: "string", example: 1 },
    note: "Typed string with an integer example. Examples are annotations; the type (string) is kept.",
  })),
  ...INSTANCE_SCHEMAS.map((instance) => ({
    pointer: `${instance}/properties/is_trial`,
    published: { type: "boolean", example: 0 },
    note: "A boolean with the example 0 (PHP's false). Annotation only.",
  })),
  ...STATE_SCHEMAS.map((state) => ({
    pointer: `${state}/properties/data`,
    published: { type: "object", example: null },
    note: "An undocumented optional `data` object whose example is null. Never sent by the sandbox.",
  })),
  {
    pointer: pointer(
      "paths",
      "/instances/{id}",
      "put",
      "requestBody",
      "content",
      "application/json",
      "schema",
      "properties",
      "webhook",
      "properties",
      "url",
    ),
    published: { type: "string", example: WEBHOOK_URL_EXAMPLE },
    note:
      "The request body's webhook.url is not nullable either, though the same request body's " +
      "description says to send null to reset it. A client must not validate requests against this.",
  },
  {
    pointer: pointer(
      "paths",
      "/instances/{id}",
      "put",
      "requestBody",
      "content",
      "application/json",
      "schema",
      "properties",
      "webhook",
      "properties",
      "events",
    ),
    published: {
      type: "array",
      example: EVENTS_EXAMPLE,
      items: { type: "string", example: "message" },
      enum: [...WEBHOOK_EVENTS],
    },
    note: "The request body's webhook.events has the same enum-on-the-array defect as webhook_events.",
  },
  {
    pointer: `${RESPONSES.clientMe}/properties/qrCode/properties/instanceId`,
    published: { type: "string", example: 1 },
    note:
      "The who-linked-it answer carries its object under `qrCode`, a copy-paste slip from the QR route " +
      "most likely. Not an erratum: the key is what the contract publishes, so the sandbox answers " +
      "with it, and the client (provider/client/parse.ts) reads `qrCode` and also `me`.",
  },
  {
    pointer: `${RESPONSES.pairingCode}/properties/data/properties/instanceId`,
    published: { type: "integer", format: "int64" },
    note:
      "`instanceId` is an integer in the action answers (pairing code, reboot, logout) and a string " +
      "in the status, QR and me answers. Both kept as published; the client reads either.",
  },
  {
    pointer: pointer("paths", "/instances/{id}/client/action/request-pairing-code", "post", "description"),
    published:
      "Request a pairing code for phone number registration. To prevent abuse and ensure system " +
      "stability, pairing code requests are limited to 2 per minute. Multiple rapid requests may " +
      "indicate automated abuse attempts.",
    note: "The sandbox answers the third code in a minute (per instance) with Laravel's 429 and Retry-After.",
  },
  {
    pointer: pointer("components", "securitySchemes", "bearerAuth"),
    published: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    note: "bearerFormat says JWT; WAAPI's API tokens are opaque (Sanctum-style) strings, not JWTs.",
  },
];
