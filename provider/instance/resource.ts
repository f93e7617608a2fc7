/**
 * The Instance resource as the registry (../resources) lists it: a WhatsApp gateway instance on
 * waapi.app, served as `WaapiInstance` by the dynamic door and `waapi:index:Instance` by the native one.
 */
import { WaapiError } from "../client";
import { register } from "../resources/descriptor";
import { AmbiguousCreateError } from "./creation";
import { DYNAMIC_INSTANCE_TYPE, INSTANCE_TYPE } from "../tokens";
import { checkInstanceInputs, decodeInstanceInputs } from "./inputs";
import { INSTANCE_SPEC } from "./properties";
import { linkHint } from "./line-status";
import { createInstance, deleteInstance, readInstance, updateInstance } from "./lifecycle";
import { inputsFromOutputs, propertyChanges } from "./state";

export const instanceResource = register({
  token: INSTANCE_TYPE,
  dynamicToken: DYNAMIC_INSTANCE_TYPE,
  dynamicClass: "WaapiInstance",
  spec: INSTANCE_SPEC,
  // Stands in for Pulumi's `import` option, which the engine cannot apply to dynamic resources.
  adoptInput: "adoptInstanceId",
  unsetOutputs: { webhookEvents: [] },
  check: checkInstanceInputs,
  decode: decodeInstanceInputs,
  changes: propertyChanges,
  inputsFromOutputs,
  create: createInstance,
  // A new line is no WhatsApp line until a phone links it: say how, under the resource.
  createdNote: (urn, outputs) => linkHint(urn, outputs.instanceId),
  mayHaveCreated: (error) => {
    if (error instanceof AmbiguousCreateError)
      return { candidates: error.candidateIds.map((id) => ({ id: String(id), adopt: id })) };
    return error instanceof WaapiError && error.outcomeUnknown ? { candidates: [] } : undefined;
  },
  read: readInstance,
  update: updateInstance,
  delete: deleteInstance,
});
