import { INSTANCE_STATUSES } from "../provider/waapi-api";
import {
  adviceFor,
  healthReport,
  renderHealthReport,
  type LineHealth,
  type LineStatus,
} from "./health-report";

const STATUSES: LineStatus[] = [...INSTANCE_STATUSES, "not_found"];

function line(status: LineStatus, index: number, stack: string | null = "prod"): LineHealth {
  const resource = stack === null ? null : `line-${status}`;
  const instanceId = 1001 + index;
  return {
    resource,
    instanceId,
    name: status === "not_found" ? null : `Line ${status}`,
    status,
    linkedNumber: status === "ready" ? "+506 6408 3362" : null,
    linkedName: status === "ready" ? "Support desk" : null,
    next: adviceFor(status, { resource, instanceId, stack }),
    action: null,
  };
}

describe("adviceFor", () => {
  const ref = { resource: "sales", instanceId: 1002, stack: "prod" };
  it("says nothing for a ready line and names the command for every other state", () => {
    expect(adviceFor("ready", ref)).toBeNull();
    expect(adviceFor("qr", ref)).toContain("`npx pulumi-waapi link sales --stack prod`");
    expect(adviceFor("disconnected", ref)).toContain(
      "`npx pulumi-waapi link sales --stack prod` links it again",
    );
    expect(adviceFor("disconnected", ref)).toContain("`npx pulumi-waapi health --stack prod --reboot`");
    expect(adviceFor("auth_failure", ref)).toContain(
      "`npx pulumi-waapi health --stack prod --logout` resets it",
    );
    expect(adviceFor("not_found", ref)).toContain("`npx pulumi-waapi drift --stack prod`");
    for (const status of ["booting", "loading_screen", "authenticated"] as const) {
      expect(adviceFor(status, ref)).toMatch(/check again in a minute/);
    }
  });

  it("names a line by id for the whole account, and quotes a name the shell would split", () => {
    expect(adviceFor("qr", { resource: null, instanceId: 7, stack: null })).toContain(
      "`npx pulumi-waapi link 7`",
    );
    expect(adviceFor("auth_failure", { resource: null, instanceId: 7, stack: null })).toContain(
      "`npx pulumi-waapi health --all --logout`",
    );
    expect(adviceFor("qr", { resource: "it's mine", instanceId: 7, stack: "prod" })).toContain(
      `link 'it'\\''s mine' --stack prod`,
    );
  });

  it("says what an action did once it was sent", () => {
    expect(adviceFor("disconnected", ref, "reboot")).toMatch(/^WAAPI was asked to restart the client/);
    expect(adviceFor("auth_failure", ref, "logout")).toMatch(/shows a new QR code to scan/);
  });
});

describe("renderHealthReport", () => {
  const report = healthReport(
    "prod",
    STATUSES.map((status, index) => line(status, index)),
  );

  it("counts the lines that are not ready", () => {
    expect(report).toMatchObject({ healthy: false, stack: "prod", checked: 8, notReady: 7 });
    expect(healthReport("prod", [line("ready", 0)])).toMatchObject({ healthy: true, notReady: 0 });
    expect(healthReport("prod", [])).toMatchObject({ healthy: true, checked: 0 });
  });

  it("text: a headline, then each line with its status, number and advice", () => {
    const text = renderHealthReport(report, "text");
    expect(text.split("\n")[0]).toBe("Stack prod: 7 of 8 lines not ready.");
    expect(text).toContain("  line-ready (instance 1006): ready, linked to +506 6408 3362 (Support desk)\n");
    for (const [index, status] of STATUSES.entries()) {
      if (status === "ready") continue;
      const shown = status === "not_found" ? "not found" : status;
      expect(text).toContain(
        `  line-${status} (instance ${1001 + index}): ${shown}\n    ${line(status, index).next}\n`,
      );
    }
    expect(renderHealthReport(healthReport("prod", [line("ready", 0)]), "text")).toBe(
      "Stack prod: all 1 line ready.\n  line-ready (instance 1001): ready, linked to +506 6408 3362 (Support desk)\n",
    );
  });

  it("markdown: a table row per line, the not-ready ones flagged", () => {
    const markdown = renderHealthReport(report, "markdown");
    expect(markdown).toContain(
      "### WAAPI line health: stack `prod`\n\nStack prod: 7 of 8 lines not ready.\n",
    );
    expect(markdown).toContain("| line | instance | status | linked to | what to do |");
    expect(markdown).toContain("| `line-ready` | 1006 | ready | `+506 6408 3362 (Support desk)` |  |");
    expect(markdown).toContain(
      "| `line-disconnected` | 1007 | ⚠️ disconnected |  | The phone is no longer connected:",
    );
    expect(markdown).toContain("| `line-not_found` | 1008 | ⚠️ not found |  |");
    expect(markdown.split("\n").filter((row) => row.startsWith("| `line-"))).toHaveLength(8);
  });

  it("json: the report as data", () => {
    const parsed = JSON.parse(renderHealthReport(report, "json")) as typeof report;
    expect(parsed).toEqual(report);
    expect(parsed.instances.find((entry) => entry.status === "auth_failure")).toEqual({
      resource: "line-auth_failure",
      instanceId: 1005,
      name: "Line auth_failure",
      status: "auth_failure",
      linkedNumber: null,
      linkedName: null,
      next: expect.stringContaining("--logout"),
      action: null,
    });
  });

  it("the whole account: names the lines by their WAAPI names", () => {
    const account = healthReport(null, [line("qr", 0, null)]);
    expect(renderHealthReport(account, "text")).toContain(
      "The account: 1 of 1 line not ready.\n  Line qr (instance 1001): qr\n",
    );
    expect(renderHealthReport(account, "markdown")).toContain("### WAAPI line health: the account");
  });
});
