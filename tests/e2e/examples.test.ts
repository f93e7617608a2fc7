/**
 * The programs users copy from — examples/ and the root demo program — deploy as written, through
 * the real Pulumi CLI, against the WAAPI sandbox.
 */
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { OfflineStacks } from "../support/pulumi";

let sandbox: Sandbox;
const stacks = new OfflineStacks();

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await stacks.removeAll();
  await sandbox.close();
});

it("examples/waapi-instance deploys every input, exports every output, and is protected until told otherwise", async () => {
  const stack = await stacks.create(join(process.cwd(), "examples", "waapi-instance"), {
    apiToken: sandbox.createToken(),
    baseUrl: sandbox.baseUrl,
  });

  const { outputs } = await stack.up({ onOutput: stacks.onOutput, color: "never" });
  const [instance] = sandbox.instances();
  expect(sandbox.instances()).toHaveLength(1);
  expect(Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]))).toEqual({
    instanceId: instance?.id,
    name: "On-call alerts",
    owner: instance?.owner,
    webhookUrl: "https://hooks.example.com/waapi/alerts",
    webhookEvents: ["auth_failure", "change_state", "disconnected", "message"],
    isTrial: false,
    apiBaseUrl: sandbox.baseUrl,
  });

  await expect(stack.destroy({ onOutput: stacks.onOutput, color: "never" })).rejects.toThrow(/protected/);
  expect(sandbox.instances()).toHaveLength(1);

  await stack.setConfig("protect", { value: "false" });
  await stack.up({ onOutput: stacks.onOutput, color: "never" });
  await stack.destroy({ onOutput: stacks.onOutput, color: "never" });
  expect(sandbox.instances()).toEqual([]);
}, 120_000);

it("the root demo program (Pulumi.yaml) deploys the support and sales lines", async () => {
  const stack = await stacks.create(process.cwd(), {
    apiToken: sandbox.createToken(),
    baseUrl: sandbox.baseUrl,
  });
  const { outputs } = await stack.up({ onOutput: stacks.onOutput, color: "never" });
  expect(
    sandbox
      .instances()
      .map((instance) => instance.name)
      .sort(),
  ).toEqual(["Sales line", "Support line"]);
  expect(outputs["supportInstanceId"]?.value).toEqual(expect.any(Number));
  await stack.preview({ expectNoChanges: true, color: "never" });
  await stack.destroy({ onOutput: stacks.onOutput, color: "never" });
  expect(sandbox.instances()).toEqual([]);
}, 120_000);
