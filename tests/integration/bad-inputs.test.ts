/**
 * Bad input is stopped by `check`, before anything reaches WAAPI: each case names the failure it must
 * produce, and the sandbox proves that no request was sent.
 */
import { startSandbox, type Sandbox } from "../../sandbox";
import { configuredProvider, loadBuiltPackage, type Provider } from "../support/provider";

const { WaapiInstanceProvider } = loadBuiltPackage();

let sandbox: Sandbox;
let provider: Provider;

beforeAll(async () => {
  sandbox = await startSandbox();
  provider = await configuredProvider(new WaapiInstanceProvider(), {
    apiToken: sandbox.createToken(),
    baseUrl: sandbox.baseUrl,
  });
});
afterAll(async () => {
  await sandbox.close();
});

const ok = { name: "Support line" };

/** [what is wrong, the inputs, the property that must fail, what its reason must say] */
const cases: [string, Record<string, unknown>, string, RegExp][] = [
  ["name missing", {}, "name", /name is required/],
  ["name null", { name: null }, "name", /name is required/],
  ["name empty", { name: "" }, "name", /must not be empty or blank/],
  ["name blank", { name: "   " }, "name", /must not be empty or blank/],
  ["name a number", { name: 42 }, "name", /name must be a string, not a number/],
  ["name a list", { name: ["a"] }, "name", /name must be a string, not a list/],
  ["name an object", { name: { first: "a" } }, "name", /name must be a string, not an object/],
  ["webhookUrl empty", { ...ok, webhookUrl: "" }, "webhookUrl", /omit webhookUrl to have no webhook/],
  ["webhookUrl blank", { ...ok, webhookUrl: "  " }, "webhookUrl", /must not be empty/],
  ["webhookUrl relative", { ...ok, webhookUrl: "/waapi" }, "webhookUrl", /is not an absolute URL/],
  [
    "webhookUrl without scheme",
    { ...ok, webhookUrl: "example.com/waapi" },
    "webhookUrl",
    /not an absolute URL/,
  ],
  [
    "webhookUrl ftp",
    { ...ok, webhookUrl: "ftp://example.com/x" },
    "webhookUrl",
    /must use http or https, not 'ftp'/,
  ],
  ["webhookUrl mailto", { ...ok, webhookUrl: "mailto:ops@example.com" }, "webhookUrl", /not 'mailto'/],
  ["webhookUrl javascript", { ...ok, webhookUrl: "javascript:alert(1)" }, "webhookUrl", /not 'javascript'/],
  ["webhookUrl a number", { ...ok, webhookUrl: 8080 }, "webhookUrl", /must be a string URL, not a number/],
  ["webhookUrl a list", { ...ok, webhookUrl: ["https://a.example"] }, "webhookUrl", /not a list/],
  [
    "webhookUrl with spaces in the host",
    { ...ok, webhookUrl: "https://exa mple.com" },
    "webhookUrl",
    /absolute URL/,
  ],
  [
    "webhookEvents a string",
    { ...ok, webhookEvents: "message" },
    "webhookEvents",
    /must be a list of event names/,
  ],
  ["webhookEvents an object", { ...ok, webhookEvents: { message: true } }, "webhookEvents", /must be a list/],
  ["webhookEvents a typo", { ...ok, webhookEvents: ["mesage"] }, "webhookEvents", /did you mean 'message'\?/],
  [
    "webhookEvents a case slip",
    { ...ok, webhookEvents: ["Ready"] },
    "webhookEvents",
    /did you mean 'ready'\?/,
  ],
  [
    "webhookEvents a near miss",
    { ...ok, webhookEvents: ["group-join"] },
    "webhookEvents",
    /did you mean 'group_join'/,
  ],
  [
    "webhookEvents unknown",
    { ...ok, webhookEvents: ["everything"] },
    "webhookEvents",
    /Valid events: message, /,
  ],
  ["webhookEvents a number", { ...ok, webhookEvents: [1] }, "webhookEvents", /\[0\] must be an event name/],
  [
    "webhookEvents null inside",
    { ...ok, webhookEvents: ["message", null] },
    "webhookEvents",
    /\[1\] must be/,
  ],
  [
    "webhookEvents empty string",
    { ...ok, webhookEvents: [""] },
    "webhookEvents",
    /'' is not a WAAPI webhook event/,
  ],
  [
    "adoptInstanceId negative",
    { ...ok, adoptInstanceId: -5 },
    "adoptInstanceId",
    /numeric id of an existing instance/,
  ],
  ["adoptInstanceId a fraction", { ...ok, adoptInstanceId: 10.5 }, "adoptInstanceId", /numeric id/],
  [
    "adoptInstanceId a word",
    { ...ok, adoptInstanceId: "support" },
    "adoptInstanceId",
    /not the string 'support'/,
  ],
  ["adoptInstanceId zero", { ...ok, adoptInstanceId: 0 }, "adoptInstanceId", /numeric id/],
  [
    "a misspelt input",
    { ...ok, webhookURL: "https://a.example" },
    "webhookURL",
    /did you mean 'webhookUrl'\?/,
  ],
  ["an unknown input", { ...ok, phoneNumber: "+4912345" }, "phoneNumber", /is not a WaapiInstance input/],
  ["an output given as input", { ...ok, owner: "me@example.com" }, "owner", /is not a WaapiInstance input/],
];

describe.each(cases)("%s", (_label, news, property, reason) => {
  it(`fails on '${property}' with a reason that says how to fix it, and sends nothing`, async () => {
    sandbox.clearRequests();
    const result = await provider.check({}, news);
    const failure = result.failures?.find((candidate) => candidate.property === property);
    expect(failure?.reason).toMatch(reason);
    expect(result.failures).toHaveLength(1);
    expect(sandbox.requests()).toEqual([]);
  });
});

it("has at least 25 cases", () => {
  expect(cases.length).toBeGreaterThanOrEqual(25);
});

it("reports every bad property of one resource at once", async () => {
  const result = await provider.check(
    {},
    { name: "", webhookUrl: "nope", webhookEvents: ["nope"], extra: 1 },
  );
  expect(result.failures?.map((failure) => failure.property).sort()).toEqual([
    "extra",
    "name",
    "webhookEvents",
    "webhookUrl",
  ]);
  expect(sandbox.requests()).toEqual([]);
});
