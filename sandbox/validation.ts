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
import {
  contactIdProblem,
  groupIdProblem,
  groupSubjectProblem,
  invalidEventIndexes,
  nameProblem,
  phoneNumberProblem,
  webhookUrlProblem,
} from "../provider/rules";
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
    const value = laravelBoolean(input.showNotification);
    if (value === undefined) errors.showNotification = ["The show notification field must be true or false."];
    else showNotification = value;
  }
  if (Object.keys(errors).length > 0 || typeof phoneNumber !== "string") return { ok: false, errors };
  return { ok: true, phoneNumber, showNotification };
}

// --- the group routes ---
//
// The rules the sandbox assumes from the contract (its patterns and lengths; what a valid id and
// subject are, is provider/rules.ts, which the client and the Group resource's check ask too):
//
//   create-group       groupName required|string|min:1|max:100|no control characters
//                      groupParticipants required|array|min:1;  groupParticipants.* regex:<digits>@c.us
//   every group route  chatId required|string|regex:<digits>@g.us   (get-chats takes none)
//   member actions     participant required|string|regex:<digits>@c.us
//   update-group-info  subject sometimes|string|min:1|max:100;  description sometimes|nullable|string;
//                      pictureUrl sometimes|string (accepted, not kept: the sandbox has no pictures)
//   update-group-settings  messageAdminOnly required|boolean
//   get-chats          offset sometimes|integer|min:0;  limit sometimes|integer|min:1

type Checked<T> = { ok: true; value: T } | { ok: false; errors: ValidationErrors };

/** Laravel's attribute name in messages: `groupName` → "group name", `groupParticipants.0` kept. */
function attribute(field: string): string {
  return field.includes(".") ? field : field.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}

function requiredId(
  input: Record<string, unknown>,
  field: string,
  problem: (id: string) => unknown,
  errors: ValidationErrors,
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) errors[field] = [`The ${attribute(field)} field is required.`];
  else if (typeof value !== "string") errors[field] = [`The ${attribute(field)} field must be a string.`];
  else if (problem(value) !== undefined) errors[field] = [`The ${attribute(field)} field format is invalid.`];
  else return value;
  return undefined;
}

function subjectError(field: string, value: unknown): string | undefined {
  if (typeof value !== "string") return `The ${attribute(field)} field must be a string.`;
  const problem = groupSubjectProblem(value);
  if (problem?.kind === "too-long") {
    return `The ${attribute(field)} field must not be greater than ${problem.max} characters.`;
  }
  return problem === undefined ? undefined : `The ${attribute(field)} field format is invalid.`;
}

function checked<T>(errors: ValidationErrors, value: () => T): Checked<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };
}

function inputOf(body: Record<string, unknown>): Record<string, unknown> {
  const normalized = normalizeInput(body);
  return isPlainObject(normalized) ? normalized : {};
}

export function validateCreateGroup(
  body: Record<string, unknown>,
): Checked<{ subject: string; participants: string[] }> {
  const input = inputOf(body);
  const errors: ValidationErrors = {};
  const name = input.groupName;
  if (name === undefined || name === null) errors.groupName = ["The group name field is required."];
  else {
    const problem = subjectError("groupName", name);
    if (problem !== undefined) errors.groupName = [problem];
  }
  const participants = input.groupParticipants;
  if (participants === undefined || participants === null) {
    errors.groupParticipants = ["The group participants field is required."];
  } else if (!Array.isArray(participants)) {
    errors.groupParticipants = ["The group participants field must be an array."];
  } else if (participants.length === 0) {
    errors.groupParticipants = ["The group participants field is required."];
  } else {
    participants.forEach((participant: unknown, index) => {
      if (typeof participant !== "string" || contactIdProblem(participant) !== undefined) {
        errors[`groupParticipants.${index}`] = [`The groupParticipants.${index} field format is invalid.`];
      }
    });
  }
  return checked(errors, () => ({
    subject: String(name),
    participants: (participants as string[]).map(String),
  }));
}

/** get-group-info, get-group-participants: `{chatId}`. */
export function validateGroupChat(body: Record<string, unknown>): Checked<{ chatId: string }> {
  const errors: ValidationErrors = {};
  const chatId = requiredId(inputOf(body), "chatId", groupIdProblem, errors);
  return checked(errors, () => ({ chatId: String(chatId) }));
}

export function validateMemberAction(
  body: Record<string, unknown>,
): Checked<{ chatId: string; participant: string }> {
  const input = inputOf(body);
  const errors: ValidationErrors = {};
  const chatId = requiredId(input, "chatId", groupIdProblem, errors);
  const participant = requiredId(input, "participant", contactIdProblem, errors);
  return checked(errors, () => ({ chatId: String(chatId), participant: String(participant) }));
}

export function validateUpdateGroupInfo(
  body: Record<string, unknown>,
): Checked<{ chatId: string; subject?: string; description?: string }> {
  const input = inputOf(body);
  const errors: ValidationErrors = {};
  const chatId = requiredId(input, "chatId", groupIdProblem, errors);
  if ("subject" in input) {
    const problem =
      input.subject === null ? "The subject field is required." : subjectError("subject", input.subject);
    if (problem !== undefined) errors.subject = [problem];
  }
  const description = input.description;
  if (description !== undefined && description !== null && typeof description !== "string") {
    errors.description = ["The description field must be a string."];
  }
  if (input.pictureUrl !== undefined && input.pictureUrl !== null && typeof input.pictureUrl !== "string") {
    errors.pictureUrl = ["The picture url field must be a string."];
  }
  return checked(errors, () => {
    const value: { chatId: string; subject?: string; description?: string } = { chatId: String(chatId) };
    if (typeof input.subject === "string") value.subject = input.subject;
    // ConvertEmptyStringsToNull made "" null: a description sent empty clears it.
    if (description === null) value.description = "";
    else if (typeof description === "string") value.description = description;
    return value;
  });
}

/** Laravel's `boolean` rule: true, false, 1, 0, "1", "0". */
function laravelBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === "1") return true;
  if (value === false || value === 0 || value === "0") return false;
  return undefined;
}

export function validateUpdateGroupSettings(
  body: Record<string, unknown>,
): Checked<{ chatId: string; messageAdminOnly: boolean }> {
  const input = inputOf(body);
  const errors: ValidationErrors = {};
  const chatId = requiredId(input, "chatId", groupIdProblem, errors);
  const flag = laravelBoolean(input.messageAdminOnly);
  if (input.messageAdminOnly === undefined || input.messageAdminOnly === null) {
    errors.messageAdminOnly = ["The message admin only field is required."];
  } else if (flag === undefined) {
    errors.messageAdminOnly = ["The message admin only field must be true or false."];
  }
  return checked(errors, () => ({ chatId: String(chatId), messageAdminOnly: flag === true }));
}

export function validateChatsPage(
  body: Record<string, unknown>,
): Checked<{ offset: number; limit?: number }> {
  const input = inputOf(body);
  const errors: ValidationErrors = {};
  const number = (field: "offset" | "limit", min: number): number | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      errors[field] = [`The ${field} field must be an integer.`];
    } else if (value < min) errors[field] = [`The ${field} field must be at least ${min}.`];
    else return value;
    return undefined;
  };
  const offset = number("offset", 0);
  const limit = number("limit", 1);
  return checked(errors, () => ({ offset: offset ?? 0, ...(limit === undefined ? {} : { limit }) }));
}
