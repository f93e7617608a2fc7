/**
 * Loading the published WAAPI OpenAPI contract and turning its response schemas into validators:
 * as published, or with the documented errata and tightenings applied to a copy.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as path from "node:path";
import { ERRATA, RESPONSES, TIGHTENINGS, type ResponseName } from "./openapi-errata";

/**
 * `WAAPI_OPENAPI` (to check a newer published contract), else the copy kept in the repository:
 * contracts/waapi-openapi.json, WAAPI's published "WaAPI API" v1.6.0, unchanged.
 */
export function contractPath(): string {
  return process.env.WAAPI_OPENAPI ?? path.resolve(process.cwd(), "contracts", "waapi-openapi.json");
}

export function loadContract(file = contractPath()): unknown {
  if (!fs.existsSync(file)) {
    throw new Error(`WAAPI OpenAPI contract not found at ${file}; set WAAPI_OPENAPI to its path`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at a JSON pointer, or undefined if the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const token of tokens(pointer)) {
    if (!isContainer(current) || !Object.prototype.hasOwnProperty.call(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function replaceAt(document: unknown, pointer: string, value: unknown): void {
  const path = tokens(pointer);
  const last = path.pop();
  const parent = resolvePointer(
    document,
    path.map((t) => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`).join(""),
  );
  if (last === undefined || !isContainer(parent) || !(last in parent))
    throw new Error(`no schema at ${pointer}`);
  (parent as Record<string, unknown>)[last] = structuredClone(value);
}

/** A copy of the contract with every erratum replaced and every tightening added. */
export function correctedContract(published: unknown): unknown {
  const copy = structuredClone(published);
  for (const erratum of ERRATA) replaceAt(copy, erratum.pointer, erratum.applied);
  for (const tightening of TIGHTENINGS) {
    const target = resolvePointer(copy, tightening.pointer);
    if (!isContainer(target) || Array.isArray(target)) throw new Error(`no schema at ${tightening.pointer}`);
    Object.assign(target, structuredClone(tightening.add));
  }
  return copy;
}

/**
 * Ajv for OpenAPI 3.1 (JSON Schema 2020-12) with formats. `strict` makes Ajv refuse unknown or
 * inapplicable keywords instead of ignoring them, so a typo cannot silently weaken a schema; the
 * published contract therefore only compiles non-strict. `example` is OpenAPI's annotation keyword.
 */
export function createAjv(strict: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword("example");
  return ajv;
}

export type Validators = Record<ResponseName, ValidateFunction>;

/** One response schema (the published logout schema does not compile at all, so not all at once). */
export function compileResponse(document: unknown, ajv: Ajv2020, name: ResponseName): ValidateFunction {
  const schema = resolvePointer(document, RESPONSES[name]);
  if (!isContainer(schema) || Array.isArray(schema)) throw new Error(`no ${name} response schema`);
  return ajv.compile(schema);
}

export function compileResponses(document: unknown, ajv: Ajv2020): Validators {
  const compile = (name: ResponseName): ValidateFunction => compileResponse(document, ajv, name);
  return {
    list: compile("list"),
    create: compile("create"),
    retrieve: compile("retrieve"),
    update: compile("update"),
    clientStatus: compile("clientStatus"),
    qrCode: compile("qrCode"),
    clientMe: compile("clientMe"),
    pairingCode: compile("pairingCode"),
    reboot: compile("reboot"),
    logout: compile("logout"),
    chats: compile("chats"),
    createGroup: compile("createGroup"),
    groupInfo: compile("groupInfo"),
    groupParticipants: compile("groupParticipants"),
    updateGroupInfo: compile("updateGroupInfo"),
    updateGroupSettings: compile("updateGroupSettings"),
    addParticipant: compile("addParticipant"),
    removeParticipant: compile("removeParticipant"),
    promoteParticipant: compile("promoteParticipant"),
    demoteParticipant: compile("demoteParticipant"),
  };
}

/** Readable errors for a failed validation, for test messages. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ");
}
