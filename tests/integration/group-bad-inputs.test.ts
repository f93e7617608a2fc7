/**
 * The whole bad-Group corpus (tests/support/group-bad-inputs.ts) through the native plugin's gRPC
 * Check, the call the engine makes for a YAML or Python program: each case fails on its property,
 * with its reason, and nothing reaches the sandbox. (The e2e test runs one case per property through
 * the real CLI, since the engine stops a run at its first check failure.) And a good declaration on
 * a line no phone has linked: the create fails with the README's words and link command, and makes
 * no group.
 */
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import { WaapiClient } from "../../provider/client";
import { BAD_GROUP_INPUTS, GOOD_GROUP } from "../support/group-bad-inputs";
import { expectNoLeak } from "../support/leaks";
import { call, plain, rpc, startPlugin, struct, type RunningPlugin } from "../support/plugin";
import { issuedTokens, useSandbox } from "../support/sandbox";

const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const TYPE = "waapi:index:Group";
const URN = `urn:pulumi:dev::project::${TYPE}::oncall`;

const sandbox = useSandbox();
let plugin: RunningPlugin;
const seen: unknown[] = [];

beforeAll(async () => {
  plugin = await startPlugin({ WAAPI_API_TOKEN: undefined, WAAPI_BASE_URL: undefined });
});
// Configured against each test's sandbox token, so that a request sent by mistake shows in its log.
beforeEach(async () => {
  const args = struct({
    apiToken: { [SECRET_KEY]: SECRET_SIG, value: sandbox.token },
    baseUrl: sandbox.baseUrl,
  });
  await call<ProviderPb.ConfigureResponse>((done) =>
    plugin.client.configure(new rpc.ConfigureRequest().setArgs(args).setAcceptsecrets(true), done),
  );
});
afterAll(async () => {
  await plugin.stop();
  expectNoLeak([plugin.stderr(), ...seen], issuedTokens());
});

async function check(news: Record<string, unknown>) {
  const request = new rpc.CheckRequest().setUrn(URN).setType(TYPE).setOlds(struct({})).setNews(struct(news));
  const response = await call<ProviderPb.CheckResponse>((done) => plugin.client.check(request, done));
  seen.push(response.toObject());
  return {
    inputs: plain(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

it("the good declaration the corpus starts from passes", async () => {
  expect((await check({ ...GOOD_GROUP })).failures).toEqual([]);
});

it(`the corpus has at least 25 cases (${BAD_GROUP_INPUTS.length})`, () => {
  expect(BAD_GROUP_INPUTS.length).toBeGreaterThanOrEqual(25);
});

it.each(BAD_GROUP_INPUTS.map((c) => [c.title, c] as const))(
  "%s: refused in check, nothing sent",
  async (_title, c) => {
    sandbox.clearRequests();
    const { failures } = await check(c.inputs);
    expect(failures).toEqual(
      expect.arrayContaining([{ property: c.property, reason: expect.stringContaining(c.says) }]),
    );
    expect(sandbox.requests()).toEqual([]);
  },
);

it("a group on a line no phone has linked: create fails naming the link command, and makes no group", async () => {
  const { id } = await new WaapiClient({
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
  }).createInstance();
  const { inputs, failures } = await check({ ...GOOD_GROUP, instanceId: id });
  expect(failures).toEqual([]);
  sandbox.clearRequests();
  const request = new rpc.CreateRequest().setUrn(URN).setType(TYPE).setProperties(struct(inputs));
  const error = await call<ProviderPb.CreateResponse>((done) => plugin.client.create(request, done)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  seen.push(error);
  expect(String(error)).toMatch(new RegExp(`Instance ${id}'s WhatsApp line is not linked \\(status \\w+\\)`));
  expect(String(error)).toContain(`\`npx pulumi-waapi link ${id}\``);
  // WAAPI itself refuses the call on a line that is not ready (its answer, not a guess by the
  // client); the refused call is sent once, not repeated.
  expect(sandbox.requests().filter((r) => r.path.endsWith("/client/action/create-group"))).toHaveLength(1);
  expect(sandbox.groups(id)).toEqual([]);
});
