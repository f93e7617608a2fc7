/** The README's WaapiInstance reference is generated from the code; this keeps the two in step. */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { requireFromRoot } from "./support/provider";

const { withReference, README } = requireFromRoot("./scripts/generate-reference.cjs") as {
  withReference: (readme: string) => string;
  README: string;
};

it("README.md's inputs, outputs and events match the code (run `npm run docs` to update them)", () => {
  const readme = readFileSync(README, "utf8");
  expect(readme).toContain("`adoptInstanceId`");
  expect(withReference(readme)).toBe(readme);
});

const { schemaText, SCHEMA } = requireFromRoot("./scripts/generate-schema.cjs") as {
  schemaText: () => string;
  SCHEMA: string;
};

it("the native plugin's schema.json matches the code (run `npm run docs` to update it)", () => {
  const schema = JSON.parse(readFileSync(SCHEMA, "utf8")) as {
    resources: Record<string, { inputProperties: Record<string, unknown> }>;
    types: Record<string, { enum?: unknown[] }>;
  };
  expect(Object.keys(schema.resources["waapi:index:Instance"]?.inputProperties ?? {})).toEqual([
    "name",
    "webhookUrl",
    "webhookEvents",
  ]);
  expect(schema.types["waapi:index:WebhookEvent"]?.enum).toHaveLength(20);
  expect(readFileSync(SCHEMA, "utf8")).toBe(schemaText());
});

const { indexPage, installationPage, PAGES } = requireFromRoot("./scripts/generate-registry-docs.cjs") as {
  indexPage: () => string;
  installationPage: () => string;
  PAGES: { index: string; installation: string };
};

describe.each([
  ["docs/_index.md", PAGES.index, indexPage, "package"],
  ["docs/installation-configuration.md", PAGES.installation, installationPage, "installation"],
])("the registry page %s", (_name, file, render, layout) => {
  const text = readFileSync(file, "utf8");

  it("matches the schema (run `npm run docs` to update it)", () => {
    expect(text).toBe(render());
  });

  it("opens with the registry's front matter: a title, a description and its layout", () => {
    const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "";
    expect(parseYaml(frontMatter)).toEqual({
      title: expect.stringMatching(/^WAAPI/),
      meta_desc: expect.stringMatching(/\S/),
      layout,
    });
  });
});

it("the overview shows the example in every language; the installation page every config key", () => {
  const schema = JSON.parse(readFileSync(SCHEMA, "utf8")) as {
    config: { variables: Record<string, unknown> };
  };
  const overview = readFileSync(PAGES.index, "utf8");
  for (const language of ["typescript", "python", "go", "csharp", "yaml"]) {
    expect(overview).toContain(`{{% choosable language ${language} %}}\n\n\`\`\`${language}\n`);
  }
  const installation = readFileSync(PAGES.installation, "utf8");
  for (const key of Object.keys(schema.config.variables))
    expect(installation).toContain(`| \`waapi:${key}\` |`);
  expect(installation).toContain("pulumi config set --secret waapi:apiToken");
});
