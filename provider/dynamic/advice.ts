/**
 * The dynamic door's words for the core's typed errors, where they differ from the native door's: a
 * dynamic resource takes an existing one over with its `adoptInput` (adoptInstanceId, adoptGroupId),
 * since the engine cannot apply the `import` option to dynamic resources (pulumi/pulumi#3550).
 */
import type { LifecycleCall } from "../instance/advice";
import { withLinkAdvice } from "../instance/line-status";
import { ONLY_IF_YOURS, resourceNoun, type Resource } from "../resources/descriptor";

/** Adds to a failed create's error how to take over what it may have made; returns the error. */
export function withTakeOverAdvice(resource: Resource, error: unknown): unknown {
  const made = resource.mayHaveCreated?.(error);
  const input = resource.adoptInput;
  if (!made || input === undefined || !(error instanceof Error)) return error;
  const { candidates } = made;
  const [only] = candidates;
  if (candidates.length === 0)
    error.message += ` If ${resourceNoun(resource, "a")} was created, add \`${input}: <its id>\` to this resource and run \`pulumi up\` again.`;
  else if (candidates.length === 1 && only)
    error.message += ` To take it over as this resource, add \`${input}: ${JSON.stringify(only.adopt)}\` to it and run \`pulumi up\` again.`;
  else
    error.message +=
      ` ${ONLY_IF_YOURS}, add \`${input}: <its id>\` (one of ` +
      `${candidates.map(({ adopt }) => `\`${JSON.stringify(adopt)}\``).join(", ")}) to this resource and run \`pulumi up\` again.`;
  return error;
}

/** The dynamic door's words for any failed call of `resource`; returns the error. */
export function withDoorAdvice(resource: Resource, call: LifecycleCall, error: unknown): unknown {
  withLinkAdvice(error);
  return call === "create" ? withTakeOverAdvice(resource, error) : error;
}
