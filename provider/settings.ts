import { DEFAULT_BASE_URL } from "./waapi-api";

/** Stack configuration keys, set with `pulumi config set [--secret] waapi:<key> …`. */
export const CONFIG_KEYS = { apiToken: "waapi:apiToken", baseUrl: "waapi:baseUrl" } as const;

/** Environment fallbacks, for CI jobs and for driving the provider outside Pulumi. */
export const ENV_VARS = { apiToken: "WAAPI_API_TOKEN", baseUrl: "WAAPI_BASE_URL" } as const;

/** The part of Pulumi's dynamic-provider config the provider reads. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  /** Undefined when neither the stack nor the environment has one: reported at the first API call. */
  apiToken: string | undefined;
  baseUrl: string;
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
  return { apiToken: pick("apiToken"), baseUrl: (pick("baseUrl") ?? DEFAULT_BASE_URL).replace(/\/+$/, "") };
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
