/**
 * The native plugin through the real Pulumi CLI and engine, from Pulumi YAML programs (the YAML
 * language host is built by scripts/install-pulumi.sh), against the WAAPI sandbox. The programs find
 * the plugin the way the README tells users: `plugins: providers:` in Pulumi.yaml, pointing at the
 * folder that holds bin/pulumi-resource-waapi.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { expectSupportLineCreated, expectSupportLineRenamed } from "../support/native-programs";
import { e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PLUGIN_DIR = join(process.cwd(), "bin");

// A new line shows its QR code at once, and is ready as soon as it is scanned: the statuses the
// program reads do not depend on how fast the engine runs it.
const sandbox = useSandbox({ clientTiming: { bootDelayMs: 0, readyDelayMs: 0 } });
const stacks = useOfflineStacks();
const programDirs: string[] = [];

afterAll(() => {
  for (const dir of programDirs) rmSync(dir, { recursive: true, force: true });
});

/** A YAML program in a fresh folder outside the repository; `body` holds its resources, variables, outputs. */
function yamlProgram(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), `waapi-yaml-${name}-`));
  programDirs.push(dir);
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    [
      `name: ${name}`,
      "runtime: yaml",
      "plugins:",
      "  providers:",
      "    - name: waapi",
      `      path: ${PLUGIN_DIR}`,
      body,
    ].join("\n"),
  );
  return dir;
}

async function newStack(dir: string): Promise<Stack> {
  return stacks.create(dir, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
}

const requestsBy = (method: string) => sandbox.requests().filter((request) => request.method === method);
const writes = () => sandbox.requests().filter((request) => request.method !== "GET");

const SUPPORT_PROGRAM = `
config:
  lineName:
    type: string
    default: Support line
resources:
  support:
    type: waapi:index:Instance
    properties:
      name: \${lineName}
      webhookUrl:
        fn::secret: https://hooks.example.com/waapi/support
      webhookEvents: [message_ack, message, ready]
variables:
  lookedUp:
    fn::invoke:
      function: waapi:index:getInstance
      arguments:
        instanceId: \${support.instanceId}
  line:
    fn::invoke:
      function: waapi:index:getInstanceStatus
      arguments:
        instanceId: \${support.instanceId}
outputs:
  instanceId: \${support.instanceId}
  lookedUpName: \${lookedUp.name}
  lookedUpOwner: \${lookedUp.owner}
  lineStatus: \${line.status}
  linkedNumber: \${line.linkedNumber}
`;

interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
}

it("a YAML program: up with the link hint, a no-op preview, an in-place update, drift with a per-property diff, lookups and line status, destroy", async () => {
  const dir = yamlProgram("waapi-native-lifecycle", SUPPORT_PROGRAM);
  const stack = await newStack(dir);

  const first = await stacks.up(stack);
  const created = expectSupportLineCreated(sandbox, first);
  // The plugin says, under the resource, that the new line waits for a phone, and how to link it.
  expect(first.stdout).toMatch(
    new RegExp(
      `waapi:index:Instance \\(support\\):\\s+(info: )?Instance ${created?.id} waits to be linked to a phone`,
    ),
  );
  expect(first.stdout).toContain(`\`npx pulumi-waapi link support --stack ${stack.name}\``);
  // getInstanceStatus, invoked by the program after the create: the new line waits to be linked.
  expect(first.outputs["lineStatus"]?.value).toBe("qr");
  expect(first.outputs["linkedNumber"]?.value ?? null).toBeNull(); // not linked yet

  // The state holds the instance's settings and outputs, no provider code; the secret webhook stays secret.
  const exported = (await stacks.cli(dir, ["stack", "export", "--stack", stack.name])).stdout;
  const deployment = JSON.parse(exported) as {
    deployment: {
      resources: {
        urn: string;
        type: string;
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
      }[];
    };
  };
  const instance = deployment.deployment.resources.find((r) => r.type === "waapi:index:Instance");
  expect(instance?.outputs).toMatchObject({ instanceId: created?.id, name: "Support line" });
  expect(JSON.stringify(instance?.outputs["webhookUrl"])).toContain("ciphertext");
  expect(exported).not.toContain("__provider");
  expect(exported).not.toContain("hooks.example.com/waapi/support");
  // What the provider puts in the state per instance: its inputs and outputs. The engine adds the rest
  // of the entry (URN, provider reference, timestamps, the YAML host's stack trace).
  const recordedBytes = Buffer.byteLength(
    JSON.stringify({ inputs: instance?.inputs, outputs: instance?.outputs }),
  );
  console.info(
    `state of one native waapi:index:Instance: inputs+outputs ${recordedBytes} bytes, ` +
      `whole entry ${Buffer.byteLength(JSON.stringify(instance))} bytes`,
  );
  expect(recordedBytes).toBeLessThan(1024);

  sandbox.clearRequests();
  const noop = await stacks.preview(stack, { expectNoChanges: true });
  expect(noop.changeSummary).toEqual({ same: 2 });
  expect(writes()).toEqual([]);

  await stack.setConfig("lineName", { value: "Support line (renamed)" });
  sandbox.scanQr(created?.id ?? 0, { phoneNumber: "50664083362", displayName: "Support desk" });
  const planned = await stacks.preview(stack, { diff: true });
  expect(planned.changeSummary).toEqual({ same: 1, update: 1 });
  expect(planned.stdout).toMatch(/~ name\s*: "Support line" => "Support line \(renamed\)"/);
  sandbox.clearRequests();
  const renamed = await stacks.up(stack);
  expectSupportLineRenamed(sandbox, created, renamed);
  // The phone scanned the QR code: the program reads the status and the linked number; an update gives no hint.
  expect(renamed.outputs["lineStatus"]?.value).toBe("ready");
  expect(renamed.outputs["linkedNumber"]?.value).toBe(
    sandbox.clientState(created?.id ?? 0).me?.formattedNumber,
  );
  expect(renamed.outputs["linkedNumber"]?.value).toMatch(/^\+\d/);
  expect(renamed.stdout).not.toContain("waits to be linked");

  // Drift made by hand: the nightly check fails, and its --json names the property that drifted.
  sandbox.changeInstance(created?.id ?? 0, { webhook_events: ["message", "qr"] });
  const check = await stacks.cli(dir, [
    "preview",
    "--refresh",
    "--expect-no-changes",
    "--json",
    "--stack",
    stack.name,
  ]);
  expect(check.status).not.toBe(0);
  const steps = (JSON.parse(check.stdout) as { steps: PreviewStep[] }).steps;
  // The refresh step reads the live instance; the update step is what the program would change back.
  const drifted = steps.find((step) => step.urn.endsWith("::support") && step.op !== "refresh");
  expect(drifted).toMatchObject({
    op: "update",
    diffReasons: ["webhookEvents"],
    detailedDiff: { webhookEvents: { kind: "update", inputDiff: true } },
  });

  sandbox.clearRequests();
  const restored = await stacks.up(stack, { refresh: true });
  expect(restored.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(requestsBy("POST")).toEqual([]);
  expect(sandbox.instances()[0]).toMatchObject({ webhook_events: ["message", "message_ack", "ready"] });
  await stacks.preview(stack, { refresh: true, expectNoChanges: true });

  const destroyed = await stacks.destroy(stack);
  expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
  expect(sandbox.instances()).toEqual([]);

  // The token was used all along, and shows nowhere: state, config file, anything the engine printed.
  const stateFile = readFileSync(
    join(stacks.stateDir, ".pulumi", "stacks", "waapi-native-lifecycle", `${stack.name}.json`),
    "utf8",
  );
  const configFile = readFileSync(join(dir, `Pulumi.${stack.name}.yaml`), "utf8");
  expectNoLeak([exported, stateFile, configFile, ...stacks.everything()], e2eSecrets());
}, 300_000);

it("`pulumi import waapi:index:Instance` takes over a hand-made instance without a write, and prints its code", async () => {
  const id = await makeInstanceByHand(sandbox, sandbox.token, {
    name: "Legacy line",
    webhook: { url: "https://legacy.example.com/hook", events: ["message"] },
  });
  const dir = yamlProgram("waapi-native-import", "resources: {}\n");
  const stack = await newStack(dir);

  const imported = await stacks.cli(dir, [
    "import",
    "waapi:index:Instance",
    "legacy",
    String(id),
    "--yes",
    "--stack",
    stack.name,
  ]);
  expect(imported.stderr + imported.stdout).not.toMatch(/error/i);
  expect(imported.status).toBe(0);
  expect(requestsBy("POST")).toEqual([]);
  expect(requestsBy("PUT")).toEqual([]);
  // The code to declare it, in the program's language.
  expect(imported.stdout).toMatch(
    /legacy:\s+type: waapi:(index:)?Instance\s+properties:\s+name: Legacy line/,
  );
  expect(imported.stdout).toContain("webhookUrl: https://legacy.example.com/hook");
  const { deployment } = await stack.exportStack();
  const recorded = deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::legacy"));
  expect(recorded).toMatchObject({ id: String(id), protect: true });
}, 120_000);

it("the `import` resource option takes an instance over without a write; then it is managed like any other", async () => {
  const id = await makeInstanceByHand(sandbox, sandbox.token, {
    name: "Legacy line",
    webhook: { url: "https://legacy.example.com/hook", events: ["message"] },
  });
  const declare = (name: string) => `
resources:
  legacy:
    type: waapi:index:Instance
    properties:
      name: ${name}
      webhookUrl: https://legacy.example.com/hook
      webhookEvents: [message]
    options:
      import: "${id}"
`;
  const dir = yamlProgram("waapi-native-import-option", declare("Legacy line"));
  const stack = await newStack(dir);

  const adopted = await stacks.up(stack);
  expect(adopted.summary.resourceChanges).toMatchObject({ import: 1 });
  expect(writes()).toEqual([]);
  expect(sandbox.instances()).toHaveLength(1);
  await stacks.preview(stack, { expectNoChanges: true });

  writeFileSync(
    join(dir, "Pulumi.yaml"),
    readFileSync(join(dir, "Pulumi.yaml"), "utf8").replace(
      "name: Legacy line",
      "name: Legacy line (managed)",
    ),
  );
  await stacks.up(stack);
  expect(requestsBy("PUT")).toHaveLength(1);
  expect(requestsBy("POST")).toEqual([]);
  expect(sandbox.instances()).toEqual([expect.objectContaining({ id, name: "Legacy line (managed)" })]);
}, 120_000);

it("whole-number settings from the stack config; a POST whose answer was lost: the plugin's warning prints under the resource", async () => {
  const dir = yamlProgram(
    "waapi-native-warning",
    `
resources:
  support:
    type: waapi:index:Instance
    properties:
      name: Support line
      webhookEvents: [ready]
`,
  );
  const stack = await newStack(dir);
  // The whole-number settings, integers in the schema, as `pulumi config set` stores them: a string.
  await stack.setConfig("waapi:requestTimeoutMs", { value: "fast" });
  await expect(stacks.preview(stack)).rejects.toThrow(
    /requestTimeoutMs[\s\S]*must be a whole number above 0, not "fast"/,
  );
  expect(sandbox.requests()).toEqual([]);
  await stack.setConfig("waapi:requestTimeoutMs", { value: "30000" });
  await stack.setConfig("waapi:maxRequestsPerMinute", { value: "600" });

  // WAAPI made the instance, but the gateway answered 502: the provider finds it in the account's list.
  sandbox.injectFault({ kind: "respond", match: "POST /instances", status: 502, afterActing: true });

  const result = await stacks.up(stack);
  expect(result.summary.resourceChanges).toEqual({ create: 2 });
  const [made] = sandbox.instances();
  expect(sandbox.instances()).toHaveLength(1); // no second instance
  expect(requestsBy("POST")).toHaveLength(1);
  // The engine prints a provider's Log message as a diagnostic of the resource it names.
  expect(result.stdout).toMatch(
    /waapi:index:Instance \(support\):\s+warning: The answer to (the|a) POST that creates/,
  );
  expect(result.stdout).toContain(`instance ${made?.id} appeared in the account since`);
  expect(result.stdout).toContain("No second instance was created.");
}, 120_000);
