import { parseCommandLine, parseDuration, UsageError } from "./args";

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

describe("link and health", () => {
  it("reads link with an id or a resource name, and its defaults", () => {
    expect(parseCommandLine(["link", "1001"])).toEqual({
      command: "link",
      target: { instanceId: 1001 },
      format: "text",
      timeoutMs: 5 * 60_000,
    });
    expect(
      parseCommandLine([
        "link",
        "support-line",
        "--stack",
        "prod",
        "--cwd=infra",
        "--timeout",
        "90s",
        "--format",
        "png",
        "--out",
        "qr.png",
      ]),
    ).toEqual({
      command: "link",
      target: { resource: "support-line" },
      format: "png",
      timeoutMs: 90_000,
      stack: "prod",
      cwd: "infra",
      out: "qr.png",
    });
    expect(parseCommandLine(["link", "sales", "--phone", "50664083362"])).toMatchObject({
      target: { resource: "sales" },
      phone: "50664083362",
    });
  });

  it("reads durations in ms, s, m and h, and refuses others without an instance to link", () => {
    expect(parseDuration("1500ms")).toBe(1500);
    expect(parseDuration("45")).toBe(45_000);
    expect(parseDuration("2.5m")).toBe(150_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    for (const bad of ["0s", "5 minutes", "-1m", "25h", ""]) {
      expect(() => parseDuration(bad)).toThrow(/--timeout must be a duration above 0 and up to 24h/);
    }
  });

  it("says what is missing or conflicting in a link command line, without repeating what was typed", () => {
    expect(() => parseCommandLine(["link"])).toThrow(
      /Name the instance: a resource name .* or WAAPI's instance id/,
    );
    expect(() => parseCommandLine(["link", "a", "s3cr3t-token"])).toThrow(/Give one instance/);
    expect(() => parseCommandLine(["link", "a", "s3cr3t-token"])).not.toThrow(/s3cr3t/);
    expect(() => parseCommandLine(["link", "a", "--format", "png"])).toThrow(/--out FILE/);
    expect(() => parseCommandLine(["link", "a", "--out", "qr.png"])).toThrow(/use it with --format png/);
    expect(() =>
      parseCommandLine(["link", "a", "--phone", "50664083362", "--format", "png", "--out", "x"]),
    ).toThrow(/pairing code, not a QR code/);
    expect(() => parseCommandLine(["link", "a", "--token", "s3cr3t-token"])).toThrow(/WAAPI_API_TOKEN/);
  });

  it("refuses a malformed phone number at once, naming the format and not the number", () => {
    for (const phone of ["+1 555 0100", "1-555-0100", "s3cr3tnumber", "0115550100", ""]) {
      let thrown: unknown;
      try {
        parseCommandLine(["link", "1001", "--phone", phone]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect(String(thrown)).toContain("international format, digits only");
      if (phone !== "") expect(String(thrown)).not.toContain(phone);
    }
  });

  it("reads health with its flags, and refuses --stack with --all", () => {
    expect(parseCommandLine(["health"])).toEqual({
      command: "health",
      format: "text",
      all: false,
      reboot: false,
      logout: false,
    });
    expect(parseCommandLine(["health", "--all", "--format", "json", "--reboot", "--logout"])).toEqual({
      command: "health",
      format: "json",
      all: true,
      reboot: true,
      logout: true,
    });
    expect(parseCommandLine(["health", "--stack", "prod", "--format", "markdown"])).toMatchObject({
      stack: "prod",
      format: "markdown",
    });
    expect(() => parseCommandLine(["health", "--stack", "prod", "--all"])).toThrow(/not both/);
    expect(() => parseCommandLine(["health", "--format", "yaml"])).toThrow(/text, markdown, json/);
    expect(() => parseCommandLine(["health", "--reboot=yes"])).toThrow(/a flag was given one/);
    expect(() => parseCommandLine(["health", "prod"])).toThrow(/takes no arguments/);
  });
});
