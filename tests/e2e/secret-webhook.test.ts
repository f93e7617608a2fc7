/**
 * A webhook URL given as `pulumi.secret(...)` (it may carry a credential in its query) stays secret
 * through the real engine: encrypted in the state, hidden in `pulumi stack export`, in the previews
 * and in everything the engine prints — while the sandbox receives the real URL.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROGRAM_DIR } from "../support/fault-matrix";
import { OfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const sandbox = useSandbox();
const stacks = new OfflineStacks();

afterAll(() => stacks.removeAll());

it("a secret webhook URL stays secret in outputs, state and previews", async () => {
  const secretUrl = "https://hooks.example.com/waapi?key=s3cr3t-webhook-credential";
  const changedUrl = "https://hooks.example.com/waapi?key=an0ther-webhook-credential";
  const declare = (webhookUrl: string) =>
    JSON.stringify({
      support: { name: "Support line", webhookUrl, secretWebhookUrl: true, webhookEvents: ["message"] },
    });
  // The program reads its declarations from config: kept secret there too, as a user would keep a
  // credential-bearing URL, so that what is tested is the provider's handling, not the test's config.
  const stack = await stacks.create(PROGRAM_DIR, {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
  });
  await stack.setConfig("instances", { value: declare(secretUrl), secret: true });

  const printed: string[] = [];
  const preview = await stacks.preview(stack, { diff: true });
  printed.push((await stacks.up(stack, { diff: true })).stdout);
  expect(sandbox.instances()).toEqual([expect.objectContaining({ webhook_url: secretUrl })]); // the real URL was sent

  // A change of the secret URL previews as a change without showing either value.
  await stack.setConfig("instances", { value: declare(changedUrl), secret: true });
  const changePreview = await stacks.preview(stack, { diff: true });
  expect(changePreview.changeSummary).toMatchObject({ update: 1 });
  printed.push((await stacks.up(stack, { diff: true })).stdout);
  printed.push((await stacks.refresh(stack)).stdout);
  expect(sandbox.instances()).toEqual([expect.objectContaining({ webhook_url: changedUrl })]);

  const exported = execFileSync("pulumi", ["stack", "export", "--stack", stack.name], {
    cwd: PROGRAM_DIR,
    env: { ...process.env, ...stacks.env() },
    encoding: "utf8",
  });
  const stateFile = readFileSync(
    join(stacks.stateDir, ".pulumi", "stacks", "waapi-e2e", `${stack.name}.json`),
    "utf8",
  );
  const resource = JSON.parse(exported).deployment.resources.find((r: { urn: string }) =>
    r.urn.endsWith("::support"),
  );
  // Pulumi's marker for a secret value in a checkpoint.
  expect(resource.outputs.webhookUrl).toHaveProperty("4dabf18193072939515e22adb298388d");
  expect(resource.inputs.webhookUrl).toHaveProperty("4dabf18193072939515e22adb298388d");

  const everything = [preview.stdout, changePreview.stdout, printed.join(""), exported, stateFile].join("\n");
  expect(everything).toContain("[secret]");
  for (const url of [secretUrl, changedUrl]) {
    expect(everything).not.toContain(url);
    expect(everything).not.toContain(new URL(url).searchParams.get("key"));
  }
}, 300_000);
