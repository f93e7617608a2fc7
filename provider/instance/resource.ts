import * as pulumi from "@pulumi/pulumi";
import type { WebhookEvent } from "../waapi-api";
import { WaapiInstanceProvider } from "./provider";

/** The inputs of a WaapiInstance. Every one of them is updated in place: none replaces the instance. */
export interface WaapiInstanceArgs {
  /** The instance's display name on waapi.app. Required, non-empty; surrounding blanks are trimmed. */
  name: pulumi.Input<string>;
  /** Where WAAPI posts the subscribed events: an absolute http(s) URL. Omit it to have no webhook. */
  webhookUrl?: pulumi.Input<string>;
  /** The events to subscribe to: a set (order and repeats carry no meaning). Omit it for none. */
  webhookEvents?: pulumi.Input<pulumi.Input<WebhookEvent>[]>;
  /**
   * Manage this existing instance (its numeric id) instead of creating a new one: `up` reads it, and
   * writes only if it differs from the other inputs. This stands in for Pulumi's `import` option,
   * which the engine cannot apply to dynamic resources. It cannot change later: a WaapiInstance
   * never switches instances.
   */
  adoptInstanceId?: pulumi.Input<number>;
}

/**
 * A WhatsApp gateway instance on waapi.app: a paid, linked WhatsApp session with a webhook.
 *
 * Creating one adds an instance to the account (within its instance limit). Changing any input is an
 * in-place update. Deleting it (removing it from the program, or `pulumi destroy`) deletes the
 * instance and permanently lowers the account's instance limit: use the `protect` or
 * `retainOnDelete` resource options where that must not happen.
 */
export class WaapiInstance extends pulumi.dynamic.Resource {
  /**
   * WAAPI's numeric id of the instance: the resource id as a number, so that it stays known in the
   * preview of an update (the engine knows only inputs there for a dynamic resource).
   */
  public readonly instanceId: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  /** The e-mail address of the account that owns the instance. */
  declare public readonly owner: pulumi.Output<string>;
  /** Undefined when the instance has no webhook. */
  declare public readonly webhookUrl: pulumi.Output<string | undefined>;
  /** The subscribed events, sorted. */
  declare public readonly webhookEvents: pulumi.Output<WebhookEvent[]>;
  /** Whether the instance runs on a trial plan. */
  declare public readonly isTrial: pulumi.Output<boolean>;
  /** The WAAPI API the instance lives on; calls through another `waapi:baseUrl` are refused. */
  declare public readonly apiBaseUrl: pulumi.Output<string>;

  constructor(name: string, args: WaapiInstanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new WaapiInstanceProvider(),
      name,
      {
        name: args.name,
        webhookUrl: args.webhookUrl,
        webhookEvents: args.webhookEvents,
        adoptInstanceId: args.adoptInstanceId,
        // Output-only properties: registered as undefined so the engine fills them in.
        owner: undefined,
        isTrial: undefined,
        apiBaseUrl: undefined,
      },
      opts,
      "waapi",
      "Instance",
    );
    this.instanceId = this.id.apply(Number);
  }
}
