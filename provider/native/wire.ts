/**
 * gRPC plumbing of the native door: Structs ⇄ property bags, check failures, unary handlers, and
 * errors as gRPC statuses (secrets are ./properties.ts's business).
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import type { InputFailure } from "../resources/descriptor";
import type { PropertyMap } from "./properties";

export function toStruct(values: PropertyMap): Struct {
  return Struct.fromJavaScript(values as Record<string, JavaScriptValue>);
}

export function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

export function checkFailures(failures: readonly InputFailure[]): rpc.CheckFailure[] {
  return failures.map((failure) =>
    new rpc.CheckFailure().setProperty(failure.property).setReason(failure.reason),
  );
}

export function omit(bag: PropertyMap, keys: readonly string[]): PropertyMap {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !keys.includes(key)));
}

/** The type token of a request: its type, or the type part of its URN (older engines send only that). */
export function typeOf(request: { getType(): string; getUrn(): string }): string {
  const urnOrType = request.getType() || request.getUrn();
  return urnOrType.split("::")[2] ?? urnOrType;
}

/** A diff's answer to the engine: which properties change, each an in-place update (`detailedDiff`). */
export function diffResponse(
  changes: readonly { property: string; kind: "add" | "update" | "delete" }[],
  detailed: boolean,
): rpc.DiffResponse {
  const response = new rpc.DiffResponse()
    .setChanges(
      changes.length > 0 ? rpc.DiffResponse.DiffChanges.DIFF_SOME : rpc.DiffResponse.DiffChanges.DIFF_NONE,
    )
    .setDiffsList(changes.map((change) => change.property))
    .setReplacesList([]);
  if (!detailed) return response;
  response.setDeletebeforereplace(false).setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const change of changes) {
    map.set(
      change.property,
      new rpc.PropertyDiff().setKind(PROPERTY_DIFF_KIND[change.kind]).setInputdiff(true),
    );
  }
  return response;
}

const PROPERTY_DIFF_KIND = {
  add: rpc.PropertyDiff.Kind.ADD,
  update: rpc.PropertyDiff.Kind.UPDATE,
  delete: rpc.PropertyDiff.Kind.DELETE,
} as const;

/** A unary handler that answers with `handle`'s result, or with its error as a gRPC status. */
export function unary<Request, Response>(
  handle: (request: Request) => Promise<Response>,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServerError(error)),
    );
  };
}

/** A half-made resource, with its properties and inputs in wire form (secrets wrapped). */
export class NativeInitializationError extends Error {
  constructor(
    readonly id: string,
    readonly properties: PropertyMap,
    readonly inputs: PropertyMap,
    readonly reasons: string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * An error as a gRPC status. A half-created resource travels as `ErrorResourceInitFailed` details,
 * which make the engine record it in the state (as the dynamic door's host does), so the next `up`
 * finishes it instead of creating a second one.
 */
function toServerError(error: unknown): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof NativeInitializationError)) return { code: grpc.status.UNKNOWN, details: message };
  const detail = new rpc.ErrorResourceInitFailed();
  detail.setId(error.id);
  detail.setProperties(toStruct(error.properties));
  detail.setInputs(toStruct(error.inputs));
  detail.setReasonsList(error.reasons);
  const any = new Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}
