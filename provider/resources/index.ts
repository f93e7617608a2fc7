/**
 * The registry: every resource and function the provider serves, each described once in its own
 * folder of the core. Both doors route by token through these lists; to add a resource, write its
 * descriptor (see ./descriptor.ts and docs/architecture.md) and add it here.
 */
import {
  INSTANCE_INFO,
  getInstanceFunction,
  getInstanceStatusFunction,
  listInstancesFunction,
} from "../instance/functions";
import { instanceResource } from "../instance/resource";
import { groupResource } from "./group/resource";
import type { NamedType, ObjectTypeSpec, ProviderFunction, Resource } from "./descriptor";

export type { ProviderFunction, Resource } from "./descriptor";

/** The resources, in the order the schema and the reference list them. */
export const RESOURCES: readonly Resource[] = [instanceResource, groupResource];

/** The functions (native door), in the order the schema lists them. */
export const FUNCTIONS: readonly ProviderFunction[] = [
  getInstanceFunction,
  listInstancesFunction,
  getInstanceStatusFunction,
];

/** The object types the functions answer with, by name (the schema's `types`, beside the vocabulary's enums). */
export const OBJECT_TYPES: Readonly<Partial<Record<NamedType, ObjectTypeSpec>>> = {
  InstanceInfo: INSTANCE_INFO,
};

/** The resource with native token or dynamic token `token`, if there is one. */
export function resourceFor(token: string): Resource | undefined {
  return RESOURCES.find((resource) => resource.token === token || resource.dynamicToken === token);
}

/** The function with token `token`, if there is one. */
export function functionFor(token: string): ProviderFunction | undefined {
  return FUNCTIONS.find((fn) => fn.token === token);
}
