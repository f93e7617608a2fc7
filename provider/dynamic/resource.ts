import type * as pulumi from "@pulumi/pulumi";
import type { WebhookEvent } from "../waapi-api";
import { instanceResource } from "../instance/resource";
import { DynamicResource } from "./dynamic-resource";

/**
 * The inputs of a WaapiInstance. Every one of them is updated in place: none replaces the instance.
 *
 * Each member and its doc are the Instance's spec (provider/instance/properties.ts), which the README
 * reference, the schema and the SDKs are generated from; ./classes.test.ts holds them alike.
 */
export interface WaapiInstanceArgs {
  /** Display name on waapi.app; must not be empty, surrounding blanks are trimmed. */
  name: pulumi.Input<string>;
  /**
   * Absolute `http`/`https` URL WAAPI posts the subscribed events to. Omit it for no webhook: an
   * omitted URL is cleared on the instance.
   */
  webhookUrl?: pulumi.Input<string>;
  /** Events to subscribe to, as a set: order and repeats carry no meaning. Omit it for none. */
  webhookEvents?: pulumi.Input<pulumi.Input<WebhookEvent>[]>;
  /**
   * Manage this existing instance instead of creating one; it cannot change later (see
   * [Existing instances](#existing-instances)).
   *
   * `up` reads the instance and writes only if it differs from the other inputs. This stands in for
   * Pulumi's `import` option, which the engine cannot apply to dynamic resources.
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
export class WaapiInstance extends DynamicResource {
  /**
   * WAAPI's id of the instance (the resource id is the same number).
   *
   * Derived from the resource id, so that it stays known in the preview of an update, where the
   * engine knows only the inputs of a dynamic resource.
   */
  public readonly instanceId: pulumi.Output<number>;
  /** The name as WAAPI stores it. */
  declare public readonly name: pulumi.Output<string>;
  /** E-mail address of the account that owns the instance. */
  declare public readonly owner: pulumi.Output<string>;
  /** The webhook URL; undefined when there is none. */
  declare public readonly webhookUrl: pulumi.Output<string | undefined>;
  /** Subscribed events, sorted. */
  declare public readonly webhookEvents: pulumi.Output<WebhookEvent[]>;
  /** Whether the instance runs on a trial plan. */
  declare public readonly isTrial: pulumi.Output<boolean>;
  /**
   * The WAAPI API the instance lives on; calls through another `waapi:baseUrl` are refused (see
   * [What it never does](#what-it-never-does)).
   */
  declare public readonly apiBaseUrl: pulumi.Output<string>;

  constructor(name: string, args: WaapiInstanceArgs, opts?: pulumi.CustomResourceOptions) {
    // instanceId is no registered output: it is derived from the resource id (see above).
    super(instanceResource, ["owner", "isTrial", "apiBaseUrl"], name, args, opts);
    this.instanceId = this.id.apply(Number);
  }
}
