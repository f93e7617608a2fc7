/**
 * What every resource's check shares: the engine's placeholders, the unknown-input rule and the
 * wording of a rejected value. Each resource's own rules are in its inputs.ts; the facts they judge
 * (names, URLs, ids, numbers) are in ../rules.ts.
 */
import { describeCodePoint, type NameProblem } from "../rules";

/**
 * What Pulumi puts in place of a value that is not known yet (during a preview, an output of a
 * resource that does not exist yet). It equals `pulumi.runtime.unknownValue`; a test holds them
 * together. Such a value cannot be validated now: the engine calls `check` again once it is known.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The key under which the dynamic-provider host keeps the serialized provider in every input bag. */
export const PROVIDER_KEY = "__provider";

/**
 * Fails every key of `news` that is not one of `known` (naming the closest input when it looks like a
 * typo), and passes the dynamic host's serialized provider through to `inputs` untouched.
 */
export function unknownInputs(
  news: Readonly<Record<string, unknown>>,
  known: readonly string[],
  typeName: string,
  inputs: Record<string, unknown>,
  fail: (property: string, reason: string) => void,
): void {
  for (const key of Object.keys(news)) {
    if (key === PROVIDER_KEY) {
      inputs[key] = news[key];
    } else if (!known.includes(key)) {
      const hint = closestName(key, known);
      fail(
        key,
        `${quoteText(key)} is not a ${typeName} input` +
          (hint ? `; did you mean '${hint}'?` : `; the inputs are ${known.join(", ")}.`),
      );
    }
  }
}

/**
 * The closest of `candidates` to a misspelt `input` (case-insensitive edit distance), if it is close
 * enough to be a likely typo.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(needle.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** 'text' in single quotes, with control characters escaped so a message stays one clean line. */
export function quoteText(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1)}'`;
}

/** The kind of a value, and the value itself unless `quote` is false (it may be a secret). */
export function describe(value: unknown, quote = true): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return quote ? `the string ${quoteText(value)}` : "a string";
  const type = typeof value;
  const article = /^[aeiou]/.test(type) ? "an" : "a";
  return quote ? `${article} ${type} (${JSON.stringify(value)})` : `${article} ${type}`;
}

/** How a resource speaks of a one-line text input (an instance's name, a group's subject) when it is refused. */
export interface OneLineTextWords {
  /** The fix for an empty one, e.g. "give the group its name". */
  empty: string;
  /** What the value is, e.g. "a group's name". */
  what: string;
  /** Who sets the length limit, e.g. "WhatsApp". */
  limitedBy: string;
}

/** Why `property` is refused, for a problem of ../rules.ts's one-line text rule; undefined when none. */
export function oneLineTextReason(
  property: string,
  problem: NameProblem | undefined,
  words: OneLineTextWords,
): string | undefined {
  switch (problem?.kind) {
    case undefined:
      return undefined;
    case "empty":
      return `${property} must not be empty or blank: ${words.empty}.`;
    case "control-character":
      return (
        `${property} contains ${describeCodePoint(problem.codePoint)} at position ${problem.index + 1}: ` +
        `${words.what} is one line of plain text; remove it.`
      );
    case "too-long":
      return `${property} is ${problem.length} characters long; ${words.limitedBy} takes at most ${problem.max}: shorten it.`;
  }
}
