import { RequestPacer } from "./pacer";

/** A clock that only moves when someone sleeps; records when each admitted request starts. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe("RequestPacer", () => {
  it("admits at once when neither pacing nor a 429 holds requests back", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer(clock);
    for (let i = 0; i < 5; i++) await pacer.admit();
    expect(clock.now()).toBe(0);
  });

  it("spaces requests evenly at maxRequestsPerMinute", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer({ ...clock, maxRequestsPerMinute: 60 });
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.admit();
      starts.push(clock.now());
    }
    expect(starts).toEqual([0, 1000, 2000, 3000]);
  });

  it("holds every request back after a 429, not only the one that got it", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer(clock);
    pacer.pause(2000);
    await pacer.admit();
    expect(clock.now()).toBe(2000);
    await pacer.admit(); // the pause is over: the next goes at once
    expect(clock.now()).toBe(2000);
  });

  it("keeps the longer of two pauses", async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer(clock);
    pacer.pause(3000);
    pacer.pause(1000);
    await pacer.admit();
    expect(clock.now()).toBe(3000);
  });

  it("refuses a pace that is not a positive number", () => {
    expect(() => new RequestPacer({ maxRequestsPerMinute: 0 })).toThrow(/above 0/);
  });
});
