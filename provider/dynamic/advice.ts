/**
 * The dynamic door's words for the core's typed errors, where they differ from the native door's: a
 * dynamic resource takes an existing one over with its `adoptInput` (adoptInstanceId, adoptGroupId),
 * since the engine cannot apply the `import` option to dynamic resources (pulumi/pulumi#3550).
 */
import type { LifecycleCall } from "../instance/advice";
import { withLinkAdvice } from "../instance/line-status";
import { resourceNoun, type Resource } from "../resources/descriptor";

/** Adds to a failed create's error how to take over what it may have made; returns the error. */
export function withTakeOverAdvice(resource: Resource, error: unknown): unknown {
  const made = resource.mayHaveCreated?.(error);
  const input = resource.adoptInput;
  if (!made || input === undefined || !(error instanceof Error)) return error;
  const { candidates } = made;
  error.message +=
    candidates.length > 0
      ? ` To take ${candidates.length === 1 ? "it" : "one of them"} over as this resource, add ` +
        `${candidates.map(({ adopt }) => `\`${input}: ${JSON.stringify(adopt)}\``).join(" or ")} to it ` +
        "and run `pulumi up` again."
      : ` If ${resourceNoun(resource, "a")} was created, add \`${input}: <its id>\` to this resource and run \`pulumi up\` again.`;
  return error;
}

/** The dynamic door's words for any failed call of `resource`; returns the error. */
export function withDoorAdvice(resource: Resource, call: LifecycleCall, error: unknown): unknown {
  withLinkAdvice(error);
  return call === "create" ? withTakeOverAdvice(resource, error) : error;
}
