/**
 * The native plugin's type tokens (spelt in ../tokens.ts), apart from the gRPC service so that code
 * that only names them (the `pulumi-waapi` command's bulk-import file and drift report) does not load gRPC.
 */
export {
  DYNAMIC_INSTANCE_TYPE,
  GET_INSTANCE,
  GET_INSTANCE_STATUS,
  INSTANCE_TYPE,
  LIST_INSTANCES,
  PACKAGE,
} from "../tokens";
