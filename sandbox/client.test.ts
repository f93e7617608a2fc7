/**
 * The linked client of a sandbox instance over real HTTP: the status lifecycle (booting → qr →
 * authenticated → ready, disconnected, auth_failure), a QR code PNG that decodes to the payload the
 * sandbox reports and changes with each rotation, pairing codes with the contract's validation and
 * rate limit, /client/me, reboot and logout — and the hooks that drive them, over HTTP and in-process.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeQrDataUrl } from "../tests/support/qr";
import { useSandbox, withSandbox } from "../tests/support/sandbox";
import type { Sandbox } from "./index";

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function call(
  sb: Sandbox,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${sb.baseUrl}${route}`, {
    method,
    headers: {
      Accept: "application/json",
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

async function hook(sb: Sandbox, method: string, route: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sb.url}/__sandbox${route}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

// Instant transitions unless a test asks otherwise: each test sets the timing it is about.
const sb = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });

async function create(): Promise<number> {
  const res = await call(sb, sb.token, "POST", "/instances");
  expect(res.status).toBe(200);
  return (res.json.instance as { id: number }).id;
}

async function status(id: number): Promise<unknown> {
  const res = await call(sb, sb.token, "GET", `/instances/${id}/client/status`);
  expect(res.status).toBe(200);
  return (res.json.clientStatus as { instanceStatus: unknown }).instanceStatus;
}

async function qrText(id: number): Promise<string> {
  const res = await call(sb, sb.token, "GET", `/instances/${id}/client/qr`);
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({
    status: "success",
    qrCode: { status: "success", instanceId: String(id) },
  });
  const image = (res.json.qrCode as { data: { qr_code: string } }).data.qr_code;
  expect(image).toMatch(/^data:image\/png;base64,/);
  return decodeQrDataUrl(image);
}

describe("the status lifecycle", () => {
  test("a new instance boots, then shows a QR code after the boot delay", async () => {
    sb.setClientTiming({ bootDelayMs: 300 });
    const id = await create();
    expect(await status(id)).toBe("booting");
    const early = await call(sb, sb.token, "GET", `/instances/${id}/client/qr`);
    expect(early.json).toMatchObject({ status: "error", message: expect.stringContaining("booting") });
    await sleep(350);
    expect(await status(id)).toBe("qr");
    expect(sb.clientState(id)).toMatchObject({ instanceStatus: "qr", qrRotation: 1 });
  });

  test("the QR code is a real one: it decodes to exactly the payload the sandbox reports", async () => {
    const id = await create();
    const payload = sb.clientState(id).qrPayload;
    expect(payload).toMatch(/^2@/);
    expect(await qrText(id)).toBe(payload);
    // Polling does not rotate it: the same code until the period is over.
    expect(await qrText(id)).toBe(payload);
  });

  test("the payload changes every rotation period, and at once on the rotate hook", async () => {
    sb.setClientTiming({ qrRotationMs: 250 });
    const id = await create();
    const first = sb.clientState(id);
    await sleep(300);
    const second = sb.clientState(id);
    expect(second.qrRotation).toBe(first.qrRotation + 1);
    expect(second.qrPayload).not.toBe(first.qrPayload);
    expect(await qrText(id)).toBe(second.qrPayload);

    sb.setClientTiming({ qrRotationMs: 600_000 });
    const rotated = sb.rotateQr(id);
    expect(rotated.qrPayload).not.toBe(second.qrPayload);
    expect(await qrText(id)).toBe(rotated.qrPayload);
  });

  test("a scan of the current code links the line: authenticated, then ready after the ready delay", async () => {
    sb.setClientTiming({ readyDelayMs: 300 });
    const id = await create();
    const { qrPayload } = sb.clientState(id);
    const scanned = sb.scanQr(id, {
      payload: qrPayload ?? "",
      phoneNumber: "50664083362",
      displayName: "Support",
    });
    expect(scanned.instanceStatus).toBe("authenticated");
    expect(await status(id)).toBe("authenticated");
    await sleep(350);
    expect(await status(id)).toBe("ready");
    const me = await call(sb, sb.token, "GET", `/instances/${id}/client/me`);
    // The contract names this answer's key `qrCode`; the sandbox answers as published.
    expect(me.json).toEqual({
      qrCode: {
        status: "success",
        instanceId: String(id),
        data: {
          displayName: "Support",
          contactId: "50664083362@c.us",
          formattedNumber: "+50 664 083 362",
          profilePicUrl: expect.stringMatching(/^https:\/\//),
        },
      },
      links: { self: `${sb.baseUrl}/instances/${id}/client/me` },
      status: "success",
    });
    const qr = await call(sb, sb.token, "GET", `/instances/${id}/client/qr`);
    expect(qr.json).toMatchObject({ status: "error", message: expect.stringContaining("ready") });
  });

  test("a scan of an old code, or of a line that shows none, is refused", async () => {
    const id = await create();
    const old = sb.clientState(id).qrPayload ?? "";
    sb.rotateQr(id);
    expect(() => sb.scanQr(id, { payload: old })).toThrow(/not the current QR code/);
    expect(sb.clientState(id).instanceStatus).toBe("qr");
    sb.scanQr(id);
    expect(() => sb.scanQr(id)).toThrow(/shows no QR code: its status is ready/);
  });

  test("/client/me of a line nobody linked reports an error", async () => {
    const id = await create();
    const me = await call(sb, sb.token, "GET", `/instances/${id}/client/me`);
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      status: "error",
      message: "No WhatsApp account is linked: the client's status is qr.",
      links: { self: `${sb.baseUrl}/instances/${id}/client/me` },
    });
  });

  test("disconnect and auth failure stay until a reboot or logout, which need a new link", async () => {
    const id = await create();
    sb.scanQr(id);
    expect(sb.disconnectClient(id).instanceStatus).toBe("disconnected");
    expect(await status(id)).toBe("disconnected");
    expect((await call(sb, sb.token, "GET", `/instances/${id}/client/me`)).json.status).toBe("error");

    sb.setClientTiming({ bootDelayMs: 300 });
    const reboot = await call(sb, sb.token, "POST", `/instances/${id}/client/action/reboot`);
    expect(reboot.json).toEqual({
      data: { status: "success", instanceId: id },
      links: { self: `${sb.baseUrl}/instances/${id}/client/action/reboot` },
      status: "success",
    });
    expect(await status(id)).toBe("booting");
    await sleep(350);
    expect(await status(id)).toBe("qr");

    expect(sb.failClientAuth(id).instanceStatus).toBe("auth_failure");
    expect(await status(id)).toBe("auth_failure");
    expect(() => sb.disconnectClient(id)).toThrow(/not linked/);
    const logout = await call(sb, sb.token, "POST", `/instances/${id}/client/action/logout`);
    expect(logout.json).toEqual({
      data: { status: "success", instanceId: id, data: [] },
      links: { self: `${sb.baseUrl}/instances/${id}/client/action/logout` },
      status: "success",
    });
    expect(await status(id)).toBe("booting");
  });

  test("drift to ready answers /client/me with a default account", async () => {
    const id = await create();
    sb.changeInstance(id, { instanceStatus: "ready" });
    const me = await call(sb, sb.token, "GET", `/instances/${id}/client/me`);
    expect(me.json).toMatchObject({
      status: "success",
      qrCode: { data: { contactId: expect.stringMatching(/^\d+@c\.us$/) } },
    });
  });
});

describe("pairing codes", () => {
  const pair = (id: number, body: unknown): Promise<Answer> =>
    call(sb, sb.token, "POST", `/instances/${id}/client/action/request-pairing-code`, body);

  test("a valid number gets a code; typing it on the phone links the line to that number", async () => {
    const id = await create();
    const res = await pair(id, { phoneNumber: "50664083362", showNotification: false });
    expect(res.status).toBe(200);
    const code = (res.json.data as { data: { pairingCode: string } }).data.pairingCode;
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(res.json).toEqual({
      data: { status: "success", instanceId: id, data: { pairingCode: code } },
      links: { self: `${sb.baseUrl}/instances/${id}/client/action/request-pairing-code` },
      status: "success",
    });
    expect(sb.clientState(id)).toMatchObject({ pairingCode: code, pairingPhoneNumber: "50664083362" });
    expect(() => sb.enterPairingCode(id, "AAAA-AAAA")).toThrow(/wrong pairing code/);
    expect(sb.enterPairingCode(id, code).instanceStatus).toBe("ready");
    expect(sb.clientState(id).me).toMatchObject({ contactId: "50664083362@c.us" });
  });

  test.each([
    ["no number", {}, { phoneNumber: ["The phone number field is required."] }],
    ["an empty number", { phoneNumber: "  " }, { phoneNumber: ["The phone number field is required."] }],
    [
      "a number as a JSON number",
      { phoneNumber: 50664083362 },
      { phoneNumber: ["The phone number field must be a string."] },
    ],
    [
      "a leading +",
      { phoneNumber: "+50664083362" },
      { phoneNumber: ["The phone number field format is invalid."] },
    ],
    [
      "spaces",
      { phoneNumber: "506 6408 3362" },
      { phoneNumber: ["The phone number field format is invalid."] },
    ],
    [
      "a national 0",
      { phoneNumber: "064083362" },
      { phoneNumber: ["The phone number field format is invalid."] },
    ],
    [
      "16 digits",
      { phoneNumber: "1234567890123456" },
      { phoneNumber: ["The phone number field format is invalid."] },
    ],
    [
      "showNotification not a boolean",
      { phoneNumber: "50664083362", showNotification: "yes" },
      { showNotification: ["The show notification field must be true or false."] },
    ],
  ])("%s: Laravel's 422, and no code", async (_title, body, errors) => {
    const id = await create();
    const res = await pair(id, body);
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ message: Object.values(errors)[0]?.[0], errors });
    expect(sb.clientState(id).pairingCode).toBeUndefined();
  });

  test("two codes a minute, then 429 with Retry-After", async () => {
    const id = await create();
    expect((await pair(id, { phoneNumber: "50664083362" })).status).toBe(200);
    expect((await pair(id, { phoneNumber: "50664083362" })).status).toBe(200);
    const third = await pair(id, { phoneNumber: "50664083362" });
    expect(third.status).toBe(429);
    expect(third.json).toEqual({ message: "Too Many Attempts." });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
  });

  test("a line that is not waiting to be linked gets status error", async () => {
    const id = await create();
    sb.scanQr(id);
    const res = await pair(id, { phoneNumber: "50664083362" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "error", message: expect.stringContaining("status: ready") });
  });
});

describe("permissions and ids", () => {
  test("a read token reads status, QR and me; pairing, reboot and logout need update", async () => {
    const id = await create();
    const reader = sb.createToken(["read"]);
    for (const route of ["status", "qr", "me"]) {
      expect((await call(sb, reader, "GET", `/instances/${id}/client/${route}`)).status).toBe(200);
    }
    for (const action of ["request-pairing-code", "reboot", "logout"]) {
      const res = await call(sb, reader, "POST", `/instances/${id}/client/action/${action}`, {
        phoneNumber: "50664083362",
      });
      expect(res.status).toBe(403);
      expect(res.json.message).toMatch(/'update' permission/);
    }
    expect(sb.clientState(id).instanceStatus).toBe("qr");
  });

  test("another account's instance and an unknown id are 404 on every client route", async () => {
    sb.createAccount({ id: "other", owner: "other@example.com" });
    const theirs = sb.createToken(undefined, { account: "other" });
    const id = await create();
    for (const [method, route] of [
      ["GET", "status"],
      ["GET", "qr"],
      ["GET", "me"],
      ["POST", "action/request-pairing-code"],
      ["POST", "action/reboot"],
      ["POST", "action/logout"],
    ] as const) {
      const body = method === "POST" ? {} : undefined;
      expect((await call(sb, theirs, method, `/instances/${id}/client/${route}`, body)).status).toBe(404);
      expect((await call(sb, sb.token, method, `/instances/999999/client/${route}`, body)).status).toBe(404);
    }
  });
});

describe("the hooks over HTTP", () => {
  test("read, scan, rotate, disconnect, fail auth and timing", async () => {
    const id = await create();
    const state = await hook(sb, "GET", `/instances/${id}/client`);
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ instanceStatus: "qr", qrRotation: 1, qrPayload: expect.any(String) });
    expect(await qrText(id)).toBe(state.json.qrPayload);

    const rotated = await hook(sb, "POST", `/instances/${id}/client/rotate-qr`);
    expect(rotated.json).toMatchObject({ qrRotation: 2 });
    expect(rotated.json.qrPayload).not.toBe(state.json.qrPayload);

    const stale = await hook(sb, "POST", `/instances/${id}/client/scan`, { payload: state.json.qrPayload });
    expect(stale.status).toBe(409);
    expect((await hook(sb, "POST", `/instances/${id}/client/scan`, { phoneNumber: "+1 555" })).status).toBe(
      400,
    );
    const scanned = await hook(sb, "POST", `/instances/${id}/client/scan`, {
      payload: rotated.json.qrPayload,
      phoneNumber: "50664083362",
    });
    expect(scanned.status).toBe(200);
    expect(scanned.json).toMatchObject({ instanceStatus: "ready", me: { contactId: "50664083362@c.us" } });

    expect((await hook(sb, "POST", `/instances/${id}/client/disconnect`)).json).toMatchObject({
      instanceStatus: "disconnected",
    });
    expect((await hook(sb, "POST", `/instances/${id}/client/auth-failure`)).json).toMatchObject({
      instanceStatus: "auth_failure",
    });
    expect((await hook(sb, "POST", `/instances/${id}/client/rotate-qr`)).status).toBe(409);
    expect((await hook(sb, "POST", "/instances/999999/client/scan")).status).toBe(404);

    const timing = await hook(sb, "PATCH", "/client-timing", { bootDelayMs: 5000 });
    expect(timing.json).toEqual({ bootDelayMs: 5000, qrRotationMs: 600_000, readyDelayMs: 0 });
    expect((await hook(sb, "PATCH", "/client-timing", { bootDelayMs: -1 })).status).toBe(400);
    expect(await status(await create())).toBe("booting");
  });

  test("a pairing code entered over HTTP", async () => {
    const id = await create();
    const res = await call(sb, sb.token, "POST", `/instances/${id}/client/action/request-pairing-code`, {
      phoneNumber: "50664083362",
    });
    const code = (res.json.data as { data: { pairingCode: string } }).data.pairingCode;
    expect((await hook(sb, "POST", `/instances/${id}/client/pairing-code`, {})).status).toBe(400);
    expect(
      (await hook(sb, "POST", `/instances/${id}/client/pairing-code`, { code: "NOPE-NOPE" })).status,
    ).toBe(409);
    const linked = await hook(sb, "POST", `/instances/${id}/client/pairing-code`, { code });
    expect(linked.json).toMatchObject({
      instanceStatus: "ready",
      me: { formattedNumber: "+50 664 083 362" },
    });
  });

  test("reset brings back the timing the sandbox started with", async () => {
    sb.setClientTiming({ bootDelayMs: 9000 });
    sb.reset();
    expect(sb.setClientTiming({})).toEqual({ bootDelayMs: 0, qrRotationMs: 600_000, readyDelayMs: 0 });
  });
});

test("a restarted sandbox with a data file keeps each client where it was", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waapi-client-"));
  const dataFile = path.join(dir, "state.json");
  const token = "sandbox|client-persistence";
  const timing = { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 };
  try {
    const ids = await withSandbox({ dataFile, token, clientTiming: timing }, async (first) => {
      const linked = await call(first, token, "POST", "/instances");
      const waiting = await call(first, token, "POST", "/instances");
      const linkedId = (linked.json.instance as { id: number }).id;
      const waitingId = (waiting.json.instance as { id: number }).id;
      first.scanQr(linkedId, { phoneNumber: "50664083362" });
      return { linkedId, waitingId, payload: first.clientState(waitingId).qrPayload };
    });
    await withSandbox({ dataFile, token, clientTiming: timing }, async (second) => {
      expect(second.clientState(ids.linkedId)).toMatchObject({
        instanceStatus: "ready",
        me: { contactId: "50664083362@c.us" },
      });
      expect(second.clientState(ids.waitingId)).toMatchObject({
        instanceStatus: "qr",
        qrPayload: ids.payload,
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
