/**
 * Bad input is stopped by `check`, before anything reaches WAAPI: each case names the failure it must
 * produce, and the sandbox proves that no request was sent.
 */
import { configuredProvider, loadBuiltPackage, type Provider } from "../support/provider";
import { useSandbox } from "../support/sandbox";

const { WaapiInstanceProvider } = loadBuiltPackage();

const sandbox = useSandbox();
let provider: Provider;

beforeEach(async () => {
  provider = await configuredProvider(new WaapiInstanceProvider(), {
    apiToken: sandbox.token,
    baseUrl: sandbox.baseUrl,
  });
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
  ["name a boolean", { name: true }, "name", /name must be a string, not a boolean/],
  // Control characters inside a name (at its ends they are trimmed: see the normalised cases).
  [
    "name with a line feed",
    { name: "Support\nline" },
    "name",
    /a line feed \(U\+000A\) at position 8: a display name is one line/,
  ],
  [
    "name with a carriage return",
    { name: "Support\r\nline" },
    "name",
    /a carriage return \(U\+000D\) at position 8/,
  ],
  [
    "name with a NUL",
    { name: "Support\0" },
    "name",
    /a NUL character \(U\+0000\) at position 8: a display name is one line/,
  ],
  ["name with a tab", { name: "Support\tline" }, "name", /a tab \(U\+0009\)/],
  ["name with a DEL", { name: "Support\u007fline" }, "name", /a DEL character \(U\+007F\)/],
  ["name with an escape", { name: "\u001b[31mred" }, "name", /\(U\+001B\) at position 1/],
  ["name with a C1 control", { name: "Support\u0085line" }, "name", /\(U\+0085\)/],
  [
    "name over 255 characters",
    { name: "x".repeat(256) },
    "name",
    /name is 256 characters long; WAAPI takes at most 255: shorten it/,
  ],
  ["name over 255 emoji", { name: "📞".repeat(300) }, "name", /name is 300 characters long/],
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
    /contains a space \(U\+0020\) at position 12: a URL has no blanks/,
  ],
  // Scheme-less and malformed URLs that WHATWG parsing would take but Laravel's url rule refuses.
  [
    "webhookUrl http: without //",
    { ...ok, webhookUrl: "http:example.com/hook" },
    "webhookUrl",
    /has no host/,
  ],
  [
    "webhookUrl https:/ with one slash",
    { ...ok, webhookUrl: "https:/example.com/x" },
    "webhookUrl",
    /has no host/,
  ],
  ["webhookUrl with an empty host", { ...ok, webhookUrl: "https:///x" }, "webhookUrl", /has no host/],
  ["webhookUrl only a scheme", { ...ok, webhookUrl: "https://" }, "webhookUrl", /has no host/],
  [
    "webhookUrl protocol-relative",
    { ...ok, webhookUrl: "//example.com/x" },
    "webhookUrl",
    /not an absolute URL/,
  ],
  [
    "webhookUrl host:port without scheme",
    { ...ok, webhookUrl: "localhost:8080/x" },
    "webhookUrl",
    /not 'localhost'/,
  ],
  ["webhookUrl data:", { ...ok, webhookUrl: "data:text/html,hi" }, "webhookUrl", /not 'data'/],
  // Control characters and blanks inside a URL.
  [
    "webhookUrl with a line feed",
    { ...ok, webhookUrl: "https://example.com/a\nb" },
    "webhookUrl",
    /a line feed \(U\+000A\) at position 22: a URL cannot hold control characters/,
  ],
  [
    "webhookUrl with a carriage return",
    { ...ok, webhookUrl: "https://example.com/\r\nX-Injected: 1" },
    "webhookUrl",
    /a carriage return \(U\+000D\)/,
  ],
  [
    "webhookUrl with a NUL",
    { ...ok, webhookUrl: "https://example.com/\0" },
    "webhookUrl",
    /a NUL character \(U\+0000\)/,
  ],
  [
    "webhookUrl with a tab",
    { ...ok, webhookUrl: "https://example.com/a\tb" },
    "webhookUrl",
    /a tab \(U\+0009\)/,
  ],
  [
    "webhookUrl with a DEL",
    { ...ok, webhookUrl: "https://example.com/\u007f" },
    "webhookUrl",
    /a DEL character \(U\+007F\)/,
  ],
  [
    "webhookUrl with a C1 control",
    { ...ok, webhookUrl: "https://example.com/\u0085" },
    "webhookUrl",
    /\(U\+0085\)/,
  ],
  [
    "webhookUrl with a no-break space",
    { ...ok, webhookUrl: "https://example.com/a\u00a0b" },
    "webhookUrl",
    /\(U\+00A0\).*percent-encode/,
  ],
  [
    "webhookUrl over-long",
    { ...ok, webhookUrl: `https://example.com/${"a".repeat(3000)}` },
    "webhookUrl",
    /is 3020 characters long; WAAPI takes at most 2048/,
  ],
  ["webhookUrl a boolean", { ...ok, webhookUrl: true }, "webhookUrl", /must be a string URL, not a boolean/],
  [
    "webhookUrl an object",
    { ...ok, webhookUrl: { href: "https://a.example" } },
    "webhookUrl",
    /must be a string URL, not an object/,
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
  ["webhookEvents true", { ...ok, webhookEvents: true }, "webhookEvents", /must be a list of event names/],
  [
    "webhookEvents comma-separated",
    { ...ok, webhookEvents: "message,ready" },
    "webhookEvents",
    /must be a list of event names, e.g. \["message", "ready"\]/,
  ],
  [
    "webhookEvents nested lists",
    { ...ok, webhookEvents: [["message"]] },
    "webhookEvents",
    /\[0\] must be an event name, not a list/,
  ],
  [
    "webhookEvents all caps",
    { ...ok, webhookEvents: ["MESSAGE"] },
    "webhookEvents",
    /did you mean 'message'\?/,
  ],
  [
    "webhookEvents with a NUL inside",
    { ...ok, webhookEvents: ["mess\0age"] },
    "webhookEvents",
    /'mess\\u0000age' is not a WAAPI webhook event/,
  ],
  [
    "webhookEvents a retired name",
    { ...ok, webhookEvents: ["message_revoke"] },
    "webhookEvents",
    /did you mean 'message_revoke_me'\?/,
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
  [
    "adoptInstanceId digits and letters",
    { ...ok, adoptInstanceId: "12abc" },
    "adoptInstanceId",
    /not the string '12abc'/,
  ],
  [
    "adoptInstanceId beyond 2^53",
    { ...ok, adoptInstanceId: 2 ** 64 },
    "adoptInstanceId",
    /numeric id of an existing instance/,
  ],
  ["adoptInstanceId a list", { ...ok, adoptInstanceId: [1234] }, "adoptInstanceId", /not a list/],
  ["adoptInstanceId zero", { ...ok, adoptInstanceId: 0 }, "adoptInstanceId", /numeric id/],
  [
    "a misspelt input",
    { ...ok, webhookURL: "https://a.example" },
    "webhookURL",
    /did you mean 'webhookUrl'\?/,
  ],
  ["an unknown input", { ...ok, phoneNumber: "+4912345" }, "phoneNumber", /is not a WaapiInstance input/],
  [
    "a snake_case input",
    { ...ok, webhook_url: "https://a.example" },
    "webhook_url",
    /did you mean 'webhookUrl'\?/,
  ],
  [
    "the API token as an input",
    { ...ok, apiToken: "t" },
    "apiToken",
    /is not a WaapiInstance input; the inputs are name, webhookUrl/,
  ],
  ["an output given as input", { ...ok, owner: "me@example.com" }, "owner", /is not a WaapiInstance input/],
];

describe.each(cases)("%s", (_label, news, property, reason) => {
  it(`fails on '${property}' with a reason that says how to fix it, and sends nothing`, async () => {
    const result = await provider.check({}, news);
    const failure = result.failures?.find((candidate) => candidate.property === property);
    expect(failure?.reason).toMatch(reason);
    expect(result.failures).toHaveLength(1);
    expect(sandbox.requests()).toEqual([]);
    // A webhook URL may be a secret: its failure describes it without quoting it.
    const url = news["webhookUrl"];
    const example = "https://example.com/waapi"; // the example the message gives may contain a short URL
    if (typeof url === "string" && url.trim().length > 3 && !example.includes(url.trim())) {
      expect(failure?.reason).not.toContain(url.trim());
    }
  });
});

it("has at least 50 cases", () => {
  expect(cases.length).toBeGreaterThanOrEqual(50);
});

/** [what is off, the inputs, what check makes of them on purpose] — accepted, normalised, nothing sent. */
const normalised: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    "blanks and a trailing line break around the name",
    { name: "  Support line\r\n" },
    { name: "Support line" },
  ],
  ["a tab before the name", { name: "\tSupport line" }, { name: "Support line" }],
  [
    "blanks around the URL",
    { ...ok, webhookUrl: " https://a.example/x\n" },
    { ...ok, webhookUrl: "https://a.example/x" },
  ],
  ["webhookUrl null: no webhook", { ...ok, webhookUrl: null }, ok],
  ["webhookEvents null where a list is expected: none", { ...ok, webhookEvents: null }, ok],
  [
    "events repeated, unordered, padded",
    { ...ok, webhookEvents: ["ready", " message", "ready\n"] },
    { ...ok, webhookEvents: ["message", "ready"] },
  ],
  [
    "adoptInstanceId as a string of digits",
    { ...ok, adoptInstanceId: " 1234 " },
    { ...ok, adoptInstanceId: 1234 },
  ],
];

describe.each(normalised)("%s", (_label, news, expected) => {
  it("is accepted as the normalised value, and sends nothing", async () => {
    sandbox.clearRequests();
    const result = await provider.check({}, news);
    expect(result.failures ?? []).toEqual([]);
    expect(result.inputs).toEqual(expected);
    expect(sandbox.requests()).toEqual([]);
  });
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
