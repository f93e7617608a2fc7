/**
 * The `pulumi-resource-waapi` plugin's entry point (bin/pulumi-resource-waapi runs it). The engine
 * starts the plugin with its own address as the first argument (after flags such as `--logtostderr`,
 * `-v=9`, `--tracing <endpoint>`), then reads the port the plugin listens on from its first line of
 * stdout and speaks gRPC to it.
 */
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { WaapiResourceProvider } from "./server";

/** The engine's address among the plugin's arguments (flags are the engine's logging options). */
export function engineAddressFrom(args: readonly string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--tracing") i++;
    else if (!arg.startsWith("-")) positional.push(arg);
  }
  return positional[0];
}

/** Serves the provider on a free loopback port and resolves with the port. */
export async function serve(args: readonly string[]): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  const provider = new WaapiResourceProvider(engineAddressFrom(args));
  server.addService(ResourceProviderService, provider.service());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { port, server };
}

export async function main(args: readonly string[]): Promise<void> {
  const { port } = await serve(args);
  // The handshake: the port, alone on the first line of stdout.
  process.stdout.write(`${port}\n`);
}
