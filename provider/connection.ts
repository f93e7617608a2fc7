/**
 * A configured connection to WAAPI: what every resource's lifecycle and every function takes. Made
 * from the provider's config by either door; knows neither door.
 */
import { createHash } from "node:crypto";
import { RequestPacer, WaapiClient } from "./client";
import { CreationLedger } from "./instance/creation";
import { CONFIG_KEYS, ENV_VARS, MissingApiTokenError, resolveSettings, type ConfigSource } from "./settings";

/** A configured connection: the client, and the API it talks to (recorded with every resource). */
export interface Connection {
  client: WaapiClient;
  apiBaseUrl: string;
  /** The account's instance POSTs, with recovery of those whose answer was lost (see instance/creation.ts). */
  creations: CreationLedger;
}

/**
 * The process's connections, one per account and API (and settings): every resource a provider
 * process serves shares one client, so the account is listed once before its first POST (see
 * instance/creation.ts), and one pacer spaces all its requests and waits out a 429 for all of them.
 * Keyed by a hash, so the token is not kept a second time.
 */
const connections = new Map<string, Connection>();

/** A connection from the provider's config (stack config first, then the environment). */
export function connect(config: ConfigSource | undefined): Connection {
  const settings = resolveSettings(config);
  const { apiToken, baseUrl, maxRequestsPerMinute, requestTimeoutMs } = settings;
  if (!apiToken) throw new MissingApiTokenError();
  const key = createHash("sha256")
    .update(JSON.stringify([baseUrl, apiToken, maxRequestsPerMinute, requestTimeoutMs]))
    .digest("hex");
  let connection = connections.get(key);
  if (!connection) {
    const client = new WaapiClient({
      apiToken,
      baseUrl,
      pacer: new RequestPacer(maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute }),
      ...(requestTimeoutMs === undefined ? {} : { timeoutMs: requestTimeoutMs }),
    });
    connection = { client, apiBaseUrl: baseUrl, creations: new CreationLedger() };
    connections.set(key, connection);
  }
  return connection;
}

/**
 * A resource lives on the API it was created through; a call through another (a stray
 * WAAPI_BASE_URL, a sandbox URL left in the config) would find nothing there, and refresh would then
 * drop real, paid instances from the stack. Refused before anything is sent.
 */
export function assertSameApi(connection: Connection, recorded: Record<string, unknown> | undefined): void {
  const recordedUrl = recorded?.["apiBaseUrl"];
  if (typeof recordedUrl === "string" && recordedUrl !== connection.apiBaseUrl) {
    throw new Error(
      `This instance lives on ${recordedUrl}, but the provider is configured for ${connection.apiBaseUrl} ` +
        `(${CONFIG_KEYS.baseUrl}, or ${ENV_VARS.baseUrl} when that is unset). Nothing was read or changed. ` +
        `Point ${CONFIG_KEYS.baseUrl} at ${recordedUrl} for this stack.`,
    );
  }
}
