/**
 * The native door's words for the core's typed errors, where they differ from the dynamic door's:
 * an existing resource is taken over with Pulumi's own `import` (the resource option, or `pulumi
 * import`), never the dynamic door's adoptInstanceId, which this door refuses.
 */
import { resourceNoun, type Resource } from "../resources/descriptor";

/** Adds to a failed create's error how to take over what it may have made; returns the error. */
export function withTakeOverAdvice(resource: Resource, error: unknown): unknown {
  const made = resource.mayHaveCreated?.(error);
  if (!made || !(error instanceof Error)) return error;
  const how =
    "the `import` resource option (its id) and `pulumi up`, or with " +
    `\`pulumi import ${resource.token} <name> <its id>\``;
  error.message +=
    made.candidateIds.length > 0
      ? ` Or take this resource's over with ${how}.`
      : ` If ${resourceNoun(resource, "a")} was created, take it over with ${how}.`;
  return error;
}
