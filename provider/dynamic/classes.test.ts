/**
 * The dynamic door's classes (WaapiInstance, WaapiGroup and their Args) are written by hand for
 * TypeScript users, their doc comments the hover text of an editor; the registry's specs
 * (provider/instance/properties.ts, provider/resources/group/properties.ts) are what the schema, the
 * README reference and the SDKs are generated from. This holds each class to its resource's spec:
 * the same members in the same order, types, optionality and docs; and the typed getInstanceStatus
 * to its function's spec.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { getInstanceStatusFunction } from "../instance/functions";
import { RESOURCES } from "../resources";
import type { PropertySpec, PropertyType } from "../resources/descriptor";

const DIR = join(process.cwd(), "provider", "dynamic");

interface Member {
  name: string;
  type: string;
  optional: boolean;
  description: string;
  declared: boolean;
}

/** A node's doc comment, paragraphs kept, each on one line (as the generators read docs). */
function comment(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join("\n")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .join("\n\n");
}

/** `pulumi.Input<pulumi.Input<X>[]>` → `X[]`, `pulumi.Output<X>` → `X`. */
function plainType(type: string): string {
  let previous;
  do {
    previous = type;
    type = type.replace(/pulumi\.(Input|Output)<([^<>]*(?:<[^<>]*>[^<>]*)*)>/g, "$2");
  } while (type !== previous);
  return type;
}

function typeText(type: PropertyType): string {
  return typeof type === "string" ? type : type.oneOf.map((value) => JSON.stringify(value)).join(" | ");
}

/** The class `name`, its Args interface and the outputs its constructor registers, from provider/dynamic/. */
function dynamicClass(name: string) {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(DIR, file), "utf8"),
      ts.ScriptTarget.Latest,
      true,
    );
    let found: ts.ClassDeclaration | undefined;
    let args: ts.InterfaceDeclaration | undefined;
    source.forEachChild((node) => {
      if (ts.isClassDeclaration(node) && node.name?.text === name) found = node;
      if (ts.isInterfaceDeclaration(node) && node.name.text === `${name}Args`) args = node;
    });
    if (!found || !args) continue;
    const inputs: Member[] = args.members.filter(ts.isPropertySignature).map((m) => ({
      name: m.name.getText(),
      type: plainType(m.type?.getText() ?? ""),
      optional: m.questionToken !== undefined,
      description: comment(m),
      declared: true,
    }));
    const outputs: Member[] = found.members
      .filter(ts.isPropertyDeclaration)
      .filter((m) => m.type?.getText().startsWith("pulumi.Output<"))
      .map((m) => ({
        name: m.name.getText(),
        type: plainType(m.type?.getText() ?? ""),
        optional: false,
        description: comment(m),
        declared: (ts.getModifiers(m) ?? []).some(
          (modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword,
        ),
      }));
    // The outputs a program does not declare, which the constructor registers for the engine to fill.
    let registered: string[] | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const list = node.arguments[1];
        if (list && ts.isArrayLiteralExpression(list))
          registered = list.elements.map((e) => (ts.isStringLiteral(e) ? e.text : e.getText()));
      }
      node.forEachChild(visit);
    };
    visit(found);
    return { file, description: comment(found), inputs, outputs, registered };
  }
  throw new Error(`provider/dynamic/ declares no class ${name} with ${name}Args`);
}

const asInput = (p: PropertySpec) => ({ name: p.name, type: typeText(p.type), optional: !p.required });
const asOutput = (p: PropertySpec) => ({
  name: p.name,
  type: `${typeText(p.type)}${p.required ? "" : " | undefined"}`,
  optional: false,
});

describe.each(RESOURCES.map((resource) => [resource.dynamicClass, resource] as const))(
  "%s",
  (name, resource) => {
    const declared = dynamicClass(name);

    it("is documented as its spec describes the resource", () => {
      expect(declared.description).toBe(resource.spec.description);
    });

    it("takes the spec's inputs: names in order, types, optionality and docs", () => {
      expect(declared.inputs.map(({ name, type, optional }) => ({ name, type, optional }))).toEqual(
        resource.spec.inputs.map(asInput),
      );
      expect(declared.inputs.map((m) => [m.name, m.description])).toEqual(
        resource.spec.inputs.map((p) => [p.name, p.description]),
      );
    });

    it("has the spec's outputs: names in order, types and docs", () => {
      expect(declared.outputs.map(({ name, type, optional }) => ({ name, type, optional }))).toEqual(
        resource.spec.outputs.map(asOutput),
      );
      expect(declared.outputs.map((m) => [m.name, m.description])).toEqual(
        resource.spec.outputs.map((p) => [p.name, p.description]),
      );
    });

    it("registers every declared output a program does not set, for the engine to fill", () => {
      const inputs = new Set(resource.inputs);
      const outputOnly = declared.outputs.filter((m) => m.declared && !inputs.has(m.name)).map((m) => m.name);
      expect(declared.registered).toEqual(outputOnly);
    });
  },
);

it("the dynamic classes are the registered resources' (a spec with no class, or a class with no spec, would go unchecked)", () => {
  const classes = readdirSync(DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .flatMap((file) => {
      const source = ts.createSourceFile(
        file,
        readFileSync(join(DIR, file), "utf8"),
        ts.ScriptTarget.Latest,
        true,
      );
      return source.statements.filter(ts.isClassDeclaration).flatMap((node) => {
        const base = node.heritageClauses?.flatMap((clause) =>
          clause.types.map((t) => t.expression.getText()),
        );
        return node.name && base?.includes("DynamicResource") ? [node.name.text] : [];
      });
    });
  expect(classes.sort()).toEqual(RESOURCES.map((r) => r.dynamicClass).sort());
});

/** The members of interface `name` in `file` (under provider/), as `dynamicClass` reads Args. */
function interfaceMembers(file: string, name: string): Member[] {
  const path = join(process.cwd(), "provider", file);
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const members: Member[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
    for (const m of node.members.filter(ts.isPropertySignature)) {
      members.push({
        name: m.name.getText(),
        type: plainType(m.type?.getText() ?? ""),
        optional: m.questionToken !== undefined,
        description: comment(m),
        declared: true,
      });
    }
  });
  if (members.length === 0) throw new Error(`provider/${file} has no interface ${name}`);
  return members;
}

describe("getInstanceStatus, the dynamic door's typed function", () => {
  const spec = getInstanceStatusFunction.spec;
  const asMember = (p: PropertySpec) => ({ ...asInput(p), description: p.description });
  const plain = ({ name, type, optional, description }: Member) => ({ name, type, optional, description });

  it("is documented as its spec describes the function", () => {
    const path = join(DIR, "functions.ts");
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    let text = "";
    source.forEachChild((node) => {
      if (ts.isFunctionDeclaration(node) && node.name?.text === "getInstanceStatus") text = comment(node);
    });
    expect(text).toBe(spec.description);
  });

  it.each(["GetInstanceStatusArgs", "GetInstanceStatusOutputArgs"])("%s are the spec's arguments", (name) => {
    expect(interfaceMembers("dynamic/functions.ts", name).map(plain)).toEqual(
      (spec.args ?? []).map(asMember),
    );
  });

  it("answers InstanceStatusResult, the spec's result", () => {
    expect(interfaceMembers("instance/line-status.ts", "InstanceStatusResult").map(plain)).toEqual(
      spec.result.map(asMember),
    );
  });
});
