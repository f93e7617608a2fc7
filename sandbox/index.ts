/** The WAAPI sandbox: a local emulator of waapi.app's instance API for tests and local Pulumi runs. */
export { startSandbox, type Sandbox, type SandboxOptions } from "./sandbox";
export type {
  ActThenDelayFault,
  DelayThenActFault,
  FaultMatch,
  ResetFault,
  RespondFault,
  SandboxFault,
  SandboxFaultKind,
  WaitFor,
} from "./faults";
export type { SandboxRequest } from "./request-log";
export type { RateLimit } from "./rate-limit";
export type { InstanceDrift } from "./store";
export type { RetrieveShape } from "./operations";
export type { ClientTiming, ClientView, LinkOptions } from "./client-lifecycle";
export { DEFAULT_CLIENT_TIMING, PAIRING_CODES_PER_MINUTE } from "./client-lifecycle";
export type { GroupChange, GroupView, HandMadeGroup } from "./hooks";
export type { GroupRecord } from "./groups";
