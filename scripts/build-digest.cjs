// The digest of what `npm run build` compiles: every non-test file under provider/, sandbox/, cli/ and
// sdk/nodejs/ (the generated Node.js SDK, which provider/native re-exports), and
// the files that steer tsc. `npm run build` writes it to dist/.source-digest (`write`); the tests'
// global setup compares it with the sources (`whyStale`) and rebuilds a dist/ that no longer matches,
// so a test never runs against yesterday's code. A digest rather than mtimes: a checkout, a rebase or
// a copy changes mtimes without changing code, and a clock can be wrong.
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, readdirSync, writeFileSync } = require("node:fs");
const { join, relative } = require("node:path");

const ROOT = join(__dirname, "..");
const SOURCE_DIRS = ["provider", "sandbox", "cli", join("sdk", "nodejs")];
const STEERING_FILES = ["tsconfig.json", "tsconfig.build.json", "tsconfig.sdk.json", "package.json"];
const DIGEST_FILE = join("dist", ".source-digest");

function sourceFiles(root) {
  const files = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith(".test.ts"))
      .map((entry) => relative(root, join(entry.parentPath, entry.name))),
  );
  return [...files, ...STEERING_FILES].sort();
}

function sourceDigest(root = ROOT) {
  const hash = createHash("sha256");
  for (const file of sourceFiles(root)) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update("\0");
  }
  return hash.digest("hex");
}

function writeDigest(root = ROOT) {
  writeFileSync(join(root, DIGEST_FILE), `${sourceDigest(root)}\n`);
}

/** Why dist/ does not match the sources, or undefined when it does. */
function whyStale(root = ROOT) {
  const file = join(root, DIGEST_FILE);
  if (!existsSync(file)) return "dist/ has no build digest (never built, or built by an older script)";
  if (readFileSync(file, "utf8").trim() !== sourceDigest(root))
    return "the sources changed since the last build";
  return undefined;
}

module.exports = { sourceDigest, writeDigest, whyStale };

if (require.main === module) {
  if (process.argv[2] !== "write") throw new Error("usage: node scripts/build-digest.cjs write");
  writeDigest();
}
