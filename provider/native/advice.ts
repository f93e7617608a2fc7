/**
 * The native door's words for the core's typed errors, where they differ from the dynamic door's:
 * an existing resource is taken over with Pulumi's own `import` (the resource option, or `pulumi
 * import`), never the dynamic door's adoptInstanceId or adoptGroupId, which this door refuses.
 */
import type { LifecycleCall } from "../instance/advice";
import { withLinkAdvice } from "../instance/line-status";
import { ONLY_IF_YOURS, resourceNoun, type Resource } from "../resources/descriptor";

/** Adds to a failed create's error how to take over what it may have made; returns the error. */
export function withTakeOverAdvice(resource: Resource, error: unknown): unknown {
  const made = resource.mayHaveCreated?.(error);
  if (!made || !(error instanceof Error)) return error;
  const { candidates } = made;
  if (candidates.length === 0) {
    error.message +=
      ` If ${resourceNoun(resource, "a")} was created, take it over with the \`import\` resource option ` +
      `(its id) and \`pulumi up\`, or with \`pulumi import ${resource.token} <name> <its id>\`.`;
  } else {
    const one = candidates.length === 1 ? candidates[0] : undefined;
    error.message +=
      ` ${one ? "To take it over as this resource" : ONLY_IF_YOURS}, give the \`import\` resource option ` +
      `its id (${one ? "" : "one of "}${candidates.map(({ id }) => `\`${id}\``).join(", ")}) and run \`pulumi up\`, or run ` +
      `\`pulumi import ${resource.token} <name> ${one?.id ?? "<its id>"}\`.`;
  }
  return error;
}

/** The native door's words for any failed call of `resource`; returns the error. */
export function withDoorAdvice(resource: Resource, call: LifecycleCall, error: unknown): unknown {
  withLinkAdvice(error);
  return call === "create" ? withTakeOverAdvice(resource, error) : error;
}
