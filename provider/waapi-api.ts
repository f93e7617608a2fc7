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

/** The instance operations the provider uses, and the token permission each one needs. */
export const OPERATION_PERMISSIONS = {
  listInstances: "read",
  createInstance: "create",
  getInstance: "read",
  updateInstance: "update",
  deleteInstance: "delete",
} as const satisfies Record<string, Permission>;

export type InstanceOperation = keyof typeof OPERATION_PERMISSIONS;

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

/** Laravel's error body: 401/403/404/429 carry `message`; 422 adds per-field `errors`. */
export interface ApiErrorBody {
  message: string;
  errors?: Record<string, string[]>;
}
