/**
 * What the group e2e tests share: the members they declare, and the group calls a sandbox received,
 * in order, as `<action> <participant>` (the member actions) or `<action>`.
 */
import type { Sandbox } from "../../sandbox";

export const ALICE = "4915112345678@c.us";
export const BOB = "4915187654321@c.us";
export const CAROL = "33612345678@c.us";

export function groupCalls(sandbox: Pick<Sandbox, "requests">): string[] {
  return sandbox
    .requests()
    .filter((request) => request.path.includes("/client/action/"))
    .map((request) => {
      const body = request.body as { participant?: string } | null;
      const action = request.path.split("/").pop() ?? "";
      return body?.participant ? `${action} ${body.participant}` : action;
    });
}
