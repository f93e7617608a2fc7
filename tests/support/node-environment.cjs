// The jest environment for this project: jest's Node environment plus `requireFromNode`, a `require`
// made by Node itself rather than jest. jest's own module registry cannot load ESM-only `got` from
// CommonJS (Node 20.19+ can), and the compiled provider is CommonJS: tests that drive the built
// package, as the Pulumi engine does, load it through this.
const path = require("node:path");
const { createRequire } = require("node:module");
const { TestEnvironment } = require("jest-environment-node");

class ProjectEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.requireFromNode = createRequire(path.join(config.projectConfig.rootDir, "package.json"));
  }
}

module.exports = ProjectEnvironment;
