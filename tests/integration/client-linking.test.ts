/**
 * The REST client's linked-client calls against the sandbox over HTTP: status, QR code, who linked
 * the line, pairing codes, reboot and logout; a 200 with `"status":"error"` as a typed error; the
 * permissions each call needs; no request for a malformed phone number; and no token in any error.
 */
import {
  WaapiActionError,
  WaapiClient,
  WaapiNotFoundError,
  WaapiPermissionError,
  WaapiValidationError,
} from "../../provider/client";
import { OPERATION_PERMISSIONS } from "../../provider/waapi-api";
import { expectNoLeak } from "../support/leaks";
import { decodeQrDataUrl } from "../support/qr";
import { issuedTokens, useSandbox } from "../support/sandbox";

const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0, qrRotationMs: 600_000 } });

function client(token = sandbox.token): WaapiClient {
  // No retries: a test about one answer wants that answer, not the pacing around it.
  return new WaapiClient({
    apiToken: token,
    baseUrl: sandbox.baseUrl,
    retry: { limit: 0, rateLimitWaitMs: 0 },
  });
}

async function created(): Promise<number> {
  return (await client().createInstance()).id;
}

const errors: unknown[] = [];
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    errors.push(error);
    return error;
  }
  throw new Error("expected the call to fail");
}

// Every error the tests below provoked (each test checks it got one), shown in full: no token in any.
afterAll(() => expectNoLeak(errors, issuedTokens()));

test("the permission each linked-client call needs", () => {
  expect({
    getClientStatus: OPERATION_PERMISSIONS.getClientStatus,
    getQrCode: OPERATION_PERMISSIONS.getQrCode,
    getClientMe: OPERATION_PERMISSIONS.getClientMe,
    requestPairingCode: OPERATION_PERMISSIONS.requestPairingCode,
    rebootClient: OPERATION_PERMISSIONS.rebootClient,
    logoutClient: OPERATION_PERMISSIONS.logoutClient,
  }).toEqual({
    getClientStatus: "read",
    getQrCode: "read",
    getClientMe: "read",
    requestPairingCode: "update",
    rebootClient: "update",
    logoutClient: "update",
  });
});

test("linking by QR code: status, the code the sandbox shows, then who linked it", async () => {
  const id = await created();
  const c = client();
  expect(await c.getClientStatus(id)).toEqual({
    status: "success",
    instanceId: String(id),
    name: `Instance ${id}`,
    instanceStatus: "qr",
    instanceWebhook: null,
    instanceEvents: [],
  });
  const image = await c.getQrCode(id);
  expect(decodeQrDataUrl(image)).toBe(sandbox.clientState(id).qrPayload);
  sandbox.scanQr(id, { payload: decodeQrDataUrl(image), phoneNumber: "50664083362", displayName: "Support" });
  expect((await c.getClientStatus(String(id))).instanceStatus).toBe("ready");
  expect(await c.getClientMe(id)).toEqual({
    displayName: "Support",
    contactId: "50664083362@c.us",
    formattedNumber: "+50 664 083 362",
    profilePicUrl: expect.stringMatching(/^https:\/\//),
  });
});

test("/client/me is read under the contract's key `qrCode` and under `me`", async () => {
  const id = await created();
  sandbox.scanQr(id);
  const data = { displayName: "Sales", contactId: "4915112345678@c.us", formattedNumber: "+49 151 12345678" };
  sandbox.injectFault({
    match: "GET /instances/:id/client/me",
    kind: "respond",
    status: 200,
    body: JSON.stringify({ me: { status: "success", instanceId: String(id), data }, status: "success" }),
    headers: { "Content-Type": "application/json" },
  });
  expect(await client().getClientMe(id)).toEqual(data);
});

test('a 200 with "status":"error" is a WaapiActionError with the server\'s message', async () => {
  const id = await created();
  const notLinked = await failure(client().getClientMe(id));
  expect(notLinked).toBeInstanceOf(WaapiActionError);
  expect(notLinked).toMatchObject({
    code: "ERR_WAAPI_ACTION_FAILED",
    operation: "getClientMe",
    statusCode: 200,
    serverMessage: "No WhatsApp account is linked: the client's status is qr.",
  });
  sandbox.scanQr(id);
  const noQr = await failure(client().getQrCode(id));
  expect(noQr).toMatchObject({
    code: "ERR_WAAPI_ACTION_FAILED",
    serverMessage: expect.stringMatching(/ready/),
  });
  const noPairing = await failure(client().requestPairingCode(id, "50664083362"));
  expect(noPairing).toMatchObject({ code: "ERR_WAAPI_ACTION_FAILED", operation: "requestPairingCode" });
  expect(String(noPairing)).toMatch(/could not carry out requestPairingCode/);
});

test("a pairing code: the sandbox's code comes back; entering it links that number", async () => {
  const id = await created();
  const code = await client().requestPairingCode(id, " 50664083362 ", { showNotification: false });
  expect(code).toBe(sandbox.clientState(id).pairingCode);
  const sent = sandbox.requests().filter((r) => r.path.endsWith("/request-pairing-code"));
  expect(sent.map((r) => r.body)).toEqual([{ phoneNumber: "50664083362", showNotification: false }]);
  sandbox.enterPairingCode(id, code);
  expect((await client().getClientMe(id)).contactId).toBe("50664083362@c.us");
});

test.each(["+50664083362", "506 6408 3362", "064083362", "123", "1234567890123456", ""])(
  "a malformed phone number (%j) is refused before anything is sent",
  async (phoneNumber) => {
    const id = await created();
    sandbox.clearRequests();
    await expect(client().requestPairingCode(id, phoneNumber)).rejects.toThrow(
      /international format without symbols, digits only \(e\.g\. 50664083362\)/,
    );
    expect(sandbox.requests()).toEqual([]);
  },
);

test("the third pairing code in a minute is rate-limited (WAAPI allows two)", async () => {
  const id = await created();
  await client().requestPairingCode(id, "50664083362");
  await client().requestPairingCode(id, "50664083362");
  await expect(client().requestPairingCode(id, "50664083362")).rejects.toMatchObject({
    code: "ERR_WAAPI_RATE_LIMITED",
    retryAfterMs: expect.any(Number),
  });
});

test("reboot and logout end the session: the line must be linked again", async () => {
  const id = await created();
  sandbox.scanQr(id);
  sandbox.setClientTiming({ bootDelayMs: 600_000 });
  await client().rebootClient(id);
  expect((await client().getClientStatus(id)).instanceStatus).toBe("booting");
  sandbox.setClientTiming({ bootDelayMs: 0 });
  await client().logoutClient(id);
  expect((await client().getClientStatus(id)).instanceStatus).toBe("qr");
  expect(
    sandbox
      .requests()
      .filter((r) => r.method === "POST")
      .map((r) => r.path),
  ).toEqual([
    "/api/v1/instances",
    `/api/v1/instances/${id}/client/action/reboot`,
    `/api/v1/instances/${id}/client/action/logout`,
  ]);
});

test("a read token reads the client but cannot act on it; errors name the permission", async () => {
  const id = await created();
  const reader = client(sandbox.createToken(["read"]));
  expect((await reader.getClientStatus(id)).instanceStatus).toBe("qr");
  await reader.getQrCode(id);
  for (const act of [
    () => reader.requestPairingCode(id, "50664083362"),
    () => reader.rebootClient(id),
    () => reader.logoutClient(id),
  ]) {
    const error = await failure(act());
    expect(error).toBeInstanceOf(WaapiPermissionError);
    expect(error).toMatchObject({ permission: "update" });
  }
});

test("another account's instance is not found; an id that is not one is refused unsent", async () => {
  sandbox.createAccount({ id: "other", owner: "other@example.com" });
  const theirs = await client(sandbox.createToken(undefined, { account: "other" })).createInstance();
  const error = await failure(client().getClientStatus(theirs.id));
  expect(error).toBeInstanceOf(WaapiNotFoundError);
  expect(error).toMatchObject({ instanceId: String(theirs.id) });
  sandbox.clearRequests();
  await expect(client().getQrCode("1/../2")).rejects.toThrow(/WaapiClient.getQrCode: an instance id/);
  expect(sandbox.requests()).toEqual([]);
});

test("a 422 from the server is a validation error with its field", async () => {
  const id = await created();
  sandbox.injectFault({
    match: "POST /instances/:id/client/action/request-pairing-code",
    kind: "respond",
    status: 422,
    body: JSON.stringify({
      message: "The phone number field format is invalid.",
      errors: { phoneNumber: ["The phone number field format is invalid."] },
    }),
    headers: { "Content-Type": "application/json" },
  });
  const error = await failure(client().requestPairingCode(id, "50664083362"));
  expect(error).toBeInstanceOf(WaapiValidationError);
  expect(error).toMatchObject({
    fieldErrors: { phoneNumber: ["The phone number field format is invalid."] },
  });
});

test("a 502 to a pairing request is not retried and does not speak of creating instances", async () => {
  const id = await created();
  sandbox.injectFault({
    match: "POST /instances/:id/client/action/request-pairing-code",
    kind: "respond",
    status: 502,
  });
  const retrying = new WaapiClient({
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
    retry: { limit: 3, baseDelayMs: 1 },
  });
  const error = await failure(retrying.requestPairingCode(id, "50664083362"));
  expect(error).toMatchObject({ code: "ERR_WAAPI_SERVER", attempts: 1 });
  expect(String(error)).toMatch(/may have acted on it/);
  expect(String(error)).not.toMatch(/duplicate \(paid\) instance/);
});
