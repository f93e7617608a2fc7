import fc from "fast-check";
import { validateInstanceUpdate, validatePairingRequest } from "../sandbox/validation";
import { checkInstanceInputs, type InstanceInputs } from "./instance/inputs";
import { updateBodyFor } from "./instance/state";
import {
  CONTACT_ID_PATTERN,
  MAX_GROUP_SUBJECT_LENGTH,
  MAX_NAME_LENGTH,
  MAX_WEBHOOK_URL_LENGTH,
  PHONE_NUMBER_DIGITS,
  contactIdFor,
  contactIdProblem,
  groupIdProblem,
  groupSubjectProblem,
  nameProblem,
  phoneNumberProblem,
  webhookUrlProblem,
} from "./rules";
import { isAsServerMade, serverDefaultName } from "./waapi-api";
import { WEBHOOK_EVENTS } from "./waapi-api";

describe("nameProblem", () => {
  it.each([
    ["Support line", undefined],
    ["  Support line  ", undefined],
    ["Ünïcödé ✓ 客服", undefined],
    ["x".repeat(MAX_NAME_LENGTH), undefined],
    ["😀".repeat(MAX_NAME_LENGTH), undefined], // counted in characters, not UTF-16 units
  ])("accepts case %#", (name, expected) => {
    expect(nameProblem(name)).toEqual(expected);
  });

  it.each([
    ["", { kind: "empty" }],
    [" \t\n", { kind: "empty" }],
    ["a\nb", { kind: "control-character", codePoint: 0x0a, index: 1 }],
    ["a\rb", { kind: "control-character", codePoint: 0x0d, index: 1 }],
    ["ab\0", { kind: "control-character", codePoint: 0x00, index: 2 }],
    ["a\tb", { kind: "control-character", codePoint: 0x09, index: 1 }],
    ["a\u007fb", { kind: "control-character", codePoint: 0x7f, index: 1 }],
    ["a\u0085b", { kind: "control-character", codePoint: 0x85, index: 1 }],
    ["x".repeat(MAX_NAME_LENGTH + 1), { kind: "too-long", length: 256, max: MAX_NAME_LENGTH }],
  ])("rejects case %#", (name, expected) => {
    expect(nameProblem(name)).toEqual(expected);
  });
});

describe("webhookUrlProblem", () => {
  it.each([
    "https://hooks.example.com/waapi",
    "http://127.0.0.1:8080/hook?x=1#frag",
    "HTTPS://EXAMPLE.COM",
    "https://user:pw@example.com/x",
    "https://[::1]:8443/x",
    "https://例え.jp/パス",
  ])("accepts %j", (url) => {
    expect(webhookUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ["", "empty"],
    ["http:example.com/hook", "no-host"],
    ["https:/example.com/x", "no-host"],
    ["https:///x", "no-host"],
    ["https://", "no-host"],
    ["example.com/hook", "not-absolute"],
    ["/hook", "not-absolute"],
    ["ftp://example.com", "scheme"],
    ["https://example.com/a b", "whitespace"],
    ["https://example.com/a\u00a0b", "whitespace"],
    ["https://example.com/a\nb", "control-character"],
    ["https://example.com/a\0", "control-character"],
    [`https://example.com/${"a".repeat(MAX_WEBHOOK_URL_LENGTH)}`, "too-long"],
  ])("rejects case %# as %s", (url, kind) => {
    expect(webhookUrlProblem(url)?.kind).toBe(kind);
  });
});

/**
 * The promise the shared rules exist for: `check` is never looser than the sandbox. Generated names,
 * URLs and event lists — plausible ones, broken ones and hostile ones — go through both.
 */
describe("check and the sandbox agree (property-based)", () => {
  const isInstanceInputs = (
    value: Record<string, unknown>,
  ): value is Record<string, unknown> & InstanceInputs => typeof value["name"] === "string";
  const controlCharacter = fc.oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.constant(0x7f),
    fc.integer({ min: 0x80, max: 0x9f }),
  );
  const awkward = fc.oneof(
    controlCharacter.map((code) => String.fromCodePoint(code)),
    fc.constantFrom(" ", "\u00a0", "\u2028", "\ufeff", "😀", "/", ":", "//", "?", "#", "@", "%", "[", "]"),
  );
  /** A string with awkward characters spliced in at random places. */
  const spliced = (base: fc.Arbitrary<string>) =>
    fc.tuple(base, fc.array(fc.tuple(fc.nat(), awkward), { maxLength: 3 })).map(([text, insertions]) =>
      insertions.reduce((out, [at, piece]) => {
        const i = at % (out.length + 1);
        return out.slice(0, i) + piece + out.slice(i);
      }, text),
    );

  const names = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    spliced(fc.string({ maxLength: 20 })),
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.integer({ min: MAX_NAME_LENGTH - 3, max: MAX_NAME_LENGTH + 3 }).map((n) => "n".repeat(n)),
    fc.integer({ min: MAX_NAME_LENGTH - 2, max: MAX_NAME_LENGTH + 2 }).map((n) => "é".repeat(n)),
  );
  const schemes = fc.constantFrom("http", "https", "HTTP", "ftp", "javascript", "mailto", "");
  const separators = fc.constantFrom("://", ":/", ":", ":///", "//", "");
  const urls = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    spliced(fc.webUrl()),
    fc
      .tuple(schemes, separators, fc.domain(), fc.webPath())
      .map(([scheme, separator, host, path]) => `${scheme}${separator}${host}${path}`),
    fc.string({ maxLength: 30 }),
    fc
      .integer({ min: MAX_WEBHOOK_URL_LENGTH - 30, max: MAX_WEBHOOK_URL_LENGTH + 3 })
      .map((n) => `https://example.com/${"p".repeat(n - 20)}`),
  );
  const events = fc.array(
    fc.oneof(fc.constantFrom(...WEBHOOK_EVENTS), spliced(fc.constantFrom(...WEBHOOK_EVENTS)), fc.string()),
    { maxLength: 4 },
  );
  const declaration = fc.record({ name: names, webhookUrl: urls, webhookEvents: events });

  const sandboxField = (field: string): string =>
    field === "name" ? "name" : field === "webhook.url" ? "webhookUrl" : "webhookEvents";

  it("whatever the sandbox would answer 422, check has rejected first, naming the property", () => {
    let rejected = 0;
    fc.assert(
      fc.property(declaration, ({ name, webhookUrl, webhookEvents }) => {
        // The values as a user declared them, sent to the sandbox unchanged.
        const verdict = validateInstanceUpdate({ name, webhook: { url: webhookUrl, events: webhookEvents } });
        const { failures } = checkInstanceInputs({ name, webhookUrl, webhookEvents });
        if (!verdict.ok) {
          rejected++;
          const failed = new Set(failures.map((failure) => failure.property));
          for (const field of Object.keys(verdict.errors)) expect(failed).toContain(sandboxField(field));
        }
      }),
      { numRuns: 1500 },
    );
    expect(rejected).toBeGreaterThan(150); // the sandbox really said 422 to many of them
  });

  it("whatever check accepts, the sandbox accepts as the provider sends it", () => {
    // Mostly plausible values, so that most runs get past check and reach the sandbox.
    const plausible = fc.record({
      name: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), names),
      webhookUrl: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), urls),
      webhookEvents: events,
    });
    let accepted = 0;
    const runs = 1000;
    fc.assert(
      fc.property(plausible, (declared) => {
        const { inputs, failures } = checkInstanceInputs(declared);
        if (failures.length > 0 || !isInstanceInputs(inputs)) return;
        accepted++;
        const body = JSON.parse(JSON.stringify(updateBodyFor(inputs)));
        expect(validateInstanceUpdate(body)).toMatchObject({ ok: true });
      }),
      { numRuns: runs },
    );
    expect(accepted).toBeGreaterThan(runs / 10); // the property was not vacuous
  });
});

describe("isAsServerMade", () => {
  const made = { id: 1001, name: serverDefaultName(1001), webhook_url: null, webhook_events: [] };
  test("the server's default name, no webhook, no events", () => {
    expect(isAsServerMade(made)).toBe(true);
    expect(isAsServerMade({ ...made, webhook_url: "" })).toBe(true);
  });
  test("any setting a PUT gives makes it touched", () => {
    expect(isAsServerMade({ ...made, name: "Support line" })).toBe(false);
    expect(isAsServerMade({ ...made, name: serverDefaultName(1002) })).toBe(false);
    expect(isAsServerMade({ ...made, webhook_url: "https://hooks.example.com/a" })).toBe(false);
    expect(isAsServerMade({ ...made, webhook_events: ["message"] })).toBe(false);
  });
});

describe("phoneNumberProblem", () => {
  it.each(["50664083362", " 50664083362 ", "4915112345678", "6831234", "123456789012345"])(
    "accepts %j",
    (phoneNumber) => {
      expect(phoneNumberProblem(phoneNumber)).toBeUndefined();
    },
  );

  it.each([
    ["", { kind: "empty" }],
    ["   ", { kind: "empty" }],
    ["+50664083362", { kind: "symbol", codePoint: 0x2b, index: 0 }],
    ["506 6408 3362", { kind: "symbol", codePoint: 0x20, index: 3 }],
    ["506-64083362", { kind: "symbol", codePoint: 0x2d, index: 3 }],
    ["(506)64083362", { kind: "symbol", codePoint: 0x28, index: 0 }],
    ["５０６６４０８３３６２", { kind: "symbol", codePoint: 0xff15, index: 0 }], // full-width digits are not digits here
    ["064083362", { kind: "leading-zero" }],
    ["123456", { kind: "too-short", length: 6, min: PHONE_NUMBER_DIGITS.min }],
    ["1234567890123456", { kind: "too-long", length: 16, max: PHONE_NUMBER_DIGITS.max }],
  ])("rejects %j", (phoneNumber, expected) => {
    expect(phoneNumberProblem(phoneNumber)).toEqual(expected);
  });

  it("the sandbox answers 422 exactly for the strings the rule refuses", () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9+ ()-]{0,18}$/), fc.string()), (phoneNumber) => {
        const refused = phoneNumberProblem(phoneNumber) !== undefined;
        expect(validatePairingRequest({ phoneNumber }).ok).toBe(!refused);
      }),
    );
  });
});

describe("group ids, contact ids and subjects", () => {
  it.each(["50664083362@c.us", " 1@c.us "])("a contact id: %j", (id) => {
    expect(contactIdProblem(id)).toBeUndefined();
  });

  it.each([
    ["", { kind: "empty" }],
    ["50664083362", { kind: "pattern", pattern: CONTACT_ID_PATTERN.source }],
    ["+50664083362@c.us", { kind: "pattern", pattern: CONTACT_ID_PATTERN.source }],
    ["50664083362@g.us", { kind: "pattern", pattern: CONTACT_ID_PATTERN.source }],
    ["50664083362@c_us", { kind: "pattern", pattern: CONTACT_ID_PATTERN.source }],
  ])("not a contact id: %j", (id, expected) => {
    expect(contactIdProblem(id)).toEqual(expected);
  });

  it.each(["120363041234567890@g.us", "4915100001001-1612345678@g.us"])("a group id: %j", (id) => {
    expect(groupIdProblem(id)).toBeUndefined();
  });

  it.each(["", "120363041234567890", "1@c.us", "a@g.us", "1-@g.us", "../1@g.us"])(
    "not a group id: %j",
    (id) => {
      expect(groupIdProblem(id)).toBeDefined();
    },
  );

  it("a subject: 1 to 100 characters after trimming, no control characters", () => {
    expect(groupSubjectProblem(" On call ")).toBeUndefined();
    expect(groupSubjectProblem("é".repeat(MAX_GROUP_SUBJECT_LENGTH))).toBeUndefined();
    expect(groupSubjectProblem("  ")).toEqual({ kind: "empty" });
    expect(groupSubjectProblem("a\tb")).toEqual({ kind: "control-character", codePoint: 9, index: 1 });
    expect(groupSubjectProblem("a".repeat(101))).toEqual({ kind: "too-long", length: 101, max: 100 });
  });
});

describe("contactIdFor", () => {
  it.each([
    ["+1 555 010 0200", "15550100200@c.us"],
    ["15550100200", "15550100200@c.us"],
    [" 15550100200@c.us ", "15550100200@c.us"],
    ["+44 (20) 7946-0958", "442079460958@c.us"],
    ["+49.151.2345.6789", "4915123456789@c.us"],
  ])("reads %j as %s", (member, contactId) => {
    expect(contactIdFor(member)).toEqual({ contactId });
  });

  it.each([
    ["", { kind: "empty" }],
    ["+", { kind: "empty" }],
    ["1555+0100200", { kind: "symbol", codePoint: 0x2b, index: 4 }],
    ["+1 555 O10 0200", { kind: "symbol", codePoint: 0x4f, index: 7 }],
    ["+15550100200@c.us", { kind: "symbol", codePoint: 0x2b, index: 0 }],
    ["020 7946 0958", { kind: "leading-zero" }],
    ["120363041234567890@g.us", { kind: "group-id" }],
    ["15550100200@s.whatsapp.net", { kind: "other-domain", domain: "s.whatsapp.net" }],
  ])("refuses %j", (member, problem) => {
    expect(contactIdFor(member)).toEqual({ problem });
  });

  it("gives only ids that the contract's pattern and the client accept", () => {
    fc.assert(
      fc.property(fc.string(), (member) => {
        const read = contactIdFor(member);
        if ("contactId" in read) expect(contactIdProblem(read.contactId)).toBeUndefined();
      }),
    );
  });
});
