#!/usr/bin/env node
// The native plugin's cold start, as the engine sees it: from spawning the plugin to its answer to
// GetPluginInfo (the engine's first call), for each plugin executable given, interleaved, N rounds.
//   node scripts/plugin-start-time.cjs [--rounds 15] <executable>…
// e.g. today's script against the self-contained executable of `npm run pack-plugin`:
//   node scripts/plugin-start-time.cjs bin/pulumi-resource-waapi /tmp/x/pulumi-resource-waapi
// Prints each one's median, minimum and maximum in milliseconds, and the load average before and after.
"use strict";
const { spawn } = require("node:child_process");
const os = require("node:os");
const grpc = require("@grpc/grpc-js");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

async function once(executable) {
  const started = process.hrtime.bigint();
  const child = spawn(executable, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) =>
        reject(new Error(`${executable} exited (${code}) before printing its port`)),
      );
      child.stdout.once("data", (chunk) => resolve(String(chunk).trim()));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const version = await new Promise((resolve, reject) =>
      client.getPluginInfo(new Empty(), (error, info) =>
        error ? reject(error) : resolve(info.getVersion()),
      ),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    client.close();
    return { ms, version };
  } finally {
    child.kill();
  }
}

async function main() {
  const args = process.argv.slice(2);
  let rounds = 15;
  const executables = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--rounds") rounds = Number(args[++i]);
    else executables.push(args[i]);
  }
  if (executables.length === 0 || !(rounds > 0))
    throw new Error("usage: plugin-start-time.cjs [--rounds N] <executable>…");
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ");
  console.log(`load average before: ${load()}`);
  const times = executables.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, executable] of executables.entries()) {
      const { ms, version } = await once(executable);
      if (round === 0) console.log(`${executable}: GetPluginInfo answered version ${version}`);
      times[i].push(ms);
    }
  }
  for (const [i, executable] of executables.entries()) {
    const sorted = [...times[i]].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${executable}: median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)} (${rounds} rounds)`,
    );
  }
  console.log(`load average after: ${load()}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
