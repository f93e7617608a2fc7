/**
 * One rule per fact: the base URL and the instance id are each judged in rules.ts, and every place
 * that takes one — the settings both doors read, the client, check, and the native plugin — agrees
 * with it, value for value.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { WaapiClient, WaapiNotFoundError } from "./client";
import { checkInstanceInputs } from "./instance/inputs";
import { ProviderConfig } from "./native/config";
import { invoke } from "./native/functions";
import { baseUrlProblem, isInstanceId } from "./rules";
import { resolveSettings } from "./settings";
import { GET_INSTANCE, GET_INSTANCE_STATUS } from "./tokens";

const BASE_URLS = [
  "https://waapi.app/api/v1",
  "https://waapi.app/api/v1/",
  "http://127.0.0.1:8787/api/v1",
  "http://localhost:8787/api/v1",
  "http://[::1]:8787/api/v1",
  "http://waapi.app/api/v1",
  "HTTP://WAAPI.APP/api/v1",
  "http://localhost.example.com/api/v1",
  "waapi.app/api/v1",
  "ftp://waapi.app/api/v1",
  "https://waapi.app/api/v1?x=1",
  "https://waapi.app/api/v1#top",
  "not a url",
];

describe.each(BASE_URLS)("base URL %s", (baseUrl) => {
  const usable = baseUrlProblem(baseUrl) === undefined;

  it(`settings ${usable ? "take" : "refuse"} it`, () => {
    const attempt = () =>
      resolveSettings({ get: (key) => (key === "waapi:baseUrl" ? baseUrl : undefined) }, {});
    if (usable) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(/base URL/);
  });

  it(`the client ${usable ? "takes" : "refuses"} it`, () => {
    const attempt = () => new WaapiClient({ apiToken: "token", baseUrl });
    if (usable) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(TypeError);
  });

  it(`the plugin's CheckConfig ${usable ? "takes" : "refuses"} it`, async () => {
    const request = new rpc.CheckRequest().setNews(Struct.fromJavaScript({ baseUrl }));
    const failures = (await new ProviderConfig().checkConfig(request)).getFailuresList();
    expect(failures.map((failure) => failure.getProperty())).toEqual(usable ? [] : ["baseUrl"]);
  });
});

describe("instance ids", () => {
  let server: Server;
  let requests = 0;
  let baseUrl = "";
  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const IDS = [1, 42, Number.MAX_SAFE_INTEGER, 0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2];

  it.each(IDS)("%p: the client, check and the plugin's functions agree with the rule", async (id) => {
    const valid = isInstanceId(id);

    // The client: a valid id is sent (and answered 404 here), an invalid one is refused unsent.
    const before = requests;
    const client = new WaapiClient({ apiToken: "token", baseUrl, retry: { limit: 0 } });
    await expect(client.getInstance(id)).rejects.toThrow(valid ? WaapiNotFoundError : TypeError);
    expect(requests - before).toBe(valid ? 1 : 0);

    // check (adoptInstanceId) names the property when the id is invalid, and only then.
    const { failures } = checkInstanceInputs({ name: "Support line", adoptInstanceId: id });
    expect(failures.map((failure) => failure.property)).toEqual(valid ? [] : ["adoptInstanceId"]);

    // The plugin's functions: a check failure, or (no token configured) the call itself fails.
    for (const token of [GET_INSTANCE, GET_INSTANCE_STATUS]) {
      const request = new rpc.InvokeRequest()
        .setTok(token)
        .setArgs(Struct.fromJavaScript({ instanceId: id }));
      const config = new ProviderConfig();
      const previous = process.env["WAAPI_API_TOKEN"];
      delete process.env["WAAPI_API_TOKEN"];
      try {
        const answer = invoke(config, request);
        if (valid) await expect(answer).rejects.toThrow(/No WAAPI API token/);
        else expect((await answer).getFailuresList().map((f) => f.getProperty())).toEqual(["instanceId"]);
      } finally {
        if (previous !== undefined) process.env["WAAPI_API_TOKEN"] = previous;
      }
    }
  });
});
