/**
 * `npm test` never runs against a stale dist/: jest's global setup (tests/support/global-setup.cjs)
 * rebuilds when the digest `npm run build` left in dist/ no longer matches the sources.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireFromRoot } from "./support/provider";

const { whyStale, writeDigest } = requireFromRoot("./scripts/build-digest.cjs") as {
  whyStale: (root?: string) => string | undefined;
  writeDigest: (root?: string) => void;
};
const jestConfig = requireFromRoot("./jest.config.cjs") as { globalSetup?: string };

let root: string;
const write = (path: string, text: string) => writeFileSync(join(root, path), text);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "waapi-digest-"));
  for (const dir of ["provider/client", "sandbox", "cli", "sdk/nodejs", "dist"])
    mkdirSync(join(root, dir), { recursive: true });
  for (const file of ["tsconfig.json", "tsconfig.build.json", "tsconfig.sdk.json", "package.json"])
    write(file, "{}");
  write("provider/client/client.ts", "export const a = 1;");
  write("provider/client/client.test.ts", "it('x', () => {});");
  write("sandbox/server.ts", "export const b = 2;");
  write("cli/run.ts", "export const c = 3;");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it("a dist/ without a digest is stale", () => {
  expect(whyStale(root)).toMatch(/no build digest/);
});

it("a fresh build is not stale; editing, adding or removing a source, or changing package.json, makes it stale", () => {
  const changes: (() => void)[] = [
    () => write("provider/client/client.ts", "export const a = 2;"),
    () => write("sandbox/extra.ts", "export {};"),
    // The bin (dist/cli) is built too: integration and e2e tests run it.
    () => write("cli/run.ts", "export const c = 4;"),
    () => rmSync(join(root, "sandbox/extra.ts")),
    () => write("package.json", '{"version":"2"}'),
  ];
  for (const change of changes) {
    writeDigest(root);
    expect(whyStale(root)).toBeUndefined();
    change();
    expect(whyStale(root)).toMatch(/sources changed/);
  }
});

it("a test file is not part of the build: changing one does not call for a rebuild", () => {
  writeDigest(root);
  write("provider/client/client.test.ts", "it('y', () => {});");
  expect(whyStale(root)).toBeUndefined();
});

it("jest runs the check before any test, and the repository's own dist/ is fresh now", () => {
  expect(jestConfig.globalSetup).toBe("<rootDir>/tests/support/global-setup.cjs");
  expect(whyStale()).toBeUndefined();
});
