import { WEBHOOK_EVENTS, isWebhookEvent, type WebhookEvent } from "../waapi-api";
import { describeCodePoint, isInstanceId, nameProblem, parseInstanceId, webhookUrlProblem } from "../rules";
import { names, type CheckedInputs, type InputFailure } from "../resources/descriptor";
import { INSTANCE_SPEC } from "./properties";
import {
  PROVIDER_KEY,
  UNKNOWN_VALUE,
  closestName,
  describe,
  oneLineTextReason,
  quoteText,
  unknownInputs,
} from "../resources/check";

export { PROVIDER_KEY, UNKNOWN_VALUE, closestName, describe, quoteText };

/** The checked, normalized inputs of a WaapiInstance. */
export interface InstanceInputs {
  /** Trimmed, non-empty. */
  name: string;
  /** An absolute http(s) URL; absent means "no webhook". */
  webhookUrl?: string;
  /** A sorted set; absent means "no events". */
  webhookEvents?: WebhookEvent[];
  /** Manage this existing instance instead of creating one (see WaapiInstanceArgs). */
  adoptInstanceId?: number;
}

export type { CheckedInputs, InputFailure };

/** Every input a WaapiInstance takes, in either door (adoptInstanceId only in the dynamic one). */
const INPUT_PROPERTIES = names(INSTANCE_SPEC.inputs);

/**
 * Validates and normalizes a WaapiInstance's inputs. Makes no API call. Returns one failure per bad
 * property, each naming the property and the fix, so a typo never reaches the API.
 */
export function checkInstanceInputs(news: Readonly<Record<string, unknown>>): CheckedInputs {
  const failures: InputFailure[] = [];
  const inputs: Record<string, unknown> = {};
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  unknownInputs(news, INPUT_PROPERTIES, "WaapiInstance", inputs, fail);

  const name = news["name"];
  if (name === UNKNOWN_VALUE) {
    inputs["name"] = name;
  } else if (name === undefined || name === null) {
    fail("name", 'name is required: give the instance a display name, e.g. name: "Support line".');
  } else if (typeof name !== "string") {
    fail("name", `name must be a string, not ${describe(name)}.`);
  } else {
    const reason = nameReason(name);
    if (reason) fail("name", reason);
    else inputs["name"] = name.trim();
  }

  const webhookUrl = news["webhookUrl"];
  if (webhookUrl === UNKNOWN_VALUE) {
    inputs["webhookUrl"] = webhookUrl;
  } else if (webhookUrl !== undefined && webhookUrl !== null) {
    const reason = checkWebhookUrl(webhookUrl);
    if (reason) fail("webhookUrl", reason);
    else inputs["webhookUrl"] = (webhookUrl as string).trim();
  }

  const webhookEvents = news["webhookEvents"];
  if (webhookEvents === UNKNOWN_VALUE) {
    inputs["webhookEvents"] = webhookEvents;
  } else if (webhookEvents !== undefined && webhookEvents !== null) {
    const checked = checkWebhookEvents(webhookEvents);
    if (typeof checked === "string") fail("webhookEvents", checked);
    // An empty list means "none", as an absent one does, and is recorded the same way: refresh records
    // no list for an instance without events, and the engine would count [] against that as a change.
    else if (checked.length > 0) inputs["webhookEvents"] = checked;
  }

  const adoptInstanceId = news["adoptInstanceId"];
  if (adoptInstanceId === UNKNOWN_VALUE) {
    inputs["adoptInstanceId"] = adoptInstanceId;
  } else if (adoptInstanceId !== undefined && adoptInstanceId !== null) {
    // A number, or digits (from stack config, which holds strings).
    const id =
      typeof adoptInstanceId === "string" ? parseInstanceId(adoptInstanceId.trim()) : adoptInstanceId;
    if (isInstanceId(id)) inputs["adoptInstanceId"] = id;
    else
      fail(
        "adoptInstanceId",
        `adoptInstanceId must be the numeric id of an existing instance, e.g. 1234, not ${describe(adoptInstanceId)}.`,
      );
  }

  return { inputs, failures };
}

/**
 * Inputs that `checkInstanceInputs` passed, typed. The doors hand the lifecycle only checked inputs,
 * with every value known (create and update run after the preview): anything else is a door's bug,
 * so this throws rather than send a request built from a wrong shape.
 */
export function decodeInstanceInputs(checked: Readonly<Record<string, unknown>>): InstanceInputs {
  const { name, webhookUrl, webhookEvents, adoptInstanceId } = checked;
  const unchecked = (property: string): Error =>
    new TypeError(
      `WaapiInstance: ${property} reached the lifecycle unchecked (${describe(checked[property])}).`,
    );
  if (typeof name !== "string" || name === UNKNOWN_VALUE) throw unchecked("name");
  const inputs: InstanceInputs = { name };
  if (webhookUrl !== undefined) {
    if (typeof webhookUrl !== "string" || webhookUrl === UNKNOWN_VALUE) throw unchecked("webhookUrl");
    inputs.webhookUrl = webhookUrl;
  }
  if (webhookEvents !== undefined) {
    if (!Array.isArray(webhookEvents)) throw unchecked("webhookEvents");
    const events: WebhookEvent[] = [];
    for (const event of webhookEvents as unknown[]) {
      if (!isWebhookEvent(event)) throw unchecked("webhookEvents");
      events.push(event);
    }
    inputs.webhookEvents = events;
  }
  if (adoptInstanceId !== undefined) {
    if (typeof adoptInstanceId !== "number") throw unchecked("adoptInstanceId");
    inputs.adoptInstanceId = adoptInstanceId;
  }
  return inputs;
}

function nameReason(name: string): string | undefined {
  return oneLineTextReason("name", nameProblem(name), {
    empty: "give the instance a display name",
    what: "a display name",
    limitedBy: "WAAPI",
  });
}

/**
 * The URL itself is never quoted: it may have been given as a secret (a token in its query), and a
 * check failure is printed in plain text.
 */
function checkWebhookUrl(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return `webhookUrl must be a string URL, not ${describe(value, false)}.`;
  }
  const problem = webhookUrlProblem(value);
  const example = "write it in full, e.g. https://example.com/waapi";
  switch (problem?.kind) {
    case undefined:
      return undefined;
    case "empty":
      return "webhookUrl must not be empty: omit webhookUrl to have no webhook, or give an https:// URL.";
    case "control-character":
      return (
        `webhookUrl contains ${describeCodePoint(problem.codePoint)} at position ${problem.index + 1}: ` +
        "a URL cannot hold control characters; remove it."
      );
    case "whitespace":
      return (
        `webhookUrl contains ${describeCodePoint(problem.codePoint)} at position ${problem.index + 1}: ` +
        "a URL has no blanks; remove it or percent-encode it (a space is %20)."
      );
    case "too-long":
      return `webhookUrl is ${problem.length} characters long; WAAPI takes at most ${problem.max}.`;
    case "not-absolute":
      return `webhookUrl is not an absolute URL: ${example}.`;
    case "scheme":
      return `webhookUrl must use http or https, not '${problem.scheme}': WAAPI delivers webhooks over HTTP(S).`;
    case "no-host":
      return `webhookUrl has no host (it needs "//" and a host after the scheme): ${example}.`;
  }
}

/** Returns the sorted set of events, or the reason they are not acceptable. */
function checkWebhookEvents(value: unknown): WebhookEvent[] | string {
  if (!Array.isArray(value)) {
    return `webhookEvents must be a list of event names, e.g. ["message", "ready"], not ${describe(value)}.`;
  }
  const problems: string[] = [];
  const events = new Set<WebhookEvent>();
  value.forEach((event: unknown, index) => {
    if (event === UNKNOWN_VALUE) {
      // Only known once the engine resolves it; `check` runs again then.
      events.add(event as WebhookEvent);
    } else if (typeof event !== "string") {
      problems.push(`webhookEvents[${index}] must be an event name, not ${describe(event)}`);
    } else if (isWebhookEvent(event.trim())) {
      events.add(event.trim() as WebhookEvent);
    } else {
      const hint = closestName(event.trim(), WEBHOOK_EVENTS);
      problems.push(
        `webhookEvents[${index}] ${quoteText(event)} is not a WAAPI webhook event` +
          (hint ? ` (did you mean '${hint}'?)` : ""),
      );
    }
  });
  if (problems.length > 0) {
    return `${problems.join("; ")}. Valid events: ${WEBHOOK_EVENTS.join(", ")}.`;
  }
  return normalizeEvents([...events]);
}

/** Events as the provider stores them: a set, sorted so that order never shows up as a diff. */
export function normalizeEvents<T extends string>(events: readonly T[]): T[] {
  return [...new Set(events)].sort();
}
