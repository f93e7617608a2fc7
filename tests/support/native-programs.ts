/**
 * The "Support line" that the native plugin's e2e programs declare in each language (YAML in
 * native-yaml.test.ts, Python in python-program.test.ts): one instance with a secret webhook, and a
 * getInstance lookup exported as `lookedUpName` / `lookedUpOwner`. One check of what their first
 * `pulumi up` must have done, so the languages are held to the same result.
 */
import type { UpResult } from "@pulumi/pulumi/automation";
import type { ApiInstance } from "../../provider/waapi-api";
import type { TestSandbox } from "./sandbox";

/** The requests the sandbox received with `method`. */
function requestsBy(sandbox: TestSandbox, method: string): ReturnType<TestSandbox["requests"]> {
  return sandbox.requests().filter((request) => request.method === method);
}

/**
 * The first up made the stack and one instance with one POST and one PUT, as declared, and the
 * lookup read it back. Returns the instance as WAAPI holds it.
 */
export function expectSupportLineCreated(sandbox: TestSandbox, first: UpResult): ApiInstance | undefined {
  expect(first.summary.resourceChanges).toEqual({ create: 2 }); // the stack and the instance
  expect(sandbox.instances()).toHaveLength(1);
  const [created] = sandbox.instances();
  expect(created).toMatchObject({
    name: "Support line",
    webhook_url: "https://hooks.example.com/waapi/support",
    webhook_events: ["message", "message_ack", "ready"],
  });
  expect(requestsBy(sandbox, "POST")).toHaveLength(1);
  expect(requestsBy(sandbox, "PUT")).toHaveLength(1);
  // The function call: getInstance read the instance the program just made.
  expect(first.outputs["instanceId"]?.value).toBe(created?.id);
  expect(first.outputs["lookedUpName"]?.value).toBe("Support line");
  expect(first.outputs["lookedUpOwner"]?.value).toBe(created?.owner);
  return created;
}

/**
 * The in-place rename both programs make next (config `lineName` changed): one PUT to the same
 * instance, no POST, no DELETE.
 */
export function expectSupportLineRenamed(
  sandbox: TestSandbox,
  created: ApiInstance | undefined,
  renamed: UpResult,
): void {
  expect(renamed.summary.resourceChanges).toEqual({ same: 1, update: 1 });
  expect(requestsBy(sandbox, "PUT")).toHaveLength(1);
  expect(requestsBy(sandbox, "POST")).toEqual([]);
  expect(requestsBy(sandbox, "DELETE")).toEqual([]);
  expect(sandbox.instances()).toEqual([
    expect.objectContaining({ id: created?.id, name: "Support line (renamed)" }),
  ]);
}
