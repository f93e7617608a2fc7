#!/usr/bin/env node
// @ts-check
// Writes the README's WaapiInstance reference (inputs, outputs, webhook events) from the code:
// the first paragraph of the doc comment of each WaapiInstanceArgs member and each Output property
// of WaapiInstance, and the WEBHOOK_EVENTS list. `npm run docs` writes it; tests/docs.test.ts fails
// when the README is out of date. The TypeScript compiler reads the sources: no build needed.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const ROOT = path.resolve(__dirname, "..");
const RESOURCE = path.join(ROOT, "provider", "dynamic", "resource.ts");
const GROUP_RESOURCE = path.join(ROOT, "provider", "dynamic", "group.ts");
const VOCABULARY = path.join(ROOT, "provider", "waapi-api.ts");
const README = path.join(ROOT, "README.md");
const BEGIN = "<!-- BEGIN GENERATED REFERENCE: npm run docs -->";
const END = "<!-- END GENERATED REFERENCE -->";
const GROUP_BEGIN = "<!-- BEGIN GENERATED GROUP REFERENCE: npm run docs -->";
const GROUP_END = "<!-- END GENERATED GROUP REFERENCE -->";

/** @param {string} file */
function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** The first paragraph of a node's doc comment, on one line. @param {ts.Node} node */
function summary(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join("\n");
  const first = comment.split(/\n\s*\n/)[0] ?? "";
  if (!first.trim()) throw new Error(`${RESOURCE}: '${node.getText().split("\n")[0]}' has no doc comment`);
  return first.replace(/\s+/g, " ").trim();
}

/** `pulumi.Input<pulumi.Input<X>[]>` → `X[]`, `pulumi.Output<X>` → `X`. @param {string} type */
function plainType(type) {
  let previous;
  do {
    previous = type;
    type = type.replace(/pulumi\.(Input|Output)<([^<>]*(?:<[^<>]*>[^<>]*)*)>/g, "$2");
  } while (type !== previous);
  return type;
}

/** @param {string[][]} rows */
function table(rows) {
  const escaped = rows.map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = escaped[0].map((_, i) => Math.max(...escaped.map((row) => row[i].length)));
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(escaped[0]),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...escaped.slice(1).map(line),
  ].join("\n");
}

/**
 * The value of a top-level `const NAME = … [as const]` in `file`.
 * @param {string} file @param {string} name @returns {ts.Expression | undefined}
 */
function constInitializer(file, name) {
  /** @type {ts.Expression | undefined} */
  let found;
  parse(file).forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const declaration of node.declarationList.declarations) {
      if (declaration.name.getText() !== name || !declaration.initializer) continue;
      const value = declaration.initializer;
      found = ts.isAsExpression(value) ? value.expression : value;
    }
  });
  return found;
}

/**
 * @typedef {{ name: string, type: string, required: boolean, summary: string, description: string }} Member
 * @typedef {{ inputs: Member[], outputs: Member[], events: string[] }} InstanceDescription
 */

/** The whole doc comment of a node, paragraphs kept. @param {ts.Node} node */
function fullComment(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join("\n")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .join("\n\n");
}

/**
 * A dynamic resource's inputs (the members of its args interface) and outputs (the `pulumi.Output`
 * properties of its class) as the code declares them.
 * @param {string} file @param {string} argsName @param {string} className
 * @returns {{ inputs: Member[], outputs: Member[] }}
 */
function describeResource(file, argsName, className) {
  const resource = parse(file);
  /** @type {Member[]} */
  const inputs = [];
  /** @type {Member[]} */
  const outputs = [];
  resource.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === argsName) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        inputs.push({
          name: member.name.getText(),
          type: plainType(member.type.getText()),
          required: !member.questionToken,
          summary: summary(member),
          description: fullComment(member),
        });
      }
    }
    if (ts.isClassDeclaration(node) && node.name?.text === className) {
      for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) || !member.type?.getText().startsWith("pulumi.Output<"))
          continue;
        const type = plainType(member.type.getText());
        outputs.push({
          name: member.name.getText(),
          type,
          required: !type.includes("undefined"),
          summary: summary(member),
          description: fullComment(member),
        });
      }
    }
  });
  if (inputs.length === 0 || outputs.length === 0) throw new Error(`reference: ${className} not found`);
  return { inputs, outputs };
}

/** WaapiGroup's inputs and outputs: the README's group reference and the schema's Group. */
function describeGroup() {
  return describeResource(GROUP_RESOURCE, "WaapiGroupArgs", "WaapiGroup");
}

/**
 * WaapiInstance's inputs, outputs and webhook events as the code declares them: the one source of
 * the README reference and of the native plugin's schema (scripts/generate-schema.cjs).
 * @returns {InstanceDescription}
 */
function describeInstance() {
  const { inputs, outputs } = describeResource(RESOURCE, "WaapiInstanceArgs", "WaapiInstance");
  const list = constInitializer(VOCABULARY, "WEBHOOK_EVENTS");
  const events =
    list && ts.isArrayLiteralExpression(list)
      ? list.elements.map((e) => (ts.isStringLiteral(e) ? e.text : ""))
      : [];
  if (events.length === 0) throw new Error("reference: nothing found");
  return { inputs, outputs, events };
}

/** @param {Member[]} inputs @param {Member[]} outputs */
function tables(inputs, outputs) {
  const inputRows = [
    ["input", "type", "meaning"],
    ...inputs.map((m) => [
      `\`${m.name}\``,
      `\`${m.type}\`, ${m.required ? "required" : "optional"}`,
      m.summary,
    ]),
  ];
  const outputRows = [
    ["output", "type", "meaning"],
    ...outputs.map((m) => [`\`${m.name}\``, `\`${m.type}\``, m.summary]),
  ];
  return { inputs: table(inputRows), outputs: table(outputRows) };
}

function reference() {
  const { inputs, outputs, events } = describeInstance();
  const tablesOf = tables(inputs, outputs);
  return [
    BEGIN,
    "",
    "### Inputs",
    "",
    "All of them are updated in place: no change ever replaces an instance.",
    "",
    tablesOf.inputs,
    "",
    `\`WebhookEvent\` is one of the ${events.length} events WAAPI knows: ${events.map((e) => `\`${e}\``).join(", ")}.`,
    "",
    "### Outputs",
    "",
    tablesOf.outputs,
    "",
    END,
  ].join("\n");
}

function groupReference() {
  const { inputs, outputs } = describeGroup();
  const tablesOf = tables(inputs, outputs);
  return [
    GROUP_BEGIN,
    "",
    "### Group inputs",
    "",
    "All of them but `instanceId` and `adoptGroupId` are updated in place; a Group is never replaced.",
    "`adoptGroupId` is the TypeScript door's only: other languages use `pulumi import`.",
    "",
    tablesOf.inputs,
    "",
    "### Group outputs",
    "",
    tablesOf.outputs,
    "",
    GROUP_END,
  ].join("\n");
}

/** `readme` with the block between `begin` and `end` replaced by `text`. @param {string} readme @param {string} begin @param {string} end @param {string} text */
function replaceBlock(readme, begin, end, text) {
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the ${begin} … ${end} block`);
  return readme.slice(0, start) + text + readme.slice(stop + end.length);
}

/** The README as it should be. @param {string} readme */
function withReference(readme) {
  return replaceBlock(
    replaceBlock(readme, BEGIN, END, reference()),
    GROUP_BEGIN,
    GROUP_END,
    groupReference(),
  );
}

module.exports = {
  withReference,
  describeInstance,
  describeGroup,
  parse,
  constInitializer,
  fullComment,
  README,
};

if (require.main === module) {
  const current = fs.readFileSync(README, "utf8");
  const next = withReference(current);
  if (next !== current) fs.writeFileSync(README, next);
  console.log(next === current ? "README.md reference is up to date" : "README.md reference rewritten");
}
