import { parseCommandLine, UsageError } from "./args";

describe("parseCommandLine", () => {
  it("reads discover and drift with their defaults", () => {
    expect(parseCommandLine(["discover"])).toEqual({ command: "discover", format: "typescript" });
    expect(parseCommandLine(["discover", "--format", "json", "--out", "x.json"])).toEqual({
      command: "discover",
      format: "json",
      out: "x.json",
    });
    expect(parseCommandLine(["drift", "--cwd", "infra", "--stack=prod", "--format", "markdown"])).toEqual({
      command: "drift",
      format: "markdown",
      cwd: "infra",
      stack: "prod",
    });
    expect(parseCommandLine([])).toEqual({ command: "help" });
  });

  it("reads recover and unmanaged; unmanaged takes --stack several times", () => {
    expect(parseCommandLine(["recover"])).toEqual({ command: "recover", yes: false, takes: new Map() });
    expect(
      parseCommandLine([
        "recover",
        "--stack",
        "prod",
        "--yes",
        "--cwd=infra",
        "--take",
        "a=1002",
        "--take=b=none",
      ]),
    ).toEqual({
      command: "recover",
      yes: true,
      takes: new Map<string, number | "none">([
        ["a", 1002],
        ["b", "none"],
      ]),
      stack: "prod",
      cwd: "infra",
    });
    expect(parseCommandLine(["unmanaged"])).toEqual({ command: "unmanaged", format: "text", stacks: [] });
    expect(parseCommandLine(["unmanaged", "--stack", "prod", "--stack=staging", "--format", "json"])).toEqual(
      {
        command: "unmanaged",
        format: "json",
        stacks: ["prod", "staging"],
      },
    );
    expect(() => parseCommandLine(["recover", "--yes=no"])).toThrow(UsageError);
    expect(() => parseCommandLine(["recover", "--take", "s3cr3t"])).toThrow(/--take must be RESOURCE=ID/);
    expect(() => parseCommandLine(["recover", "--take", "s3cr3t"])).not.toThrow(/s3cr3t/);
    expect(() => parseCommandLine(["unmanaged", "--api-token", "s3cr3t"])).toThrow(/WAAPI_API_TOKEN/);
  });

  it("refuses a token or base URL on the command line, without repeating it", () => {
    for (const argv of [
      ["discover", "--token", "s3cr3t-token"],
      ["discover", "--api-token=s3cr3t-token"],
      ["drift", "--base-url", "https://s3cr3t-token@example.com"],
    ]) {
      let thrown: unknown;
      try {
        parseCommandLine(argv);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect(String(thrown)).toContain("WAAPI_API_TOKEN");
      expect(String(thrown)).not.toContain("s3cr3t-token");
    }
  });

  it("names the problem, not what was typed, for unknown options and stray arguments", () => {
    expect(() => parseCommandLine(["discover", "s3cr3t-token"])).toThrow(/takes no arguments/);
    expect(() => parseCommandLine(["discover", "s3cr3t-token"])).not.toThrow(/s3cr3t/);
    expect(() => parseCommandLine(["drift", "--frmat", "json"])).toThrow(/Unknown option --frmat/);
    expect(() => parseCommandLine(["drift", "--format"])).toThrow(/missing its value/);
    expect(() => parseCommandLine(["discover", "--format", "yaml"])).toThrow(
      /--format must be one of typescript, json, import/,
    );
    expect(() => parseCommandLine(["s3cr3t-token"])).toThrow(/Unknown command/);
    expect(() => parseCommandLine(["s3cr3t-token"])).not.toThrow(/s3cr3t/);
  });
});
