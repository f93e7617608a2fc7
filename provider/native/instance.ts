/**
 * The native resource and functions for TypeScript programs (`pulumi-waapi/native`): typed wrappers
 * of `waapi:index:Instance`, `waapi:index:getInstance` and `waapi:index:listInstances`, which the
 * pulumi-resource-waapi plugin serves. The state holds an instance's settings only, no provider code,
 * and `import` works. Inputs and outputs mean what the README's WaapiInstance reference says (minus
 * adoptInstanceId, which the `import` option replaces).
 */
import * as pulumi from "@pulumi/pulumi";
import type { WebhookEvent } from "../waapi-api";
import { DYNAMIC_INSTANCE_TYPE, GET_INSTANCE, INSTANCE_TYPE, LIST_INSTANCES } from "./tokens";

export interface InstanceArgs {
  /** Display name on waapi.app. */
  name: pulumi.Input<string>;
  /** Where WAAPI posts the subscribed events; omit it for no webhook. */
  webhookUrl?: pulumi.Input<string>;
  /** Events to subscribe to, as a set; omit it for none. */
  webhookEvents?: pulumi.Input<pulumi.Input<WebhookEvent>[]>;
}

/** An instance as WAAPI reports it (the outputs of an Instance, and what the functions return). */
export interface InstanceInfo {
  instanceId: number;
  name: string;
  owner: string;
  webhookUrl?: string;
  webhookEvents: WebhookEvent[];
  isTrial: boolean;
  apiBaseUrl: string;
}

/**
 * A WhatsApp gateway instance on waapi.app, managed by the native plugin. It aliases the dynamic
 * WaapiInstance's type, so replacing `new WaapiInstance(…)` with `new Instance(…)` under the same name
 * moves an instance to the plugin in place: no instance is created or deleted.
 */
export class Instance extends pulumi.CustomResource {
  declare public readonly instanceId: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly owner: pulumi.Output<string>;
  declare public readonly webhookUrl: pulumi.Output<string | undefined>;
  declare public readonly webhookEvents: pulumi.Output<WebhookEvent[]>;
  declare public readonly isTrial: pulumi.Output<boolean>;
  declare public readonly apiBaseUrl: pulumi.Output<string>;

  constructor(name: string, args: InstanceArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { instanceId: undefined, owner: undefined, isTrial: undefined, apiBaseUrl: undefined };
    super(
      INSTANCE_TYPE,
      name,
      { name: args.name, webhookUrl: args.webhookUrl, webhookEvents: args.webhookEvents, ...outputs },
      pulumi.mergeOptions(opts, { aliases: [{ type: DYNAMIC_INSTANCE_TYPE }] }),
    );
  }
}

/** One instance of the token's account, by id; fails when there is none. */
export function getInstance(
  args: { instanceId: number },
  opts?: pulumi.InvokeOptions,
): Promise<InstanceInfo> {
  return pulumi.runtime.invoke(GET_INSTANCE, args, opts) as Promise<InstanceInfo>;
}

/** Every instance of the token's account, sorted by id. */
export function listInstances(opts?: pulumi.InvokeOptions): Promise<{ instances: InstanceInfo[] }> {
  return pulumi.runtime.invoke(LIST_INSTANCES, {}, opts) as Promise<{ instances: InstanceInfo[] }>;
}
