/**
 * What a person does by hand on waapi.app, done against the sandbox over its API: instances made
 * outside Pulumi, for the tests that take them over (adoptInstanceId, `pulumi import`).
 */
import type { Sandbox } from "../../sandbox";
import type { InstanceUpdateBody } from "../../provider/waapi-api";

/**
 * An instance made by hand (a POST, then a PUT with `settings`; `undefined`: no PUT, as a create
 * killed or failed after its POST leaves one); its requests are cleared from the log.
 */
export async function makeInstanceByHand(
  sandbox: Sandbox,
  token: string,
  settings: InstanceUpdateBody | undefined,
): Promise<number> {
  const headers = {
    Authorization: `Bearer ${token}`,
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  const made = (await (await fetch(`${sandbox.baseUrl}/instances`, { method: "POST", headers })).json()) as {
    instance: { id: number };
  };
  if (settings !== undefined) {
    await fetch(`${sandbox.baseUrl}/instances/${made.instance.id}`, {
      method: "PUT",
      headers,
      body: JSON.stringify(settings),
    });
  }
  sandbox.clearRequests();
  return made.instance.id;
}
