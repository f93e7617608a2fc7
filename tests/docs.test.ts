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
