import { analysePreview, parsePreview } from "./drift";
import { renderDriftReport } from "./drift-report";

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
