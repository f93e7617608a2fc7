/**
 * The Group resource as the registry (../index.ts) lists it: a WhatsApp group of a linked WAAPI line,
 * served as `WaapiGroup` by the dynamic door and `waapi:index:Group` by the native one.
 */
import { DYNAMIC_GROUP_TYPE, GROUP_TYPE } from "../../tokens";
import { register } from "../descriptor";
import { DEFAULT_ON_DELETE, checkGroupInputs, decodeGroupInputs } from "./inputs";
import {
  GroupCreateOutcomeUnknownError,
  createGroup,
  deleteGroup,
  readGroup,
  updateGroup,
} from "./lifecycle";
import { GROUP_SPEC } from "./properties";
import { GROUP_MEMBER_SETS, groupChanges, groupResourceId, inputsFromOutputs } from "./state";

export const groupResource = register({
  token: GROUP_TYPE,
  dynamicToken: DYNAMIC_GROUP_TYPE,
  dynamicClass: "WaapiGroup",
  spec: GROUP_SPEC,
  // Stands in for Pulumi's `import` option, which the engine cannot apply to dynamic resources.
  adoptInput: "adoptGroupId",
  unsetOutputs: { admins: [], messagesAdminsOnly: false, onDelete: DEFAULT_ON_DELETE },
  memberSets: GROUP_MEMBER_SETS,
  check: checkGroupInputs,
  decode: decodeGroupInputs,
  changes: groupChanges,
  inputsFromOutputs,
  create: createGroup,
  // A lost create-group answer may have made a group the stack does not record: one of the line's
  // groups with the subject (adopted by its group id, imported as <instanceId>/<groupId>).
  mayHaveCreated: (error) =>
    error instanceof GroupCreateOutcomeUnknownError
      ? {
          candidates: (error.candidates ?? []).map((groupId) => ({
            id: groupResourceId(error.instanceId, groupId),
            adopt: groupId,
          })),
        }
      : undefined,
  read: readGroup,
  update: updateGroup,
  delete: deleteGroup,
});
