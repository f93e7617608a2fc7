/**
 * The floor: the minimal requests an operation needs, made by a plain script (fetch, which keeps
 * connections alive), FLOOR_PARALLELISM at a time — what any tool would pay for the same work.
 * The floor's instances are its own: "create" makes `count`, the later operations use them.
 */
export const FLOOR_PARALLELISM = 8;

export type FloorOperation = "create" | "refresh" | "update" | "destroy";

async function inPool(count: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(FLOOR_PARALLELISM, count) }, worker));
}

export class Floor {
  private ids: number[] = [];
  private generation = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Runs one operation over `count` instances and returns its wall-clock milliseconds. */
  async run(count: number, operation: FloorOperation): Promise<number> {
    const started = performance.now();
    if (operation === "create") {
      this.ids = new Array<number>(count);
      await inPool(count, async (index) => {
        const created = (await this.call("POST", "/instances")) as { instance: { id: number } };
        this.ids[index] = created.instance.id;
        await this.call("PUT", `/instances/${created.instance.id}`, this.settings(index));
      });
    } else if (operation === "refresh") {
      await inPool(count, (index) => this.call("GET", `/instances/${this.ids[index]}`).then(() => undefined));
    } else if (operation === "update") {
      this.generation += 1;
      await inPool(count, (index) =>
        this.call("PUT", `/instances/${this.ids[index]}`, this.settings(index)).then(() => undefined),
      );
    } else {
      await inPool(count, (index) =>
        this.call("DELETE", `/instances/${this.ids[index]}`).then(() => undefined),
      );
      this.ids = [];
    }
    return performance.now() - started;
  }

  private settings(index: number): unknown {
    const g = this.generation;
    return {
      name: `Floor ${index} g${g}`,
      webhook: { url: `https://hooks.example.com/waapi/${index}/g${g}`, events: ["message", "ready"] },
    };
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`floor: ${method} ${path} answered ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  }
}
