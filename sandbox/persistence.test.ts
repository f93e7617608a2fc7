/** The data file: restarts resume the state, tokens are stored only hashed, and writes are atomic. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox } from "./index";
import { writeFileAtomic, type AtomicWriteOps } from "./persistence";
import { hashToken } from "./store";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "waapi-sandbox-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function headers(token: string): Record<string, string> {
  return { Accept: "application/json", Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
}

test("a restarted sandbox resumes instances, limits, accounts, tokens and the id sequence", async () => {
  const dataFile = path.join(dir, "state.json");
  const first = await startSandbox({ dataFile, instanceLimit: 3, owner: "persist@example.com" });
  const token = first.createToken(["read", "create", "update", "delete"], { name: "kept" });
  first.createAccount({ id: "other", owner: "other@example.com", instanceLimit: 1, isTrial: true });
  const created: number[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${first.baseUrl}/instances`, { method: "POST", headers: headers(token) });
    created.push(((await res.json()) as { instance: { id: number } }).instance.id);
  }
  const [a = 0, b = 0] = created;
  await fetch(`${first.baseUrl}/instances/${a}`, {
    method: "PUT",
    headers: headers(token),
    body: JSON.stringify({ name: "kept", webhook: { url: "https://h.example/x", events: ["qr"] } }),
  });
  await fetch(`${first.baseUrl}/instances/${b}`, { method: "DELETE", headers: headers(token) });
  first.changeInstance(a, { instanceStatus: "ready" });
  const before = first.instances();
  await first.close();

  // The file's options must not override what the file says (the shrunk limit, the owner).
  const second = await startSandbox({ dataFile, instanceLimit: 50, owner: "ignored@example.com" });
  try {
    expect(second.instances()).toEqual(before);
    expect(second.instanceLimit()).toBe(2);
    expect(second.instances()[0]).toMatchObject({ owner: "persist@example.com", webhook_events: ["qr"] });
    expect(second.instanceLimit("other")).toBe(1);
    const list = await fetch(`${second.baseUrl}/instances`, { headers: headers(token) });
    expect(list.status).toBe(200);
    const status = await fetch(`${second.baseUrl}/instances/${a}/client/status`, { headers: headers(token) });
    expect(await status.json()).toMatchObject({ clientStatus: { instanceStatus: "ready" } });
    const next = await fetch(`${second.baseUrl}/instances`, { method: "POST", headers: headers(token) });
    expect(((await next.json()) as { instance: { id: number } }).instance.id).toBeGreaterThan(b);
    expect(second.requests().map((r) => r.tokenName)).toEqual(["kept", "kept", "kept"]);
  } finally {
    await second.close();
  }
});

test("the file never holds a token in clear, only its SHA-256", async () => {
  const dataFile = path.join(dir, "state.json");
  const given = "given-token-value-7c1e9a";
  const sb = await startSandbox({ dataFile, token: given });
  const generated = sb.createToken();
  await fetch(`${sb.baseUrl}/instances`, { method: "POST", headers: headers(generated) });
  await sb.close();
  const text = fs.readFileSync(dataFile, "utf8");
  for (const value of [given, generated, generated.split("|")[1] ?? generated])
    expect(text).not.toContain(value);
  expect(text).toContain(hashToken(given));
  expect(text).toContain(hashToken(generated));
  if (process.platform !== "win32") expect(fs.statSync(dataFile).mode & 0o777).toBe(0o600);
});

test("the start token is registered once however often the sandbox restarts", async () => {
  const dataFile = path.join(dir, "state.json");
  for (let i = 0; i < 3; i++) await (await startSandbox({ dataFile, token: "same-token" })).close();
  const state = JSON.parse(fs.readFileSync(dataFile, "utf8")) as { tokens: unknown[] };
  expect(state.tokens).toHaveLength(1);
});

test("after many mutations no temp file is left beside the data file", async () => {
  const dataFile = path.join(dir, "state.json");
  const sb = await startSandbox({ dataFile });
  const token = sb.createToken();
  await Promise.all(
    Array.from({ length: 5 }, () =>
      fetch(`${sb.baseUrl}/instances`, { method: "POST", headers: headers(token) }),
    ),
  );
  await sb.close();
  expect(fs.readdirSync(dir)).toEqual(["state.json"]);
  expect((JSON.parse(fs.readFileSync(dataFile, "utf8")) as { instances: unknown[] }).instances).toHaveLength(
    5,
  );
});

test("a corrupt data file stops the sandbox from starting instead of being overwritten", async () => {
  const dataFile = path.join(dir, "state.json");
  fs.writeFileSync(dataFile, "{ not json");
  await expect(startSandbox({ dataFile })).rejects.toThrow(/cannot load .*state\.json/);
  expect(fs.readFileSync(dataFile, "utf8")).toBe("{ not json");
  fs.writeFileSync(dataFile, JSON.stringify({ version: 1, nextInstanceId: 1, nextTokenId: 1, accounts: {} }));
  await expect(startSandbox({ dataFile })).rejects.toThrow(/accounts: not an array/);
});

/** Real file operations, with a record of each step and an optional failure at one of them. */
function recordingOps(steps: string[], failAt?: keyof AtomicWriteOps): AtomicWriteOps {
  const step = (name: keyof AtomicWriteOps, detail: string): void => {
    steps.push(`${name} ${detail}`);
    if (name === failAt) throw new Error(`simulated crash at ${name}`);
  };
  return {
    openSync: (file, flags, mode) => {
      step("openSync", `${path.basename(path.dirname(file))}/${flags}`);
      return fs.openSync(file, flags, mode);
    },
    writeSync: (fd, data) => {
      step("writeSync", String(data.length));
      return fs.writeSync(fd, data);
    },
    fsyncSync: (fd) => {
      step("fsyncSync", "");
      fs.fsyncSync(fd);
    },
    closeSync: (fd) => {
      steps.push("closeSync ");
      fs.closeSync(fd);
    },
    renameSync: (from, to) => {
      step("renameSync", `${path.dirname(from) === path.dirname(to)} ${path.basename(to)}`);
      fs.renameSync(from, to);
    },
    unlinkSync: (file) => {
      steps.push("unlinkSync ");
      fs.unlinkSync(file);
    },
  };
}

test("an atomic write is temp file in the same directory, write, fsync, close, rename", () => {
  const file = path.join(dir, "state.json");
  const steps: string[] = [];
  writeFileAtomic(file, "new", recordingOps(steps));
  expect(steps).toEqual([
    `openSync ${path.basename(dir)}/wx`,
    "writeSync 3",
    "fsyncSync ",
    "closeSync ",
    "renameSync true state.json",
  ]);
  expect(fs.readFileSync(file, "utf8")).toBe("new");
});

test.each(["writeSync", "fsyncSync", "renameSync"] as const)(
  "a failure at %s leaves the old file whole and no temp file behind",
  (failAt) => {
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, "old");
    const steps: string[] = [];
    expect(() => writeFileAtomic(file, "new", recordingOps(steps, failAt))).toThrow(/simulated crash/);
    expect(fs.readFileSync(file, "utf8")).toBe("old");
    expect(fs.readdirSync(dir)).toEqual(["state.json"]);
    expect(steps.at(-1)).toBe("unlinkSync ");
  },
);
