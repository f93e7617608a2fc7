/**
 * The Group bad-input corpus (tests/support/group-bad-inputs.ts) through the real CLI: a JavaScript
 * program declares a WaapiGroup from stack config, and `pulumi preview` fails with the case's message
 * naming its property; nothing reaches the sandbox. The engine stops at the first check failure of a
 * run (also with --continue-on-error), so each case is a preview of its own: one case per property
 * here (about 5 s each on the shared 2-core machine), the whole corpus in the unit test of check (provider/resources/group).
 */
import { join } from "node:path";
import { BAD_GROUP_INPUTS } from "../support/group-bad-inputs";
import { useOfflineStacks } from "../support/pulumi";
import { useSandbox } from "../support/sandbox";

const PROGRAM_DIR = join(process.cwd(), "tests", "e2e", "group-program");
const sandbox = useSandbox();
const stacks = useOfflineStacks();

/** The first case of each property the corpus names. */
const CASES = BAD_GROUP_INPUTS.filter(
  (c, index) => BAD_GROUP_INPUTS.findIndex((other) => other.property === c.property) === index,
);

it(`refuses a bad Group declaration of each of ${CASES.length} properties in check, and sends nothing`, async () => {
  expect(CASES.map((c) => c.property)).toEqual(
    expect.arrayContaining(["instanceId", "subject", "description", "participants", "admins", "onDelete"]),
  );
  const stack = await stacks.create(PROGRAM_DIR, { apiToken: sandbox.token, baseUrl: sandbox.baseUrl });
  sandbox.clearRequests();
  for (const c of CASES) {
    await stack.setConfig("groups", { value: JSON.stringify({ oncall: c.inputs }) });
    const preview = stacks.preview(stack);
    // "resource 'oncall': property P value … has a problem: <reason>"
    await expect(preview).rejects.toThrow(`resource 'oncall': property ${c.property} `);
    await expect(preview).rejects.toThrow(c.says);
  }
  expect(sandbox.requests()).toEqual([]);
}, 90_000);
