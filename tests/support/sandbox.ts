/**
 * The one way tests start a WAAPI sandbox. `useSandbox()` gives a test file one sandbox for all its
 * tests, reset before each (so no test depends on what another left behind, or on their order) with a
 * fresh all-permission token; `withSandbox()` runs a body against a second, short-lived one.
 *
 * Every token issued by a sandbox started here is remembered (`issuedTokens()`), so that leak checks
 * (./leaks.ts) can look for all of them in everything a test saw.
 */
import type { Permission } from "../../provider/waapi-api";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox";

/** Every token issued in this test file (jest loads this module once per file). */
const issued: string[] = [];

/** Every API token issued by a sandbox started through this module in the current test file. */
export function issuedTokens(): readonly string[] {
  return issued;
}

/** Starts a sandbox whose issued tokens are remembered for the leak checks. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  if (options.token !== undefined) issued.push(options.token);
  return {
    ...sandbox,
    createToken: (permissions, tokenOptions) => {
      const token = sandbox.createToken(permissions, tokenOptions);
      issued.push(token);
      return token;
    },
  };
}

/** Runs `body` against a sandbox of its own, closed afterwards whatever happens. */
export async function withSandbox<T>(
  options: SandboxOptions,
  body: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await startTestSandbox(options);
  try {
    return await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** The sandbox of a test file, usable from any test or hook once `beforeAll` has run. */
export interface TestSandbox extends Sandbox {
  /** A token with all four permissions on the default account, made after the reset before each test. */
  readonly token: string;
}

/** Forwards to the sandbox started in `beforeAll` (the handle exists before it does). */
class SandboxHandle implements TestSandbox {
  private current: Sandbox | undefined;
  private currentToken: string | undefined;

  async start(options: SandboxOptions): Promise<void> {
    this.current = await startTestSandbox(options);
  }

  /** Fresh state, then a fresh token: what every test starts from. */
  resetForTest(): void {
    this.sandbox.reset();
    this.currentToken = this.sandbox.createToken();
  }

  private get sandbox(): Sandbox {
    if (!this.current) throw new Error("the sandbox is not started yet: use it inside a test or hook");
    return this.current;
  }

  get token(): string {
    if (this.currentToken === undefined) throw new Error("no token before the first test's beforeEach");
    return this.currentToken;
  }

  get url(): string {
    return this.sandbox.url;
  }
  get baseUrl(): string {
    return this.sandbox.baseUrl;
  }
  createToken(permissions?: readonly Permission[], options?: { account?: string; name?: string }): string {
    return this.sandbox.createToken(permissions, options);
  }
  createAccount(account: Parameters<Sandbox["createAccount"]>[0]): void {
    this.sandbox.createAccount(account);
  }
  instances(account?: string): ReturnType<Sandbox["instances"]> {
    return this.sandbox.instances(account);
  }
  instanceLimit(account?: string): number {
    return this.sandbox.instanceLimit(account);
  }
  changeInstance(...args: Parameters<Sandbox["changeInstance"]>): void {
    this.sandbox.changeInstance(...args);
  }
  deleteInstanceOutOfBand(id: number): void {
    this.sandbox.deleteInstanceOutOfBand(id);
  }
  requests(): ReturnType<Sandbox["requests"]> {
    return this.sandbox.requests();
  }
  clearRequests(): void {
    this.sandbox.clearRequests();
  }
  connectionsAccepted(): number {
    return this.sandbox.connectionsAccepted();
  }
  injectFault(...args: Parameters<Sandbox["injectFault"]>): void {
    this.sandbox.injectFault(...args);
  }
  clearFaults(): void {
    this.sandbox.clearFaults();
  }
  pendingFaults(): ReturnType<Sandbox["pendingFaults"]> {
    return this.sandbox.pendingFaults();
  }
  setRateLimit(...args: Parameters<Sandbox["setRateLimit"]>): void {
    this.sandbox.setRateLimit(...args);
  }
  clientState(id: number): ReturnType<Sandbox["clientState"]> {
    return this.sandbox.clientState(id);
  }
  scanQr(...args: Parameters<Sandbox["scanQr"]>): ReturnType<Sandbox["scanQr"]> {
    return this.sandbox.scanQr(...args);
  }
  enterPairingCode(
    ...args: Parameters<Sandbox["enterPairingCode"]>
  ): ReturnType<Sandbox["enterPairingCode"]> {
    return this.sandbox.enterPairingCode(...args);
  }
  disconnectClient(id: number): ReturnType<Sandbox["disconnectClient"]> {
    return this.sandbox.disconnectClient(id);
  }
  failClientAuth(id: number): ReturnType<Sandbox["failClientAuth"]> {
    return this.sandbox.failClientAuth(id);
  }
  rotateQr(id: number): ReturnType<Sandbox["rotateQr"]> {
    return this.sandbox.rotateQr(id);
  }
  groups(id: number): ReturnType<Sandbox["groups"]> {
    return this.sandbox.groups(id);
  }
  createGroupByHand(
    ...args: Parameters<Sandbox["createGroupByHand"]>
  ): ReturnType<Sandbox["createGroupByHand"]> {
    return this.sandbox.createGroupByHand(...args);
  }
  changeGroupByHand(
    ...args: Parameters<Sandbox["changeGroupByHand"]>
  ): ReturnType<Sandbox["changeGroupByHand"]> {
    return this.sandbox.changeGroupByHand(...args);
  }
  addGroupMember(...args: Parameters<Sandbox["addGroupMember"]>): ReturnType<Sandbox["addGroupMember"]> {
    return this.sandbox.addGroupMember(...args);
  }
  removeGroupMember(
    ...args: Parameters<Sandbox["removeGroupMember"]>
  ): ReturnType<Sandbox["removeGroupMember"]> {
    return this.sandbox.removeGroupMember(...args);
  }
  setGroupAdmin(...args: Parameters<Sandbox["setGroupAdmin"]>): ReturnType<Sandbox["setGroupAdmin"]> {
    return this.sandbox.setGroupAdmin(...args);
  }
  leaveGroup(id: number, groupId: string): void {
    this.sandbox.leaveGroup(id, groupId);
  }
  setClientTiming(...args: Parameters<Sandbox["setClientTiming"]>): ReturnType<Sandbox["setClientTiming"]> {
    return this.sandbox.setClientTiming(...args);
  }
  reset(): void {
    this.sandbox.reset();
  }
  async close(): Promise<void> {
    await this.current?.close();
  }
}

/**
 * One sandbox for the calling test file: started in `beforeAll`, reset (with a fresh `token`) in
 * `beforeEach`, closed in `afterAll`. Call it at the top level of the file, or of a `describe`.
 */
export function useSandbox(options: SandboxOptions = {}): TestSandbox {
  const handle = new SandboxHandle();
  beforeAll(() => handle.start(options));
  beforeEach(() => handle.resetForTest());
  afterAll(() => handle.close());
  return handle;
}
