/** The provider's functions about instances, as the registry (../resources) lists them. */
import { registerFunction } from "../resources/descriptor";
import { GET_INSTANCE, LIST_INSTANCES } from "../tokens";
import { listAllInstances, lookupInstance } from "./lifecycle";

/** One instance by id: `getInstance({ instanceId })`. */
export const getInstanceFunction = registerFunction<{ instanceId: number }>({
  token: GET_INSTANCE,
  check: (args) => {
    const id = args["instanceId"];
    if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) return { args: { instanceId: id } };
    return {
      failures: [
        {
          property: "instanceId",
          reason: `instanceId must be the numeric id of an instance, e.g. 1234, not ${JSON.stringify(id)}.`,
        },
      ],
    };
  },
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
