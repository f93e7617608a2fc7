/**
 * The shell commands README.md shows, so that tests run them exactly as users read them: a README
 * edit that a test does not follow fails that test instead of going stale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ReadmeCommand {
  /** The command as a user would paste it, without its trailing comment. */
  command: string;
  /** The trailing `# …` comment, if any. */
  comment?: string;
}

/** Every command line of the README's ```sh blocks (comment-only lines left out). */
export function readmeCommands(
  readme = readFileSync(join(process.cwd(), "README.md"), "utf8"),
): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const block of readmeBlocks("sh", readme)) {
    for (const line of block.split("\n")) {
      const match = /^(.*?)(?:\s+#\s+(.*))?$/.exec(line.trim());
      const command = match?.[1]?.trim() ?? "";
      if (command === "" || command.startsWith("#")) continue;
      commands.push(match?.[2] === undefined ? { command } : { command, comment: match[2] });
    }
  }
  return commands;
}

/** `command`, after checking that the README shows it exactly so. */
export function readmeCommand(command: string): string {
  const shown = readmeCommands().map((line) => line.command);
  if (!shown.includes(command)) {
    throw new Error(`README.md shows no command \`${command}\`; it shows:\n${shown.join("\n")}`);
  }
  return command;
}

/** The commands of one `## ` section of README.md, in order, without their comments. */
export function readmeSectionCommands(section: string): string[] {
  const readme = readFileSync(join(process.cwd(), "README.md"), "utf8");
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${section}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readmeCommands(readme.slice(start, end < 0 ? undefined : end)).map((line) => line.command);
}

/** The contents of the README's fenced blocks of `language`, in order. */
function readmeBlocks(language: string, readme: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...readme.matchAll(fence)].map(([, block = ""]) => block);
}

/** The README's fenced block of `language` that contains `marker`, as written (a program to run). */
export function readmeBlock(
  language: string,
  marker: string,
  readme = readFileSync(join(process.cwd(), "README.md"), "utf8"),
): string {
  const block = readmeBlocks(language, readme).find((text) => text.includes(marker));
  if (block === undefined)
    throw new Error(`README.md shows no \`\`\`${language} block containing '${marker}'`);
  return block;
}
