/** The README's WaapiInstance reference is generated from the code; this keeps the two in step. */
import { readFileSync } from "node:fs";
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
