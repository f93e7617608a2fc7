// Declares one WaapiInstance per entry of the `instances` config object, so that each end-to-end
// test can change the declared state with `setConfig` instead of editing code.
import * as pulumi from "@pulumi/pulumi";
import {
  WaapiInstance,
  getInstanceStatusOutput,
  type InstanceStatusResult,
  type WaapiInstanceArgs,
} from "pulumi-waapi";

interface DeclaredInstance extends WaapiInstanceArgs {
  /** Adopt this existing WAAPI instance (the `import` resource option) instead of creating one. */
  importId?: string;
  /** Give webhookUrl as `pulumi.secret(...)`, as a user whose URL carries a credential would. */
  secretWebhookUrl?: boolean;
  /** Read the line's client status with getInstanceStatusOutput, exported as lineStatuses[key]. */
  readStatus?: boolean;
}

const declared = new pulumi.Config().requireObject<Record<string, DeclaredInstance>>("instances");

export const instanceIds: Record<string, pulumi.Output<number>> = {};
export const lineStatuses: Record<string, pulumi.Output<InstanceStatusResult>> = {};
for (const [key, { importId, secretWebhookUrl, readStatus, ...args }] of Object.entries(declared)) {
  const webhookUrl = secretWebhookUrl && args.webhookUrl ? pulumi.secret(args.webhookUrl) : args.webhookUrl;
  instanceIds[key] = new WaapiInstance(
    key,
    { ...args, webhookUrl },
    importId ? { import: importId } : {},
  ).instanceId;
  if (readStatus) lineStatuses[key] = getInstanceStatusOutput({ instanceId: instanceIds[key] });
}
