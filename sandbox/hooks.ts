/**
 * Test hooks over HTTP under `/__sandbox/`, mirroring the in-process handle for tests that run the
 * sandbox in another process (e.g. the CLI). They take no authentication: the sandbox is a local test
 * tool, bound to loopback by default.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { INSTANCE_STATUSES, PERMISSIONS, type InstanceStatus, type Permission } from "../provider/waapi-api";
import { contactIdProblem, groupSubjectProblem, phoneNumberProblem } from "../provider/rules";
import {
  ClientStateError,
  disconnect,
  enterPairingCode,
  failAuth,
  rotateQr,
  scan,
  type ClientTiming,
  type ClientView,
  type LinkOptions,
} from "./client-lifecycle";
import { parseFault } from "./faults";
import {
  GroupStateError,
  UnknownGroupError,
  changeMember,
  createGroup,
  findGroup,
  inviteLink,
  type GroupRecord,
} from "./groups";
import { errorResult, json, send } from "./responses";
import type { ServerContext } from "./server";
import {
  DEFAULT_ACCOUNT,
  NotFoundError,
  type InstanceDrift,
  type NewAccount,
  type SandboxStore,
} from "./store";
import { isPlainObject } from "./validation";

/** A malformed hook request: answered 400 with the reason. */
class BadRequest extends Error {}

function body(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new BadRequest("the body must be a JSON object");
  return value;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new BadRequest(`${what} must be a string`);
  return value;
}

function instanceId(raw: string): number {
  if (!/^[0-9]{1,16}$/.test(raw)) throw new NotFoundError(`no instance ${raw}`);
  return Number(raw);
}

function parsePermissions(value: unknown): Permission[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new BadRequest("permissions must be an array");
  return value.map((p: unknown) => {
    const found = PERMISSIONS.find((known) => known === p);
    if (!found)
      throw new BadRequest(`unknown permission ${JSON.stringify(p)}; use ${PERMISSIONS.join(", ")}`);
    return found;
  });
}

export function parseDrift(value: unknown): InstanceDrift {
  const input = body(value);
  const drift: InstanceDrift = {};
  const name = optionalString(input.name, "name");
  if (name !== undefined) drift.name = name;
  if (input.webhook_url !== undefined) {
    if (input.webhook_url !== null && typeof input.webhook_url !== "string") {
      throw new BadRequest("webhook_url must be a string or null");
    }
    drift.webhook_url = input.webhook_url;
  }
  if (input.webhook_events !== undefined) {
    const events = input.webhook_events;
    // Drift may be anything the real service could hold, even unknown events: no check beyond strings.
    if (!Array.isArray(events) || !events.every((e: unknown) => typeof e === "string")) {
      throw new BadRequest("webhook_events must be an array of strings");
    }
    drift.webhook_events = events as string[];
  }
  if (input.instanceStatus !== undefined) {
    const status = INSTANCE_STATUSES.find((s): s is InstanceStatus => s === input.instanceStatus);
    if (!status) throw new BadRequest(`instanceStatus must be one of ${INSTANCE_STATUSES.join(", ")}`);
    drift.instanceStatus = status;
  }
  return drift;
}

function parseAccount(value: unknown): NewAccount {
  const input = body(value);
  const id = optionalString(input.id, "id");
  const owner = optionalString(input.owner, "owner");
  if (!id || !owner) throw new BadRequest("an account needs an id and an owner");
  const account: NewAccount = { id, owner };
  if (input.instanceLimit !== undefined) {
    if (typeof input.instanceLimit !== "number") throw new BadRequest("instanceLimit must be a number");
    account.instanceLimit = input.instanceLimit;
  }
  if (input.isTrial !== undefined) {
    if (typeof input.isTrial !== "boolean") throw new BadRequest("isTrial must be a boolean");
    account.isTrial = input.isTrial;
  }
  return account;
}

/** How a scan links the line: optional payload to check, phone number (digits) and display name. */
export function parseScan(value: unknown): LinkOptions & { payload?: string } {
  const input = body(value);
  const options: LinkOptions & { payload?: string } = {};
  const payload = optionalString(input.payload, "payload");
  if (payload !== undefined) options.payload = payload;
  const phoneNumber = optionalString(input.phoneNumber, "phoneNumber");
  if (phoneNumber !== undefined) {
    if (phoneNumberProblem(phoneNumber) !== undefined) {
      throw new BadRequest(
        "phoneNumber must be digits in international format without symbols, e.g. 50664083362",
      );
    }
    options.phoneNumber = phoneNumber.trim();
  }
  const displayName = optionalString(input.displayName, "displayName");
  if (displayName !== undefined) options.displayName = displayName;
  return options;
}

export function parseTiming(value: unknown): Partial<ClientTiming> {
  const input = body(value);
  const timing: Partial<ClientTiming> = {};
  for (const key of ["bootDelayMs", "qrRotationMs", "readyDelayMs"] as const) {
    const figure = input[key];
    if (figure === undefined) continue;
    if (typeof figure !== "number") throw new BadRequest(`${key} must be a number of milliseconds`);
    timing[key] = figure;
  }
  return timing;
}

/**
 * The client steps a test can take, shared by the HTTP hooks and the in-process handle; each
 * returns what the test may then know of the client.
 */
export function clientHooks(store: SandboxStore): {
  scan(id: number, options?: LinkOptions & { payload?: string }): ClientView;
  enterPairingCode(id: number, code: string, options?: { displayName?: string }): ClientView;
  disconnect(id: number): ClientView;
  failAuth(id: number): ClientView;
  rotateQr(id: number): ClientView;
} {
  const step = (id: number, run: Parameters<SandboxStore["withClient"]>[1]): ClientView => {
    store.withClient(id, run);
    return store.clientView(id);
  };
  return {
    scan: (id, options = {}) => step(id, (slot, now, timing) => scan(slot, id, options, now, timing)),
    enterPairingCode: (id, code, options = {}) =>
      step(id, (slot, now, timing) => enterPairingCode(slot, id, code, options, now, timing)),
    disconnect: (id) => step(id, (slot, now, timing) => disconnect(slot, id, now, timing)),
    failAuth: (id) => step(id, (slot, now, timing) => failAuth(slot, now, timing)),
    rotateQr: (id) => step(id, (slot, now, timing) => rotateQr(slot, id, now, timing)),
  };
}

/** A group as a test may know it: everything the sandbox keeps, and the invite link. */
export type GroupView = GroupRecord & { inviteLink: string };

/** How a group is made by hand (on the phone): by the line, unless `lineIsAdmin` is false. */
export interface HandMadeGroup {
  subject: string;
  /** Contact ids besides the line; at least one. */
  participants: string[];
  description?: string;
  messageAdminOnly?: boolean;
  /** false: the first participant created the group and the line is a plain member of it. Default true. */
  lineIsAdmin?: boolean;
}

export interface GroupChange {
  subject?: string;
  description?: string;
  messageAdminOnly?: boolean;
}

function viewOf(group: GroupRecord): GroupView {
  return { ...group, participants: group.participants.map((p) => ({ ...p })), inviteLink: inviteLink(group) };
}

/**
 * The group steps a test can take by hand (what someone does on a phone, behind the provider's
 * back), shared by the HTTP hooks and the in-process handle. They skip the API's admin check and need
 * no ready line; each returns what the test may then know of the group.
 */
export function groupHooks(store: SandboxStore): {
  groups(id: number): GroupView[];
  createGroup(id: number, group: HandMadeGroup): GroupView;
  changeGroup(id: number, groupId: string, change: GroupChange): GroupView;
  addMember(id: number, groupId: string, participant: string, options?: { isAdmin?: boolean }): GroupView;
  removeMember(id: number, groupId: string, participant: string): GroupView;
  setAdmin(id: number, groupId: string, participant: string, isAdmin: boolean): GroupView;
  leaveGroup(id: number, groupId: string): void;
} {
  const onGroup = (
    id: number,
    groupId: string,
    step: (group: GroupRecord, line: string, now: number) => void,
  ) =>
    store.withGroups(id, (groups, line, now) => {
      const group = findGroup(groups, groupId);
      step(group, line, now);
      return viewOf(group);
    });
  return {
    groups: (id) => store.groups(id).map(viewOf),
    createGroup: (id, input) =>
      store.withGroups(id, (groups, line, now) => {
        if (input.participants.length === 0) throw new BadRequest("a group needs at least one participant");
        const { group } = createGroup(groups, line, input, now);
        const [creator] = group.participants.filter((participant) => participant.id !== line);
        if (input.lineIsAdmin === false && creator !== undefined) {
          group.owner = creator.id;
          for (const participant of group.participants) {
            participant.isSuperAdmin = participant === creator;
            participant.isAdmin = participant === creator;
          }
        }
        return viewOf(group);
      }),
    changeGroup: (id, groupId, change) =>
      onGroup(id, groupId, (group, _line, now) => {
        if (change.subject !== undefined) group.subject = change.subject;
        if (change.description !== undefined) group.description = change.description;
        if (change.messageAdminOnly !== undefined) group.messageAdminOnly = change.messageAdminOnly;
        group.changedAt = now;
      }),
    addMember: (id, groupId, participant, options = {}) =>
      onGroup(id, groupId, (group, line, now) => {
        changeMember(group, line, "add", participant, now, { byHand: true });
        if (options.isAdmin === true)
          changeMember(group, line, "promote", participant, now, { byHand: true });
      }),
    removeMember: (id, groupId, participant) =>
      onGroup(id, groupId, (group, line, now) =>
        changeMember(group, line, "remove", participant, now, { byHand: true }),
      ),
    setAdmin: (id, groupId, participant, isAdmin) =>
      onGroup(id, groupId, (group, line, now) =>
        changeMember(group, line, isAdmin ? "promote" : "demote", participant, now, { byHand: true }),
      ),
    leaveGroup: (id, groupId) =>
      store.withGroups(id, (groups) => {
        const group = findGroup(groups, groupId);
        groups.splice(groups.indexOf(group), 1);
      }),
  };
}

function contactId(value: unknown, what: string): string {
  if (typeof value !== "string" || contactIdProblem(value) !== undefined) {
    throw new BadRequest(`${what} must be a contact id "<digits>@c.us", e.g. 50664083362@c.us`);
  }
  return value.trim();
}

function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new BadRequest(`${what} must be true or false`);
  return value;
}

function subject(value: unknown): string | undefined {
  const text = optionalString(value, "subject");
  if (text !== undefined && groupSubjectProblem(text) !== undefined) {
    throw new BadRequest("subject must be 1 to 100 characters without control characters");
  }
  return text?.trim();
}

export function parseGroupChange(value: unknown): GroupChange {
  const input = body(value);
  const change: GroupChange = {};
  const newSubject = subject(input.subject);
  if (newSubject !== undefined) change.subject = newSubject;
  const description = optionalString(input.description, "description");
  if (description !== undefined) change.description = description;
  const messageAdminOnly = optionalBoolean(input.messageAdminOnly, "messageAdminOnly");
  if (messageAdminOnly !== undefined) change.messageAdminOnly = messageAdminOnly;
  return change;
}

export function parseHandMadeGroup(value: unknown): HandMadeGroup {
  const input = body(value);
  const { subject: newSubject, ...change } = parseGroupChange(input);
  if (newSubject === undefined) throw new BadRequest("a group needs a subject");
  if (!Array.isArray(input.participants))
    throw new BadRequest("participants must be an array of contact ids");
  const group: HandMadeGroup = {
    subject: newSubject,
    participants: input.participants.map((participant: unknown) => contactId(participant, "a participant")),
    ...change,
  };
  const lineIsAdmin = optionalBoolean(input.lineIsAdmin, "lineIsAdmin");
  if (lineIsAdmin !== undefined) group.lineIsAdmin = lineIsAdmin;
  return group;
}

/** Maps hook failures to 400/404/409 with a JSON message instead of Fastify's 500. */
function guarded(reply: FastifyReply, work: () => { status: number; body?: unknown }): FastifyReply {
  try {
    return send(reply, work());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const status =
      error instanceof NotFoundError || error instanceof UnknownGroupError
        ? 404
        : error instanceof ClientStateError || error instanceof GroupStateError
          ? 409
          : 400;
    return send(reply, errorResult(status, message));
  }
}

export function hookRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (hooks) => {
    const { store, faults, log } = ctx;

    hooks.get<{ Params: { account: string } }>("/accounts/:account", (request, reply) =>
      guarded(reply, () => {
        const account = store.account(request.params.account);
        return json(200, { account, instanceCount: store.instanceCount(account.id) });
      }),
    );
    hooks.post("/accounts", (request, reply) =>
      guarded(reply, () => {
        const account = parseAccount(request.body);
        store.createAccount(account);
        return json(201, { account: store.account(account.id) });
      }),
    );
    hooks.get<{ Params: { account: string } }>("/accounts/:account/instances", (request, reply) =>
      guarded(reply, () => json(200, { instances: store.listInstances(request.params.account) })),
    );

    hooks.patch<{ Params: { id: string } }>("/instances/:id", (request, reply) =>
      guarded(reply, () => {
        const instance = store.changeInstance(instanceId(request.params.id), parseDrift(request.body));
        return json(200, { instance });
      }),
    );
    hooks.delete<{ Params: { id: string } }>("/instances/:id", (request, reply) =>
      guarded(reply, () => {
        store.deleteInstance(instanceId(request.params.id), { shrinkLimit: false });
        return { status: 204 };
      }),
    );

    const client = clientHooks(store);
    type ById = { Params: { id: string } };
    hooks.get<ById>("/instances/:id/client", (request, reply) =>
      guarded(reply, () => json(200, store.clientView(instanceId(request.params.id)))),
    );
    hooks.post<ById>("/instances/:id/client/scan", (request, reply) =>
      guarded(reply, () => json(200, client.scan(instanceId(request.params.id), parseScan(request.body)))),
    );
    hooks.post<ById>("/instances/:id/client/pairing-code", (request, reply) =>
      guarded(reply, () => {
        const input = body(request.body);
        const code = optionalString(input.code, "code");
        if (code === undefined)
          throw new BadRequest('the body needs the pairing code: {"code": "ABCD-EFGH"}');
        const displayName = optionalString(input.displayName, "displayName");
        return json(
          200,
          client.enterPairingCode(
            instanceId(request.params.id),
            code,
            displayName === undefined ? {} : { displayName },
          ),
        );
      }),
    );
    hooks.post<ById>("/instances/:id/client/disconnect", (request, reply) =>
      guarded(reply, () => json(200, client.disconnect(instanceId(request.params.id)))),
    );
    hooks.post<ById>("/instances/:id/client/auth-failure", (request, reply) =>
      guarded(reply, () => json(200, client.failAuth(instanceId(request.params.id)))),
    );
    hooks.post<ById>("/instances/:id/client/rotate-qr", (request, reply) =>
      guarded(reply, () => json(200, client.rotateQr(instanceId(request.params.id)))),
    );
    const group = groupHooks(store);
    type ByGroup = { Params: { id: string; groupId: string } };
    type ByMember = { Params: { id: string; groupId: string; participant: string } };
    hooks.get<ById>("/instances/:id/groups", (request, reply) =>
      guarded(reply, () => json(200, { groups: group.groups(instanceId(request.params.id)) })),
    );
    hooks.post<ById>("/instances/:id/groups", (request, reply) =>
      guarded(reply, () =>
        json(201, {
          group: group.createGroup(instanceId(request.params.id), parseHandMadeGroup(request.body)),
        }),
      ),
    );
    hooks.patch<ByGroup>("/instances/:id/groups/:groupId", (request, reply) =>
      guarded(reply, () => {
        const { id, groupId } = request.params;
        return json(200, {
          group: group.changeGroup(instanceId(id), groupId, parseGroupChange(request.body)),
        });
      }),
    );
    hooks.delete<ByGroup>("/instances/:id/groups/:groupId", (request, reply) =>
      guarded(reply, () => {
        group.leaveGroup(instanceId(request.params.id), request.params.groupId);
        return { status: 204 };
      }),
    );
    hooks.post<ByGroup>("/instances/:id/groups/:groupId/participants", (request, reply) =>
      guarded(reply, () => {
        const input = body(request.body);
        const isAdmin = optionalBoolean(input.isAdmin, "isAdmin");
        const { id, groupId } = request.params;
        const participant = contactId(input.id, "id");
        return json(200, {
          group: group.addMember(
            instanceId(id),
            groupId,
            participant,
            isAdmin === undefined ? {} : { isAdmin },
          ),
        });
      }),
    );
    hooks.patch<ByMember>("/instances/:id/groups/:groupId/participants/:participant", (request, reply) =>
      guarded(reply, () => {
        const isAdmin = optionalBoolean(body(request.body).isAdmin, "isAdmin");
        if (isAdmin === undefined) throw new BadRequest('the body needs {"isAdmin": true|false}');
        const { id, groupId, participant } = request.params;
        return json(200, { group: group.setAdmin(instanceId(id), groupId, participant, isAdmin) });
      }),
    );
    hooks.delete<ByMember>("/instances/:id/groups/:groupId/participants/:participant", (request, reply) =>
      guarded(reply, () => {
        const { id, groupId, participant } = request.params;
        return json(200, { group: group.removeMember(instanceId(id), groupId, participant) });
      }),
    );

    hooks.get("/client-timing", (_request, reply) => guarded(reply, () => json(200, store.timing())));
    hooks.patch("/client-timing", (request, reply) =>
      guarded(reply, () => json(200, store.setTiming(parseTiming(request.body)))),
    );

    hooks.post("/tokens", (request, reply) =>
      guarded(reply, () => {
        const input = body(request.body);
        const account = optionalString(input.account, "account") ?? DEFAULT_ACCOUNT;
        const name = optionalString(input.name, "name");
        const token = store.createToken(parsePermissions(input.permissions), {
          account,
          ...(name ? { name } : {}),
        });
        // The one place a token value leaves the sandbox: the caller asked for it.
        return json(201, { token });
      }),
    );

    hooks.get("/requests", (_request, reply) => guarded(reply, () => json(200, { requests: log.all() })));
    hooks.delete("/requests", (_request, reply) =>
      guarded(reply, () => {
        log.clear();
        return { status: 204 };
      }),
    );

    hooks.get("/faults", (_request, reply) => guarded(reply, () => json(200, { faults: faults.pending() })));
    hooks.post("/faults", (request, reply) =>
      guarded(reply, () => {
        faults.add(parseFault(request.body));
        return json(201, { faults: faults.pending() });
      }),
    );
    hooks.delete("/faults", (_request, reply) =>
      guarded(reply, () => {
        faults.clear();
        return { status: 204 };
      }),
    );

    hooks.post("/reset", (_request, reply) =>
      guarded(reply, () => {
        ctx.reset();
        return { status: 204 };
      }),
    );
  };
}
