import { WaapiAuthenticationError, WaapiNotFoundError } from "../client";
import { INSTANCE_STATUSES, type ClientMe, type ClientStatus, type InstanceStatus } from "../waapi-api";
import {
  instanceIdProblem,
  linkCommand,
  lineStatus,
  linkHint,
  readLineStatus,
  type LineStatusClient,
} from "./line-status";

const SUPPORT_DESK: ClientMe = {
  displayName: "Support desk",
  contactId: "50664083362@c.us",
  formattedNumber: "+506 6408 3362",
};

/** A line in `status`, linked to `me`; records the calls made. */
function fakeLine(status: InstanceStatus, me: ClientMe = SUPPORT_DESK) {
  const calls: string[] = [];
  const client: LineStatusClient = {
    async getClientStatus(id) {
      calls.push(`getClientStatus ${id}`);
      const answer: ClientStatus = {
        status: "success",
        instanceId: String(id),
        name: "Support line",
        instanceStatus: status,
        instanceWebhook: null,
        instanceEvents: [],
      };
      return answer;
    },
    async getClientMe(id) {
      calls.push(`getClientMe ${id}`);
      return me;
    },
  };
  return { client, calls };
}

it("a ready line: its status and who is linked, from /client/status then /client/me", async () => {
  const { client, calls } = fakeLine("ready");
  await expect(readLineStatus(client, 1001)).resolves.toEqual({
    instanceId: 1001,
    status: "ready",
    linkedNumber: "+506 6408 3362",
    linkedName: "Support desk",
    linkedContactId: "50664083362@c.us",
  });
  expect(calls).toEqual(["getClientStatus 1001", "getClientMe 1001"]);
});

it("a linked account without a display name has no linkedName (not an empty one)", async () => {
  const { client } = fakeLine("ready", { ...SUPPORT_DESK, displayName: "" });
  const status = await readLineStatus(client, 7);
  expect(status).toEqual({
    instanceId: 7,
    status: "ready",
    linkedNumber: "+506 6408 3362",
    linkedContactId: "50664083362@c.us",
  });
  expect("linkedName" in status).toBe(false);
});

it.each(INSTANCE_STATUSES.filter((status) => status !== "ready"))(
  "a line in %s: the status only, and /client/me is not asked",
  async (state) => {
    const { client, calls } = fakeLine(state);
    await expect(readLineStatus(client, 42)).resolves.toEqual({ instanceId: 42, status: state });
    expect(calls).toEqual(["getClientStatus 42"]);
  },
);

it.each([0, -3, 1.5, "1001", null, undefined, Number.MAX_SAFE_INTEGER + 2])(
  "instanceId %p is refused, naming the property and an example, and nothing is sent",
  async (id) => {
    expect(instanceIdProblem(id)).toEqual({
      property: "instanceId",
      reason: expect.stringMatching(/^instanceId must be the numeric id of an instance, e\.g\. 1234/),
    });
    const { client, calls } = fakeLine("qr");
    await expect(readLineStatus(client, id as number)).rejects.toThrow(/instanceId must be/);
    expect(calls).toEqual([]);
  },
);

it("for a program, the client's errors keep their class, with Pulumi's advice added; the CLI's read gets none", async () => {
  const context = {
    operation: "getClientStatus" as const,
    method: "GET" as const,
    path: "/instances/9/client/status",
    statusCode: 401,
    attempts: 1,
  };
  const client: LineStatusClient = {
    getClientStatus: async () => {
      throw new WaapiAuthenticationError(context);
    },
    getClientMe: async () => SUPPORT_DESK,
  };
  const error = await lineStatus({ client }, 9).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(WaapiAuthenticationError);
  expect((error as Error).message).toContain("pulumi config set --secret waapi:apiToken");
  const plain = await readLineStatus(client, 9).catch((caught: unknown) => caught);
  expect(plain).toBeInstanceOf(WaapiAuthenticationError);
  expect((plain as Error).message).not.toContain("pulumi config set");

  const missing: LineStatusClient = {
    getClientStatus: async () => {
      throw new WaapiNotFoundError({ ...context, statusCode: 404 }, "9");
    },
    getClientMe: async () => SUPPORT_DESK,
  };
  await expect(lineStatus({ client: missing }, 9)).rejects.toThrow(/Instance 9 was not found/);
});

it("the native plugin's hint names the resource and its stack in the link command", () => {
  const hint = linkHint("urn:pulumi:dev::whatsapp-lines::waapi:index:Instance::support", 1001);
  expect(hint).toContain("Instance 1001 waits to be linked to a phone");
  expect(hint).toContain("`npx pulumi-waapi link support --stack dev`");
  // A child resource's URN has its parent's type in front; the name is still the last part.
  expect(linkHint("urn:pulumi:prod::lines::my:index:Lines$waapi:index:Instance::sales line", 5)).toContain(
    "`npx pulumi-waapi link 'sales line' --stack prod`",
  );
  // No URN to read a name from: the id works anywhere.
  expect(linkHint("", 5)).toContain("`npx pulumi-waapi link 5`");
  expect(linkCommand({ resource: null, instanceId: 5, stack: "dev" })).toBe("npx pulumi-waapi link 5");
});
