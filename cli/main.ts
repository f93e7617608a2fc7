#!/usr/bin/env node
// The `pulumi-waapi` bin (package.json "bin"): the process's own arguments, environment and streams.
import { EXIT, run } from "./run";

run(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pulumi-waapi: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.error;
  },
);
