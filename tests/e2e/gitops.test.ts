/**
 * The README's GitOps story end to end, through the real Pulumi CLI against the sandbox: take over
 * an account with `pulumi-waapi discover` (the README's commands, as written), then the nightly drift
 * check (the README's commands, examples/gitops/drift-check.sh and the workflow's step).
 *
 * The project lives outside the repository, with pulumi-waapi in its node_modules and the bin linked
 * into node_modules/.bin as npm links it; the tests run one after the other on the same account.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sandbox } from "../../sandbox";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { makeUserProject } from "../support/project";
import { OfflineStacks, e2eSecrets } from "../support/pulumi";
import { readmeSectionCommands } from "../support/readme";
import { startTestSandbox } from "../support/sandbox";
import { runShell, type ShellRun } from "../support/shell";

const REPO = process.cwd();
const STACK = "prod";
let sandbox: Sandbox;
let token: string;
let project: string;
const stacks = new OfflineStacks(); // for its offline backend settings; the stack is made by the CLI
/** Everything every command printed: the token must be in none of it. */
const printed: string[] = [];

function env(): Record<string, string | undefined> {
  return {
    ...process.env,
    ...stacks.env(),
    PULUMI_SKIP_CONFIRMATIONS: "true", // `pulumi up` as the README writes it, without a terminal
    WAAPI_API_TOKEN: token,
    WAAPI_BASE_URL: sandbox.baseUrl,
    GIT_AUTHOR_NAME: "Ops",
    GIT_AUTHOR_EMAIL: "ops@example.com",
    GIT_COMMITTER_NAME: "Ops",
    GIT_COMMITTER_EMAIL: "ops@example.com",
  };
}

/** A shell command in the project, as a person or a CI job runs it; what it printed is kept. */
async function sh(command: string, extraEnv: Record<string, string> = {}): Promise<ShellRun> {
  const run = await runShell(command, { cwd: project, env: { ...env(), ...extraEnv } });
  printed.push(run.stdout, run.stderr);
  return run;
}

const writes = () =>
  sandbox.requests().filter((request) => ["POST", "PUT", "DELETE"].includes(request.method));

const takeOver = readmeSectionCommands("Take over an existing account");
const driftCommands = readmeSectionCommands("Nightly drift check");
const driftAs = (format: "text" | "json" | "markdown") => {
  const command = driftCommands.find((line) =>
    format === "text"
      ? line.startsWith("npx pulumi-waapi drift") && !line.includes("--format")
      : line.startsWith("npx pulumi-waapi drift") && line.includes(`--format ${format}`),
  );
  if (!command) throw new Error(`the README shows no drift command for ${format}`);
  return command;
};

const ids: Record<string, number> = {};

beforeAll(async () => {
  sandbox = await startTestSandbox();
  token = sandbox.createToken();
  project = makeUserProject("waapi-account");
  mkdirSync(join(project, "examples", "gitops"), { recursive: true });
  copyFileSync(
    join(REPO, "examples", "gitops", "drift-check.sh"),
    join(project, "examples", "gitops", "drift-check.sh"),
  );
  chmodSync(join(project, "examples", "gitops", "drift-check.sh"), 0o755);

  // The project as `pulumi new typescript` leaves it, committed, with a stack selected.
  expect(await sh("git init -q && git add . && git commit -q -m 'pulumi new typescript'")).toMatchObject({
    code: 0,
  });
  expect(await sh(`pulumi stack init ${STACK}`)).toMatchObject({ code: 0 });

  // Five instances made by hand: two with the same name, one with quotes and non-ASCII letters.
  const made = {
    supportA: {
      name: "Support line",
      webhook: { url: "https://hooks.example.com/support/a", events: ["message", "ready"] },
    },
    supportB: {
      name: "Support line",
      webhook: { url: "https://hooks.example.com/support/b", events: ["call"] },
    },
    frontDesk: { name: `Zoë's "Front desk" — Ålesund`, webhook: { url: null, events: ["message"] } },
    sales: {
      name: "Sales",
      webhook: { url: "https://hooks.example.com/sales", events: ["message", "message_ack"] },
    },
    alerts: { name: "Alerts", webhook: { url: null, events: [] } },
  };
  for (const [key, settings] of Object.entries(made))
    ids[key] = await makeInstanceByHand(sandbox, token, settings);
}, 120_000);

afterAll(async () => {
  expectNoLeak([...printed, ...stacks.everything()], e2eSecrets());
  await stacks.removeAll();
  await sandbox.close();
  rmSync(project, { recursive: true, force: true });
});

it("takes the account over as the README says: discover, review, up adopts with no write, commit", async () => {
  expect(takeOver).toEqual([
    "npx pulumi-waapi discover --out index.ts",
    "git diff -- index.ts",
    "pulumi up",
    'git add index.ts && git commit -m "Manage the WAAPI instances with Pulumi"',
  ]);
  sandbox.clearRequests();
  const result = await sh(takeOver.join("\n"));
  expect(result).toMatchObject({ code: 0 });
  expect(result.stderr).toContain(`Found 5 instances on ${sandbox.baseUrl}`);

  expect(writes()).toEqual([]); // 0 POST, 0 PUT, 0 DELETE
  const program = readFileSync(join(project, "index.ts"), "utf8");
  expect(program.match(/new WaapiInstance\(/g)).toHaveLength(5);
  for (const name of [
    `support-line-${ids["supportA"]}`,
    `support-line-${ids["supportB"]}`,
    "zoe-s-front-desk-alesund",
    "sales",
    "alerts",
  ]) {
    expect(program).toContain(`"${name}"`);
  }
  expect(program).toContain(JSON.stringify(`Zoë's "Front desk" — Ålesund`));
  expect((await sh("git log --format=%s -1")).stdout.trim()).toBe("Manage the WAAPI instances with Pulumi");
  expect(sandbox.instances()).toHaveLength(5);

  expect(await sh("pulumi preview --expect-no-changes --non-interactive")).toMatchObject({ code: 0 });
}, 600_000);

it("drift: no drift exits 0", async () => {
  const result = await sh(driftAs("text"));
  expect(result).toMatchObject({ code: 0 });
  expect(result.stdout).toContain("No drift: the 5 instances match the program.");
}, 300_000);

it("drift: a change by hand exits 7 and names the instance and the property in text, json and markdown", async () => {
  sandbox.changeInstance(ids["sales"] ?? 0, { webhook_url: "https://evil.example.com/hook" });
  const sales = `sales (instance ${ids["sales"]}: modified outside Pulumi)`;

  const text = await sh(driftAs("text"));
  expect(text.code).toBe(7);
  expect(text.stdout).toContain(sales);
  expect(text.stdout).toContain(
    'webhookUrl: declared "https://hooks.example.com/sales", live "https://evil.example.com/hook"',
  );

  expect((await sh(driftAs("json"))).code).toBe(7);
  expect(JSON.parse(readFileSync(join(project, "drift.json"), "utf8"))).toEqual({
    drifted: true,
    stack: STACK,
    checked: 5,
    instances: [
      {
        resource: "sales",
        instanceId: ids["sales"],
        change: "modified",
        origin: "outside-pulumi",
        properties: [
          {
            property: "webhookUrl",
            declared: "https://hooks.example.com/sales",
            live: "https://evil.example.com/hook",
          },
        ],
        next: expect.stringContaining("puts the declared values back"),
      },
    ],
  });

  const summary = join(project, "summary.md");
  expect((await sh(driftAs("markdown"), { GITHUB_STEP_SUMMARY: summary })).code).toBe(7);
  const markdown = readFileSync(summary, "utf8");
  expect(markdown).toContain(`#### \`sales\` (instance ${ids["sales"]}: modified outside Pulumi)`);
  expect(markdown).toContain(
    '| `webhookUrl` | `"https://hooks.example.com/sales"` | `"https://evil.example.com/hook"` |',
  );

  // The engine's own JSON names the property too (diff leaves the change to the engine).
  const preview = await sh("pulumi preview --refresh --json --non-interactive");
  const steps = (
    JSON.parse(preview.stdout) as {
      steps: { op: string; urn: string; diffReasons?: string[]; detailedDiff?: unknown }[];
    }
  ).steps;
  expect(steps.find((step) => step.op === "update" && step.urn.endsWith("::sales"))).toMatchObject({
    diffReasons: ["webhookUrl"],
    detailedDiff: { webhookUrl: { kind: "update", inputDiff: true } },
  });
}, 300_000);

it("drift: the shell script and the workflow's step fail on drift with the markdown report", async () => {
  const [script] = readmeSectionCommands("Nightly drift check").filter((line) =>
    line.includes("drift-check.sh"),
  );
  expect(script).toBe("examples/gitops/drift-check.sh prod drift-report.md");
  const result = await sh(script ?? "");
  expect(result.code).toBe(7);
  expect(result.stdout).toContain("Drift in stack prod");
  expect(readFileSync(join(project, "drift-report.md"), "utf8")).toContain("`webhookUrl`");

  // The workflow's steps run the README's markdown commands, drift then health (which runs after a
  // failed drift step too: `if: !cancelled()`); GitHub runs each with bash -e -o pipefail.
  const workflow = readFileSync(join(REPO, "examples", "gitops", "nightly-drift.yml"), "utf8");
  expect(workflow).toMatch(/schedule:\n\s+- cron: /);
  const stepRun = (name: string) =>
    new RegExp(`- name: ${name}\\n(?:.*\\n)*?\\s+run: (.*)\\n`).exec(workflow)?.[1];
  expect(stepRun("Drift check")).toBe(driftAs("markdown"));
  const healthCommand = driftCommands.find((line) => line.startsWith("npx pulumi-waapi health"));
  expect(healthCommand).toBe(
    'npx pulumi-waapi health --stack prod --format markdown >> "$GITHUB_STEP_SUMMARY"',
  );
  expect(stepRun("Line health")).toBe(healthCommand);
  expect(workflow).toMatch(/- name: Line health\n\s+if: \$\{\{ !cancelled\(\) \}\}/);

  // The phones: support-line A linked, sales linked and then dropped, the others never linked.
  const linkedA = sandbox.scanQr(ids["supportA"] ?? 0, {
    phoneNumber: "50664083362",
    displayName: "Support desk",
  });
  sandbox.scanQr(ids["sales"] ?? 0, { phoneNumber: "50664083363", displayName: "Sales" });
  sandbox.disconnectClient(ids["sales"] ?? 0);

  const summary = join(project, "step-summary.md");
  expect((await sh(stepRun("Drift check") ?? "", { GITHUB_STEP_SUMMARY: summary })).code).toBe(7);
  expect((await sh(stepRun("Line health") ?? "", { GITHUB_STEP_SUMMARY: summary })).code).toBe(8);
  const written = readFileSync(summary, "utf8");
  expect(written).toContain(`instance ${ids["sales"]}: modified outside Pulumi`);
  expect(written).toContain("### WAAPI line health: stack `prod`");
  expect(written).toContain(
    `| \`sales\` | ${ids["sales"]} | ⚠️ disconnected |  | The phone is no longer connected: \`npx pulumi-waapi link sales --stack prod\` links it again`,
  );
  expect(written).toContain(
    `| \`support-line-${ids["supportA"]}\` | ${ids["supportA"]} | ready | \`${linkedA.me?.formattedNumber} (Support desk)\` |  |`,
  );
  expect(written.indexOf("WAAPI drift")).toBeLessThan(written.indexOf("WAAPI line health"));
}, 300_000);

it("an adopted instance deleted by hand: drift says deleted, up stops naming it, dropping adoptInstanceId makes one new instance", async () => {
  sandbox.deleteInstanceOutOfBand(ids["alerts"] ?? 0);
  expect((await sh(driftAs("json"))).code).toBe(7);
  const report = JSON.parse(readFileSync(join(project, "drift.json"), "utf8")) as { instances: unknown[] };
  expect(report.instances).toContainEqual({
    resource: "alerts",
    instanceId: ids["alerts"],
    change: "deleted",
    origin: "outside-pulumi",
    properties: [],
    next: expect.stringContaining(`adoptInstanceId ${ids["alerts"]} names an instance that is gone`),
  });
  const text = await sh(driftAs("text"));
  expect(text.stdout).toContain(`alerts (instance ${ids["alerts"]}: deleted outside Pulumi)`);

  sandbox.clearRequests();
  const up = await sh("pulumi up --refresh --non-interactive");
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).toMatch(/alerts/);
  expect(up.stdout + up.stderr).toContain(
    `adoptInstanceId ${ids["alerts"]} names no instance of the token's account`,
  );
  expect(up.stdout + up.stderr).toContain("remove adoptInstanceId from its declaration");
  expect(writes().filter((request) => request.method === "POST")).toEqual([]); // no surprise instance

  // The way out the error gives: remove adoptInstanceId, up again: exactly one new instance.
  const program = readFileSync(join(project, "index.ts"), "utf8");
  writeFileSync(join(project, "index.ts"), program.replace(`    adoptInstanceId: ${ids["alerts"]},\n`, ""));
  sandbox.clearRequests();
  expect(await sh("pulumi up --refresh --non-interactive")).toMatchObject({ code: 0 });
  expect(writes().filter((request) => request.method === "POST")).toHaveLength(1);
  expect(sandbox.instances()).toHaveLength(5);
  const after = await sh(driftAs("text"));
  expect(after).toMatchObject({ code: 0 });
}, 600_000);
