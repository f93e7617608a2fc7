import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import QRCode from "qrcode";
import { WaapiActionError, WaapiNotFoundError } from "../provider/client";
import type { ApiInstance, ClientStatus, InstanceStatus } from "../provider/waapi-api";
import { decodeTerminalQrCodes } from "../tests/support/qr";
import { linkInstance, type LinkClient, type LinkOptions } from "./link";
import { decodeQrPng } from "./terminal-qr";

/** A line whose status a test script moves on at each status request, as a phone would. */
function fakeLine(steps: { status: InstanceStatus; qr?: string }[]) {
  let polls = 0;
  const calls: string[] = [];
  const current = () => steps[Math.min(polls, steps.length - 1)] ?? { status: "qr" as const };
  const client: LinkClient = {
    async getInstance(id) {
      calls.push("getInstance");
      if (Number(id) !== 1001) {
        throw new WaapiNotFoundError(
          { operation: "getInstance", method: "GET", path: `/instances/${id}`, statusCode: 404, attempts: 1 },
          String(id),
        );
      }
      const instance: ApiInstance = {
        id: 1001,
        name: "Support",
        owner: "o@example.com",
        webhook_url: null,
        webhook_events: [],
        is_trial: false,
      };
      return instance;
    },
    async getClientStatus() {
      calls.push("getClientStatus");
      const status: ClientStatus = {
        status: "success",
        instanceId: "1001",
        name: "Support",
        instanceStatus: current().status,
        instanceWebhook: null,
        instanceEvents: [],
      };
      polls++;
      return status;
    },
    async getQrCode() {
      calls.push("getQrCode");
      return QRCode.toDataURL(steps[Math.max(0, Math.min(polls - 1, steps.length - 1))]?.qr ?? "none");
    },
    async getClientMe() {
      calls.push("getClientMe");
      return {
        displayName: "Support desk",
        contactId: "50664083362@c.us",
        formattedNumber: "+506 6408 3362",
      };
    },
    async requestPairingCode(_id, phone) {
      calls.push(`requestPairingCode ${phone}`);
      return "ABCD-1234";
    },
  };
  return { client, calls };
}

function options(overrides: Partial<LinkOptions> = {}) {
  let clock = 0;
  const out: string[] = [];
  const err: string[] = [];
  const opts: LinkOptions = {
    instanceId: 1001,
    label: "support (instance 1001)",
    format: "text",
    timeoutMs: 60_000,
    pollMs: 2000,
    color: true,
    interactive: false,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    ...overrides,
  };
  return { opts, stdout: () => out.join(""), stderr: () => err.join("") };
}

it("shows the QR code, shows it again when WAAPI rotates it, and says who linked the line", async () => {
  const { client, calls } = fakeLine([
    { status: "qr", qr: "ref-1" },
    { status: "qr", qr: "ref-1" },
    { status: "qr", qr: "ref-2" },
    { status: "authenticated" },
    { status: "ready" },
  ]);
  const run = options();
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(decodeTerminalQrCodes(run.stdout())).toEqual(["ref-1", "ref-2"]);
  expect(run.stdout()).toContain("Link a device, and scan this QR code:");
  expect(run.stdout()).toContain("WAAPI replaced the QR code (code 2): scan this one instead:");
  expect(run.stdout()).toContain(
    "Linked: support (instance 1001) is linked to +506 6408 3362 (Support desk).\n",
  );
  // Not a terminal: one progress line per new status.
  expect(run.stderr().split("\n").filter(Boolean)).toEqual([
    "waiting for the phone: status qr, 0s of 60s",
    "waiting for the phone: status authenticated, 6s of 60s",
  ]);
  expect(calls.filter((call) => call === "getQrCode")).toHaveLength(3);
});

it("on a terminal, redraws one progress line in place", async () => {
  const { client } = fakeLine([{ status: "booting" }, { status: "booting" }, { status: "ready" }]);
  const run = options({ interactive: true });
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(
    run
      .stderr()
      .startsWith("\r\u001b[2K⠋ waiting for the phone: status booting, 0s of 60s\r\u001b[2K⠙ waiting"),
  ).toBe(true);
  expect(run.stderr()).not.toContain("\n");
});

it("a line already ready: says who is linked at once, shows no code", async () => {
  const { client, calls } = fakeLine([{ status: "ready" }]);
  const run = options();
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(run.stdout()).toBe("support (instance 1001) is already linked to +506 6408 3362 (Support desk).\n");
  expect(calls).toEqual(["getInstance", "getClientStatus", "getClientMe"]);
});

it("times out with the status it is still in", async () => {
  const { client } = fakeLine([{ status: "qr", qr: "ref-1" }]);
  const run = options({ timeoutMs: 5000 });
  expect(await linkInstance(client, run.opts)).toBe("timed-out");
  expect(run.stdout()).toContain("Timed out after 5s: support (instance 1001) is still qr.");
});

it("stops at auth_failure and says how to reset the session", async () => {
  const { client } = fakeLine([{ status: "qr", qr: "ref-1" }, { status: "auth_failure" }]);
  const run = options();
  expect(await linkInstance(client, run.opts)).toBe("auth-failure");
  expect(run.stdout()).toContain("WhatsApp refused the link of support (instance 1001) (auth_failure).");
  expect(run.stdout()).toContain("health --logout");
});

it("with a phone number: prints the pairing code and the steps, shows no QR code", async () => {
  const { client, calls } = fakeLine([{ status: "qr", qr: "ref-1" }, { status: "ready" }]);
  const run = options({ phone: "50664083362" });
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(run.stdout()).toContain("Pairing code for support (instance 1001): ABCD-1234\n");
  expect(run.stdout()).toContain('"Link with phone number instead"');
  expect(decodeTerminalQrCodes(run.stdout())).toEqual([]);
  expect(calls).not.toContain("getQrCode");
  expect(calls).toContain("requestPairingCode 50664083362");
});

it("--format png writes WAAPI's image, again on rotation", async () => {
  const dir = mkdtempSync(join(tmpdir(), "waapi-link-"));
  try {
    const { client } = fakeLine([
      { status: "qr", qr: "ref-1" },
      { status: "qr", qr: "ref-2" },
      { status: "ready" },
    ]);
    const out = join(dir, "qr.png");
    const seen: string[] = [];
    const run = options({ format: "png", out });
    run.opts.stdout = (text) => {
      if (text.includes(out)) seen.push(decodeQrPng(readFileSync(out)));
    };
    expect(await linkInstance(client, run.opts)).toBe("linked");
    expect(seen).toEqual(["ref-1", "ref-2"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("an id the token's account does not have: says how to find the right one", async () => {
  const { client, calls } = fakeLine([{ status: "qr" }]);
  await expect(linkInstance(client, options({ instanceId: 999 }).opts)).rejects.toThrow(
    /The token's account has no instance 999: check the id \(`npx pulumi-waapi health --all`/,
  );
  expect(calls).toEqual(["getInstance"]);
});

it("a QR code asked for just as the phone scanned it: reads the status again and carries on", async () => {
  const { client } = fakeLine([
    { status: "qr", qr: "ref-1" },
    { status: "authenticated" },
    { status: "ready" },
  ]);
  let asked = 0;
  client.getQrCode = async () => {
    asked++;
    throw new WaapiActionError({
      operation: "getQrCode",
      method: "GET",
      path: "/instances/1001/client/qr",
      statusCode: 200,
      attempts: 1,
    });
  };
  const run = options();
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(asked).toBe(1);
  expect(run.stdout()).toContain("Linked: support (instance 1001)");
});

it("a QR code WAAPI refuses while the status stays qr is an error, not a silent wait", async () => {
  const { client } = fakeLine([{ status: "qr" }]);
  client.getQrCode = async () => {
    throw new WaapiActionError({
      operation: "getQrCode",
      method: "GET",
      path: "/instances/1001/client/qr",
      statusCode: 200,
      attempts: 1,
    });
  };
  await expect(linkInstance(client, options().opts)).rejects.toThrow(WaapiActionError);
});

it("a disconnected line: says once how to get a new QR code, and keeps waiting", async () => {
  const { client } = fakeLine([
    { status: "disconnected" },
    { status: "disconnected" },
    { status: "qr", qr: "ref-1" },
    { status: "ready" },
  ]);
  const run = options();
  expect(await linkInstance(client, run.opts)).toBe("linked");
  expect(run.stdout().match(/is disconnected: waiting for WAAPI to show a QR code again/g)).toHaveLength(1);
  expect(decodeTerminalQrCodes(run.stdout())).toEqual(["ref-1"]);
});
