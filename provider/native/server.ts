/**
 * Door 2: the `waapi` resource provider plugin's gRPC service (Pulumi's ResourceProvider), which
 * serves the registry's resources (`waapi:index:Instance`, …) and functions to programs in any Pulumi
 * language. The jobs live beside it: ./config.ts (the provider's config and connection),
 * ./resources.ts (CRUD by type token over the registry), ./functions.ts (Invoke), ./wire.ts (gRPC
 * plumbing), ./properties.ts (secrets).
 *
 * Why not @pulumi/pulumi's own `provider` server: its Configure ignores the provider's config, its
 * CheckConfig/DiffConfig answer UNIMPLEMENTED, and its Diff forwards no per-property diff.
 */
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { PluginInfo, type PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import { ProviderConfig } from "./config";
import { EngineLog } from "../engine-log";
import { invoke } from "./functions";
import { pluginVersion, schemaText } from "./package-files";
import { ResourceCalls } from "./resources";
import { unary } from "./wire";

export { GET_INSTANCE, GET_INSTANCE_STATUS, INSTANCE_TYPE, LIST_INSTANCES, PACKAGE } from "../tokens";
export { SCHEMA_PATH, packageFile, pluginVersion, schemaText } from "./package-files";

/** The calls this plugin serves. */
type ServedCalls = Pick<
  IResourceProviderServer,
  | "getPluginInfo"
  | "getSchema"
  | "attach"
  | "cancel"
  | "checkConfig"
  | "diffConfig"
  | "configure"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete"
  | "invoke"
>;

export class WaapiResourceProvider {
  private readonly config = new ProviderConfig();
  /** The engine's log, at its address argument (or Attach's): where warnings go. */
  private readonly engineLog: EngineLog;
  private readonly resources: ResourceCalls;

  constructor(engineAddress: string | undefined) {
    this.engineLog = new EngineLog(engineAddress);
    this.resources = new ResourceCalls(this.config, this.engineLog);
  }

  /** Where the engine listens (its address argument, or Attach's). */
  get engine(): string | undefined {
    return this.engineLog.engineAddress;
  }

  /** The service implementation; calls it leaves out (Construct, Call, …) answer UNIMPLEMENTED. */
  service(): ServedCalls {
    const { config, resources } = this;
    return {
      getPluginInfo: unary(async (_request: Empty) => new PluginInfo().setVersion(pluginVersion())),
      getSchema: unary(async (request: rpc.GetSchemaRequest) => {
        if (request.getVersion() !== 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
        return new rpc.GetSchemaResponse().setSchema(schemaText());
      }),
      attach: unary(async (request: PluginAttach) => {
        this.engineLog.engineAddress = request.getAddress();
        return new Empty();
      }),
      cancel: unary(async (_request: Empty) => new Empty()),
      checkConfig: unary((request: rpc.CheckRequest) => config.checkConfig(request)),
      diffConfig: unary((request: rpc.DiffRequest) => config.diffConfig(request)),
      configure: unary((request: rpc.ConfigureRequest) => config.configure(request)),
      check: unary((request: rpc.CheckRequest) => resources.check(request)),
      diff: unary((request: rpc.DiffRequest) => resources.diff(request)),
      create: unary((request: rpc.CreateRequest) => resources.create(request)),
      read: unary((request: rpc.ReadRequest) => resources.read(request)),
      update: unary((request: rpc.UpdateRequest) => resources.update(request)),
      delete: unary((request: rpc.DeleteRequest) => resources.delete(request)),
      invoke: unary((request: rpc.InvokeRequest) => invoke(config, request)),
    };
  }
}
