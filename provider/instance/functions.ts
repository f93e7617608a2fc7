/** The provider's functions about instances, as the registry (../resources) lists them. */
import { registerFunction, type InputFailure, type PropertyBag } from "../resources/descriptor";
import { GET_INSTANCE, GET_INSTANCE_STATUS, LIST_INSTANCES } from "../tokens";
import { listAllInstances, lookupInstance } from "./lifecycle";
import { instanceIdProblem, lineStatus } from "./line-status";

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
  check: instanceIdArgs,
  invoke: async (connection, { instanceId }) => ({ ...(await lookupInstance(connection, instanceId)) }),
});

/** Every instance of the token's account: `listInstances()`. */
export const listInstancesFunction = registerFunction<object>({
  token: LIST_INSTANCES,
  check: () => ({ args: {} }),
  invoke: async (connection) => ({
    instances: (await listAllInstances(connection)).map((instance) => ({ ...instance })),
  }),
});

/**
 * A line's WhatsApp client status now: `getInstanceStatus({ instanceId })`. The status changes on its
 * own, so it is read here, never kept as an output (line-status.ts).
 */
export const getInstanceStatusFunction = registerFunction<{ instanceId: number }>({
  token: GET_INSTANCE_STATUS,
  check: instanceIdArgs,
  invoke: async (connection, { instanceId }) => ({ ...(await lineStatus(connection, instanceId)) }),
});
