/**
 * Validation of `PUT /instances/{id}` the way a Laravel app validates it, so clients meet the real
 * 422 shapes and wording. The rules the sandbox assumes WAAPI uses:
 *
 *   name            sometimes|required|string|max:255
 *   webhook         sometimes|array
 *   webhook.url     sometimes|nullable|url:http,https
 *   webhook.events  sometimes|array
 *   webhook.events.*  in:<the 20 events>
 *
 * Laravel's global middleware runs first: TrimStrings trims every string and ConvertEmptyStringsToNull
 * turns "" into null. Faithful consequences a client must be ready for: a name is stored trimmed, and
 * `"url": ""` clears the webhook URL just like `null`. Keys the rules do not name are ignored.
 */
import { isWebhookEvent, type WebhookEvent } from "../provider/waapi-api";
import type { InstanceChanges } from "./store";

/** Field path → messages, in the order Laravel reports them (rule order, then array index). */
export type ValidationErrors = Record<string, string[]>;

export type ValidationResult =
  { ok: true; changes: InstanceChanges } | { ok: false; errors: ValidationErrors };

const MAX_NAME_LENGTH = 255;

/** TrimStrings + ConvertEmptyStringsToNull, applied recursively like Laravel does to the JSON input. */
export function normalizeInput(value: unknown): unknown {
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normalizeInput);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = normalizeInput(inner);
    return out;
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Laravel's `url` rule (restricted to http/https): an absolute URL with a host and no whitespace. */
export function isHttpUrl(value: string): boolean {
  // WHATWG URL parsing alone is too lenient ("http:example.com" parses), hence the shape check first.
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Validates a JSON object body (normalizing it first). Nothing is changed unless everything is valid. */
export function validateInstanceUpdate(body: Record<string, unknown>): ValidationResult {
  const normalized = normalizeInput(body);
  const input = isPlainObject(normalized) ? normalized : {};
  const errors: ValidationErrors = {};
  const fail = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };
  const changes: InstanceChanges = {};

  if ("name" in input) {
    const name = input.name;
    if (name === null) fail("name", "The name field is required.");
    else if (typeof name !== "string") fail("name", "The name field must be a string.");
    else if ([...name].length > MAX_NAME_LENGTH) {
      fail("name", `The name field must not be greater than ${MAX_NAME_LENGTH} characters.`);
    } else changes.name = name;
  }

  if ("webhook" in input) {
    const webhook = input.webhook;
    // Laravel's "array" means a PHP array; on the wire that is a JSON object here.
    if (!isPlainObject(webhook)) fail("webhook", "The webhook field must be an array.");
    else {
      if ("url" in webhook) {
        const url = webhook.url;
        if (url === null) changes.webhookUrl = null;
        else if (typeof url === "string" && isHttpUrl(url)) changes.webhookUrl = url;
        else fail("webhook.url", "The webhook.url field must be a valid URL.");
      }
      if ("events" in webhook) {
        const events = webhook.events;
        if (!Array.isArray(events)) fail("webhook.events", "The webhook.events field must be an array.");
        else {
          const accepted: WebhookEvent[] = [];
          events.forEach((event: unknown, index) => {
            if (isWebhookEvent(event)) {
              // A subscription is a set: a repeat is accepted and stored once.
              if (!accepted.includes(event)) accepted.push(event);
            } else fail(`webhook.events.${index}`, `The selected webhook.events.${index} is invalid.`);
          });
          changes.webhookEvents = accepted;
        }
      }
    }
  }

  return Object.keys(errors).length === 0 ? { ok: true, changes } : { ok: false, errors };
}

/** Laravel's summary message: the first error, plus "(and N more error[s])" counting all the others. */
export function validationMessage(errors: ValidationErrors): string {
  const all = Object.values(errors).flat();
  const first = all[0] ?? "The given data was invalid.";
  const more = all.length - 1;
  if (more <= 0) return first;
  return `${first} (and ${more} more ${more === 1 ? "error" : "errors"})`;
}
