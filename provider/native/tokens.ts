/**
 * The native plugin's type tokens, apart from the gRPC service so that code that only names them (the
 * `pulumi-waapi` command's bulk-import file and drift report) does not load gRPC.
 */
export const PACKAGE = "waapi";
export const INSTANCE_TYPE = `${PACKAGE}:index:Instance`;
export const GET_INSTANCE = `${PACKAGE}:index:getInstance`;
export const LIST_INSTANCES = `${PACKAGE}:index:listInstances`;
export const GET_INSTANCE_STATUS = `${PACKAGE}:index:getInstanceStatus`;

/**
 * The dynamic WaapiInstance's type token (`pulumi.dynamic.Resource` with module "waapi", type
 * "Instance"). A native Instance aliases it, so a stack moves from one door to the other in place.
 */
export const DYNAMIC_INSTANCE_TYPE = "pulumi-nodejs:dynamic/waapi:Instance";
