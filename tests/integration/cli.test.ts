/**
 * The `pulumi-waapi` bin as built: `discover` against the sandbox over HTTP, and the failures of
 * both commands that need no Pulumi CLI. The generated program is
 * compiled with TypeScript and run against a stand-in WaapiInstance here; tests/e2e/gitops.test.ts
 * deploys it through the real Pulumi CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { discoverEnv, runCli, type CliResult } from "../support/cli";
import { makeInstanceByHand } from "../support/dashboard";
import { expectNoLeak } from "../support/leaks";
import { issuedTokens, useSandbox } from "../support/sandbox";

const sandbox = useSandbox();
const outputs: CliResult[] = [];

// Whatever the command printed, on success or failure, never holds a token a test was given.
afterAll(() => expectNoLeak(outputs, issuedTokens()));

async function discover(args: string[], env = discoverEnv(sandbox, sandbox.token)): Promise<CliResult> {
  const result = await runCli(["discover", ...args], { env });
  outputs.push(result);
  return result;
}

/** Compiles the generated program and runs it with a WaapiInstance that records its arguments. */
function declarationsOf(program: string): { name: string; args: Record<string, unknown>; opts: unknown }[] {
  const compiled = ts.transpileModule(program, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  expect(compiled.diagnostics ?? []).toEqual([]);
  const declared: { name: string; args: Record<string, unknown>; opts: unknown }[] = [];
  // A constructor function, as the generated code calls it with `new`.
  function WaapiInstance(name: string, args: Record<string, unknown>, opts: unknown) {
    declared.push({ name, args, opts });
  }
  const load = (id: string) => {
    if (id !== "pulumi-waapi") throw new Error(`the program imports ${id}`);
    return { WaapiInstance };
  };
  new Function("require", "exports", compiled.outputText)(load, {});
  return declared;
}

const tricky = `Bob's "VIP" line — Ünïcödé \\ */ \${x} 2`;

it("writes a program that declares every instance with its live settings, sorted by id, names unique", async () => {
  const ids = [
    await makeInstanceByHand(sandbox, sandbox.token, {
      name: "Support line",
      webhook: { url: "https://hooks.example.com/a", events: ["ready", "message"] },
    }),
    await makeInstanceByHand(sandbox, sandbox.token, {
      name: "Support line",
      webhook: { url: null, events: ["call"] },
    }),
    await makeInstanceByHand(sandbox, sandbox.token, { name: tricky }),
  ];

  sandbox.clearRequests();
  const { code, stdout, stderr } = await discover([]);
  expect(code).toBe(0);
  expect(stderr).toContain(`Found 3 instances on ${sandbox.baseUrl}`);
  expect(stdout).toContain('import { WaapiInstance } from "pulumi-waapi";');
  expect(declarationsOf(stdout)).toEqual([
    {
      name: `support-line-${ids[0]}`,
      args: {
        name: "Support line",
        webhookUrl: "https://hooks.example.com/a",
        webhookEvents: ["message", "ready"],
        adoptInstanceId: ids[0],
      },
      opts: { protect: true },
    },
    {
      name: `support-line-${ids[1]}`,
      args: { name: "Support line", webhookEvents: ["call"], adoptInstanceId: ids[1] },
      opts: { protect: true },
    },
    {
      name: "bob-s-vip-line-unicode-x-2",
      args: { name: tricky, adoptInstanceId: ids[2] },
      opts: { protect: true },
    },
  ]);
  // One listing, then each line's status; none is linked, so no group is read.
  expect(sandbox.requests().map((request) => `${request.method} ${request.path}`)).toEqual([
    "GET /api/v1/instances",
    ...ids.map((id) => `GET /api/v1/instances/${id}/client/status`),
  ]);
  expect(stderr).toContain("no line linked (groups are read from linked lines only)");
  expect(stdout).not.toContain("WhatsApp group");
});

it("--format json lists the instances as data; --out writes the file", async () => {
  const id = await makeInstanceByHand(sandbox, sandbox.token, {
    name: "Sales",
    webhook: { url: null, events: [] },
  });
  const dir = mkdtempSync(join(tmpdir(), "waapi-discover-"));
  try {
    const { code, stdout, stderr } = await discover([
      "--format",
      "json",
      "--out",
      join(dir, "instances.json"),
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("wrote");
    expect(JSON.parse(readFileSync(join(dir, "instances.json"), "utf8"))).toEqual({
      instances: [
        {
          instanceId: id,
          resourceName: "sales",
          name: "Sales",
          webhookUrl: null,
          webhookEvents: [],
          owner: expect.any(String),
          isTrial: false,
          lineStatus: expect.stringMatching(/^(booting|qr)$/),
          groups: null,
        },
      ],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("the groups of linked lines: as data in json, counted in the program; read with read-only calls", async () => {
  sandbox.setClientTiming({ bootDelayMs: 0, readyDelayMs: 0 });
  const line = "50664083362@c.us";
  const [alice, bob, carol] = ["4915112345678@c.us", "4915187654321@c.us", "33612345678@c.us"];
  const linked = await makeInstanceByHand(sandbox, sandbox.token, { name: "Support" });
  const unlinked = await makeInstanceByHand(sandbox, sandbox.token, { name: "Spare" });
  sandbox.scanQr(linked, { phoneNumber: "50664083362" });
  const oncall = sandbox.createGroupByHand(linked, { subject: "On call", participants: [bob, alice] });
  sandbox.setGroupAdmin(linked, oncall.id, alice, true);
  const twin = sandbox.createGroupByHand(linked, { subject: "On call", participants: [carol] });
  const family = sandbox.createGroupByHand(linked, {
    subject: "Family",
    participants: [alice],
    lineIsAdmin: false,
  });

  sandbox.clearRequests();
  const json = await discover(["--format", "json"]);
  expect(json.code).toBe(0);
  expect(json.stderr).toContain("Found 2 instances");
  expect(json.stderr).toContain("3 groups on 1 linked line");
  const data = JSON.parse(json.stdout) as {
    instances: { instanceId: number; lineStatus: unknown; groups: unknown }[];
  };
  const byId = new Map(data.instances.map((instance) => [instance.instanceId, instance]));
  expect(byId.get(unlinked)).toMatchObject({
    lineStatus: expect.stringMatching(/^(booting|qr)$/),
    groups: null,
  });
  const suffix = (id: string): string => id.replace("@g.us", "").slice(-6);
  expect(byId.get(linked)?.lineStatus).toBe("ready");
  expect(byId.get(linked)?.groups).toEqual(
    [
      {
        importId: `${linked}/${oncall.id}`,
        groupId: oncall.id,
        resourceName: `support-on-call-${suffix(oncall.id)}`,
        subject: "On call",
        owner: line,
        participants: [alice, bob],
        admins: [alice],
      },
      {
        importId: `${linked}/${twin.id}`,
        groupId: twin.id,
        resourceName: `support-on-call-${suffix(twin.id)}`,
        subject: "On call",
        owner: line,
        participants: [carol],
        admins: [],
      },
      {
        importId: `${linked}/${family.id}`,
        groupId: family.id,
        resourceName: "support-family",
        subject: "Family",
        owner: alice,
        // Another's group: its owner is the one left out; the line is a plain member of it.
        participants: [line],
        admins: [],
      },
    ].sort((a, b) => a.groupId.localeCompare(b.groupId)),
  );
  expect(json.stdout).not.toContain("chat.whatsapp.com");
  // Reads only, though some are POSTs on the wire; nothing was written.
  expect(
    sandbox
      .requests()
      .filter((request) => request.method !== "GET")
      .map((request) => request.path.split("/").pop()),
  ).toEqual(["get-chats", "get-group-info", "get-group-info", "get-group-info"]);
  expect(sandbox.groups(linked).map((group) => group.participants.length)).toEqual([3, 2, 2]);

  const program = await discover([]);
  expect(program.stdout).toContain("// The 1 linked line(s) are in 3 WhatsApp group(s), not declared here:");
  expect(declarationsOf(program.stdout)).toHaveLength(2);

  // The bulk-import file takes the groups too, by `<instanceId>/<groupId>`, under the same names.
  const file = await discover(["--format", "import"]);
  expect(file.code).toBe(0);
  const groups = (JSON.parse(file.stdout) as { resources: { type: string }[] }).resources.filter(
    (resource) => resource.type === "waapi:index:Group",
  );
  expect(groups).toEqual(
    (byId.get(linked)?.groups as { importId: string; resourceName: string }[]).map((group) => ({
      type: "waapi:index:Group",
      name: group.resourceName,
      id: group.importId,
    })),
  );
  expect(groups).toHaveLength(3);
});

it("a line whose groups cannot be read is reported, and discover still lists the instances", async () => {
  sandbox.setClientTiming({ bootDelayMs: 0, readyDelayMs: 0 });
  const linked = await makeInstanceByHand(sandbox, sandbox.token, { name: "Support" });
  sandbox.scanQr(linked);
  sandbox.injectFault({
    match: "POST /instances/:id/client/action/get-chats",
    kind: "respond",
    status: 500,
    times: 5,
  });
  const { code, stdout, stderr } = await discover(["--format", "json"]);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({
    instances: [
      { instanceId: linked, lineStatus: "ready", groups: null, groupsProblem: expect.stringMatching(/500/) },
    ],
  });
  expect(stderr).toMatch(new RegExp(`Could not read the groups of instance ${linked}: .*500`));
});

it("an empty account gets a program with no resources, and a note", async () => {
  const { code, stdout, stderr } = await discover([]);
  expect(code).toBe(0);
  expect(stderr).toContain("The account has no instances");
  expect(stdout).toContain("has no instances");
  expect(declarationsOf(stdout)).toEqual([]);
});

it("a token without the read permission gets the permission error, and exit code 1", async () => {
  const createOnly = sandbox.createToken(["create"]);
  const { code, stdout, stderr } = await discover([], discoverEnv(sandbox, createOnly));
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toMatch(/pulumi-waapi discover: .*403/);
  expect(stderr).toContain("'read'");
});

it("without a token it says which variable to set", async () => {
  const missing = await discover([], { WAAPI_API_TOKEN: "", WAAPI_BASE_URL: sandbox.baseUrl });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("set WAAPI_API_TOKEN");
});

it("--format import writes Pulumi's bulk-import file for the native plugin's type", async () => {
  const first = await makeInstanceByHand(sandbox, sandbox.token, { name: "Support line" });
  const second = await makeInstanceByHand(sandbox, sandbox.token, { name: "Support line" });
  const { code, stdout } = await discover(["--format", "import"]);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual({
    resources: [
      { type: "waapi:index:Instance", name: `support-line-${first}`, id: String(first) },
      { type: "waapi:index:Instance", name: `support-line-${second}`, id: String(second) },
    ],
  });
});

it("drift without a pulumi CLI on PATH says so, with exit code 1", async () => {
  const result = await runCli(["drift"], { env: { PATH: "/nonexistent" } });
  outputs.push(result);
  expect(result).toMatchObject({ code: 1, stdout: "" });
  expect(result.stderr).toContain("pulumi-waapi drift: The `pulumi` command was not found on PATH");
});

it("recover and unmanaged without a pulumi CLI on PATH say so, with exit code 1, and send nothing", async () => {
  for (const command of ["recover", "unmanaged"]) {
    const result = await runCli([command, "--stack", "prod"], {
      env: { ...discoverEnv(sandbox, sandbox.token), PATH: "/nonexistent" },
    });
    outputs.push(result);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain(`pulumi-waapi ${command}: The \`pulumi\` command was not found on PATH`);
  }
  expect(sandbox.requests()).toEqual([]);
});

it("refuses a token on the command line without printing it, and shows the usage", async () => {
  const result = await runCli(["discover", `--token=${sandbox.token}`], {
    env: discoverEnv(sandbox, sandbox.token),
  });
  outputs.push(result);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("never from the command line");
  expect(result.stderr).toContain("Usage:");
  expect(sandbox.requests()).toEqual([]);
});
