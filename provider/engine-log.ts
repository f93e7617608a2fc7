/**
 * A provider's messages to the person running Pulumi: the engine's `Log` RPC, at the address the
 * engine gives the provider (the native plugin's first argument or Attach's; the dynamic-provider
 * host's command line). Both doors use it, so it sits below them. The engine prints them as it prints its
 * own diagnostics, attached to the resource (`warning: …` under it in `pulumi up`).
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

export class EngineLog {
  private client: EngineClient | undefined;

  /** `source` names the process in the stderr fallback. */
  constructor(
    private address: string | undefined,
    private readonly source = "pulumi-resource-waapi",
  ) {}

  /** Where the engine listens; a new address (Attach) replaces the old connection. */
  get engineAddress(): string | undefined {
    return this.address;
  }

  set engineAddress(address: string | undefined) {
    if (address === this.address) return;
    this.client?.close();
    this.client = undefined;
    this.address = address;
  }

  /**
   * A warning about the resource `urn` ("" for none: the engine prints it with the stack's diagnostics). Resolves once the engine took it, or failed to: a message that
   * cannot be delivered (no engine address, as in a test that runs the plugin alone) must not fail
   * the operation it is about, so it goes to the plugin's stderr, which the engine logs.
   */
  warn(message: string, urn: string): Promise<void> {
    return this.log(LogSeverity.WARNING, message, urn);
  }

  /** A message about the resource `urn` that asks nothing of the user's attention (`info`); as `warn`. */
  info(message: string, urn: string): Promise<void> {
    return this.log(LogSeverity.INFO, message, urn);
  }

  private log(severity: LogSeverity, message: string, urn: string): Promise<void> {
    const request = new LogRequest().setSeverity(severity).setMessage(message).setUrn(urn);
    return new Promise((resolve) => {
      const client = this.connected();
      if (!client) {
        process.stderr.write(`${this.source}: ${message}\n`);
        resolve();
        return;
      }
      client.log(request, (error) => {
        if (error) process.stderr.write(`${this.source}: ${message}\n`);
        resolve();
      });
    });
  }

  private connected(): EngineClient | undefined {
    if (this.address === undefined || this.address === "") return undefined;
    this.client ??= new EngineClient(this.address, grpc.credentials.createInsecure());
    return this.client;
  }
}
