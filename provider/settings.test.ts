import { DEFAULT_BASE_URL } from "./waapi-api";
import { InsecureBaseUrlError, isLoopbackHost, resolveSettings } from "./settings";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveSettings", () => {
  it("prefers stack config to the environment", () => {
    const settings = resolveSettings(
      config({ "waapi:apiToken": "from-config", "waapi:baseUrl": "https://a/api/v1" }),
      {
        WAAPI_API_TOKEN: "from-env",
        WAAPI_BASE_URL: "https://b/api/v1",
      },
    );
    expect(settings).toMatchObject({ apiToken: "from-config", baseUrl: "https://a/api/v1" });
  });

  it("falls back to the environment, then to the real service, treating blanks as unset", () => {
    expect(
      resolveSettings(config({ "waapi:apiToken": "  " }), { WAAPI_API_TOKEN: "from-env" }),
    ).toMatchObject({
      apiToken: "from-env",
      baseUrl: DEFAULT_BASE_URL,
    });
    expect(resolveSettings(undefined, {})).toEqual({
      apiToken: undefined,
      baseUrl: DEFAULT_BASE_URL,
      maxRequestsPerMinute: undefined,
      requestTimeoutMs: undefined,
    });
  });

  it("gives the base URL without a trailing slash, the form recorded with every instance", () => {
    expect(resolveSettings(config({ "waapi:baseUrl": " http://127.0.0.1:8787/api/v1/ " }), {}).baseUrl).toBe(
      "http://127.0.0.1:8787/api/v1",
    );
  });
});

describe("the base URL's transport", () => {
  it.each([
    "http://127.0.0.1:8787/api/v1",
    "http://localhost:8787/api/v1",
    "http://[::1]:8787/api/v1",
    "http://127.1.2.3/api/v1",
    "https://waapi.example.com/api/v1",
  ])("allows %s", (baseUrl) => {
    expect(resolveSettings(config({ "waapi:baseUrl": baseUrl }), {}).baseUrl).toBe(baseUrl);
  });

  it.each([
    "http://waapi.app/api/v1",
    "http://10.0.0.5:8787/api/v1",
    "http://localhost.example.com/api/v1",
    "HTTP://WAAPI.APP/api/v1",
  ])("refuses plain HTTP to another machine: %s", (baseUrl) => {
    const attempt = () => resolveSettings(undefined, { WAAPI_BASE_URL: baseUrl });
    expect(attempt).toThrow(InsecureBaseUrlError);
    expect(attempt).toThrow(/token would travel in clear text; nothing was sent\. Use https:\/\//);
    expect(attempt).toThrow(/pulumi config set waapi:baseUrl https:/);
  });

  it("knows loopback when it sees it", () => {
    expect(["localhost", "127.0.0.1", "[::1]", "127.255.0.9"].every(isLoopbackHost)).toBe(true);
    expect(["128.0.0.1", "localhost.evil", "::1", "0.0.0.0", "127.0.0.1.nip.io"].some(isLoopbackHost)).toBe(
      false,
    );
  });
});

describe("pacing and timeout", () => {
  it("reads them from the stack, then the environment", () => {
    const settings = resolveSettings(config({ "waapi:maxRequestsPerMinute": "60" }), {
      WAAPI_MAX_REQUESTS_PER_MINUTE: "30",
      WAAPI_REQUEST_TIMEOUT_MS: "5000",
    });
    expect(settings).toMatchObject({ maxRequestsPerMinute: 60, requestTimeoutMs: 5000 });
  });

  it.each(["0", "-1", "1.5", "sixty"])("refuses %j, naming the key and the fix", (value) => {
    expect(() => resolveSettings(undefined, { WAAPI_MAX_REQUESTS_PER_MINUTE: value })).toThrow(
      /waapi:maxRequestsPerMinute \(or WAAPI_MAX_REQUESTS_PER_MINUTE\) must be a whole number above 0.*pulumi config set/,
    );
  });
});
