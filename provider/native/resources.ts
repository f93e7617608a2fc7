/**
 * The native door's resource calls (Check, Diff, Create, Read, Update, Delete), routed by type token
 * through the registry (../resources): what a resource is and how it changes lives there, shared with
 * the dynamic door. Here: the wire's secrets, previews, and what a stack moved from the dynamic door
 * still records.
 */
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PROVIDER_KEY } from "../instance/inputs";
import { resourceFor, RESOURCES, type Resource } from "../resources";
import { ResourceInitializationError, type PropertyChange } from "../resources/descriptor";
import { withDoorAdvice } from "./advice";
import type { ProviderConfig } from "./config";
import type { EngineLog } from "../engine-log";
import { UNKNOWN_VALUE, secretsOf, unwrapSecrets, wrapSecrets } from "./properties";
import {
  NativeInitializationError,
  checkFailures,
  diffResponse,
  fromStruct,
  omit,
  toStruct,
  typeOf,
} from "./wire";

/** The registered resource a request is for; an unknown type is the engine's or the schema's bug. */
function resourceOf(request: { getType(): string; getUrn(): string }): Resource {
  const type = typeOf(request);
  const resource = resourceFor(type);
  if (!resource || resource.token !== type) {
    const known = RESOURCES.map((r) => r.token).join(", ");
    throw new Error(`The waapi provider has no resource type '${type}'; it has ${known}.`);
  }
  return resource;
}

/** The secret properties of a request, and the outputs the resource always keeps secret. */
function withSecretOutputs(resource: Resource, secrets: ReadonlySet<string>): Set<string> {
  return new Set([...secrets, ...resource.secretOutputs]);
}

/** What a resource moved from the dynamic door may still record, and a native one never does. */
function dynamicLeftovers(resource: Resource): string[] {
  return [PROVIDER_KEY, ...resource.dynamicOnlyInputs];
}

export class ResourceCalls {
  constructor(
    private readonly config: ProviderConfig,
    private readonly engineLog: EngineLog,
  ) {}

  /** A `warn` for the core that prints under resource `urn`; await `warnings` before answering. */
  private warner(urn: string): { warn: (message: string) => void; warnings: Promise<void>[] } {
    const warnings: Promise<void>[] = [];
    return { warn: (message) => void warnings.push(this.engineLog.warn(message, urn)), warnings };
  }

  async check(request: rpc.CheckRequest): Promise<rpc.CheckResponse> {
    const resource = resourceOf(request);
    const news = fromStruct(request.getNews());
    const { values, secrets } = unwrapSecrets(news);
    const { inputs, failures } = resource.check(values);
    for (const property of resource.dynamicOnlyInputs) {
      if (property in values) {
        failures.push({
          property,
          reason:
            `${property} belongs to the dynamic ${resource.dynamicClass}. With ${resource.token}, take an existing ` +
            `one over with the \`import\` resource option or \`pulumi import ${resource.token} <name> <id>\`.`,
        });
      }
    }
    const response = new rpc.CheckResponse().setFailuresList(checkFailures(failures));
    return response.setInputs(toStruct(failures.length > 0 ? news : wrapSecrets(inputs, secrets)));
  }

  /** Per-property diff (`detailedDiff`), every change an in-place update: never a replacement. */
  async diff(request: rpc.DiffRequest): Promise<rpc.DiffResponse> {
    const resource = resourceOf(request);
    const olds = unwrapSecrets(fromStruct(request.getOlds())).values;
    const news = unwrapSecrets(fromStruct(request.getNews())).values;
    const changes: PropertyChange[] = resource.changes(olds, news);
    // Moved here from the dynamic door (an alias): dropping that door's provider code is a change too.
    if (PROVIDER_KEY in olds) changes.push({ property: PROVIDER_KEY, kind: "delete" });
    return diffResponse(changes, true);
  }

  async create(request: rpc.CreateRequest): Promise<rpc.CreateResponse> {
    const resource = resourceOf(request);
    const { values, secrets } = unwrapSecrets(fromStruct(request.getProperties()));
    if (request.getPreview()) {
      const unknown = Object.fromEntries(resource.computedOutputs.map((name) => [name, UNKNOWN_VALUE]));
      const predicted = {
        ...resource.unsetOutputs,
        ...values,
        ...unknown,
        apiBaseUrl: this.config.apiBaseUrl,
      };
      return new rpc.CreateResponse().setId("").setProperties(toStruct(wrapSecrets(predicted, secrets)));
    }
    // The core's warnings reach the engine before the answer, so they print with this resource.
    const { warn, warnings } = this.warner(request.getUrn());
    try {
      const { id, outputs, note } = await resource.create(await this.config.connected(), values, warn);
      if (note) warnings.push(this.engineLog.info(note(request.getUrn()), request.getUrn()));
      await Promise.all(warnings);
      return new rpc.CreateResponse()
        .setId(id)
        .setProperties(toStruct(wrapSecrets(outputs, withSecretOutputs(resource, secrets))));
    } catch (error) {
      await Promise.all(warnings);
      if (!(error instanceof ResourceInitializationError)) throw withDoorAdvice(resource, "create", error);
      throw new NativeInitializationError(
        error.id,
        wrapSecrets(error.properties, withSecretOutputs(resource, secrets)),
        wrapSecrets(values, secrets),
        error.reasons,
        error.message,
      );
    }
  }

  /**
   * Refresh (recorded outputs and inputs given) and import (nothing given): the live resource, as
   * outputs and as the inputs that declare it, so that a refresh leaves no spurious diff and
   * `pulumi import` can write the code. An empty id tells the engine the resource is gone.
   */
  async read(request: rpc.ReadRequest): Promise<rpc.ReadResponse> {
    const resource = resourceOf(request);
    const properties = fromStruct(request.getProperties());
    const secrets = secretsOf(properties, fromStruct(request.getInputs()));
    const recorded = Object.keys(properties).length > 0 ? unwrapSecrets(properties).values : undefined;
    const connection = await this.config.connected();
    const live = await resource.read(connection, request.getId(), recorded).catch((error: unknown) => {
      throw withDoorAdvice(resource, "read", error);
    });
    if (!live) return new rpc.ReadResponse().setId("");
    return new rpc.ReadResponse()
      .setId(request.getId())
      .setProperties(toStruct(wrapSecrets(live.outputs, withSecretOutputs(resource, secrets))))
      .setInputs(toStruct(wrapSecrets(live.inputs, secrets)));
  }

  async update(request: rpc.UpdateRequest): Promise<rpc.UpdateResponse> {
    const resource = resourceOf(request);
    const olds = unwrapSecrets(fromStruct(request.getOlds())).values;
    const { values: news, secrets } = unwrapSecrets(fromStruct(request.getNews()));
    const leftovers = dynamicLeftovers(resource);
    if (request.getPreview()) {
      // What only the API tells (ids, owners) cannot change: the preview shows it as recorded.
      const kept = omit(olds, [...resource.inputs, ...leftovers]);
      const predicted = { ...kept, ...resource.unsetOutputs, ...news };
      return new rpc.UpdateResponse().setProperties(
        toStruct(wrapSecrets(predicted, withSecretOutputs(resource, secrets))),
      );
    }
    if (resource.changes(olds, news).length === 0) {
      // Only the dynamic door's leftovers differ (see diff): the resource already matches, write nothing.
      return new rpc.UpdateResponse().setProperties(
        toStruct(wrapSecrets(omit(olds, leftovers), withSecretOutputs(resource, secrets))),
      );
    }
    const connection = await this.config.connected();
    const outputs = await resource.update(connection, request.getId(), olds, news).catch((error: unknown) => {
      throw withDoorAdvice(resource, "update", error);
    });
    return new rpc.UpdateResponse().setProperties(
      toStruct(wrapSecrets(outputs, withSecretOutputs(resource, secrets))),
    );
  }

  async delete(request: rpc.DeleteRequest): Promise<Empty> {
    const resource = resourceOf(request);
    const recorded = unwrapSecrets(fromStruct(request.getProperties())).values;
    const { warn, warnings } = this.warner(request.getUrn());
    try {
      await resource.delete(await this.config.connected(), request.getId(), recorded, warn);
    } catch (error) {
      throw withDoorAdvice(resource, "delete", error);
    } finally {
      await Promise.all(warnings);
    }
    return new Empty();
  }
}
