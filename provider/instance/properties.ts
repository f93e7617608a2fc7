/**
 * The Instance's properties, written once: the registry's descriptor (./resource.ts) takes its input
 * names, dynamic-only inputs, computed and secret outputs from here, and the generators (schema.json,
 * the README reference, the SDKs) read it from the built registry. The dynamic door's WaapiInstance
 * declares the same members for TypeScript (provider/dynamic/classes.test.ts holds them to this).
 */
import type { ResourceSpec } from "../resources/descriptor";

export const INSTANCE_SPEC = {
  description:
    "A WhatsApp gateway instance on waapi.app: a paid, linked WhatsApp session with a " +
    "webhook." +
    "\n\nCreating one adds an instance to the account (within its instance limit). Changing any " +
    "input is an in-place update. Deleting it (removing it from the program, or `pulumi " +
    "destroy`) deletes the instance and permanently lowers the account's instance limit: use " +
    "the `protect` or `retainOnDelete` resource options where that must not happen.",
  example: "A WhatsApp line with a secret webhook, read back and listed",
  reference: {
    marker: "GENERATED REFERENCE",
    inputsHeading: "Inputs",
    outputsHeading: "Outputs",
    note: "All of them are updated in place: no change ever replaces an instance.",
  },
  inputs: [
    {
      name: "name",
      type: "string",
      required: true,
      description: "Display name on waapi.app; must not be empty, surrounding blanks are trimmed.",
    },
    {
      name: "webhookUrl",
      type: "string",
      description:
        "Absolute `http`/`https` URL WAAPI posts the subscribed events to. Omit it for no " +
        "webhook: an omitted URL is cleared on the instance.",
    },
    {
      name: "webhookEvents",
      type: "WebhookEvent[]",
      description: "Events to subscribe to, as a set: order and repeats carry no meaning. Omit it for none.",
    },
    {
      name: "adoptInstanceId",
      type: "number",
      dynamicOnly: true,
      description:
        "Manage this existing instance instead of creating one; it cannot change later (see " +
        "[Existing instances](#existing-instances))." +
        "\n\n`up` reads the instance and writes only if it differs from the other inputs. This stands " +
        "in for Pulumi's `import` option, which the engine cannot apply to dynamic resources.",
    },
  ],
  outputs: [
    {
      name: "instanceId",
      type: "number",
      required: true,
      computed: true,
      description:
        "WAAPI's id of the instance (the resource id is the same number)." +
        "\n\nDerived from the resource id, so that it stays known in the preview of an update, where " +
        "the engine knows only the inputs of a dynamic resource.",
    },
    {
      name: "name",
      type: "string",
      required: true,
      description: "The name as WAAPI stores it.",
    },
    {
      name: "owner",
      type: "string",
      required: true,
      computed: true,
      description: "E-mail address of the account that owns the instance.",
    },
    {
      name: "webhookUrl",
      type: "string",
      description: "The webhook URL; undefined when there is none.",
    },
    {
      name: "webhookEvents",
      type: "WebhookEvent[]",
      required: true,
      description: "Subscribed events, sorted.",
    },
    {
      name: "isTrial",
      type: "boolean",
      required: true,
      computed: true,
      description: "Whether the instance runs on a trial plan.",
    },
    {
      name: "apiBaseUrl",
      type: "string",
      required: true,
      description:
        "The WAAPI API the instance lives on; calls through another `waapi:baseUrl` are refused " +
        "(see [What it never does](#what-it-never-does)).",
    },
  ],
} as const satisfies ResourceSpec;
