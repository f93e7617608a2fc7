/** `pulumi-waapi/native`: the native plugin's resource and functions for TypeScript programs. */
export { Instance, getInstance, listInstances, type InstanceArgs, type InstanceInfo } from "./instance";
export { DYNAMIC_INSTANCE_TYPE, INSTANCE_TYPE } from "./tokens";
