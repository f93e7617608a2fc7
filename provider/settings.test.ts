import { DEFAULT_BASE_URL } from "./waapi-api";
import { resolveSettings } from "./settings";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveSettings", () => {
  it("prefers stack config to the environment", () => {
    const settings = resolveSettings(
      config({ "waapi:apiToken": "from-config", "waapi:baseUrl": "http://a/api/v1" }),
      {
        WAAPI_API_TOKEN: "from-env",
        WAAPI_BASE_URL: "http://b/api/v1",
      },
    );
    expect(settings).toEqual({ apiToken: "from-config", baseUrl: "http://a/api/v1" });
  });

  it("falls back to the environment, then to the real service, treating blanks as unset", () => {
    expect(resolveSettings(config({ "waapi:apiToken": "  " }), { WAAPI_API_TOKEN: "from-env" })).toEqual({
      apiToken: "from-env",
      baseUrl: DEFAULT_BASE_URL,
    });
    expect(resolveSettings(undefined, {})).toEqual({ apiToken: undefined, baseUrl: DEFAULT_BASE_URL });
  });

  it("gives the base URL without a trailing slash, the form recorded with every instance", () => {
    expect(resolveSettings(config({ "waapi:baseUrl": " http://127.0.0.1:8787/api/v1/ " }), {}).baseUrl).toBe(
      "http://127.0.0.1:8787/api/v1",
    );
  });
});
