import { RESOURCES } from "../provider/resources";
import { LineNotReadyError, withLinkAdvice } from "../provider/instance/line-status";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analysePreview, DriftError, parsePreview, runDrift, unreadIn } from "./drift";
import { driftOutcome, entriesOf, renderDriftReport, unreadCount } from "./drift-report";

const TYPE = "pulumi-nodejs:dynamic/waapi:Instance";
const urn = (name: string, type = TYPE) => `urn:pulumi:prod::account::${type}::${name}`;
const outputs = (id: number, settings: Record<string, unknown>) => ({
  __provider: "shim",
  instanceId: id,
  owner: "ops@example.com",
  isTrial: false,
  webhookEvents: [],
  ...settings,
});
const state = (
  id: number | undefined,
  inputs: Record<string, unknown>,
  outs: Record<string, unknown> = {},
) => ({
  type: TYPE,
  ...(id !== undefined && { id: String(id) }),
  inputs: { __provider: "shim", ...inputs },
  outputs: outs,
});

/** A preview as `pulumi preview --refresh --json` prints it (CLI 3.274), reduced to what drift reads. */
function preview(steps: unknown[]): string {
  const stack = { op: "refresh", urn: "urn:pulumi:prod::account::pulumi:pulumi:Stack::account-prod" };
  return JSON.stringify({ steps: [stack, ...steps], changeSummary: {} });
}

const support = {
  name: "Support line",
  webhookUrl: "https://hooks.example.com/a",
  webhookEvents: ["message"],
};
const recordedSupport = state(1001, support, outputs(1001, support));

describe("analysePreview", () => {
  it("reports a change made outside Pulumi, with declared and live values", () => {
    const live = { ...support, webhookUrl: "https://evil.example.com/b" };
    const json = preview([
      { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
      {
        op: "update",
        urn: urn("support"),
        oldState: state(1001, live, outputs(1001, live)),
        newState: state(undefined, support),
        diffReasons: ["webhookUrl"],
      },
    ]);
    const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
    expect(report).toEqual({
      drifted: true,
      stack: "prod",
      checked: 1,
      instances: [
        {
          resource: "support",
          instanceId: 1001,
          change: "modified",
          origin: "outside-pulumi",
          properties: [
            {
              property: "webhookUrl",
              declared: "https://hooks.example.com/a",
              live: "https://evil.example.com/b",
            },
          ],
          next: expect.stringContaining("puts the declared values back"),
        },
      ],
    });
  });

  it("tells a program change that is not deployed from a change by hand", () => {
    const json = preview([
      { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
      {
        op: "update",
        urn: urn("support"),
        oldState: recordedSupport,
        newState: state(undefined, { ...support, webhookEvents: ["message", "ready"] }),
      },
    ]);
    const [instance] = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] }).instances;
    expect(instance).toMatchObject({
      change: "modified",
      origin: "not-deployed",
      properties: [{ property: "webhookEvents", declared: ["message", "ready"], live: ["message"] }],
    });
  });

  it("names secret properties from the engine's diffReasons, with their values hidden", () => {
    const secretState = state(
      1001,
      { ...support, webhookUrl: "[secret]" },
      outputs(1001, { ...support, webhookUrl: "[secret]" }),
    );
    const json = preview([
      { op: "refresh", urn: urn("support"), oldState: secretState, newState: secretState },
      {
        op: "update",
        urn: urn("support"),
        oldState: secretState,
        newState: state(undefined, { ...support, webhookUrl: "[secret]" }),
        diffReasons: ["webhookUrl", "__provider"],
      },
    ]);
    const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
    expect(report.instances[0]?.properties).toEqual([
      { property: "webhookUrl", declared: "[secret]", live: "[secret]" },
    ]);
    expect(renderDriftReport(report, "text")).toContain("webhookUrl: declared [secret], live [secret]");
  });

  it("reports an instance deleted by hand, and what up does for a created and an adopted one", () => {
    const adopted = state(
      1002,
      { name: "Legacy", adoptInstanceId: 1002 },
      outputs(1002, { name: "Legacy", adoptInstanceId: 1002 }),
    );
    const json = preview([
      { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
      { op: "refresh", urn: urn("legacy"), oldState: adopted, newState: adopted },
      { op: "create", urn: urn("support"), newState: state(undefined, support) },
      {
        op: "create",
        urn: urn("legacy"),
        newState: state(undefined, { name: "Legacy", adoptInstanceId: 1002 }),
      },
      { op: "create", urn: urn("new-line"), newState: state(undefined, { name: "New line" }) },
    ]);
    const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
    expect(report.checked).toBe(3);
    expect(report.instances).toEqual([
      expect.objectContaining({
        resource: "legacy",
        instanceId: 1002,
        change: "deleted",
        origin: "outside-pulumi",
        next: expect.stringMatching(
          /stops with an error, because adoptInstanceId 1002.*Remove adoptInstanceId/,
        ),
      }),
      expect.objectContaining({
        resource: "new-line",
        instanceId: null,
        change: "created",
        origin: "not-deployed",
      }),
      expect.objectContaining({
        resource: "support",
        instanceId: 1001,
        change: "deleted",
        origin: "outside-pulumi",
        next: expect.stringContaining("creates a new instance"),
      }),
    ]);
  });

  it("finds no drift where only the stack and unchanged instances appear", () => {
    const json = preview([
      { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
    ]);
    const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
    expect(report).toEqual({ drifted: false, stack: "prod", checked: 1, instances: [] });
    expect(renderDriftReport(report, "text")).toBe(
      "Stack prod: No drift: the 1 instance match the program.\n",
    );
  });

  it("ignores resources of other types", () => {
    const json = preview([
      { op: "update", urn: urn("bucket", "aws:s3/bucket:Bucket"), oldState: {}, newState: {} },
    ]);
    expect(analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] }).drifted).toBe(false);
  });
});

describe("renderDriftReport", () => {
  const report = {
    drifted: true,
    stack: "prod",
    checked: 2,
    instances: [
      {
        resource: "support | `x`",
        instanceId: 1001,
        change: "modified" as const,
        origin: "outside-pulumi" as const,
        properties: [{ property: "name", declared: "Support", live: "<img src=x> | ``evil``" }],
        next: "`pulumi up --refresh` puts the declared values back.",
      },
    ],
  };

  it("markdown: a table per instance, with names from waapi.app kept in code spans", () => {
    const markdown = renderDriftReport(report, "markdown");
    expect(markdown).toContain("### WAAPI drift: stack `prod`");
    expect(markdown).toContain("| property | declared | live |");
    expect(markdown).toContain('| `name` | `"Support"` | ```"<img src=x> \\| ``evil``"``` |');
    expect(markdown).toContain("#### `` support \\| `x` `` (instance 1001: modified outside Pulumi)");
  });

  it("json: the documented shape", () => {
    expect(JSON.parse(renderDriftReport(report, "json"))).toMatchObject({
      drifted: true,
      instances: [
        { resource: "support | `x`", instanceId: 1001, change: "modified", origin: "outside-pulumi" },
      ],
    });
  });
});

describe("groups", () => {
  const GROUP = "pulumi-nodejs:dynamic/waapi:Group";
  const OWNER = "50664083362@c.us";
  const ALICE = "4915112345678@c.us";
  const BOB = "4915187654321@c.us";
  const CAROL = "33612345678@c.us";
  const groupId = "120363041234567890@g.us";
  const declared = { instanceId: 1001, subject: "On call", participants: [BOB, CAROL], admins: [BOB] };
  const groupOutputs = (membership: { participants: string[]; admins: string[] }) => ({
    ...declared,
    ...membership,
    groupId,
    owner: OWNER,
    inviteLink: "[secret]",
    messagesAdminsOnly: false,
    onDelete: "forget",
  });
  const groupState = (outs: Record<string, unknown>) => ({
    type: GROUP,
    id: `1001/${groupId}`,
    inputs: declared,
    outputs: outs,
  });
  const recordedGroup = groupState(groupOutputs({ participants: [BOB, CAROL], admins: [BOB] }));

  function groupPreview(live: { participants: string[]; admins: string[] }, type = GROUP) {
    const liveState = { ...groupState(groupOutputs(live)), type };
    return analysePreview(
      parsePreview(
        preview([
          { op: "refresh", urn: urn("oncall", type), oldState: recordedGroup, newState: liveState },
          {
            op: "update",
            urn: urn("oncall", type),
            oldState: liveState,
            newState: { type, inputs: declared, outputs: {} },
            diffReasons: ["participants", "admins"],
          },
        ]),
      ) ?? { steps: [], diagnostics: [] },
    );
  }

  it("names each member added or removed by hand, through either door's type", () => {
    for (const type of [GROUP, "waapi:index:Group"]) {
      // On a phone: Alice added, Carol removed, Bob no longer an admin.
      const report = groupPreview({ participants: [ALICE, BOB], admins: [] }, type);
      expect(report).toEqual({
        drifted: true,
        stack: "prod",
        checked: 1,
        instances: [],
        groups: [
          {
            resource: "oncall",
            instanceId: 1001,
            groupId,
            change: "modified",
            origin: "outside-pulumi",
            properties: [
              {
                property: "participants",
                declared: [BOB, CAROL],
                live: [ALICE, BOB],
                members: [
                  { member: CAROL, change: "removed", origin: "outside-pulumi" },
                  { member: ALICE, change: "added", origin: "outside-pulumi" },
                ],
              },
              {
                property: "admins",
                declared: [BOB],
                live: [],
                members: [{ member: BOB, change: "removed", origin: "outside-pulumi" }],
              },
            ],
            next: expect.stringContaining("puts the declared values back"),
          },
        ],
      });
      const text = renderDriftReport(report, "text");
      expect(text).toContain("Stack prod: 1 of 1 resource differ from the program.");
      expect(text).toContain(`oncall (group ${groupId} of instance 1001: modified outside Pulumi)`);
      expect(text).toContain(`  participants: +${ALICE} added outside Pulumi`);
      expect(text).toContain(`  participants: -${CAROL} removed outside Pulumi`);
      expect(text).toContain(`  admins: -${BOB} removed outside Pulumi`);
      expect(renderDriftReport(report, "markdown")).toContain(
        `- \`participants\`: \`+${ALICE} added outside Pulumi\``,
      );
    }
  });

  it("tells members the program changed and up has not sent from members changed by hand", () => {
    const json = preview([
      { op: "refresh", urn: urn("oncall", GROUP), oldState: recordedGroup, newState: recordedGroup },
      {
        op: "update",
        urn: urn("oncall", GROUP),
        oldState: recordedGroup,
        // The owner listed in the program means nothing: the line is in every group it made.
        newState: { type: GROUP, inputs: { ...declared, participants: [OWNER, ALICE, BOB] }, outputs: {} },
        diffReasons: ["participants"],
      },
    ]);
    const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
    expect(report.groups?.[0]).toMatchObject({
      origin: "not-deployed",
      properties: [
        {
          property: "participants",
          members: [
            { member: CAROL, change: "removed", origin: "not-deployed" },
            { member: ALICE, change: "added", origin: "not-deployed" },
          ],
        },
      ],
    });
    expect(renderDriftReport(report, "text")).toContain(
      `participants: -${CAROL} removed from the program, not deployed yet`,
    );
  });

  /** The error a door gives for a group on a line that is not linked: the core's, with the link advice. */
  const notLinked = (): string => {
    const error = withLinkAdvice(new LineNotReadyError(1001, "disconnected", "its groups cannot be read"));
    return error instanceof Error ? error.message : String(error);
  };
  /** A preview that failed on the group, as `pulumi preview --refresh --json` prints it. */
  const failedOnGroup = (message: string) =>
    JSON.stringify({
      steps: [{ op: "refresh", urn: urn("oncall", GROUP), oldState: recordedGroup }],
      diagnostics: [
        { message: `LineNotReadyError: ${message}\n`, severity: "info#err" },
        { urn: urn("oncall", GROUP), message: `error: Preview failed: ${message}\n`, severity: "error" },
        { message: "error: preview failed\n", severity: "error" },
      ],
    });
  /** A preview in which the support line was renamed by hand (drift on an instance). */
  const renamedByHand = (() => {
    const live = { ...support, name: "Renamed by hand" };
    return preview([
      { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
      {
        op: "update",
        urn: urn("support"),
        oldState: state(1001, live, outputs(1001, live)),
        newState: state(undefined, support),
        diffReasons: ["name"],
      },
    ]);
  })();
  const instanceOnly = preview([
    { op: "refresh", urn: urn("support"), oldState: recordedSupport, newState: recordedSupport },
  ]);
  it("reports a group whose line is not ready as unread, with the provider's error, beside the instances", () => {
    const failed = parsePreview(failedOnGroup(notLinked()));
    const unread = new Map(unreadIn(failed ?? { steps: [], diagnostics: [] }));
    expect([...unread.keys()]).toEqual([urn("oncall", GROUP)]);
    // The next pass leaves the group out: the instance is still checked.
    const report = analysePreview(
      parsePreview(instanceOnly) ?? { steps: [], diagnostics: [] },
      undefined,
      unread,
    );
    expect(report).toEqual({
      drifted: false,
      stack: "prod",
      checked: 2,
      instances: [],
      groups: [
        {
          resource: "oncall",
          instanceId: 1001,
          groupId,
          change: "unread",
          origin: null,
          properties: [],
          error: notLinked(),
          next: expect.stringContaining("Not checked for drift"),
        },
      ],
    });
    expect(unreadCount(report)).toBe(1);
    // Not a clean bill (exit code 1), unless something else drifted (7: the next test).
    expect(driftOutcome(report)).toBe("unread");
    expect(driftOutcome({ ...report, groups: [] })).toBe("none");
    const text = renderDriftReport(report, "text");
    expect(text).toContain("No drift in the 1 of 2 resources read; 1 could not be read, see below.");
    expect(text).toContain(`oncall (group ${groupId} of instance 1001: could not be read)`);
    expect(text).toContain("  Instance 1001's WhatsApp line is not linked (status disconnected)");
  });

  it("unread plus real drift: drifted, so exit 7", () => {
    const unread = new Map(
      unreadIn(parsePreview(failedOnGroup(notLinked())) ?? { steps: [], diagnostics: [] }),
    );
    const report = analysePreview(
      parsePreview(renamedByHand) ?? { steps: [], diagnostics: [] },
      undefined,
      unread,
    );
    expect(report.drifted).toBe(true);
    expect(report.instances).toEqual([expect.objectContaining({ resource: "support", change: "modified" })]);
    expect(report.groups).toEqual([expect.objectContaining({ resource: "oncall", change: "unread" })]);
    expect(driftOutcome(report)).toBe("drift");
  });

  it("a bad token is not an unread resource (drift stops with Pulumi's error)", () => {
    const badToken =
      "WAAPI rejected the API token for GET /api/v1/instances/1001/client/action/get-group-info with 401 " +
      '("Unauthenticated."): set a valid token with `pulumi config set --secret waapi:apiToken`.';
    expect(unreadIn(parsePreview(failedOnGroup(badToken)) ?? { steps: [], diagnostics: [] })).toEqual([]);
  });

  describe("runDrift, with a stand-in `pulumi` on PATH that prints these previews", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "waapi-drift-pulumi-"));
      // The first preview, then (once resources are excluded) the second; each with its exit code.
      writeFileSync(
        join(dir, "pulumi"),
        [
          "#!/bin/sh",
          'echo "$*" >> "$0.calls"',
          'case "$*" in *--exclude*) cat "$0.second"; exit "$(cat "$0.second-code")";; esac',
          'cat "$0.first"; exit "$(cat "$0.first-code")"',
          "",
        ].join("\n"),
      );
      chmodSync(join(dir, "pulumi"), 0o755);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const run = (first: [string, number], second: [string, number] = ["", 0]) => {
      writeFileSync(join(dir, "pulumi.first"), first[0]);
      writeFileSync(join(dir, "pulumi.first-code"), String(first[1]));
      writeFileSync(join(dir, "pulumi.second"), second[0]);
      writeFileSync(join(dir, "pulumi.second-code"), String(second[1]));
      return runDrift({ cwd: dir, env: { PATH: `${dir}:${process.env["PATH"] ?? ""}` }, stack: "prod" });
    };
    const calls = () => readFileSync(join(dir, "pulumi.calls"), "utf8").trim().split("\n");

    it("a line not linked: the group is left out of a second preview, whose drift is reported beside it", async () => {
      const report = await run([failedOnGroup(notLinked()), 255], [renamedByHand, 0]);
      expect(calls()).toEqual([
        "preview --refresh --json --stack prod --non-interactive",
        `preview --refresh --json --stack prod --exclude ${urn("oncall", GROUP)} --non-interactive`,
      ]);
      expect(driftOutcome(report)).toBe("drift");
      expect(report.groups).toEqual([expect.objectContaining({ resource: "oncall", change: "unread" })]);
    });

    it("a bad token: Pulumi's error after one preview, no resource left out", async () => {
      const badToken =
        "WAAPI rejected the API token for GET /api/v1/instances with 401: set a valid token with " +
        "`pulumi config set --secret waapi:apiToken`.";
      const error = await run([failedOnGroup(badToken), 255]).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(DriftError);
      expect(String(error)).toContain("WAAPI rejected the API token");
      expect(calls()).toHaveLength(1);
    });

    it("a line not linked beside another error: Pulumi's error, not a report", async () => {
      const both = JSON.parse(failedOnGroup(notLinked())) as { diagnostics: unknown[] };
      both.diagnostics.push({
        urn: urn("support"),
        message: "error: WAAPI rejected the API token for GET /api/v1/instances/1001 with 401\n",
        severity: "error",
      });
      await expect(run([JSON.stringify(both), 255])).rejects.toBeInstanceOf(DriftError);
      expect(calls()).toHaveLength(1);
    });
  });

  it("has a report list for every resource of the registry", () => {
    for (const resource of RESOURCES) {
      const json = preview([{ op: "create", urn: urn("x", resource.token), newState: { inputs: {} } }]);
      const report = analysePreview(parsePreview(json) ?? { steps: [], diagnostics: [] });
      expect(entriesOf(report)).toEqual([expect.objectContaining({ resource: "x", change: "created" })]);
    }
  });
});
