/**
 * What an API call answers, and the error bodies a Laravel (Sanctum) app produces, with Laravel's own
 * wording where it has one, so clients are tested against the shapes they will meet.
 */
import type { FastifyReply } from "fastify";
import type { ApiErrorBody, Permission } from "../provider/waapi-api";
import { validationMessage, type ValidationErrors } from "./validation";

/** `body`: undefined = no body; a string is sent as is (HTML, text); anything else as JSON. */
export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function json(status: number, body: unknown): ApiResult {
  return { status, body };
}

export function errorResult(status: number, message: string): ApiResult {
  const body: ApiErrorBody = { message };
  return { status, body };
}

export const unauthenticated = (): ApiResult => errorResult(401, "Unauthenticated.");

export function missingPermission(permission: Permission): ApiResult {
  return errorResult(403, `This action is unauthorized. The API token lacks the '${permission}' permission.`);
}

export function instanceLimitReached(limit: number): ApiResult {
  return errorResult(
    403,
    `You have reached your instance limit (${limit}). Upgrade your plan to create more instances.`,
  );
}

/** Route model binding's 404, for unknown ids, other accounts' instances and non-numeric ids alike. */
export function modelNotFound(id: string): ApiResult {
  return errorResult(404, `No query results for model [App\\Models\\Instance] ${id}`);
}

export function validationFailed(errors: ValidationErrors): ApiResult {
  const body: ApiErrorBody = { message: validationMessage(errors), errors };
  return { status: 422, body };
}

/** Laravel's NotFoundHttpException for a path no route matches (path without the leading slash). */
export function routeNotFound(path: string): ApiResult {
  return errorResult(404, `The route ${path.replace(/^\//, "")} could not be found.`);
}

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiResult {
  const result = errorResult(
    405,
    `The ${method} method is not supported for route ${path.replace(/^\//, "")}. ` +
      `Supported methods: ${allowed.join(", ")}.`,
  );
  return { ...result, headers: { Allow: allowed.join(", ") } };
}

/**
 * What Laravel answers an unauthenticated request that does not ask for JSON: a redirect to the login
 * page, with Symfony's RedirectResponse HTML body. A client that forgets `Accept: application/json`
 * and follows redirects ends up with a 200 HTML login page instead of an error.
 */
export function loginRedirect(origin: string): ApiResult {
  const target = `${origin}/login`;
  const body = `<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='${target}'" />

        <title>Redirecting to ${target}</title>
    </head>
    <body>
        Redirecting to <a href="${target}">${target}</a>.
    </body>
</html>`;
  return { status: 302, body, headers: { Location: target, "Content-Type": "text/html; charset=UTF-8" } };
}

/** The login page itself, so a redirect-following client gets what it would get from waapi.app. */
export function loginPage(): ApiResult {
  return {
    status: 200,
    body: "<!DOCTYPE html>\n<html><head><title>Login - WAAPI sandbox</title></head><body><form>Log in</form></body></html>\n",
    headers: { "Content-Type": "text/html; charset=UTF-8" },
  };
}

/** Writes a result to the reply: headers, then no body, raw text, or JSON. */
export function send(reply: FastifyReply, result: ApiResult): FastifyReply {
  void reply.code(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value);
  if (result.body === undefined) return reply.send();
  if (typeof result.body === "string") {
    if (!reply.hasHeader("content-type")) void reply.type("text/plain; charset=utf-8");
    return reply.send(result.body);
  }
  if (!reply.hasHeader("content-type")) void reply.type("application/json");
  return reply.send(JSON.stringify(result.body));
}
