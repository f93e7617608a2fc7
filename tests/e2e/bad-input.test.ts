/**
 * Bad input through the engine, from a JavaScript program whose WaapiInstance arguments come from
 * stack config (tests/e2e/js-program): the README's did-you-mean message fails the preview and the
 * update, and nothing reaches WAAPI — in particular, a misspelt `webhookURL` never clears the live
 * webhook.
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "js-program");
const sandbox = useSandbox();
const stacks = useOfflineStacks();

const support = {
  name: "Support line",
  webhookUrl: "https://hooks.example.com/waapi/support",
  webhookEvents: ["message"],
};

async function declare(stack: Stack, args: Record<string, unknown>): Promise<void> {
  await stack.setConfig("support", { value: JSON.stringify(args) });
}

it("a misspelt webhookURL fails preview and up with the did-you-mean message, and sends nothing", async () => {
  const stack = await stacks.create(PROGRAM_DIR, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  await declare(stack, support);
  const { outputs } = await stacks.up(stack);
  const id = outputs["instanceId"]?.value as number;
  expect(outputs["webhookUrl"]?.value).toBe(support.webhookUrl);

  const { webhookUrl, ...rest } = support;
  await declare(stack, { ...rest, webhookURL: webhookUrl });
  sandbox.clearRequests();

  const message = "'webhookURL' is not a WaapiInstance input; did you mean 'webhookUrl'?";
  const preview = stacks.preview(stack);
  await expect(preview).rejects.toThrow(message);
  await expect(stacks.up(stack)).rejects.toThrow(message);

  expect(sandbox.requests()).toEqual([]);
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({ id, webhook_url: support.webhookUrl, webhook_events: ["message"] }),
  ]);
}, 180_000);

it("arguments missing from the config fail with 'name is required', and create nothing", async () => {
  const stack = await stacks.create(PROGRAM_DIR, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  await expect(stacks.up(stack)).rejects.toThrow(/name is required/);
  expect(sandbox.requests()).toEqual([]);
  expect(sandbox.instances()).toEqual([]);
}, 120_000);
