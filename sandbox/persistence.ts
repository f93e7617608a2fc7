/**
 * The sandbox's state on disk: one JSON document, rewritten whole and atomically after every mutation,
 * so a crash or a kill mid-write leaves either the old or the new state, never a torn file.
 * Tokens are kept only as SHA-256 hashes: the file is as safe to leave lying around as a test log.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import {
  INSTANCE_STATUSES,
  PERMISSIONS,
  type ApiInstance,
  type InstanceStatus,
  type Permission,
} from "../provider/waapi-api";
import type { ClientRecord } from "./client-lifecycle";
import type { GroupRecord } from "./groups";

export const STATE_VERSION = 1;

export interface AccountRecord {
  id: string;
  owner: string;
  instanceLimit: number;
  isTrial: boolean;
}

export interface TokenRecord {
  id: number;
  /** A label for logs; never the token value. */
  name: string;
  account: string;
  permissions: Permission[];
  /** Hex SHA-256 of the full token value: what Sanctum keeps too, so a leaked file leaks no token. */
  sha256: string;
}

export interface InstanceRecord {
  account: string;
  instance: ApiInstance;
  /** The linked WhatsApp client's state, reported by `GET /instances/{id}/client/status`. */
  instanceStatus: InstanceStatus;
  /** The client's QR code, pending transitions, pairing and who linked it; absent in older files. */
  client?: ClientRecord;
  /** The WhatsApp groups the line is in; absent in older files and for lines in none. */
  groups?: GroupRecord[];
}

export interface PersistedState {
  version: typeof STATE_VERSION;
  nextInstanceId: number;
  nextTokenId: number;
  accounts: AccountRecord[];
  tokens: TokenRecord[];
  instances: InstanceRecord[];
}

/** The file operations an atomic write needs; injectable so tests can watch the sequence or fail a step. */
export interface AtomicWriteOps {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
}

const nodeOps: AtomicWriteOps = {
  openSync: (file, flags, mode) => fs.openSync(file, flags, mode),
  writeSync: (fd, data) => fs.writeSync(fd, data),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (file) => fs.unlinkSync(file),
};

/**
 * Writes `text` to `file` atomically: a temp file in the same directory (rename is only atomic within
 * one file system), flushed to disk, then renamed over the target. Mode 0600: the file describes
 * accounts and token hashes, nobody else on the machine needs to read it.
 */
export function writeFileAtomic(file: string, text: string, ops: AtomicWriteOps = nodeOps): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = ops.openSync(temp, "wx", 0o600);
  try {
    try {
      ops.writeSync(fd, text);
      ops.fsyncSync(fd);
    } finally {
      ops.closeSync(fd);
    }
    ops.renameSync(temp, file);
  } catch (error) {
    try {
      ops.unlinkSync(temp);
    } catch {
      // The temp file may already be gone; the original error is the one worth reporting.
    }
    throw error;
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable. Not every platform can fsync a directory; there it is best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // e.g. Windows (EISDIR/EPERM): the rename is still atomic, just not yet guaranteed on disk.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function saveState(file: string, state: PersistedState): void {
  writeFileAtomic(file, JSON.stringify(state, null, 2) + "\n");
}

/** Reads the state file, or `undefined` if there is none. A corrupt file is an error, never silently replaced. */
export function loadState(file: string): PersistedState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (isErrnoException(error) && error.code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return parseState(JSON.parse(text));
  } catch (error) {
    throw new Error(
      `WAAPI sandbox: cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Duck-typed: `instanceof Error` fails for errors from another realm (e.g. under jest's vm modules). */
function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === "object" && error !== null && "code" in error;
}

// --- shape checks: the file may have been edited by hand, so trust nothing in it ---

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${where}: not an object`);
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: not an array`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== "string") throw new Error(`${where}: not a string`);
  return value;
}

function integer(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${where}: not a non-negative integer`);
  }
  return value;
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== "boolean") throw new Error(`${where}: not a boolean`);
  return value;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, where: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`${where}: not one of ${allowed.join(", ")}`);
  return found;
}

export function parseState(value: unknown): PersistedState {
  const root = object(value, "state");
  if (root.version !== STATE_VERSION) throw new Error(`state: unsupported version ${String(root.version)}`);
  return {
    version: STATE_VERSION,
    nextInstanceId: integer(root.nextInstanceId, "nextInstanceId"),
    nextTokenId: integer(root.nextTokenId, "nextTokenId"),
    accounts: array(root.accounts, "accounts").map((entry, i) => {
      const a = object(entry, `accounts[${i}]`);
      return {
        id: string(a.id, `accounts[${i}].id`),
        owner: string(a.owner, `accounts[${i}].owner`),
        instanceLimit: integer(a.instanceLimit, `accounts[${i}].instanceLimit`),
        isTrial: boolean(a.isTrial, `accounts[${i}].isTrial`),
      };
    }),
    tokens: array(root.tokens, "tokens").map((entry, i) => {
      const t = object(entry, `tokens[${i}]`);
      const sha256 = string(t.sha256, `tokens[${i}].sha256`);
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`tokens[${i}].sha256: not a hex SHA-256`);
      return {
        id: integer(t.id, `tokens[${i}].id`),
        name: string(t.name, `tokens[${i}].name`),
        account: string(t.account, `tokens[${i}].account`),
        permissions: array(t.permissions, `tokens[${i}].permissions`).map((p, j) =>
          oneOf(PERMISSIONS, p, `tokens[${i}].permissions[${j}]`),
        ),
        sha256,
      };
    }),
    instances: array(root.instances, "instances").map((entry, i) => {
      const r = object(entry, `instances[${i}]`);
      const inst = object(r.instance, `instances[${i}].instance`);
      const url = inst.webhook_url;
      const parsed: InstanceRecord = {
        account: string(r.account, `instances[${i}].account`),
        instanceStatus: oneOf(INSTANCE_STATUSES, r.instanceStatus, `instances[${i}].instanceStatus`),
        instance: {
          id: integer(inst.id, `instances[${i}].instance.id`),
          name: string(inst.name, `instances[${i}].instance.name`),
          owner: string(inst.owner, `instances[${i}].instance.owner`),
          webhook_url: url === null ? null : string(url, `instances[${i}].instance.webhook_url`),
          webhook_events: array(inst.webhook_events, `instances[${i}].instance.webhook_events`).map((e, j) =>
            string(e, `instances[${i}].instance.webhook_events[${j}]`),
          ),
          is_trial: boolean(inst.is_trial, `instances[${i}].instance.is_trial`),
        },
      };
      if (r.client !== undefined) parsed.client = parseClient(r.client, `instances[${i}].client`);
      if (r.groups !== undefined) {
        parsed.groups = array(r.groups, `instances[${i}].groups`).map((group, j) =>
          parseGroup(group, `instances[${i}].groups[${j}]`),
        );
      }
      return parsed;
    }),
  };
}

function optionalInteger(value: unknown, where: string): number | undefined {
  return value === undefined ? undefined : integer(value, where);
}

function parseClient(value: unknown, where: string): ClientRecord {
  const c = object(value, where);
  const client: ClientRecord = {
    qrRotation: integer(c.qrRotation, `${where}.qrRotation`),
    pairingRequests: array(c.pairingRequests, `${where}.pairingRequests`).map((at, j) =>
      integer(at, `${where}.pairingRequests[${j}]`),
    ),
  };
  const qrAt = optionalInteger(c.qrAt, `${where}.qrAt`);
  if (qrAt !== undefined) client.qrAt = qrAt;
  const readyAt = optionalInteger(c.readyAt, `${where}.readyAt`);
  if (readyAt !== undefined) client.readyAt = readyAt;
  if (c.qr !== undefined) {
    const qr = object(c.qr, `${where}.qr`);
    client.qr = {
      payload: string(qr.payload, `${where}.qr.payload`),
      since: integer(qr.since, `${where}.qr.since`),
    };
  }
  if (c.pairing !== undefined) {
    const pairing = object(c.pairing, `${where}.pairing`);
    client.pairing = {
      code: string(pairing.code, `${where}.pairing.code`),
      phoneNumber: string(pairing.phoneNumber, `${where}.pairing.phoneNumber`),
    };
  }
  if (c.me !== undefined) {
    const me = object(c.me, `${where}.me`);
    client.me = {
      displayName: string(me.displayName, `${where}.me.displayName`),
      contactId: string(me.contactId, `${where}.me.contactId`),
      formattedNumber: string(me.formattedNumber, `${where}.me.formattedNumber`),
    };
    if (me.profilePicUrl !== undefined)
      client.me.profilePicUrl = string(me.profilePicUrl, `${where}.me.profilePicUrl`);
  }
  return client;
}

function parseGroup(value: unknown, where: string): GroupRecord {
  const g = object(value, where);
  return {
    id: string(g.id, `${where}.id`),
    subject: string(g.subject, `${where}.subject`),
    description: string(g.description, `${where}.description`),
    messageAdminOnly: boolean(g.messageAdminOnly, `${where}.messageAdminOnly`),
    owner: string(g.owner, `${where}.owner`),
    createdAt: integer(g.createdAt, `${where}.createdAt`),
    changedAt: integer(g.changedAt, `${where}.changedAt`),
    inviteCode: string(g.inviteCode, `${where}.inviteCode`),
    participants: array(g.participants, `${where}.participants`).map((entry, k) => {
      const p = object(entry, `${where}.participants[${k}]`);
      return {
        id: string(p.id, `${where}.participants[${k}].id`),
        isAdmin: boolean(p.isAdmin, `${where}.participants[${k}].isAdmin`),
        isSuperAdmin: boolean(p.isSuperAdmin, `${where}.participants[${k}].isSuperAdmin`),
      };
    }),
  };
}
