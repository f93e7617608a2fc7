/**
 * Starting and driving a sandbox in-process: a real HTTP server on loopback plus the handle tests use
 * to arrange state (accounts, tokens, drift, faults) and to inspect it (instances, limits, requests).
 */
import type { AddressInfo } from "node:net";
import type { ApiInstance, Permission } from "../provider/waapi-api";
import type { ClientTiming, ClientView, LinkOptions } from "./client-lifecycle";
import { FaultQueue, type SandboxFault } from "./faults";
import { clientHooks, groupHooks, type GroupChange, type GroupView, type HandMadeGroup } from "./hooks";
import type { RetrieveShape } from "./operations";
import { RateLimiter, type RateLimit } from "./rate-limit";
import { RequestLog, type SandboxRequest } from "./request-log";
import { API_PREFIX, buildServer } from "./server";
import { DEFAULT_ACCOUNT, SandboxStore, type InstanceDrift } from "./store";

export interface SandboxOptions {
  /** Default 127.0.0.1: the test hooks have no auth, so the sandbox stays off the network unless asked. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Persist the state here after every mutation, and load it at start if it exists. */
  dataFile?: string;
  /** The default account's instance limit when it is created (fresh state or reset); default 10. */
  instanceLimit?: number;
  /** The default account's owner e-mail when it is created. */
  owner?: string;
  /** How `GET /instances/{id}` answers: the documented `{"instances":[…]}` (default) or `{"instance":…}`. */
  retrieveShape?: RetrieveShape;
  /** Fastify's request logging to stdout; default off. */
  logger?: boolean;
  /** A token value to register with all permissions on the default account; it survives reset(). */
  token?: string;
  /** Answer 429 beyond this rate (see rate-limit.ts); `setRateLimit` changes it later. */
  rateLimit?: RateLimit;
  /** Milliseconds added before every API answer the sandbox acted on (not hooks, faults or 429s), like a distant server; default 0. */
  latencyMs?: number;
  /**
   * How fast linked clients move on their own: `bootDelayMs` (booting → qr, default 1000),
   * `qrRotationMs` (a new QR code, default 20 000), `readyDelayMs` (authenticated → ready, default 500).
   */
  clientTiming?: Partial<ClientTiming>;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** url + "/api/v1" */
  readonly baseUrl: string;
  /** Creates a token (default: all four permissions, default account) and returns its value. */
  createToken(permissions?: readonly Permission[], options?: { account?: string; name?: string }): string;
  createAccount(options: { id: string; owner: string; instanceLimit?: number; isTrial?: boolean }): void;
  /** All instances of an account (default "default"), as the API would return them. */
  instances(account?: string): ApiInstance[];
  instanceLimit(account?: string): number;
  /** Drift: changes an instance behind the provider's back (no validation; may set the client status). */
  changeInstance(id: number, patch: InstanceDrift): void;
  /** Deletes an instance without the API's side effect on the instance limit. */
  deleteInstanceOutOfBand(id: number): void;
  requests(): SandboxRequest[];
  clearRequests(): void;
  /** TCP connections accepted since start: a client that keeps connections alive opens few. */
  connectionsAccepted(): number;
  injectFault(fault: SandboxFault): void;
  clearFaults(): void;
  /** The faults not yet used up, with `times` set to the uses left. */
  pendingFaults(): SandboxFault[];
  /** Limits the API's request rate (429 with Retry-After beyond it); undefined lifts the limit. */
  setRateLimit(limit: RateLimit | undefined): void;
  /** An instance's linked client: status, current QR payload and rotation, pending pairing code, who linked it. */
  clientState(id: number): ClientView;
  /** The phone scans the QR code (status must be `qr`): authenticated, then ready after `readyDelayMs`.
   * With `payload`, only the current code's text is accepted. */
  scanQr(id: number, options?: LinkOptions & { payload?: string }): ClientView;
  /** The user types the pairing code handed out last: linked to the number it was asked for. */
  enterPairingCode(id: number, code: string, options?: { displayName?: string }): ClientView;
  /** The linked phone goes away: `disconnected` until a reboot or logout. */
  disconnectClient(id: number): ClientView;
  /** WhatsApp refuses the session: `auth_failure` until a reboot or logout. */
  failClientAuth(id: number): ClientView;
  /** A new QR code now (status must be `qr`). */
  rotateQr(id: number): ClientView;
  /** The groups the line is in, with what the API does not return (description, messageAdminOnly). */
  groups(id: number): GroupView[];
  /** A group made on the phone (by the line, unless `lineIsAdmin: false`), not through the API. */
  createGroupByHand(id: number, group: HandMadeGroup): GroupView;
  /** Someone renames the group, rewrites its description or its setting on a phone. */
  changeGroupByHand(id: number, groupId: string, change: GroupChange): GroupView;
  /** An admin adds a member on a phone (as an admin with `isAdmin`). */
  addGroupMember(
    id: number,
    groupId: string,
    participant: string,
    options?: { isAdmin?: boolean },
  ): GroupView;
  /** An admin removes a member on a phone. */
  removeGroupMember(id: number, groupId: string, participant: string): GroupView;
  /** An admin promotes (true) or demotes (false) a member on a phone. */
  setGroupAdmin(id: number, groupId: string, participant: string, isAdmin: boolean): GroupView;
  /** The line leaves the group on the phone: the line no longer has it. */
  leaveGroup(id: number, groupId: string): void;
  /** Changes the client timing from now on; returns the whole timing. */
  setClientTiming(timing: Partial<ClientTiming>): ClientTiming;
  /** Fresh state (instances, accounts, tokens other than `options.token`), empty log, no faults, the start timing. */
  reset(): void;
  close(): Promise<void>;
}

/** A URL host for the address the server is bound to; wildcard binds are reached through loopback. */
function urlHost(address: AddressInfo): string {
  if (address.address === "0.0.0.0") return "127.0.0.1";
  if (address.address === "::") return "[::1]";
  return address.family === "IPv6" ? `[${address.address}]` : address.address;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("WAAPI sandbox: invalid port");
  const retrieveShape = options.retrieveShape ?? "instances";
  if (retrieveShape !== "instances" && retrieveShape !== "instance") {
    throw new Error('WAAPI sandbox: retrieveShape must be "instances" or "instance"');
  }
  const instanceLimit = options.instanceLimit;
  if (instanceLimit !== undefined && (!Number.isSafeInteger(instanceLimit) || instanceLimit < 0)) {
    throw new Error("WAAPI sandbox: instanceLimit must be a non-negative integer");
  }
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0) {
    throw new Error("WAAPI sandbox: latencyMs must be a non-negative integer");
  }

  const store = new SandboxStore({
    ...(options.dataFile !== undefined ? { dataFile: options.dataFile } : {}),
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(instanceLimit !== undefined ? { instanceLimit } : {}),
    ...(options.token !== undefined ? { startToken: { value: options.token, name: "startup" } } : {}),
    ...(options.clientTiming !== undefined ? { timing: options.clientTiming } : {}),
  });
  const client = clientHooks(store);
  const group = groupHooks(store);
  const log = new RequestLog();
  const faults = new FaultQueue(() => log.recorded);
  const rateLimiter = new RateLimiter();
  rateLimiter.set(options.rateLimit);
  const closing = new AbortController();
  const reset = (): void => {
    store.reset();
    log.clear();
    faults.clear();
  };

  const app = buildServer(
    { store, faults, log, retrieveShape, reset, closing: closing.signal, rateLimiter, latencyMs },
    { logger: options.logger ?? false },
  );
  await app.listen({ host: options.host ?? "127.0.0.1", port });
  let connectionsAccepted = 0;
  app.server.on("connection", () => {
    connectionsAccepted += 1;
  });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("WAAPI sandbox: not listening on TCP");
  const url = `http://${urlHost(address)}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}${API_PREFIX}`,
    createToken: (permissions, tokenOptions) => store.createToken(permissions, tokenOptions),
    createAccount: (account) => store.createAccount(account),
    instances: (account = DEFAULT_ACCOUNT) => store.listInstances(account),
    instanceLimit: (account = DEFAULT_ACCOUNT) => store.account(account).instanceLimit,
    changeInstance: (id, patch) => void store.changeInstance(id, patch),
    deleteInstanceOutOfBand: (id) => store.deleteInstance(id, { shrinkLimit: false }),
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    connectionsAccepted: () => connectionsAccepted,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    setRateLimit: (limit) => rateLimiter.set(limit),
    clientState: (id) => store.clientView(id),
    scanQr: (id, scanOptions) => client.scan(id, scanOptions),
    enterPairingCode: (id, code, pairOptions) => client.enterPairingCode(id, code, pairOptions),
    disconnectClient: (id) => client.disconnect(id),
    failClientAuth: (id) => client.failAuth(id),
    rotateQr: (id) => client.rotateQr(id),
    groups: (id) => group.groups(id),
    createGroupByHand: (id, input) => group.createGroup(id, input),
    changeGroupByHand: (id, groupId, change) => group.changeGroup(id, groupId, change),
    addGroupMember: (id, groupId, participant, memberOptions) =>
      group.addMember(id, groupId, participant, memberOptions),
    removeGroupMember: (id, groupId, participant) => group.removeMember(id, groupId, participant),
    setGroupAdmin: (id, groupId, participant, isAdmin) => group.setAdmin(id, groupId, participant, isAdmin),
    leaveGroup: (id, groupId) => group.leaveGroup(id, groupId),
    setClientTiming: (timing) => store.setTiming(timing),
    reset,
    close: () => {
      // Idempotent, so a test's afterAll and an explicit close in the test body do not collide.
      closed ??= (async () => {
        closing.abort();
        await app.close();
      })();
      return closed;
    },
  };
}
