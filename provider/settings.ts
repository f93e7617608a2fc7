import { DEFAULT_BASE_URL } from "./waapi-api";
import { baseUrlProblem, normalizeBaseUrl, type BaseUrlProblem } from "./rules";

export { isLoopbackHost } from "./rules";

/**
 * Stack configuration keys, set with `pulumi config set [--secret] waapi:<key> …`. The doc comments are
 * the native plugin's config reference (scripts/generate-schema.cjs).
 */
export const CONFIG_KEYS = {
  /**
   * The WAAPI API token, from "User API Tokens" on waapi.app; set it with `--secret`. Falls back to
   * WAAPI_API_TOKEN.
   * @secret
   */
  apiToken: "waapi:apiToken",
  /**
   * The WAAPI API to talk to, default https://waapi.app/api/v1 (a sandbox's URL in tests). Falls back
   * to WAAPI_BASE_URL.
   */
  baseUrl: "waapi:baseUrl",
  /**
   * Optional steady pace for all the stack's API requests, e.g. the account's rate limit: at most this
   * many a minute, evenly spaced. Falls back to WAAPI_MAX_REQUESTS_PER_MINUTE.
   */
  maxRequestsPerMinute: "waapi:maxRequestsPerMinute",
  /** Per-attempt timeout of an API request in milliseconds, default 30000. Falls back to WAAPI_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs: "waapi:requestTimeoutMs",
} as const;

/** Environment fallbacks, for CI jobs and for driving the provider outside Pulumi. */
export const ENV_VARS = {
  apiToken: "WAAPI_API_TOKEN",
  baseUrl: "WAAPI_BASE_URL",
  maxRequestsPerMinute: "WAAPI_MAX_REQUESTS_PER_MINUTE",
  requestTimeoutMs: "WAAPI_REQUEST_TIMEOUT_MS",
} as const;

/** The part of Pulumi's dynamic-provider config the provider reads. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  /** Undefined when neither the stack nor the environment has one: reported at the first API call. */
  apiToken: string | undefined;
  baseUrl: string;
  /** Steady pacing of all the process's requests; undefined: as fast as the server allows. */
  maxRequestsPerMinute: number | undefined;
  /** Per attempt; undefined: the client's default (30 s). */
  requestTimeoutMs: number | undefined;
}

/**
 * Stack config first, then the environment, then the real service. Blank values count as unset. The
 * base URL comes without a trailing slash: it is recorded with every instance and compared.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProviderSettings {
  const pick = (key: keyof typeof CONFIG_KEYS) =>
    nonBlank(config?.get(CONFIG_KEYS[key])) ?? nonBlank(env[ENV_VARS[key]]);
  const baseUrl = normalizeBaseUrl(pick("baseUrl") ?? DEFAULT_BASE_URL);
  assertUsableBaseUrl(baseUrl);
  return {
    apiToken: pick("apiToken"),
    baseUrl,
    maxRequestsPerMinute: positiveInteger("maxRequestsPerMinute", pick("maxRequestsPerMinute")),
    requestTimeoutMs: positiveInteger("requestTimeoutMs", pick("requestTimeoutMs")),
  };
}

function positiveInteger(key: keyof typeof CONFIG_KEYS, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value) && Number(value) > 0 && Number.isSafeInteger(Number(value))) return Number(value);
  throw new Error(
    `${CONFIG_KEYS[key]} (or ${ENV_VARS[key]}) must be a whole number above 0, not ${JSON.stringify(value)}: ` +
      `e.g. \`pulumi config set ${CONFIG_KEYS[key]} 60\`, or unset it.`,
  );
}

/**
 * Refuses a base URL that breaks the one base-URL rule (rules.ts) before anything is sent: plain
 * `http://` to another machine would carry the token (a bearer header on every request) readable by
 * anyone on the way; loopback (the sandbox) stays allowed.
 */
function assertUsableBaseUrl(baseUrl: string): void {
  const problem = baseUrlProblem(baseUrl);
  if (problem?.kind === "insecure") throw new InsecureBaseUrlError(problem);
  if (problem) throw new InvalidBaseUrlError(baseUrl, problem);
}

/** A base URL that would send the token in clear text; thrown at the first call that needs the API. */
export class InsecureBaseUrlError extends Error {
  readonly code = "ERR_WAAPI_INSECURE_BASE_URL";
  constructor(readonly problem: Extract<BaseUrlProblem, { kind: "insecure" }>) {
    const { host, pathname } = problem;
    super(
      `The WAAPI base URL http://${host}${pathname} uses plain HTTP to another machine, so the API ` +
        `token would travel in clear text; nothing was sent. Use https://${host}${pathname} ` +
        `(\`pulumi config set ${CONFIG_KEYS.baseUrl} https://…\`, or ${ENV_VARS.baseUrl}), or unset it for ` +
        `the real service (${DEFAULT_BASE_URL}). Plain http:// is allowed only to loopback ` +
        `(localhost, 127.0.0.1, [::1]), e.g. for the WAAPI sandbox.`,
    );
    this.name = "InsecureBaseUrlError";
  }
}

/** A base URL that is no usable http(s) URL; thrown at the first call that needs the API. */
export class InvalidBaseUrlError extends Error {
  readonly code = "ERR_WAAPI_BASE_URL";
  constructor(
    readonly baseUrl: string,
    readonly problem: Exclude<BaseUrlProblem, { kind: "insecure" }>,
  ) {
    super(
      `The WAAPI base URL ${JSON.stringify(baseUrl)} ${BASE_URL_PROBLEMS[problem.kind]}: write it in full, ` +
        `e.g. ${DEFAULT_BASE_URL} (\`pulumi config set ${CONFIG_KEYS.baseUrl} …\`, or ${ENV_VARS.baseUrl}), ` +
        `or leave it unset for the real service. Nothing was sent.`,
    );
    this.name = "InvalidBaseUrlError";
  }
}

const BASE_URL_PROBLEMS = {
  "not-a-url": "is not an absolute http(s) URL",
  scheme: "is not an http(s) URL",
  "query-or-fragment": "has a query or fragment, which a base URL cannot have",
} as const;

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Thrown at the first API call when no token is configured; preview's check and diff need none. */
export class MissingApiTokenError extends Error {
  readonly code = "ERR_WAAPI_NO_TOKEN";
  constructor() {
    super(
      `No WAAPI API token is configured. Create one under "User API Tokens" on waapi.app, then run ` +
        `\`pulumi config set --secret ${CONFIG_KEYS.apiToken} <token>\` (or set ${ENV_VARS.apiToken}).`,
    );
    this.name = "MissingApiTokenError";
  }
}
