/**
 * Each door words the core's typed errors for its own users: a failed create that may have made an
 * instance or a group is taken over with adoptInstanceId / adoptGroupId in the dynamic door and with
 * `import` in the native one, and neither door's words leak into the other's; a group call on a line
 * that is not linked gets the link command in both.
 */
import { WaapiGroupCreateOutcomeUnknownError, WaapiNetworkError, WaapiServerError } from "./client";
import { withDoorAdvice as dynamicDoor, withTakeOverAdvice as dynamicAdvice } from "./dynamic/advice";
import { AmbiguousCreateError } from "./instance/creation";
import { LineNotReadyError } from "./instance/line-status";
import { instanceResource } from "./instance/resource";
import { withDoorAdvice as nativeDoor, withTakeOverAdvice as nativeAdvice } from "./native/advice";
import { GroupCreateOutcomeUnknownError } from "./resources/group/lifecycle";
import { groupResource } from "./resources/group/resource";

const context = {
  operation: "createInstance" as const,
  method: "POST" as const,
  path: "/instances",
  attempts: 1,
};
const lost = () =>
  new WaapiNetworkError(
    { ...context, outcomeUnknown: true },
    {
      networkCode: "ECONNRESET",
      detail: "socket hang up",
      timedOut: false,
      timeoutMs: 30000,
      host: "waapi.app",
    },
  );
const ambiguous = () => new AmbiguousCreateError([1001, 1002], "POST /instances could not complete");

describe.each([
  ["a lost answer", lost, "If an instance was created"],
  [
    "too many candidates",
    ambiguous,
    "Only if you know which of them is this resource's (the others may be another stack's",
  ],
])("after %s", (_label, make, opening) => {
  it("the dynamic door says adoptInstanceId", () => {
    const error = dynamicAdvice(instanceResource, make()) as Error;
    expect(error.message).toContain(`${opening}`);
    expect(error.message).toMatch(/`adoptInstanceId: (<its id>|1001)`/);
    expect(error.message).not.toMatch(/import/);
  });

  it("the native door says import, and never adoptInstanceId", () => {
    const error = nativeAdvice(instanceResource, make()) as Error;
    expect(error.message).toContain(`${opening}`);
    expect(error.message).toContain("`pulumi import waapi:index:Instance <name> <its id>`");
    expect(error.message).not.toMatch(/adoptGroupId/);
    expect(error.message).toContain("the `import` resource option");
    expect(error.message).not.toMatch(/adoptInstanceId/);
  });

  it("the facts stay on the error: its class, code and candidates", () => {
    const error = nativeAdvice(instanceResource, make());
    expect(error).toBeInstanceOf(make().constructor);
    expect(error).toMatchObject({ code: make().code });
  });
});

it("an error whose outcome is known gets no take-over advice from either door", () => {
  const failed = new WaapiServerError({ ...context, statusCode: 500 });
  const message = failed.message;
  expect((dynamicAdvice(instanceResource, failed) as Error).message).toBe(message);
  expect((nativeAdvice(instanceResource, failed) as Error).message).toBe(message);
});

it("after too many candidates, each door names every candidate in its own terms", () => {
  expect(dynamicAdvice(instanceResource, ambiguous())).toMatchObject({
    message: expect.stringContaining("take it over, add `adoptInstanceId: <its id>` (one of `1001`, `1002`)"),
  });
  expect(nativeAdvice(instanceResource, ambiguous())).toMatchObject({
    message: expect.stringContaining(
      "take it over, give the `import` resource option its id (one of `1001`, `1002`)",
    ),
  });
  // Never an id to copy as if it were this resource's: another stack may record it.
  expect((dynamicAdvice(instanceResource, ambiguous()) as Error).message).not.toMatch(
    /adoptInstanceId: 100\d/,
  );
});

describe("a group create whose answer was lost", () => {
  const GROUP = "120363041234567890@g.us";
  const OTHER = "120363049999999999@g.us";
  const lostGroup = (candidates: readonly string[] | undefined) =>
    new GroupCreateOutcomeUnknownError(
      7,
      "On call",
      candidates,
      new WaapiGroupCreateOutcomeUnknownError(
        {
          operation: "createGroup",
          method: "POST",
          path: "/instances/7/client/action/create-group",
          attempts: 1,
        },
        { instanceId: "7", subject: "On call", candidates, failure: "HTTP 502" },
      ),
    );

  it("the core states the facts and a code, in neither door's words", () => {
    const error = lostGroup([GROUP]);
    expect(error).toMatchObject({
      code: "WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN",
      instanceId: 7,
      candidates: [GROUP],
    });
    expect(error.message).toContain(GROUP);
    expect(error.message).not.toMatch(/adoptGroupId|import/);
    expect(groupResource.mayHaveCreated?.(error)).toEqual({
      candidates: [{ id: `7/${GROUP}`, adopt: GROUP }],
    });
    expect(groupResource.mayHaveCreated?.(lostGroup(undefined))).toEqual({ candidates: [] });
    expect(groupResource.mayHaveCreated?.(new Error("something else"))).toBeUndefined();
  });

  it("the dynamic door says adoptGroupId with the candidate's group id, and never import", () => {
    const { message } = dynamicDoor(groupResource, "create", lostGroup([GROUP])) as Error;
    expect(message).toContain(`To take it over as this resource, add \`adoptGroupId: "${GROUP}"\` to it`);
    expect(message).not.toMatch(/import|adoptInstanceId/);
    const several = (dynamicDoor(groupResource, "create", lostGroup([GROUP, OTHER])) as Error).message;
    expect(several).toContain(
      `take it over, add \`adoptGroupId: <its id>\` (one of \`"${GROUP}"\`, \`"${OTHER}"\`) to this resource`,
    );
  });

  it("the native door says pulumi import with the Group's id, and never adoptGroupId", () => {
    const { message } = nativeDoor(groupResource, "create", lostGroup([GROUP])) as Error;
    expect(message).toContain(`\`pulumi import waapi:index:Group <name> 7/${GROUP}\``);
    expect(message).toContain(`the \`import\` resource option its id (\`7/${GROUP}\`)`);
    expect(message).not.toMatch(/adoptGroupId|adoptInstanceId/);
  });

  it("with no candidate to name, each door says how to take one over if it was made", () => {
    const dynamic = (dynamicDoor(groupResource, "create", lostGroup([])) as Error).message;
    expect(dynamic).toContain("If a group was created, add `adoptGroupId: <its id>` to this resource");
    expect(dynamic).toContain("If no such group shows on the phone either, `pulumi up` again creates it.");
    const native = (nativeDoor(groupResource, "create", lostGroup(undefined)) as Error).message;
    expect(native).toContain("If a group was created, take it over with the `import` resource option");
    expect(native).toContain("`pulumi import waapi:index:Group <name> <its id>`");
    expect(native).not.toMatch(/adoptGroupId/);
  });

  it("only a create gets take-over advice", () => {
    const message = lostGroup([GROUP]).message;
    expect((dynamicDoor(groupResource, "update", lostGroup([GROUP])) as Error).message).toBe(message);
    expect((nativeDoor(groupResource, "read", lostGroup([GROUP])) as Error).message).toBe(message);
  });
});

describe.each([
  ["dynamic", dynamicDoor],
  ["native", nativeDoor],
] as const)("a line that is not linked, through the %s door", (_door, door) => {
  it.each(["create", "read", "update", "delete"] as const)("names the link command on %s", (call) => {
    const error = new LineNotReadyError(7, "qr", "its groups cannot be changed");
    expect(error.message).not.toContain("pulumi-waapi link");
    expect(door(groupResource, call, error)).toMatchObject({
      code: "WAAPI_LINE_NOT_READY",
      instanceId: 7,
      status: "qr",
      message: expect.stringContaining(
        "Link it with `npx pulumi-waapi link 7` (it shows the QR code to scan;",
      ),
    });
  });
});
