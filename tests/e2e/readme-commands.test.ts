/**
 * The README's commands that no other test runs, run as written: the quick start's `make demo`, twice
 * in a fresh clone (the second run changes nothing); `make sandbox` serving what the demo left; and,
 * in the demo's project with a stack of a test's own, "Use it against the real waapi.app"
 * (`pulumi config set --secret waapi:apiToken`, the token typed on its standard input, then
 * `pulumi up`) and "Large stacks" (`PULUMI_SKIP_CHECKPOINTS=true pulumi refresh --yes`, then `… up
 * --yes`). That stack reaches a test sandbox through `WAAPI_BASE_URL`, the fallback the README names
 * for `waapi:baseUrl`, which it says to leave unset. `make test` itself is run by CI (.ci/run).
 *
 * The clone is of HEAD: uncommitted changes are not part of what runs.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { expectNoLeak } from "../support/leaks";
import { ENVIRONMENT_DECOYS, e2eSecrets, useOfflineStacks } from "../support/pulumi";
import { readmeCommand, readmeSectionCommands } from "../support/readme";
import { useSandbox } from "../support/sandbox";
import { expectSuccess, runShell, userEnvironment, type ShellRun } from "../support/shell";

const REPO = process.cwd();
/** The token `make demo` and `make sandbox` give their sandbox (the README names it). */
const DEMO_TOKEN = "sandbox-demo-token";
const MAKE_TIMEOUT_MS = 20 * 60_000;

const sandbox = useSandbox();
const stacks = useOfflineStacks();
let clone: string;
const running: ChildProcess[] = [];
const caches: string[] = [];

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every file of a folder, as text (a missing folder has none). */
function textsUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"));
}

/**
 * A Pulumi cache as `make demo` leaves it on a machine that ran nothing else: one CLI build with its
 * Node.js host (copied from the CLI on PATH). Returns the cache folder and the build's bin folder.
 */
function cacheWithCliOnly(): { cache: string; bin: string } {
  const pulumi = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  const sdk = (
    JSON.parse(readFileSync(join(REPO, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const cache = mkdtempSync(join(tmpdir(), "waapi-demo-cache-"));
  // The name scripts/install-pulumi.sh gives a build for this SDK version (any CLI version matches).
  const bin = join(cache, `sdk-${sdk}-cli-seeded`, "bin");
  mkdirSync(bin, { recursive: true });
  for (const file of ["pulumi", "pulumi-language-nodejs"])
    copyFileSync(join(dirname(pulumi), file), join(bin, file));
  return { cache, bin };
}

/** The instances `make demo` prints under "What the sandbox holds": `#id name`. */
function demoInstances(run: ShellRun): string[] {
  return [...run.stdout.matchAll(/^ {2}#(\d+) (Support line|Sales line) /gm)].map(
    ([, id, name]) => `${id} ${name}`,
  );
}

beforeAll(async () => {
  clone = join(mkdtempSync(join(tmpdir(), "waapi-readme-")), "pulumi-waapi");
  await promisify(execFile)("git", ["clone", "--quiet", REPO, clone]);
}, 120_000);
afterAll(() => {
  // Whatever of a `make sandbox` still runs (a failed test did not stop it); gone already is fine.
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the process group has exited
    }
  }
  rmSync(join(clone, ".."), { recursive: true, force: true });
  for (const cache of caches) rmSync(cache, { recursive: true, force: true });
});

describe("the quick start, in a fresh clone", () => {
  let demoPort: number;

  it(
    "`make demo` installs, builds and deploys the demo stack; run again, it changes nothing",
    async () => {
      const makeDemo = readmeCommand("make demo");
      demoPort = await freePort();
      // A CI job's environment may hold WAAPI_* variables (the README suggests WAAPI_API_TOKEN): the
      // demo's stack config must win over them.
      // Its Pulumi cache holds the CLI and the Node.js host only (and the pulumi on PATH is not taken):
      // the demo, a TypeScript program, must build no other language host into it.
      const { cache, bin } = cacheWithCliOnly();
      caches.push(cache);
      const env = userEnvironment({
        ...ENVIRONMENT_DECOYS,
        WAAPI_SANDBOX_PORT: String(demoPort),
        WAAPI_PULUMI_CACHE: cache,
        WAAPI_FORCE_PULUMI_BUILD: "1",
      });
      const first = await runShell(makeDemo, { cwd: clone, env, timeoutMs: MAKE_TIMEOUT_MS });
      expectSuccess(makeDemo, first);
      expect(first.stdout).toMatch(/\+ 3 created/); // the stack and two instances
      expect(readdirSync(cache)).toEqual([join(bin, "..").slice(cache.length + 1)]);
      expect(readdirSync(bin).sort()).toEqual([
        "pulumi",
        "pulumi-language-nodejs",
        "pulumi-resource-pulumi-nodejs",
      ]);
      // It waits for its sandbox without printing connection errors.
      expect(first.stdout + first.stderr).not.toMatch(/curl: \(\d+\)/);
      const deployed = demoInstances(first);
      expect(deployed).toHaveLength(2);

      const second = await runShell(makeDemo, { cwd: clone, env, timeoutMs: MAKE_TIMEOUT_MS });
      expectSuccess(makeDemo, second);
      expect(second.stdout).toMatch(/3 unchanged/);
      expect(second.stdout).not.toMatch(/\d+ (created|updated|deleted)/);
      expect(demoInstances(second)).toEqual(deployed);

      expectNoLeak(
        [
          first,
          second,
          ...textsUnder(join(clone, ".pulumi-state")),
          readFileSync(join(clone, "Pulumi.demo.yaml")),
        ],
        [DEMO_TOKEN, ...e2eSecrets()],
      );
    },
    2 * MAKE_TIMEOUT_MS,
  );

  it(
    "`make sandbox` serves the demo's instances in the foreground until stopped",
    async () => {
      const makeSandbox = readmeCommand("make sandbox");
      const child = spawn("bash", ["-c", makeSandbox], {
        cwd: clone,
        env: userEnvironment({ WAAPI_SANDBOX_PORT: String(demoPort) }),
        detached: true, // its own process group: make, npm and node stop together
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.push(child);
      let printed = "";
      child.stdout.on("data", (chunk) => (printed += String(chunk)));
      child.stderr.on("data", (chunk) => (printed += String(chunk)));

      // `make sandbox` builds first, then listens: ask until it answers.
      const url = `http://127.0.0.1:${demoPort}/api/v1/instances`;
      const deadline = Date.now() + 10 * 60_000;
      let answer: { instances: { name: string }[] } | undefined;
      while (answer === undefined && Date.now() < deadline && child.exitCode === null) {
        const response = await fetch(url, {
          headers: { Authorization: `Bearer ${DEMO_TOKEN}`, Accept: "application/json" },
        }).catch(() => undefined);
        if (response?.ok) answer = (await response.json()) as { instances: { name: string }[] };
        else await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (answer === undefined) throw new Error(`make sandbox did not answer on ${url}:\n${printed}`);
      expect(answer.instances.map((instance) => instance.name).sort()).toEqual([
        "Sales line",
        "Support line",
      ]);

      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      await new Promise((resolve) => child.once("close", resolve));
      expectNoLeak([printed], e2eSecrets());
    },
    15 * 60_000,
  );

  it(
    "the README's `pulumi config set --secret` and `pulumi up`, then the large-stack runs without checkpoints",
    async () => {
      const [setToken, up, ...rest] = readmeSectionCommands("Use it against the real waapi.app");
      expect([setToken, up, rest]).toEqual(["pulumi config set --secret waapi:apiToken", "pulumi up", []]);
      const [refreshWithoutCheckpoints, upWithoutCheckpoints] = readmeSectionCommands("Large stacks");
      const env = userEnvironment({
        ...stacks.env(),
        WAAPI_BASE_URL: sandbox.baseUrl, // waapi:baseUrl stays unset, as the README says for the real service
        PULUMI_SKIP_CONFIRMATIONS: "true", // `pulumi up` as written, without a terminal to answer its prompt
      });
      const run = async (command: string, input?: string): Promise<ShellRun> => {
        const result = await runShell(command, { cwd: clone, env, input, timeoutMs: MAKE_TIMEOUT_MS });
        stacks.note(result.stdout);
        stacks.note(result.stderr);
        expectSuccess(command, result);
        return result;
      };
      const writes = () => sandbox.requests().filter((request) => request.method !== "GET");

      await run("pulumi stack init readme-prod"); // the README's reader has a stack already
      await run(setToken ?? "", sandbox.token); // typed at the prompt
      expect(readFileSync(join(clone, "Pulumi.readme-prod.yaml"), "utf8")).toMatch(
        /waapi:apiToken:\s+secure:/,
      );
      await run(up ?? "");
      // WAAPI's ids, and so the sandbox's order, follow whichever create the engine ran first.
      const webhooks = () =>
        Object.fromEntries(sandbox.instances().map((instance) => [instance.name, instance.webhook_url]));
      const declared = {
        "Support line": "https://hooks.example.com/waapi/support",
        "Sales line": "https://hooks.example.com/waapi/sales",
      };
      expect(webhooks()).toEqual(declared);

      // Someone changes the support line by hand; the refresh records it, the up puts it back.
      const support = sandbox.instances().find((instance) => instance.name === "Support line");
      if (support === undefined) throw new Error("no support line deployed");
      sandbox.changeInstance(support.id, { webhook_url: "https://changed-by-hand.example.com/hook" });
      sandbox.clearRequests();
      await run(refreshWithoutCheckpoints ?? "");
      expect(writes()).toEqual([]);
      const exported = await run("pulumi stack export");
      expect(exported.stdout).toContain("https://changed-by-hand.example.com/hook");
      await run(upWithoutCheckpoints ?? "");
      expect(writes().map((request) => `${request.method} ${request.path}`)).toEqual([
        `PUT /api/v1/instances/${support.id}`,
      ]);
      expect(webhooks()).toEqual(declared);

      await run("pulumi destroy --yes && pulumi stack rm --yes readme-prod");
      expect(sandbox.instances()).toEqual([]);
    },
    20 * 60_000,
  );
});
