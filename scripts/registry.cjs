// @ts-check
// The built registry (provider/resources, compiled into dist/ by `npm run build`), as the generators
// read it: each resource's properties and docs are written once, in its folder of the core, and the
// schema, the README reference and the SDKs are generated from them. A dist/ older than the sources
// is rebuilt first (scripts/build-digest.cjs), so a generator never describes yesterday's code.
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const { whyStale } = require("./build-digest.cjs");

const ROOT = path.resolve(__dirname, "..");
/**
 * @typedef {import("../provider/resources/descriptor").Resource} Resource
 * @typedef {import("../provider/resources/descriptor").PropertySpec} PropertySpec
 * @typedef {import("../provider/resources/descriptor").PropertyType} PropertyType
 * @typedef {import("../provider/resources/descriptor").ProviderFunction} ProviderFunction
 * @typedef {import("../provider/resources/descriptor").ObjectTypeSpec} ObjectTypeSpec
 * @typedef {{ RESOURCES: readonly Resource[], FUNCTIONS: readonly ProviderFunction[], OBJECT_TYPES: Readonly<Record<string, ObjectTypeSpec | undefined>> }} Registry
 */

/** @type {Registry | undefined} */
let loaded;

/** The registry (RESOURCES, FUNCTIONS, OBJECT_TYPES) from dist/. */
function registry() {
  if (loaded) return loaded;
  const stale = whyStale(ROOT);
  if (stale) {
    console.error(`generators: ${stale}; running \`npm run build\``);
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  }
  loaded = /** @type {Registry} */ (require(path.join(ROOT, "dist", "provider", "resources", "index.js")));
  return loaded;
}

/** A property's type as the README reference shows it (TypeScript). @param {PropertyType} type */
function typeText(type) {
  return typeof type === "string" ? type : type.oneOf.map((value) => JSON.stringify(value)).join(" | ");
}

/** The first paragraph of a property's doc, on one line. @param {{ description: string }} property */
function summary(property) {
  return property.description.split("\n\n")[0] ?? "";
}

/**
 * The provider's named types (PropertyType's NamedType), with their values from the built
 * vocabulary (provider/waapi-api.ts): the schema declares each once, the README explains each under
 * the inputs of a resource that uses it.
 * @returns {Record<string, { values: readonly string[], description: string, reference: string }>}
 */
function namedTypes() {
  registry();
  const api = require(path.join(ROOT, "dist", "provider", "waapi-api.js"));
  /** @param {readonly string[]} values */
  const listed = (values) => values.map((value) => `\`${value}\``).join(", ");
  return {
    WebhookEvent: {
      values: api.WEBHOOK_EVENTS,
      description: `One of the ${api.WEBHOOK_EVENTS.length} webhook events WAAPI knows.`,
      reference: `\`WebhookEvent\` is one of the ${api.WEBHOOK_EVENTS.length} events WAAPI knows: ${listed(api.WEBHOOK_EVENTS)}.`,
    },
    InstanceStatus: {
      values: api.INSTANCE_STATUSES,
      description:
        "A line's WhatsApp client status, as WAAPI reports it; only ready sends and receives messages.",
      reference: `\`InstanceStatus\` is one of ${listed(api.INSTANCE_STATUSES)}.`,
    },
  };
}

/** The named type a property's type refers to, if any (`WebhookEvent[]` → WebhookEvent). @param {PropertyType} type */
function namedTypeOf(type) {
  if (typeof type !== "string") return undefined;
  const name = type.replace(/\[\]$/, "");
  return name in namedTypes() ? name : undefined;
}

module.exports = { registry, typeText, summary, namedTypes, namedTypeOf, ROOT };
