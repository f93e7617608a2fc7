/**
 * A line's WhatsApp client status, as a program reads it: the one implementation behind
 * `getInstanceStatus` in both doors (the native plugin's `waapi:index:getInstanceStatus` and the
 * dynamic door's typed function, ../dynamic/functions.ts).
 *
 * Never a resource output: the status changes on its own (a phone goes away, WhatsApp ends the
 * session), so as an output every refresh would report drift.
 */
import type { WaapiClient } from "../client";
import { LINKED_STATUS, type InstanceStatus } from "../waapi-api";
import { isInstanceId } from "../rules";
import { withPulumiAdvice } from "./advice";
import type { InputFailure } from "./inputs";

/**
 * What `getInstanceStatus` returns. Each member and its doc are the function's spec
 * (INSTANCE_STATUS_SPEC in ./functions.ts), which the schema is generated from;
 * provider/dynamic/classes.test.ts holds them alike.
 */
export interface InstanceStatusResult {
  /** WAAPI's id of the instance. */
  instanceId: number;
  /**
   * WAAPI's client status: booting, loading_screen, qr (waiting to be linked), authenticated, ready
   * (linked and working), disconnected (the phone went away) or auth_failure (WhatsApp refused the
   * session).
   */
  status: InstanceStatus;
  /** The linked phone's number as WAAPI formats it, e.g. +506 6408 3362; only when the status is ready. */
  linkedNumber?: string;
  /** The linked WhatsApp account's display name; only when the status is ready and it has one. */
  linkedName?: string;
  /** The linked phone's WhatsApp contact id, `<digits>@c.us`; only when the status is ready. */
  linkedContactId?: string;
}

/** The two client calls a status read makes (tests pass a fake of exactly this shape). */
export type LineStatusClient = Pick<WaapiClient, "getClientStatus" | "getClientMe">;

/** Why `value` cannot be the function's `instanceId` argument, if it cannot: nothing is sent then. */
export function instanceIdProblem(value: unknown): InputFailure | undefined {
  if (isInstanceId(value)) return undefined;
  return {
    property: "instanceId",
    reason: `instanceId must be the numeric id of an instance, e.g. 1234 (an Instance's instanceId output), not ${JSON.stringify(value) ?? String(value)}.`,
  };
}

/**
 * The status of line `instanceId`, and who is linked when it is ready: `GET …/client/status`, then
 * `GET …/client/me` only for a ready line (WAAPI answers it for no other). Needs `read`.
 */
export async function readLineStatus(
  client: LineStatusClient,
  instanceId: number,
): Promise<InstanceStatusResult> {
  const failure = instanceIdProblem(instanceId);
  if (failure) throw new TypeError(failure.reason);
  const { instanceStatus } = await client.getClientStatus(instanceId);
  const result: InstanceStatusResult = { instanceId, status: instanceStatus };
  if (instanceStatus !== LINKED_STATUS) return result;
  const me = await client.getClientMe(instanceId);
  result.linkedNumber = me.formattedNumber;
  if (me.displayName !== "") result.linkedName = me.displayName;
  result.linkedContactId = me.contactId;
  return result;
}

/**
 * {@link readLineStatus} for a program, over the connection both doors make from the config: the
 * client's errors say what to do in Pulumi's terms. (The CLI's `health` calls readLineStatus itself:
 * advice such as `pulumi up --parallel 1` would mislead there.)
 */
export async function lineStatus(
  connection: { client: LineStatusClient },
  instanceId: number,
): Promise<InstanceStatusResult> {
  try {
    return await readLineStatus(connection.client, instanceId);
  } catch (error) {
    throw withPulumiAdvice(error, "read");
  }
}

/** How a later command names a line: by resource name in its stack, else by id. */
export interface LineRef {
  resource: string | null;
  instanceId: number;
  stack: string | null;
}

/** The `pulumi-waapi link` command for a line, as `health` advises it and the native plugin hints it. */
export function linkCommand(line: LineRef): string {
  return line.resource !== null && line.stack !== null
    ? `npx pulumi-waapi link ${shellWord(line.resource)} --stack ${shellWord(line.stack)}`
    : `npx pulumi-waapi link ${line.instanceId}`;
}

/**
 * A call refused because line `instanceId` is not linked (its client status is not `ready`), e.g. any
 * group call. The facts only: each door adds how its users link the line ({@link withLinkAdvice}).
 */
export class LineNotReadyError extends Error {
  override name = "LineNotReadyError";
  readonly code = "WAAPI_LINE_NOT_READY";
  constructor(
    readonly instanceId: number,
    readonly status: string,
    /** What could not be done, e.g. "its groups cannot be changed". */
    readonly refused: string,
  ) {
    super(
      `Instance ${instanceId}'s WhatsApp line is not linked (status ${status}), so ${refused}: ` +
        "WAAPI refused the call, which needs a line in status ready.",
    );
  }
}

/**
 * The words both doors add to a {@link LineNotReadyError}: the command that links the line (every
 * user of either door has `npx pulumi-waapi`, as the native plugin's created note says). Returns the error.
 */
export function withLinkAdvice(error: unknown): unknown {
  if (error instanceof LineNotReadyError) {
    error.message +=
      ` Link it with \`${linkCommand({ resource: null, instanceId: error.instanceId, stack: null })}\` ` +
      "(it shows the QR code to scan; --phone NUMBER gives a pairing code instead), then run the command again.";
  }
  return error;
}

/** A word as a POSIX shell reads it: plain when it is safe, otherwise single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What the native plugin tells the engine after it created instance `instanceId` as the resource
 * `urn` (`urn:pulumi:<stack>::<project>::<type>::<name>`): a new line shows a QR code until a phone
 * links it, and sends and receives nothing until then.
 */
export function linkHint(urn: string, instanceId: number): string {
  const stack = /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? null;
  const resource = urn.includes("::") ? (urn.split("::").pop() ?? null) : null;
  const command = linkCommand({ resource: resource || null, instanceId, stack });
  return (
    `Instance ${instanceId} waits to be linked to a phone: it sends and receives no messages until ` +
    `one scans its QR code. Link it from this project with \`${command}\` (it shows the QR code; ` +
    `--phone NUMBER gives a pairing code instead).`
  );
}
