/**
 * The native plugin's type tokens, apart from the gRPC service so that code that only names them (the
 * `pulumi-waapi` command's bulk-import file and drift report) does not load gRPC.
 */
export const PACKAGE = "waapi";
export const INSTANCE_TYPE = `${PACKAGE}:index:Instance`;
export const GET_INSTANCE = `${PACKAGE}:index:getInstance`;
export const LIST_INSTANCES = `${PACKAGE}:index:listInstances`;
