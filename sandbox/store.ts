/**
 * The sandbox's model of WAAPI: accounts (owner e-mail, instance limit, trial flag), API tokens with
 * permissions, and instances. Every mutation is persisted at once when a data file is configured, so
 * a restarted sandbox carries on where it stopped (including limits already shrunk by deletes).
 */
import { createHash, randomBytes } from "node:crypto";
import {
  PERMISSIONS,
  type ApiInstance,
  type InstanceStatus,
  type Permission,
  type WebhookEvent,
  serverDefaultName,
} from "../provider/waapi-api";
import {
  DEFAULT_CLIENT_TIMING,
  advance,
  boot,
  defaultLinkedNumber,
  formatNumber,
  record as clientRecord,
  setStatus,
  view,
  type ClientRecord,
  type ClientTiming,
  type ClientView,
} from "./client-lifecycle";
import { copyGroup, type GroupRecord } from "./groups";
import {
  STATE_VERSION,
  loadState,
  saveState,
  type AccountRecord,
  type InstanceRecord,
  type PersistedState,
  type TokenRecord,
} from "./persistence";

export const DEFAULT_ACCOUNT = "default";
export const DEFAULT_OWNER = "owner@example.com";
export const DEFAULT_INSTANCE_LIMIT = 10;
/** Ids look like real ones (not 1, 2, 3), so a client that confuses an id with an index stands out. */
export const FIRST_INSTANCE_ID = 1001;

export interface StoreOptions {
  dataFile?: string;
  /** Owner e-mail of the default account when it is created (fresh state or after reset). */
  owner?: string;
  /** Instance limit of the default account when it is created. */
  instanceLimit?: number;
  /** Registered as an all-permission token on the default account at start and again after every reset. */
  startToken?: { value: string; name: string };
  /** How fast linked clients move on their own (boot, QR rotation, ready); defaults in client-lifecycle.ts. */
  timing?: Partial<ClientTiming>;
  /** The clock (epoch ms); tests may inject one. */
  now?: () => number;
}

export interface NewAccount {
  id: string;
  owner: string;
  instanceLimit?: number;
  isTrial?: boolean;
}

/** What a caller may change on an instance, in wire names; also what the drift hook accepts. */
export interface InstanceDrift {
  name?: string;
  webhook_url?: string | null;
  webhook_events?: string[];
  instanceStatus?: InstanceStatus;
}

/** A validated `PUT /instances/{id}`: absent keys leave the field as it is. */
export interface InstanceChanges {
  name?: string;
  webhookUrl?: string | null;
  webhookEvents?: WebhookEvent[];
}

export interface AuthenticatedToken {
  name: string;
  account: string;
  permissions: readonly Permission[];
}

/** An unknown account or instance: the test hooks answer 404 for it rather than 400. */
export class NotFoundError extends Error {}

export function hashToken(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Sanctum's plain-text token format, `<id>|<40 random characters>`, so clients see realistic values. */
function generateTokenValue(id: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(40);
  let secret = "";
  for (const byte of bytes) secret += alphabet[byte % alphabet.length];
  return `${id}|${secret}`;
}

function copyInstance(instance: ApiInstance): ApiInstance {
  return { ...instance, webhook_events: [...instance.webhook_events] };
}

function copyClient(client: ClientRecord): ClientRecord {
  const copy: ClientRecord = { ...client, pairingRequests: [...client.pairingRequests] };
  if (client.qr) copy.qr = { ...client.qr };
  if (client.pairing) copy.pairing = { ...client.pairing };
  if (client.me) copy.me = { ...client.me };
  return copy;
}

function copyRecord(record: InstanceRecord): InstanceRecord {
  const copy: InstanceRecord = { ...record, instance: copyInstance(record.instance) };
  if (record.client) copy.client = copyClient(record.client);
  if (record.groups) copy.groups = record.groups.map(copyGroup);
  return copy;
}

/** Checks a timing figure: a whole number of milliseconds, at most a day. */
export function checkTiming(timing: Partial<ClientTiming>): Partial<ClientTiming> {
  for (const [key, value] of Object.entries(timing)) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0 || value > 86_400_000) {
      throw new Error(`WAAPI sandbox: ${key} must be a whole number of milliseconds from 0 to 86400000`);
    }
  }
  return timing;
}

export class SandboxStore {
  private accounts = new Map<string, AccountRecord>();
  private tokensByHash = new Map<string, TokenRecord>();
  /** Keyed by id; ids only grow, so insertion order is id order. */
  private instancesById = new Map<number, InstanceRecord>();
  private nextInstanceId = FIRST_INSTANCE_ID;
  private nextTokenId = 1;
  private clientTiming: ClientTiming;
  private readonly now: () => number;

  constructor(private readonly options: StoreOptions = {}) {
    this.clientTiming = { ...DEFAULT_CLIENT_TIMING, ...checkTiming(options.timing ?? {}) };
    this.now = options.now ?? Date.now;
    const loaded = options.dataFile === undefined ? undefined : loadState(options.dataFile);
    if (loaded) this.restore(loaded);
    this.ensureDefaults();
    this.persist();
  }

  /** Back to a fresh start. Ids keep growing so a stale id from before the reset never hits a new instance. */
  reset(): void {
    this.clientTiming = { ...DEFAULT_CLIENT_TIMING, ...checkTiming(this.options.timing ?? {}) };
    this.accounts.clear();
    this.tokensByHash.clear();
    this.instancesById.clear();
    this.ensureDefaults();
    this.persist();
  }

  // --- accounts ---

  createAccount(account: NewAccount): void {
    if (this.accounts.has(account.id))
      throw new Error(`WAAPI sandbox: account "${account.id}" already exists`);
    if (!account.id) throw new Error("WAAPI sandbox: an account needs an id");
    const limit = account.instanceLimit ?? DEFAULT_INSTANCE_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new Error("WAAPI sandbox: instanceLimit must be a non-negative integer");
    }
    this.accounts.set(account.id, {
      id: account.id,
      owner: account.owner,
      instanceLimit: limit,
      isTrial: account.isTrial ?? false,
    });
    this.persist();
  }

  account(id: string): AccountRecord {
    const account = this.accounts.get(id);
    if (!account) throw new NotFoundError(`WAAPI sandbox: no account "${id}"`);
    return { ...account };
  }

  // --- tokens ---

  /** Creates a token and returns its value: the only moment the value exists outside the caller. */
  createToken(
    permissions: readonly Permission[] = PERMISSIONS,
    options: { account?: string; name?: string } = {},
  ): string {
    const id = this.nextTokenId;
    const value = generateTokenValue(id);
    this.registerToken(value, permissions, { account: options.account, name: options.name ?? `token-${id}` });
    return value;
  }

  /** Registers a given value; idempotent, so a `--token` survives restarts with a data file without duplicates. */
  registerToken(
    value: string,
    permissions: readonly Permission[],
    options: { account?: string | undefined; name: string },
  ): void {
    const account = options.account ?? DEFAULT_ACCOUNT;
    this.account(account); // throws for an unknown account
    for (const permission of permissions) {
      if (!PERMISSIONS.includes(permission))
        throw new Error(`WAAPI sandbox: unknown permission "${permission}"`);
    }
    if (!value) throw new Error("WAAPI sandbox: a token value cannot be empty");
    const sha256 = hashToken(value);
    if (this.tokensByHash.has(sha256)) return;
    this.tokensByHash.set(sha256, {
      id: this.nextTokenId++,
      name: options.name,
      account,
      permissions: PERMISSIONS.filter((p) => permissions.includes(p)),
      sha256,
    });
    this.persist();
  }

  authenticate(value: string): AuthenticatedToken | undefined {
    const token = this.tokensByHash.get(hashToken(value));
    // A token whose account is gone is as dead as a deleted token.
    if (!token || !this.accounts.has(token.account)) return undefined;
    return { name: token.name, account: token.account, permissions: [...token.permissions] };
  }

  // --- instances ---

  /** The account's instances, optionally filtered like `?filter=`: exact id, or name containing the text. */
  listInstances(account: string, filter?: string): ApiInstance[] {
    this.account(account);
    const needle = filter?.trim().toLowerCase() ?? "";
    const result: ApiInstance[] = [];
    for (const record of this.instancesById.values()) {
      if (record.account !== account) continue;
      // Guess at WAAPI's filter: Laravel apps usually do `where id = ? or name like %?%` (case-insensitive
      // under MySQL's default collation). A client must therefore still pick exact matches itself.
      if (
        needle &&
        String(record.instance.id) !== needle &&
        !record.instance.name.toLowerCase().includes(needle)
      ) {
        continue;
      }
      result.push(copyInstance(record.instance));
    }
    return result;
  }

  instanceCount(account: string): number {
    let count = 0;
    for (const record of this.instancesById.values()) if (record.account === account) count++;
    return count;
  }

  /** Creates an instance, or returns "limit" when the account is at its instance limit. */
  createInstance(account: string): ApiInstance | "limit" {
    const owner = this.account(account);
    if (this.instanceCount(account) >= owner.instanceLimit) return "limit";
    const id = this.nextInstanceId++;
    const instance: ApiInstance = {
      id,
      name: serverDefaultName(id),
      owner: owner.owner,
      webhook_url: null,
      webhook_events: [],
      is_trial: owner.isTrial,
    };
    // A fresh client boots and then waits for its QR code to be scanned.
    const created: InstanceRecord = { account, instance, instanceStatus: "booting" };
    boot(created, this.now(), this.clientTiming);
    this.instancesById.set(id, created);
    this.persist();
    return copyInstance(instance);
  }

  /** The instance if it exists and belongs to `account` (another account's instance is "not found"). */
  findInstance(
    account: string,
    id: number,
  ): { instance: ApiInstance; instanceStatus: InstanceStatus } | undefined {
    const record = this.instancesById.get(id);
    if (!record || record.account !== account) return undefined;
    if (advance(record, this.now(), this.clientTiming)) this.persist();
    return { instance: copyInstance(record.instance), instanceStatus: record.instanceStatus };
  }

  // --- linked clients ---

  timing(): ClientTiming {
    return { ...this.clientTiming };
  }

  /** Changes how fast clients move from now on (what is already due keeps its time). */
  setTiming(timing: Partial<ClientTiming>): ClientTiming {
    this.clientTiming = { ...this.clientTiming, ...checkTiming(timing) };
    return this.timing();
  }

  /** What a test may know of an instance's client, brought up to now. */
  clientView(id: number): ClientView {
    const record = this.record(id);
    if (advance(record, this.now(), this.clientTiming)) this.persist();
    return view(record);
  }

  /**
   * Runs a lifecycle step (client-lifecycle.ts) on an instance's client and keeps the result, also
   * when the step throws after changing something (it brought the client up to now first).
   */
  withClient<T>(
    id: number,
    step: (slot: InstanceRecord, now: number, timing: ClientTiming, instanceId: number) => T,
  ): T {
    const record = this.record(id);
    try {
      return step(record, this.now(), this.clientTiming, id);
    } finally {
      this.persist();
    }
  }

  /**
   * Who linked a ready line. A line made ready by drift was linked by nobody the sandbox saw: it
   * gets the default account, so `/client/me` answers for every ready line as WAAPI's would.
   */
  linkedAccount(id: number): ClientView["me"] {
    const record = this.record(id);
    advance(record, this.now(), this.clientTiming);
    if (record.instanceStatus !== "ready") return undefined;
    const client = clientRecord(record);
    if (client.me === undefined) {
      const number = defaultLinkedNumber(id);
      client.me = {
        displayName: `Sandbox ${id}`,
        contactId: `${number}@c.us`,
        formattedNumber: formatNumber(number),
      };
      this.persist();
    }
    return { ...client.me };
  }

  // --- the line's groups ---

  /** The line's own contact id: who linked it, or (never linked) the number the sandbox would link. */
  lineContactId(id: number): string {
    const record = this.record(id);
    return record.client?.me?.contactId ?? `${defaultLinkedNumber(id)}@c.us`;
  }

  /** Copies of the groups the line is in, with what the API does not return (description, settings). */
  groups(id: number): GroupRecord[] {
    return (this.record(id).groups ?? []).map(copyGroup);
  }

  /**
   * Runs a group step (groups.ts) on the line's groups and keeps the result, also when the step
   * throws after changing something.
   */
  withGroups<T>(id: number, step: (groups: GroupRecord[], line: string, now: number) => T): T {
    const record = this.record(id);
    const line = this.lineContactId(id);
    record.groups ??= [];
    try {
      return step(record.groups, line, this.now());
    } finally {
      this.persist();
    }
  }

  updateInstance(id: number, changes: InstanceChanges): ApiInstance {
    const record = this.record(id);
    if (changes.name !== undefined) record.instance.name = changes.name;
    if (changes.webhookUrl !== undefined) record.instance.webhook_url = changes.webhookUrl;
    if (changes.webhookEvents !== undefined) record.instance.webhook_events = [...changes.webhookEvents];
    this.persist();
    return copyInstance(record.instance);
  }

  /**
   * Deletes an instance. Through the API WAAPI also lowers the account's instance limit for good
   * (`shrinkLimit`); the out-of-band test hook deletes without that side effect.
   */
  deleteInstance(id: number, options: { shrinkLimit: boolean }): void {
    const record = this.record(id);
    this.instancesById.delete(id);
    if (options.shrinkLimit) {
      const account = this.accounts.get(record.account);
      if (account) account.instanceLimit = Math.max(0, account.instanceLimit - 1);
    }
    this.persist();
  }

  /** Drift: changes an instance behind the provider's back, without the API's validation. */
  changeInstance(id: number, patch: InstanceDrift): ApiInstance {
    const record = this.record(id);
    if (patch.name !== undefined) record.instance.name = patch.name;
    if (patch.webhook_url !== undefined) record.instance.webhook_url = patch.webhook_url;
    if (patch.webhook_events !== undefined) record.instance.webhook_events = [...patch.webhook_events];
    if (patch.instanceStatus !== undefined) setStatus(record, patch.instanceStatus);
    this.persist();
    return copyInstance(record.instance);
  }

  private record(id: number): InstanceRecord {
    const record = this.instancesById.get(id);
    if (!record) throw new NotFoundError(`WAAPI sandbox: no instance ${id}`);
    return record;
  }

  // --- state ---

  private ensureDefaults(): void {
    if (!this.accounts.has(DEFAULT_ACCOUNT)) {
      this.accounts.set(DEFAULT_ACCOUNT, {
        id: DEFAULT_ACCOUNT,
        owner: this.options.owner ?? DEFAULT_OWNER,
        instanceLimit: this.options.instanceLimit ?? DEFAULT_INSTANCE_LIMIT,
        isTrial: false,
      });
    }
    const start = this.options.startToken;
    if (start) this.registerToken(start.value, PERMISSIONS, { account: DEFAULT_ACCOUNT, name: start.name });
  }

  private restore(state: PersistedState): void {
    this.nextInstanceId = state.nextInstanceId;
    this.nextTokenId = state.nextTokenId;
    for (const account of state.accounts) this.accounts.set(account.id, account);
    for (const token of state.tokens) this.tokensByHash.set(token.sha256, token);
    for (const record of state.instances) {
      this.instancesById.set(record.instance.id, record);
      // Never hand out an id that a (hand-edited) file already uses.
      this.nextInstanceId = Math.max(this.nextInstanceId, record.instance.id + 1);
    }
  }

  snapshot(): PersistedState {
    return {
      version: STATE_VERSION,
      nextInstanceId: this.nextInstanceId,
      nextTokenId: this.nextTokenId,
      accounts: [...this.accounts.values()].map((a) => ({ ...a })),
      tokens: [...this.tokensByHash.values()].map((t) => ({ ...t, permissions: [...t.permissions] })),
      instances: [...this.instancesById.values()].map(copyRecord),
    };
  }

  private persist(): void {
    if (this.options.dataFile !== undefined) saveState(this.options.dataFile, this.snapshot());
  }
}
