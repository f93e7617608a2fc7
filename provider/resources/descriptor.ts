/**
 * What a resource is, to the doors: one descriptor per resource type, written once in the core and
 * registered in ./index.ts. Both doors route by type token through the registry, so a resource
 * added there is served by the dynamic door (a `pulumi.dynamic` provider) and the native plugin alike,
 * with no door file naming it.
 *
 * Like pulumi-go-provider's `infer`, a resource is its typed inputs and outputs plus lifecycle calls
 * over the client; unlike it, the calls take the core's own shapes (a Connection, plain property
 * bags), never Pulumi's, so the core stays free of both doors.
 */
import type { Connection } from "../connection";

/** A bag of property values, as the engine hands them over (secrets already unwrapped). */
export type PropertyBag = Record<string, unknown>;

/** One bad property and how to fix it (the engine's CheckFailure, named here so the core needs no Pulumi). */
export interface InputFailure {
  property: string;
  reason: string;
}

/** What `check` answers: the normalized inputs (unknown values kept as they are), or why they are bad. */
export interface CheckedInputs {
  inputs: PropertyBag;
  failures: InputFailure[];
}

/** Tells the user something while a call goes on (the doors print it with the resource). */
export type Warn = (message: string) => void;

/** How one declared property differs from what is recorded (Pulumi's PropertyDiff kinds, minus replacement). */
export type PropertyChangeKind = "add" | "update" | "delete";

export interface PropertyChange {
  property: string;
  kind: PropertyChangeKind;
}

/**
 * A property's type, as the dynamic door's TypeScript spells it (the schema generator maps each; the
 * README reference shows it as it is).
 */
export type PropertyType =
  | "string"
  /** A whole number (an id): the schema's integer. */
  | "number"
  | "boolean"
  | "string[]"
  | NamedType
  | `${NamedType}[]`
  /** A string of these values only. */
  | { readonly oneOf: readonly string[] };

/**
 * The provider's named types, which the schema declares once and refers to: the vocabulary's enums
 * (../waapi-api.ts) and the objects functions answer with (OBJECT_TYPES in ./index.ts).
 */
export type NamedType = "WebhookEvent" | "InstanceStatus" | "InstanceInfo";

/** One input or output of a resource, as every door, the schema, the SDKs and the reference know it. */
export interface PropertySpec {
  readonly name: string;
  readonly type: PropertyType;
  /** Its doc; the first paragraph is the README reference's and the schema's description. */
  readonly description: string;
  /** An input a program must declare; an output that is always set. */
  readonly required?: boolean;
  /** An output that is always a secret (an invite link), whatever the inputs were. */
  readonly secret?: boolean;
  /**
   * An input only the dynamic door takes, standing in for something the native door does with a
   * resource option (adoptInstanceId for `import`). The native door refuses it in check, and drops
   * what a resource moved from the dynamic door still records of it.
   */
  readonly dynamicOnly?: boolean;
  /** An output only the API can tell: unknown in the preview of a create. */
  readonly computed?: boolean;
}

/**
 * A resource's properties and docs, written once in its folder of the core: the descriptor derives
 * its input names, dynamic-only inputs, computed and secret outputs from them, and the generators
 * (scripts/generate-*.cjs) read them from the built registry.
 */
export interface ResourceSpec {
  /** What the resource is: the schema's description (and the dynamic class's doc comment). */
  readonly description: string;
  /** The title of the usage example (examples/native/) under the resource in the schema. */
  readonly example: string;
  /**
   * Its README reference: the block between `<!-- BEGIN <marker>: npm run docs -->` and
   * `<!-- END <marker> -->`, its two headings, and what the inputs table is preceded by.
   */
  readonly reference: {
    readonly marker: string;
    readonly inputsHeading: string;
    readonly outputsHeading: string;
    readonly note: string;
  };
  readonly inputs: readonly PropertySpec[];
  readonly outputs: readonly PropertySpec[];
}

/** What a create whose answer was lost may have made: the resources it may be (none when unknown). */
export interface MayHaveCreated {
  readonly candidates: readonly {
    /** Its Pulumi id, as `import` takes it. */
    readonly id: string;
    /** The value of the dynamic door's `adoptInput` that takes it over. */
    readonly adopt: string | number;
  }[];
}

/**
 * Opt-in: the inputs that hold a set of members (a group's participants), which tools such as
 * `pulumi-waapi drift` report member by member instead of as two whole lists.
 */
export interface MemberSets {
  readonly properties: readonly string[];
  /**
   * A value's members as `changes` compares them (normalized, deduplicated, sorted, and without what
   * the comparison leaves out, e.g. a group's owner, which `outputs` holds).
   */
  members(value: unknown, outputs: Readonly<PropertyBag>): string[];
}

/**
 * One resource type. `Inputs` are the checked inputs as the lifecycle takes them, `Outputs` what the
 * state records. Every change is an update in place: no resource here is ever replaced (replacing
 * would delete something paid for, or something people use).
 */
export interface ResourceDescriptor<Inputs extends object, Outputs extends object> {
  /** The native plugin's type token, e.g. `waapi:index:Instance`. */
  readonly token: string;
  /** The dynamic door's type token (`pulumi-nodejs:dynamic/waapi:<Type>`), which the native one aliases. */
  readonly dynamicToken: string;
  /** The dynamic door's class, e.g. `WaapiInstance` (the native one is the token's last part). */
  readonly dynamicClass: string;
  /** Its inputs and outputs (types, docs, secrets), from which `register` derives the lists below. */
  readonly spec: ResourceSpec;
  /** The dynamic door's input that takes an existing resource over (its stand-in for `import`), if any. */
  readonly adoptInput?: string;
  /** What an output records when its input is unset (so a preview shows what the state will hold). */
  readonly unsetOutputs: Readonly<PropertyBag>;
  /** Opt-in: the inputs that are sets of members, and how a value's members compare. */
  readonly memberSets?: MemberSets;

  /** Validates and normalizes the inputs; makes no API call. One failure per bad property, naming the fix. */
  check(news: Readonly<PropertyBag>): CheckedInputs;
  /** The checked inputs as the lifecycle takes them; throws if they were not checked (a door's bug). */
  decode(checked: Readonly<PropertyBag>): Inputs;
  /** The declared properties whose meaning differs between recorded outputs and new inputs. */
  changes(olds: Readonly<PropertyBag>, news: Readonly<PropertyBag>): PropertyChange[];
  /** The inputs that declare `outputs` exactly, in check's shape: refresh and import record these. */
  inputsFromOutputs(outputs: Outputs): Inputs;

  create(connection: Connection, inputs: Inputs, warn?: Warn): Promise<{ id: string; outputs: Outputs }>;
  /**
   * Opt-in: a note for the person running Pulumi under a resource just created (`urn`), e.g. what to
   * do next. The native door prints it as the engine's info; a dynamic provider has no way to.
   */
  createdNote?(urn: string, outputs: Outputs): string;
  /**
   * Opt-in: the facts of a failed create that may have made what the stack does not record (its
   * answer was lost): what it may be, none if unknown. The core's error says what happened; each
   * door adds how its users take such a resource over (`adoptInput`, or `import`).
   */
  mayHaveCreated?(error: unknown): MayHaveCreated | undefined;
  /** The live resource, or undefined when it is gone. `recorded`: the recorded outputs, if any (not at import). */
  read(connection: Connection, id: string, recorded?: PropertyBag): Promise<Outputs | undefined>;
  update(connection: Connection, id: string, recorded: PropertyBag, inputs: Inputs): Promise<Outputs>;
  /** `warn`: what the person running Pulumi must know, e.g. what a delete left behind. */
  delete(connection: Connection, id: string, recorded?: PropertyBag, warn?: Warn): Promise<void>;
}

/**
 * A resource as the doors hold it: the descriptor with its types erased to property bags, decoded at
 * this one seam so that no door casts. Made by `register` from a typed descriptor.
 */
export interface Resource {
  readonly token: string;
  readonly dynamicToken: string;
  readonly dynamicClass: string;
  readonly spec: ResourceSpec;
  /** Every input a program may declare, in either door (the spec's). */
  readonly inputs: readonly string[];
  /** The spec's inputs only the dynamic door takes (see PropertySpec.dynamicOnly). */
  readonly dynamicOnlyInputs: readonly string[];
  readonly adoptInput?: string;
  /** The spec's outputs only the API can tell: unknown in the preview of a create. */
  readonly computedOutputs: readonly string[];
  readonly unsetOutputs: Readonly<PropertyBag>;
  /** The spec's outputs that are always secrets. */
  readonly secretOutputs: readonly string[];
  readonly memberSets?: MemberSets;
  mayHaveCreated?(error: unknown): MayHaveCreated | undefined;
  check(news: Readonly<PropertyBag>): CheckedInputs;
  changes(olds: Readonly<PropertyBag>, news: Readonly<PropertyBag>): PropertyChange[];
  /** `note`: the descriptor's createdNote for this resource, if it has one. */
  create(
    connection: Connection,
    checked: PropertyBag,
    warn?: Warn,
  ): Promise<{ id: string; outputs: PropertyBag; note?: (urn: string) => string }>;
  /** The live outputs and the inputs that declare them, or undefined when the resource is gone. */
  read(
    connection: Connection,
    id: string,
    recorded?: PropertyBag,
  ): Promise<{ outputs: PropertyBag; inputs: PropertyBag } | undefined>;
  update(
    connection: Connection,
    id: string,
    recorded: PropertyBag,
    checked: PropertyBag,
  ): Promise<PropertyBag>;
  delete(connection: Connection, id: string, recorded?: PropertyBag, warn?: Warn): Promise<void>;
}

/** A typed descriptor as the registry lists it. */
export function register<Inputs extends object, Outputs extends object>(
  descriptor: ResourceDescriptor<Inputs, Outputs>,
): Resource {
  const d = descriptor;
  return {
    token: d.token,
    dynamicToken: d.dynamicToken,
    dynamicClass: d.dynamicClass,
    spec: d.spec,
    inputs: names(d.spec.inputs),
    dynamicOnlyInputs: names(d.spec.inputs, "dynamicOnly"),
    ...(d.adoptInput !== undefined && { adoptInput: d.adoptInput }),
    computedOutputs: names(d.spec.outputs, "computed"),
    unsetOutputs: d.unsetOutputs,
    secretOutputs: names(d.spec.outputs, "secret"),
    ...(d.memberSets && { memberSets: d.memberSets }),
    ...(d.mayHaveCreated && { mayHaveCreated: d.mayHaveCreated.bind(d) }),
    check: (news) => d.check(news),
    changes: (olds, news) => d.changes(olds, news),
    create: async (connection, checked, warn) => {
      const { id, outputs } = await d.create(connection, d.decode(checked), warn);
      const note = d.createdNote?.bind(d);
      return { id, outputs: bag(outputs), ...(note && { note: (urn: string) => note(urn, outputs) }) };
    },
    read: async (connection, id, recorded) => {
      const live = await d.read(connection, id, recorded);
      return live && { outputs: bag(live), inputs: bag(d.inputsFromOutputs(live)) };
    },
    update: async (connection, id, recorded, checked) =>
      bag(await d.update(connection, id, recorded, d.decode(checked))),
    delete: (connection, id, recorded, warn) => d.delete(connection, id, recorded, warn),
  };
}

/**
 * A create that made something but could not finish it (an instance created whose settings failed).
 * `id`, `properties` and `reasons` are the shape the dynamic-provider host turns into a "resource
 * initialization failed" response, which makes Pulumi record the resource in the state; the native
 * door maps the same fields onto the gRPC error. The next `up` then finishes it instead of making a
 * second one.
 */
export class ResourceInitializationError extends Error {
  /** The engine shows the reasons, not the message: give them the whole story. */
  readonly reasons: string[];

  constructor(
    readonly code: string,
    readonly id: string,
    readonly properties: PropertyBag,
    message: string,
  ) {
    super(message);
    this.reasons = [message];
  }
}

/**
 * How both doors open the take-over advice when a lost answer left several candidates: only one can
 * be this resource's, and adopting another stack's would put one paid resource in two stacks.
 */
export const ONLY_IF_YOURS =
  "Only if you know which of them is this resource's (the others may be another stack's, or made by hand), take it over";

/**
 * What the doors call one resource of this type in prose: "instance" for `waapi:index:Instance`,
 * "an instance" with `article`.
 */
export function resourceNoun(resource: Pick<Resource, "token">, article?: "a"): string {
  const noun = (resource.token.split(":").pop() ?? resource.token).replace(/^[A-Z]/, (c) => c.toLowerCase());
  return article ? `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}` : noun;
}

/** The names of `properties`, or of those with `flag` set. */
export function names(
  properties: readonly PropertySpec[],
  flag?: "dynamicOnly" | "computed" | "secret",
): string[] {
  return properties.filter((p) => flag === undefined || p[flag] === true).map((p) => p.name);
}

/** A typed record as a property bag (its own enumerable properties, as the wire carries them). */
function bag(value: object): PropertyBag {
  return Object.fromEntries(Object.entries(value));
}

/** A function's docs, arguments and result, written once beside it: the schema is generated from it. */
export interface FunctionSpec {
  /** What it does: the schema's description. */
  readonly description: string;
  /** The title of the usage example (examples/native/) under the function in the schema. */
  readonly example: string;
  /** Its arguments; absent when it takes none. */
  readonly args?: readonly PropertySpec[];
  readonly result: readonly PropertySpec[];
}

/** An object type a function answers with (NamedType), e.g. InstanceInfo. */
export interface ObjectTypeSpec {
  readonly description: string;
  readonly properties: readonly PropertySpec[];
}

/** A function (a data source) of the provider: checked arguments in, a result bag out. */
export interface FunctionDescriptor<Args> {
  /** The native plugin's function token, e.g. `waapi:index:getInstance`. */
  readonly token: string;
  readonly spec: FunctionSpec;
  /** The arguments, typed, or why they are bad (one failure per bad argument, naming the fix). */
  check(args: Readonly<PropertyBag>): { args: Args } | { failures: InputFailure[] };
  invoke(connection: Connection, args: Args): Promise<PropertyBag>;
}

/** A function as the doors hold it (its argument type erased, see `register`). */
export interface ProviderFunction {
  readonly token: string;
  readonly spec: FunctionSpec;
  /** Checks the arguments and calls the function; failures instead of a result when they are bad. */
  invoke(
    connection: () => Promise<Connection>,
    args: Readonly<PropertyBag>,
  ): Promise<{ result: PropertyBag } | { failures: InputFailure[] }>;
}

export function registerFunction<Args>(descriptor: FunctionDescriptor<Args>): ProviderFunction {
  return {
    token: descriptor.token,
    spec: descriptor.spec,
    invoke: async (connection, args) => {
      const checked = descriptor.check(args);
      if ("failures" in checked) return checked;
      return { result: await descriptor.invoke(await connection(), checked.args) };
    },
  };
}
