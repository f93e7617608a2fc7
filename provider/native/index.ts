/**
 * `pulumi-waapi/native`: the native plugin's resource and functions for TypeScript programs — the
 * Node.js SDK that pkg/v3's codegen writes from schema.json into sdk/nodejs (`npm run sdk`), built
 * into this package. Its Instance aliases the dynamic WaapiInstance's type (the schema says so), so
 * replacing `new WaapiInstance(…)` with `new Instance(…)` under the same name moves an instance to
 * the plugin in place.
 */
import type { types } from "pulumi-waapi/internal/native-sdk";

export * from "pulumi-waapi/internal/native-sdk";
/** An instance as WAAPI reports it (the outputs of an Instance, and what the functions return). */
export type InstanceInfo = types.output.InstanceInfo;
export { DYNAMIC_INSTANCE_TYPE, INSTANCE_TYPE } from "../tokens";
