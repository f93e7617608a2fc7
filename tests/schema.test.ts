/**
 * What Pulumi's registry and `pulumi package add` read from the native plugin's schema
 * (provider/native/schema.json, written by scripts/generate-schema.cjs): the package's metadata, a
 * description on everything, and usage examples in every language for the resource and each function.
 * The examples are examples/native/*; this test also checks that they use only names the schema and
 * the generated SDKs have (the TypeScript one type-checks with the repository, the Go one compiles in
 * tests/sdk.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { requireFromRoot } from "./support/provider";

interface Property {
  description?: string;
}
interface ObjectShape {
  properties?: Record<string, Property>;
}
interface Schema {
  name: string;
  version: string;
  description?: string;
  keywords?: string[];
  homepage?: string;
  repository?: string;
  publisher?: string;
  license?: string;
  logoUrl?: string;
  pluginDownloadURL?: string;
  config?: { variables?: Record<string, Property> };
  provider?: { description?: string; inputProperties?: Record<string, Property> };
  types: Record<string, ObjectShape & { description?: string }>;
  resources: Record<
    string,
    ObjectShape & { description?: string; inputProperties?: Record<string, Property> }
  >;
  functions: Record<string, { description?: string; inputs?: ObjectShape; outputs?: ObjectShape }>;
  language?: Record<string, unknown>;
}

const ROOT = process.cwd();
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "provider", "native", "schema.json"), "utf8")) as Schema;
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  license: string;
  repository: { url: string };
};
const { REPOSITORY, EXAMPLE_FILES } = requireFromRoot("./scripts/generate-schema.cjs") as {
  REPOSITORY: string;
  EXAMPLE_FILES: Record<string, string>;
};
/** The languages whose usage examples every resource and function shows. */
const EXAMPLE_LANGUAGES = ["typescript", "python", "go", "csharp", "yaml"];

/** The fenced code blocks of `language` in a description. */
function codeBlocks(description: string, language: string): string[] {
  return [...description.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map(
    ([, code = ""]) => code,
  );
}

/** Every property of the schema that users see, by where it is. */
function everyProperty(): [string, Property][] {
  const named = (where: string, properties: Record<string, Property> = {}): [string, Property][] =>
    Object.entries(properties).map(([name, property]) => [`${where}.${name}`, property]);
  return [
    ...named("config", SCHEMA.config?.variables),
    ...named("provider", SCHEMA.provider?.inputProperties),
    ...Object.entries(SCHEMA.types).flatMap(([token, type]) => named(token, type.properties)),
    ...Object.entries(SCHEMA.resources).flatMap(([token, resource]) => [
      ...named(`${token} input`, resource.inputProperties),
      ...named(`${token} output`, resource.properties),
    ]),
    ...Object.entries(SCHEMA.functions).flatMap(([token, fn]) => [
      ...named(`${token} input`, fn.inputs?.properties),
      ...named(`${token} output`, fn.outputs?.properties),
    ]),
  ];
}

it("names the publisher, the repository, its releases as the plugin's download URL, the logo and the license", () => {
  expect(REPOSITORY).toBe(PACKAGE.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""));
  const [, owner, repo] = new URL(REPOSITORY).pathname.split("/");
  expect(SCHEMA).toMatchObject({
    name: "waapi",
    version: PACKAGE.version,
    publisher: owner,
    repository: REPOSITORY,
    homepage: REPOSITORY,
    license: PACKAGE.license,
    pluginDownloadURL: `github://api.github.com/${owner}/${repo}`,
  });
  expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toContain("Apache License");
  // The logo is a file of this repository, at the URL its main branch will serve it from.
  const logo = `https://raw.githubusercontent.com/${owner}/${repo}/main/`;
  expect(SCHEMA.logoUrl?.startsWith(logo)).toBe(true);
  expect(existsSync(join(ROOT, (SCHEMA.logoUrl ?? "").slice(logo.length)))).toBe(true);
  expect(SCHEMA.description).toBeTruthy();
});

it("has the registry's keywords: a category and the kind of provider", () => {
  expect(SCHEMA.keywords).toEqual(expect.arrayContaining(["pulumi", "waapi", "kind/native"]));
  expect(SCHEMA.keywords?.filter((keyword) => keyword.startsWith("category/"))).toHaveLength(1);
});

it("has a language section for every SDK: Node.js, Python, Go, .NET and Java", () => {
  expect(Object.keys(SCHEMA.language ?? {}).sort()).toEqual(["csharp", "go", "java", "nodejs", "python"]);
  // The Go SDK's import path lies under the repository, as `go get` needs.
  expect(SCHEMA.language?.["go"]).toMatchObject({
    importBasePath: `${REPOSITORY.replace(/^https:\/\//, "")}/sdk/go/waapi`,
  });
});

it("describes the provider, every resource, function, type and property", () => {
  const undescribed = [
    ...(SCHEMA.provider?.description ? [] : ["provider"]),
    ...Object.entries({ ...SCHEMA.resources, ...SCHEMA.functions, ...SCHEMA.types })
      .filter(([, item]) => !item.description?.trim())
      .map(([token]) => token),
    ...everyProperty()
      .filter(([, property]) => !property.description?.trim())
      .map(([where]) => where),
  ];
  expect(everyProperty().length).toBeGreaterThan(20);
  expect(undescribed).toEqual([]);
});

describe.each([
  ...Object.keys(SCHEMA.resources).map((token) => ["resource", token] as const),
  ...Object.keys(SCHEMA.functions).map((token) => ["function", token] as const),
])("the %s %s", (kind, token) => {
  const description =
    (kind === "resource" ? SCHEMA.resources[token] : SCHEMA.functions[token])?.description ?? "";

  it("shows a usage example in TypeScript, Python, Go, C# and YAML, in Pulumi's examples shortcodes", () => {
    expect(description).toMatch(
      /\{\{% examples %\}\}\n## Example Usage\n[\s\S]*\{\{% example %\}\}\n### .+[\s\S]*\{\{% \/example %\}\}\n\{\{% \/examples %\}\}$/,
    );
    for (const language of EXAMPLE_LANGUAGES) expect(codeBlocks(description, language)).toHaveLength(1);
  });

  it("uses it in the example: the YAML program declares or invokes it", () => {
    const [yaml = ""] = codeBlocks(description, "yaml");
    expect(yaml).toContain(kind === "resource" ? `type: ${token}` : `function: ${token}`);
  });
});

it("the examples are examples/native/*, verbatim", () => {
  const description = SCHEMA.resources["waapi:index:Instance"]?.description ?? "";
  for (const [language, file] of Object.entries(EXAMPLE_FILES)) {
    expect(codeBlocks(description, language)).toEqual([
      `${readFileSync(join(ROOT, "examples", "native", file), "utf8").trimEnd()}\n`,
    ]);
  }
});

it("the YAML example uses only the schema's resources, functions and input properties", () => {
  const program = parseYaml(
    readFileSync(join(ROOT, "examples", "native", EXAMPLE_FILES["yaml"] ?? ""), "utf8"),
  ) as {
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    variables: Record<string, { "fn::invoke": { function: string; arguments: Record<string, unknown> } }>;
  };
  for (const resource of Object.values(program.resources)) {
    const inputs = Object.keys(SCHEMA.resources[resource.type]?.inputProperties ?? {});
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs).toEqual(expect.arrayContaining(Object.keys(resource.properties)));
  }
  for (const { "fn::invoke": invoke } of Object.values(program.variables)) {
    const fn = SCHEMA.functions[invoke.function];
    expect(fn).toBeDefined();
    expect(Object.keys(fn?.inputs?.properties ?? {})).toEqual(
      expect.arrayContaining(Object.keys(invoke.arguments)),
    );
  }
});

it("the Python example uses only names the generated Python SDK defines", () => {
  const example = readFileSync(join(ROOT, "examples", "native", EXAMPLE_FILES["python"] ?? ""), "utf8");
  const sdk = join(ROOT, "sdk", "python", "pulumi_waapi");
  const defined = [
    "__init__.py",
    "instance.py",
    "group.py",
    "get_instance.py",
    "list_instances.py",
    "get_instance_status.py",
    "_enums.py",
  ]
    .map((file) => readFileSync(join(sdk, file), "utf8"))
    .join("\n");
  const used = [...example.matchAll(/\bwaapi\.(\w+)(?:\.(\w+))?/g)];
  expect(used.length).toBeGreaterThan(3);
  for (const [, name = "", member] of used) {
    expect(defined).toMatch(new RegExp(`^(class|def) ${name}\\b`, "m"));
    if (member !== undefined) expect(defined).toMatch(new RegExp(`^\\s+${member} = `, "m"));
  }
  for (const [, keyword = ""] of example.matchAll(/^\s+(\w+)=/gm)) {
    expect(defined).toMatch(new RegExp(`\\b${keyword}: `));
  }
});
