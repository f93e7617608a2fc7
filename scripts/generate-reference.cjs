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
const VOCABULARY = path.join(ROOT, "provider", "waapi-api.ts");
const README = path.join(ROOT, "README.md");
const BEGIN = "<!-- BEGIN GENERATED REFERENCE: npm run docs -->";
const END = "<!-- END GENERATED REFERENCE -->";

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

function reference() {
  const resource = parse(RESOURCE);
  /** @type {string[][]} */
  const inputs = [["input", "type", "meaning"]];
  /** @type {string[][]} */
  const outputs = [["output", "type", "meaning"]];
  resource.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === "WaapiInstanceArgs") {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const type = `\`${plainType(member.type.getText())}\`, ${member.questionToken ? "optional" : "required"}`;
        inputs.push([`\`${member.name.getText()}\``, type, summary(member)]);
      }
    }
    if (ts.isClassDeclaration(node) && node.name?.text === "WaapiInstance") {
      for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) || !member.type?.getText().startsWith("pulumi.Output<"))
          continue;
        outputs.push([
          `\`${member.name.getText()}\``,
          `\`${plainType(member.type.getText())}\``,
          summary(member),
        ]);
      }
    }
  });

  /** @type {string[]} */
  let events = [];
  parse(VOCABULARY).forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const declaration of node.declarationList.declarations) {
      if (declaration.name.getText() !== "WEBHOOK_EVENTS" || !declaration.initializer) continue;
      const list = ts.isAsExpression(declaration.initializer)
        ? declaration.initializer.expression
        : declaration.initializer;
      if (ts.isArrayLiteralExpression(list))
        events = list.elements.map((e) => (ts.isStringLiteral(e) ? e.text : ""));
    }
  });
  if (inputs.length < 2 || outputs.length < 2 || events.length === 0)
    throw new Error("reference: nothing found");

  return [
    BEGIN,
    "",
    "### Inputs",
    "",
    "All of them are updated in place: no change ever replaces an instance.",
    "",
    table(inputs),
    "",
    `\`WebhookEvent\` is one of the ${events.length} events WAAPI knows: ${events.map((e) => `\`${e}\``).join(", ")}.`,
    "",
    "### Outputs",
    "",
    table(outputs),
    "",
    END,
  ].join("\n");
}

/** The README as it should be. @param {string} readme */
function withReference(readme) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${BEGIN} … ${END} block`);
  return readme.slice(0, start) + reference() + readme.slice(end + END.length);
}

module.exports = { withReference, README };

if (require.main === module) {
  const current = fs.readFileSync(README, "utf8");
  const next = withReference(current);
  if (next !== current) fs.writeFileSync(README, next);
  console.log(next === current ? "README.md reference is up to date" : "README.md reference rewritten");
}
