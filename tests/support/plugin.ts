/**
 * The native plugin as the engine runs it: bin/pulumi-resource-waapi started as a process (from the
 * compiled dist/), its port read from stdout, and a gRPC ResourceProvider client on that port. The
 * gRPC library and stubs load through Node's own require, like the plugin's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import { requireFromRoot } from "./provider";

export const PLUGIN_BIN = join(process.cwd(), "bin", "pulumi-resource-waapi");

export const grpc = requireFromRoot("@grpc/grpc-js") as typeof GrpcModule;
export const rpc = requireFromRoot("@pulumi/pulumi/proto/provider_pb") as typeof ProviderPb;
const { ResourceProviderClient } = requireFromRoot(
  "@pulumi/pulumi/proto/provider_grpc_pb",
) as typeof ProviderGrpc;
const { Struct } = requireFromRoot("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
export const { Empty } = requireFromRoot("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;

export type Client = InstanceType<typeof ResourceProviderClient>;

export function struct(values: Record<string, unknown>): StructPb.Struct {
  return Struct.fromJavaScript(values as Record<string, StructPb.JavaScriptValue>);
}

export function plain(value: StructPb.Struct | undefined): Record<string, unknown> {
  return (value?.toJavaScript() ?? {}) as Record<string, unknown>;
}

export type Callback<Response> = (error: GrpcModule.ServiceError | null, response: Response) => void;

/** A unary call as a promise: `await call<CheckResponse>((done) => client.check(request, done))`. */
export function call<Response>(send: (done: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) =>
    send((error, response) => (error ? reject(error) : resolve(response))),
  );
}

export interface RunningPlugin {
  client: Client;
  /** Everything the plugin wrote to stderr. */
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts the plugin with `env` (added to this process's) and connects a client. */
export async function startPlugin(env: Record<string, string | undefined> = {}): Promise<RunningPlugin> {
  if (!existsSync(join(process.cwd(), "dist", "provider", "native", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (`make test` does)");
  }
  const child: ChildProcess = spawn(PLUGIN_BIN, ["127.0.0.1:1"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const port = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`the plugin exited (${code}) before printing its port: ${stderr}`)),
    );
    child.stdout?.once("data", (chunk) => resolve(String(chunk).trim()));
  });
  expect(port).toMatch(/^\d+$/);
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    stderr: () => stderr,
    stop: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
}
