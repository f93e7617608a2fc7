#!/usr/bin/env node
// @ts-check
// Writes the Pulumi Registry's two pages for the native plugin, docs/_index.md (the overview, with the
// usage example in every language) and docs/installation-configuration.md (SDKs, the plugin, the
// configuration), from provider/native/schema.json — so the repository URL, the SDK names, the config
// keys and the examples are the schema's, stated once (scripts/generate-schema.cjs). `npm run docs`
// writes them; tests/docs.test.ts fails when they are out of date.
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DOCS = path.join(ROOT, "docs");
const PAGES = {
  index: path.join(DOCS, "_index.md"),
  installation: path.join(DOCS, "installation-configuration.md"),
};
/** The registry's names of the languages the examples are in, in its order. */
const LANGUAGES = ["typescript", "python", "go", "csharp", "yaml"];

function schema() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "provider", "native", "schema.json"), "utf8"));
}

/** The fenced code block of `language` in a schema description. @param {string} text @param {string} language */
function codeBlock(text, language) {
  const match = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(text);
  if (!match) throw new Error(`generate-registry-docs: the resource description has no ${language} example`);
  return match[1];
}

/** @param {Record<string, string>} frontMatter @param {string[]} body */
function page(frontMatter, body) {
  const head = Object.entries(frontMatter).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `${["---", ...head, "---", "", ...body].join("\n").trimEnd()}\n`;
}

function indexPage() {
  const spec = schema();
  // Every resource's description carries the same usage examples: the registry's first one's.
  const [first] = Object.values(spec.resources);
  const example = first.description;
  const chooser = [
    `{{< chooser language "${LANGUAGES.join(",")}" >}}`,
    ...LANGUAGES.flatMap((language) => [
      `{{% choosable language ${language} %}}`,
      "",
      `\`\`\`${language}`,
      codeBlock(example, language).trimEnd(),
      "```",
      "",
      "{{% /choosable %}}",
    ]),
    "{{< /chooser >}}",
  ];
  return page(
    {
      title: spec.displayName,
      meta_desc:
        "Provides an overview of the WAAPI provider for Pulumi: WhatsApp gateway instances on waapi.app as code.",
      layout: "package",
    },
    [
      `The WAAPI provider for Pulumi manages WhatsApp gateway instances on [waapi.app](https://waapi.app).`,
      "Each instance is a paid, linked WhatsApp session; the provider declares its name, the webhook URL",
      "WAAPI posts messages to and the events it subscribes to, and reads instances back",
      "(`getInstance`, `listInstances`) and whether a phone has linked each line (`getInstanceStatus`).",
      "Every change is an update in place: nothing ever replaces, and so deletes, a paid instance.",
      "Existing instances are taken over with `pulumi import`.",
      "",
      "## Example",
      "",
      ...chooser,
      "",
      `The provider's source, and a dynamic-provider door for TypeScript programs: [${spec.repository.replace(/^https:\/\//, "")}](${spec.repository}).`,
    ],
  );
}

function installationPage() {
  const spec = schema();
  const go = spec.language.go.importBasePath;
  const variables = Object.entries(spec.config.variables);
  /** @param {string} description */
  const fallback = (description) => /Falls back to (WAAPI_[A-Z_]+)/.exec(description)?.[1];
  const rows = variables.map(([key, variable]) => {
    const env = fallback(variable.description);
    if (!env) throw new Error(`generate-registry-docs: waapi:${key} names no environment fallback`);
    const meaning = variable.description.replace(/\s*Falls back to WAAPI_[A-Z_]+\.$/, "");
    return `| \`waapi:${key}\` | \`${env}\` | ${meaning} |`;
  });
  return page(
    {
      title: `${spec.displayName} Installation & Configuration`,
      meta_desc: "Information on how to install the WAAPI provider for Pulumi and configure its API token.",
      layout: "installation",
    },
    [
      "## Installation",
      "",
      "The WAAPI provider is available in these Pulumi languages (not published to their registries yet:",
      `until then, install them from [the repository](${spec.repository}) as its README says):`,
      "",
      `- JavaScript/TypeScript: the module \`pulumi-waapi/native\` of the npm package \`pulumi-waapi\``,
      `- Python: \`${spec.language.python.packageName}\``,
      `- Go: \`${go}\``,
      `- Java: \`${spec.language.java.basePackage}.${spec.name}\` (a Gradle project, built against \`com.pulumi:pulumi\` ${spec.language.java.dependencies["com.pulumi:pulumi"]})`,
      "- YAML: no SDK needed",
      "",
      "There is no .NET SDK yet.",
      "",
      "### Provider binary",
      "",
      "Once the repository publishes its releases, Pulumi installs the plugin, `pulumi-resource-waapi`,",
      "from them when a program first uses it (the schema's `pluginDownloadURL`). To install it by hand:",
      "",
      "```bash",
      `pulumi plugin install resource waapi v${spec.version} --server ${spec.pluginDownloadURL}`,
      "```",
      "",
      "## Configuration",
      "",
      "The token is a secret: set it with `--secret`, so that the stack's config holds it encrypted.",
      "",
      "```bash",
      "pulumi config set --secret waapi:apiToken",
      "```",
      "",
      "Or, where a CI job provides secrets as environment variables:",
      "",
      "```bash",
      "export WAAPI_API_TOKEN=<a token from User API Tokens on waapi.app>",
      "```",
      "",
      "| stack config | environment fallback | meaning |",
      "| --- | --- | --- |",
      ...rows,
      "",
      "The token needs the permissions of what the program does: `create` and `update` to create an",
      "instance, `update` for any change, `read` for refresh, import and the functions, `delete` to remove",
      "one.",
    ],
  );
}

module.exports = { indexPage, installationPage, PAGES };

if (require.main === module) {
  for (const [file, text] of [
    [PAGES.index, indexPage()],
    [PAGES.installation, installationPage()],
  ]) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== text) fs.writeFileSync(file, text);
    console.log(`${path.relative(ROOT, file)} ${current === text ? "is up to date" : "rewritten"}`);
  }
}
