/**
 * Validation of `PUT /instances/{id}` the way a Laravel app validates it, so clients meet the real
 * 422 shapes and wording. The rules the sandbox assumes WAAPI uses:
 *
 *   name            sometimes|required|string|max:255|not_regex:<control characters>
 *   webhook         sometimes|array
 *   webhook.url     sometimes|nullable|url:http,https|max:2048
 *   webhook.events  sometimes|array
 *   webhook.events.*  in:<the 20 events>
 *
 * Laravel's global middleware runs first: TrimStrings trims every string and ConvertEmptyStringsToNull
 * turns "" into null. Faithful consequences a client must be ready for: a name is stored trimmed, and
 * `"url": ""` clears the webhook URL just like `null`. Keys the rules do not name are ignored.
 *
 * What a valid name, URL and event are is stated once, in provider/rules.ts, which the provider's
 * `check` uses too; only the wording of the answers is the sandbox's own.
 */
import { isWebhookEvent, type WebhookEvent } from "../provider/waapi-api";
import { invalidEventIndexes, nameProblem, phoneNumberProblem, webhookUrlProblem } from "../provider/rules";
import type { InstanceChanges } from "./store";

/** Field path → messages, in the order Laravel reports them (rule order, then array index). */
export type ValidationErrors = Record<string, string[]>;

export type ValidationResult =
  { ok: true; changes: InstanceChanges } | { ok: false; errors: ValidationErrors };

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
    else {
      const problem = nameProblem(name);
      if (problem?.kind === "too-long") {
        fail("name", `The name field must not be greater than ${problem.max} characters.`);
      } else if (problem) fail("name", "The name field format is invalid.");
      else changes.name = name;
    }
  }

  if ("webhook" in input) {
    const webhook = input.webhook;
    // Laravel's "array" means a PHP array; on the wire that is a JSON object here.
    if (!isPlainObject(webhook)) fail("webhook", "The webhook field must be an array.");
    else {
      if ("url" in webhook) {
        const url = webhook.url;
        const problem = typeof url === "string" ? webhookUrlProblem(url) : undefined;
        if (url === null) changes.webhookUrl = null;
        else if (typeof url !== "string") fail("webhook.url", "The webhook.url field must be a valid URL.");
        else if (problem?.kind === "too-long") {
          fail("webhook.url", `The webhook.url field must not be greater than ${problem.max} characters.`);
        } else if (problem) fail("webhook.url", "The webhook.url field must be a valid URL.");
        else changes.webhookUrl = url;
      }
      if ("events" in webhook) {
        const events = webhook.events;
        if (!Array.isArray(events)) fail("webhook.events", "The webhook.events field must be an array.");
        else {
          for (const index of invalidEventIndexes(events)) {
            fail(`webhook.events.${index}`, `The selected webhook.events.${index} is invalid.`);
          }
          // A subscription is a set: a repeat is accepted and stored once.
          changes.webhookEvents = [...new Set(events.filter(isWebhookEvent))] satisfies WebhookEvent[];
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

/**
 * `POST /instances/{id}/client/action/request-pairing-code`, with the rules the sandbox assumes from
 * the contract ("international format without symbols"; what that is, is provider/rules.ts's
 * `phoneNumberProblem`, which `pulumi-waapi link --phone` asks before sending anything):
 *
 *   phoneNumber       required|string|regex:<digits only, no leading 0, 7–15 digits>
 *   showNotification  sometimes|boolean   (Laravel's boolean: true, false, 1, 0, "1", "0")
 */
export function validatePairingRequest(
  body: Record<string, unknown>,
): { ok: true; phoneNumber: string; showNotification: boolean } | { ok: false; errors: ValidationErrors } {
  const normalized = normalizeInput(body);
  const input = isPlainObject(normalized) ? normalized : {};
  const errors: ValidationErrors = {};
  const phoneNumber = input.phoneNumber;
  if (phoneNumber === undefined || phoneNumber === null) {
    errors.phoneNumber = ["The phone number field is required."];
  } else if (typeof phoneNumber !== "string") {
    errors.phoneNumber = ["The phone number field must be a string."];
  } else if (phoneNumberProblem(phoneNumber) !== undefined) {
    errors.phoneNumber = ["The phone number field format is invalid."];
  }
  let showNotification = true;
  if ("showNotification" in input) {
    const value = input.showNotification;
    if (value === true || value === 1 || value === "1") showNotification = true;
    else if (value === false || value === 0 || value === "0") showNotification = false;
    else errors.showNotification = ["The show notification field must be true or false."];
  }
  if (Object.keys(errors).length > 0 || typeof phoneNumber !== "string") return { ok: false, errors };
  return { ok: true, phoneNumber, showNotification };
}
