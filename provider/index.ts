/**
 * pulumi-waapi: declare WhatsApp gateway instances on waapi.app in a Pulumi program.
 *
 * ```ts
 * import { WaapiInstance } from "pulumi-waapi";
 * new WaapiInstance("support", { name: "Support line", webhookUrl: "https://example.com/waapi", webhookEvents: ["message"] });
 * ```
 */
export { WaapiInstance, type WaapiInstanceArgs } from "./dynamic/resource";
export { WaapiInstanceProvider } from "./dynamic/provider";
export { WaapiGroup, type WaapiGroupArgs } from "./dynamic/group";
export {
  getInstanceStatus,
  getInstanceStatusOutput,
  type GetInstanceStatusArgs,
  type GetInstanceStatusOutputArgs,
  type InstanceStatusResult,
} from "./dynamic/functions";
export type { InstanceOutputs } from "./instance/state";
export { CONFIG_KEYS, ENV_VARS, MissingApiTokenError } from "./settings";
export * from "./client";
export * from "./waapi-api";
