/** The provider's functions about instances, as the registry (../resources) lists them. */
import {
  registerFunction,
  type FunctionSpec,
  type InputFailure,
  type ObjectTypeSpec,
  type PropertyBag,
} from "../resources/descriptor";
import { GET_INSTANCE, GET_INSTANCE_STATUS, LIST_INSTANCES } from "../tokens";
import { listAllInstances, lookupInstance } from "./lifecycle";
import { instanceIdProblem, lineStatus } from "./line-status";
import { INSTANCE_SPEC } from "./properties";

/** What getInstance and listInstances answer: an instance as an Instance records it. */
export const INSTANCE_INFO: ObjectTypeSpec = {
  description: "An instance as WAAPI reports it.",
  properties: INSTANCE_SPEC.outputs,
};

const INSTANCE_ID_ARG = {
  name: "instanceId",
  type: "number",
  required: true,
  description: "WAAPI's id of the instance.",
} as const;

/** The `instanceId` argument of a function about one instance. */
function instanceIdArgs(
  args: Readonly<PropertyBag>,
): { args: { instanceId: number } } | { failures: InputFailure[] } {
  const failure = instanceIdProblem(args["instanceId"]);
  return failure ? { failures: [failure] } : { args: { instanceId: Number(args["instanceId"]) } };
}

/** One instance by id: `getInstance({ instanceId })`. */
export const getInstanceFunction = registerFunction<{ instanceId: number }>({
  token: GET_INSTANCE,
  spec: {
    description: "Reads one instance of the token's account by its id; fails when there is none.",
    example: "Read a line's live settings",
    args: [INSTANCE_ID_ARG],
    result: INSTANCE_INFO.properties,
  },
  check: instanceIdArgs,
  invoke: async (connection, { instanceId }) => ({ ...(await lookupInstance(connection, instanceId)) }),
});

/** Every instance of the token's account: `listInstances()`. */
export const listInstancesFunction = registerFunction<object>({
  token: LIST_INSTANCES,
  spec: {
    description: "Lists every instance of the token's account, by id.",
    example: "Count the account's lines",
    result: [
      {
        name: "instances",
        type: "InstanceInfo[]",
        required: true,
        description: "The instances, sorted by id.",
      },
    ],
  },
  check: () => ({ args: {} }),
  invoke: async (connection) => ({
    instances: (await listAllInstances(connection)).map((instance) => ({ ...instance })),
  }),
});

/**
 * getInstanceStatus's docs: the dynamic door's typed function (../dynamic/functions.ts) and its
 * result type (InstanceStatusResult, ./line-status.ts) carry the same in their doc comments, for
 * editors; provider/dynamic/classes.test.ts holds them alike.
 */
export const INSTANCE_STATUS_SPEC: FunctionSpec = {
  description:
    "Reads a line's WhatsApp client status, as WAAPI reports it now: `qr` until a phone links it, " +
    "`ready` once it sends and receives messages, and then who is linked. A token with `read` is enough." +
    "\n\nA preview calls it too, so the status is read at preview time, and may have changed by the " +
    "update. It is never a resource output: the status changes on its own, and every refresh would " +
    "report it as drift. (For an instance the preview has yet to create, the id is unknown and nothing " +
    "is read.)",
  example: "Read whether a line is linked",
  args: [
    {
      ...INSTANCE_ID_ARG,
      description: "WAAPI's id of the instance: an instance resource's `instanceId` output.",
    },
  ],
  result: [
    { ...INSTANCE_ID_ARG },
    {
      name: "status",
      type: "InstanceStatus",
      required: true,
      description:
        "WAAPI's client status: booting, loading_screen, qr (waiting to be linked), authenticated, " +
        "ready (linked and working), disconnected (the phone went away) or auth_failure (WhatsApp " +
        "refused the session).",
    },
    {
      name: "linkedNumber",
      type: "string",
      description:
        "The linked phone's number as WAAPI formats it, e.g. +506 6408 3362; only when the status is ready.",
    },
    {
      name: "linkedName",
      type: "string",
      description:
        "The linked WhatsApp account's display name; only when the status is ready and it has one.",
    },
    {
      name: "linkedContactId",
      type: "string",
      description: "The linked phone's WhatsApp contact id, `<digits>@c.us`; only when the status is ready.",
    },
  ],
};

/**
 * A line's WhatsApp client status now: `getInstanceStatus({ instanceId })`. The status changes on its
 * own, so it is read here, never kept as an output (line-status.ts).
 */
export const getInstanceStatusFunction = registerFunction<{ instanceId: number }>({
  token: GET_INSTANCE_STATUS,
  spec: INSTANCE_STATUS_SPEC,
  check: instanceIdArgs,
  invoke: async (connection, { instanceId }) => ({ ...(await lineStatus(connection, instanceId)) }),
});
