// The jest environment for this project: jest's Node environment plus `requireFromNode`, a `require`
// made by Node itself rather than jest, and `nodeEnvironment`, which sets a
// variable in the environment that code sees. jest's own module registry cannot load ESM-only `got` from
// CommonJS (Node 20.19+ can), and the compiled provider is CommonJS: tests that drive the built
// package, as the Pulumi engine does, load it through this.
const path = require("node:path");
const { createRequire } = require("node:module");
const { TestEnvironment } = require("jest-environment-node");

class ProjectEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.requireFromNode = createRequire(path.join(config.projectConfig.rootDir, "package.json"));
    // jest gives tests a copy of the environment; the built package reads the real one. (A function,
    // not process.env itself: jest tears down what tests can reach, and must not touch that.)
    this.global.nodeEnvironment = (name, value) => {
      const previous = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      return previous;
    };
  }
}

module.exports = ProjectEnvironment;
