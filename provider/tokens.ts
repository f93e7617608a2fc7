/**
 * How the provider's type tokens are spelt, in one place: the native plugin's (`waapi:index:<Type>`)
 * and the dynamic door's (`pulumi-nodejs:dynamic/waapi:<Type>`, what `pulumi.dynamic.Resource` gives
 * a resource of module "waapi"). A native resource aliases its dynamic twin, so a stack moves from
 * one door to the other in place. Loads nothing: the CLI and the SDK name tokens without the core.
 */
export const PACKAGE = "waapi";

/** The native token of resource or function `name` (module `index`). */
export function nativeToken(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/** The dynamic door's token of resource `type`. */
export function dynamicToken(type: string): string {
  return `pulumi-nodejs:dynamic/${PACKAGE}:${type}`;
}

export const INSTANCE_TYPE = nativeToken("Instance");
export const DYNAMIC_INSTANCE_TYPE = dynamicToken("Instance");
export const GROUP_TYPE = nativeToken("Group");
export const DYNAMIC_GROUP_TYPE = dynamicToken("Group");
export const GET_INSTANCE = nativeToken("getInstance");
export const LIST_INSTANCES = nativeToken("listInstances");
export const GET_INSTANCE_STATUS = nativeToken("getInstanceStatus");
