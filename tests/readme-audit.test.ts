/**
 * The README's promise about itself: every shell command it shows is either run by a test exactly as
 * written, or says in its trailing comment that it needs what does not exist yet (the published
 * package, the repository's public URL). Tests take their commands from the README through
 * tests/support/readme.ts (`readmeCommand("…")`, `readmeSectionCommands("…")`), which fail when the
 * README no longer shows them; this test closes the other direction: a command added to the README
 * that no test runs fails here, naming it.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { readmeCommands, readmeSectionCommands } from "./support/readme";

const ROOT = process.cwd();
const README = readFileSync(join(ROOT, "README.md"), "utf8");
/** The trailing comment of a command no test can run yet. */
const NEEDS_PUBLISHING = /\bneeds the published (package|repository)\b/;
/** Runs `make test`, the README's test command, as CI does. */
const CI_SCRIPT = ".ci/run";

/** Every test source of the repository, except the helpers that read the README. */
function testSources(): { path: string; text: string }[] {
  const roots = ["tests", "provider", "sandbox", "cli"];
  return roots.flatMap((root) =>
    readdirSync(join(ROOT, root), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.test\.ts$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => !path.endsWith("readme-audit.test.ts"))
      .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") })),
  );
}

/**
 * The first argument of every call of `helper` in `source`, which must be a double-quoted string
 * literal (what Prettier writes), so that this audit can read it without running the test.
 */
function literalArguments(source: { path: string; text: string }, helper: string): string[] {
  const calls = [...source.text.matchAll(new RegExp(`\\b${helper}\\(`, "g"))].length;
  const literals = [
    ...source.text.matchAll(new RegExp(`\\b${helper}\\(\\s*("(?:[^"\\\\\\n]|\\\\.)*")`, "g")),
  ].map(([, literal = '""']) => JSON.parse(literal) as string);
  if (literals.length !== calls) {
    throw new Error(
      `${source.path}: call ${helper}() with a string literal, so the README audit can read it`,
    );
  }
  return literals;
}

/** What runs each README command: the test files that take it from the README, or CI. */
function runners(): Map<string, Set<string>> {
  const ranBy = new Map<string, Set<string>>();
  const add = (command: string, by: string): void => {
    ranBy.set(command, (ranBy.get(command) ?? new Set()).add(by));
  };
  for (const source of testSources()) {
    for (const command of literalArguments(source, "readmeCommand")) add(command, source.path);
    for (const section of literalArguments(source, "readmeSectionCommands")) {
      for (const command of readmeSectionCommands(section)) add(command, source.path);
    }
  }
  for (const line of readFileSync(join(ROOT, CI_SCRIPT), "utf8").split("\n")) add(line.trim(), CI_SCRIPT);
  return ranBy;
}

/** The README's commands that no test runs and that are not marked as waiting for publication. */
function unaccounted(readme: string, ranBy: Map<string, Set<string>>): ReturnType<typeof readmeCommands> {
  return readmeCommands(readme).filter(
    ({ command, comment }) => !ranBy.has(command) && !NEEDS_PUBLISHING.test(comment ?? ""),
  );
}

it("the README shows its shell commands in ```sh blocks, where the tests find them", () => {
  const otherShellBlocks = [...README.matchAll(/^```(bash|shell|console|zsh|shell-session)$/gm)];
  expect(otherShellBlocks.map(([fence]) => fence)).toEqual([]);
  expect(readmeCommands().length).toBeGreaterThan(10);
});

it("every shell command in the README is run by a test as written, or marked as needing a published package", () => {
  expect(unaccounted(README, runners()).map(({ command }) => command)).toEqual([]);
});

it("a command marked as needing a published package is one no test could run", () => {
  const ranBy = runners();
  const marked = readmeCommands().filter(({ comment }) => NEEDS_PUBLISHING.test(comment ?? ""));
  expect(marked.map(({ command }) => command)).toEqual([
    "npm install @pulumi/pulumi git+https://github.com/OWNER/pulumi-waapi.git",
    "npm install pulumi-waapi @pulumi/pulumi",
  ]);
  for (const { command } of marked) expect(ranBy.get(command)).toBeUndefined();
});

it("the audit itself notices a README command that no test runs", () => {
  const readme = `${README}\n\`\`\`sh\nnpx pulumi-waapi frobnicate   # a new command\n\`\`\`\n`;
  const ranBy = runners();
  expect(unaccounted(readme, ranBy)).toEqual([
    ...unaccounted(README, ranBy),
    { command: "npx pulumi-waapi frobnicate", comment: "a new command" },
  ]);
});
