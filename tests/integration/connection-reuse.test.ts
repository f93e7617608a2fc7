/**
 * A provider process keeps its connections to WAAPI alive: every WaapiInstance it serves shares one
 * client (provider/instance/lifecycle.ts), whose requests go through Node's keep-alive agent. Profiled
 * with `make bench`, a new connection per request would add a TCP handshake to each of them; this
 * counts the connections the sandbox accepts, driving the lifecycle the dynamic-provider host loads.
 */
import type * as Lifecycle from "../../provider/dynamic/lifecycle";
import { configureRequest, requireFromRoot } from "../support/provider";
import { useSandbox } from "../support/sandbox";

const lifecycle = requireFromRoot("pulumi-waapi/internal/instance-lifecycle") as typeof Lifecycle;

const sandbox = useSandbox();

async function configuredProvider(): Promise<ReturnType<typeof Lifecycle.provider>> {
  const provider = lifecycle.provider();
  await provider.configure(configureRequest({ apiToken: sandbox.token, baseUrl: sandbox.baseUrl }));
  return provider;
}

it("one connection carries a create and 20 reads made one after the other", async () => {
  const provider = await configuredProvider();
  const before = sandbox.connectionsAccepted();
  const { id, outs } = await provider.create({ name: "Kept alive" });
  for (let i = 0; i < 20; i++) await provider.read(id, outs);

  expect(sandbox.requests()).toHaveLength(23); // the account's list, POST, PUT, 20 GETs
  expect(sandbox.connectionsAccepted() - before).toBeLessThanOrEqual(1);
});

it("reads 8 at a time (the bench's --parallel 8) open at most 8 connections over 3 rounds", async () => {
  const provider = await configuredProvider();
  const { id, outs } = await provider.create({ name: "Kept alive" });
  const before = sandbox.connectionsAccepted();
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: 8 }, () => provider.read(id, outs)));
  }

  expect(sandbox.requests()).toHaveLength(3 + 24);
  expect(sandbox.connectionsAccepted() - before).toBeLessThanOrEqual(8);
});
