import { RateLimiter } from "./rate-limit";
import { startSandbox } from "./sandbox";

describe("RateLimiter", () => {
  it("spaces requests evenly with a burst of 1, and says when the next is due", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    limiter.set({ requestsPerMinute: 60, burst: 1 });
    expect(limiter.take()).toBeUndefined();
    expect(limiter.take()).toBe(1); // the next token comes in 1 s
    now += 999;
    expect(limiter.take()).toBe(1);
    now += 1;
    expect(limiter.take()).toBeUndefined();
  });

  it("lets a burst through after a quiet spell, then paces", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    limiter.set({ requestsPerMinute: 6, burst: 3 });
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([undefined, undefined, undefined]);
    expect(limiter.take()).toBe(10);
    now += 10_000;
    expect(limiter.take()).toBeUndefined();
  });

  it("is off unless set, and can be lifted", () => {
    const limiter = new RateLimiter();
    expect(limiter.take()).toBeUndefined();
    limiter.set({ requestsPerMinute: 1 });
    limiter.take();
    limiter.take();
    expect(limiter.take()).toBeGreaterThan(0);
    limiter.set(undefined);
    expect(limiter.take()).toBeUndefined();
  });

  it("refuses nonsense", () => {
    expect(() => new RateLimiter().set({ requestsPerMinute: 0 })).toThrow(/above 0/);
    expect(() => new RateLimiter().set({ requestsPerMinute: 1, burst: 0 })).toThrow(/at least 1/);
  });
});

it("the sandbox answers 429 with Retry-After beyond its rate, as WAAPI does", async () => {
  const sandbox = await startSandbox({ rateLimit: { requestsPerMinute: 60, burst: 1 } });
  try {
    const headers = { authorization: `Bearer ${sandbox.createToken()}`, accept: "application/json" };
    const first = await fetch(`${sandbox.baseUrl}/instances`, { headers });
    const second = await fetch(`${sandbox.baseUrl}/instances`, { headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(await second.json()).toEqual({ message: "Too Many Attempts." });
    expect(sandbox.requests().map((request) => request.status)).toEqual([200, 429]);
  } finally {
    await sandbox.close();
  }
});
