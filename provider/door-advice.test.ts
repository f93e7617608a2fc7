/**
 * Each door words the core's typed errors for its own users: a failed create that may have made an
 * instance is taken over with adoptInstanceId in the dynamic door and with `import` in the native
 * one, and neither door's words leak into the other's.
 */
import { WaapiNetworkError, WaapiServerError } from "./client";
import { withTakeOverAdvice as dynamicAdvice } from "./dynamic/advice";
import { AmbiguousCreateError } from "./instance/creation";
import { instanceResource } from "./instance/resource";
import { withTakeOverAdvice as nativeAdvice } from "./native/advice";

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
  ["too many candidates", ambiguous, "Or take this resource's over"],
])("after %s", (_label, make, opening) => {
  it("the dynamic door says adoptInstanceId", () => {
    const error = dynamicAdvice(instanceResource, make()) as Error;
    expect(error.message).toContain(`${opening}`);
    expect(error.message).toContain("`adoptInstanceId: <its id>`");
    expect(error.message).not.toMatch(/import/);
  });

  it("the native door says import, and never adoptInstanceId", () => {
    const error = nativeAdvice(instanceResource, make()) as Error;
    expect(error.message).toContain(`${opening}`);
    expect(error.message).toContain("`pulumi import waapi:index:Instance <name> <its id>`");
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
