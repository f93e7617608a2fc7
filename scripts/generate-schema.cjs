#!/usr/bin/env node
// @ts-check
// Writes provider/native/schema.json, the native plugin's Pulumi package schema: every resource and
// function of the registry from its spec in the core (read from the built registry,
// scripts/registry.cjs, as the README reference is), the named types from the vocabulary and the
// registry's OBJECT_TYPES, and the config keys from CONFIG_KEYS' doc comments. So the dynamic
// resource, the README and the native resource cannot disagree, and a new resource or function
// needs no edit here. `npm run docs` writes it;
// tests/docs.test.ts fails when it is out of date.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { parse, constInitializer, fullComment } = require("./generate-reference.cjs");
const { registry, summary, namedTypes } = require("./registry.cjs");

const ROOT = path.resolve(__dirname, "..");
const SCHEMA = path.join(ROOT, "provider", "native", "schema.json");
const SETTINGS = path.join(ROOT, "provider", "settings.ts");
const PACKAGE = "waapi";
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/**
 * The repository, from package.json's `repository.url`: the one place it is written. Its owner is a
 * placeholder until the repository is published (README, "Versions and releases"); the schema's
 * homepage, plugin download URL, logo and Go import path all follow it.
 */
const REPOSITORY = String(PACKAGE_JSON.repository.url)
  .replace(/^git\+/, "")
  .replace(/\.git$/, "");
const REPOSITORY_PATH = new URL(REPOSITORY).pathname; // "/OWNER/pulumi-waapi"
const OWNER = REPOSITORY_PATH.split("/")[1];
/** The usage examples, one program per language (examples/native/README.md). */
const EXAMPLES = path.join(ROOT, "examples", "native");
const EXAMPLE_FILES = {
  typescript: "typescript/index.ts",
  python: "python/__main__.py",
  go: "go/main.go",
  csharp: "csharp/Program.cs",
  yaml: "yaml/Pulumi.yaml",
};

/** README links to its own sections mean nothing in a schema: keep their text. @param {string} text */
function plain(text) {
  return text.replace(/\[([^\]]+)\]\(#[^)]*\)/g, "$1");
}

/**
 * `description` followed by the usage examples in every language, in Pulumi's `{{% examples %}}`
 * convention: each SDK's generator keeps the code blocks of its own language.
 * @param {string} description @param {string} title
 */
function withExamples(description, title) {
  const blocks = Object.entries(EXAMPLE_FILES).map(([language, file]) => {
    const code = fs.readFileSync(path.join(EXAMPLES, file), "utf8").trimEnd();
    return `\`\`\`${language}\n${code}\n\`\`\``;
  });
  const example = ["{{% example %}}", `### ${title}`, "", ...blocks, "{{% /example %}}"].join("\n");
  return `${description}\n\n{{% examples %}}\n## Example Usage\n\n${example}\n{{% /examples %}}`;
}

/** A named type's token in the schema. @param {string} name */
const typeToken = (name) => `${PACKAGE}:index:${name}`;

/**
 * A property's type (the spec's PropertyType, or a TypeScript type of an interface this reads) as a
 * schema type. @param {import("./registry.cjs").PropertyType | string} type
 */
function schemaType(type) {
  if (typeof type !== "string") return { type: "string" }; // oneOf: its values are in the description
  const base = type.replace(/\s*\|\s*undefined$/, "");
  const named = { ...namedTypes(), ...registry().OBJECT_TYPES };
  if (base in named) return { $ref: `#/types/${typeToken(base)}` };
  if (base.endsWith("[]") && base.slice(0, -2) in named)
    return { type: "array", items: { $ref: `#/types/${typeToken(base.slice(0, -2))}` } };
  switch (base) {
    case "string":
      return { type: "string" };
    case "number": // a whole number: an instance's id, or a setting resolveSettings reads as one
      return { type: "integer" };
    case "boolean":
      return { type: "boolean" };
    case "string[]":
      return { type: "array", items: { type: "string" } };
    default:
      throw new Error(`generate-schema: no schema type for '${type}'`);
  }
}

/**
 * Schema properties of the spec's properties (secret outputs marked).
 * @param {readonly { name: string, type: import("./registry.cjs").PropertyType | string, description?: string, summary?: string, secret?: boolean }[]} members
 */
function properties(members) {
  return Object.fromEntries(
    members.map((m) => [
      m.name,
      {
        ...schemaType(m.type),
        description: plain(m.summary ?? summary({ description: m.description ?? "" })),
        ...(m.secret ? { secret: true } : {}),
      },
    ]),
  );
}

/** The names of the required ones. @param {readonly { name: string, required?: boolean }[]} members */
function required(members) {
  return members.filter((m) => m.required).map((m) => m.name);
}

/** Each setting's TypeScript type, from the ProviderSettings interface that resolveSettings returns. */
function settingTypes() {
  /** @type {Map<string, string>} */
  const types = new Map();
  parse(SETTINGS).forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== "ProviderSettings") return;
    for (const member of node.members) {
      if (ts.isPropertySignature(member) && member.type)
        types.set(member.name.getText(), member.type.getText());
    }
  });
  return types;
}

/**
 * The provider's config keys (`waapi:<key>`), from CONFIG_KEYS' doc comments (`@secret` marks secrets)
 * and typed as ProviderSettings types them, so the schema and both doors read a key alike.
 */
function configVariables() {
  /** @type {Record<string, object>} */
  const variables = {};
  const types = settingTypes();
  const keys = constInitializer(SETTINGS, "CONFIG_KEYS");
  for (const property of keys && ts.isObjectLiteralExpression(keys) ? keys.properties : []) {
    const name = property.name?.getText() ?? "";
    const type = types.get(name);
    if (type === undefined) throw new Error(`generate-schema: ProviderSettings has no '${name}'`);
    const secret = ts.getJSDocTags(property).some((tag) => tag.tagName.text === "secret");
    variables[name] = {
      ...schemaType(type),
      description: fullComment(property).replace(/\s+/g, " "),
      ...(secret ? { secret: true } : {}),
    };
  }
  if (Object.keys(variables).length === 0) throw new Error("generate-schema: CONFIG_KEYS not found");
  return variables;
}

function schema() {
  const { RESOURCES, FUNCTIONS, OBJECT_TYPES } = registry();
  const config = configVariables();
  const version = PACKAGE_JSON.version;
  const resources = Object.fromEntries(
    RESOURCES.map((resource) => {
      const inputs = resource.spec.inputs.filter((p) => !p.dynamicOnly);
      return [
        resource.token,
        {
          description: withExamples(plain(resource.spec.description), resource.spec.example),
          // A program moves from the dynamic resource to this one in place (README, TypeScript).
          aliases: [{ type: resource.dynamicToken }],
          inputProperties: properties(inputs),
          requiredInputs: required(inputs),
          properties: properties(resource.spec.outputs),
          required: required(resource.spec.outputs),
        },
      ];
    }),
  );
  const types = Object.fromEntries([
    ...Object.entries(namedTypes()).map(([name, named]) => [
      typeToken(name),
      { type: "string", description: named.description, enum: named.values.map((value) => ({ value })) },
    ]),
    ...Object.entries(OBJECT_TYPES).map(([name, object]) => [
      typeToken(name),
      {
        type: "object",
        description: object?.description,
        properties: properties(object?.properties ?? []),
        required: required(object?.properties ?? []),
      },
    ]),
  ]);
  const functions = Object.fromEntries(
    FUNCTIONS.map(({ token, spec }) => [
      token,
      {
        description: withExamples(plain(spec.description), spec.example),
        ...(spec.args
          ? { inputs: { properties: properties(spec.args), required: required(spec.args) } }
          : {}),
        outputs: { properties: properties(spec.result), required: required(spec.result) },
      },
    ]),
  );

  return {
    name: PACKAGE,
    displayName: "WAAPI",
    version,
    description: "WhatsApp gateway instances on waapi.app, and the WhatsApp groups of their lines.",
    keywords: ["pulumi", "waapi", "whatsapp", "category/utility", "kind/native"],
    homepage: REPOSITORY,
    repository: REPOSITORY,
    publisher: OWNER,
    license: PACKAGE_JSON.license,
    logoUrl: `https://raw.githubusercontent.com${REPOSITORY_PATH}/main/docs/logo.png`,
    // Pulumi's scheme for a GitHub repository's releases: the engine fetches
    // pulumi-resource-waapi-v<version>-<os>-<arch>.tar.gz from the release tagged v<version>.
    pluginDownloadURL: `github://api.github.com${REPOSITORY_PATH}`,
    config: { variables: config },
    provider: {
      description: "The WAAPI provider: which API to talk to, with which token.",
      inputProperties: config,
    },
    types,
    resources,
    functions,
    language: {
      // The SDKs carry the schema's version (the npm package's), which their resources ask the
      // engine for: without respectSchemaVersion the Python package would be 0.0.0.
      // The SDKs each language's registry would carry; scripts/gen-sdk.sh writes them.
      nodejs: {
        packageName: "@pulumi-waapi/native-sdk",
        packageDescription: "The pulumi-waapi native plugin's Node.js SDK, generated from its schema.",
        dependencies: { "@pulumi/pulumi": PACKAGE_JSON.dependencies["@pulumi/pulumi"] },
        respectSchemaVersion: true,
      },
      go: { importBasePath: `github.com${REPOSITORY_PATH}/sdk/go/waapi`, respectSchemaVersion: true },
      python: { packageName: "pulumi_waapi", pyproject: { enabled: true }, respectSchemaVersion: true },
      csharp: { rootNamespace: "Pulumi", packageReferences: { Pulumi: "3.*" }, respectSchemaVersion: true },
      // com.pulumi:pulumi at a version Maven Central serves here: tests/sdk.test.ts compiles sdk/java on it.
      java: {
        basePackage: "com.pulumi",
        buildFiles: "gradle",
        dependencies: { "com.pulumi:pulumi": "1.12.0" },
      },
    },
  };
}

/** The schema file as it should be. */
function schemaText() {
  return `${JSON.stringify(schema(), null, 2)}\n`;
}

module.exports = { schemaText, SCHEMA, REPOSITORY, EXAMPLE_FILES };

if (require.main === module) {
  const current = fs.existsSync(SCHEMA) ? fs.readFileSync(SCHEMA, "utf8") : "";
  const next = schemaText();
  if (next !== current) fs.writeFileSync(SCHEMA, next);
  console.log(next === current ? "schema.json is up to date" : "provider/native/schema.json rewritten");
}
