// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "coverage/",
      ".bench-build/",
      ".pulumi-state/",
      "sdk/", // generated from the schema (scripts/gen-sdk.sh)
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // The provider installs without the sandbox's server, an optional peer (README, "Development").
    files: ["provider/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["fastify", "fastify/*", "**/sandbox", "**/sandbox/*"],
              message:
                "provider/ must not need the sandbox or fastify: they are not installed with the provider.",
            },
          ],
        },
      ],
    },
  },
);
