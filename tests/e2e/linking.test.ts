/**
 * The README's linking and line-health story through the real Pulumi CLI, from the user's first
 * `pulumi up` on: a project outside the repository with pulumi-waapi installed, its stack holding the
 * token as a secret (an environment decoy must lose to it), the README's commands run as written
 * with the sandbox playing the phone — it scans the QR code `link` printed, types the pairing code,
 * drops the connection, refuses a session. `link` finds the line by its resource name in the stack's
 * state, the dynamic provider's type here; a native plugin's instance is imported into the state to
 * show the same lookup for that type.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Sandbox } from "../../sandbox";
import { startCommand, type CliResult, type RunningCommand } from "../support/cli";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { makeUserProject } from "../support/project";
import { ENVIRONMENT_DECOYS, OfflineStacks, e2eSecrets } from "../support/pulumi";
import { readmeCommand } from "../support/readme";
import { startTestSandbox } from "../support/sandbox";
import { runShell, type ShellRun } from "../support/shell";
import { decodeQrPng, decodeTerminalQrCodes } from "../support/qr";

const PROGRAM = `import { WaapiInstance } from "pulumi-waapi";

new WaapiInstance("support", { name: "Support line", webhookEvents: ["message"] });
`;
const PHONE = { phoneNumber: "50664083362", displayName: "Support desk" };

let sandbox: Sandbox;
let token: string;
let project: string;
const stacks = new OfflineStacks(); // for its offline backend settings; the stack is made by the CLI
const printed: string[] = [];

function env(): Record<string, string | undefined> {
  return {
    ...process.env,
    ...stacks.env(),
    ...ENVIRONMENT_DECOYS, // the stack's config must win over these, as it does for `pulumi up`
    PULUMI_SKIP_CONFIRMATIONS: "true",
    WAAPI_LINK_POLL_MS: "200",
  };
}

async function sh(command: string, input?: string): Promise<ShellRun> {
  const run = await runShell(command, { cwd: project, env: env(), ...(input !== undefined && { input }) });
  printed.push(run.stdout, run.stderr);
  return run;
}

/** A README command left running (link waits for the phone), as a user's shell runs it. */
function background(command: string): RunningCommand {
  return startCommand("bash", ["-e", "-o", "pipefail", "-c", command], { cwd: project, env: env() });
}

async function finished(running: RunningCommand): Promise<CliResult> {
  const result = await running.done;
  printed.push(result.stdout, result.stderr);
  return result;
}

let id: number;

beforeAll(async () => {
  // WAAPI's own pace, except that the QR code rotates when the test says so.
  sandbox = await startTestSandbox({
    clientTiming: { bootDelayMs: 500, qrRotationMs: 3_600_000, readyDelayMs: 300 },
  });
  token = sandbox.createToken();
  project = makeUserProject("waapi-linking", PROGRAM);
  expect(await sh("pulumi stack init dev")).toMatchObject({ code: 0 });
  expect(await sh(`pulumi config set waapi:baseUrl ${sandbox.baseUrl}`)).toMatchObject({ code: 0 });
  expect(await sh(readmeCommand("pulumi config set --secret waapi:apiToken"), token)).toMatchObject({
    code: 0,
  });
}, 60_000);

afterAll(async () => {
  expectNoLeak([...printed, ...stacks.everything()], e2eSecrets());
  await stacks.removeAll();
  await sandbox.close();
  rmSync(project, { recursive: true, force: true });
});

it("pulumi up, then link shows the QR code the sandbox serves, again after a rotation, and exits 0 with the linked number", async () => {
  expect(await sh(readmeCommand("pulumi up"))).toMatchObject({ code: 0 });
  const [instance] = sandbox.instances();
  id = instance?.id ?? 0;
  expect(sandbox.instances()).toHaveLength(1);

  const before = await sh(readmeCommand("npx pulumi-waapi health"));
  expect(before.code).toBe(8);
  expect(before.stdout).toMatch(new RegExp(`support \\(instance ${id}\\): (booting|qr)\\n`));

  const link = background(readmeCommand("npx pulumi-waapi link support"));
  await link.waitFor((out) => decodeTerminalQrCodes(out).length === 1);
  expect(decodeTerminalQrCodes(link.stdout())).toEqual([sandbox.clientState(id).qrPayload]);
  const rotated = sandbox.rotateQr(id).qrPayload ?? "";
  await link.waitFor((out) => decodeTerminalQrCodes(out).length === 2);
  expect(decodeTerminalQrCodes(link.stdout())[1]).toBe(rotated);

  const { me } = sandbox.scanQr(id, { payload: rotated, ...PHONE });
  const result = await finished(link);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `Linked: support (instance ${id}) is linked to ${me?.formattedNumber} (Support desk).`,
  );

  const after = await sh(readmeCommand("npx pulumi-waapi health"));
  expect(after.code).toBe(0);
  expect(after.stdout).toBe(
    `Stack dev: all 1 line ready.\n  support (instance ${id}): ready, linked to ${me?.formattedNumber} (Support desk)\n`,
  );
  const again = await sh(readmeCommand("npx pulumi-waapi link support"));
  expect(again).toMatchObject({ code: 0 });
  expect(again.stdout).toContain("is already linked to");
}, 120_000);

it("a dropped line: health shows it disconnected, --reboot restarts it, and --phone links it with the sandbox's pairing code", async () => {
  sandbox.disconnectClient(id);
  const json = await sh(readmeCommand("npx pulumi-waapi health --format json > health.json"));
  expect(json.code).toBe(8);
  expect(JSON.parse(readFileSync(join(project, "health.json"), "utf8"))).toMatchObject({
    healthy: false,
    stack: "dev",
    instances: [
      {
        resource: "support",
        instanceId: id,
        status: "disconnected",
        next: expect.stringContaining("link support --stack dev"),
      },
    ],
  });

  sandbox.clearRequests();
  const reboot = await sh(readmeCommand("npx pulumi-waapi health --reboot"));
  expect(reboot.code).toBe(8);
  expect(reboot.stdout).toContain(`support (instance ${id}): disconnected, rebooted`);
  expect(
    sandbox
      .requests()
      .filter((request) => request.method === "POST")
      .map((request) => request.path),
  ).toEqual([`/api/v1/instances/${id}/client/action/reboot`]);

  const link = background(readmeCommand("npx pulumi-waapi link support --phone 50664083362"));
  await link.waitFor((out) => out.includes("Waiting for the phone"));
  const { pairingCode } = sandbox.clientState(id);
  expect(link.stdout()).toContain(`Pairing code for support (instance ${id}): ${pairingCode}\n`);
  const { me } = sandbox.enterPairingCode(id, pairingCode ?? "", { displayName: "Support desk" });
  const result = await finished(link);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `Linked: support (instance ${id}) is linked to ${me?.formattedNumber} (Support desk).`,
  );
}, 120_000);

it("auth_failure gives exit code 3, a timeout 2; health --logout resets the line, and --format png writes the QR code", async () => {
  const link = background("npx pulumi-waapi link support");
  sandbox.failClientAuth(id);
  const refused = await finished(link);
  expect(refused.code).toBe(3);
  expect(refused.stdout).toContain(`WhatsApp refused the link of support (instance ${id}) (auth_failure).`);

  const logout = await sh(readmeCommand("npx pulumi-waapi health --logout"));
  expect(logout.code).toBe(8);
  expect(logout.stdout).toContain(`support (instance ${id}): auth_failure, logged out`);

  const timedOut = await sh("npx pulumi-waapi link support --timeout 2s");
  expect(timedOut.code).toBe(2);
  expect(timedOut.stdout).toMatch(
    new RegExp(`Timed out after 2s: support \\(instance ${id}\\) is still (booting|qr)\\.`),
  );

  const png = background(readmeCommand("npx pulumi-waapi link support --format png --out qr.png"));
  await png.waitFor((out) => out.includes("the image in"));
  expect(decodeQrPng(readFileSync(join(project, "qr.png")))).toBe(sandbox.clientState(id).qrPayload);
  sandbox.scanQr(id, PHONE);
  expect(await finished(png)).toMatchObject({ code: 0 });
}, 120_000);

it("a native plugin's instance in the state is found by its resource name too; an unknown name is refused, listing the stack's", async () => {
  // The state a `pulumi import` of waapi:index:Instance records (the native door's type), imported
  // as Pulumi's own `stack import` would take it from another project.
  const other = await makeInstanceByHand(sandbox, token, { name: "Sales line" });
  const exported = JSON.parse((await sh("pulumi stack export")).stdout) as {
    deployment: { resources: { urn: string; type: string }[] };
  };
  const stackUrn =
    exported.deployment.resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.urn ?? "";
  exported.deployment.resources.push({
    urn: `urn:pulumi:dev::waapi-linking::waapi:index:Instance::sales`,
    type: "waapi:index:Instance",
    ...{ custom: true, id: String(other), parent: stackUrn, inputs: {}, outputs: { instanceId: other } },
  });
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(project, "state.json"), JSON.stringify(exported));
  expect(await sh("pulumi stack import --file state.json")).toMatchObject({ code: 0 });

  // Made by hand just now: it boots (bootDelayMs) before it shows a QR code to scan.
  for (let waited = 0; sandbox.clientState(other).instanceStatus !== "qr" && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  sandbox.scanQr(other, PHONE);
  const sales = await sh("npx pulumi-waapi link sales");
  expect(sales).toMatchObject({ code: 0 });
  expect(sales.stdout).toContain(`sales (instance ${other}) is already linked to`);

  const unknown = await sh("npx pulumi-waapi link suport");
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain(
    "The stack dev records no WAAPI instance by that name. Its instances: sales, support.",
  );
}, 120_000);
