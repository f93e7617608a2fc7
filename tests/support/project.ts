/**
 * A user's Pulumi TypeScript project outside the repository, as `pulumi new typescript` and
 * `npm install pulumi-waapi` leave it: pulumi-waapi (this repository, built) in node_modules with its
 * dependencies beside it, and its bin linked into node_modules/.bin and made executable the way npm's
 * bin-links does, so that `npx pulumi-waapi …` runs as it would for a user.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_BIN } from "./cli";

const REPO = process.cwd();

/** A new project folder named `name`, with `index.ts` holding `program`. */
export function makeUserProject(name: string, program = "// A new Pulumi program.\nexport {};\n"): string {
  const project = mkdtempSync(join(tmpdir(), `${name}-`));
  const modules = join(project, "node_modules");
  mkdirSync(join(modules, ".bin"), { recursive: true });
  symlinkSync(REPO, join(modules, "pulumi-waapi"));
  for (const dependency of ["@pulumi", "typescript"]) {
    symlinkSync(join(REPO, "node_modules", dependency), join(modules, dependency));
  }
  chmodSync(CLI_BIN, 0o755);
  symlinkSync("../pulumi-waapi/dist/cli/main.js", join(modules, ".bin", "pulumi-waapi"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name, private: true }));
  writeFileSync(
    join(project, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  writeFileSync(join(project, "index.ts"), program);
  writeFileSync(join(project, ".gitignore"), "node_modules/\n");
  return project;
}
