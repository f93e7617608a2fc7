// Tests run as ES modules (`--experimental-vm-modules`, see the README's development notes): `got` 14
// is ESM-only, and jest's own CommonJS loader cannot `require()` it even though Node 20.19+ can.
/** @type {import('jest').Config} */
module.exports = {
  // Rebuilds a dist/ that no longer matches the sources (scripts/build-digest.cjs).
  globalSetup: "<rootDir>/tests/support/global-setup.cjs",
  testEnvironment: "<rootDir>/tests/support/node-environment.cjs",
  roots: ["<rootDir>/provider", "<rootDir>/sandbox", "<rootDir>/cli", "<rootDir>/tests", "<rootDir>/bench"],
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": [
      "ts-jest",
      {
        useESM: true,
        // Type-checking is `npm run typecheck`'s job; with `isolatedModules` (tsconfig.json) ts-jest
        // transpiles file by file, which keeps the suite fast.
        tsconfig: { module: "esnext", moduleResolution: "bundler", verbatimModuleSyntax: false },
      },
    ],
  },
  testTimeout: 30000,
};
