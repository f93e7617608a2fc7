/**
 * The sandbox's real answers against the published WAAPI OpenAPI contract (response schemas of list,
 * create, retrieve, update and client status), with the documented errata and tightenings of
 * ./openapi-errata.ts. The errata are checked against the contract as published, so a fixed
 * contract shows up here; and the validation is shown to reject wrong bodies, so it is not vacuous.
 */
import { isDeepStrictEqual } from "node:util";
import { useSandbox, withSandbox } from "../support/sandbox";
import {
  compileResponse,
  compileResponses,
  contractPath,
  correctedContract,
  createAjv,
  describeErrors,
  loadContract,
  resolvePointer,
  type Validators,
} from "./contract";
import { ERRATA, NOTES, RESPONSES, TIGHTENINGS, type ResponseName } from "./openapi-errata";

const published = loadContract();
const validators: Validators = compileResponses(correctedContract(published), createAjv(true));

/** A pointer short enough for a test title: `/paths/~1instances/get 200 /properties/status`. */
function short(pointer: string): string {
  return pointer
    .replace("/responses/200/content/application~1json/schema", " 200 ")
    .replace("/requestBody/content/application~1json/schema", " body ");
}

function expectValid(name: ResponseName, body: unknown): void {
  const validate = validators[name];
  const ok = validate(body);
  if (!ok)
    throw new Error(
      `${name} answer does not match the contract: ${describeErrors(validate)}\n${JSON.stringify(body)}`,
    );
}

describe(`the contract as published (${contractPath()})`, () => {
  test.each(ERRATA.map((e) => [short(e.pointer), e] as const))(
    "erratum still applies at %s",
    (_pointer, erratum) => {
      // Fails when waapi.app changes this schema: re-check the defect and drop or adjust the erratum.
      expect(resolvePointer(published, erratum.pointer)).toEqual(erratum.published);
    },
  );

  test.each(NOTES.map((n) => [short(n.pointer), n] as const))(
    "noted oddity still present at %s",
    (_pointer, note) => {
      expect(resolvePointer(published, note.pointer)).toEqual(note.published);
    },
  );

  test.each(TIGHTENINGS.map((t) => [short(t.pointer), Object.keys(t.add).join(", "), t] as const))(
    "tightening at %s only adds (%s)",
    (_pointer, _keys, tightening) => {
      const target = resolvePointer(published, tightening.pointer);
      expect(target).toEqual(expect.any(Object));
      for (const key of Object.keys(tightening.add)) expect(target).not.toHaveProperty([key]);
    },
  );

  test("the corrected schemas compile in Ajv's strict mode; the published ones do not", () => {
    expect(() => compileResponses(correctedContract(published), createAjv(true))).not.toThrow();
    expect(() => compileResponses(published, createAjv(true))).toThrow(/strict mode/);
  });
});

describe("the sandbox's answers", () => {
  const sb = useSandbox({ owner: "contract@example.com" });
  const headers = (token: string) => ({
    Accept: "application/json",
    "Content-Type": "application/json",
    Authorization: `Bearer ${token}`,
  });

  async function answer(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${sb.baseUrl}${path}`, {
      method,
      headers: headers(sb.token),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    return res.json();
  }

  async function createdId(): Promise<number> {
    const body = await answer("POST", "/instances");
    expectValid("create", body);
    return (body as { instance: { id: number } }).instance.id;
  }

  test("list: empty, and with a fresh and a configured instance", async () => {
    expectValid("list", await answer("GET", "/instances"));
    await createdId();
    const configured = await createdId();
    await answer("PUT", `/instances/${configured}`, {
      name: "configured",
      webhook: { url: "https://hooks.example.com/waapi", events: ["message", "ready", "vote_update"] },
    });
    const listed = await answer("GET", "/instances");
    expect((listed as { instances: unknown[] }).instances).toHaveLength(2);
    expectValid("list", listed);
    expectValid("list", await answer("GET", "/instances?filter=configured"));
  });

  test("create", async () => {
    await createdId();
  });

  test("retrieve (documented {instances:[…]} shape), fresh and configured", async () => {
    const id = await createdId();
    expectValid("retrieve", await answer("GET", `/instances/${id}`));
    await answer("PUT", `/instances/${id}`, { webhook: { url: "https://h.example/x", events: ["qr"] } });
    expectValid("retrieve", await answer("GET", `/instances/${id}`));
  });

  test("retrieve in the {instance:…} shape matches create's schema (the contract has no other)", async () => {
    await withSandbox({ retrieveShape: "instance" }, async (other) => {
      const auth = headers(other.createToken());
      const created = await (
        await fetch(`${other.baseUrl}/instances`, { method: "POST", headers: auth })
      ).json();
      const id = (created as { instance: { id: number } }).instance.id;
      expectValid(
        "create",
        await (await fetch(`${other.baseUrl}/instances/${id}`, { headers: auth })).json(),
      );
    });
  });

  test("update: setting everything, then resetting the webhook (null url, no events)", async () => {
    const id = await createdId();
    expectValid(
      "update",
      await answer("PUT", `/instances/${id}`, {
        name: "support",
        webhook: { url: "https://hooks.example.com/waapi", events: ["message", "message_ack"] },
      }),
    );
    expectValid("update", await answer("PUT", `/instances/${id}`, { webhook: { url: null, events: [] } }));
    expectValid("update", await answer("PUT", `/instances/${id}`, {}));
  });

  test("client status, in each client state", async () => {
    const id = await createdId();
    expectValid("clientStatus", await answer("GET", `/instances/${id}/client/status`));
    await answer("PUT", `/instances/${id}`, { webhook: { url: "https://h.example/y", events: ["call"] } });
    for (const state of ["booting", "ready", "disconnected"] as const) {
      sb.changeInstance(id, { instanceStatus: state });
      expectValid("clientStatus", await answer("GET", `/instances/${id}/client/status`));
    }
  });
});

describe("the sandbox's linked-client answers", () => {
  const sb = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });

  async function answer(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${sb.baseUrl}${path}`, {
      method,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        Authorization: `Bearer ${sb.token}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    return res.json();
  }

  async function created(): Promise<number> {
    return ((await answer("POST", "/instances")) as { instance: { id: number } }).instance.id;
  }

  const pairing = (id: number): Promise<unknown> =>
    answer("POST", `/instances/${id}/client/action/request-pairing-code`, { phoneNumber: "50664083362" });

  test("while waiting to be linked: status, QR code, pairing code; me is an error", async () => {
    const id = await created();
    expectValid("clientStatus", await answer("GET", `/instances/${id}/client/status`));
    const qr = await answer("GET", `/instances/${id}/client/qr`);
    expect(qr).toMatchObject({ status: "success" });
    expectValid("qrCode", qr);
    const me = await answer("GET", `/instances/${id}/client/me`);
    expect(me).toMatchObject({ status: "error" });
    expectValid("clientMe", me);
    const code = await pairing(id);
    expect(code).toMatchObject({ status: "success" });
    expectValid("pairingCode", code);
  });

  test("linked: me; the QR code and a pairing code are errors", async () => {
    const id = await created();
    sb.scanQr(id, { phoneNumber: "50664083362", displayName: "Support" });
    const me = await answer("GET", `/instances/${id}/client/me`);
    expect(me).toMatchObject({ status: "success" });
    expectValid("clientMe", me);
    const qr = await answer("GET", `/instances/${id}/client/qr`);
    expect(qr).toMatchObject({ status: "error" });
    expectValid("qrCode", qr);
    const code = await pairing(id);
    expect(code).toMatchObject({ status: "error" });
    expectValid("pairingCode", code);
  });

  test("reboot and logout, from each state", async () => {
    const id = await created();
    for (const step of [() => undefined, () => sb.scanQr(id), () => sb.failClientAuth(id)]) {
      step();
      expectValid("reboot", await answer("POST", `/instances/${id}/client/action/reboot`));
      expectValid("logout", await answer("POST", `/instances/${id}/client/action/logout`));
    }
  });
});

describe("the validation can fail", () => {
  const instance = {
    id: 1001,
    name: "Instance 1001",
    owner: "owner@example.com",
    webhook_url: null,
    webhook_events: [],
    is_trial: false,
  };
  const state = {
    status: "success",
    instanceId: "1001",
    name: "Instance 1001",
    instanceStatus: "qr",
    instanceWebhook: null,
    instanceEvents: [],
  };
  const links = { self: "http://127.0.0.1:1/api/v1/instances/1001" };

  test("the well-formed bodies these cases start from are valid", () => {
    expectValid("list", { instances: [instance], status: "success" });
    expectValid("create", { instance, status: "success" });
    expectValid("update", { data: state, links, status: "success" });
    expectValid("clientStatus", { clientStatus: state, links, status: "success" });
  });

  const wrong: [string, ResponseName, unknown][] = [
    ["an id as a string", "create", { instance: { ...instance, id: "1001" }, status: "success" }],
    ["no owner", "create", { instance: { ...instance, owner: undefined }, status: "success" }],
    [
      "an owner that is not an e-mail",
      "create",
      { instance: { ...instance, owner: "root" }, status: "success" },
    ],
    [
      "an unknown event",
      "list",
      { instances: [{ ...instance, webhook_events: ["nope"] }], status: "success" },
    ],
    ["events as a string", "list", { instances: [{ ...instance, webhook_events: "qr" }], status: "success" }],
    [
      "a relative webhook URL",
      "list",
      { instances: [{ ...instance, webhook_url: "/hook" }], status: "success" },
    ],
    ["an invented field", "list", { instances: [{ ...instance, region: "eu" }], status: "success" }],
    ["status 'ok'", "list", { instances: [], status: "ok" }],
    ["no status", "create", { instance }],
    ["the instance list under 'data'", "list", { data: [instance], status: "success" }],
    ["retrieve with two instances", "retrieve", { instances: [instance, instance], status: "success" }],
    ["instanceId as a number", "update", { data: { ...state, instanceId: 1001 }, links, status: "success" }],
    [
      "instanceEvents as arrays",
      "update",
      { data: { ...state, instanceEvents: [["qr"]] }, links, status: "success" },
    ],
    [
      "an unknown instanceStatus",
      "clientStatus",
      { clientStatus: { ...state, instanceStatus: "on" }, links, status: "success" },
    ],
    ["no links", "update", { data: state, status: "success" }],
    ["a relative self link", "update", { data: state, links: { self: "/instances/1" }, status: "success" }],
  ];

  const self = { self: "http://127.0.0.1:1/api/v1/instances/1001/client/x" };
  const qr = {
    status: "success",
    instanceId: "1001",
    data: { qr_code: "data:image/png;base64,iVBORw0KGgo=" },
  };
  const me = {
    status: "success",
    instanceId: "1001",
    data: { displayName: "Support", contactId: "50664083362@c.us", formattedNumber: "+50 664 083 362" },
  };
  const pairing = { status: "success", instanceId: 1001, data: { pairingCode: "ABCD-EFGH" } };

  test("the well-formed linked-client bodies these cases start from are valid", () => {
    expectValid("qrCode", { qrCode: qr, links: self, status: "success" });
    expectValid("clientMe", { qrCode: me, links: self, status: "success" });
    expectValid("pairingCode", { data: pairing, links: self, status: "success" });
    expectValid("reboot", { data: { status: "success", instanceId: 1001 }, links: self, status: "success" });
    expectValid("logout", {
      data: { status: "success", instanceId: 1001, data: [] },
      links: self,
      status: "success",
    });
    expectValid("qrCode", { status: "error", message: "No QR code.", links: self });
  });

  wrong.push(
    [
      "a QR code that is not a PNG data URL",
      "qrCode",
      { qrCode: { ...qr, data: { qr_code: "https://x/qr.png" } }, links: self, status: "success" },
    ],
    ["a QR answer without its object", "qrCode", { links: self, status: "success" }],
    ["an error without a message", "qrCode", { status: "error", links: self }],
    ["an error with an invented field", "qrCode", { status: "error", message: "x", links: self, code: 7 }],
    ["me under an invented key", "clientMe", { whoami: me, links: self, status: "success" }],
    [
      "me without the number",
      "clientMe",
      { qrCode: { ...me, data: { ...me.data, formattedNumber: undefined } }, links: self, status: "success" },
    ],
    [
      "a contact id that is not <digits>@c.us",
      "clientMe",
      { qrCode: { ...me, data: { ...me.data, contactId: "support" } }, links: self, status: "success" },
    ],
    [
      "an empty pairing code",
      "pairingCode",
      { data: { ...pairing, data: { pairingCode: "" } }, links: self, status: "success" },
    ],
    [
      "a pairing instanceId as a string",
      "pairingCode",
      { data: { ...pairing, instanceId: "1001" }, links: self, status: "success" },
    ],
    [
      "logout data that is not empty",
      "logout",
      { data: { status: "success", instanceId: 1001, data: [1] }, links: self, status: "success" },
    ],
    [
      "reboot with an invented field",
      "reboot",
      { data: { status: "success", instanceId: 1001, rebooted: true }, links: self, status: "success" },
    ],
  );

  test.each(wrong)("rejects %s", (_title, name, body) => {
    const json = JSON.parse(JSON.stringify(body)) as unknown; // drops `undefined` keys, as the wire would
    expect(validators[name](json)).toBe(false);
  });

  test("the published contract, uncorrected, rejects honest answers (why the errata exist)", () => {
    const ajv = createAjv(false);
    const raw = {
      list: compileResponse(published, ajv, "list"),
      create: compileResponse(published, ajv, "create"),
      update: compileResponse(published, ajv, "update"),
    };
    expect(() => compileResponse(published, createAjv(false), "logout")).toThrow(/schema is invalid/);
    const configured = { ...instance, webhook_url: "https://h.example/x", webhook_events: ["qr"] };
    expect(raw.list({ instances: [configured], status: "success" })).toBe(false);
    expect(describeErrors(raw.list)).toMatch(/webhook_events must be equal to one of the allowed values/);
    expect(raw.create({ instance, status: "success" })).toBe(false);
    expect(describeErrors(raw.create)).toMatch(/webhook_url must be string/);
    expect(raw.update({ data: { ...state, instanceEvents: ["qr"] }, links, status: "success" })).toBe(false);
    expect(describeErrors(raw.update)).toMatch(/instanceEvents\/0 must be array/);
  });

  test("every response schema the errata touch is one of those validated", () => {
    const roots = Object.values(RESPONSES);
    for (const { pointer } of [...ERRATA, ...TIGHTENINGS]) {
      expect(roots.some((root) => pointer.startsWith(root))).toBe(true);
    }
    expect(isDeepStrictEqual(Object.keys(validators).sort(), Object.keys(RESPONSES).sort())).toBe(true);
  });
});

describe("the sandbox's group answers", () => {
  const sb = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });
  const ALICE = "4915112345678@c.us";
  const BOB = "4915187654321@c.us";

  async function answer(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${sb.baseUrl}${path}`, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        Authorization: `Bearer ${sb.token}`,
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  test("every group route, on a ready line, and refused on one that is not", async () => {
    const created = (await (
      await fetch(`${sb.baseUrl}/instances`, {
        method: "POST",
        headers: { Accept: "application/json", Authorization: `Bearer ${sb.token}` },
      })
    ).json()) as { instance: { id: number } };
    const id = created.instance.id;
    sb.scanQr(id);
    const action = (name: string): string => `/instances/${id}/client/action/${name}`;
    const group = await answer(action("create-group"), {
      groupName: "On call",
      groupParticipants: [ALICE, "0123@c.us"],
    });
    expect(group).toMatchObject({ status: "success", data: { missingParticipants: ["0123@c.us"] } });
    expectValid("createGroup", group);
    const chatId = (group as { data: { gid: { _serialized: string } } }).data.gid._serialized;
    const cases: [ResponseName, string, unknown][] = [
      ["groupInfo", "get-group-info", { chatId }],
      ["groupParticipants", "get-group-participants", { chatId }],
      ["updateGroupInfo", "update-group-info", { chatId, subject: "Incidents", description: "d" }],
      ["updateGroupSettings", "update-group-settings", { chatId, messageAdminOnly: true }],
      ["addParticipant", "add-group-participant", { chatId, participant: BOB }],
      ["promoteParticipant", "promote-group-participant", { chatId, participant: BOB }],
      ["demoteParticipant", "demote-group-participant", { chatId, participant: BOB }],
      ["removeParticipant", "remove-group-participant", { chatId, participant: BOB }],
      ["chats", "get-chats", { offset: 0, limit: 10 }],
    ];
    for (const [name, route, body] of cases) {
      const ok = await answer(action(route), body);
      expect([name, ok]).toEqual([name, expect.objectContaining({ status: "success" })]);
      expectValid(name, ok);
    }
    const refusedStep = await answer(action("remove-group-participant"), { chatId, participant: BOB });
    expect(refusedStep).toMatchObject({ status: "error" });
    expectValid("removeParticipant", refusedStep);
    sb.changeInstance(id, { instanceStatus: "disconnected" });
    for (const [name, route, body] of cases) {
      const refused = await answer(action(route), body);
      expect([name, refused]).toEqual([name, expect.objectContaining({ status: "error" })]);
      expectValid(name, refused);
    }
  });
});

describe("the group schemas can fail", () => {
  const self = { self: "http://127.0.0.1:1/api/v1/instances/1001/client/action/x" };
  const wid = { server: "g.us", user: "120363041234567890", _serialized: "120363041234567890@g.us" };
  const member = {
    id: { server: "c.us", user: "1", _serialized: "1@c.us" },
    isAdmin: true,
    isSuperAdmin: false,
  };
  test.each([
    [
      "a missing participant that is not a contact id",
      "createGroup",
      { status: "success", data: { gid: wid, missingParticipants: ["bob"] }, links: self },
    ],
    [
      "a group id as a number",
      "createGroup",
      { status: "success", data: { gid: { ...wid, _serialized: 1 } }, links: self },
    ],
    [
      "isAdmin as a string",
      "groupInfo",
      { status: "success", data: { participants: [{ ...member, isAdmin: "yes" }] }, links: self },
    ],
    [
      "participants as an object",
      "groupParticipants",
      { status: "success", data: { participants: member }, links: self },
    ],
    ["member data with a key", "addParticipant", { status: "success", data: { added: true }, links: self }],
    [
      "messageAdminOnly as a string",
      "updateGroupSettings",
      { status: "success", data: { messageAdminOnly: "true" }, links: self },
    ],
    ["chats as an object", "chats", { instanceId: "1001", data: {}, status: "success" }],
    ["status 'ok'", "updateGroupInfo", { status: "ok", data: { gid: wid }, links: self }],
  ] as const)("rejects %s", (_title, name, body) => {
    expect(validators[name](body)).toBe(false);
  });
});
