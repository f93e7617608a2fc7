#!/usr/bin/env node
// @ts-check
// Writes the README's reference of every resource of the registry (inputs, outputs, the named types
// they use) from each resource's spec in its folder of the core (provider/instance/properties.ts,
// provider/resources/group/properties.ts), read from the built registry (scripts/registry.cjs): the
// first paragraph of each property's doc, its type, and whether it is required. `npm run docs`
// writes it; tests/docs.test.ts fails when the README is out of date. A new resource needs no edit
// here, only its block in the README (`<!-- BEGIN <marker>: npm run docs -->` … `<!-- END <marker> -->`).
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { registry, typeText, summary, namedTypes, namedTypeOf } = require("./registry.cjs");

const ROOT = path.resolve(__dirname, "..");
const README = path.join(ROOT, "README.md");

/** @param {string} file */
function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
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
 * A resource's README reference: its inputs (with the named types they use) and outputs, as its spec
 * in the registry says them.
 * @param {import("./registry.cjs").Resource} resource
 */
function reference(resource) {
  const { inputs, outputs, reference: text } = resource.spec;
  const inputRows = [
    ["input", "type", "meaning"],
    ...inputs.map((p) => [
      `\`${p.name}\``,
      `\`${typeText(p.type)}\`, ${p.required ? "required" : "optional"}`,
      summary(p),
    ]),
  ];
  const outputRows = [
    ["output", "type", "meaning"],
    ...outputs.map((p) => [
      `\`${p.name}\``,
      `\`${typeText(p.type)}${p.required ? "" : " | undefined"}\``,
      summary(p),
    ]),
  ];
  const types = namedTypes();
  const used = [...new Set(inputs.map((p) => namedTypeOf(p.type)).filter((name) => name !== undefined))];
  return [
    begin(text.marker),
    "",
    `### ${text.inputsHeading}`,
    "",
    text.note,
    "",
    table(inputRows),
    "",
    ...used.flatMap((name) => [types[name]?.reference ?? "", ""]),
    `### ${text.outputsHeading}`,
    "",
    table(outputRows),
    "",
    end(text.marker),
  ].join("\n");
}

/** @param {string} marker */
const begin = (marker) => `<!-- BEGIN ${marker}: npm run docs -->`;
/** @param {string} marker */
const end = (marker) => `<!-- END ${marker} -->`;

/** `readme` with the block between `begin` and `end` replaced by `text`. @param {string} readme @param {string} begin @param {string} end @param {string} text */
function replaceBlock(readme, begin, end, text) {
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the ${begin} … ${end} block`);
  return readme.slice(0, start) + text + readme.slice(stop + end.length);
}

/** The README as it should be: every resource's block rewritten. @param {string} readme */
function withReference(readme) {
  return registry().RESOURCES.reduce(
    (text, resource) =>
      replaceBlock(
        text,
        begin(resource.spec.reference.marker),
        end(resource.spec.reference.marker),
        reference(resource),
      ),
    readme,
  );
}

module.exports = { withReference, parse, constInitializer, fullComment, table, README };

if (require.main === module) {
  const current = fs.readFileSync(README, "utf8");
  const next = withReference(current);
  if (next !== current) fs.writeFileSync(README, next);
  console.log(next === current ? "README.md reference is up to date" : "README.md reference rewritten");
}
