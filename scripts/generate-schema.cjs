#!/usr/bin/env node
// @ts-check
// Writes provider/native/schema.json, the native plugin's Pulumi package schema, from the same
// sources as the README reference (scripts/generate-reference.cjs): the doc comments and types of
// WaapiInstanceArgs and WaapiInstance, WEBHOOK_EVENTS, and the doc comments of CONFIG_KEYS. So the
// dynamic resource, the README and the native resource cannot disagree. `npm run docs` writes it;
// tests/docs.test.ts fails when it is out of date.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const {
  describeInstance,
  describeGroup,
  parse,
  constInitializer,
  fullComment,
} = require("./generate-reference.cjs");

const ROOT = path.resolve(__dirname, "..");
const SCHEMA = path.join(ROOT, "provider", "native", "schema.json");
const SETTINGS = path.join(ROOT, "provider", "settings.ts");
const PACKAGE = "waapi";
const INSTANCE = `${PACKAGE}:index:Instance`;
const GROUP = `${PACKAGE}:index:Group`;
/** The dynamic WaapiGroup's type token (provider/tokens.ts), which the native Group aliases. */
const DYNAMIC_GROUP_TYPE = "pulumi-nodejs:dynamic/waapi:Group";
/** The Group's outputs that are always secrets (GROUP_SECRET_OUTPUTS), and its dynamic-only inputs. */
const GROUP_STATE = path.join(ROOT, "provider", "resources", "group", "state.ts");
const GROUP_DYNAMIC_ONLY_INPUTS = ["adoptGroupId"];
const WEBHOOK_EVENT = `${PACKAGE}:index:WebhookEvent`;
const INSTANCE_INFO = `${PACKAGE}:index:InstanceInfo`;
const INSTANCE_STATUS = `${PACKAGE}:index:InstanceStatus`;
/** getInstanceStatus: its result type's comments, and the dynamic door's function comment (both doors' text). */
const LINE_STATUS = path.join(ROOT, "provider", "instance", "line-status.ts");
const FUNCTIONS = path.join(ROOT, "provider", "dynamic", "functions.ts");
const VOCABULARY = path.join(ROOT, "provider", "waapi-api.ts");
/**
 * Dynamic-door inputs the native resource does without: adoptInstanceId stands in for Pulumi's
 * `import`, which works for a native resource.
 */
const DYNAMIC_ONLY_INPUTS = ["adoptInstanceId"];
/** The dynamic WaapiInstance's type token (provider/native/tokens.ts), which the native Instance aliases. */
const DYNAMIC_INSTANCE_TYPE = "pulumi-nodejs:dynamic/waapi:Instance";
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

/** A TypeScript type of the reference as a schema type. @param {string} type */
function schemaType(type) {
  const base = type.replace(/\s*\|\s*undefined$/, "");
  switch (base) {
    case "string":
      return { type: "string" };
    case "number": // a whole number: an instance's id, or a setting resolveSettings reads as one
      return { type: "integer" };
    case "boolean":
      return { type: "boolean" };
    case "string[]":
      return { type: "array", items: { type: "string" } };
    case '"forget" | "removeMembers"': // Group's onDelete: a plain string, its values in the description
      return { type: "string" };
    case "WebhookEvent[]":
      return { type: "array", items: { $ref: `#/types/${WEBHOOK_EVENT}` } };
    case "InstanceStatus":
      return { $ref: `#/types/${INSTANCE_STATUS}` };
    default:
      throw new Error(`generate-schema: no schema type for '${type}'`);
  }
}

/** @param {import("./generate-reference.cjs").Member[]} members */
function properties(members) {
  return Object.fromEntries(
    members.map((m) => [m.name, { ...schemaType(m.type), description: plain(m.summary) }]),
  );
}

/**
 * The members of interface `name` in `file`, as the reference describes WaapiInstance's.
 * @param {string} file @param {string} name @returns {import("./generate-reference.cjs").Member[]}
 */
function interfaceMembers(file, name) {
  /** @type {import("./generate-reference.cjs").Member[]} */
  const members = [];
  parse(file).forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const description = fullComment(member);
      members.push({
        name: member.name.getText(),
        type: member.type.getText(),
        required: !member.questionToken,
        summary: description.split("\n\n")[0] ?? "",
        description,
      });
    }
  });
  if (members.length === 0) throw new Error(`generate-schema: ${file} has no interface ${name}`);
  return members;
}

/** The doc comment of the class `name` in `file`. @param {string} file @param {string} name */
function classComment(file, name) {
  let text = "";
  parse(file).forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === name) text = fullComment(node);
  });
  if (!text) throw new Error(`generate-schema: ${file} has no documented class ${name}`);
  return plain(text);
}

/** The doc comment of the function `name` in `file`. @param {string} file @param {string} name */
function functionComment(file, name) {
  let text = "";
  parse(file).forEachChild((node) => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) text = fullComment(node);
  });
  if (!text) throw new Error(`generate-schema: ${file} has no documented function ${name}`);
  return plain(text.replace(/\{@link (\w+)\}/g, "$1"));
}

/** The values of a top-level string array constant. @param {string} file @param {string} name */
function stringList(file, name) {
  const list = constInitializer(file, name);
  const values =
    list && ts.isArrayLiteralExpression(list)
      ? list.elements.map((e) => (ts.isStringLiteral(e) ? e.text : ""))
      : [];
  if (values.length === 0 || values.includes("")) throw new Error(`generate-schema: ${name} not found`);
  return values;
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
  const { inputs, outputs, events } = describeInstance();
  const resourceDescription = classComment(
    path.join(ROOT, "provider", "dynamic", "resource.ts"),
    "WaapiInstance",
  );
  const nativeInputs = inputs.filter((m) => !DYNAMIC_ONLY_INPUTS.includes(m.name));
  const outputProperties = properties(outputs);
  const requiredOutputs = outputs.filter((m) => m.required).map((m) => m.name);
  const config = configVariables();
  const version = PACKAGE_JSON.version;
  const statusMembers = interfaceMembers(LINE_STATUS, "InstanceStatusResult");
  const statusArgs = interfaceMembers(FUNCTIONS, "GetInstanceStatusArgs");
  const group = describeGroup();
  const groupInputs = group.inputs.filter((m) => !GROUP_DYNAMIC_ONLY_INPUTS.includes(m.name));
  const groupSecrets = stringList(GROUP_STATE, "GROUP_SECRET_OUTPUTS");
  const groupOutputs = Object.fromEntries(
    Object.entries(properties(group.outputs)).map(([name, property]) => [
      name,
      groupSecrets.includes(name) ? { ...property, secret: true } : property,
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
    types: {
      [WEBHOOK_EVENT]: {
        type: "string",
        description: `One of the ${events.length} webhook events WAAPI knows.`,
        enum: events.map((value) => ({ value })),
      },
      [INSTANCE_STATUS]: {
        type: "string",
        description:
          "A line's WhatsApp client status, as WAAPI reports it; only ready sends and receives messages.",
        enum: stringList(VOCABULARY, "INSTANCE_STATUSES").map((value) => ({ value })),
      },
      [INSTANCE_INFO]: {
        type: "object",
        description: "An instance as WAAPI reports it.",
        properties: outputProperties,
        required: requiredOutputs,
      },
    },
    resources: {
      [INSTANCE]: {
        description: withExamples(
          resourceDescription,
          "A WhatsApp line with a secret webhook, read back and listed",
        ),
        // A program moves from the dynamic WaapiInstance to this resource in place (README, TypeScript).
        aliases: [{ type: DYNAMIC_INSTANCE_TYPE }],
        inputProperties: properties(nativeInputs),
        requiredInputs: nativeInputs.filter((m) => m.required).map((m) => m.name),
        properties: outputProperties,
        required: requiredOutputs,
      },
      [GROUP]: {
        description: withExamples(
          classComment(path.join(ROOT, "provider", "dynamic", "group.ts"), "WaapiGroup"),
          "A WhatsApp line with a secret webhook and an on-call group, read back and listed",
        ),
        aliases: [{ type: DYNAMIC_GROUP_TYPE }],
        inputProperties: properties(groupInputs),
        requiredInputs: groupInputs.filter((m) => m.required).map((m) => m.name),
        properties: groupOutputs,
        required: group.outputs.filter((m) => m.required).map((m) => m.name),
      },
    },
    functions: {
      [`${PACKAGE}:index:getInstance`]: {
        description: withExamples(
          "Reads one instance of the token's account by its id; fails when there is none.",
          "Read a line's live settings",
        ),
        inputs: {
          properties: { instanceId: { type: "integer", description: "WAAPI's id of the instance." } },
          required: ["instanceId"],
        },
        outputs: { properties: outputProperties, required: requiredOutputs },
      },
      [`${PACKAGE}:index:listInstances`]: {
        description: withExamples(
          "Lists every instance of the token's account, by id.",
          "Count the account's lines",
        ),
        outputs: {
          properties: {
            instances: {
              type: "array",
              items: { $ref: `#/types/${INSTANCE_INFO}` },
              description: "The instances, sorted by id.",
            },
          },
          required: ["instances"],
        },
      },
      [`${PACKAGE}:index:getInstanceStatus`]: {
        description: withExamples(
          functionComment(FUNCTIONS, "getInstanceStatus"),
          "Read whether a line is linked",
        ),
        inputs: {
          properties: properties(statusArgs),
          required: statusArgs.filter((m) => m.required).map((m) => m.name),
        },
        outputs: {
          properties: properties(statusMembers),
          required: statusMembers.filter((m) => m.required).map((m) => m.name),
        },
      },
    },
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
