/**
 * Request-header logic of a Laravel/Sanctum API: reading the bearer token, and deciding whether the
 * client "expects JSON" (which is what turns an auth failure into a 401 instead of a login redirect).
 */
import type { IncomingHttpHeaders } from "node:http";

/** The token from `Authorization: Bearer <token>`, or undefined. The scheme is case-insensitive. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The Accept header's media types, best first (by q, ties keep their order), like Symfony's AcceptHeader. */
export function acceptableContentTypes(headers: IncomingHttpHeaders): string[] {
  const accept = headers.accept;
  if (!accept) return [];
  return accept
    .split(",")
    .map((part, index) => {
      const [type = "", ...params] = part.split(";").map((s) => s.trim());
      const q = params.map((p) => /^q=([0-9.]+)$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.type !== "")
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.type);
}

/** Laravel's `Request::expectsJson()`: `(ajax && acceptsAnyContentType) || wantsJson`. */
export function expectsJson(headers: IncomingHttpHeaders): boolean {
  const types = acceptableContentTypes(headers);
  const first = types[0];
  const wantsJson = first !== undefined && (first.includes("/json") || first.includes("+json"));
  const acceptsAny = first === undefined || first === "*/*" || first === "*";
  const ajax = headers["x-requested-with"] === "XMLHttpRequest";
  return (ajax && acceptsAny) || wantsJson;
}
