/**
 * Property values as the engine sends them over gRPC, and back. With `acceptSecrets`, a secret arrives
 * wrapped in an object tagged with Pulumi's signature key; a value not known yet (in a preview) is a
 * fixed string. The core works on plain values, so the door unwraps secrets on the way in, remembers
 * which properties were secret, and wraps the same properties on the way out: a secret webhook URL
 * stays a secret in the state.
 */
import { UNKNOWN_VALUE } from "../instance/inputs";

export { UNKNOWN_VALUE };

/** Pulumi's signature key and the signature of a secret (`pulumi.runtime` specialSigKey/specialSecretSig). */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export type PropertyMap = Record<string, unknown>;

/** Plain values, and the names of the top-level properties that were (or held) secrets. */
export interface Unwrapped {
  values: PropertyMap;
  secrets: Set<string>;
}

function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

/** A value with every secret wrapper removed, and whether there was one. */
function reveal(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: reveal(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(reveal);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, reveal(item)] as const);
    return {
      value: Object.fromEntries(entries.map(([key, item]) => [key, item.value])),
      secret: entries.some(([, item]) => item.secret),
    };
  }
  return { value, secret: false };
}

export function unwrapSecrets(properties: PropertyMap | undefined): Unwrapped {
  const values: PropertyMap = {};
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries(properties ?? {})) {
    const revealed = reveal(value);
    values[key] = revealed.value;
    if (revealed.secret) secrets.add(key);
  }
  return { values, secrets };
}

export function secret(value: unknown): PropertyMap {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** `values` with each property named in `secrets` wrapped as a secret; absent properties stay absent. */
export function wrapSecrets(values: object, secrets: ReadonlySet<string>): PropertyMap {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, secrets.has(key) ? secret(value) : value]),
  );
}

/** The names of secret properties across several bags (e.g. old inputs and old outputs). */
export function secretsOf(...bags: (PropertyMap | undefined)[]): Set<string> {
  const names = new Set<string>();
  for (const bag of bags) for (const name of unwrapSecrets(bag).secrets) names.add(name);
  return names;
}
