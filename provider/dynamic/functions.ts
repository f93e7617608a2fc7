/**
 * The dynamic door's functions: what the native plugin serves as `waapi:index:getInstanceStatus`,
 * as a typed function of the `pulumi-waapi` package. A dynamic provider cannot serve invokes, so it
 * runs in the program's own process, with the stack's config (`waapi:apiToken`, `waapi:baseUrl`, …,
 * then the environment) read as the provider reads it.
 *
 * Like every function, it runs in `pulumi preview` too: the status is read at preview time (for an
 * instance the preview has yet to create, its id is unknown and nothing is read).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../settings";
import { connect } from "../connection";
import { lineStatus, type InstanceStatusResult } from "../instance/line-status";

export type { InstanceStatusResult };

export interface GetInstanceStatusArgs {
  /** WAAPI's id of the instance: an instance resource's `instanceId` output. */
  instanceId: number;
}

export interface GetInstanceStatusOutputArgs {
  /** WAAPI's id of the instance: an instance resource's `instanceId` output. */
  instanceId: pulumi.Input<number>;
}

/** The stack's config, from the program's process (full keys, secrets in plain text, never logged). */
const programConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

/**
 * Reads a line's WhatsApp client status, as WAAPI reports it now: `qr` until a phone links it, `ready`
 * once it sends and receives messages, and then who is linked. A token with `read` is enough.
 *
 * A preview calls it too, so the status is read at preview time, and may have changed by the update.
 * It is never a resource output: the status changes on its own, and every refresh would report it
 * as drift. (For an instance the preview has yet to create, the id is unknown and nothing is read.)
 */
export async function getInstanceStatus(args: GetInstanceStatusArgs): Promise<InstanceStatusResult> {
  return lineStatus(connect(programConfig), args.instanceId);
}

/** {@link getInstanceStatus} of an output, e.g. `getInstanceStatusOutput({ instanceId: line.instanceId })`. */
export function getInstanceStatusOutput(
  args: GetInstanceStatusOutputArgs,
): pulumi.Output<InstanceStatusResult> {
  return pulumi.output(args.instanceId).apply((instanceId) => getInstanceStatus({ instanceId }));
}
