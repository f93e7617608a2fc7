/**
 * The programs users copy from — examples/ and the root demo program — deploy as written, through
 * the real Pulumi CLI, against the WAAPI sandbox.
 */
import { join } from "node:path";
import { useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const sandbox = useSandbox();
const stacks = useOfflineStacks();

it("examples/waapi-instance deploys every input, exports every output, and is protected until told otherwise", async () => {
  const stack = await stacks.create(join(process.cwd(), "examples", "waapi-instance"), {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
  });

  const { outputs } = await stacks.up(stack);
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

  await expect(stacks.destroy(stack)).rejects.toThrow(/protected/);
  expect(sandbox.instances()).toHaveLength(1);

  await stack.setConfig("protect", { value: "false" });
  await stacks.up(stack);
  await stacks.destroy(stack);
  expect(sandbox.instances()).toEqual([]);
}, 120_000);

it("the root demo program (Pulumi.yaml) deploys the support and sales lines", async () => {
  const stack = await stacks.create(process.cwd(), {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
  });
  const { outputs } = await stacks.up(stack);
  expect(
    sandbox
      .instances()
      .map((instance) => instance.name)
      .sort(),
  ).toEqual(["Sales line", "Support line"]);
  expect(outputs["supportInstanceId"]?.value).toEqual(expect.any(Number));
  await stacks.preview(stack, { expectNoChanges: true });
  await stacks.destroy(stack);
  expect(sandbox.instances()).toEqual([]);
}, 120_000);
