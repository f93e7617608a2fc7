/**
 * The native provider's own config (`waapi:apiToken`, `waapi:baseUrl`, …): CheckConfig, DiffConfig
 * and Configure, and the connection the resources and functions use. The keys, their environment
 * fallbacks and their rules are settings.ts's, shared with the dynamic door.
 */
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { connect, type Connection } from "../connection";
import type { InputFailure } from "../resources/descriptor";
import { CONFIG_KEYS, resolveSettings, type ConfigSource } from "../settings";
import { PACKAGE } from "../tokens";
import { UNKNOWN_VALUE, secret, unwrapSecrets, type PropertyMap } from "./properties";
import { checkFailures, diffResponse, fromStruct, toStruct } from "./wire";

/** The provider's config as the settings module reads it (`waapi:<key>`), from wire values. */
function configSource(args: PropertyMap, variables?: ReadonlyMap<string, string>): ConfigSource {
  return {
    get: (key) => {
      const name = key.replace(/^waapi:/, "");
      const value = args[name] ?? variables?.get(`${PACKAGE}:config:${name}`);
      return value === undefined || value === null || value === UNKNOWN_VALUE ? undefined : String(value);
    },
  };
}

/** The API the settings point at, for previews; unknown while the settings are unusable. */
function apiBaseUrlOf(config: ConfigSource | undefined): string {
  try {
    return resolveSettings(config).baseUrl;
  } catch {
    return UNKNOWN_VALUE; // the first call that needs the API reports why
  }
}

/** Why settings.ts, which reads the config for both doors, refuses `value` for `key`, if it does. */
function settingProblem(key: keyof typeof CONFIG_KEYS, value: unknown): string | undefined {
  if (value === undefined || value === null || value === UNKNOWN_VALUE || value === "") return undefined;
  try {
    // The engine sends a number, or the string `pulumi config set` stored: both read alike.
    resolveSettings(configSource({ [key]: value }), {});
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export class ProviderConfig {
  /** The connection `Configure` made; calls that need the API await it (a missing token fails there). */
  private connection: Promise<Connection> | undefined;
  /** The API the provider talks to, known without a token: previews record it. */
  apiBaseUrl = apiBaseUrlOf(undefined);

  /** The connection for a call that needs the API (the environment's, if nothing configured one). */
  readonly connected = (): Promise<Connection> => {
    this.connection ??= Promise.resolve().then(() => connect(undefined));
    return this.connection;
  };

  /** Validates the provider's config; the token stays a secret even when set in plain text. */
  async checkConfig(request: rpc.CheckRequest): Promise<rpc.CheckResponse> {
    const news = fromStruct(request.getNews());
    const { values } = unwrapSecrets(news);
    const failures: InputFailure[] = [];
    // settings.ts applies the one base-URL rule (rules.ts), as it does for the dynamic door.
    for (const key of ["baseUrl", "maxRequestsPerMinute", "requestTimeoutMs"] as const) {
      const reason = settingProblem(key, values[key]);
      if (reason) failures.push({ property: key, reason });
    }
    const inputs = { ...news };
    if (typeof news["apiToken"] === "string" && news["apiToken"] !== UNKNOWN_VALUE) {
      inputs["apiToken"] = secret(news["apiToken"]);
    }
    return new rpc.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(checkFailures(failures));
  }

  /** A changed token or API is an update of the provider, never a replacement of its resources. */
  async diffConfig(request: rpc.DiffRequest): Promise<rpc.DiffResponse> {
    const olds = unwrapSecrets(fromStruct(request.getOldInputs() ?? request.getOlds())).values;
    const news = unwrapSecrets(fromStruct(request.getNews())).values;
    const changed = Object.keys(CONFIG_KEYS).filter((key) => (olds[key] ?? null) !== (news[key] ?? null));
    return diffResponse(
      changed.map((property) => ({ property, kind: "update" })),
      false,
    );
  }

  /**
   * The provider's config arrives as `args` (newer engines, secrets wrapped) and as `variables`
   * (`waapi:config:<key>`). It goes through the same settings resolution as the dynamic door, with
   * the same environment fallbacks.
   */
  async configure(request: rpc.ConfigureRequest): Promise<rpc.ConfigureResponse> {
    const args = unwrapSecrets(fromStruct(request.getArgs())).values;
    const config = configSource(args, new Map(request.getVariablesMap().getEntryList()));
    this.apiBaseUrl = apiBaseUrlOf(config);
    this.connection = Promise.resolve().then(() => connect(config));
    // A missing token is reported by the first call that needs the API: check, diff and previews work without one.
    this.connection.catch(() => undefined);
    return new rpc.ConfigureResponse()
      .setAcceptsecrets(true)
      .setSupportspreview(true)
      .setAcceptresources(false)
      .setAcceptoutputs(false);
  }
}
