import * as pulumi from "@pulumi/pulumi";
import type { WebhookEvent } from "../waapi-api";
import { PROVIDER_KEY } from "../instance/inputs";
import { PROVIDER_SHIM } from "./provider";

/**
 * The type `pulumi.dynamic.Resource` would give it (`pulumi-nodejs:dynamic/<module>:<type>`): the
 * dynamic-provider host serves it, and states written by 0.1.0 (a `pulumi.dynamic.Resource`) keep
 * their resources' URNs.
 */
const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic/waapi:Instance";

/**
 * The inputs of a WaapiInstance. Every one of them is updated in place: none replaces the instance.
 *
 * The first paragraph of each comment here and on WaapiInstance's outputs is the README's reference
 * table (`npm run docs` writes it; a test fails when it is out of date).
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
export class WaapiInstance extends pulumi.CustomResource {
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
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // see withCallerStack, below
    try {
      // What pulumi.dynamic.Resource does, minus serializing a provider object for every resource:
      // the provider is the constant PROVIDER_SHIM (see ./provider.ts).
      super(
        DYNAMIC_RESOURCE_TYPE,
        name,
        {
          // Output-only properties: registered as undefined so the engine fills them in.
          owner: undefined,
          isTrial: undefined,
          apiBaseUrl: undefined,
          // Every key the program gave, not just the known ones: a misspelt `webhookURL` (from a
          // JavaScript program, or args read from stack config) must reach `check` and fail the
          // preview, rather than vanish and leave `webhookUrl` unset — which clears the live webhook.
          ...args,
          [PROVIDER_KEY]: PROVIDER_SHIM,
        },
        opts,
      );
    } catch (error) {
      Error.stackTraceLimit = stackTraceLimit;
      throw withCallerStack(error);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.instanceId = this.id.apply(Number);
  }
}

/**
 * Why the constructor runs `super()` with a stack trace limit of 0 (restored right after: only the
 * registration's synchronous part runs in between).
 *
 * Registering a resource makes four promises per property, and Pulumi's `debuggablePromise` records
 * `new Error().stack` on each, for nothing but its report of leaked promises. In a TypeScript program
 * ts-node source-maps every frame of every such stack: 28 stack traces for a WaapiInstance's seven
 * properties, most of its CPU time in a program (profiled with `BENCH_CPU_PROF=dir make bench`).
 *
 * Nothing a user sees is lost: Pulumi's source position of the resource comes from
 * `Resource.callsites`, which sets its own unlimited limit, and a leak report still names the resource
 * and property (the promise's context). An error `super()` throws gets the stack of this constructor's
 * caller instead of none.
 */
function withCallerStack(error: unknown): unknown {
  if (error instanceof Error && !/\n\s+at /.test(error.stack ?? "")) {
    Error.captureStackTrace(error, WaapiInstance);
  }
  return error;
}
