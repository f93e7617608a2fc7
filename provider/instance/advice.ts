import {
  WaapiAuthenticationError,
  WaapiNetworkError,
  WaapiNotFoundError,
  WaapiRateLimitError,
} from "../client";
import { CONFIG_KEYS, ENV_VARS } from "../settings";

/** The Pulumi call that failed, in the user's terms. */
export type LifecycleCall = "create" | "read" | "update" | "delete";

/**
 * Adds what to do, in the terms both Pulumi doors share (config keys, `pulumi` commands), to an
 * error of the REST client (which speaks only HTTP); what differs between the doors (adoptInstanceId
 * or `import`) each door adds itself. The
 * error keeps its class and code; only its message grows, because the engine shows the message.
 */
export function withPulumiAdvice(error: unknown, call: LifecycleCall): unknown {
  const advice = adviceFor(error, call);
  if (advice && error instanceof Error) error.message = `${error.message} ${advice}`;
  return error;
}

function adviceFor(error: unknown, call: LifecycleCall): string | undefined {
  if (error instanceof WaapiAuthenticationError) {
    return `Set the new token with \`pulumi config set --secret ${CONFIG_KEYS.apiToken} <token>\` (or ${ENV_VARS.apiToken}).`;
  }
  if (error instanceof WaapiRateLimitError) {
    return "With many instances, `pulumi up --parallel 1` spreads the calls out.";
  }
  // An unknown outcome gets the door's advice on taking over what it may have made (mayHaveCreated).
  if (error instanceof WaapiNetworkError && !error.outcomeUnknown) {
    return `Check ${CONFIG_KEYS.baseUrl} (or ${ENV_VARS.baseUrl}).`;
  }
  if (error instanceof WaapiNotFoundError && call === "update") {
    return "If it was deleted outside Pulumi, `pulumi refresh` drops it from the stack and the next `pulumi up` creates it again.";
  }
  return undefined;
}
