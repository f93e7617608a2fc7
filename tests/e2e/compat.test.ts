/**
 * Stacks written by the release before this one keep working. Every WaapiInstance in a user's state
 * holds the provider text its release stored, and the engine runs that text — not the current one —
 * to read and delete the instance: it calls the versioned exports of provider/dynamic/lifecycle.ts
 * by name. The fixture (tests/e2e/fixtures/state-<version>/, made by
 * `scripts/make-compat-fixture.sh <git-ref>` with the release's packed package, see its README) is
 * imported into a fresh stack of its own program, which finds the current package, and then goes
 * through a user's next steps: refresh, an update, destroy.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Sandbox, SandboxRequest } from "../../sandbox";
import { STATE_VERSION, type PersistedState } from "../../sandbox/persistence";
import { requireFromRoot } from "../support/provider";
import { useOfflineStacks, type StackSettings } from "../support/pulumi";
import { withSandbox } from "../support/sandbox";

const FIXTURES = "tests/e2e/fixtures";

/** The one fixture kept: the release before this one's (the script replaces it at each release). */
function fixtureDir(): string {
  const found = readdirSync(FIXTURES).filter((name) => name.startsWith("state-"));
  if (found.length !== 1)
    throw new Error(`expected one ${FIXTURES}/state-* folder, found: ${found.join(", ")}`);
  return join(FIXTURES, String(found[0]));
}

interface Release {
  version: string;
  commit: string;
  /** Where the release's sandbox listened: the state's provider config and outputs name it. */
  sandboxBaseUrl: string;
  /** The token the release's stack config held (encrypted in the state). */
  sandboxToken: string;
}

const FIXTURE = fixtureDir();
const PROGRAM_DIR = join(FIXTURE, "program");
const release = JSON.parse(readFileSync(join(FIXTURE, "release.json"), "utf8")) as Release;
/** A fixture's sandbox.json: the accounts and instances its state refers to. */
type Served = Pick<PersistedState, "accounts" | "instances" | "nextInstanceId">;
const servedBy = (dir: string) => JSON.parse(readFileSync(join(dir, "sandbox.json"), "utf8")) as Served;
const served = servedBy(FIXTURE);

const stacks = useOfflineStacks();
let work: string;
beforeAll(() => void (work = mkdtempSync(join(tmpdir(), "waapi-compat-"))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A sandbox state file serving a fixture's instances again, with their ids, owner and settings. */
function seedFile(name: string, instances: Served): string {
  const file = join(work, name);
  const seed: PersistedState = { version: STATE_VERSION, nextTokenId: 1, tokens: [], ...instances };
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

/** The id of the instance named `name` that a fixture serves. */
function servedId(instances: Served, name: string): number {
  const found = instances.instances.find((record) => record.instance.name === name);
  if (!found) throw new Error(`the fixture serves no instance named ${name}`);
  return found.instance.id;
}

/**
 * A fresh stack of `program` holding `state`: of the stack name its URNs hold (in this file's own
 * backend), through `pulumi stack import`. The file handed to the CLI is removed at once.
 */
async function importState(program: string, state: string, settings: StackSettings): Promise<Stack> {
  const stackName = /"urn:pulumi:([^:]+)::/.exec(state)?.[1];
  const stack = await stacks.create(program, settings, stackName);
  const stateFile = join(work, "import.json");
  writeFileSync(stateFile, state);
  const imported = await stacks.cli(program, ["stack", "import", "--stack", stack.name, "--file", stateFile]);
  rmSync(stateFile);
  // (The whole result in the comparison, so that a failure shows what the CLI printed.)
  expect(imported).toEqual({
    status: 0,
    stdout: expect.any(String),
    stderr: imported.status === 0 ? imported.stderr : "",
  });
  return stack;
}

/** What changed the sandbox: every request but reads. */
function writes(requests: SandboxRequest[]): string[] {
  return requests.filter((request) => request.method !== "GET").map((r) => `${r.method} ${r.path}`);
}

/**
 * `pulumi up` after one config value changed: an update of instance `id` in place (one PUT to it;
 * nothing created, replaced or deleted), the other instance the same.
 */
async function expectOnePut(
  stack: Stack,
  sandbox: Sandbox,
  [key, value]: Parameters<Stack["setConfig"]>,
  id: number,
): Promise<void> {
  await stack.setConfig(key, value);
  sandbox.clearRequests();
  const updated = await stacks.up(stack);
  expect(updated.summary.resourceChanges).toEqual({ same: 2, update: 1 });
  expect(writes(sandbox.requests())).toEqual([`PUT /api/v1/instances/${id}`]);
}

/** `pulumi refresh` reads each of the instances `ids`, changes nothing in the state and writes nothing. */
async function expectQuietRefresh(stack: Stack, sandbox: Sandbox, ids: number[]): Promise<void> {
  sandbox.clearRequests();
  const refreshed = await stacks.refresh(stack);
  expect(refreshed.summary.result).toBe("succeeded");
  expect(refreshed.summary.resourceChanges).toEqual({ same: ids.length + 1 }); // and the stack
  expect(sandbox.requests().map((request) => `${request.method} ${request.path}`)).toEqual(
    expect.arrayContaining(ids.map((id) => `GET /api/v1/instances/${id}`)),
  );
  expect(writes(sandbox.requests())).toEqual([]);
}

it(`a stack deployed by pulumi-waapi ${release.version} is refreshed, updated and destroyed by this version`, async () => {
  const dataFile = seedFile("sandbox-state.json", served);
  await withSandbox({ dataFile, token: release.sandboxToken }, async (sandbox) => {
    const [supportId, salesId] = [servedId(served, "Support line"), servedId(served, "Sales line")];
    expect(sandbox.instances().map((instance) => instance.id)).toEqual(
      expect.arrayContaining([supportId, salesId]),
    );

    // The same API and token as when the release deployed it, at this sandbox's address.
    const state = readFileSync(join(FIXTURE, "state.json"), "utf8");
    const stack = await importState(PROGRAM_DIR, state.replaceAll(release.sandboxBaseUrl, sandbox.baseUrl), {
      apiToken: release.sandboxToken,
      baseUrl: sandbox.baseUrl,
    });
    // Every instance still holds the provider text the release stored; the engine runs that one.
    const before = await stack.exportStack();
    const storedProviders = before.deployment.resources
      .filter((resource: { type: string }) => resource.type === "pulumi-nodejs:dynamic/waapi:Instance")
      .map((resource: { outputs: Record<string, unknown> }) => resource.outputs["__provider"]);
    expect(storedProviders).toHaveLength(2);
    for (const text of storedProviders) expect(text).toContain("lifecycle().read(");

    // refresh: the stored provider reads both instances and finds nothing changed.
    await expectQuietRefresh(stack, sandbox, [supportId, salesId]);

    // up with the secret webhook changed: one PUT, to that instance only; nothing created or deleted.
    const changedUrl = "https://hooks.example.com/sales?key=rotated-key";
    await expectOnePut(stack, sandbox, ["salesWebhook", { value: changedUrl, secret: true }], salesId);
    expect(sandbox.instances()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: salesId, webhook_url: changedUrl }),
        expect.objectContaining({ id: supportId, webhook_url: "https://hooks.example.com/support" }),
      ]),
    );

    // The unchanged instance still holds the release's provider, so destroy deletes it through that.
    const after = await stack.exportStack();
    const support = after.deployment.resources.find((resource: { urn: string }) =>
      resource.urn.endsWith("::support"),
    );
    expect(support.outputs["__provider"]).toEqual(storedProviders[0]);
    expect(support.outputs["__provider"]).toContain("lifecycle().remove(");

    // destroy: one DELETE per instance, none left.
    sandbox.clearRequests();
    const destroyed = await stacks.destroy(stack);
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 3 });
    expect(writes(sandbox.requests()).sort()).toEqual(
      [`DELETE /api/v1/instances/${salesId}`, `DELETE /api/v1/instances/${supportId}`].sort(),
    );
    expect(sandbox.instances()).toEqual([]);
  });
}, 600_000);

/**
 * The engine runs the stored text for configure, read and delete only (check, diff, create and update
 * use the text the program registers now), so the run above cannot see every export that text names.
 * It names them all; each must still be there, as the installed package exports it.
 */
it(`every lifecycle export the provider stored by ${release.version} calls is still exported`, () => {
  const state = JSON.parse(readFileSync(join(FIXTURE, "state.json"), "utf8")) as {
    deployment: { resources: { outputs?: Record<string, unknown> }[] };
  };
  const texts = state.deployment.resources.map((resource) => resource.outputs?.["__provider"]);
  const called = new Set(
    texts.flatMap((text) =>
      typeof text === "string" ? [...text.matchAll(/lifecycle\(\)\.(\w+)\(/g)].map((match) => match[1]) : [],
    ),
  );
  expect([...called].sort()).toEqual(["check", "configure", "create", "diff", "read", "remove", "update"]);
  const lifecycle = requireFromRoot("pulumi-waapi/internal/instance-lifecycle") as Record<string, unknown>;
  const missing = [...called].filter((name) => typeof lifecycle[String(name)] !== "function");
  expect(missing).toEqual([]);
});

/**
 * A YAML stack of native Instances whose state an earlier plugin wrote (tests/e2e/fixtures/native-state/,
 * made by `scripts/make-native-state-fixture.sh <git-ref>`, see release.json for the commit: one
 * before the resource registry). The engine runs today's plugin on it: refresh finds nothing changed,
 * and a changed name is an update in place (one PUT; no create, no replace, no delete).
 */
const NATIVE = join(FIXTURES, "native-state");
const nativeServed = servedBy(NATIVE);
const nativeWrittenBy = (JSON.parse(readFileSync(join(NATIVE, "release.json"), "utf8")) as { commit: string })
  .commit;

it(`a native-door stack written by the plugin of ${nativeWrittenBy.slice(0, 7)} refreshes with no diff and updates in place`, async () => {
  const dataFile = seedFile("native-sandbox-state.json", nativeServed);
  // The fixture holds no token: this run's own, put where the state's provider config had it.
  const token = `native-state-${randomBytes(24).toString("hex")}`;

  await withSandbox({ dataFile, token }, async (sandbox) => {
    const [supportId, salesId] = [
      servedId(nativeServed, "Support line"),
      servedId(nativeServed, "Sales line"),
    ];
    // The state as exported with --show-secrets: import encrypts its secrets (the token too) again.
    const state = readFileSync(join(NATIVE, "state.json"), "utf8")
      .replaceAll("@@WAAPI_API_TOKEN@@", token)
      .replaceAll("@@WAAPI_BASE_URL@@", sandbox.baseUrl);
    const stack = await importState(join(NATIVE, "program"), state, {
      apiToken: token,
      baseUrl: sandbox.baseUrl,
    });

    await expectQuietRefresh(stack, sandbox, [supportId, salesId]);

    // A renamed line: an update of that instance alone, in place.
    await expectOnePut(stack, sandbox, ["salesName", { value: "Sales line (renamed)" }], salesId);
    expect(sandbox.instances()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: salesId, name: "Sales line (renamed)" }),
        expect.objectContaining({ id: supportId, name: "Support line" }),
      ]),
    );
    const after = await stack.exportStack();
    const instances = (after.deployment.resources as { urn: string; type: string; id?: string }[])
      .filter((resource) => resource.type === "waapi:index:Instance")
      .map((resource) => [resource.urn.split("::").pop(), resource.id])
      .sort();
    expect(instances).toEqual([
      ["sales", String(salesId)],
      ["support", String(supportId)],
    ]);
  });
}, 300_000);
