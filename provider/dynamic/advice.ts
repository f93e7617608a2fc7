/**
 * The dynamic door's words for the core's typed errors, where they differ from the native door's: a
 * WaapiInstance takes an existing instance over with `adoptInstanceId`, since the engine cannot
 * apply the `import` option to dynamic resources (pulumi/pulumi#3550).
 */
import { resourceNoun, type Resource } from "../resources/descriptor";

/** Adds to a failed create's error how to take over what it may have made; returns the error. */
export function withTakeOverAdvice(resource: Resource, error: unknown): unknown {
  const made = resource.mayHaveCreated?.(error);
  const input = resource.adoptInput;
  if (!made || input === undefined || !(error instanceof Error)) return error;
  error.message +=
    made.candidateIds.length > 0
      ? ` Or take this resource's over with \`${input}: <its id>\`.`
      : ` If ${resourceNoun(resource, "a")} was created, add \`${input}: <its id>\` to this resource and run \`pulumi up\` again.`;
  return error;
}
