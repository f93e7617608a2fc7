/**
 * The token-leak check every test uses: a secret must not show in any text a person or a log could
 * see — not as it is, not URL-encoded (a query string, a form body, an encoded URL) and not in
 * base64 (a Basic auth header, a data URL, a serialized buffer), standard or URL-safe.
 */
import { inspect } from "node:util";

/** Everything a value could show a person or a log: message, stack, JSON and deep inspection. */
export function everythingShown(value: unknown): string {
  if (typeof value === "string") return value;
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    // circular: inspect covered it
  }
  if (value instanceof Error) parts.push(String(value), value.stack ?? "");
  return parts.join("\n");
}

export interface SecretForm {
  /** e.g. "plain", "encodeURIComponent", "base64url (offset 1)" */
  form: string;
  text: string;
}

/**
 * base64 of `secret` as it reads inside a longer base64 text: the characters that depend on the
 * secret alone, for each of the three byte offsets the secret can start at.
 */
function base64Cores(secret: string, alphabet: "base64" | "base64url"): SecretForm[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: SecretForm[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString(alphabet)
      .replace(/=+$/, "");
    // Drop the leading group (it mixes in the bytes before the secret) and the trailing partial
    // group (it mixes in the bytes after it); what remains is fixed by the secret alone.
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const core = encoded.slice(start, Math.max(start, end));
    if (core.length >= 8) forms.push({ form: `${alphabet} (offset ${offset})`, text: core });
  }
  return forms;
}

/** The forms of `secret` that count as a leak. */
export function secretForms(secret: string): SecretForm[] {
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice("s=".length);
  return [
    { form: "plain", text: secret },
    { form: "encodeURIComponent", text: uri },
    {
      form: "encodeURIComponent, lower-case escapes",
      text: uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    },
    { form: "form encoding", text: form },
    { form: "JSON string", text: JSON.stringify(secret).slice(1, -1) },
    ...base64Cores(secret, "base64"),
    ...base64Cores(secret, "base64url"),
  ];
}

export interface Leak {
  secretIndex: number;
  form: string;
  /** Which of the searched texts, and where in it. */
  textIndex: number;
  at: number;
}

/** Every place where one of `secrets` shows, in any form, in any of `texts` (any value: see everythingShown). */
export function findLeaks(texts: readonly unknown[], secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const shown = texts.map(everythingShown);
  secrets.forEach((secret, secretIndex) => {
    if (secret.length === 0) return;
    for (const { form, text } of secretForms(secret)) {
      shown.forEach((haystack, textIndex) => {
        const at = haystack.indexOf(text);
        if (at >= 0) leaks.push({ secretIndex, form, textIndex, at });
      });
    }
  });
  return leaks;
}

/**
 * Fails the test when any secret shows in any text. The failure names the secret by its index and
 * shows the text around the place with the secret blanked out, so the report does not leak it again.
 */
export function expectNoLeak(texts: readonly unknown[], secrets: readonly string[]): void {
  const leaks = findLeaks(texts, secrets);
  if (leaks.length === 0) return;
  const shown = texts.map(everythingShown);
  const report = leaks.slice(0, 5).map(({ secretIndex, form, textIndex, at }) => {
    const around = (shown[textIndex] ?? "").slice(Math.max(0, at - 60), at + 120);
    const blanked = secretForms(secrets[secretIndex] ?? "").reduce(
      (text, { text: needle }) => text.split(needle).join("<SECRET>"),
      around,
    );
    return `secret #${secretIndex} (${form}) in text #${textIndex} at ${at}: …${blanked}…`;
  });
  throw new Error(`${leaks.length} leak(s) of a secret:\n${report.join("\n")}`);
}
