import * as pulumi from "@pulumi/pulumi";
import * as waapi from "pulumi-waapi/native";

const support = new waapi.Instance("support", {
  name: "Support line",
  webhookUrl: pulumi.secret("https://hooks.example.com/waapi/support"),
  webhookEvents: ["message", "ready"],
});
const live = waapi.getInstanceOutput({ instanceId: support.instanceId });
const account = waapi.listInstancesOutput();
const line = waapi.getInstanceStatusOutput({ instanceId: support.instanceId });
// A WhatsApp group of the line (once a phone has linked it): members as phone numbers or contact ids.
const oncall = new waapi.Group("oncall", {
  instanceId: support.instanceId,
  subject: "On-call",
  participants: ["+1 555 010 0200", "15550100201@c.us"],
  admins: ["+1 555 010 0200"],
  messagesAdminsOnly: true,
});

export const instanceId = support.instanceId;
export const owner = live.owner;
export const accountInstances = account.instances.apply((instances) => instances.length);
export const lineStatus = line.status; // "qr" until a phone links the line, then "ready"
export const groupId = oncall.groupId;
