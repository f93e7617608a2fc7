/**
 * What a valid instance name, webhook URL, event list and phone number are: the one statement of WAAPI's input
 * rules. The provider's `check` (instance/inputs.ts) and the sandbox's `PUT` validation
 * (sandbox/validation.ts) both ask these functions, so `check` can never be looser than the sandbox's
 * picture of the server: whatever the server would answer 422, `check` has refused first.
 *
 * The functions say *what* is wrong as data; each caller words it for its readers (a Pulumi user, or
 * a Laravel-style 422 body). Values are judged after trimming, as both sides trim (Laravel's
 * TrimStrings middleware on the server).
 */
import { isWebhookEvent } from "./waapi-api";

/** Laravel's `max:255` on the name, counted in characters (code points), like `mb_strlen`. */
export const MAX_NAME_LENGTH = 255;

/**
 * Laravel's `url` rule sets no length of its own; the sandbox assumes the column a URL is stored in
 * caps it, and 2048 characters is the common ceiling of URLs that every HTTP stack accepts.
 */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Why a name or URL is not acceptable. `index` counts code points into the trimmed value. */
export type TextProblem =
  | { kind: "empty" }
  | { kind: "too-long"; length: number; max: number }
  | { kind: "control-character"; codePoint: number; index: number }
  | { kind: "whitespace"; codePoint: number; index: number }
  | { kind: "not-absolute" }
  | { kind: "scheme"; scheme: string }
  | { kind: "no-host" };

/** C0 controls, DEL and C1 controls: never part of a display name or a URL. */
function isControl(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

function firstMatching(
  characters: readonly string[],
  test: (codePoint: number, character: string) => boolean,
): { codePoint: number; index: number } | undefined {
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] ?? "";
    const codePoint = character.codePointAt(0) ?? 0;
    if (test(codePoint, character)) return { codePoint, index };
  }
  return undefined;
}

export type NameProblem = Extract<TextProblem, { kind: "empty" | "too-long" | "control-character" }>;

/** One line of plain text once trimmed (a name, a group's subject): 1–`max` characters, no control character. */
function oneLineTextProblem(text: string, max: number): NameProblem | undefined {
  const characters = [...text.trim()];
  if (characters.length === 0) return { kind: "empty" };
  const control = firstMatching(characters, isControl);
  if (control) return { kind: "control-character", ...control };
  if (characters.length > max) return { kind: "too-long", length: characters.length, max };
  return undefined;
}

/** A trimmed name: 1–255 characters, none of them a control character. */
export function nameProblem(name: string): NameProblem | undefined {
  return oneLineTextProblem(name, MAX_NAME_LENGTH);
}

/**
 * A trimmed webhook URL, as Laravel's `url:http,https` rule takes it: absolute, `http` or `https`,
 * with a host, and without whitespace or control characters anywhere (WHATWG URL parsing alone would
 * accept `http:example.com`, `https:/x` or a tab inside, which Laravel refuses).
 */
export function webhookUrlProblem(url: string): TextProblem | undefined {
  const trimmed = url.trim();
  const characters = [...trimmed];
  if (characters.length === 0) return { kind: "empty" };
  const control = firstMatching(characters, isControl);
  if (control) return { kind: "control-character", ...control };
  const blank = firstMatching(characters, (_codePoint, character) => /\s/u.test(character));
  if (blank) return { kind: "whitespace", ...blank };
  if (characters.length > MAX_WEBHOOK_URL_LENGTH) {
    return { kind: "too-long", length: characters.length, max: MAX_WEBHOOK_URL_LENGTH };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  if (scheme === undefined) return { kind: "not-absolute" };
  if (!/^https?$/i.test(scheme)) return { kind: "scheme", scheme: scheme.toLowerCase() };
  // Laravel wants "scheme://authority": "http:example.com" and "https:/x" are not URLs to it.
  if (!/^https?:\/\/[^/?#]/i.test(trimmed)) return { kind: "no-host" };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { kind: "not-absolute" };
  }
  if (parsed.hostname === "") return { kind: "no-host" };
  return undefined;
}

/** The positions in an event list that are not WAAPI events. Repeats are fine: it is a set. */
export function invalidEventIndexes(events: readonly unknown[]): number[] {
  return events.flatMap((event, index) => (isWebhookEvent(event) ? [] : [index]));
}

/**
 * A phone number for WAAPI's pairing code: "international format without symbols (e.g.
 * 50664083362)" (the contract). Read as E.164 without its `+`: the country code first (never 0), then
 * the national number, 7 to 15 digits in all (E.164's maximum is 15; the shortest numbers in use, a
 * 3-digit country code with a 4-digit number, have 7). Spaces, `+`, `-`, `(` or `.` are symbols.
 */
export const PHONE_NUMBER_DIGITS = { min: 7, max: 15 } as const;

export type PhoneNumberProblem =
  | { kind: "empty" }
  | { kind: "symbol"; codePoint: number; index: number }
  | { kind: "leading-zero" }
  | { kind: "too-short"; length: number; min: number }
  | { kind: "too-long"; length: number; max: number };

/** What is wrong with a (trimmed) phone number for a pairing code, if anything. */
export function phoneNumberProblem(phoneNumber: string): PhoneNumberProblem | undefined {
  const characters = [...phoneNumber.trim()];
  if (characters.length === 0) return { kind: "empty" };
  const symbol = firstMatching(characters, (_codePoint, character) => !/^[0-9]$/.test(character));
  if (symbol) return { kind: "symbol", ...symbol };
  if (characters[0] === "0") return { kind: "leading-zero" };
  if (characters.length < PHONE_NUMBER_DIGITS.min) {
    return { kind: "too-short", length: characters.length, min: PHONE_NUMBER_DIGITS.min };
  }
  if (characters.length > PHONE_NUMBER_DIGITS.max) {
    return { kind: "too-long", length: characters.length, max: PHONE_NUMBER_DIGITS.max };
  }
  return undefined;
}

/** "a line feed (U+000A)", for messages. */
export function describeCodePoint(codePoint: number): string {
  const names: Record<number, string> = {
    0x00: "a NUL character",
    0x09: "a tab",
    0x0a: "a line feed",
    0x0d: "a carriage return",
    0x20: "a space",
    0x7f: "a DEL character",
  };
  const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
  return `${names[codePoint] ?? "the character"} (U+${hex})`;
}

// --- groups of a linked line ---

/** A contact id as the contract's group routes take it: `^[0-9]+@c\.us$` (create-group's pattern). */
export const CONTACT_ID_PATTERN = /^[0-9]+@c\.us$/;

/**
 * A group id: the contract's `^[0-9]+@g\.us$` (get-group-participants), and also WhatsApp's older
 * `<creator digits>-<timestamp>@g.us` form, which groups made before 2021 still carry: the server
 * hands these ids out, so refusing one would make an existing group unreachable.
 */
export const GROUP_ID_PATTERN = /^[0-9]+(-[0-9]+)?@g\.us$/;

/**
 * WhatsApp caps a group's subject at 100 characters (the contract only says at least 1); the
 * sandbox assumes WAAPI passes WhatsApp's refusal on.
 */
export const MAX_GROUP_SUBJECT_LENGTH = 100;

export type IdProblem = { kind: "empty" } | { kind: "pattern"; pattern: string };

function idProblem(id: string, pattern: RegExp): IdProblem | undefined {
  const trimmed = id.trim();
  if (trimmed === "") return { kind: "empty" };
  return pattern.test(trimmed) ? undefined : { kind: "pattern", pattern: pattern.source };
}

/** What is wrong with a (trimmed) contact id `<digits>@c.us`, if anything. */
export function contactIdProblem(id: string): IdProblem | undefined {
  return idProblem(id, CONTACT_ID_PATTERN);
}

/** What is wrong with a (trimmed) group id `<digits>@g.us`, if anything. */
export function groupIdProblem(id: string): IdProblem | undefined {
  return idProblem(id, GROUP_ID_PATTERN);
}

/** A trimmed group subject: 1–100 characters, none of them a control character. */
export function groupSubjectProblem(subject: string): NameProblem | undefined {
  return oneLineTextProblem(subject, MAX_GROUP_SUBJECT_LENGTH);
}

/**
 * WhatsApp caps a group's description at 2048 characters (the contract sets no limit); a longer one
 * would be cut or refused by the phone's client, so `check` refuses it first.
 */
export const MAX_GROUP_DESCRIPTION_LENGTH = 2048;

/** Why a declared group member cannot be read as a contact. */
export type ContactProblem =
  PhoneNumberProblem | { kind: "group-id" } | { kind: "other-domain"; domain: string };

/**
 * A group member as people write it — a phone number in international format with the usual
 * formatting ("+1 555 010 0200", "+44 (20) 7946-0958", "15550100200") or a contact id
 * ("15550100200@c.us") — as the contact id the group routes take, or what is wrong with it. The
 * formatting allowed is a leading `+` and spaces, `-`, `.`, `(` and `)` between digits; the digits
 * then follow the pairing-code phone rule above (country code first, 7 to 15 digits).
 */
export function contactIdFor(member: string): { contactId: string } | { problem: ContactProblem } {
  const trimmed = member.trim();
  const at = trimmed.indexOf("@");
  if (at >= 0) {
    const domain = trimmed.slice(at + 1).toLowerCase();
    if (domain === "g.us") return { problem: { kind: "group-id" } };
    if (domain !== "c.us") return { problem: { kind: "other-domain", domain } };
    const problem = phoneNumberProblem(trimmed.slice(0, at));
    return problem ? { problem } : { contactId: `${trimmed.slice(0, at)}@c.us` };
  }
  const characters = [...trimmed];
  const symbol = firstMatching(
    characters,
    (_codePoint, character) => !/^[0-9 .()-]$/.test(character) && character !== "+",
  );
  // A `+` only opens the number; anywhere else it is a symbol like any other.
  const misplacedPlus = characters.findIndex((character, index) => character === "+" && index > 0);
  if (symbol || misplacedPlus > 0) {
    const index = Math.min(symbol?.index ?? Infinity, misplacedPlus > 0 ? misplacedPlus : Infinity);
    return { problem: { kind: "symbol", codePoint: characters[index]?.codePointAt(0) ?? 0, index } };
  }
  const digits = trimmed.replace(/[^0-9]/g, "");
  const problem = phoneNumberProblem(digits);
  return problem ? { problem } : { contactId: `${digits}@c.us` };
}

/**
 * WAAPI's instance ids: positive integers (the API counts from 1) that a JSON number holds exactly.
 * The client (ids go into URL paths), check (adoptInstanceId) and the functions' arguments all ask
 * this; each decides which written forms it takes (a resource id is a string of digits).
 */
export function isInstanceId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/** An instance id written as text (a resource id, a config value): digits only, then isInstanceId. */
export function parseInstanceId(text: string): number | undefined {
  const id = /^\d+$/.test(text) ? Number(text) : undefined;
  return isInstanceId(id) ? id : undefined;
}

/** Why a WAAPI base URL cannot be used. */
export type BaseUrlProblem =
  | { kind: "not-a-url" }
  | { kind: "scheme"; scheme: string }
  | { kind: "query-or-fragment" }
  /** Plain http:// to another machine: the token, sent with every request, would travel readable. */
  | { kind: "insecure"; host: string; pathname: string };

/** A base URL as it is recorded with every resource and compared: trimmed, without trailing slashes. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** localhost, 127.0.0.0/8 and ::1: plain HTTP never leaves the machine there. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The one base-URL rule (settings, the client and the native plugin's CheckConfig ask it): an
 * absolute http(s) URL without query or fragment, and https unless it stays on this machine
 * (loopback, e.g. the WAAPI sandbox). Judged on the normalized URL.
 */
export function baseUrlProblem(baseUrl: string): BaseUrlProblem | undefined {
  let url: URL;
  try {
    url = new URL(normalizeBaseUrl(baseUrl));
  } catch {
    return { kind: "not-a-url" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { kind: "scheme", scheme: url.protocol.replace(/:$/, "") };
  }
  if (url.search !== "" || url.hash !== "") return { kind: "query-or-fragment" };
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return { kind: "insecure", host: url.host, pathname: url.pathname };
  }
  return undefined;
}
