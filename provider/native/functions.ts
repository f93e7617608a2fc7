/** The native door's Invoke: a function of the registry (../resources) by token. */
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { FUNCTIONS, functionFor } from "../resources";
import type { ProviderConfig } from "./config";
import { unwrapSecrets } from "./properties";
import { checkFailures, fromStruct, toStruct } from "./wire";

export async function invoke(
  config: ProviderConfig,
  request: rpc.InvokeRequest,
): Promise<rpc.InvokeResponse> {
  const fn = functionFor(request.getTok());
  if (!fn) {
    const known = FUNCTIONS.map((f) => f.token).join(", ");
    throw new Error(`The waapi provider has no function '${request.getTok()}'; it has ${known}.`);
  }
  const args = unwrapSecrets(fromStruct(request.getArgs())).values;
  const answer = await fn.invoke(config.connected, args);
  const response = new rpc.InvokeResponse();
  return "failures" in answer
    ? response.setFailuresList(checkFailures(answer.failures))
    : response.setReturn(toStruct(answer.result));
}
