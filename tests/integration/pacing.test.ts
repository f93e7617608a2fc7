/**
 * One pacer per provider process and account: requests of every WaapiInstance it serves are spaced
 * by `waapi:maxRequestsPerMinute`, and a 429 holds all of them back — against a sandbox whose own
 * rate limit would answer 429 to anything faster.
 */
import { configureRequest, loadBuiltPackage, type Provider } from "../support/provider";
import { useSandbox } from "../support/sandbox";

const { WaapiInstanceProvider } = loadBuiltPackage();

const sandbox = useSandbox({ rateLimit: { requestsPerMinute: 120 } }); // one request every 500 ms

async function provider(apiToken: string, maxRequestsPerMinute?: number): Promise<Provider> {
  const request = configureRequest({ apiToken, baseUrl: sandbox.baseUrl });
  const config = request.config;
  const pace = maxRequestsPerMinute === undefined ? undefined : String(maxRequestsPerMinute);
  const p = new WaapiInstanceProvider() as Provider;
  await p.configure({
    ...request,
    config: { ...config, get: (key) => (key === "waapi:maxRequestsPerMinute" ? pace : config.get(key)) },
  });
  return p;
}

it("paced at the sandbox's rate, parallel creates from several provider objects all succeed", async () => {
  const token = sandbox.createToken();
  // Several provider objects of one process: the host may deserialize one per resource.
  const providers = await Promise.all(Array.from({ length: 4 }, () => provider(token, 120)));
  const started = Date.now();
  const created = await Promise.all(providers.map((p, n) => p.create({ name: `Line ${n}` })));
  const seconds = (Date.now() - started) / 1000;

  expect(created).toHaveLength(4);
  expect(sandbox.instances()).toHaveLength(4);
  const statuses = sandbox.requests().map((request) => request.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(9); // one list, 4 × (POST + PUT)
  // Spaced by the shared pacer, the requests meet (almost) no 429: a stray one from timer jitter is
  // waited out by all.
  expect(statuses.filter((status) => status === 429).length).toBeLessThanOrEqual(2);
  expect(seconds).toBeGreaterThanOrEqual(3.5); // 9 requests, 500 ms apart
}, 60_000);

it("unpaced, a 429 makes every request of the process wait out its Retry-After", async () => {
  sandbox.setRateLimit(undefined);
  try {
    const token = sandbox.createToken();
    const p = await provider(token);
    const [a, b] = [await p.create({ name: "A" }), await p.create({ name: "B" })];
    sandbox.clearRequests();
    sandbox.injectFault({
      kind: "respond",
      match: `GET /instances/${a.id}`,
      status: 429,
      headers: { "Retry-After": "2" },
    });
    const first = p.read(a.id, {}); // meets the 429
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await p.read(b.id, {}); // sent after the 429: held back although its own path is not limited
    const waited = Date.now() - started;
    await first;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(sandbox.requests().map((request) => request.status)).toEqual([429, 200, 200]);
  } finally {
    sandbox.setRateLimit({ requestsPerMinute: 120 });
  }
}, 60_000);
