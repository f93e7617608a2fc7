// The demo stack (`make demo`): two WhatsApp lines, each posting the events its team needs to its
// own webhook. Point it at the real waapi.app by setting `waapi:apiToken` (see the README).
import * as pulumi from "@pulumi/pulumi";
import { WaapiInstance } from "pulumi-waapi";

const config = new pulumi.Config();
const webhookBase = config.require("webhookBase");

const support = new WaapiInstance("support", {
  name: "Support line",
  webhookUrl: `${webhookBase}/waapi/support`,
  webhookEvents: ["message", "message_ack", "ready", "disconnected"],
});

const sales = new WaapiInstance("sales", {
  name: "Sales line",
  webhookUrl: `${webhookBase}/waapi/sales`,
  webhookEvents: ["message", "message_reaction", "call", "ready"],
});

export const supportInstanceId = support.instanceId;
export const supportWebhookUrl = support.webhookUrl;
export const salesInstanceId = sales.instanceId;
export const salesWebhookEvents = sales.webhookEvents;
export const owner = support.owner;
