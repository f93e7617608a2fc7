/** The leak check itself: it must find a secret in every form it promises to, and nothing else. */
import { expectNoLeak, findLeaks, secretForms } from "./leaks";

const token = "17|Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789abcd";
const other = "18|Zz9yXw8vUt7sRq6pOn5mLk4jIh3gFe2dCb1aZyXw";

/** [where the secret is, a text holding secret `s` there] */
const embeddings: [string, (s: string) => string][] = [
  ["as it is, in a message", (s) => `request failed with token ${s} attached`],
  ["in an Authorization header", (s) => `Authorization: Bearer ${s}`],
  ["URL-encoded in a query string", (s) => `https://x.example/?token=${encodeURIComponent(s)}&a=1`],
  ["URL-encoded with lower-case escapes", (s) => `?t=${encodeURIComponent(s).replace("%7C", "%7c")}`],
  ["form-encoded", (s) => new URLSearchParams({ user: "me", token: `${s} x` }).toString()],
  ["base64 in a Basic auth header (offset 0)", (s) => `Basic ${Buffer.from(`${s}:`).toString("base64")}`],
  ["base64 in a Basic auth header (offset 1)", (s) => `Basic ${Buffer.from(`u:${s}`).toString("base64")}`],
  ["base64 in a Basic auth header (offset 2)", (s) => `Basic ${Buffer.from(`us:${s}`).toString("base64")}`],
  ["base64url in a JWT-like text", (s) => `eyJ.${Buffer.from(`{"t":"${s}"}`).toString("base64url")}.sig`],
  ["escaped in JSON", (s) => JSON.stringify({ nested: JSON.stringify({ token: s }) })],
];

it.each(embeddings)("finds the secret %s", (_label, embed) => {
  const text = embed(token);
  expect(findLeaks([text], [token])).not.toEqual([]);
  expect(() => expectNoLeak(["clean", text], [token])).toThrow(/leak\(s\) of a secret/);
});

it("finds it inside an error's properties and stack, and says where without repeating it", () => {
  const error = Object.assign(new Error("boom"), { response: { headers: { authorization: token } } });
  expect(() => expectNoLeak([error], [other, token])).toThrow(/secret #1 \(plain\) in text #0/);
  let report = "";
  try {
    expectNoLeak([error], [token]);
  } catch (failure) {
    report = String(failure);
  }
  expect(report).toContain("<SECRET>");
  expect(findLeaks([report], [token])).toEqual([]);
});

it("passes texts that hold other tokens, or none", () => {
  const texts = embeddings.map(([, embed]) => embed(other));
  expect(findLeaks(texts, [token])).toEqual([]);
  expect(() => expectNoLeak([...texts, "", { a: 1 }], [token])).not.toThrow();
});

it("looks for at least the plain, URL-encoded, form-encoded and both base64 forms", () => {
  const forms = secretForms(token).map((entry) => entry.form);
  expect(forms).toEqual(
    expect.arrayContaining([
      "plain",
      "encodeURIComponent",
      "form encoding",
      "base64 (offset 0)",
      "base64 (offset 1)",
      "base64 (offset 2)",
      "base64url (offset 1)",
    ]),
  );
});
