import { DEFAULT_BASE_URL } from "./waapi-api";

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
  const baseUrl = (pick("baseUrl") ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  assertTokenTravelsSafely(baseUrl);
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

/** localhost, 127.0.0.0/8 and ::1: plain HTTP never leaves the machine there. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The token goes with every request as a bearer header: over plain `http://` to another machine it
 * would cross the network readable by anyone on the way. Loopback (the sandbox) stays allowed.
 */
function assertTokenTravelsSafely(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return; // not a URL at all: the client says so, with the value
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) throw new InsecureBaseUrlError(url);
}

/** A base URL that would send the token in clear text; thrown at the first call that needs the API. */
export class InsecureBaseUrlError extends Error {
  readonly code = "ERR_WAAPI_INSECURE_BASE_URL";
  constructor(url: URL) {
    super(
      `The WAAPI base URL http://${url.host}${url.pathname} uses plain HTTP to another machine, so the API ` +
        `token would travel in clear text; nothing was sent. Use https://${url.host}${url.pathname} ` +
        `(\`pulumi config set ${CONFIG_KEYS.baseUrl} https://…\`, or ${ENV_VARS.baseUrl}), or unset it for ` +
        `the real service (${DEFAULT_BASE_URL}). Plain http:// is allowed only to loopback ` +
        `(localhost, 127.0.0.1, [::1]), e.g. for the WAAPI sandbox.`,
    );
    this.name = "InsecureBaseUrlError";
  }
}

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
