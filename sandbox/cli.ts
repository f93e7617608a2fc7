#!/usr/bin/env node
/** `waapi-sandbox`: runs the WAAPI sandbox until SIGINT/SIGTERM. See `--help`. */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { USAGE, parseCli } from "./cli-args";

type SandboxModule = typeof import("./sandbox");

/**
 * fastify is an optional peer dependency (README, "Development"): a provider user's `npm install`
 * does not pull the sandbox's server. So the server is loaded only once the arguments are valid, and
 * its absence gets the one command that fixes it instead of a stack trace.
 */
async function loadSandbox(): Promise<SandboxModule | undefined> {
  try {
    return await import("./sandbox.js");
  } catch (error) {
    const missing = error instanceof Error && "code" in error && error.code === "MODULE_NOT_FOUND";
    if (!missing || !error.message.includes("'fastify'")) throw error;
    process.stderr.write(
      "waapi-sandbox: the sandbox's server, fastify, is not installed. It is an optional peer " +
        "dependency of pulumi-waapi, which npm leaves out so that the provider installs lean. " +
        "Add it beside pulumi-waapi:\n\n  npm install --save-dev fastify\n",
    );
    return undefined;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

async function main(): Promise<number> {
  let command;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(
      `waapi-sandbox: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`,
    );
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { config } = command;
  const sandboxModule = await loadSandbox();
  if (sandboxModule === undefined) return 1;
  // A generated token is registered like a given one, so it also survives a hook-triggered reset.
  const generated =
    config.token === undefined ? `sandbox|${randomBytes(30).toString("base64url")}` : undefined;
  const sandbox = await sandboxModule.startSandbox({
    host: config.host,
    port: config.port,
    retrieveShape: config.retrieveShape,
    logger: config.logger,
    token: config.token ?? generated,
    ...(config.dataFile !== undefined ? { dataFile: path.resolve(config.dataFile) } : {}),
    ...(config.instanceLimit !== undefined ? { instanceLimit: config.instanceLimit } : {}),
    ...(config.owner !== undefined ? { owner: config.owner } : {}),
    ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
    ...(config.latencyMs !== undefined ? { latencyMs: config.latencyMs } : {}),
    ...(config.clientTiming !== undefined ? { clientTiming: config.clientTiming } : {}),
  });

  const lines = [
    `WAAPI sandbox listening: ${sandbox.baseUrl}`,
    `Test hooks (no auth): ${sandbox.url}/__sandbox/`,
  ];
  if (config.dataFile !== undefined) lines.push(`State file: ${path.resolve(config.dataFile)}`);
  // Printed once because nobody else could know it; a token given by the caller is never echoed.
  if (generated !== undefined) lines.push(`API token (all permissions; shown only now): ${generated}`);
  else lines.push("API token: the one given by --token / WAAPI_SANDBOX_TOKEN");
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!LOOPBACK.has(config.host)) {
    process.stderr.write(
      `waapi-sandbox: warning: listening on ${config.host}; the test hooks have no auth\n`,
    );
  }

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.stdout.write("WAAPI sandbox stopping\n");
      sandbox.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`waapi-sandbox: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`waapi-sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
