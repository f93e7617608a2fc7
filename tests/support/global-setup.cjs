// jest's global setup: the integration and end-to-end tests run the compiled provider (dist/), as
// Pulumi does. A dist/ older than the sources is rebuilt first, so no test passes or fails on stale code.
const { execFileSync } = require("node:child_process");
const { whyStale } = require("../../scripts/build-digest.cjs");

module.exports = () => {
  const reason = whyStale();
  if (reason === undefined) return;
  process.stderr.write(`\njest global setup: ${reason}; running \`npm run build\`\n`);
  execFileSync("npm", ["run", "build"], { stdio: ["ignore", "inherit", "inherit"] });
  const still = whyStale();
  if (still !== undefined) throw new Error(`dist/ is still stale after \`npm run build\`: ${still}`);
};
