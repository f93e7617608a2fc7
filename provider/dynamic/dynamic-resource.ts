import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY } from "../instance/inputs";
import type { Resource } from "../resources/descriptor";
import { providerShim } from "./provider";

/**
 * What every dynamic-door resource class (WaapiInstance, …) is: what `pulumi.dynamic.Resource` does,
 * minus serializing a provider object for every resource. Its type is the one
 * `pulumi.dynamic.Resource` would give it (the registry's `dynamicToken`, so states written by 0.1.0
 * keep their URNs), and its provider is the constant shim of its token (see ./provider.ts), which the
 * dynamic-provider host loads and routes through the registry.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  /**
   * `outputOnly`: the outputs a program does not declare, registered as undefined so that the engine
   * fills them in.
   */
  protected constructor(
    resource: Resource,
    outputOnly: readonly string[],
    name: string,
    args: object,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // see withCallerStack, below
    try {
      super(
        resource.dynamicToken,
        name,
        {
          ...Object.fromEntries(outputOnly.map((key) => [key, undefined])),
          // Every key the program gave, not just the known ones: a misspelt `webhookURL` (from a
          // JavaScript program, or args read from stack config) must reach `check` and fail the
          // preview, rather than vanish and leave `webhookUrl` unset — which clears the live webhook.
          ...args,
          [PROVIDER_KEY]: providerShim(resource.token),
        },
        // Outputs the resource always keeps secret (an invite link) are secrets in the state too.
        resource.secretOutputs.length > 0
          ? pulumi.mergeOptions(opts, { additionalSecretOutputs: [...resource.secretOutputs] })
          : opts,
      );
    } catch (error) {
      Error.stackTraceLimit = stackTraceLimit;
      throw withCallerStack(error, new.target);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
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
 * and property (the promise's context). An error `super()` throws gets the stack of the resource
 * class's caller instead of none.
 */
function withCallerStack(
  error: unknown,
  resourceClass: Parameters<typeof Error.captureStackTrace>[1],
): unknown {
  if (error instanceof Error && !/\n\s+at /.test(error.stack ?? "")) {
    Error.captureStackTrace(error, resourceClass);
  }
  return error;
}
