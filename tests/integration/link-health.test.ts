/**
 * `pulumi-waapi link` and `health` as built, against the sandbox over HTTP, with instance ids (no
 * Pulumi stack: tests/e2e/linking.test.ts resolves resource names through a real one). The sandbox
 * plays the phone: it scans the QR code, types the pairing code, drops the connection.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoverEnv, runCli, startCli, type CliResult } from "../support/cli";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { issuedTokens, useSandbox } from "../support/sandbox";
import { decodeQrPng, decodeTerminalQrCodes } from "../support/qr";

// No rotation on its own (a test rotates the code when it means to), no boot or ready delay.
const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, qrRotationMs: 3_600_000, readyDelayMs: 0 } });
const outputs: CliResult[] = [];
/** Not a Pulumi project: the token comes from the environment alone. */
let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "waapi-link-"));
});
afterAll(() => {
  expectNoLeak(outputs, issuedTokens());
  rmSync(cwd, { recursive: true, force: true });
});

const env = () => ({ ...discoverEnv(sandbox, sandbox.token), WAAPI_LINK_POLL_MS: "100" });

async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, { env: { ...env(), ...extraEnv }, cwd });
  outputs.push(result);
  return result;
}

function start(args: string[]) {
  return startCli(args, { env: env(), cwd });
}

const newLine = (name = "Support") => makeInstanceByHand(sandbox, sandbox.token, { name });
const PHONE = { phoneNumber: "50664083362", displayName: "Support desk" };

describe("link", () => {
  it("shows the sandbox's QR code, shows the new one after a rotation, and exits 0 with the linked number once scanned", async () => {
    const id = await newLine();
    const link = start(["link", String(id)]);
    await link.waitFor((out) => decodeTerminalQrCodes(out).length === 1);
    expect(decodeTerminalQrCodes(link.stdout())).toEqual([sandbox.clientState(id).qrPayload]);

    const rotated = sandbox.rotateQr(id).qrPayload;
    await link.waitFor((out) => decodeTerminalQrCodes(out).length === 2);
    expect(decodeTerminalQrCodes(link.stdout())[1]).toBe(rotated);
    expect(link.stdout()).toContain("WAAPI replaced the QR code (code 2): scan this one instead:");

    const linked = sandbox.scanQr(id, { payload: rotated ?? "", ...PHONE });
    const result = await link.done;
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Linked: instance ${id} is linked to ${linked.me?.formattedNumber} (Support desk).`,
    );
    expect(linked.me?.contactId).toBe("50664083362@c.us");
    expect(result.stderr).toContain("waiting for the phone: status qr");
  }, 60_000);

  it("an instance already linked: exits 0 at once, saying who, with no QR code", async () => {
    const id = await newLine();
    const { me } = sandbox.scanQr(id, PHONE);
    sandbox.clearRequests();
    const result = await cli(["link", String(id)]);
    expect(result).toMatchObject({
      code: 0,
      stdout: `instance ${id} is already linked to ${me?.formattedNumber} (Support desk).\n`,
    });
    expect(sandbox.requests().map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /api/v1/instances/${id}`,
      `GET /api/v1/instances/${id}/client/status`,
      `GET /api/v1/instances/${id}/client/me`,
    ]);
  });

  it("--phone prints the sandbox's pairing code and the steps, and exits 0 once it is typed", async () => {
    const id = await newLine();
    const link = start(["link", String(id), "--phone", "50664083362"]);
    await link.waitFor((out) => out.includes("Waiting for the phone"));
    const { pairingCode, pairingPhoneNumber } = sandbox.clientState(id);
    expect(pairingPhoneNumber).toBe("50664083362");
    expect(link.stdout()).toContain(`Pairing code for instance ${id}: ${pairingCode}\n`);
    expect(link.stdout()).toContain('"Link with phone number instead"');
    const { me } = sandbox.enterPairingCode(id, pairingCode ?? "", { displayName: "Support desk" });
    const result = await link.done;
    outputs.push(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Linked: instance ${id} is linked to ${me?.formattedNumber} (Support desk).`,
    );
    expect(decodeTerminalQrCodes(result.stdout)).toEqual([]);
  }, 60_000);

  it("a malformed phone number: exit 1, the format named, and no request sent", async () => {
    const id = await newLine();
    sandbox.clearRequests();
    for (const phone of ["+1 555 0100", "1-555-0100", "0115550100"]) {
      const result = await cli(["link", String(id), "--phone", phone]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("--phone takes the number in international format, digits only");
      expect(result.stderr).not.toContain(phone);
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("times out with exit code 2, saying the status it is still in", async () => {
    const id = await newLine();
    const result = await cli(["link", String(id), "--timeout", "1s"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`Timed out after 1s: instance ${id} is still qr.`);
    expect(result.stdout).toContain("\u001b[30;47m"); // black on white by default
  });

  it("NO_COLOR=1 draws the QR code in plain characters, still readable", async () => {
    const id = await newLine();
    const result = await cli(["link", String(id), "--timeout", "1s"], { NO_COLOR: "1" });
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain("\u001b[");
    expect(decodeTerminalQrCodes(result.stdout)).toEqual([sandbox.clientState(id).qrPayload]);
  });

  it("auth_failure during the wait: exit code 3 and how to reset the session", async () => {
    const id = await newLine();
    const link = start(["link", String(id)]);
    await link.waitFor((out) => decodeTerminalQrCodes(out).length === 1);
    sandbox.failClientAuth(id);
    const result = await link.done;
    outputs.push(result);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`WhatsApp refused the link of instance ${id} (auth_failure).`);
  }, 60_000);

  it("--format png --out writes WAAPI's image, holding the current payload", async () => {
    const id = await newLine();
    const out = join(cwd, "qr.png");
    const link = start(["link", String(id), "--format", "png", "--out", "qr.png", "--timeout", "30s"]);
    await link.waitFor((text) => text.includes(`the image in ${out}`));
    expect(decodeQrPng(readFileSync(out))).toBe(sandbox.clientState(id).qrPayload);
    expect(decodeTerminalQrCodes(link.stdout())).toEqual([]);
    sandbox.scanQr(id, PHONE);
    const result = await link.done;
    outputs.push(result);
    expect(result.code).toBe(0);
  }, 60_000);

  it("an id of another account, or none: exit 1 naming the way to the right one, nothing else asked", async () => {
    sandbox.createAccount({ id: "other", owner: "other@example.com" });
    const theirs = await makeInstanceByHand(sandbox, sandbox.createToken(undefined, { account: "other" }), {
      name: "Theirs",
    });
    sandbox.clearRequests();
    for (const id of [theirs, 999_999]) {
      const result = await cli(["link", String(id)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `The token's account has no instance ${id}: check the id (\`npx pulumi-waapi health --all\``,
      );
    }
    expect(sandbox.requests().map((request) => request.path)).toEqual([
      `/api/v1/instances/${theirs}`,
      "/api/v1/instances/999999",
    ]);
  });

  it("a resource name outside a Pulumi project, or no token: exit 1 saying what to do", async () => {
    const byName = await cli(["link", "support"]);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toContain(
      "run link in the Pulumi project (or give --cwd DIR), or give WAAPI's instance id",
    );
    const noToken = await runCli(["link", "1001"], {
      env: { WAAPI_API_TOKEN: "", WAAPI_BASE_URL: sandbox.baseUrl },
      cwd,
    });
    outputs.push(noToken);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain("no API token");
  });
});

describe("health --all", () => {
  /** Four lines: ready, waiting for a scan, disconnected, refused. */
  async function mixedAccount() {
    const ready = await newLine("Ready line");
    const qr = await newLine("New line");
    const disconnected = await newLine("Dropped line");
    const refused = await newLine("Refused line");
    sandbox.scanQr(ready, PHONE);
    sandbox.scanQr(disconnected, PHONE);
    sandbox.disconnectClient(disconnected);
    sandbox.failClientAuth(refused);
    return { ready, qr, disconnected, refused };
  }

  it("exit 0 when every line is ready, in all three formats", async () => {
    const id = await newLine("Ready line");
    const { me } = sandbox.scanQr(id, PHONE);
    const text = await cli(["health", "--all"]);
    expect(text).toMatchObject({ code: 0 });
    expect(text.stdout).toBe(
      `The account: all 1 line ready.\n  Ready line (instance ${id}): ready, linked to ${me?.formattedNumber} (Support desk)\n`,
    );
    const markdown = await cli(["health", "--all", "--format", "markdown"]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(
      `| \`Ready line\` | ${id} | ready | \`${me?.formattedNumber} (Support desk)\` |  |`,
    );
    const json = await cli(["health", "--all", "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      healthy: true,
      stack: null,
      checked: 1,
      notReady: 0,
      instances: [
        {
          resource: null,
          instanceId: id,
          name: "Ready line",
          status: "ready",
          linkedNumber: me?.formattedNumber,
          linkedName: "Support desk",
          next: null,
          action: null,
        },
      ],
    });
  });

  it("exit 8 when some are not, each state with its advice, in all three formats; no action unasked", async () => {
    const ids = await mixedAccount();
    sandbox.clearRequests();
    const text = await cli(["health", "--all"]);
    expect(text.code).toBe(8);
    expect(text.stdout).toContain("The account: 3 of 4 lines not ready.");
    expect(text.stdout).toContain(
      `  New line (instance ${ids.qr}): qr\n    Waiting to be linked: \`npx pulumi-waapi link ${ids.qr}\``,
    );
    expect(text.stdout).toContain(
      `  Dropped line (instance ${ids.disconnected}): disconnected\n    The phone is no longer connected`,
    );
    expect(text.stdout).toContain(
      `  Refused line (instance ${ids.refused}): auth_failure\n    WhatsApp refused the session`,
    );

    const markdown = await cli(["health", "--all", "--format", "markdown"]);
    expect(markdown.code).toBe(8);
    expect(markdown.stdout).toContain(`| \`Dropped line\` | ${ids.disconnected} | ⚠️ disconnected |  |`);
    expect(markdown.stdout).toContain(`| \`Refused line\` | ${ids.refused} | ⚠️ auth_failure |  |`);
    expect(markdown.stdout).toContain(`| \`New line\` | ${ids.qr} | ⚠️ qr |  |`);

    const json = await cli(["health", "--all", "--format", "json"]);
    expect(json.code).toBe(8);
    const report = JSON.parse(json.stdout) as { instances: { instanceId: number; status: string }[] };
    expect(Object.fromEntries(report.instances.map((line) => [line.instanceId, line.status]))).toEqual({
      [ids.ready]: "ready",
      [ids.qr]: "qr",
      [ids.disconnected]: "disconnected",
      [ids.refused]: "auth_failure",
    });
    expect(sandbox.requests().filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("--reboot and --logout send WAAPI's actions to the lines that need them, and only when given", async () => {
    const ids = await mixedAccount();
    sandbox.clearRequests();
    const result = await cli(["health", "--all", "--reboot", "--logout"]);
    expect(result.code).toBe(8);
    expect(
      sandbox
        .requests()
        .filter((request) => request.method === "POST")
        .map((request) => request.path)
        .sort(),
    ).toEqual(
      [
        `/api/v1/instances/${ids.disconnected}/client/action/reboot`,
        `/api/v1/instances/${ids.refused}/client/action/logout`,
      ].sort(),
    );
    expect(result.stdout).toContain(`Dropped line (instance ${ids.disconnected}): disconnected, rebooted`);
    expect(result.stdout).toContain(`Refused line (instance ${ids.refused}): auth_failure, logged out`);
  });

  it("an error (a token without read): exit 1 with WAAPI's message", async () => {
    const result = await cli(["health", "--all"], { WAAPI_API_TOKEN: sandbox.createToken(["create"]) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('This call needs an API token with the "read" permission');
  });
});
