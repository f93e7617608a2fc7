// A WaapiInstance with every input, protected against accidental deletion (set config `protect` to
// false to allow `pulumi destroy`), and every output exported.
// In your own project: `npm install pulumi-waapi @pulumi/pulumi`, then write this.
import * as pulumi from "@pulumi/pulumi";
import { WaapiInstance, type WebhookEvent } from "pulumi-waapi";

const config = new pulumi.Config();

// Typed: a misspelt event is a compile error here, and a check failure with a suggestion at preview.
const alertEvents: WebhookEvent[] = ["message", "disconnected", "auth_failure", "change_state"];

const alerts = new WaapiInstance(
  "alerts",
  {
    name: "On-call alerts",
    webhookUrl: config.require("webhookUrl"),
    webhookEvents: alertEvents,
    // To manage an instance made by hand instead of creating one, give its id:
    // adoptInstanceId: 1234,
  },
  {
    // Deleting an instance permanently lowers the account's instance limit. `protect` makes
    // `pulumi destroy` refuse; `retainOnDelete: true` would instead leave it on waapi.app.
    protect: config.getBoolean("protect") ?? true,
  },
);

export const instanceId = alerts.instanceId;
export const name = alerts.name;
export const owner = alerts.owner;
export const webhookUrl = alerts.webhookUrl;
export const webhookEvents = alerts.webhookEvents;
export const isTrial = alerts.isTrial;
export const apiBaseUrl = alerts.apiBaseUrl;
