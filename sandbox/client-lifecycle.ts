/**
 * The linked WhatsApp client of a sandbox instance: the states WAAPI reports (booting, qr,
 * authenticated, ready, disconnected, auth_failure), the QR code whose payload changes every
 * rotation, pairing codes, and who linked the line.
 *
 * Time is read, never waited on: each read first brings the client up to `now` (a booting client
 * whose boot delay is over shows its QR code; a QR code older than the rotation period is replaced),
 * so the sandbox needs no timers, and a restarted sandbox with a data file carries on where it stood.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { ClientMe, InstanceStatus } from "../provider/waapi-api";

/** How fast the client moves on its own; every figure may be 0 (at once). */
export interface ClientTiming {
  /** booting → qr after a create, a reboot or a logout. Default 1000. */
  bootDelayMs: number;
  /** A new QR code (payload) this often while the status is `qr`. Default 20 000, like WhatsApp Web. */
  qrRotationMs: number;
  /** authenticated → ready after a scan or a pairing code. Default 500. */
  readyDelayMs: number;
}

export const DEFAULT_CLIENT_TIMING: ClientTiming = {
  bootDelayMs: 1000,
  qrRotationMs: 20_000,
  readyDelayMs: 500,
};

/** WAAPI allows two pairing-code requests a minute (contract), counted per instance here. */
export const PAIRING_CODES_PER_MINUTE = 2;

/** What the sandbox keeps of a client beyond its status; persisted with the instance. */
export interface ClientRecord {
  /** While booting: when the QR code appears (epoch ms). */
  qrAt?: number;
  /** While authenticated: when the line is ready (epoch ms). */
  readyAt?: number;
  /** The QR code's payload while the status is `qr`, and when it was made. */
  qr?: { payload: string; since: number };
  /** How many QR payloads this client has shown, counting from 1 (a test sees a rotation as a change). */
  qrRotation: number;
  /** The pairing code last handed out, for the phone number it was asked for. */
  pairing?: { code: string; phoneNumber: string };
  /** When pairing codes were handed out in the last minute (epoch ms), for the rate limit. */
  pairingRequests: number[];
  /** Who linked the line, from the scan or pairing until a logout, reboot or auth failure. */
  me?: ClientMe;
}

/** A client's state and its record, as the store holds them. */
export interface ClientSlot {
  instanceStatus: InstanceStatus;
  client?: ClientRecord;
}

/** What a test may know about a client (the hook `GET /__sandbox/instances/:id/client`). */
export interface ClientView {
  instanceStatus: InstanceStatus;
  /** The text the current QR code encodes, while the status is `qr`. */
  qrPayload?: string;
  qrRotation: number;
  /** The last pairing code handed out and its phone number, until the line is linked. */
  pairingCode?: string;
  pairingPhoneNumber?: string;
  me?: ClientMe;
}

/** A hook asked for something the client's state does not allow (answered 409). */
export class ClientStateError extends Error {}

function emptyRecord(): ClientRecord {
  return { qrRotation: 0, pairingRequests: [] };
}

/** The record, created on first use (instances from an older data file have none). */
export function record(slot: ClientSlot): ClientRecord {
  slot.client ??= emptyRecord();
  return slot.client;
}

/**
 * Something shaped like WhatsApp Web's QR text (`2@<ref>,<keys…>`): random each time, so two
 * rotations never encode the same text. A phone would not accept it; a test compares it.
 */
function newPayload(): string {
  const part = (bytes: number): string => randomBytes(bytes).toString("base64");
  return `2@${part(24)},${part(32)},${part(32)},${part(16)}`;
}

function showQr(slot: ClientSlot, at: number): void {
  const client = record(slot);
  slot.instanceStatus = "qr";
  delete client.qrAt;
  client.qr = { payload: newPayload(), since: at };
  client.qrRotation += 1;
}

/**
 * Brings the client up to `now`. Returns true when something changed (the store persists then).
 * Transitions happen at the moment they were due, not at the moment of the read, so a QR code's
 * age and the rotations it went through do not depend on how often anyone looked.
 */
export function advance(slot: ClientSlot, now: number, timing: ClientTiming): boolean {
  let changed = false;
  const client = slot.client;
  if (slot.instanceStatus === "booting" && client?.qrAt !== undefined && client.qrAt <= now) {
    showQr(slot, client.qrAt);
    changed = true;
  }
  if (slot.instanceStatus === "authenticated" && client?.readyAt !== undefined && client.readyAt <= now) {
    slot.instanceStatus = "ready";
    delete client.readyAt;
    delete client.pairing;
    changed = true;
  }
  if (slot.instanceStatus === "qr") {
    const current = record(slot);
    if (current.qr === undefined) {
      // Put in `qr` by drift or an old data file: it shows a code from now on.
      showQr(slot, now);
      changed = true;
    } else if (timing.qrRotationMs > 0 && now - current.qr.since >= timing.qrRotationMs) {
      const periods = Math.floor((now - current.qr.since) / timing.qrRotationMs);
      current.qr = { payload: newPayload(), since: current.qr.since + periods * timing.qrRotationMs };
      current.qrRotation += periods;
      changed = true;
    }
  }
  if (client !== undefined) {
    const recent = client.pairingRequests.filter((at) => now - at < 60_000);
    if (recent.length !== client.pairingRequests.length) {
      client.pairingRequests = recent;
      changed = true;
    }
  }
  return changed;
}

/** A new client (after create, reboot or logout): booting, with the QR code due after the boot delay. */
export function boot(slot: ClientSlot, now: number, timing: ClientTiming): void {
  const client = record(slot);
  slot.instanceStatus = "booting";
  delete client.readyAt;
  delete client.qr;
  delete client.pairing;
  delete client.me;
  client.qrAt = now + timing.bootDelayMs;
  advance(slot, now, timing);
}

/** Drift: the status set as given, nothing pending (a `qr` status gets a QR code on the next read). */
export function setStatus(slot: ClientSlot, status: InstanceStatus): void {
  const client = record(slot);
  slot.instanceStatus = status;
  delete client.qrAt;
  delete client.readyAt;
  if (status !== "qr") delete client.qr;
}

/** Defaults for who links a line: a number derived from the instance id, so each line differs. */
export function defaultLinkedNumber(instanceId: number): string {
  return `4915${String(instanceId).padStart(8, "0").slice(-8)}`;
}

/**
 * `+<country code> <rest in threes>`: the sandbox does not know the numbering plans, so the country
 * code is guessed as the first two digits (`+xx xx xxx xx xx` is all the contract shows).
 */
export function formatNumber(digits: string): string {
  const rest = digits.slice(2).match(/.{1,3}/g) ?? [];
  return `+${digits.slice(0, 2)} ${rest.join(" ")}`.trim();
}

export interface LinkOptions {
  /** Digits only; default derived from the instance id. */
  phoneNumber?: string;
  displayName?: string;
}

function linkTo(
  slot: ClientSlot,
  instanceId: number,
  phoneNumber: string,
  displayName: string,
  now: number,
  timing: ClientTiming,
): void {
  const client = record(slot);
  slot.instanceStatus = "authenticated";
  delete client.qr;
  client.me = {
    displayName,
    contactId: `${phoneNumber}@c.us`,
    formattedNumber: formatNumber(phoneNumber),
    profilePicUrl: `https://pps.whatsapp.net/v/sandbox/${phoneNumber}.jpg`,
  };
  client.readyAt = now + timing.readyDelayMs;
  advance(slot, now, timing);
}

/**
 * The phone scans the QR code. With `payload`, only the current code's text is accepted, so a test
 * proves it showed the code the sandbox serves now (not an earlier rotation).
 */
export function scan(
  slot: ClientSlot,
  instanceId: number,
  options: LinkOptions & { payload?: string },
  now: number,
  timing: ClientTiming,
): void {
  advance(slot, now, timing);
  const current = slot.client?.qr;
  if (slot.instanceStatus !== "qr" || current === undefined) {
    throw new ClientStateError(
      `instance ${instanceId} shows no QR code: its status is ${slot.instanceStatus}`,
    );
  }
  if (options.payload !== undefined && options.payload !== current.payload) {
    throw new ClientStateError(
      `instance ${instanceId}: that is not the current QR code (rotation ${slot.client?.qrRotation ?? 0}); it has rotated since`,
    );
  }
  const phoneNumber = options.phoneNumber ?? defaultLinkedNumber(instanceId);
  linkTo(slot, instanceId, phoneNumber, options.displayName ?? `Sandbox ${instanceId}`, now, timing);
}

/** The user types the pairing code on the phone: links the line to the number the code was asked for. */
export function enterPairingCode(
  slot: ClientSlot,
  instanceId: number,
  code: string,
  options: { displayName?: string },
  now: number,
  timing: ClientTiming,
): void {
  advance(slot, now, timing);
  const pairing = slot.client?.pairing;
  if (slot.instanceStatus !== "qr" || pairing === undefined) {
    throw new ClientStateError(
      `instance ${instanceId} has no pairing code pending (status ${slot.instanceStatus})`,
    );
  }
  if (code !== pairing.code) throw new ClientStateError(`instance ${instanceId}: wrong pairing code`);
  linkTo(slot, instanceId, pairing.phoneNumber, options.displayName ?? `Sandbox ${instanceId}`, now, timing);
}

/** The phone goes away (unlinked on the phone, or the connection lost): `disconnected` until rebooted. */
export function disconnect(slot: ClientSlot, instanceId: number, now: number, timing: ClientTiming): void {
  advance(slot, now, timing);
  if (slot.instanceStatus !== "ready" && slot.instanceStatus !== "authenticated") {
    throw new ClientStateError(`instance ${instanceId} is not linked (status ${slot.instanceStatus})`);
  }
  setStatus(slot, "disconnected");
}

/** The link attempt fails (WhatsApp refused the session): `auth_failure` until rebooted or logged out. */
export function failAuth(slot: ClientSlot, now: number, timing: ClientTiming): void {
  advance(slot, now, timing);
  setStatus(slot, "auth_failure");
  delete record(slot).me;
  delete record(slot).pairing;
}

/** A new QR code now (the rotation period starts again). */
export function rotateQr(slot: ClientSlot, instanceId: number, now: number, timing: ClientTiming): void {
  advance(slot, now, timing);
  if (slot.instanceStatus !== "qr") {
    throw new ClientStateError(
      `instance ${instanceId} shows no QR code: its status is ${slot.instanceStatus}`,
    );
  }
  showQr(slot, now);
}

/** Hands out a pairing code (`XXXX-XXXX`, like WhatsApp's), or says why not. */
export function requestPairingCode(
  slot: ClientSlot,
  phoneNumber: string,
  now: number,
  timing: ClientTiming,
): { code: string } | { refused: string } | { retryAfterSeconds: number } {
  advance(slot, now, timing);
  if (slot.instanceStatus !== "qr") {
    return { refused: `The client is not waiting to be linked (status: ${slot.instanceStatus}).` };
  }
  const client = record(slot);
  if (client.pairingRequests.length >= PAIRING_CODES_PER_MINUTE) {
    const oldest = Math.min(...client.pairingRequests);
    return { retryAfterSeconds: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)) };
  }
  const alphabet = "ABCDEFGHJKLMNPQRSTVWXYZ0123456789";
  let code = "";
  for (let i = 0; i < 8; i++) code += alphabet[randomInt(alphabet.length)];
  code = `${code.slice(0, 4)}-${code.slice(4)}`;
  client.pairing = { code, phoneNumber };
  client.pairingRequests.push(now);
  return { code };
}

export function view(slot: ClientSlot): ClientView {
  const client = slot.client ?? emptyRecord();
  const result: ClientView = { instanceStatus: slot.instanceStatus, qrRotation: client.qrRotation };
  if (slot.instanceStatus === "qr" && client.qr !== undefined) result.qrPayload = client.qr.payload;
  if (client.pairing !== undefined) {
    result.pairingCode = client.pairing.code;
    result.pairingPhoneNumber = client.pairing.phoneNumber;
  }
  if (client.me !== undefined) result.me = { ...client.me };
  return result;
}
